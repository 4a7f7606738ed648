"""The export job: what `asicmon export` and the daemon's export jobs run.

``listings``, ``observations`` and ``runs`` stream from the database's export views; ``index``
and ``drops`` are computed by the analysis (:func:`monitor.jobs.analyse.analyse_db`, per tier
and per model, weekly: the same as `asicmon analyse`). Either way the rows are written in the
export's declared schema (:mod:`monitor.outputs.export_schema`) by
:mod:`monitor.outputs.export`, atomically.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from monitor.config import Config
from monitor.outputs.export import (
    ExportError,
    ExportRefused,
    check_options,
    check_target,
    export_batches,
    prefetched,
    wire_schema,
    write_records,
)
from monitor.outputs.export_schema import ANALYSIS
from monitor.store import Store

__all__ = ["ExportError", "ExportRefused", "run_export"]


def run_export(
    cfg: Config,
    what: str,
    fmt: str,
    path: Path | str,
    partition_by: str | None = None,
    *,
    since: str | date | None = None,
    until: str | date | None = None,
) -> int:
    """Export ``what`` (listings, observations, index, drops, runs) as ``fmt`` (csv, parquet)
    to ``path`` (a folder of ``month=YYYY-MM/`` parts with ``partition_by="month"``, Parquet
    only); returns the number of rows written.

    ``since``/``until`` (inclusive UTC days, ``YYYY-MM-DD``) restrict the sightings the index
    and drops are computed from, or the observations exported; listings and runs refuse them.
    Raises ValueError for an unknown export, format or partitioning (before any work is done),
    and for a value the declared schema cannot hold; :class:`ExportRefused` (before any work)
    when ``path`` is not something an export may replace (the database or a file beside it, a
    folder asicmon did not write, a link, a FIFO ...), :class:`ExportError` for an OS error
    (full disk, no permission), each one line naming ``path``.
    """
    check_options(what, fmt, partition_by)
    out = Path(path)
    protect = (cfg.database,)
    check_target(out, protect, dataset=partition_by is not None)
    if what in ANALYSIS:
        from monitor.jobs.analyse import analyse_db

        first, last = _iso(since), _iso(until)
        records = analyse_db(cfg, first, last)[what]
        return write_records(what, records, fmt, out, partition_by, protect=protect)
    if (since is not None or until is not None) and what != "observations":
        raise ValueError(f"since/until select observations, index and drops, not {what}")
    with Store(cfg.database, create=False) as store:
        names = store.export_columns(what)
        arrow = store.arrow_batches(what, wire_schema(what, names))  # read in C, when installed
        batches = prefetched(arrow) if arrow is not None else store.iter_tuples(what)
        return export_batches(
            what, names, batches, fmt, out, partition_by, since=since, until=until, protect=protect
        )


def _iso(day: str | date | None) -> str | None:
    if day is None or isinstance(day, str):
        return day
    return day.isoformat()
