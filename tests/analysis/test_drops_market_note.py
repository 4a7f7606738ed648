"""``market_note``: a drop without the market split says why (the market data ends before it,
starts after it, or there is none), and reports say it once."""

from __future__ import annotations

import pandas as pd

from monitor.analysis.drops import MARKET_HINT, find_drops, market_notes_line
from monitor.analysis.indexes import build_index
from tests.analysis.test_indexes import MONDAY, market_and_obs


def big_drops(index: pd.DataFrame, market: pd.DataFrame | None) -> list[dict[str, object]]:
    return [d for d in find_drops(index, market=market) if float(d["drop_pct"]) > 25]  # type: ignore[arg-type]


def test_market_data_ending_before_the_drop_is_named_with_its_last_day() -> None:
    market, obs = market_and_obs(market_step=0.0, abnormal_step=0.35)  # drop on day 250 of 500
    index = build_index(obs, by="model", freq="W", market=market)
    (full,) = big_drops(index, market)
    assert full["market_explained_pct"] is not None
    assert full["market_note"] is None

    early = market[market.index < MONDAY + pd.Timedelta(days=200)]  # ends 50 days before it
    drops = big_drops(index, early)
    assert drops
    last = f"{early.index[-1]:%Y-%m-%d}"
    for drop in drops:
        assert drop["market_explained_pct"] is None
        assert drop["market_note"] == f"no BTC/USD after {last}: {MARKET_HINT}"
    assert "asicmon market import FILE.csv" in MARKET_HINT


def test_market_data_covering_the_series_but_not_the_drop_windows() -> None:
    """Market data for 90 % of the series (enough to fit the model) that stops inside the
    drop's level windows: the note names the drop's missing days."""
    market, obs = market_and_obs(market_step=0.0, abnormal_step=0.35, drop_day=455, days=500)
    index = build_index(obs, by="model", freq="W", market=market)
    cut = market[market.index < MONDAY + pd.Timedelta(days=452)]
    (drop,) = big_drops(index, cut)
    assert drop["market_explained_pct"] is None
    assert drop["market_note"] == f"no BTC/USD after {cut.index[-1]:%Y-%m-%d}: {MARKET_HINT}"


def test_market_data_starting_after_the_drop_and_none_at_all() -> None:
    market, obs = market_and_obs(market_step=0.0, abnormal_step=0.35)
    index = build_index(obs, by="model", freq="W", market=market)
    late = market[market.index >= MONDAY + pd.Timedelta(days=300)]
    notes = {d["market_note"] for d in big_drops(index, late)}
    assert notes == {f"no BTC/USD before {late.index[0]:%Y-%m-%d}: {MARKET_HINT}"}
    notes = {d["market_note"] for d in big_drops(index, None)}
    assert notes == {f"no BTC/USD or hashprice data: {MARKET_HINT}"}


def test_hashprice_alone_is_named_as_hashprice() -> None:
    market, obs = market_and_obs(market_step=0.0, abnormal_step=0.35)
    index = build_index(obs, by="model", freq="W", market=market)
    early = market[market.index < MONDAY + pd.Timedelta(days=200)][["hashprice_usd_ph_day"]]
    notes = {d["market_note"] for d in big_drops(index, early)}
    assert notes == {f"no hashprice after {early.index[-1]:%Y-%m-%d}: {MARKET_HINT}"}


def test_one_line_for_reports() -> None:
    note = f"no BTC/USD after 2022-01-04: {MARKET_HINT}"
    drops = [{"market_note": note}, {"market_note": None}, {"market_note": note},
             {"market_note": "other"}]  # fmt: skip
    assert market_notes_line(drops) == f"no market split for 3 of 4 drops: {note}"
    assert market_notes_line([{"market_note": None}]) is None
    assert market_notes_line([]) is None
