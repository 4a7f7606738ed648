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

What an export may replace: nothing, a regular file, or a dataset folder asicmon wrote (it holds
the hidden marker file ``.asicmon-dataset``). Never a folder without the marker, the database or
a file named after it beside it (``-wal``, ``-shm``, ``.digest.lock`` ...: the job passes the
database as ``protect``; checked by resolved path and by inode, so a link to it is refused too),
any SQLite database, a symbolic link, a FIFO, socket or device (:class:`ExportRefused`). An OS
error on the way (full disk, no permission, a file where a folder should be) is one
:class:`ExportError` naming the target and the reason.

Crash safety: an export is written beside its target under a new hidden name
(``.<name>.tmp-<pid>-<64 random bits>``, created with ``O_EXCL | O_NOFOLLOW`` or ``mkdir``, so
nothing planted there is ever written through), fsynced, then renamed over the target
(``os.replace``), so a reader or a ``kill -9`` never leaves half a file where the last good export
was. A dataset folder cannot be replaced in one rename: the old one is moved aside
(``.<name>.old-<pid>-<random>``), the new one renamed in, the old one removed. The next export
first puts an aside copy back if a crash came between those two renames, and removes temporary
files and folders of dead processes.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import logging
import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from monitor.liveness import is_alive
from monitor.outputs.export_schema import ANALYSIS, MONTH_OF, SCHEMAS, VIEWS, WHAT, schema_of

log = logging.getLogger("asicmon.export")

__all__ = [
    "FORMATS",
    "MARKER",
    "MONTH_OF",
    "WHAT",
    "ExportError",
    "ExportRefused",
    "check_options",
    "check_target",
    "conform",
    "export",
    "export_batches",
    "prefetched",
    "record_batch",
    "records_rows",
    "recover_leftovers",
    "replacing",
    "replacing_folder",
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
                   until: Day = None, protect: Protect = ()) -> int:  # fmt: skip
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
    return write_batches(typed, schema, fmt, path, partition_by, MONTH_OF[what], protect=protect)


def prefetched(batches: Iterable[pa.RecordBatch], depth: int = 1) -> Iterator[pa.RecordBatch]:
    """``batches`` read ahead by a thread (at most ``depth`` waiting), so that SQLite reading
    the next batch and Parquet compressing this one run at once (both release the GIL). The
    source is iterated, and closed, in that thread: it must not be tied to the caller's (an
    ADBC reader opens its own connection; a ``sqlite3`` cursor of the caller's cannot be read
    ahead). An error in the source is raised here; stopping early stops the reader."""
    import queue
    import threading

    done = object()
    ahead: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        source = iter(batches)
        try:
            for batch in source:
                while not stop.is_set():
                    try:
                        ahead.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
            item: Any = done
        except BaseException as exc:  # handed to the consumer, raised there
            item = exc
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    reader = threading.Thread(target=read, name="export-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            item = ahead.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        reader.join()


class ViewSource(Protocol):
    """What :func:`export` reads a view through (``monitor.store.Store``)."""

    def export_columns(self, what: str) -> list[str]: ...

    def iter_tuples(self, what: str) -> Iterator[list[tuple[Any, ...]]]: ...

    def arrow_batches(self, what: str, schema: Any) -> Iterator[Any] | None: ...


def export(store: ViewSource, what: str, fmt: str, path: Path, partition_by: str | None = None,
           *, since: Day = None, until: Day = None, protect: Protect = ()) -> int:  # fmt: skip
    """Write a database view to ``path`` (see :func:`export_batches`): Arrow batches read in C
    when the ADBC driver is installed, tuples otherwise. Kept for the callers that hold a store
    (the demo, the benchmark); jobs call :func:`monitor.jobs.export.run_export`."""
    check_options(what, fmt, partition_by)
    names = store.export_columns(what)
    arrow = store.arrow_batches(what, wire_schema(what, names))
    batches = prefetched(arrow) if arrow is not None else store.iter_tuples(what)
    return export_batches(what, names, batches, fmt, path, partition_by, since=since, until=until,
                          protect=protect)  # fmt: skip


def write_records(what: str, records: list[dict[str, Any]], fmt: str, path: Path,
                  partition_by: str | None = None, *, protect: Protect = ()) -> int:  # fmt: skip
    """Write analysis records (``index`` or ``drops`` dicts) in their declared schema."""
    schema = check_options(what, fmt, partition_by)
    if what not in ANALYSIS:
        raise ValueError(f"{what!r} is not an analysis output; choose from {', '.join(ANALYSIS)}")
    names = list(dict.fromkeys(k for r in records for k in r)) or schema.names
    _report_drift(what, names, schema)
    batch = record_batch(
        [tuple(_cell(r.get(n)) for n in schema.names) for r in records], schema.names, schema
    )
    return write_batches([batch], schema, fmt, path, partition_by, MONTH_OF[what], protect=protect)


def records_rows(records: list[dict[str, Any]], columns: list[str]) -> Batches:
    """Analysis records (dicts) as one batch of tuples; lists become '; '-joined text."""
    return [[tuple(_cell(r.get(c)) for c in columns) for r in records]]


def _cell(value: Any) -> Any:
    if isinstance(value, list):  # a drop's events: their ids
        return "; ".join(str(v.get("id", v)) if isinstance(v, dict) else str(v) for v in value)
    return value


def write(columns: Sequence[str] | pa.Schema, batches: Batches, fmt: str, path: Path,
          partition_by: str | None = None, what: str | None = None, *,
          protect: Protect = ()) -> int:  # fmt: skip
    """Write batches of tuples as CSV or Parquet (optionally a month-partitioned dataset).

    ``columns`` is a schema, or column names typed as the declared export ``what`` types them
    (without ``what``: as any declared export does; undeclared names are text)."""
    _check_format(fmt, partition_by)
    schema = columns if isinstance(columns, pa.Schema) else _schema_for(list(columns), what)
    month_of = MONTH_OF.get(what or "", "observed_date")
    if partition_by is not None and month_of not in schema.names:
        raise ValueError(f"no {month_of} column to partition by month")
    arrow = (record_batch(batch, schema.names, schema) for batch in batches)
    return write_batches(arrow, schema, fmt, path, partition_by, month_of, protect=protect)


def write_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, fmt: str, path: Path,
                  partition_by: str | None = None, month_of: str | None = None, *,
                  protect: Protect = ()) -> int:  # fmt: skip
    """Write record batches of ``schema`` as CSV, Parquet or a dataset partitioned by the month
    of column ``month_of``; returns the row count.

    ``path`` is replaced only if :func:`check_target` allows it (never one of the ``protect``
    files, such as the database): :class:`ExportRefused`; an OS error is an
    :class:`ExportError` naming ``path``."""
    _check_format(fmt, partition_by)
    if fmt == "csv":
        return _write_csv(batches, schema, path, protect)
    if partition_by is None:
        return _write_arrow(batches, schema, path, protect)
    if month_of is None:
        raise ValueError("a month-partitioned export needs the column that dates a row")
    return _write_arrow_partitioned(batches, schema, path, month_of, protect)


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
def _write_csv(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path,
               protect: Protect) -> int:  # fmt: skip
    rows = 0
    with (replacing(path, protect=protect) as raw,
          io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh):  # fmt: skip
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


def _write_arrow_partitioned(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path,
                             month_col: str, protect: Protect) -> int:  # fmt: skip
    """Hive-style ``month=YYYY-MM/part-0.parquet`` from Arrow batches (replaced as a whole),
    in a folder marked as asicmon's (:data:`MARKER`, hidden: readers skip it)."""
    writers: dict[str, pq.ParquetWriter] = {}
    rows = 0
    with replacing_folder(path, protect=protect) as tmp:
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


def _write_arrow(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path,
                 protect: Protect) -> int:  # fmt: skip
    rows = 0
    with (replacing(path, protect=protect) as raw,
          pq.ParquetWriter(raw, schema, compression="zstd") as writer):  # fmt: skip
        for batch in batches:
            if batch.num_rows:
                writer.write_batch(batch)
                rows += batch.num_rows
    return rows


# -- replacing an export safely ---------------------------------------------------------------
MARKER = ".asicmon-dataset"  # in every dataset folder asicmon writes: the folder may be replaced
_MARKER_TEXT = (
    "A dataset written by `asicmon export`. The next export to this folder replaces it as a\n"
    "whole; a folder without this file is never replaced.\n"
)
_LEFTOVER = re.compile(r"^\.(?P<name>.+)\.(?P<tag>tmp|old)-(?P<pid>\d+)(?:-[0-9a-f]+)?$")
_SQLITE = (b"SQLite format 3\x00", b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")  # db, WAL
_KINDS = {stat.S_IFIFO: "FIFO", stat.S_IFSOCK: "socket", stat.S_IFCHR: "device",
          stat.S_IFBLK: "device", stat.S_IFLNK: "symbolic link"}  # fmt: skip


class ExportError(ValueError):
    """An export that cannot be written: one line naming the target and the reason. Exit 1:
    the system failed (a full disk, no permission, a file where a folder should be)."""

    exit_code = 1


class ExportRefused(ExportError):
    """The target is something an export never replaces (exit 2: choose another path)."""

    exit_code = 2


Protect = Iterable[Path | str]


def check_target(path: Path, protect: Protect = (), *, dataset: bool = False) -> None:
    """Raise :class:`ExportRefused` unless an export may replace ``path``: nothing there, a
    regular file, or a dataset folder asicmon wrote (it holds :data:`MARKER`, or is laid out
    as asicmon laid datasets out before the mark: only ``month=*/part-0.parquet``), or, for a
    ``dataset``, an empty folder. Never a protected file (see :func:`_protected`), an SQLite
    database or WAL, a symbolic link, a FIFO, socket or device. :class:`ExportError` when a
    folder on the way is a file."""
    with _errors(path):
        _check_target(path, tuple(protect), dataset=dataset)


def _check_target(path: Path, protect: tuple[Path | str, ...], *, dataset: bool) -> None:
    owner = _protected(path, protect)
    if owner is not None:
        raise ExportRefused(f"{path} is the database {owner} or a file asicmon keeps beside it; "
                            "an export never replaces it: choose another path")  # fmt: skip
    _check_parent(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if owner := _same_file(path, st, protect):
        raise ExportRefused(f"{path} is the database {owner} under another name; an export "
                            "never replaces it: choose another path")  # fmt: skip
    kind = stat.S_IFMT(st.st_mode)
    if kind == stat.S_IFREG:
        if _starts_with(path, _SQLITE):
            raise ExportRefused(f"{path} is an SQLite database; an export never replaces it: "
                                "choose another path")  # fmt: skip
        return
    if kind == stat.S_IFDIR:
        if not (_is_marked(path) or _is_old_dataset(path) or (dataset and _is_empty(path))):
            raise ExportRefused(f"{path} is a folder asicmon did not write (it has no {MARKER}); "
                                "an export replaces only a file or a dataset folder it wrote: "
                                "choose a new path")  # fmt: skip
        return
    raise ExportRefused(f"{path} is a {_KINDS.get(kind, 'special file')}, not a regular file; "
                        "an export never replaces it: choose another path")  # fmt: skip


def _protected(path: Path, protect: tuple[Path | str, ...]) -> Path | str | None:
    """The protected path whose files ``path`` names, however spelled (relative, ``..``, through
    a symbolic link): a protected file ``P`` covers ``P`` and every file named after it beside
    it (a database's ``-wal``, ``-shm``, ``-journal``, ``.digest.lock``, ``.locks/`` ...)."""
    spellings = {path.absolute(), _real(path)}
    for owner in protect:
        for base in {Path(owner).absolute(), _real(owner)}:
            for spelling in spellings:
                for where in (spelling, *spelling.parents):
                    if where.parent == base.parent and _named_after(where.name, base.name):
                        return owner
    return None


def _real(path: Path | str) -> Path:
    """``path`` with every link resolved as far as they go (never an error: a loop or a missing
    part is left as it is, for the write to report)."""
    return Path(os.path.realpath(path))


def _named_after(name: str, base: str) -> bool:
    return name == base or name.startswith((base + "-", base + "."))


def _same_file(path: Path, st: os.stat_result,
               protect: tuple[Path | str, ...]) -> Path | str | None:  # fmt: skip
    """The protected path whose files ``path`` (a hard link, or a link to one) is, or None."""
    inodes = {(st.st_dev, st.st_ino)}
    if stat.S_ISLNK(st.st_mode):
        with contextlib.suppress(OSError):
            target = path.stat()
            inodes.add((target.st_dev, target.st_ino))
    for owner in protect:
        real = _real(owner)
        with contextlib.suppress(OSError), os.scandir(real.parent) as entries:
            for entry in entries:
                if _named_after(entry.name, real.name):
                    with contextlib.suppress(OSError):
                        found = entry.stat()
                        if (found.st_dev, found.st_ino) in inodes:
                            return owner
    return None


def _check_parent(path: Path) -> None:
    """The nearest existing folder on the way to ``path`` must be a folder."""
    for parent in path.parents:
        try:
            st = parent.stat()
        except (FileNotFoundError, NotADirectoryError):
            continue
        if not stat.S_ISDIR(st.st_mode):
            kind = "file" if stat.S_ISREG(st.st_mode) else _KINDS.get(stat.S_IFMT(st.st_mode))
            raise ExportError(f"cannot write {path}: {parent} is a {kind or 'special file'}, "
                              "not a folder")  # fmt: skip
        return


def _starts_with(path: Path, magics: tuple[bytes, ...]) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        head = os.read(fd, 16)
    except OSError:
        return False
    finally:
        os.close(fd)
    return head.startswith(magics)


def _lstat_mode(path: Path) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


@contextlib.contextmanager
def _errors(path: Path, tmp: Path | None = None) -> Iterator[None]:
    """An OS error (a full disk, no permission, a read-only file system) as one
    :class:`ExportError` line naming ``path`` and the reason."""
    try:
        yield
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else (exc.strerror or str(exc))
        where = None if exc.filename is None else Path(os.fsdecode(exc.filename))
        if where is not None and where != path and (tmp is None or not where.is_relative_to(tmp)):
            reason += f" ({where})"
        raise ExportError(f"cannot write {path}: {reason}") from exc


@contextlib.contextmanager
def replacing(path: Path, *, protect: Protect = ()) -> Iterator[BinaryIO]:
    """A new file beside ``path`` to write an export to; when the block ends without an error
    it is flushed to disk and replaces ``path`` in one rename, otherwise it is removed.

    ``path`` must be a target :func:`check_target` allows (else :class:`ExportRefused`, before
    anything is written); an OS error on the way is an :class:`ExportError`. The new file is
    created exclusively, without following links, under an unpredictable name."""
    protected = tuple(protect)
    with _errors(path):
        _prepare(path, protected, dataset=False)
        fd, tmp = _create(path, "tmp")
    try:
        with _errors(path, tmp):
            try:
                with os.fdopen(os.dup(fd), "wb") as handle:
                    yield handle
                os.fsync(fd)
            finally:
                os.close(fd)
            _check_target(path, protected, dataset=False)  # what is there now, before the swap
            _swap(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


@contextlib.contextmanager
def replacing_folder(path: Path, *, protect: Protect = ()) -> Iterator[Path]:
    """A new folder beside ``path`` (made exclusively, under an unpredictable name, marked as
    asicmon's with :data:`MARKER`) to write a dataset to; it replaces ``path`` when the block
    ends without an error, otherwise it is removed. Errors as :func:`replacing`."""
    protected = tuple(protect)
    with _errors(path):
        _prepare(path, protected, dataset=True)
        tmp = _create_folder(path, "tmp")
    try:
        with _errors(path, tmp):
            (tmp / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
            yield tmp
            _fsync_tree(tmp)
            _check_target(path, protected, dataset=True)
            _swap(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def _prepare(path: Path, protect: tuple[Path | str, ...], *, dataset: bool) -> None:
    _check_target(path, protect, dataset=dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    recover_leftovers(path)


def _temp_name(path: Path, tag: str) -> Path:
    """``.<name>.<tag>-<pid>-<64 random bits>``: hidden (``*.parquet`` never matches it), the
    pid for :func:`recover_leftovers`, the random part so nobody can plant anything there."""
    return path.with_name(f".{path.name}.{tag}-{os.getpid()}-{secrets.token_hex(8)}")


_EXCLUSIVE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _create(path: Path, tag: str) -> tuple[int, Path]:
    """A new empty file beside ``path``, open for writing (``O_EXCL``: never an existing file or
    link); the mode as any new file's (0666 less the umask)."""
    for _ in range(100):
        tmp = _temp_name(path, tag)
        with contextlib.suppress(FileExistsError):
            return os.open(tmp, _EXCLUSIVE, 0o666), tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def _create_folder(path: Path, tag: str) -> Path:
    """A new empty folder beside ``path`` (``mkdir`` never reuses an existing name or link)."""
    for _ in range(100):
        tmp = _temp_name(path, tag)
        with contextlib.suppress(FileExistsError):
            tmp.mkdir(0o777)
            return tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))


def recover_leftovers(path: Path) -> list[Path]:
    """Undo what a crashed export to ``path`` left: put back an aside copy when ``path`` is
    missing (a crash between the two renames of a folder swap), and remove temporary and
    aside files and folders whose process is dead. Returns what was removed or restored.

    A leftover is named as :func:`_temp_name` names them; a folder among them is removed only
    when asicmon marked it (or it is empty), a link is removed, never followed."""
    found = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in path.parent.iterdir():
            m = _LEFTOVER.match(entry.name)
            if m and m["name"] == path.name and not is_alive(int(m["pid"])):
                found.append((m["tag"], entry))
    done = []
    # the newest aside copy first: it is the last export that was complete
    for tag, entry in sorted(found, key=lambda f: (f[0] != "old", -_mtime(f[1]))):
        mode = _lstat_mode(entry)
        if stat.S_ISDIR(mode) and not (_is_marked(entry) or _is_empty(entry)):
            log.warning("export %s: left %s alone (a folder asicmon did not mark)", path, entry)
            continue
        try:
            if tag == "old" and not os.path.lexists(path) and not stat.S_ISLNK(mode):
                entry.rename(path)
                log.warning("export %s: restored the previous export left aside by a crash", path)
            else:
                _remove(entry)
        except OSError as exc:
            log.warning("export %s: could not clean %s up: %s", path, entry, exc)
            continue
        done.append(entry)
    return done


def _is_marked(folder: Path) -> bool:
    return stat.S_ISREG(_lstat_mode(folder / MARKER))


_PART = re.compile(r"^month=(\d{4}-\d{2}|unknown)$")


def _is_old_dataset(folder: Path, limit: int = 10_000) -> bool:
    """A dataset asicmon wrote before it marked them: ``month=*/part-0.parquet`` and nothing
    else (so an upgrade can go on replacing its scheduled exports)."""
    seen = 0
    try:
        with os.scandir(folder) as months:
            for month in months:
                seen += 1
                if seen > limit or not _PART.match(month.name):
                    return False
                if not month.is_dir(follow_symlinks=False):
                    return False
                with os.scandir(month.path) as parts:
                    for part in parts:
                        if part.name != "part-0.parquet" or not part.is_file(follow_symlinks=False):
                            return False
    except OSError:
        return False
    return seen > 0


def _is_empty(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return next(entries, None) is None
    except OSError:
        return False


def _swap(new: Path, path: Path) -> None:
    """``new`` replaces ``path``: one atomic rename for a file over a file (or nothing); a folder
    (or a file over a folder) is two renames, the old one first moved aside."""
    old_mode = _lstat_mode(path)
    if not new.is_dir() and not stat.S_ISDIR(old_mode):
        new.replace(path)  # atomic: readers see the old file or the new one
        _fsync_dir(path.parent)
        return
    aside = None
    if old_mode:
        # reserved exclusively first: a rename onto an empty folder or file of the same kind
        # replaces it, so nothing planted at the aside name is ever written through
        if stat.S_ISDIR(old_mode):
            aside = _create_folder(path, "old")
        else:
            fd, aside = _create(path, "old")
            os.close(fd)
        path.rename(aside)
    try:
        new.rename(path)  # a crash between these two renames is undone by recover_leftovers
    except OSError:
        if aside is not None:
            with contextlib.suppress(OSError):
                aside.rename(path)
        raise
    _fsync_dir(path.parent)
    if aside is not None:
        _remove(aside)


def _fsync_tree(path: Path) -> None:
    """Flush every file and folder under a written folder to disk."""
    for folder, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(Path(folder) / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
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
    if stat.S_ISDIR(_lstat_mode(path)):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0
