"""Stage 6, jobs: each thing asicmon does, wired from the stages. The CLI and the daemon call
these and nothing else.

Owns one module per job: ``collect`` (scrape sources), ``importer`` (CSV sightings),
``analyse`` (indexes, drops, plot), ``export``, ``digest``, ``market``, ``demo``, ``status``;
and ``locks`` (one daemon per database, one run of a source at a time across processes).
May import every stage: ``fetch``, ``normalise``, ``store``, ``analysis``, ``outputs``.
"""

from monitor.fetch.http import FetchError
from monitor.outputs.digest import DigestError
from monitor.store import DatabaseError, StoreError

__all__ = ["DatabaseError", "DigestError", "FetchError", "StoreError"]
