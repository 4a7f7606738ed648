"""CSV and Parquet exports, streamed from SQLite in batches (never a whole table in memory).

``listings``, ``observations`` and ``runs`` stream from SQL views; ``index`` and ``drops`` come
from the analysis (small). A Parquet export can also be a dataset partitioned by month
(hive-style ``month=YYYY-MM/`` folders) that duckdb, pyarrow and Spark read as one table.

Crash safety: an export is written beside its target under a hidden temporary name
(``.<name>.tmp-<pid>-<n>``), fsynced, then renamed over the target (``os.replace``), so a reader or
a ``kill -9`` never leaves half a file where the last good export was. A dataset folder cannot
be replaced in one rename: the old one is moved aside (``.<name>.old-<pid>-<n>``), the new one
renamed in, the old one removed. The next export first puts an aside folder back if a crash
came between those two renames, and removes temporary files and folders of dead processes.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import logging
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from monitor.liveness import is_alive
from monitor.store import EXPORT_VIEWS, Store

log = logging.getLogger("asicmon.export")

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
    rows = 0
    text = [i for i, c in enumerate(columns) if arrow_type(c) == pa.string()]
    with replacing(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for batch in batches:
            writer.writerows(_inert(row, text) for row in batch)
            rows += len(batch)
    return rows


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(row: Sequence[Any], text: list[int]) -> Sequence[Any]:
    """A scraped title such as ``=HYPERLINK(...)`` would run as a formula when the CSV is opened
    in a spreadsheet: text cells that start like a formula get a leading ``'`` (OWASP's advice).
    Parquet keeps the text as it is."""
    if not any(isinstance(row[i], str) and row[i].startswith(_FORMULA_START) for i in text):
        return row
    out = list(row)
    for i in text:
        if isinstance(out[i], str) and out[i].startswith(_FORMULA_START):
            out[i] = "'" + out[i]
    return out


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

    writers: dict[str, pq.ParquetWriter] = {}
    rows = 0
    with replacing(path) as tmp:
        tmp.mkdir()
        try:
            for batch in batches:
                if not batch.num_rows:
                    continue
                months = pc.fill_null(pc.utf8_slice_codeunits(batch[month_col], 0, 7), "unknown")
                for month in pc.unique(months).to_pylist():
                    part = batch.filter(pc.equal(months, month))
                    if month not in writers:
                        folder = tmp / f"month={month}"
                        folder.mkdir()
                        writers[month] = pq.ParquetWriter(folder / "part-0.parquet", schema,
                                                          compression="zstd")  # fmt: skip
                    writers[month].write_batch(part)
                    rows += part.num_rows
        finally:
            for writer in writers.values():
                writer.close()
    return rows


def _write_arrow(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path) -> int:
    rows = 0
    with replacing(path) as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for batch in batches:
            if batch.num_rows:
                writer.write_batch(batch)
                rows += batch.num_rows
    return rows


# -- replacing an export atomically ---------------------------------------------------------
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<tag>tmp|old)-(?P<pid>\d+)(?:-\d+)?$")
_SEQ = itertools.count(1)  # two exports to one path from one process never share a name


def _beside(path: Path, tag: str) -> Path:
    """``.<name>.<tag>-<pid>-<n>``: hidden, so globs such as ``*.parquet`` never match it."""
    return path.with_name(f".{path.name}.{tag}-{os.getpid()}-{next(_SEQ)}")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write a file or a folder to; when the block ends
    without an error it is fsynced and replaces ``path``, otherwise it is removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    recover_leftovers(path)
    tmp = _beside(path, "tmp")
    try:
        yield tmp
        _fsync_tree(tmp)
        _swap(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def recover_leftovers(path: Path) -> list[Path]:
    """Undo what a crashed export to ``path`` left: put back an aside copy when ``path`` is
    missing (a crash between the two renames of a folder swap), and remove temporary and
    aside files and folders whose process is dead. Returns what was removed or restored."""
    found = []
    with contextlib.suppress(FileNotFoundError):
        for entry in path.parent.iterdir():
            m = _LEFTOVER.match(entry.name)
            if m and m["name"] == path.name and not is_alive(int(m["pid"])):
                found.append((m["tag"], entry))
    done = []
    # the newest aside copy first: it is the last export that was complete
    for tag, entry in sorted(found, key=lambda f: (f[0] != "old", -_mtime(f[1]))):
        if tag == "old" and not path.exists() and not path.is_symlink():
            entry.rename(path)
            log.warning("export %s: restored the previous export left aside by a crash", path)
        else:
            _remove(entry)
        done.append(entry)
    return done


def _swap(new: Path, path: Path) -> None:
    if not new.is_dir() and not path.is_dir():
        new.replace(path)  # atomic: readers see the old file or the new one
        _fsync_dir(path.parent)
        return
    aside = _beside(path, "old")
    had_old = path.exists() or path.is_symlink()
    if had_old:
        path.rename(aside)
    new.rename(path)  # a crash between these two renames is undone by recover_leftovers
    _fsync_dir(path.parent)
    if had_old:
        _remove(aside)


def _fsync_tree(path: Path) -> None:
    """Flush a written file, or every file and folder under a written folder, to disk."""
    if not path.is_dir():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        return
    for folder, _dirs, files in os.walk(path):
        for name in files:
            _fsync_tree(Path(folder) / name)
        _fsync_dir(Path(folder))


def _fsync_dir(path: Path) -> None:
    # a rename is durable once its folder is flushed; some platforms cannot open a folder
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0
