"""CSV and Parquet exports, streamed from SQLite in batches (never the whole table in memory)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from monitor.store import EXPORT_VIEWS, Store

WHAT = tuple(EXPORT_VIEWS)
FORMATS = ("csv", "parquet")

# Arrow types of exported columns; anything not listed is a string
_INT = {
    "available",
    "run_id",
    "id",
    "price_minor",
    "power_w",
    "quantity",
    "last_price_minor",
    "sold",
    "shipping_minor",
}
_FLOAT = {"hashrate_ths", "hashrate", "efficiency_j_th", "confidence", "price_per_th"}


def _schema(columns: list[str]) -> pa.Schema:
    def kind(col: str) -> pa.DataType:
        if col in _INT:
            return pa.int64()
        if col in _FLOAT:
            return pa.float64()
        return pa.string()

    return pa.schema([(c, kind(c)) for c in columns])


def export(store: Store, what: str, fmt: str, path: Path) -> int:
    """Write the ``what`` view to ``path`` as ``fmt``; return the number of rows written."""
    if what not in EXPORT_VIEWS:
        raise ValueError(f"unknown export {what!r}; choose from {', '.join(WHAT)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = store.export_columns(what)
    tmp = path.with_name(path.name + ".partial")
    rows = 0
    if fmt == "csv":
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns)
            writer.writeheader()
            for batch in store.iter_rows(what):
                writer.writerows(batch)
                rows += len(batch)
    elif fmt == "parquet":
        schema = _schema(columns)
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for batch in store.iter_rows(what):
                writer.write_table(_table(batch, schema))
                rows += len(batch)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    tmp.replace(path)  # readers never see a half-written file
    return rows


def _table(batch: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(batch, schema=schema)
