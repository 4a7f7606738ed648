"""CSV and Parquet exports, streamed from SQLite in batches (never a whole table in memory).

Every export has a declared schema (:mod:`monitor.outputs.export_schema`): the columns, their
order and their types. Values are converted to it on the way out: SQLite's ISO-8601 UTC text
becomes ``timestamp[us, tz=UTC]``, day text ``date32``, 0/1 flags ``bool``; money stays in integer
minor units. Parquet keeps those types; CSV writes the same columns in the same order as text
(ISO days, ``2026-11-25T17:00:00Z`` times, ``true``/``false`` flags).

``listings``, ``observations`` and ``runs`` stream from the store's export views (the job
:mod:`monitor.jobs.export` hands the batches over); ``index`` and ``drops`` come from the analysis
(small). A Parquet export can also be a dataset partitioned by month
(hive-style ``month=YYYY-MM/`` folders) that duckdb, pyarrow and Spark read as one table.

Crash safety: an export is written beside its target under a hidden temporary name
(``.<name>.tmp-<pid>-<n>``), fsynced, then renamed over the target (``os.replace``), so a reader or
a ``kill -9`` never leaves half a file where the last good export was. A dataset folder cannot
be replaced in one rename: the old one is moved aside (``.<name>.old-<pid>-<n>``), the new one
renamed in, the old one removed. The next export first puts an aside copy back if a crash
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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from monitor.liveness import is_alive
from monitor.outputs.export_schema import ANALYSIS, MONTH_OF, SCHEMAS, VIEWS, WHAT, schema_of

log = logging.getLogger("asicmon.export")

__all__ = [
    "FORMATS",
    "MONTH_OF",
    "WHAT",
    "check_options",
    "conform",
    "export",
    "export_batches",
    "record_batch",
    "records_rows",
    "recover_leftovers",
    "replacing",
    "write",
    "write_batches",
    "write_records",
    "wire_schema",
]

FORMATS = ("csv", "parquet")
# the day column ``since``/``until`` select on, for the views that have one
DAY_OF = {"observations": "observed_date"}

Batches = Iterable[Sequence[tuple[Any, ...]]]
Day = str | date | None


def check_options(what: str, fmt: str, partition_by: str | None) -> pa.Schema:
    """The schema of ``what``; ValueError for an unknown export, format or partitioning."""
    schema = schema_of(what)
    _check_format(fmt, partition_by)
    return schema


def _check_format(fmt: str, partition_by: str | None) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if partition_by is not None and (partition_by != "month" or fmt != "parquet"):
        raise ValueError("--partition-by month needs --format parquet")


# -- exports --------------------------------------------------------------------------------
# columns a view hands over only to derive an exported one from (not exported themselves)
_INPUTS: dict[str, list[pa.Field]] = {"observations": [pa.field("price_major", pa.float64())]}


def _read_schema(what: str) -> pa.Schema:
    """The declared schema plus the inputs of derived columns."""
    schema = schema_of(what)
    for field in _INPUTS.get(what, []):
        schema = schema.append(field)
    return schema


def _derive(what: str, batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """Derived columns, then the declared ``schema``: an observation's ``price_per_th`` is
    :func:`monitor.analysis.unit_price.usd_per_th` of its price in major units (the one
    definition of $/TH), for miners and for offers quoted per TH."""
    if what == "observations":
        import numpy as np

        from monitor.analysis.unit_price import PER_TH, usd_per_th

        def col(name: str) -> Any:
            return batch.column(name).to_numpy(zero_copy_only=False)

        basis = col("price_basis")
        unit = usd_per_th(col("price_major"), col("quantity"), col("hashrate_ths"), basis)
        shown = np.floor(unit * 10_000 + 0.5) / 10_000  # 4 places, half up (as SQLite's round)
        unit = np.where((col("kind") == "miner") | (basis == PER_TH), shown, np.nan)
        index = batch.schema.get_field_index("price_per_th")
        batch = batch.set_column(index, "price_per_th", pa.array(unit, pa.float64(),
                                                                 from_pandas=True))  # fmt: skip
    return conform(batch, schema)


def wire_schema(what: str, names: Sequence[str]) -> pa.Schema:
    """The types to read the view ``what`` (columns ``names``) from SQLite as: integers for
    integers and flags, doubles for floats, text for the rest (undeclared columns too)."""
    schema = _read_schema(what)
    return pa.schema(
        [(n, _wire(schema.field(n).type) if n in schema.names else pa.string()) for n in names]
    )


def export_batches(what: str, names: Sequence[str],
                   batches: Iterable[pa.RecordBatch | Sequence[tuple[Any, ...]]], fmt: str,
                   path: Path, partition_by: str | None = None, *, since: Day = None,
                   until: Day = None) -> int:  # fmt: skip
    """Write the rows of a database view (``listings``, ``observations``, ``runs``) whose
    columns are ``names`` to ``path`` in the view's declared schema; returns the row count.

    Each batch is an Arrow record batch (columns by name, e.g. read as :func:`wire_schema`) or
    a sequence of tuples in ``names`` order. ``since``/``until`` (inclusive UTC days) select
    observations by day."""
    schema = check_options(what, fmt, partition_by)
    if what not in VIEWS:
        raise ValueError(f"{what!r} is not a database view; choose from {', '.join(VIEWS)}")
    if (since is not None or until is not None) and what not in DAY_OF:
        raise ValueError(f"since/until select observations, index and drops, not {what}")
    read = _read_schema(what)
    _report_drift(what, names, read)
    typed: Iterable[pa.RecordBatch] = (
        _derive(what, conform(b, read) if isinstance(b, pa.RecordBatch)
                else record_batch(b, names, read), schema)
        for b in batches
    )  # fmt: skip
    if since is not None or until is not None:
        typed = _between(typed, DAY_OF[what], since, until)
    return write_batches(typed, schema, fmt, path, partition_by, MONTH_OF[what])


class ViewSource(Protocol):
    """What :func:`export` reads a view through (``monitor.store.Store``)."""

    def export_columns(self, what: str) -> list[str]: ...

    def iter_tuples(self, what: str) -> Iterator[list[tuple[Any, ...]]]: ...

    def arrow_batches(self, what: str, schema: Any) -> Iterator[Any] | None: ...


def export(store: ViewSource, what: str, fmt: str, path: Path, partition_by: str | None = None,
           *, since: Day = None, until: Day = None) -> int:  # fmt: skip
    """Write a database view to ``path`` (see :func:`export_batches`): Arrow batches read in C
    when the ADBC driver is installed, tuples otherwise. Kept for the callers that hold a store
    (the demo, the benchmark); jobs call :func:`monitor.jobs.export.run_export`."""
    check_options(what, fmt, partition_by)
    names = store.export_columns(what)
    arrow = store.arrow_batches(what, wire_schema(what, names))
    batches = arrow if arrow is not None else store.iter_tuples(what)
    return export_batches(what, names, batches, fmt, path, partition_by, since=since, until=until)


def write_records(what: str, records: list[dict[str, Any]], fmt: str, path: Path,
                  partition_by: str | None = None) -> int:  # fmt: skip
    """Write analysis records (``index`` or ``drops`` dicts) in their declared schema."""
    schema = check_options(what, fmt, partition_by)
    if what not in ANALYSIS:
        raise ValueError(f"{what!r} is not an analysis output; choose from {', '.join(ANALYSIS)}")
    names = list(dict.fromkeys(k for r in records for k in r)) or schema.names
    _report_drift(what, names, schema)
    batch = record_batch(
        [tuple(_cell(r.get(n)) for n in schema.names) for r in records], schema.names, schema
    )
    return write_batches([batch], schema, fmt, path, partition_by, MONTH_OF[what])


def records_rows(records: list[dict[str, Any]], columns: list[str]) -> Batches:
    """Analysis records (dicts) as one batch of tuples; lists become '; '-joined text."""
    return [[tuple(_cell(r.get(c)) for c in columns) for r in records]]


def _cell(value: Any) -> Any:
    if isinstance(value, list):  # a drop's events: their ids
        return "; ".join(str(v.get("id", v)) if isinstance(v, dict) else str(v) for v in value)
    return value


def write(columns: Sequence[str] | pa.Schema, batches: Batches, fmt: str, path: Path,
          partition_by: str | None = None, what: str | None = None) -> int:  # fmt: skip
    """Write batches of tuples as CSV or Parquet (optionally a month-partitioned dataset).

    ``columns`` is a schema, or column names typed as the declared export ``what`` types them
    (without ``what``: as any declared export does; undeclared names are text)."""
    _check_format(fmt, partition_by)
    schema = columns if isinstance(columns, pa.Schema) else _schema_for(list(columns), what)
    month_of = MONTH_OF.get(what or "", "observed_date")
    if partition_by is not None and month_of not in schema.names:
        raise ValueError(f"no {month_of} column to partition by month")
    arrow = (record_batch(batch, schema.names, schema) for batch in batches)
    return write_batches(arrow, schema, fmt, path, partition_by, month_of)


def write_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, fmt: str, path: Path,
                  partition_by: str | None = None, month_of: str | None = None) -> int:  # fmt: skip
    """Write record batches of ``schema`` as CSV, Parquet or a dataset partitioned by the month
    of column ``month_of``; returns the row count."""
    _check_format(fmt, partition_by)
    if fmt == "csv":
        return _write_csv(batches, schema, path)
    if partition_by is None:
        return _write_arrow(batches, schema, path)
    if month_of is None:
        raise ValueError("a month-partitioned export needs the column that dates a row")
    return _write_arrow_partitioned(batches, schema, path, month_of)


def _schema_for(names: list[str], what: str | None) -> pa.Schema:
    declared = [SCHEMAS[what]] if what else list(SCHEMAS.values())
    fields = []
    for name in names:
        found = next((s.field(name) for s in declared if name in s.names), None)
        fields.append(found if found is not None else pa.field(name, pa.string()))
    return pa.schema(fields)


_warned: set[tuple[str, str]] = set()


def _report_drift(what: str, names: Sequence[str], schema: pa.Schema) -> None:
    """Warn (once per process) when the source and the declared schema disagree: a declared
    column the source lacks is exported empty, an undeclared one is left out."""
    missing = [n for n in schema.names if n not in names]
    extra = [n for n in names if n not in schema.names]
    for kind, cols in (("missing", missing), ("extra", extra)):
        if cols and (what, kind) not in _warned:
            _warned.add((what, kind))
            if kind == "missing":
                log.warning("export %s: the source has no %s; exported empty", what, cols)
            else:
                log.warning("export %s: %s not in the declared schema; left out", what, cols)


# -- converting to the declared types ---------------------------------------------------------
def _wire(type_: pa.DataType) -> pa.DataType:
    """The type SQLite hands a column of the declared ``type_`` over as."""
    if pa.types.is_integer(type_) or pa.types.is_boolean(type_):
        return pa.int64()
    if pa.types.is_floating(type_):
        return pa.float64()
    return pa.string()


def record_batch(rows: Sequence[tuple[Any, ...]], names: Sequence[str],
                 schema: pa.Schema) -> pa.RecordBatch:  # fmt: skip
    """Tuples whose columns are ``names`` as a record batch of ``schema`` (declared columns the
    tuples lack are null, undeclared ones left out)."""
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    where = {n: i for i, n in enumerate(names)}
    arrays = [
        _to_array(cols[where[f.name]], f) if f.name in where else pa.nulls(len(rows), f.type)
        for f in schema
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """An Arrow batch (columns by name, any types) as a batch of ``schema``."""
    have = batch.schema.names
    arrays = [
        _cast(batch.column(f.name), f) if f.name in have else pa.nulls(batch.num_rows, f.type)
        for f in schema
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _to_array(values: Sequence[Any], field: pa.Field) -> pa.Array:
    try:
        arr = pa.array(values)  # SQLite is dynamically typed: see what the column holds
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: read them as text
        arr = pa.array([None if v is None else str(v) for v in values], pa.string())
    return _cast(arr, field)


def _cast(arr: pa.Array, field: pa.Field) -> pa.Array:
    target = field.type
    if arr.type == target:
        return arr
    temporal = pa.types.is_timestamp(target) or pa.types.is_date(target)
    if temporal and (pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type)):
        raise ValueError(f"{field.name}: numbers where ISO-8601 text was expected")
    try:
        return arr.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        if temporal and (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            return _parse_iso(arr, field)
        raise ValueError(f"{field.name}: not {target}: {exc}") from None


def _parse_iso(arr: pa.Array, field: pa.Field) -> pa.Array:
    """ISO-8601 text Arrow's cast refuses (a time without an offset, which asicmon means as UTC;
    a day where a time is expected; a time where a day is), value by value."""
    day = pa.types.is_date(field.type)
    out: list[date | datetime | None] = []
    for text in arr.to_pylist():
        if text is None or not text.strip():
            out.append(None)
            continue
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"{field.name}: {text!r} is not an ISO-8601 date or time") from None
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        out.append(moment.date() if day else moment)
    return pa.array(out, field.type)


def _between(batches: Iterable[pa.RecordBatch], column: str, since: Day,
             until: Day) -> Iterator[pa.RecordBatch]:  # fmt: skip
    lo, hi = _as_day(since), _as_day(until)
    for batch in batches:
        keep = pa.array([True] * batch.num_rows, pa.bool_())
        col = batch.column(column)
        if lo is not None:
            keep = pc.and_(keep, pc.greater_equal(col, pa.scalar(lo, pa.date32())))
        if hi is not None:
            keep = pc.and_(keep, pc.less_equal(col, pa.scalar(hi, pa.date32())))
        yield batch.filter(keep)


def _as_day(value: Day) -> date | None:
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a day (YYYY-MM-DD)") from None


# -- CSV ------------------------------------------------------------------------------------
def _write_csv(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path) -> int:
    rows = 0
    with replacing(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(schema.names)
        for batch in batches:
            if batch.num_rows:
                writer.writerows(zip(*(_csv_column(c) for c in batch.columns), strict=True))
                rows += batch.num_rows
    return rows


def _csv_column(arr: pa.Array) -> list[Any]:
    """A column's CSV cells: text made inert, days and times ISO, flags true/false, numbers as
    they are (Python's csv writes them; a float round-trips)."""
    type_ = arr.type
    if pa.types.is_string(type_) or pa.types.is_large_string(type_):
        arr = _inert(arr)
    elif pa.types.is_timestamp(type_):
        arr = _iso_utc(arr)
    elif pa.types.is_date(type_) or pa.types.is_boolean(type_) or pa.types.is_decimal(type_):
        arr = arr.cast(pa.string())
    cells: list[Any] = arr.to_pylist()
    return cells


_FORMULA = r"^[=+\-@\t\r]"  # how a spreadsheet formula starts


def _inert(arr: pa.Array) -> pa.Array:
    """A scraped title such as ``=HYPERLINK(...)`` would run as a formula when the CSV is opened
    in a spreadsheet: text cells that start like a formula get a leading ``'`` (OWASP's advice).
    Parquet keeps the text as it is."""
    formula = pc.match_substring_regex(arr, _FORMULA)
    if not pc.any(formula).as_py():
        return arr
    return pc.if_else(formula, pc.binary_join_element_wise("'", arr, ""), arr)


def _iso_utc(arr: pa.Array) -> pa.Array:
    """``2026-11-25T17:00:00Z`` (as SQLite stores it), with microseconds only when there are."""
    whole = arr.cast(pa.timestamp("s", tz="UTC"), safe=False)
    text = pc.strftime(whole, "%Y-%m-%dT%H:%M:%SZ")
    fraction = pc.not_equal(whole.cast(arr.type), arr)
    if not pc.any(fraction).as_py():
        return text
    return pc.if_else(fraction, pc.strftime(arr, "%Y-%m-%dT%H:%M:%SZ"), text)


# -- Parquet --------------------------------------------------------------------------------
def _months(col: pa.Array) -> tuple[pa.Array, dict[Any, str]]:
    """Each row's month as a key, and each key's ``YYYY-MM`` (``unknown`` for a null) from a
    day, time or ISO text column. Days and times are keyed ``year * 100 + month``: formatting
    every row as text would cost more than the rest of the export."""
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        keys = pc.fill_null(pc.utf8_slice_codeunits(col, 0, 7), "unknown")
        return keys, {k: k for k in pc.unique(keys).to_pylist()}
    keys = pc.fill_null(pc.add(pc.multiply(pc.year(col), 100), pc.month(col)), 0)
    names = {k: "unknown" if k == 0 else f"{k // 100:04d}-{k % 100:02d}"
             for k in pc.unique(keys).to_pylist()}  # fmt: skip
    return keys, names


def _write_arrow_partitioned(
    batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path, month_col: str
) -> int:
    """Hive-style ``month=YYYY-MM/part-0.parquet`` from Arrow batches (replaced as a whole)."""
    writers: dict[str, pq.ParquetWriter] = {}
    rows = 0
    with replacing(path) as tmp:
        tmp.mkdir()
        try:
            for batch in batches:
                if not batch.num_rows:
                    continue
                keys, months = _months(batch.column(month_col))
                for key, month in months.items():
                    part = batch.filter(pc.equal(keys, key))
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
