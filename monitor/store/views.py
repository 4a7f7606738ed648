"""Every read: named views the jobs ask for, each returning rows of a declared shape.

The store knows no statistics: a view selects, joins and counts rows (priced miner sightings,
each listing's latest price, unhealthy sources...); unit prices, indexes and medians are
computed by :mod:`monitor.analysis` from these rows. The analysis reads columnar
(:meth:`Views.analysis_arrow`: Arrow tables read in C by the ADBC driver, identical sightings
of a listing in one week counted into one row by ``sighting_weeks``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any, TypedDict, cast

from monitor.store.db import BUSY_TIMEOUT_MS, Connection, _major_sql

# a listing the normaliser could not fully place: no catalog model, a miner with no hashrate, or
# a model read from its maker's name shape that the catalog lacks (catalog_match 0: "Whatsminer
# M67S"; it still counts in the indexes where its hashrate is known)
UNMATCHED = (
    "(model IS NULL AND (kind = 'miner' OR reason LIKE 'no catalog model%')) "
    "OR (kind = 'miner' AND hashrate IS NULL) OR catalog_match = 0"
)

# the observations export: an observation's own columns, then its listing's (by listing_key)
_OBSERVATION_COLUMNS = """o.id, o.listing_key, o.run_id, o.observed_at, o.observed_date,
        o.price_minor, o.currency, o.price_basis, o.sold, o.shipping_minor, o.available,
        o.usd_minor, o.usd_minor / 100.0 AS price_usd, CAST(o.fx_rate AS REAL) AS fx_rate,
        o.fx_date, NULL AS price_per_th, MAJOR AS price_major""".replace(
    "MAJOR", _major_sql("o.price_minor", "o.currency")
)
_LISTING_COLUMNS = ("source", "kind", "model", "hashrate_ths", "quantity")

EXPORT_VIEWS: dict[str, str] = {
    "runs": """
        SELECT id, source, kind, started_at, finished_at, status, pages, listings, new_listings,
               observations, errors, reason
        FROM runs ORDER BY id""",
    "listings": """
        SELECT l.key, l.source, l.listing_id, l.url, l.title, l.available, l.first_seen,
               l.last_seen, l.kind, l.maker, l.model, l.algorithm, l.hashrate_ths, l.hashrate,
               l.hashrate_unit, l.power_w, l.efficiency_j_th, l.quantity, l.condition, l.cooling,
               l.confidence, l.reason, l.catalog_match,
               o.price_minor AS last_price_minor, o.currency AS last_currency,
               o.observed_at AS last_observed_at
        FROM listings l
        LEFT JOIN observations o ON o.id = (
            SELECT id FROM observations WHERE listing_key = l.key
            ORDER BY observed_at DESC, id DESC LIMIT 1)
        ORDER BY l.key""",
    "observations": f"""
        SELECT {_OBSERVATION_COLUMNS}, {", ".join("l." + c for c in _LISTING_COLUMNS)}
        FROM observations o JOIN listings l ON l.key = o.listing_key
        ORDER BY o.id""",
}


class RunRow(TypedDict):
    """A row of ``runs``: one source run (times UTC ISO-8601; status running, ok, suspect,
    failed, or interrupted by a shutdown)."""

    id: int
    source: str
    kind: str
    started_at: str
    finished_at: str | None
    status: str
    pages: int
    listings: int
    new_listings: int
    observations: int
    errors: int
    reason: str | None
    pid: int | None
    host: str | None
    pid_token: str | None


class SightingRow(TypedDict):
    """A priced miner sighting for the analysis: its USD value in cents, as listed (a lot's
    price, or a $/TH rate when ``price_basis`` is ``per_th``), and the listing's condition
    (``for_parts`` too: which sightings count is the analysis's rule, not the store's)."""

    observed_date: str
    listing_key: str
    source: str
    model: str | None
    efficiency_j_th: float | None
    hashrate_ths: float
    quantity: int
    usd_minor: int
    price_basis: str
    sold: int
    kind: str
    condition: str | None


class RecentPriceRow(TypedDict):
    """A miner listing's price in one recent ISO week, as listed (USD cents; a lot's price, or a
    $/TH rate when ``price_basis`` is ``per_th``), with the listing's model, rate, quantity and
    condition, and ``n`` sightings at that price that week (for model price levels)."""

    model: str
    hashrate_ths: float
    quantity: int
    usd_minor: int
    price_basis: str
    condition: str | None
    n: int


class PriceRow(TypedDict):
    """A listing still offered, with its latest asking price in USD cents and its condition
    (for deals; every condition: the deal rules decide which count)."""

    listing_key: str
    title: str
    url: str | None
    model: str | None
    efficiency_j_th: float | None
    hashrate_ths: float
    quantity: int
    source: str
    last_seen: str
    usd_minor: int
    condition: str | None


class HealthRow(TypedDict):
    """A source whose latest run was not ok."""

    name: str
    status: str
    reason: str | None
    started_at: str


class UnmatchedRow(TypedDict):
    """A stored title to extend the catalog from, with how many listings have it; ``model`` and
    ``catalog_match: false`` when it names a model the catalog lacks."""

    title: str
    listings: int
    sources: str
    reason: str | None
    last_seen: str
    model: str | None
    catalog_match: bool | None


class MarketRow(TypedDict):
    date: str
    btc_usd: float | None
    hashprice_usd_ph_day: float | None


class Summary(TypedDict):
    listings: int
    miners: int
    miners_normalised: int
    parts: int
    other: int
    unmatched: int
    observations: int
    runs: int


_MONDAY = 4  # 1970-01-05, day 4 since 1970-01-01, was a Monday
_FEW_LISTINGS = 20_000  # up to this many, a range read names its listings by rowid
_SIGHTING_TYPES = {"lid": "int64", "day": "int64", "first_id": "int64", "usd_minor": "int64",
                   "price_basis": "string", "sold": "int64", "n": "int64"}  # fmt: skip
_LISTING_TYPES = {"lid": "int64", "key": "string", "source": "string", "model": "string",
                  "efficiency_j_th": "double", "hashrate_ths": "double", "quantity": "int64",
                  "kind": "string", "condition": "string"}  # fmt: skip


def _epoch_day(iso: str) -> int:
    return (date.fromisoformat(iso[:10]) - date(1970, 1, 1)).days


def _iso_day(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=day)).isoformat()


def _arrow_table(cursor: Any, sql: str, types: dict[str, str]) -> Any:
    """The rows of ``sql`` (its columns named as ``types``) as one Arrow table of those types.
    ADBC infers a column's type from the first rows, so a typed first row (a sentinel, dropped
    again) pins it: a column that starts with NULLs is not taken for another type."""
    import pyarrow as pa

    literal = {"int64": "0", "double": "0.0", "string": "''"}
    sentinel = ", ".join(f"{literal[kind]} AS [{name}]" for name, kind in types.items())
    cursor.execute(f"SELECT {sentinel} UNION ALL SELECT * FROM ({sql})")
    table = cursor.fetch_arrow_table().slice(1)
    schema = pa.schema([(name, kind) for name, kind in types.items()])
    return table.cast(schema) if table.schema != schema else table


def _sentinel(fields: Iterable[Any]) -> str:
    """A typed first row for ADBC to infer each column's type from (dropped again)."""
    literal = {"int64": "0", "double": "0.0"}
    return ", ".join(f"{literal.get(str(f.type), chr(39) * 2)} AS [{f.name}]" for f in fields)


def _own_sql(schema: Any) -> str:
    """The observations export without its listing columns (joined in Arrow: a look-up per
    row in SQLite costs more than the rest of the read)."""
    own = [f for f in schema if f.name not in _LISTING_COLUMNS]
    return (f"SELECT {_sentinel(own)} UNION ALL SELECT * FROM ("
            f"SELECT {_OBSERVATION_COLUMNS} FROM observations o ORDER BY o.id)")  # fmt: skip


def _listings_by_key(cursor: Any, schema: Any) -> tuple[Any, dict[str, Any]]:
    """The listings' keys and the columns the observations export takes from them."""
    import pyarrow as pa

    fields = [pa.field("key", pa.string())] + [schema.field(c) for c in _LISTING_COLUMNS]
    cursor.execute(f"SELECT {_sentinel(fields)} UNION ALL SELECT key, "
                   f"{', '.join(_LISTING_COLUMNS)} FROM listings")  # fmt: skip
    table = cursor.fetch_arrow_table().slice(1)
    columns = {name: table.column(name).combine_chunks() for name in _LISTING_COLUMNS}
    return table.column("key").combine_chunks(), columns


def _with_listing(batch: Any, keys: Any, listings: dict[str, Any]) -> Any:
    """``batch`` with its listing's columns, rows whose listing is gone left out (the view's
    inner join)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    at = pc.index_in(batch.column("listing_key"), value_set=keys)
    if at.null_count:
        keep = pc.is_valid(at)
        batch, at = batch.filter(keep), at.filter(keep)
    columns = {name: batch.column(name) for name in batch.schema.names}
    for name in _LISTING_COLUMNS:
        columns[name] = listings[name].take(at)
    return pa.RecordBatch.from_pydict(columns)


class Views(Connection):
    """The read half of :class:`monitor.store.Store`."""

    def _rows(self, shape: type[Any], sql: str, params: Iterable[Any] = ()) -> list[Any]:
        """The rows of ``sql`` as dicts of the declared ``shape`` (a TypedDict)."""
        return [shape(**row) for row in self.db.query(sql, list(params))]

    def runs(self, source: str | None = None, limit: int = 50) -> list[RunRow]:
        """The latest runs, newest first (of one source, when given)."""
        where, args = ("source = ?", [source]) if source else (None, None)
        rows = self.db.table("runs").rows_where(where, args, order_by="id desc", limit=limit)
        return [cast(RunRow, row) for row in rows]

    def last_runs(self, names: Iterable[str]) -> dict[str, RunRow | None]:
        """Each named source's latest run, or None when it never ran."""
        return {name: next(iter(self.runs(name, limit=1)), None) for name in names}

    def get(self, url: str) -> tuple[str | None, str | None, str] | None:
        row = self.db.execute(
            "SELECT etag, last_modified, body FROM http_cache WHERE url = ?", [url]
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

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
                # the connection is in a transaction (ADBC's autocommit is off): one snapshot
                joined = _listings_by_key(cursor, schema) if what == "observations" else None
                cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "65536"})
                cursor.execute(sql if joined is None else _own_sql(schema))
                first = True
                for batch in cursor.fetch_record_batch():
                    if first:
                        batch, first = batch.slice(1), False
                    if joined is not None:
                        batch = _with_listing(batch, *joined)
                    yield batch.cast(schema) if batch.schema != schema else batch
                cursor.close()
            finally:
                conn.close()

        return batches()

    def export_columns(self, what: str) -> list[str]:
        cursor = self.db.execute(f"SELECT * FROM ({EXPORT_VIEWS[what]}) LIMIT 0")
        return [d[0] for d in cursor.description]

    def unmatched_titles(self, limit: int = 30) -> list[UnmatchedRow]:
        """Titles that matched no catalog model (or no hashrate), most frequent first."""
        rows: list[UnmatchedRow] = self._rows(
            UnmatchedRow,
            f"SELECT title, count(*) AS listings, group_concat(DISTINCT source) AS sources, "
            f"min(reason) AS reason, max(last_seen) AS last_seen, min(model) AS model, "
            f"min(catalog_match) AS catalog_match FROM listings "
            f"WHERE {UNMATCHED} GROUP BY title ORDER BY listings DESC, last_seen DESC LIMIT ?",
            [limit],
        )
        for row in rows:  # SQLite keeps the flag as 0/1
            flag = row["catalog_match"]
            row["catalog_match"] = None if flag is None else bool(flag)
        return rows

    def market_rows(self) -> list[MarketRow]:
        return self._rows(
            MarketRow, "SELECT date, btc_usd, hashprice_usd_ph_day FROM market_daily ORDER BY date"
        )

    def analysis_rows(
        self, since: str | None = None, until: str | None = None
    ) -> list[SightingRow]:
        """Priced miner sightings for the analysis, with USD value; parts and others left out."""
        where, args = ["l.kind = 'miner'", "o.usd_minor IS NOT NULL", "l.hashrate_ths > 0"], []
        if since:
            where.append("o.observed_date >= ?")
            args.append(since)
        if until:
            where.append("o.observed_date <= ?")
            args.append(until)
        return self._rows(
            SightingRow,
            "SELECT o.observed_date, o.listing_key, l.source, l.model, l.efficiency_j_th, "
            "l.hashrate_ths, coalesce(l.quantity, 1) AS quantity, o.usd_minor, o.price_basis, "
            "o.sold, l.kind, l.condition FROM observations o JOIN listings l "
            "ON l.key = o.listing_key "
            f"WHERE {' AND '.join(where)} ORDER BY o.observed_date",
            args,
        )

    def analysis_arrow(
        self, since: str | None = None, until: str | None = None, *, weekly: bool = True
    ) -> tuple[Any, Any]:
        """The priced miner sightings of :meth:`analysis_rows`, read columnar (Arrow tables
        through the ADBC SQLite driver, in C: no Python object per row), in one read snapshot.

        Returns ``(sightings, listings)``. ``listings``: one row per miner listing with a
        hashrate (``lid``, its rowid for this read only, and ``key``, ``source``, ``model``,
        ``efficiency_j_th``, ``hashrate_ths``, ``quantity`` (1 when unknown), ``kind``,
        ``condition``), read now, so a re-normalised listing counts as it is now. ``sightings``:
        ``lid``, ``day`` and ``first_id`` (days since 1970-01-01 and observation id of the
        earliest sighting the row stands for), ``usd_minor``, ``price_basis``, ``sold`` and
        ``n``, the number of identical sightings (same listing, price, basis and sold flag) the
        row stands for. With ``weekly`` the weeks that lie wholly within ``since``..``until``
        come from ``sighting_weeks`` (one row per listing, ISO week and price: ``day`` is the
        week's first such sighting); every other day in range (``weekly=False``: all of them)
        comes from ``observations``, one row per sighting (``n`` 1). Within one ISO week the
        two are the same sightings counted the same way, so a median per listing and week or
        day over these rows weighted by ``n`` is the median over the sightings themselves."""
        import adbc_driver_sqlite.dbapi as adbc

        lo = None if since is None else _epoch_day(since)
        hi = None if until is None else _epoch_day(until)
        raw: list[tuple[int | None, int | None]] = [(lo, hi)]
        weeks: tuple[int | None, int | None] | None = None
        if weekly:
            first = None if lo is None else lo + (-(lo - _MONDAY) % 7)  # first whole week
            last = None if hi is None else hi + 1 - ((hi + 1 - _MONDAY) % 7) - 7  # last one
            if first is None or last is None or first <= last:
                weeks = (first, last)
                raw = []
                if lo is not None and first is not None and lo < first:
                    raw.append((lo, first - 1))
                if hi is not None and last is not None and hi > last + 6:
                    raw.append((last + 7, hi))
        day = "(CAST(strftime('%s', o.observed_date) AS INTEGER) / 86400)"
        miner = "l.kind = 'miner' AND l.hashrate_ths > 0"
        parts = []
        if weeks is not None:
            where = [miner]
            if weeks[0] is not None:
                where.append(f"w.week >= {int(weeks[0])}")
            if weeks[1] is not None:
                where.append(f"w.week <= {int(weeks[1])}")
            parts.append(
                "SELECT l.rowid AS lid, w.first_day AS day, w.first_id, w.usd_minor, "
                "w.price_basis, w.sold, w.n FROM sighting_weeks w "
                f"JOIN listings l ON l.key = w.listing_key WHERE {' AND '.join(where)}"
            )
        for start, end in raw:
            where = [miner, "o.usd_minor IS NOT NULL"]
            if start is not None:
                where.append(f"o.observed_date >= '{_iso_day(start)}'")
            if end is not None:
                where.append(f"o.observed_date <= '{_iso_day(end)}'")
            parts.append(
                f"SELECT l.rowid AS lid, {day} AS day, o.id AS first_id, o.usd_minor, "
                "o.price_basis, o.sold, 1 AS n FROM observations o "
                f"JOIN listings l ON l.key = o.listing_key WHERE {' AND '.join(where)}"
            )
        listings_sql = (
            "SELECT l.rowid AS lid, l.key, l.source, l.model, l.efficiency_j_th, l.hashrate_ths, "
            "coalesce(l.quantity, 1) AS quantity, l.kind, l.condition FROM listings l "
            f"WHERE {miner}"
        )
        conn = adbc.connect(str(self.path))
        try:
            cursor = conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # the connection is in a transaction (ADBC's autocommit is off): one snapshot
            sightings = _arrow_table(cursor, " UNION ALL ".join(parts), _SIGHTING_TYPES)
            if since is not None:  # a few weeks: only the listings they name (no full scan)
                lids = sightings.column("lid").unique().to_pylist()
                if len(lids) <= _FEW_LISTINGS:
                    listings_sql += f" AND l.rowid IN ({','.join(str(int(i)) for i in lids)})"
            listings = _arrow_table(cursor, listings_sql, _LISTING_TYPES)
            cursor.close()
        finally:
            conn.close()
        return sightings, listings

    def analysis_mark(self) -> tuple[str, int, int]:
        """``(store_id, epoch, last_id)``: what a cache of analysed sightings is keyed by
        (``analysis_epoch``, m010, and the highest observation id). Read before the sightings
        it keys: a write in between is then read again by the next run, never missed."""
        row = self.query(
            "SELECT e.store_id, e.epoch, (SELECT coalesce(max(id), 0) FROM observations) AS last "
            "FROM analysis_epoch e WHERE e.id = 1"
        )[0]
        return str(row["store_id"]), int(row["epoch"]), int(row["last"])

    def first_day_after(self, last_id: int) -> int | None:
        """The earliest day (days since 1970-01-01) of a priced sighting with an id above
        ``last_id`` (None: none): from there on a cache keyed by ``last_id`` is out of date."""
        row = self.query(
            "SELECT min(CAST(strftime('%s', observed_date) AS INTEGER) / 86400) AS d "
            "FROM observations WHERE id > ? AND usd_minor IS NOT NULL "
            "AND strftime('%s', observed_date) IS NOT NULL",
            [last_id],
        )[0]
        return None if row["d"] is None else int(row["d"])

    def sent_keys(self) -> set[tuple[str, str, str]]:
        """The keys (rule, subject, period) the digest already reported."""
        rows = self.db.execute("SELECT rule, subject, period FROM sent_alerts").fetchall()
        return {(str(r[0]), str(r[1]), str(r[2])) for r in rows}

    def unsent(self, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """The keys (rule, subject, period) not reported yet."""
        return set(keys) - self.sent_keys()

    def recent_prices(self, since: date) -> list[RecentPriceRow]:
        """Priced miner sightings (with a model and a hashrate) of the ISO weeks from the one
        holding ``since`` on, one row per listing, week, price, basis and sold flag (read from
        ``sighting_weeks`` through its week index: cheap on a large store)."""
        day = (since - date(1970, 1, 1)).days
        week = day - ((day - _MONDAY) % 7)
        return self._rows(
            RecentPriceRow,
            "SELECT l.model, l.hashrate_ths, coalesce(l.quantity, 1) AS quantity, w.usd_minor, "
            "w.price_basis, l.condition, w.n FROM sighting_weeks w "
            "JOIN listings l ON l.key = w.listing_key WHERE w.week >= ? "
            "AND l.kind = 'miner' AND l.hashrate_ths > 0 AND l.model IS NOT NULL",
            [week],
        )

    def current_prices(self) -> list[PriceRow]:
        """Each priced miner listing's latest USD price, for deals."""
        return self._rows(
            PriceRow,
            "SELECT l.key AS listing_key, l.title, l.url, l.model, l.efficiency_j_th, "
            "l.hashrate_ths, coalesce(l.quantity, 1) AS quantity, l.source, l.last_seen, "
            "o.usd_minor, l.condition FROM listings l JOIN observations o ON o.id = ("
            "SELECT id FROM observations WHERE listing_key = l.key AND usd_minor IS NOT NULL "
            "AND sold = 0 AND price_basis = 'unit' ORDER BY observed_at DESC, id DESC LIMIT 1) "
            "WHERE l.kind = 'miner' AND l.hashrate_ths > 0 AND coalesce(l.available, 1) = 1",
        )

    def unhealthy_sources(self) -> list[HealthRow]:
        """Each source's latest run when it is not ok; an ``interrupted`` run (the process was
        told to stop: SIGTERM, Ctrl-C) says nothing about the source: the run before it counts."""
        return self._rows(
            HealthRow,
            "SELECT source AS name, status, reason, started_at FROM runs r WHERE id = ("
            "SELECT max(id) FROM runs WHERE source = r.source AND status != 'interrupted') "
            "AND status != 'ok' "
            "AND kind != 'import' ORDER BY source",
        )

    def summary(self) -> Summary:
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
