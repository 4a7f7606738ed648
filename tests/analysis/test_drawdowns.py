"""Drawdowns: a long slide of small steps is one peak-to-trough fall (analysis.drawdowns)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from monitor.analysis.drawdowns import find_drawdowns, peak_troughs
from monitor.analysis.indexes import analyse, build_index
from tests.conftest import DEALER_ASKS

MONDAY = pd.Timestamp("2022-01-03")


def index_frame(levels: list[float] | np.ndarray, series: str = "tier:25to38") -> pd.DataFrame:
    periods = pd.date_range(MONDAY, periods=len(levels), freq="7D")
    return pd.DataFrame(
        {"series": series, "basis": "ask", "period": periods, "usd_per_th": levels,
         "n_listings": 6}
    )  # fmt: skip


def slide(seed: int = 1) -> np.ndarray:
    """10 flat weeks at $92/TH, thirteen straight weekly declines to $34, 10 flat weeks."""
    rng = np.random.default_rng(seed)
    steps = np.linspace(math.log(92), math.log(34), 14)
    path = np.concatenate([np.full(10, math.log(92)), steps[1:], np.full(10, math.log(34))])
    return np.exp(path + rng.normal(0, 0.01, len(path)))


def test_a_thirteen_week_slide_is_one_drawdown() -> None:
    levels = slide()
    found = find_drawdowns(index_frame(levels))
    assert len(found) == 1
    d = found[0]
    periods = pd.date_range(MONDAY, periods=len(levels), freq="7D")
    # the peak is the last flat week before the first decline, the trough the last decline
    assert abs((pd.Timestamp(d["start"]) - periods[9]).days) <= 7
    assert abs((pd.Timestamp(d["end"]) - periods[22]).days) <= 7
    assert d["duration_days"] == (pd.Timestamp(d["end"]) - pd.Timestamp(d["start"])).days
    assert 77 <= d["duration_days"] <= 98  # thirteen weeks: 91 days
    assert d["depth_pct"] == pytest.approx(100 * (1 - 34 / 92), abs=3)
    assert d["peak"] == pytest.approx(92, rel=0.03)
    assert d["trough"] == pytest.approx(34, rel=0.03)
    assert d["recovered"] is None  # still at the bottom when the series ends
    assert d["market_explained_pct"] is None  # no market data
    assert d["events"] == []  # no catalog


def test_a_v_shape_is_one_drawdown_that_recovers() -> None:
    down = np.linspace(0, math.log(0.6), 5)  # -40 % over four weeks, two weeks at the bottom...
    up = np.linspace(math.log(0.6), 0, 4)  # ...and back in three
    path = np.concatenate([np.zeros(8), down[1:], up, np.zeros(8)])
    levels = 80 * np.exp(path)
    found = find_drawdowns(index_frame(levels))
    assert len(found) == 1
    d = found[0]
    periods = pd.date_range(MONDAY, periods=len(levels), freq="7D")
    assert d["start"] == periods[7].strftime("%Y-%m-%d")  # the last week at the old level
    assert d["end"] == periods[int(np.argmin(levels))].strftime("%Y-%m-%d")  # the first low week
    assert d["depth_pct"] == pytest.approx(40, abs=0.5)
    # recovered at the first week back above half the fall (in logs)
    assert d["recovered"] == periods[14].strftime("%Y-%m-%d")


def test_two_falls_with_a_recovery_between_are_two_drawdowns() -> None:
    v = np.concatenate([np.zeros(6), np.linspace(0, -0.5, 5)[1:], np.linspace(-0.5, 0, 5)[1:]])
    levels = 60 * np.exp(np.concatenate([v, v, np.zeros(4)]))
    assert len(find_drawdowns(index_frame(levels))) == 2


@pytest.mark.parametrize("seed", range(20))
def test_noise_is_not_a_drawdown(seed: int) -> None:
    """Two years of a flat index with 5 % period noise (more than a tier index of 6 listings a
    week shows): no drawdown."""
    rng = np.random.default_rng(seed)
    levels = 50 * np.exp(rng.normal(0, 0.05, 104))
    assert find_drawdowns(index_frame(levels)) == []


def test_a_single_bad_period_is_not_a_drawdown() -> None:
    levels = np.full(30, 70.0)
    levels[15] = 35.0  # one week at half price
    assert find_drawdowns(index_frame(levels)) == []
    assert peak_troughs(np.log(levels)) != []  # unsmoothed, it would be one


def test_the_market_split_and_the_events() -> None:
    levels = slide()
    periods = pd.date_range(MONDAY, periods=len(levels), freq="7D")
    days = pd.date_range(MONDAY - pd.Timedelta(days=400), periods[-1], freq="D")
    # BTC/USD falls by half over the same thirteen weeks, and is flat otherwise
    drift = np.clip((days - periods[9]).days / (periods[22] - periods[9]).days, 0, 1)
    market = pd.DataFrame({"btc_usd": 40_000 * np.exp(math.log(0.5) * drift)}, index=days)
    events = pd.DataFrame(
        {
            "id": ["BEFORE", "IN", "LATE", "AFTER"],
            "date": [periods[2], periods[14], periods[20], periods[30]],
            "jurisdiction": ["US", "CN", "KZ", "US"],
            "title": ["too early", "in the slide", "late in the slide", "too late"],
        }
    )
    d = find_drawdowns(index_frame(levels), market=market, events=events)[0]
    assert d["market_regressor"] == "btc_usd"
    assert 0 < d["market_explained_pct"] < d["depth_pct"]
    assert d["abnormal_pct"] == pytest.approx(d["depth_pct"] - d["market_explained_pct"], abs=0.02)
    assert d["market_change_pct"] < -25
    ids = [e["id"] for e in d["events"]]
    assert ids == ["IN", "LATE"]  # from 7 days before the start to the end
    ev = d["events"][0]
    assert ev["days_from_start"] == (periods[14] - pd.Timestamp(d["start"])).days
    assert set(ev) == {"id", "date", "jurisdiction", "title", "days_from_start"}  # as a drop's
    assert d["chance_alignment_p"] is not None
    assert 0 < d["chance_alignment_p"] <= 1


def test_a_drawdown_without_the_market_split_says_why() -> None:
    levels = slide()
    periods = pd.date_range(MONDAY, periods=len(levels), freq="7D")
    with_market = find_drawdowns(index_frame(levels), market=None, events=None)[0]
    assert with_market["market_explained_pct"] is None
    assert "no BTC/USD or hashprice data" in with_market["market_note"]
    # BTC/USD that stops before the slide begins
    days = pd.date_range(MONDAY - pd.Timedelta(days=400), periods[5], freq="D")
    market = pd.DataFrame({"btc_usd": np.full(len(days), 40_000.0)}, index=days)
    d = find_drawdowns(index_frame(levels), market=market, events=None)[0]
    assert d["market_explained_pct"] is None
    assert d["market_note"].startswith(
        f"no BTC/USD after {periods[5]:%Y-%m-%d}: run `asicmon market`"
    )
    # with market data over the slide there is no note
    days = pd.date_range(MONDAY - pd.Timedelta(days=400), periods[-1], freq="D")
    market = pd.DataFrame({"btc_usd": np.full(len(days), 40_000.0)}, index=days)
    assert find_drawdowns(index_frame(levels), market=market, events=None)[0]["market_note"] is None


def test_the_real_2022_dealer_asks_slide_is_one_drawdown() -> None:
    """The repository's real 2022 dealer asks (S19j Pro 104T $13,123 in February to $4,477 on
    2022-08-11 in the full set): the <38 J/TH tier's slide is one drawdown of over half."""
    raw = pd.read_csv(DEALER_ASKS)
    obs = pd.DataFrame(
        {
            "observed_date": pd.to_datetime(raw["date"]),
            "listing_key": [f"row{i}" for i in range(len(raw))],
            "source": raw["source"],
            "model": raw["model"],
            "efficiency_j_th": raw["watts"] / raw["th"],
            "hashrate_ths": raw["th"].astype(float),
            "quantity": 1,
            "price_usd": raw["price_usd"].astype(float),
            "sold": False,
            "kind": "miner",
        }
    )
    index = build_index(obs, by="tier", freq="W")
    found = find_drawdowns(index)
    assert len(found) == 1
    d = found[0]
    assert d["series"] == "tier:25to38"
    assert "2022-02-28" <= d["start"] <= "2022-05-09"
    assert d["end"] >= "2022-07-04"
    assert d["depth_pct"] >= 55
    # and analyse() reports it beside the drops, ready for JSON
    result = analyse(obs, None, None, by="tier")
    assert result["drawdowns"] == [{**d, "events": [], "chance_alignment_p": None}]
