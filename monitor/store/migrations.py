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
