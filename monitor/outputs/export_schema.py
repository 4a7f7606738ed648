"""The declared schema of every export: the one place export columns and their types live.

One :func:`pyarrow.schema` per ``asicmon export --what``. CSV and Parquet write exactly these
columns in this order, and each value is converted to the declared type (Parquet keeps it; CSV
writes it as text: ISO dates, ISO-8601 UTC times, ``true``/``false``):

- counts and ids: ``int64``;
- money exactly as stored: ``int64`` minor units beside the ISO currency (``price_minor`` 129999
  with ``currency`` USD is 1,299.99 USD; JPY has no minor unit, BHD three). Never a float;
- derived values: ``float64`` (``price_usd``, ``fx_rate``, ``price_per_th``, index and drop
  figures): for charts and sums, not for bookkeeping;
- days: ``date32``; moments: ``timestamp[us, tz=UTC]`` (SQLite holds ISO-8601 UTC text);
- flags: ``bool``; everything else: ``string``.

A field's ``description`` metadata says what it is. ``MONTH_OF`` names each export's column whose
month names a row's partition in a ``--partition-by month`` dataset.
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["ANALYSIS", "MONTH_OF", "SCHEMAS", "TIMESTAMP", "VIEWS", "WHAT", "columns", "schema_of"]

TIMESTAMP = pa.timestamp("us", tz="UTC")
_INT, _FLOAT, _TEXT, _DAY, _BOOL = pa.int64(), pa.float64(), pa.string(), pa.date32(), pa.bool_()


def _f(name: str, type_: pa.DataType, description: str) -> pa.Field:
    return pa.field(name, type_, metadata={"description": description})


_RUNS = pa.schema(
    [
        _f("id", _INT, "run id"),
        _f("source", _TEXT, "configured source name"),
        _f("kind", _TEXT, "source kind (shopify, import, ...)"),
        _f("started_at", TIMESTAMP, "when the run started (UTC)"),
        _f("finished_at", TIMESTAMP, "when the run finished (UTC); null while running"),
        _f("status", _TEXT, "running, ok, suspect, failed or interrupted"),
        _f("pages", _INT, "pages fetched"),
        _f("listings", _INT, "listings seen"),
        _f("new_listings", _INT, "listings seen for the first time"),
        _f("observations", _INT, "new price sightings"),
        _f("errors", _INT, "errors met"),
        _f("reason", _TEXT, "why the run is not ok"),
    ]
)

_LISTINGS = pa.schema(
    [
        _f("key", _TEXT, "<source>:<listing id>"),
        _f("source", _TEXT, "configured source name"),
        _f("listing_id", _TEXT, "the marketplace's id"),
        _f("url", _TEXT, "listing page"),
        _f("title", _TEXT, "latest title, as scraped"),
        _f("available", _BOOL, "in stock at the last sighting; null when unknown"),
        _f("first_seen", TIMESTAMP, "first sighting (UTC)"),
        _f("last_seen", TIMESTAMP, "latest sighting (UTC)"),
        _f("kind", _TEXT, "miner, part or other"),
        _f("maker", _TEXT, "normalised maker"),
        _f("model", _TEXT, "catalog model"),
        _f("algorithm", _TEXT, "mining algorithm"),
        _f("hashrate_ths", _FLOAT, "nominal hashrate in TH/s"),
        _f("hashrate", _FLOAT, "hashrate in hashrate_unit"),
        _f("hashrate_unit", _TEXT, "unit of hashrate"),
        _f("power_w", _INT, "power draw in W"),
        _f("efficiency_j_th", _FLOAT, "J/TH"),
        _f("quantity", _INT, "machines in the lot"),
        _f("condition", _TEXT, "new, used, refurbished, ..."),
        _f("cooling", _TEXT, "air, hydro, immersion"),
        _f("confidence", _FLOAT, "normaliser confidence, 0..1"),
        _f("reason", _TEXT, "why the normaliser is unsure"),
        _f("catalog_match", _BOOL, "model is a catalog model; false: a miner the catalog lacks"),
        _f("last_price_minor", _INT, "latest price in minor units of last_currency"),
        _f("last_currency", _TEXT, "ISO 4217 currency of last_price_minor"),
        _f("last_observed_at", TIMESTAMP, "when the latest price was seen (UTC)"),
    ]
)

_OBSERVATIONS = pa.schema(
    [
        _f("id", _INT, "sighting id"),
        _f("listing_key", _TEXT, "listings.key"),
        _f("source", _TEXT, "configured source name"),
        _f("run_id", _INT, "runs.id"),
        _f("observed_at", TIMESTAMP, "when the price was seen (UTC)"),
        _f("observed_date", _DAY, "UTC day of observed_at"),
        _f("price_minor", _INT, "price as stored: minor units of currency"),
        _f("currency", _TEXT, "ISO 4217 currency of price_minor"),
        _f("price_basis", _TEXT, "unit (a machine or lot) or per_th (a rate per TH/s)"),
        _f("sold", _BOOL, "a completed sale, not an ask"),
        _f("shipping_minor", _INT, "shipping in minor units of currency"),
        _f("available", _BOOL, "in stock; null when unknown"),
        _f("usd_minor", _INT, "the price in US cents as stored (ECB rate of fx_date)"),
        _f("price_usd", _FLOAT, "usd_minor / 100 (derived)"),
        _f("fx_rate", _FLOAT, "USD per 1 unit of currency used (derived from the stored decimal)"),
        _f("fx_date", _DAY, "ECB business day of fx_rate"),
        _f("kind", _TEXT, "miner, part or other"),
        _f("model", _TEXT, "catalog model"),
        _f("hashrate_ths", _FLOAT, "nominal hashrate in TH/s"),
        _f("quantity", _INT, "machines in the lot"),
        _f("price_per_th", _FLOAT, "price per TH/s in major units of currency (derived)"),
    ]
)

_INDEX = pa.schema(
    [
        _f("series", _TEXT, "tier:<tier> or model:<model>"),
        _f("period", _DAY, "the period's first day (a Monday for weekly indexes)"),
        _f("basis", _TEXT, "ask or sold"),
        _f("usd_per_th", _FLOAT, "index value in USD per TH/s"),
        _f("btc_per_th", _FLOAT, "index value in BTC per TH/s; null without BTC/USD"),
        _f("n_listings", _INT, "listings in the period"),
        _f("n_obs", _INT, "sightings in the period"),
    ]
)

_DROPS = pa.schema(
    [
        _f("series", _TEXT, "tier:<tier> or model:<model>"),
        _f("basis", _TEXT, "ask or sold"),
        _f("start", _DAY, "first period of the drop"),
        _f("end", _DAY, "last period of the drop"),
        _f("drop_pct", _FLOAT, "45.0 means -45 %"),
        _f("level_before", _FLOAT, "USD/TH before"),
        _f("level_after", _FLOAT, "USD/TH after"),
        _f("market_explained_pct", _FLOAT, "part of drop_pct the market explains"),
        _f("abnormal_pct", _FLOAT, "drop_pct - market_explained_pct"),
        _f("abnormal", _BOOL, "abnormal_pct alone is a drop; null without market data"),
        _f("detector", _TEXT, "price or abnormal"),
        _f("market_regressor", _TEXT, "hashprice or btc_usd"),
        _f("market_change_pct", _FLOAT, "market change over the drop, %"),
        _f("market_lag_days", _INT, "market averaging lag in days"),
        _f("beta", _FLOAT, "price elasticity to the market"),
        _f("market_note", _TEXT, "why the market split is null (e.g. no BTC/USD after a date)"),
        _f("events", _TEXT, "ids of the events near start, '; '-separated"),
        _f("chance_alignment_p", _FLOAT, "chance an event lands that near by luck"),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "listings": _LISTINGS,
    "observations": _OBSERVATIONS,
    "index": _INDEX,
    "drops": _DROPS,
    "runs": _RUNS,
}
WHAT = tuple(SCHEMAS)
VIEWS = ("listings", "observations", "runs")  # streamed from monitor.store.EXPORT_VIEWS
ANALYSIS = ("index", "drops")  # records of monitor.jobs.analyse.analyse_db
# the column whose month (YYYY-MM) names a row's partition
MONTH_OF = {"listings": "first_seen", "observations": "observed_date", "runs": "started_at",
            "index": "period", "drops": "start"}  # fmt: skip


def schema_of(what: str) -> pa.Schema:
    try:
        return SCHEMAS[what]
    except KeyError:
        raise ValueError(f"unknown export {what!r}; choose from {', '.join(WHAT)}") from None


def columns(what: str) -> list[str]:
    """The columns of an export, in order."""
    return list(schema_of(what).names)
