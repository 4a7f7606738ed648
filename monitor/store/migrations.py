"""The schema, as versioned migrations recorded in ``_sqlite_migrations`` (sqlite-utils).

Tables:

- ``runs``: one row per source run, with its counts, status and reason, and the process that
  owns it (pid, host, start token) so a run whose process died can be marked failed.
- ``listings``: one row per listing identity (source + the marketplace's id), first/last seen,
  and the normalised fields of its latest title (:data:`monitor.normalise.record` columns).
- ``observations``: append-only price sightings in integer minor units with an ISO currency.
  A sighting is (listing, UTC day, price, currency), a UNIQUE index: seeing the same price again
  on the same day adds nothing, so re-running a scrape over the same pages (after a crash too)
  never duplicates an observation.
- ``sighting_weeks`` (m009): the priced sightings counted per listing, ISO week, USD price,
  basis and sold flag, kept by triggers on ``observations``: what the analysis reads.
- ``sighting_weeks_week`` (m011): an index of ``sighting_weeks`` by week, so a daily
  ``analyse`` reads the new weeks without a look-up per listing.
- ``analysis_epoch`` (m010): one row, ``store_id`` (random, set once) and ``epoch``, a counter
  that triggers raise on every change an analysis cache cannot follow by reading only the
  observations added since (``monitor.jobs.analyse``): a deleted or updated observation, a
  deleted listing, a listing whose analysed fields change (re-normalised), a listing inserted
  for observations already stored.
- ``http_cache`` (validators for conditional requests), ``market_daily`` (BTC/USD, hashprice),
  ``sent_alerts`` (what the digest already reported), ``sending_alerts`` (what a digest is
  sending: written before the SMTP exchange, moved to ``sent_alerts`` once the server accepted
  the message; a row left there is a send cut short, whose delivery is unknown).

A new migration is a new function at the end; a released one is never edited.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from monitor.normalise.record import STORE_COLUMNS

migrations = Migrations("asicmon")

# one sighting: the natural key of an observation (a UNIQUE index since m001)
SIGHTING_KEY = ("listing_key", "observed_date", "price_minor", "currency")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("runs").create(
        {
            "id": int,
            "source": str,
            "kind": str,
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | suspect | failed | interrupted (a shutdown)
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
    db.table("runs").create_index(["source", "started_at"])
    db.table("listings").create(
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
            # the record's columns (monitor.normalise.record): a field added to the record later
            # needs a migration that adds its column where it is missing
            **STORE_COLUMNS,
            "normaliser_version": int,
        },
        pk="key",
        not_null={"source", "listing_id", "title", "first_seen", "last_seen", "kind"},
        foreign_keys=[("last_run_id", "runs", "id")],
    )
    db.table("listings").create_index(["source"])
    db.table("listings").create_index(["model"])
    db.table("observations").create(
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
    db.table("observations").create_index(
        ["listing_key", "observed_date", "price_minor", "currency"], unique=True
    )
    db.table("observations").create_index(["observed_date"])


@migrations()
def m002_sold_shipping_basis(db: Database) -> None:
    """Sold prices apart from asking prices, shipping, $/TH-quoted offers, post dates."""
    db.table("observations").add_column("price_basis", str, not_null_default="unit")
    db.table("observations").add_column("sold", int, not_null_default=0)
    db.table("observations").add_column("shipping_minor", int)
    db.table("listings").add_column("posted_at", str)
    db.table("listings").add_column("sold_at", str)


@migrations()
def m003_http_cache(db: Database) -> None:
    """Validators (ETag / Last-Modified) and bodies for conditional requests."""
    db.table("http_cache").create(
        {"url": str, "etag": str, "last_modified": str, "body": str, "stored_at": str}, pk="url"
    )


@migrations()
def m004_usd_and_market(db: Database) -> None:
    """Each sighting converted to USD beside the original (the rate and its date kept), and
    the daily market series (BTC/USD, hashprice) the analysis controls for."""
    db.table("observations").add_column("usd_minor", int)
    db.table("observations").add_column("fx_rate", str)  # USD per unit, a decimal string
    db.table("observations").add_column("fx_date", str)
    db.table("market_daily").create(
        {"date": str, "btc_usd": float, "hashprice_usd_ph_day": float, "source": str},
        pk="date",
    )


@migrations()
def m005_sent_alerts(db: Database) -> None:
    """What the digest already reported: an alert (or event, deal) fires once per key."""
    db.table("sent_alerts").create(
        {"rule": str, "subject": str, "period": str, "kind": str, "title": str, "sent_at": str},
        pk=("rule", "subject", "period"),
    )


@migrations()
def m006_run_owner(db: Database) -> None:
    """The process that owns a run, so a run whose process died can be marked failed; and the
    sighting key enforced by a UNIQUE index wherever a database lost it (duplicates dropped
    first, the earliest row kept)."""
    db.table("runs").add_column("pid", int)
    db.table("runs").add_column("host", str)
    db.table("runs").add_column("pid_token", str)  # boot id + process start time: pids get reused
    db.execute("CREATE INDEX IF NOT EXISTS runs_unfinished ON runs (id) WHERE finished_at IS NULL")
    key = list(SIGHTING_KEY)
    if not any(ix.unique and ix.columns == key for ix in db.table("observations").indexes):
        cols = ", ".join(key)
        db.execute(
            "DELETE FROM observations WHERE id NOT IN "
            f"(SELECT min(id) FROM observations GROUP BY {cols})"
        )
        db.table("observations").create_index(key, unique=True, index_name="observations_sighting")


@migrations()
def m007_sending_alerts(db: Database) -> None:
    """What a digest is sending (recorded before any SMTP, so a database that cannot be written
    fails before an email goes out), until the server accepts the message."""
    db.table("sending_alerts").create(
        {"rule": str, "subject": str, "period": str, "kind": str, "title": str,
         "started_at": str, "pid": int},
        pk=("rule", "subject", "period"),
    )  # fmt: skip


@migrations()
def m008_catalog_match(db: Database) -> None:
    """``catalog_match`` (normaliser 3): whether a listing's model is a catalog model. A database
    made by m001 since then already has the column (m001 creates the record's columns); an older
    one gets it here, filled from what its rows say: a model was always a catalog model (1), a
    miner without one was not matched (0), parts and other stay null."""
    listings = db.table("listings")
    if "catalog_match" in listings.columns_dict:
        return
    listings.add_column("catalog_match", int)
    db.execute(
        "UPDATE listings SET catalog_match = CASE WHEN model IS NOT NULL THEN 1 "
        "WHEN kind = 'miner' THEN 0 END"
    )


# days since 1970-01-01 of an ISO date, and of the Monday of its ISO week (1970-01-01 was a
# Thursday); SQL snippets over a date expression
def _day_sql(date: str) -> str:
    return f"(CAST(strftime('%s', {date}) AS INTEGER) / 86400)"


def _week_sql(date: str) -> str:
    day = _day_sql(date)
    return f"({day} - ((({day} % 7) + 10) % 7))"


_WEEK_KEY = "listing_key, week, usd_minor, price_basis, sold"


def _week_add(row: str) -> str:
    """The statement that counts the sighting ``row`` (``NEW``) into its sighting_weeks row."""
    return (
        f"INSERT INTO sighting_weeks ({_WEEK_KEY}, n, first_day, first_id) "
        f"SELECT {row}.listing_key, {_week_sql(row + '.observed_date')}, {row}.usd_minor, "
        f"{row}.price_basis, {row}.sold, 1, {_day_sql(row + '.observed_date')}, {row}.id "
        f"WHERE {row}.usd_minor IS NOT NULL AND strftime('%s', {row}.observed_date) IS NOT NULL "
        f"ON CONFLICT ({_WEEK_KEY}) DO UPDATE SET n = n + 1, "
        "first_id = CASE WHEN excluded.first_day < first_day THEN excluded.first_id "
        "WHEN excluded.first_day = first_day THEN min(first_id, excluded.first_id) "
        "ELSE first_id END, first_day = min(first_day, excluded.first_day);"
    )


def _week_remove(row: str) -> str:
    """The statements that take the sighting ``row`` (``OLD``) out of its sighting_weeks row:
    one fewer, gone at none, and its first sighting found again when it was this one."""
    match = (
        f"listing_key = {row}.listing_key AND week = {_week_sql(row + '.observed_date')} "
        f"AND usd_minor = {row}.usd_minor AND price_basis = {row}.price_basis "
        f"AND sold = {row}.sold"
    )
    first = (
        f"SELECT {_day_sql('o.observed_date')}, o.id FROM observations o "
        f"WHERE o.listing_key = {row}.listing_key AND o.usd_minor = {row}.usd_minor "
        f"AND o.price_basis = {row}.price_basis AND o.sold = {row}.sold "
        f"AND {_week_sql('o.observed_date')} = {_week_sql(row + '.observed_date')} "
        f"AND o.observed_date >= date({_week_sql(row + '.observed_date')} * 86400, 'unixepoch') "
        f"AND o.observed_date < date(({_week_sql(row + '.observed_date')} + 7) * 86400, "
        "'unixepoch') ORDER BY o.observed_date, o.id LIMIT 1"
    )
    return (
        f"UPDATE sighting_weeks SET n = n - 1 WHERE {match};"
        f"DELETE FROM sighting_weeks WHERE {match} AND n <= 0;"
        f"UPDATE sighting_weeks SET (first_day, first_id) = ({first}) "
        f"WHERE {match} AND first_id = {row}.id;"
    )


@migrations()
def m009_sighting_weeks(db: Database) -> None:
    """``sighting_weeks``: the priced sightings (``usd_minor`` known) counted per listing, ISO
    week, USD price, price basis and sold flag (``n`` sightings; ``first_day`` / ``first_id``:
    the earliest of them by day, then by id, so a reader can put rows in sighting order).
    Days are counted from 1970-01-01; ``week`` is its Monday. Triggers on ``observations`` keep
    it right on every insert, delete and update, whichever code writes; this migration fills it
    from the observations already stored. The analysis reads it instead of every sighting: a
    listing re-seen daily at one price is one row a week. Listing attributes (model, hashrate,
    condition...) are not copied: they are joined when read, so a re-normalised listing counts
    with its new attributes."""
    db.execute(
        "CREATE TABLE sighting_weeks (listing_key TEXT NOT NULL, week INTEGER NOT NULL, "
        "usd_minor INTEGER NOT NULL, price_basis TEXT NOT NULL, sold INTEGER NOT NULL, "
        "n INTEGER NOT NULL, first_day INTEGER NOT NULL, first_id INTEGER NOT NULL, "
        f"PRIMARY KEY ({_WEEK_KEY})) WITHOUT ROWID"
    )
    # the earliest sighting (day, then id) of each group as one integer: (day + 2**17) * 2**40 + id
    first = f"min(({_day_sql('observed_date')} + 131072) * 1099511627776 + id)"
    db.execute(
        f"INSERT INTO sighting_weeks ({_WEEK_KEY}, n, first_day, first_id) "
        f"SELECT listing_key, week, usd_minor, price_basis, sold, n, "
        "(f >> 40) - 131072, f & 1099511627775 FROM ("
        f"SELECT listing_key, {_week_sql('observed_date')} AS week, usd_minor, price_basis, "
        f"sold, count(*) AS n, {first} AS f FROM observations "
        "WHERE usd_minor IS NOT NULL AND strftime('%s', observed_date) IS NOT NULL "
        f"GROUP BY {_WEEK_KEY})"
    )
    db.execute(
        "CREATE TRIGGER sighting_weeks_insert AFTER INSERT ON observations "
        f"BEGIN {_week_add('NEW')} END"
    )
    db.execute(
        "CREATE TRIGGER sighting_weeks_delete AFTER DELETE ON observations "
        f"WHEN OLD.usd_minor IS NOT NULL BEGIN {_week_remove('OLD')} END"
    )
    db.execute(
        "CREATE TRIGGER sighting_weeks_update AFTER UPDATE OF listing_key, observed_date, "
        "usd_minor, price_basis, sold, id ON observations "
        f"BEGIN {_week_remove('OLD')} {_week_add('NEW')} END"
    )


_ANALYSED = ("key", "source", "model", "efficiency_j_th", "hashrate_ths", "quantity", "kind",
             "condition")  # fmt: skip
_BUMP = "UPDATE analysis_epoch SET epoch = epoch + 1 WHERE id = 1;"


@migrations()
def m010_analysis_epoch(db: Database) -> None:
    """``analysis_epoch``: the store's identity and a counter of the changes that invalidate a
    cache of analysed sightings keyed by the last observation id (appends do not raise it: a
    cache reads what was added after its id). Triggers raise ``epoch`` on a deleted or updated
    observation, a deleted listing, an update that changes one of a listing's analysed fields
    (:data:`_ANALYSED`: a re-normalised title), and a listing inserted when observations of its
    key are already stored (they join the analysis without a new observation id)."""
    db.execute(
        "CREATE TABLE analysis_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "store_id TEXT NOT NULL, epoch INTEGER NOT NULL)"
    )
    db.execute("INSERT INTO analysis_epoch VALUES (1, lower(hex(randomblob(16))), 0)")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _ANALYSED)
    for name, sql in (
        ("observations_delete", f"AFTER DELETE ON observations BEGIN {_BUMP} END"),
        ("observations_update", f"AFTER UPDATE ON observations BEGIN {_BUMP} END"),
        ("listings_delete", f"AFTER DELETE ON listings BEGIN {_BUMP} END"),
        (
            "listings_update",
            f"AFTER UPDATE OF {', '.join(_ANALYSED)} ON listings WHEN {changed} BEGIN {_BUMP} END",
        ),
        (
            "listings_insert",
            "AFTER INSERT ON listings WHEN EXISTS "
            "(SELECT 1 FROM observations WHERE listing_key = NEW.key) "
            f"BEGIN {_BUMP} END",
        ),
    ):
        db.execute(f"CREATE TRIGGER analysis_epoch_{name} {sql}")


@migrations()
def m011_sighting_weeks_by_week(db: Database) -> None:
    """An index of ``sighting_weeks`` by week: the analysis cache reads only the weeks from the
    first new sighting's (``monitor.jobs.analyse``), a range of this index."""
    db.execute("CREATE INDEX IF NOT EXISTS sighting_weeks_week ON sighting_weeks (week)")
