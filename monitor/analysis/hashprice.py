"""Hashprice from on-chain facts, offline: what one PH/s of hashrate earns a day, in BTC.

A block pays the subsidy (50 BTC, halved every 210,000 blocks) plus fees and takes
``difficulty * 2**32`` hashes on average; one PH/s does ``86400 * 1e15`` hashes a day, so::

    hashprice_btc_ph_day = subsidy(height) * 86400 * 1e15 / (difficulty * 2**32)

Fees are left out (no fee history is bundled): the result is the subsidy part of hashprice,
a few per cent under the published figures that include fees (about 1-3 % in 2025, up to 10-20 %
in busy-mempool weeks). Times BTC/USD it is hashprice in USD per PH/s per day.

The difficulty comes from a table of retargets (``height``, ``date`` it took effect, ``difficulty``;
bundled as ``data/market/difficulty_retargets.csv``, read by ``monitor.fetch.market``): a day takes
the difficulty of the last retarget on or before it, for up to :data:`RETARGET_VALID_DAYS` after
the table's last row; later days are unknown (NaN). The subsidy of a day comes from the halving
days (:data:`HALVINGS`), weighted by the hours of the day before and after the halving block.

Pure functions: frames in, frames out.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SUBSIDY_START_SATS = 50 * 100_000_000
HALVING_INTERVAL = 210_000
RETARGET_INTERVAL = 2016
RETARGET_VALID_DAYS = 14  # a retarget period is ~14 days: a row is not used past this
# (height, UTC time of the block): the halvings so far, public chain facts
HALVINGS = (
    (210_000, "2012-11-28 15:24:38"),
    (420_000, "2016-07-09 16:46:13"),
    (630_000, "2020-05-11 19:23:43"),
    (840_000, "2024-04-20 00:09:27"),
)
_HASHES_PER_PH_DAY = 86400 * 1e15
_TWO_32 = float(2**32)


def subsidy_btc(height: int) -> float:
    """The block subsidy at ``height`` in BTC (integer satoshis halved, as the protocol does)."""
    if height < 0:
        raise ValueError(f"block height must be >= 0, got {height}")
    halvings = height // HALVING_INTERVAL
    return (SUBSIDY_START_SATS >> halvings) / 1e8 if halvings < 64 else 0.0


def subsidy_on(days: pd.DatetimeIndex) -> np.ndarray:
    """The subsidy in BTC of each UTC day; a halving day is weighted by its hours before and
    after the halving block. Days after the last known halving keep its subsidy."""
    starts = pd.DatetimeIndex(days).normalize()
    out = np.full(len(starts), subsidy_btc(0), dtype=float)
    for height, when in HALVINGS:
        at = pd.Timestamp(when)
        after = ((starts + pd.Timedelta(days=1) - at) / pd.Timedelta(days=1)).to_numpy(float)
        share = np.clip(after, 0.0, 1.0)  # of the day after the halving block
        old, new = subsidy_btc(height - 1), subsidy_btc(height)
        out -= share * (old - new)
    return out


def btc_per_ph_day(subsidy: object, difficulty: object) -> object:
    """BTC a PH/s earns a day from a block subsidy (BTC) at a difficulty (fees left out)."""
    return subsidy * _HASHES_PER_PH_DAY / (difficulty * _TWO_32)  # type: ignore[operator]


def difficulty_on(days: pd.DatetimeIndex, retargets: pd.DataFrame) -> np.ndarray:
    """The difficulty in force each day (the last retarget on or before it); NaN before the
    table's first row and more than :data:`RETARGET_VALID_DAYS` after its last."""
    if len(retargets) == 0:
        return np.full(len(days), math.nan)
    table = retargets.assign(date=pd.to_datetime(retargets["date"])).sort_values("date")
    starts = pd.DatetimeIndex(table["date"]).as_unit("ns")
    values = table["difficulty"].to_numpy(dtype=float)
    day_index = pd.DatetimeIndex(days).normalize().as_unit("ns")
    pos = starts.searchsorted(day_index, side="right") - 1
    found = values[np.clip(pos, 0, len(values) - 1)]
    limit = starts[-1] + pd.Timedelta(days=RETARGET_VALID_DAYS)
    unknown = (pos < 0) | (day_index > limit)
    return np.where(unknown, math.nan, found)


def hashprice_btc(days: pd.DatetimeIndex, retargets: pd.DataFrame) -> pd.Series:
    """Hashprice in BTC per PH/s per day (subsidy only) for each day, NaN where the difficulty
    is not known; indexed by the days (normalised to midnight)."""
    index = pd.DatetimeIndex(days).normalize()
    values = btc_per_ph_day(subsidy_on(index), difficulty_on(index, retargets))
    return pd.Series(values, index=index, dtype="float64", name="hashprice_btc_ph_day")


def fill_hashprice(market: pd.DataFrame, retargets: pd.DataFrame) -> pd.DataFrame:
    """``market`` (daily index; ``btc_usd``, ``hashprice_usd_ph_day``) with hashprice in USD
    filled in where it is missing and BTC/USD is known: :func:`hashprice_btc` times BTC/USD.
    Known hashprice values are kept. A copy; ``attrs["hashprice_filled"]`` counts the days."""
    out = market.copy()
    if "hashprice_usd_ph_day" not in out:
        out["hashprice_usd_ph_day"] = math.nan
    if "btc_usd" not in out or out.empty:
        out.attrs["hashprice_filled"] = 0
        return out
    price = pd.to_numeric(out["btc_usd"], errors="coerce").to_numpy(dtype=float)
    current = pd.to_numeric(out["hashprice_usd_ph_day"], errors="coerce").to_numpy(dtype=float)
    btc = hashprice_btc(pd.DatetimeIndex(out.index), retargets).to_numpy()
    fill = np.isnan(current) & (price > 0) & np.isfinite(btc)
    out["hashprice_usd_ph_day"] = np.where(fill, btc * price, current)
    out.attrs["hashprice_filled"] = int(fill.sum())
    return out
