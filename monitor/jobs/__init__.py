"""Stage 6, jobs: each thing asicmon does, wired from the stages. The CLI and the daemon call
these and nothing else.

Owns one module per job: ``collect`` (scrape sources), ``importer`` (CSV sightings),
``analyse`` (indexes, drops, plot), ``export``, ``digest``, ``market``, ``demo``, ``status``;
and ``locks`` (one daemon per database, one run of a source at a time across processes).
May import every stage: ``fetch``, ``normalise``, ``store``, ``analysis``, ``outputs``.

The errors below are imported when first asked for (``from monitor.jobs import FetchError``), so
that a job imports only the stages it uses: ``asicmon analyse`` never loads the HTTP client or
the digest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.fetch.http import FetchError
    from monitor.outputs.digest import DigestError
    from monitor.store import DatabaseError, StoreError

__all__ = ["DatabaseError", "DigestError", "FetchError", "StoreError"]

_HOMES = {
    "DatabaseError": "monitor.store",
    "DigestError": "monitor.outputs.digest",
    "FetchError": "monitor.fetch.http",
    "StoreError": "monitor.store",
}


def __getattr__(name: str) -> Any:
    """The error classes of :data:`__all__`, imported from their stage on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
