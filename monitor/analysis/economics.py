"""Fair value and payback of a listing at a day's hashprice. Pure: numbers and DataFrames in and
out, no I/O, no clock.

The method (the one Luxor's monthly RFQ notes use, calibrated in the README against their
June 2023 figures):

- **daily revenue** (USD) = TH/s x hashprice / 1000 x (1 - pool fee) x uptime, with hashprice in
  USD per PH/s per day (``market_daily.hashprice_usd_ph_day``);
- **daily power cost** (USD) = W x 24 / 1000 x $/kWh x uptime, where W = TH/s x J/TH (the
  listing's, or its catalog model's, efficiency). With ``hosting_usd_month`` set, the running
  cost is that fee instead: hosting / 30.44 a day, whatever the uptime (hosting is billed by
  the month);
- **daily profit** = revenue - running cost;
- **break-even months** = unit price / (30.44 x daily profit), at today's hashprice held flat
  (no difficulty growth, no halving). A machine whose profit is zero or negative never pays
  back: its break-even is ``inf`` here and ``null`` in JSON;
- **fair market value (FMV)** = the unit price that pays back in ``fmv_months`` months at
  today's hashprice: ``fmv_months x 30.44 x daily profit``, floored at 0 (a machine that loses
  money is worth nothing as a miner). Luxor's published break-even months times FMV / price
  come to 18.0 months for all four June 2023 rigs, hence the default of 18;
- **vs FMV** = 100 x (price / FMV - 1): + is a premium, - a discount (null when FMV is 0);
- **vs median** = 100 x ($/TH / model median - 1), the median being that of the model's
  working listings last seen in the ``median_days`` (30) days up to the newest listing.

A unit that is not working (``condition`` ``for_parts``: :func:`monitor.analysis.indexes.working`)
is never a deal and never counts in a median; deals are ranked by break-even, shortest first,
those that never pay back last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from monitor.analysis.indexes import working

__all__ = [
    "DAYS_PER_MONTH",
    "ECONOMICS_COLUMNS",
    "Economics",
    "breakeven_months",
    "daily_power_usd",
    "daily_profit_usd",
    "daily_revenue_usd",
    "fair_value_usd",
    "price_listings",
    "rank_by_payback",
]

DAYS_PER_MONTH = 30.44  # 365.25 / 12
ECONOMICS_COLUMNS = [
    "price_usd",
    "usd_per_th",
    "daily_revenue_usd",
    "daily_power_usd",
    "daily_profit_usd",
    "breakeven_months",
    "fmv_usd",
    "vs_fmv_pct",
    "model_median_usd_th",
    "vs_median_pct",
]


@dataclass(frozen=True)
class Economics:
    """The running assumptions (the config's ``economics:`` section)."""

    power_usd_kwh: float = 0.06
    pool_fee_pct: float = 2.0
    uptime_pct: float = 97.0
    hosting_usd_month: float | None = None
    fmv_months: float = 18.0


def _arr(value: Any) -> np.ndarray:
    return np.asarray(value, dtype=float)


def _out(value: np.ndarray, like: Any) -> Any:
    if isinstance(like, pd.Series):
        return pd.Series(value, index=like.index)
    return value if value.ndim else float(value)


def daily_revenue_usd(hashrate_ths: Any, hashprice_usd_ph_day: float, econ: Economics) -> Any:
    """USD a day: TH/s x hashprice / 1000 x (1 - pool fee) x uptime."""
    keep = (1.0 - econ.pool_fee_pct / 100.0) * econ.uptime_pct / 100.0
    return _out(_arr(hashrate_ths) * hashprice_usd_ph_day / 1000.0 * keep, hashrate_ths)


def daily_power_usd(hashrate_ths: Any, efficiency_j_th: Any, econ: Economics) -> Any:
    """USD a day of running cost: W x 24 / 1000 x $/kWh x uptime (W = TH/s x J/TH), or the
    hosting fee / 30.44 when ``hosting_usd_month`` is set."""
    ths = _arr(hashrate_ths)
    if econ.hosting_usd_month is not None:
        return _out(np.full_like(ths, econ.hosting_usd_month / DAYS_PER_MONTH), hashrate_ths)
    watts = ths * _arr(efficiency_j_th)
    return _out(watts * 24.0 / 1000.0 * econ.power_usd_kwh * econ.uptime_pct / 100.0, hashrate_ths)


def daily_profit_usd(
    hashrate_ths: Any, efficiency_j_th: Any, hashprice_usd_ph_day: float, econ: Economics
) -> Any:
    """Daily revenue minus daily running cost, USD."""
    revenue = _arr(daily_revenue_usd(hashrate_ths, hashprice_usd_ph_day, econ))
    cost = _arr(daily_power_usd(hashrate_ths, efficiency_j_th, econ))
    return _out(revenue - cost, hashrate_ths)


def breakeven_months(price_usd: Any, profit_usd_day: Any) -> Any:
    """Months until ``price_usd`` is paid back at ``profit_usd_day``: ``inf`` when the profit
    is zero or negative (it never pays back), NaN when an input is missing."""
    price, profit = _arr(price_usd), _arr(profit_usd_day)
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.where(profit > 0, price / (DAYS_PER_MONTH * profit), np.inf)
    months = np.where(np.isnan(price) | np.isnan(profit), np.nan, months)
    return _out(months, price_usd if isinstance(price_usd, pd.Series) else profit_usd_day)


def fair_value_usd(profit_usd_day: Any, months: float) -> Any:
    """The price that pays back in ``months`` at ``profit_usd_day``; 0 for a loss-maker."""
    profit = _arr(profit_usd_day)
    return _out(np.maximum(profit, 0.0) * DAYS_PER_MONTH * months, profit_usd_day)


def price_listings(
    listings: pd.DataFrame,
    hashprice_usd_ph_day: float,
    econ: Economics,
    *,
    median_days: int = 30,
) -> pd.DataFrame:
    """``listings`` with :data:`ECONOMICS_COLUMNS` added.

    ``listings`` needs ``model, hashrate_ths, efficiency_j_th, price_usd`` (one machine's price),
    ``condition`` and ``last_seen``; rows without hashrate, efficiency (unless hosting sets the
    cost) or a positive price get NaN figures. The model median counts working units with a
    price last seen within ``median_days`` days of the newest ``last_seen``."""
    if not math.isfinite(hashprice_usd_ph_day) or hashprice_usd_ph_day <= 0:
        raise ValueError("hashprice must be a positive number (USD per PH/s per day)")
    df = listings.copy()
    ths = pd.to_numeric(df["hashrate_ths"], errors="coerce").where(lambda s: s > 0)
    eff = pd.to_numeric(df["efficiency_j_th"], errors="coerce").where(lambda s: s > 0)
    price = pd.to_numeric(df["price_usd"], errors="coerce").where(lambda s: s > 0)
    df["price_usd"] = price
    df["usd_per_th"] = price / ths
    df["daily_revenue_usd"] = daily_revenue_usd(ths, hashprice_usd_ph_day, econ)
    df["daily_power_usd"] = daily_power_usd(ths, eff, econ)
    df["daily_profit_usd"] = df["daily_revenue_usd"] - df["daily_power_usd"]
    df["breakeven_months"] = breakeven_months(price, df["daily_profit_usd"])
    fmv = fair_value_usd(df["daily_profit_usd"], econ.fmv_months)
    df["fmv_usd"] = fmv
    with np.errstate(divide="ignore", invalid="ignore"):
        df["vs_fmv_pct"] = (100.0 * (price / fmv.where(fmv > 0) - 1.0)).astype(float)
    df["model_median_usd_th"] = _model_medians(df, median_days)
    df["vs_median_pct"] = 100.0 * (df["usd_per_th"] / df["model_median_usd_th"] - 1.0)
    return df


def _model_medians(df: pd.DataFrame, median_days: int) -> pd.Series:
    """Each row's model median $/TH over the recent working listings (NaN without one)."""
    seen = pd.to_datetime(df["last_seen"], errors="coerce", utc=True)
    if seen.notna().any():
        recent = seen >= seen.max() - pd.Timedelta(days=median_days)
    else:
        recent = pd.Series(False, index=df.index)
    pool = df[recent & working(df["condition"]) & df["usd_per_th"].notna() & df["model"].notna()]
    medians = pool.groupby("model")["usd_per_th"].median()
    return df["model"].map(medians).astype(float)


def rank_by_payback(priced: pd.DataFrame) -> pd.DataFrame:
    """The deals of a :func:`price_listings` frame: working units with a break-even (finite or
    never), shortest break-even first, then cheapest $/TH, then listing key."""
    df = priced[working(priced["condition"]) & priced["breakeven_months"].notna()]
    keys = [c for c in ("breakeven_months", "usd_per_th", "listing_key") if c in df.columns]
    return df.sort_values(keys, kind="mergesort")
