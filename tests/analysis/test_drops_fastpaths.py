"""The array shortcuts of drops and drawdowns give what the pandas formulas they replace gave:
``utc_days`` of datetimes, ``covered_days``, event alignment by whole days, and one
``MarketGrids`` shared by ``find_drops`` and ``find_drawdowns`` (as ``analyse`` shares it)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis.drawdowns import find_drawdowns
from monitor.analysis.drops import EventTable, MarketGrids, covered_days, find_drops, utc_days
from monitor.analysis.events import load_events
from monitor.analysis.indexes import build_index
from tests.analysis.test_indexes import market_and_obs


def pandas_utc_days(values: Any) -> pd.Series:
    """``utc_days`` as pandas computes it for any input (the formula the shortcut skips)."""
    out = pd.to_datetime(pd.Series(values), errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out.dt.normalize()


def pandas_covered_days(periods: pd.Series, reach_days: int = 28) -> pd.DatetimeIndex:
    p = pd.DatetimeIndex(pandas_utc_days(periods).dropna().sort_values().unique())
    if len(p) == 0:
        return pd.DatetimeIndex([])
    days = pd.date_range(p[0], p[-1], freq="D")
    pn = p.to_numpy().astype("datetime64[D]").astype(np.int64)
    dn = days.to_numpy().astype("datetime64[D]").astype(np.int64)
    pos = np.searchsorted(pn, dn)
    nxt, prv = pn[np.minimum(pos, len(p) - 1)], pn[np.maximum(pos - 1, 0)]
    out: pd.DatetimeIndex = days[np.minimum(np.abs(nxt - dn), np.abs(dn - prv)) <= reach_days]
    return out


def dates(offsets: list[int], seconds: list[int], unit: str, nat: bool) -> pd.Series:
    base = pd.Timestamp("2021-01-04")
    out = pd.Series(base + pd.to_timedelta(offsets, unit="D") + pd.to_timedelta(seconds, unit="s"))
    if nat and len(out):
        out = out.where(np.arange(len(out)) > 0)  # NaT first
    return pd.Series(out.to_numpy().astype(np.dtype(f"datetime64[{unit}]")))


@settings(max_examples=120, deadline=None)
@given(
    st.lists(st.integers(0, 900), max_size=40).flatmap(
        lambda days: st.tuples(
            st.just(days),
            st.lists(st.sampled_from([0, 1, 3600, 86399]), min_size=len(days), max_size=len(days)),
        )
    ),
    st.sampled_from(["ns", "us", "s"]),
    st.booleans(),
    st.sampled_from([3, 28]),
)
def test_utc_days_and_covered_days_as_pandas_computes_them(
    days_seconds: tuple[list[int], list[int]], unit: str, nat: bool, reach: int
) -> None:
    values = dates(*days_seconds, unit=unit, nat=nat)
    pd.testing.assert_series_equal(utc_days(values), pandas_utc_days(values))
    got, want = covered_days(values, reach), pandas_covered_days(values, reach)
    pd.testing.assert_index_equal(got, want, exact=True)
    assert got.freq == want.freq


def test_utc_days_of_other_inputs_as_before() -> None:
    for values in (
        ["2021-05-10", "not a date", None],
        pd.Series(pd.date_range("2021-03-27 22:00", periods=5, freq="7h", tz="Europe/Berlin")),
        np.array(["2021-01-01T05", "2021-01-02"], dtype="datetime64[ns]"),
    ):
        pd.testing.assert_series_equal(utc_days(values), pandas_utc_days(values))


def pandas_align(events: pd.DataFrame, start: pd.Timestamp, window: tuple[int, int]) -> list[Any]:
    """Event alignment by DatetimeIndex arithmetic (the formula the integer days replace)."""
    when = pandas_utc_days(events["date"]).to_numpy()
    lags = (pd.DatetimeIndex(when) - start).days
    hit = np.flatnonzero((lags >= window[0]) & (lags <= window[1]))
    ids = events["id"].to_numpy(dtype=object)
    order = sorted(map(int, hit), key=lambda i: (when[i], str(ids[i])))
    return [(str(ids[i]), f"{pd.Timestamp(when[i]):%Y-%m-%d}", int(lags[i])) for i in order]


def test_events_align_by_whole_days_as_by_timestamps() -> None:
    catalog = load_events()
    rng = np.random.default_rng(14)
    gappy = catalog.assign(date=catalog["date"].where(rng.random(len(catalog)) > 0.2))
    seconds = catalog.assign(date=catalog["date"].astype("datetime64[s]"))
    for events in (catalog, gappy, seconds):
        table = EventTable(events)
        for n in range(150):
            start = pd.Timestamp("2017-01-01") + pd.Timedelta(days=int(rng.integers(0, 3600)))
            if n % 3 == 1:  # a start within a day takes the general path: the same answer
                start += pd.Timedelta(hours=int(rng.integers(1, 23)))
            window = (int(rng.integers(-30, 0)), int(rng.integers(0, 200)))
            got = [(e["id"], e["date"], e["days_from_start"]) for e in table.align(start, window)]
            assert got == pandas_align(events, start, window)
    assert any(EventTable(catalog).align(pd.Timestamp("2021-05-21"), (-7, 28)))


def test_one_market_grids_for_drops_and_drawdowns_changes_nothing() -> None:
    market, obs = market_and_obs(market_step=0.3, abnormal_step=0.35)
    index = build_index(obs, by="model", freq="W", market=market)
    grids = MarketGrids.of(market)
    drops = find_drops(index, market=market, grids=grids)
    drawdowns = find_drawdowns(index, market=market, grids=grids)
    assert any(d["market_explained_pct"] is not None for d in drops)
    assert drops == find_drops(index, market=market)
    assert drawdowns == find_drawdowns(index, market=market)
    # a grid read before comes back as it was read, and is the caller's to change
    grid = pd.date_range("2024-01-01", periods=40, freq="7D")
    first = grids.on_grid("btc_usd", 28, grid, 7)
    first[:] = 0.0
    again = grids.on_grid("btc_usd", 28, grid, 7)
    fresh = MarketGrids.of(market).on_grid("btc_usd", 28, grid, 7)
    np.testing.assert_array_equal(again, fresh)
    assert np.isfinite(fresh).any()


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 60])
def test_smooth_is_pandas_centred_median_of_three(n: int) -> None:
    """The drawdowns' smoothing in numpy gives, bit for bit, pandas' centred rolling median of
    3 with ``min_periods=1`` (the mean of the two values at each end), ties and all."""
    from monitor.analysis.drawdowns import _smooth

    rng = np.random.default_rng(n)
    for values in (rng.normal(size=n), np.round(rng.normal(size=n), 1)):
        expected = pd.Series(values).rolling(3, center=True, min_periods=1).median()
        assert _smooth(values).tolist() == expected.to_numpy(dtype=float).tolist()


def test_drops_and_drawdowns_share_one_preparation() -> None:
    """``prepare`` made once and passed to both gives what each finds on its own."""
    from monitor.analysis.drops import prepare

    weeks = pd.date_range("2021-01-04", periods=60, freq="7D")
    level = np.r_[np.full(20, 100.0), np.linspace(100, 45, 15), np.full(25, 45.0)]
    index = pd.DataFrame({"series": "tier:25to38", "basis": "ask", "period": weeks,
                          "usd_per_th": level * np.exp(np.sin(np.arange(60)) / 50),
                          "n_listings": 12})  # fmt: skip
    events = pd.DataFrame({"date": [weeks[21]], "title": ["A ban"], "jurisdiction": ["CN"],
                           "kind": ["ban"], "id": ["x"], "url": [""]})  # fmt: skip
    shared = prepare(index, events)
    assert find_drops(index, events=events, prepared=shared) == find_drops(index, events=events)
    alone = find_drawdowns(index, events=events)
    assert alone
    assert alone[0]["events"]
    assert find_drawdowns(index, events=events, prepared=shared) == alone
