"""``asicmon deals``: the current working listings ranked by payback at today's hashprice.

Reads the store (each listing's latest unit price, the market days), prices every listing with
:mod:`monitor.analysis.economics` under the config's ``economics:`` assumptions at the latest day
that has a hashprice, and ranks the working units by break-even months. The web dashboard and the
digest read the same rows.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from monitor.analysis.economics import Economics, price_listings, rank_by_payback
from monitor.analysis.indexes import tier_of
from monitor.config import Config
from monitor.jobs.analyse import market_frame
from monitor.store import Store

__all__ = ["DEAL_FIELDS", "NoHashprice", "deals_db", "latest_hashprice", "priced_frame"]

DEAL_FIELDS = [
    "listing_key",
    "title",
    "url",
    "source",
    "model",
    "tier",
    "condition",
    "hashrate_ths",
    "efficiency_j_th",
    "price_usd",
    "usd_per_th",
    "daily_revenue_usd",
    "daily_power_usd",
    "daily_profit_usd",
    "breakeven_months",
    "fmv_usd",
    "vs_fmv_pct",
    "vs_median_pct",
    "hashprice_usd_ph_day",
    "hashprice_date",
    "last_seen",
]
_PRICE_COLUMNS = ["listing_key", "title", "url", "model", "efficiency_j_th", "hashrate_ths",
                  "quantity", "source", "last_seen", "usd_minor", "condition"]  # fmt: skip


class NoHashprice(Exception):
    """No day of the market data has a hashprice: nothing can be priced."""


NO_HASHPRICE = (
    "no hashprice for any day yet: run `asicmon market` (online) or "
    "`asicmon market import FILE.csv`"
)


def economics_of(cfg: Config) -> Economics:
    return Economics(**cfg.economics.model_dump())


def latest_hashprice(market: pd.DataFrame, as_of: str | None = None) -> tuple[float, str] | None:
    """The latest day of the market frame with a positive hashprice, on or before ``as_of``
    (an ISO day: the newest listing's) when there is one, else the latest of all:
    (USD/PH/day, ISO day). Live, the newest day is today's; on an old database (the demo's 2021
    shops) listings are priced at the hashprice of their own time, not at a later one."""
    column = market.get("hashprice_usd_ph_day")
    if column is None:
        return None
    values = pd.to_numeric(column, errors="coerce")
    values = values[(values > 0) & values.map(math.isfinite)].sort_index()
    if values.empty:
        return None
    if as_of is not None:
        before = values[values.index <= pd.Timestamp(as_of)]
        values = before if not before.empty else values
    day = pd.Timestamp(values.index[-1])
    return float(values.iloc[-1]), day.strftime("%Y-%m-%d")


def priced_frame(rows: list[Any], hashprice: float, econ: Economics) -> pd.DataFrame:
    """``Store.current_prices()`` rows priced by :func:`economics.price_listings`, with
    ``tier`` and the unit price (``price_usd``: the listed price over its quantity)."""
    frame = pd.DataFrame(rows, columns=_PRICE_COLUMNS)
    qty = pd.to_numeric(frame["quantity"], errors="coerce")
    qty = qty.where(qty >= 1, 1.0)
    frame["price_usd"] = frame["usd_minor"] / 100.0 / qty
    frame["tier"] = frame["efficiency_j_th"].map(tier_of)
    frame["last_seen"] = frame["last_seen"].astype("string").str[:10]
    return price_listings(frame, hashprice, econ)


def _round(value: Any, digits: int) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return round(number, digits) if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def deal_records(ranked: pd.DataFrame, hashprice: float, day: str) -> list[dict[str, Any]]:
    """Ranked rows as JSON-ready dicts with :data:`DEAL_FIELDS` (``breakeven_months`` null when
    the unit never pays back)."""
    out = []
    for row in ranked.to_dict(orient="records"):
        out.append(
            {
                "listing_key": str(row["listing_key"]),
                "title": _text(row["title"]) or "",
                "url": _text(row["url"]),
                "source": _text(row["source"]),
                "model": _text(row["model"]),
                "tier": _text(row["tier"]),
                "condition": _text(row["condition"]),
                "hashrate_ths": _round(row["hashrate_ths"], 3),
                "efficiency_j_th": _round(row["efficiency_j_th"], 2),
                "price_usd": _round(row["price_usd"], 2),
                "usd_per_th": _round(row["usd_per_th"], 4),
                "daily_revenue_usd": _round(row["daily_revenue_usd"], 4),
                "daily_power_usd": _round(row["daily_power_usd"], 4),
                "daily_profit_usd": _round(row["daily_profit_usd"], 4),
                "breakeven_months": _round(row["breakeven_months"], 2),
                "fmv_usd": _round(row["fmv_usd"], 2),
                "vs_fmv_pct": _round(row["vs_fmv_pct"], 1),
                "vs_median_pct": _round(row["vs_median_pct"], 1),
                "hashprice_usd_ph_day": round(hashprice, 4),
                "hashprice_date": day,
                "last_seen": _text(row["last_seen"]),
            }
        )
    return out


def deals_db(cfg: Config, *, limit: int | None = None) -> list[dict[str, Any]]:
    """The working listings of the store, ranked by break-even months at the latest hashprice
    (shortest first; those that never pay back last), as dicts with :data:`DEAL_FIELDS`.

    Raises ``StoreError`` when there is no database (nothing is created), :class:`NoHashprice`
    when no day has a hashprice."""
    with Store(cfg.database, create=False) as store:
        rows = store.current_prices()
        market = market_frame(store)
    seen = [str(r["last_seen"])[:10] for r in rows if r["last_seen"]]
    latest = latest_hashprice(market, max(seen) if seen else None)
    if latest is None:
        raise NoHashprice(NO_HASHPRICE)
    hashprice, day = latest
    ranked = rank_by_payback(priced_frame(list(rows), hashprice, economics_of(cfg)))
    if limit is not None:
        ranked = ranked.head(limit)
    return deal_records(ranked, hashprice, day)
