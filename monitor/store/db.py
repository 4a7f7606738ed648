"""The database connection: opening, locking, migrating, and the units rows are stored in.

One SQLite file through sqlite-utils, in WAL mode with a 30 s busy timeout on every connection;
writes go through :meth:`Connection._write` (one short ``BEGIN IMMEDIATE`` transaction). Money is
stored as integer minor units with an ISO currency (:func:`minor_units`), times as UTC ISO-8601
text (:func:`utc_iso`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from monitor.store.migrations import migrations

BUSY_TIMEOUT_MS = 30_000  # how long any connection waits for a lock before "database is locked"

# ISO 4217 minor-unit exponents that differ from 2
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3}


def minor_units(amount: Decimal, currency: str) -> int:
    """``Decimal("1299.99"), "USD"`` -> ``129999``: exact, rounded half-even."""
    exp = _EXPONENTS.get(currency, 2)
    return int((amount * (Decimal(10) ** exp)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def from_minor(value: int, currency: str) -> Decimal:
    return Decimal(value).scaleb(-_EXPONENTS.get(currency, 2))


def utc_iso(moment: datetime) -> str:
    """An aware datetime as ``2026-11-25T17:00:00Z``; naive datetimes are refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: asicmon stores UTC only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _major_sql(column: str, currency_column: str) -> str:
    """SQL for a minor-unit column in major units, by the currency's exponent."""
    cases = " ".join(f"WHEN '{code}' THEN {10**exp}.0" for code, exp in sorted(_EXPONENTS.items()))
    return f"({column} / CASE {currency_column} {cases} ELSE 100.0 END)"


class StoreError(Exception):
    """The database file cannot be used: the message names the file and says why."""


DatabaseError = sqlite3.DatabaseError  # for callers that report one without talking SQL


def _why(exc: BaseException) -> str:
    text = str(exc)
    if "file is not a database" in text:
        return "it is not an SQLite database (damaged, or another file at that path)"
    if "database is locked" in text:
        return f"another process held its write lock for over {BUSY_TIMEOUT_MS // 1000} s"
    if "disk is full" in text or "No space left" in text:
        return "the disk is full"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename or 'database folder'})"
    return text


class Connection:
    """An open database: migrated on open, closed on exit. :class:`monitor.store.Store` adds
    the writes and the read views."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self._open()
        except (OSError, sqlite3.DatabaseError) as exc:
            if getattr(self, "db", None) is not None:
                self.db.close()
            raise StoreError(f"cannot use the database {self.path}: {_why(exc)}") from exc

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.path)
        # first: the others may wait for a lock (after a crash, the first connection also
        # recovers the WAL while holding one)
        self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.db.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: fsync at checkpoints, not per commit
        if migrations.pending(self.db):
            # under the write lock: two processes starting at once (the daemon and a CLI
            # command) must not both apply a migration; the second finds nothing left to do
            with self._write():
                migrations.apply(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction, taken with BEGIN IMMEDIATE: with several connections (one per
        crawl worker), a deferred transaction that reads and then writes can fail at once with
        "database is locked"; an immediate one waits its turn (busy_timeout)."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    def count(self, table: str) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, list(params)))
