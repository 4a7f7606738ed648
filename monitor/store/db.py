"""The database connection: opening, locking, migrating, and the units rows are stored in.

One SQLite file through sqlite-utils, in WAL mode with a 30 s busy timeout on every connection;
writes go through :meth:`Connection._write` (one short ``BEGIN IMMEDIATE`` transaction). Money is
stored as integer minor units with an ISO currency (:func:`minor_units`), times as UTC ISO-8601
text (:func:`utc_iso`).

The database a process writes is the file it opened. SQLite keeps writing to a file deleted
under an open connection (through the WAL still at the path), a new connection creates an empty
file there, and a backup moved over the path is read through, then checkpointed with, the old
file's WAL. So a process remembers the file (``st_dev``, ``st_ino``) it first opened at each
path; a later connection to that path, and every write transaction (after taking the lock and
again before committing), checks that the path still names that file, and otherwise stops with
:class:`DatabaseReplaced`: nothing is written into, created at, or replayed onto the path.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
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


class NoDatabase(StoreError):
    """A read-only use of a database file that does not exist yet (nothing was created)."""


class DatabaseReplaced(StoreError):
    """The path no longer names the file this process opened there (deleted, or another file
    moved over it): writes stop instead of going to, or creating, a different file."""


DatabaseError = sqlite3.DatabaseError  # for callers that report one without talking SQL

# the file (st_dev, st_ino) this process first opened at each database path: the daemon's next
# job, and every write, must find that same file there
_OPENED: dict[Path, tuple[int, int]] = {}
_OPENED_LOCK = threading.Lock()


def file_id(path: Path) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of the file at ``path``; None when there is none."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def _why(exc: BaseException) -> str:
    text = str(exc)
    if "file is not a database" in text:
        return "it is not an SQLite database (damaged, or another file at that path)"
    if "database is locked" in text:
        return f"another process held its write lock for over {BUSY_TIMEOUT_MS // 1000} s"
    if "disk is full" in text or "No space left" in text:
        return "the disk is full"
    if "readonly database" in text:
        return "it is read-only (check the permissions of the file and its folder)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({exc.filename or 'database folder'})"
    return text


class Connection:
    """An open database: migrated on open, closed on exit. :class:`monitor.store.Store` adds
    the writes and the read views."""

    _identity: tuple[int, int] | None = None  # the file this connection opened

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        """Open ``path``; with ``create=False`` (the read-only commands) a missing file is a
        :class:`NoDatabase` error instead of a new empty database."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise NoDatabase(
                f"no database yet at {self.path}: run `asicmon scrape` or `asicmon import` first"
            )
        try:
            self._open()
        except (OSError, sqlite3.DatabaseError, StoreError) as exc:
            if getattr(self, "db", None) is not None:
                self.db.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot use the database {self.path}: {_why(exc)}") from exc

    def _open(self) -> None:
        key = self.path.absolute()
        with _OPENED_LOCK:
            first = _OPENED.get(key)
        if first is not None:  # before connecting: SQLite would create a missing file there
            self._same_file(first)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.path)
        opened = file_id(self.path)  # the file SQLite just opened (or created)
        if opened is not None:
            with _OPENED_LOCK:
                first = _OPENED.setdefault(key, opened)
        self._identity = first if opened == first else None
        self._same_file(self._identity)
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
        try:
            moved = self._identity is not None and file_id(self.path) != self._identity
        except OSError:
            moved = True
        if moved:
            self._let_go()
        self.db.close()

    def _let_go(self) -> None:
        """The path names another file now (or none): checkpoint this connection's WAL into the
        file it opened and empty it. SQLite itself skips that checkpoint for a moved file and
        leaves the WAL at the path, where the next connection would read it over (and then
        checkpoint it into) the file now there."""
        # an error: a reader of the new file holds the WAL, nothing more this side can do (and
        # no waiting 30 s for it: this connection is on its way out)
        with suppress(sqlite3.Error):
            self.db.execute("PRAGMA busy_timeout=1000")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _same_file(self, expected: tuple[int, int] | None) -> None:
        """Raise :class:`DatabaseReplaced` unless the path names the file ``expected``."""
        try:
            found = file_id(self.path)
        except OSError as exc:
            raise StoreError(f"cannot use the database {self.path}: {_why(exc)}") from exc
        if expected is not None and found == expected:
            return
        how = "deleted" if found is None else "replaced by another file"
        raise DatabaseReplaced(
            f"the database {self.path} was {how} while asicmon was running; stopping writes"
        )

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
            self._same_file(self._identity)  # the lock is ours: is the file?
            yield
            self._same_file(self._identity)  # replaced meanwhile: roll back, do not commit
        except BaseException as exc:
            conn.execute("ROLLBACK")
            if isinstance(exc, DatabaseReplaced):
                self._let_go()
            raise
        conn.execute("COMMIT")

    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    def count(self, table: str) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, list(params)))
