"""Offline hashprice from the halving schedule and the bundled difficulty table, checked against
published figures (numbers copied into the tests; the reference files are not read)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from monitor.analysis.hashprice import (
    HALVINGS,
    RETARGET_INTERVAL,
    RETARGET_VALID_DAYS,
    btc_per_ph_day,
    difficulty_on,
    fill_hashprice,
    hashprice_btc,
    subsidy_btc,
    subsidy_on,
)
from monitor.fetch.market import load_retargets


def days(*texts: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(texts))


@pytest.mark.parametrize(
    ("height", "btc"),
    [(0, 50.0), (209_999, 50.0), (210_000, 25.0), (420_000, 12.5), (630_000, 6.25),
     (839_999, 6.25), (840_000, 3.125), (1_050_000, 1.5625), (6_930_000, 0.0)],
)  # fmt: skip
def test_subsidy_halves_every_210000_blocks(height: int, btc: float) -> None:
    assert subsidy_btc(height) == btc


def test_subsidy_of_a_day_weighs_the_halving_day_by_its_hours() -> None:
    got = subsidy_on(days("2024-04-19", "2024-04-20", "2024-04-21", "2016-07-08", "2016-07-10"))
    # block 840,000 came at 00:09:27 UTC: 567 s of the day at 6.25, the rest at 3.125
    assert list(got) == pytest.approx([6.25, 3.125 + 3.125 * 567 / 86400, 3.125, 25.0, 12.5])
    assert [h for h, _ in HALVINGS] == [210_000, 420_000, 630_000, 840_000]


def test_formula_one_ph_for_a_day_over_the_hashes_a_block_needs() -> None:
    # a block needs difficulty * 2**32 hashes (here 1e15); 1 PH/s does 86400e15 a day
    assert btc_per_ph_day(3.125, 1e15 / 2**32) == pytest.approx(3.125 * 86400)
    # mempool.space's difficulty on 2025-11-02 (155.973T): 0.000403 BTC per PH/s per day
    assert btc_per_ph_day(3.125, 155.973e12) == pytest.approx(0.00040305, rel=1e-4)


def test_bundled_table_is_one_row_per_retarget_and_agrees_with_the_halvings() -> None:
    table = load_retargets()
    assert list(table.columns) == ["height", "date", "difficulty"]
    assert (np.diff(table["height"]) == RETARGET_INTERVAL).all()
    assert table["height"].iloc[0] == 0
    assert table["date"].is_monotonic_increasing
    assert (table["difficulty"] >= 1).all()
    for height, when in HALVINGS:  # the halving day falls in the retarget period holding it
        row = int(table["height"].searchsorted(height, side="right")) - 1
        assert table["date"].iloc[row] <= pd.Timestamp(when) < table["date"].iloc[row + 1]


@pytest.mark.parametrize(
    ("day", "published"),
    [  # exact difficulty per retarget (mempool.space), the table is derived from 7-day averages
        ("2016-07-10", 213.4e9),
        ("2021-07-24", 13.67e12),  # Hashrate Index roundup, 2021-07-24
        ("2021-10-24", 20.08e12),  # Hashrate Index roundup, 2021-10-24
        ("2024-04-21", 86.39e12),
        ("2025-08-30", 129.6992e12),
        ("2025-11-02", 155.9730e12),
        ("2026-01-05", 148.2584e12),
    ],
)
def test_table_difficulty_matches_published_values(day: str, published: float) -> None:
    (got,) = difficulty_on(days(day), load_retargets())
    assert got == pytest.approx(published, rel=0.005)


@pytest.mark.parametrize(
    ("day", "btc_usd", "published_usd_ph_day"),
    [  # Hashrate Index roundups (USD/TH/day x 1000), with the BTC price they quote
        ("2021-07-17", 31338, 278.7),
        ("2021-07-24", 33806, 315.0),
        ("2021-08-07", 43629, 383.5),
        ("2021-10-24", 60028, 380.0),
        # daily hashprice (mempool.space + Coinbase) with its BTC price, 2025
        ("2025-08-18", 116287, 59.04),
        ("2025-09-17", 116484, 54.02),
        ("2025-10-17", 106463, 48.92),
    ],
)
def test_offline_hashprice_is_published_hashprice_less_fees(
    day: str, btc_usd: float, published_usd_ph_day: float
) -> None:
    offline = hashprice_btc(days(day), load_retargets()).iloc[0] * btc_usd
    # fees are left out: published / offline is 1 + the fee share (a few %), never much below 1
    assert 0.99 <= published_usd_ph_day / offline <= 1.10


def test_days_outside_the_table_have_no_offline_hashprice() -> None:
    table = load_retargets()
    last = table["date"].iloc[-1]
    inside = last + pd.Timedelta(days=RETARGET_VALID_DAYS)
    outside = inside + pd.Timedelta(days=1)
    got = hashprice_btc(pd.DatetimeIndex(["2008-12-31", inside, outside]), table)
    assert math.isnan(got.iloc[0])
    assert got.iloc[1] > 0
    assert math.isnan(got.iloc[2])
    assert np.isnan(difficulty_on(days("2024-01-01"), table.iloc[:0])).all()  # an empty table


def test_fill_keeps_known_hashprice_and_needs_a_price() -> None:
    table = pd.DataFrame({"height": [0], "date": ["2021-07-18"], "difficulty": [13.67e12]})
    market = pd.DataFrame(
        {"btc_usd": [30000.0, np.nan, 31000.0], "hashprice_usd_ph_day": [np.nan, np.nan, 300.0]},
        index=days("2021-07-19", "2021-07-20", "2021-07-21"),
    )
    out = fill_hashprice(market, table)
    per_btc = 6.25 * 86400e15 / (13.67e12 * 2**32)
    assert out["hashprice_usd_ph_day"].iloc[0] == pytest.approx(per_btc * 30000)
    assert math.isnan(out["hashprice_usd_ph_day"].iloc[1])  # no price that day
    assert out["hashprice_usd_ph_day"].iloc[2] == 300.0  # a known value is kept
    assert out.attrs["hashprice_filled"] == 1
    assert math.isnan(market["hashprice_usd_ph_day"].iloc[0])  # the input is not changed
