"""SQLite storage through sqlite-utils: the only module that talks SQL.

Tables (created by versioned migrations, recorded in ``_sqlite_migrations``):

- ``runs``: one row per source run, with its counts, status and reason.
- ``listings``: one row per listing identity (source + the marketplace's id), first/last seen,
  and the normalised fields of its latest title.
- ``observations``: append-only price sightings in integer minor units with an ISO currency.
  A sighting is (listing, UTC day, price, currency), a UNIQUE index: seeing the same price again
  on the same day adds nothing, so re-running a scrape over the same pages (after a crash too)
  never duplicates an observation.

Crash safety and concurrency: WAL journal, a 30 s busy timeout on every connection, writes in
short ``BEGIN IMMEDIATE`` transactions (a page at a time), readers never take a write lock. A
run row names the process that owns it (pid, host, start token): a run whose process died
(``kill -9``, OOM killer) is found by :meth:`Store.recover_interrupted_runs` and marked failed.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from monitor.liveness import hostname, is_alive, process_token
from monitor.normalise.titles import VERSION as NORMALISER_VERSION
from monitor.normalise.titles import Normalised
from scrapers.base import RawListing

migrations = Migrations("asicmon")
BUSY_TIMEOUT_MS = 30_000  # how long any connection waits for a lock before "database is locked"
# an unfinished run that recorded no owner (made before m006) is given up after this long
LEGACY_RUN_STALE_S = 24 * 3600

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


# one sighting: the natural key of an observation (a UNIQUE index since m001)
SIGHTING_KEY = ("listing_key", "observed_date", "price_minor", "currency")

NORMALISED_COLUMNS: dict[str, type] = {
    "kind": str,
    "maker": str,
    "model": str,
    "algorithm": str,
    "hashrate_ths": float,
    "hashrate": float,
    "hashrate_unit": str,
    "power_w": int,
    "efficiency_j_th": float,
    "quantity": int,
    "condition": str,
    "cooling": str,
    "confidence": float,
    "reason": str,
}


@migrations()
def m001_initial(db: Database) -> None:
    db["runs"].create(
        {
            "id": int,
            "source": str,
            "kind": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | suspect | failed
            "pages": int,
            "listings": int,
            "new_listings": int,
            "observations": int,
            "errors": int,
            "reason": str,
        },
        pk="id",
        not_null={"source", "kind", "started_at", "status"},
        defaults={"pages": 0, "listings": 0, "new_listings": 0, "observations": 0, "errors": 0},
    )
    db["runs"].create_index(["source", "started_at"])
    db["listings"].create(
        {
            "key": str,  # "<source>:<listing_id>"
            "source": str,
            "listing_id": str,
            "url": str,
            "title": str,
            "available": int,
            "condition_raw": str,
            "location": str,
            "seller": str,
            "first_seen": str,
            "last_seen": str,
            "last_run_id": int,
            **NORMALISED_COLUMNS,
            "normaliser_version": int,
        },
        pk="key",
        not_null={"source", "listing_id", "title", "first_seen", "last_seen", "kind"},
        foreign_keys=[("last_run_id", "runs", "id")],
    )
    db["listings"].create_index(["source"])
    db["listings"].create_index(["model"])
    db["observations"].create(
        {
            "id": int,
            "listing_key": str,
            "run_id": int,
            "observed_at": str,
            "observed_date": str,
            "price_minor": int,
            "currency": str,
            "available": int,
        },
        pk="id",
        not_null={"listing_key", "observed_at", "observed_date", "price_minor", "currency"},
        foreign_keys=[("listing_key", "listings", "key"), ("run_id", "runs", "id")],
    )
    db["observations"].create_index(
        ["listing_key", "observed_date", "price_minor", "currency"], unique=True
    )
    db["observations"].create_index(["observed_date"])


@migrations()
def m002_sold_shipping_basis(db: Database) -> None:
    """Sold prices apart from asking prices, shipping, $/TH-quoted offers, post dates."""
    db["observations"].add_column("price_basis", str, not_null_default="unit")
    db["observations"].add_column("sold", int, not_null_default=0)
    db["observations"].add_column("shipping_minor", int)
    db["listings"].add_column("posted_at", str)
    db["listings"].add_column("sold_at", str)


@migrations()
def m003_http_cache(db: Database) -> None:
    """Validators (ETag / Last-Modified) and bodies for conditional requests."""
    db["http_cache"].create(
        {"url": str, "etag": str, "last_modified": str, "body": str, "stored_at": str}, pk="url"
    )


@migrations()
def m004_usd_and_market(db: Database) -> None:
    """Each sighting converted to USD beside the original (the rate and its date kept), and
    the daily market series (BTC/USD, hashprice) the analysis controls for."""
    db["observations"].add_column("usd_minor", int)
    db["observations"].add_column("fx_rate", str)  # USD per unit, a decimal string
    db["observations"].add_column("fx_date", str)
    db["market_daily"].create(
        {"date": str, "btc_usd": float, "hashprice_usd_ph_day": float, "source": str},
        pk="date",
    )


@migrations()
def m005_sent_alerts(db: Database) -> None:
    """What the digest already reported: an alert (or event, deal) fires once per key."""
    db["sent_alerts"].create(
        {"rule": str, "subject": str, "period": str, "kind": str, "title": str, "sent_at": str},
        pk=("rule", "subject", "period"),
    )


@migrations()
def m006_run_owner(db: Database) -> None:
    """The process that owns a run, so a run whose process died can be marked failed; and the
    sighting key enforced by a UNIQUE index wherever a database lost it (duplicates dropped
    first, the earliest row kept)."""
    db["runs"].add_column("pid", int)
    db["runs"].add_column("host", str)
    db["runs"].add_column("pid_token", str)  # boot id + process start time: pids get reused
    db.execute("CREATE INDEX IF NOT EXISTS runs_unfinished ON runs (id) WHERE finished_at IS NULL")
    key = list(SIGHTING_KEY)
    if not any(ix.unique and ix.columns == key for ix in db["observations"].indexes):
        cols = ", ".join(key)
        db.execute(
            "DELETE FROM observations WHERE id NOT IN "
            f"(SELECT min(id) FROM observations GROUP BY {cols})"
        )
        db["observations"].create_index(key, unique=True, index_name="observations_sighting")


@dataclass(frozen=True, slots=True)
class Saved:
    listings: int
    new_listings: int
    observations: int


class UsdValue(Protocol):
    """A price in USD and how it was converted (monitor.normalise.fx.Conversion)."""

    usd: Decimal
    rate: Decimal
    rate_date: date


Item = (
    tuple[RawListing, Normalised, datetime]
    | tuple[RawListing, Normalised, datetime, UsdValue | None]
)


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


class Store:
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

    def __enter__(self) -> Store:
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

    # -- runs -------------------------------------------------------------------------------
    def start_run(self, source: str, kind: str, started_at: datetime) -> int:
        """A ``running`` run row owned by this process (see :meth:`recover_interrupted_runs`)."""
        pid = os.getpid()
        with self._write():
            table = self.db["runs"].insert(
                {
                    "source": source,
                    "kind": kind,
                    "started_at": utc_iso(started_at),
                    "status": "running",
                    "pid": pid,
                    "host": hostname(),
                    "pid_token": process_token(pid),
                }
            )
        return int(table.last_pk)

    def recover_interrupted_runs(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Mark failed each unfinished run whose process died (``kill -9``, OOM, power cut).

        Only runs started on this host are judged: one whose process is gone (or whose pid now
        belongs to another process) becomes ``failed`` with the reason ``interrupted: process
        <pid> died``, and the listings and observations it committed are counted into it. A
        live process's run (a ``scrape`` beside the daemon) is never touched. A run that
        recorded no owner (made before m006) is given up after ``LEGACY_RUN_STALE_S``. Reading
        finds nothing in the usual case, so no write lock is taken then. Returns the runs
        marked (id, source, pid, reason).
        """
        now = now or datetime.now(UTC)
        me = hostname()
        dead: list[dict[str, Any]] = []
        for run in self.query(
            "SELECT id, source, started_at, pid, host, pid_token FROM runs "
            "WHERE finished_at IS NULL"
        ):
            if run["pid"] is None:
                started = datetime.fromisoformat(run["started_at"].replace("Z", "+00:00"))
                if (now - started).total_seconds() > LEGACY_RUN_STALE_S:
                    reason = "interrupted: no owner recorded, unfinished for over a day"
                    dead.append({**run, "reason": reason})
            elif run["host"] == me and not is_alive(run["pid"], run["pid_token"]):
                dead.append({**run, "reason": f"interrupted: process {run['pid']} died"})
        if not dead:
            return []
        ids = [run["id"] for run in dead]
        marks = ", ".join("?" * len(ids))
        conn = self.db.conn
        # a dead process adds nothing more: count what it committed before the write lock
        observations = dict(conn.execute(
            f"SELECT run_id, count(*) FROM observations WHERE run_id IN ({marks}) "
            "GROUP BY run_id", ids
        ).fetchall())  # fmt: skip
        listings = dict(conn.execute(
            f"SELECT last_run_id, count(*) FROM listings WHERE last_run_id IN ({marks}) "
            "GROUP BY last_run_id", ids
        ).fetchall())  # fmt: skip
        marked = []
        with self._write():
            for run in dead:
                cursor = conn.execute(
                    "UPDATE runs SET status = 'failed', finished_at = ?, reason = ?, errors = 1, "
                    "observations = ?, listings = max(listings, ?) "
                    "WHERE id = ? AND finished_at IS NULL",
                    [utc_iso(now), run["reason"], observations.get(run["id"], 0),
                     listings.get(run["id"], 0), run["id"]],
                )  # fmt: skip
                if cursor.rowcount:
                    marked.append({k: run[k] for k in ("id", "source", "pid", "reason")})
        return marked

    def finish_run(self, run_id: int, finished_at: datetime, **fields: Any) -> None:
        with self._write():
            self.db["runs"].update(run_id, {"finished_at": utc_iso(finished_at), **fields})

    def runs(self, source: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        where, args = ("source = ?", [source]) if source else (None, None)
        return list(self.db["runs"].rows_where(where, args, order_by="id desc", limit=limit))

    # -- listings and observations ------------------------------------------------------------
    def save_page(
        self,
        run_id: int,
        source: str,
        items: Sequence[Item],
        seen_at: datetime,
    ) -> Saved:
        """Upsert the listings of one page and add their new sightings, in one transaction.

        Each item carries the time its price was true (now for asking prices, the sale date for
        sold items, the post date for broker posts); ``seen_at`` is when the page was fetched.
        The rows are built first and written with a few ``executemany`` calls: a statement per
        row would hand the GIL over (and wait to get it back) hundreds of times per page while
        holding the database's write lock.
        """
        now = utc_iso(seen_at)
        rows: dict[str, dict[str, Any]] = {}  # a key seen twice on a page: its last reading
        sightings = []
        for item in items:
            raw, norm, observed = item[0], item[1], item[2]
            usd = item[3] if len(item) > 3 else None
            key = f"{source}:{raw.listing_id}"
            fields = {
                "source": source,
                "listing_id": raw.listing_id,
                "url": raw.url,
                "title": raw.title,
                "available": None if raw.available is None else int(raw.available),
                "condition_raw": raw.condition,
                "location": raw.location,
                "seller": raw.seller,
                "posted_at": raw.posted_at,
                "sold_at": raw.sold_at,
                "last_seen": now,
                "last_run_id": run_id,
                **norm.to_dict(),
                "normaliser_version": NORMALISER_VERSION,
            }
            if raw.quantity and raw.quantity > 1 and norm.quantity == 1:
                fields["quantity"] = raw.quantity
            rows[key] = fields
            if raw.price is None or raw.currency is None:
                continue
            when = utc_iso(observed)
            shipping = None
            if raw.shipping is not None:
                shipping = minor_units(raw.shipping, raw.currency)
            sightings.append(
                (
                    key,
                    run_id,
                    when,
                    when[:10],
                    minor_units(raw.price, raw.currency),
                    raw.currency,
                    fields["available"],
                    raw.extra.get("price_basis", "unit"),
                    int(raw.sold),
                    shipping,
                    None if usd is None else minor_units(usd.usd, "USD"),
                    None if usd is None else str(usd.rate),
                    None if usd is None else usd.rate_date.isoformat(),
                )
            )
        if not rows:
            return Saved(listings=len(items), new_listings=0, observations=0)
        cols = list(next(iter(rows.values())))
        conn: sqlite3.Connection = self.db.conn
        with self._write():
            known: dict[str, tuple[str, str]] = {}
            keys = list(rows)
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                for key, first_seen, last_seen in conn.execute(
                    f"SELECT key, first_seen, last_seen FROM listings WHERE key IN ({marks})",
                    chunk,
                ):
                    known[key] = (first_seen, last_seen)
            fresh = [(k, now, *f.values()) for k, f in rows.items() if k not in known]
            conn.executemany(
                f"INSERT INTO listings (key, first_seen, {', '.join(cols)}) "
                f"VALUES ({', '.join('?' * (len(cols) + 2))})",
                fresh,
            )
            # a replay of an older page never overwrites newer facts
            later = [(*f.values(), k) for k, f in rows.items() if k in known and now >= known[k][1]]
            conn.executemany(
                f"UPDATE listings SET {', '.join(f'{c} = ?' for c in cols)} WHERE key = ?", later
            )
            earlier = [(now, k) for k in rows if k in known and now < known[k][0]]
            conn.executemany("UPDATE listings SET first_seen = ? WHERE key = ?", earlier)
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO observations (listing_key, run_id, observed_at, "
                "observed_date, price_minor, currency, available, price_basis, sold, "
                "shipping_minor, usd_minor, fx_rate, fx_date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                sightings,
            )
            added = conn.total_changes - before
        return Saved(listings=len(items), new_listings=len(fresh), observations=added)

    # -- conditional requests (monitor.fetch.http.ValidatorCache) --------------------------------
    def get(self, url: str) -> tuple[str | None, str | None, str] | None:
        row = self.db.execute(
            "SELECT etag, last_modified, body FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def put(self, url: str, etag: str | None, last_modified: str | None, text: str) -> None:
        with self._write():
            self.db.execute(
                "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, body, stored_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [url, etag, last_modified, text, utc_iso(datetime.now(UTC))],
            )

    # -- reading ----------------------------------------------------------------------------
    def count(self, table: str) -> int:
        return int(self.db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, list(params)))

    def iter_rows(self, what: str, batch_size: int = 50_000) -> Iterator[list[dict[str, Any]]]:
        """Rows of an export view in batches, streamed from SQLite."""
        sql = EXPORT_VIEWS[what]
        cursor = self.db.execute(sql)
        columns = [d[0] for d in cursor.description]
        while batch := cursor.fetchmany(batch_size):
            yield [dict(zip(columns, row, strict=True)) for row in batch]

    def iter_tuples(self, what: str, batch_size: int = 65_536) -> Iterator[list[tuple[Any, ...]]]:
        """Rows of an export view as tuples, in batches (the fast path for exports)."""
        cursor = self.db.execute(EXPORT_VIEWS[what])
        while batch := cursor.fetchmany(batch_size):
            yield batch

    def arrow_batches(self, what: str, schema: Any) -> Iterator[Any] | None:
        """The view as Arrow record batches read in C by the ADBC SQLite driver, or None when
        the driver is not installed. ADBC infers each column's type from the first rows, so a
        typed first row (a sentinel, dropped again) pins the schema: a column that starts with
        NULLs cannot be mistaken for another type."""
        try:
            import adbc_driver_sqlite.dbapi as adbc
        except ImportError:
            return None
        literal = {"int64": "0", "double": "0.0"}
        empty = "''"
        sentinel = ", ".join(f"{literal.get(str(f.type), empty)} AS [{f.name}]" for f in schema)
        sql = f"SELECT {sentinel} UNION ALL SELECT * FROM ({EXPORT_VIEWS[what]})"

        def batches() -> Iterator[Any]:
            conn = adbc.connect(str(self.path))
            try:
                cursor = conn.cursor()
                # a reader: never a write lock, but it may wait out a WAL recovery
                cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "65536"})
                cursor.execute(sql)
                first = True
                for batch in cursor.fetch_record_batch():
                    if first:
                        batch, first = batch.slice(1), False
                    yield batch.cast(schema) if batch.schema != schema else batch
                cursor.close()
            finally:
                conn.close()

        return batches()

    def export_columns(self, what: str) -> list[str]:
        cursor = self.db.execute(f"SELECT * FROM ({EXPORT_VIEWS[what]}) LIMIT 0")
        return [d[0] for d in cursor.description]

    def unmatched_titles(self, limit: int = 30) -> list[dict[str, Any]]:
        """Titles that matched no model (or no hashrate), most frequent first."""
        return self.query(
            f"SELECT title, count(*) AS listings, group_concat(DISTINCT source) AS sources, "
            f"min(reason) AS reason, max(last_seen) AS last_seen FROM listings "
            f"WHERE {UNMATCHED} GROUP BY title ORDER BY listings DESC, last_seen DESC LIMIT ?",
            [limit],
        )

    # -- market data and analysis inputs ------------------------------------------------------
    def save_market(self, rows: Iterable[tuple[str, float | None, float | None, str]]) -> int:
        """Upsert daily (date, btc_usd, hashprice_usd_ph_day, source); known values are kept
        where the new row has none."""
        n = 0
        with self._write():
            for day, btc, hashprice, source in rows:
                self.db.execute(
                    "INSERT INTO market_daily (date, btc_usd, hashprice_usd_ph_day, source) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT(date) DO UPDATE SET "
                    "btc_usd = coalesce(excluded.btc_usd, btc_usd), "
                    "hashprice_usd_ph_day = coalesce(excluded.hashprice_usd_ph_day, "
                    "hashprice_usd_ph_day), source = excluded.source",
                    [day, btc, hashprice, source],
                )
                n += 1
        return n

    def market_rows(self) -> list[dict[str, Any]]:
        return self.query(
            "SELECT date, btc_usd, hashprice_usd_ph_day FROM market_daily ORDER BY date"
        )

    def analysis_rows(self, since: str | None = None, until: str | None = None) -> list[dict]:
        """Priced miner sightings for the analysis, with USD value; parts and others left out."""
        where, args = ["l.kind = 'miner'", "o.usd_minor IS NOT NULL", "l.hashrate_ths > 0"], []
        if since:
            where.append("o.observed_date >= ?")
            args.append(since)
        if until:
            where.append("o.observed_date <= ?")
            args.append(until)
        return self.query(
            "SELECT o.observed_date, o.listing_key, l.source, l.model, l.efficiency_j_th, "
            "l.hashrate_ths, coalesce(l.quantity, 1) AS quantity, o.usd_minor, o.price_basis, "
            "o.sold, l.kind FROM observations o JOIN listings l ON l.key = o.listing_key "
            f"WHERE {' AND '.join(where)} ORDER BY o.observed_date",
            args,
        )

    # -- what the digest already said ---------------------------------------------------------
    def unsent(self, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """The keys (rule, subject, period) not reported yet."""
        keys = set(keys)
        sent = {
            (r["rule"], r["subject"], r["period"])
            for r in self.query("SELECT rule, subject, period FROM sent_alerts")
        }
        return keys - sent

    def mark_sent(self, rows: Iterable[tuple[str, str, str, str, str]], at: datetime) -> None:
        """Record (rule, subject, period, kind, title) as reported at ``at``."""
        with self._write():
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO sent_alerts (rule, subject, period, kind, title, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(*row, utc_iso(at)) for row in rows],
            )

    def current_prices(self) -> list[dict[str, Any]]:
        """Each priced miner listing's latest USD price, for deals."""
        return self.query(
            "SELECT l.key AS listing_key, l.title, l.url, l.model, l.efficiency_j_th, "
            "l.hashrate_ths, coalesce(l.quantity, 1) AS quantity, l.source, l.last_seen, "
            "o.usd_minor FROM listings l JOIN observations o ON o.id = ("
            "SELECT id FROM observations WHERE listing_key = l.key AND usd_minor IS NOT NULL "
            "AND sold = 0 AND price_basis = 'unit' ORDER BY observed_at DESC, id DESC LIMIT 1) "
            "WHERE l.kind = 'miner' AND l.hashrate_ths > 0 AND coalesce(l.available, 1) = 1"
        )

    def unhealthy_sources(self) -> list[dict[str, Any]]:
        """Each source's latest run when it is not ok."""
        return self.query(
            "SELECT source AS name, status, reason, started_at FROM runs r WHERE id = ("
            "SELECT max(id) FROM runs WHERE source = r.source) AND status != 'ok' "
            "AND kind != 'import' ORDER BY source"
        )

    def summary(self) -> dict[str, Any]:
        """Counts for ``status`` and the demo: per source and overall."""
        row = self.db.execute(
            "SELECT count(*), sum(kind = 'miner'), sum(kind = 'miner' AND model IS NOT NULL "
            f"AND hashrate IS NOT NULL), sum(kind = 'part'), sum(kind = 'other'), "
            f"sum({UNMATCHED}) FROM listings"
        ).fetchone()
        return {
            "listings": row[0],
            "miners": row[1] or 0,
            "miners_normalised": row[2] or 0,
            "parts": row[3] or 0,
            "other": row[4] or 0,
            "unmatched": row[5] or 0,
            "observations": self.count("observations"),
            "runs": self.count("runs"),
        }


# a listing the normaliser could not fully place: no catalog model, or a miner with no hashrate
UNMATCHED = (
    "(model IS NULL AND (kind = 'miner' OR reason LIKE 'no catalog model%')) "
    "OR (kind = 'miner' AND hashrate IS NULL)"
)

EXPORT_VIEWS: dict[str, str] = {
    "runs": """
        SELECT id, source, kind, started_at, finished_at, status, pages, listings, new_listings,
               observations, errors, reason
        FROM runs ORDER BY id""",
    "listings": """
        SELECT l.key, l.source, l.listing_id, l.url, l.title, l.available, l.first_seen,
               l.last_seen, l.kind, l.maker, l.model, l.algorithm, l.hashrate_ths, l.hashrate,
               l.hashrate_unit, l.power_w, l.efficiency_j_th, l.quantity, l.condition, l.cooling,
               l.confidence, l.reason,
               o.price_minor AS last_price_minor, o.currency AS last_currency,
               o.observed_at AS last_observed_at
        FROM listings l
        LEFT JOIN observations o ON o.id = (
            SELECT id FROM observations WHERE listing_key = l.key
            ORDER BY observed_at DESC, id DESC LIMIT 1)
        ORDER BY l.key""",
    "observations": """
        SELECT o.id, o.listing_key, l.source, o.run_id, o.observed_at, o.observed_date,
               o.price_minor, o.currency, o.price_basis, o.sold, o.shipping_minor, o.available,
               l.kind, l.model, l.hashrate_ths, l.quantity,
               CASE WHEN o.price_basis = 'per_th' THEN round(MAJOR, 4)
                    WHEN l.kind = 'miner' AND l.hashrate_ths > 0 THEN
                        round(MAJOR / coalesce(l.quantity, 1) / l.hashrate_ths, 4)
               END AS price_per_th
        FROM observations o JOIN listings l ON l.key = o.listing_key
        ORDER BY o.id""".replace("MAJOR", _major_sql("o.price_minor", "o.currency")),
}
