"""Stage 3, store: one SQLite file through sqlite-utils. The only package that talks SQL.

Owns: ``db`` (connection, locks, units), ``migrations`` (the schema), ``writes`` (runs, pages of
sightings, caches), ``views`` (named reads returning declared rows). Crash safety: WAL, short
``BEGIN IMMEDIATE`` transactions a page at a time, readers never take a write lock, and a run
whose process died (``kill -9``) is found by :meth:`Store.recover_interrupted_runs` and marked
failed.
May import: ``monitor.normalise`` (the record shape), ``monitor.liveness``, ``scrapers.base``.
Never fetch, analysis, outputs or jobs; no statistics ($/TH, medians) in SQL.

Reading at scale: the analysis never gets one Python object per sighting. ``sighting_weeks``
(migration m009) counts the priced sightings per listing, ISO week, USD price, price basis and
sold flag; triggers on ``observations`` keep it right on every insert, delete and update, so a
daily write adds to it and a daily ``analyse`` reads it whole without reading every sighting
again (a listing re-seen daily at one price is one row a week). :meth:`Views.analysis_arrow`
reads it, joined to the listings as they are now, as Arrow tables through the ADBC SQLite
driver; the medians stay exact because the analysis takes them weighted by the counts.
"""

from __future__ import annotations

import sys


def _lean_sqlite_utils() -> None:
    """Import sqlite-utils with pandas and numpy hidden. It imports them when installed only
    to name their scalar types as column types, and the store never hands it such values; so
    every command that does not analyse, and a daemon at rest, is spared their 60 MB and 0.3 s
    (the analysis imports them itself when it runs)."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = {name: sys.modules.get(name) for name in ("pandas", "numpy")}
    for name in hidden:  # a None entry makes its import fail
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name, module in hidden.items():
            if module is None:
                del sys.modules[name]
            else:
                sys.modules[name] = module


_lean_sqlite_utils()

from monitor.store.db import (  # noqa: E402
    BUSY_TIMEOUT_MS,
    DatabaseError,
    StoreError,
    file_id,
    from_minor,
    minor_units,
    utc_iso,
)
from monitor.store.migrations import SIGHTING_KEY, migrations  # noqa: E402
from monitor.store.views import EXPORT_VIEWS, UNMATCHED, Views  # noqa: E402
from monitor.store.writes import MarketDay, Reported, Saved, Sighting, UsdValue, Writes  # noqa: E402

__all__ = [
    "BUSY_TIMEOUT_MS",
    "EXPORT_VIEWS",
    "SIGHTING_KEY",
    "UNMATCHED",
    "DatabaseError",
    "MarketDay",
    "Reported",
    "Saved",
    "Sighting",
    "Store",
    "StoreError",
    "UsdValue",
    "file_id",
    "from_minor",
    "migrations",
    "minor_units",
    "utc_iso",
]


class Store(Writes, Views):
    """The database: every write (:class:`~monitor.store.writes.Writes`) and every read view
    (:class:`~monitor.store.views.Views`). Use as a context manager."""

    def __enter__(self) -> Store:
        return self
