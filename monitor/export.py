"""CSV and Parquet exports, streamed from SQLite in batches (never a whole table in memory).

``listings``, ``observations`` and ``runs`` stream from SQL views; ``index`` and ``drops`` come
from the analysis (small). A Parquet export can also be a dataset partitioned by month
(hive-style ``month=YYYY-MM/`` folders) that duckdb, pyarrow and Spark read as one table.
Files are written under a temporary name and renamed, so readers never see half a file.
"""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from monitor.store import EXPORT_VIEWS, Store

WHAT = ("listings", "observations", "index", "drops", "runs")
FORMATS = ("csv", "parquet")
# the column whose first 7 characters (YYYY-MM) name a row's month partition
MONTH_OF = {"listings": "first_seen", "observations": "observed_date", "runs": "started_at",
            "index": "period", "drops": "start"}  # fmt: skip

_INT = {"available", "run_id", "id", "price_minor", "power_w", "quantity", "last_price_minor",
        "sold", "shipping_minor", "usd_minor", "pages", "listings", "new_listings",
        "observations", "errors", "n_listings", "n_obs"}  # fmt: skip
_FLOAT = {"hashrate_ths", "hashrate", "efficiency_j_th", "confidence", "price_per_th",
          "usd_per_th", "btc_per_th", "drop_pct", "market_explained_pct", "abnormal_pct",
          "chance_alignment_p"}  # fmt: skip


def arrow_type(column: str) -> pa.DataType:
    if column in _INT:
        return pa.int64()
    if column in _FLOAT:
        return pa.float64()
    return pa.string()


Batches = Iterable[Sequence[tuple[Any, ...]]]


def source_rows(store: Store, what: str) -> tuple[list[str], Batches]:
    if what not in EXPORT_VIEWS:
        raise ValueError(f"{what!r} is not a database view; choose from {', '.join(EXPORT_VIEWS)}")
    return store.export_columns(what), store.iter_tuples(what)


def records_rows(records: list[dict[str, Any]], columns: list[str]) -> Batches:
    """Analysis records (dicts) as one batch of tuples; lists become JSON-ish strings."""

    def cell(value: Any) -> Any:
        return (
            "; ".join(str(v.get("id", v)) if isinstance(v, dict) else str(v) for v in value)
            if isinstance(value, list)
            else value
        )

    return [[tuple(cell(r.get(c)) for c in columns) for r in records]]


def write(columns: list[str], batches: Batches, fmt: str, path: Path,
          partition_by: str | None = None, what: str | None = None) -> int:  # fmt: skip
    """Write batches of tuples as CSV or Parquet (optionally a month-partitioned dataset)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if partition_by is not None and (partition_by != "month" or fmt != "parquet"):
        raise ValueError("--partition-by month needs --format parquet")
    if fmt == "parquet":
        schema = pa.schema([(c, arrow_type(c)) for c in columns])
        arrow = (rb for batch in batches for rb in _table(batch, schema).to_batches())
        if partition_by is None:
            return _write_arrow(arrow, schema, path)
        return _write_arrow_partitioned(arrow, schema, path, MONTH_OF[what or "observations"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    rows = 0
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for batch in batches:
            writer.writerows(batch)
            rows += len(batch)
    tmp.replace(path)
    return rows


def _table(batch: Sequence[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    if not batch:
        return schema.empty_table()
    cols = list(zip(*batch, strict=True))
    return pa.Table.from_arrays(
        [pa.array(col, type=field.type) for col, field in zip(cols, schema, strict=True)],
        schema=schema,
    )


def export(store: Store, what: str, fmt: str, path: Path, partition_by: str | None = None) -> int:
    """Write a database view (``listings``, ``observations``, ``runs``) to ``path``."""
    columns, batches = source_rows(store, what)
    if fmt == "parquet":
        schema = pa.schema([(c, arrow_type(c)) for c in columns])
        arrow = store.arrow_batches(what, schema)
        if arrow is not None:  # the fast path: Arrow batches straight from C
            if partition_by is None:
                return _write_arrow(arrow, schema, path)
            if partition_by == "month":
                return _write_arrow_partitioned(arrow, schema, path, MONTH_OF[what])
    return write(columns, batches, fmt, path, partition_by, what)


def _write_arrow_partitioned(
    batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path, month_col: str
) -> int:
    """Hive-style ``month=YYYY-MM/part-0.parquet`` from Arrow batches (replaced as a whole)."""
    import pyarrow.compute as pc

    tmp = path.with_name(path.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    writers: dict[str, pq.ParquetWriter] = {}
    rows = 0
    try:
        for batch in batches:
            if not batch.num_rows:
                continue
            months = pc.fill_null(pc.utf8_slice_codeunits(batch[month_col], 0, 7), "unknown")
            for month in pc.unique(months).to_pylist():
                part = batch.filter(pc.equal(months, month))
                if month not in writers:
                    folder = tmp / f"month={month}"
                    folder.mkdir(parents=True)
                    writers[month] = pq.ParquetWriter(folder / "part-0.parquet", schema,
                                                      compression="zstd")  # fmt: skip
                writers[month].write_batch(part)
                rows += part.num_rows
    finally:
        for writer in writers.values():
            writer.close()
    tmp.mkdir(parents=True, exist_ok=True)
    if path.exists():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    tmp.replace(path)
    return rows


def _write_arrow(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    rows = 0
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for batch in batches:
            if batch.num_rows:
                writer.write_batch(batch)
                rows += batch.num_rows
    tmp.replace(path)
    return rows
