"""Every write to the database: runs, pages of sightings, the HTTP cache, market days, sent
alerts. Each is one short write transaction; rows come in typed (:class:`Sighting`)."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from monitor.liveness import hostname, is_alive, process_token
from monitor.normalise.record import Normalised
from monitor.store.db import Connection, StoreError, _why, minor_units, utc_iso
from scrapers.base import RawListing

# the columns of an observation tuple for Writes.load_bulk
BULK_COLUMNS = ("listing_key", "observed_at", "observed_date", "price_minor", "currency",
                "price_basis", "sold", "usd_minor", "fx_rate", "fx_date")  # fmt: skip
# pages kept in the HTTP validator cache per host (see Writes.put)
HTTP_CACHE_PER_HOST = 500
_ORIGIN = re.compile(r"[^:/?#]*://[^/?#]*")
# an unfinished run that recorded no owner (made before m006) is given up after this long
LEGACY_RUN_STALE_S = 24 * 3600


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


@dataclass(frozen=True, slots=True)
class Sighting:
    """One listing seen on a page, on its way into the store: what the marketplace showed,
    what the normaliser made of it, when its price was true (now for asking prices, the sale
    date for sold items, the post date for broker posts) and its USD value, if known."""

    listing: RawListing
    normalised: Normalised
    observed_at: datetime
    usd: UsdValue | None = None


class MarketDay(NamedTuple):
    """One day of market data to store (``None``: not known from this source)."""

    date: str  # YYYY-MM-DD, UTC
    btc_usd: float | None
    hashprice_usd_ph_day: float | None
    source: str


class Reported(NamedTuple):
    """Something a digest reported: its key (rule, subject, period), kind and title."""

    rule: str
    subject: str
    period: str
    kind: str
    title: str


class Writes(Connection):
    """The write half of :class:`monitor.store.Store`."""

    def start_run(self, source: str, kind: str, started_at: datetime) -> int:
        """A ``running`` run row owned by this process (see :meth:`recover_interrupted_runs`)."""
        pid = os.getpid()
        with self._write():
            table = self.db.table("runs").insert(
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
        assert table.last_pk is not None
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
            self.db.table("runs").update(run_id, {"finished_at": utc_iso(finished_at), **fields})

    def save_page(
        self,
        run_id: int,
        source: str,
        items: Sequence[Sighting],
        seen_at: datetime,
    ) -> Saved:
        """Upsert the listings of one page and add their new sightings, in one transaction.

        Each item carries the time its price was true (now for asking prices, the sale date for
        sold items, the post date for broker posts); ``seen_at`` is when the page was fetched.
        The rows are built first and written with a few ``executemany`` calls: a statement per
        row would hand the GIL over (and wait to get it back) hundreds of times per page while
        holding the database's write lock.
        """
        # the normaliser's rules are loaded when a page is written, not by every reader
        from monitor.normalise.titles import VERSION as NORMALISER_VERSION

        now = utc_iso(seen_at)
        rows: dict[str, dict[str, Any]] = {}  # a key seen twice on a page: its last reading
        sightings = []
        for item in items:
            raw, norm, observed, usd = item.listing, item.normalised, item.observed_at, item.usd
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
            # rowcount: the rows this statement added (not those its triggers wrote)
            added = conn.executemany(
                "INSERT OR IGNORE INTO observations (listing_key, run_id, observed_at, "
                "observed_date, price_minor, currency, available, price_basis, sold, "
                "shipping_minor, usd_minor, fx_rate, fx_date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                sightings,
            ).rowcount
        return Saved(listings=len(items), new_listings=len(fresh), observations=added)

    def load_bulk(
        self,
        listings: Iterable[dict[str, Any]],
        observations: Iterable[Sequence[Any]],
        batch: int = 250_000,
    ) -> int:
        """Bulk path for large histories (benchmarks, migrations from other tools): listings as
        column dicts (``key`` and the ``listings`` columns; a known key is left as it is) and
        observations as tuples in :data:`BULK_COLUMNS` order (a sighting already stored adds
        nothing), each ``batch`` rows one transaction of ``executemany``. The ``sighting_weeks``
        triggers count the sightings as for any write. Returns the observations added."""
        conn: sqlite3.Connection = self.db.conn
        rows = list(listings)
        if rows:
            cols = list(rows[0])
            with self._write():
                conn.executemany(
                    f"INSERT OR IGNORE INTO listings ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' * len(cols))})",
                    [tuple(r[c] for c in cols) for r in rows],
                )
        sql = (
            f"INSERT OR IGNORE INTO observations ({', '.join(BULK_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(BULK_COLUMNS))})"
        )
        added = 0
        chunk: list[Sequence[Any]] = []
        for row in observations:
            chunk.append(row)
            if len(chunk) >= batch:
                added += self._bulk_chunk(sql, chunk)
                chunk = []
        return added + (self._bulk_chunk(sql, chunk) if chunk else 0)

    def _bulk_chunk(self, sql: str, chunk: list[Sequence[Any]]) -> int:
        conn: sqlite3.Connection = self.db.conn
        with self._write():
            return conn.executemany(sql, chunk).rowcount  # not what the triggers wrote

    def put(self, url: str, etag: str | None, last_modified: str | None, text: str) -> None:
        """Keep a page's validators and body for conditional requests: at most
        :data:`HTTP_CACHE_PER_HOST` pages per host (``scheme://host:port``), the ones stored
        longest ago dropped first. A site whose next link carries a fresh token on every page
        would otherwise add a row per page for ever. The oldest are found by rowid (every put is
        a new row) through the url index, without reading any body."""
        with self._write():
            self.db.execute(
                "INSERT OR REPLACE INTO http_cache (url, etag, last_modified, body, stored_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [url, etag, last_modified, text, utc_iso(datetime.now(UTC))],
            )
            origin = _ORIGIN.match(url)
            site = origin.group(0) if origin else url
            self.db.execute(  # the host's URLs: origin + "/..." or origin + "?..."
                "DELETE FROM http_cache WHERE rowid IN (SELECT rowid FROM http_cache "
                "WHERE (url >= ? AND url < ?) OR (url >= ? AND url < ?) "
                "ORDER BY rowid DESC LIMIT -1 OFFSET ?)",
                [f"{site}/", f"{site}0", f"{site}?", f"{site}@", HTTP_CACHE_PER_HOST],
            )

    def save_market(self, rows: Iterable[MarketDay]) -> int:
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

    def mark_sending(self, rows: Sequence[Reported], at: datetime) -> int:
        """Record ``rows`` as being sent, before the message goes out: a database that cannot
        record the outcome (read-only, full, replaced) fails here, as a :class:`StoreError`,
        before any email is sent. Returns how many of them an earlier send left here: it was
        cut short (killed) and may have been delivered."""
        try:
            with self._write():
                known = {tuple(r) for r in self.db.execute(
                    "SELECT rule, subject, period FROM sending_alerts").fetchall()}  # fmt: skip
                self.db.conn.executemany(
                    "INSERT OR REPLACE INTO sending_alerts (rule, subject, period, kind, title, "
                    "started_at, pid) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(*row, utc_iso(at), os.getpid()) for row in rows],
                )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write to the database {self.path}: {_why(exc)}") from exc
        return sum(tuple(row[:3]) in known for row in rows)

    def clear_sending(self, rows: Iterable[Reported]) -> None:
        """Forget ``rows`` as being sent: the server refused the message, it was not sent."""
        with self._write():
            self.db.conn.executemany(
                "DELETE FROM sending_alerts WHERE rule = ? AND subject = ? AND period = ?",
                [tuple(row[:3]) for row in rows],
            )

    def mark_sent(self, rows: Iterable[Reported], at: datetime) -> None:
        """Record (rule, subject, period, kind, title) as reported at ``at`` (and no longer
        being sent), in one transaction."""
        rows = list(rows)
        with self._write():
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO sent_alerts (rule, subject, period, kind, title, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(*row, utc_iso(at)) for row in rows],
            )
            self.db.conn.executemany(
                "DELETE FROM sending_alerts WHERE rule = ? AND subject = ? AND period = ?",
                [tuple(row[:3]) for row in rows],
            )
