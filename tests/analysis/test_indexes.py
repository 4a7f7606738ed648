"""The analysis core: index rules, drop detection, market decomposition, event alignment."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis.drops import chance_alignment, covered_days, find_drops, segment
from monitor.analysis.indexes import (
    INDEX_COLUMNS,
    TIERS,
    analyse,
    build_index,
    tier_of,
    working,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "analysis"
MONDAY = pd.Timestamp("2024-01-01")


def sighting(day: int | str, key: str, usd_per_th: float, **kw: object) -> dict[str, object]:
    """One price sighting worth ``usd_per_th`` per TH for one unit (``quantity`` scales it)."""
    ths = float(kw.pop("hashrate_ths", 100.0))  # type: ignore[arg-type]
    qty = int(kw.pop("quantity", 1))  # type: ignore[call-overload]
    date = MONDAY + pd.Timedelta(days=day) if isinstance(day, int) else pd.Timestamp(day)
    row: dict[str, object] = {
        "observed_date": date,
        "listing_key": key,
        "source": "shop",
        "model": "Antminer S19j Pro",
        "efficiency_j_th": 29.5,
        "hashrate_ths": ths,
        "quantity": qty,
        "price_usd": usd_per_th * ths * qty,
        "sold": False,
        "kind": "miner",
    }
    row.update(kw)
    return row


def frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def only(index: pd.DataFrame, **match: object) -> pd.DataFrame:
    sel = np.ones(len(index), dtype=bool)
    for col, val in match.items():
        sel &= (index[col] == val).to_numpy()
    return index[sel].reset_index(drop=True)


# -- tiers -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("j_th", "tier"),
    [
        (15.0, "under19"),
        (18.99, "under19"),
        (19.0, "19to25"),
        (24.999, "19to25"),
        (25.0, "25to38"),
        (37.9, "25to38"),
        (38.0, "38to68"),
        (67.99, "38to68"),
        (68.0, "above68"),
        (98.0, "above68"),
        (float("nan"), None),
        (None, None),
        (0.0, None),
        (-3.0, None),
    ],
)
def test_tier_edges(j_th: float | None, tier: str | None) -> None:
    assert tier_of(j_th) == tier


def test_tiers_are_contiguous_and_ordered() -> None:
    bounds = list(TIERS.values())
    assert list(TIERS) == ["under19", "19to25", "25to38", "38to68", "above68"]
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))


# -- index rules -------------------------------------------------------------------------------
def test_listing_seen_many_times_counts_once_per_period() -> None:
    rows = [sighting(d, "stale", 100.0) for d in range(5)]  # one ask seen on 5 days
    rows.append(sighting(2, "fresh", 60.0))
    index = build_index(frame(rows), by="model", freq="W")
    assert len(index) == 1
    row = index.iloc[0]
    # the median of (100, 60) in logs (the geometric mean of the middle pair), not of 5x100 + 60
    assert row["usd_per_th"] == pytest.approx(math.sqrt(100.0 * 60.0))
    assert (row["n_listings"], row["n_obs"]) == (2, 6)
    assert row["period"] == MONDAY
    assert row["series"] == "model:Antminer S19j Pro"


def test_repeated_sightings_of_a_listing_use_their_median() -> None:
    rows = [sighting(0, "a", 100.0), sighting(1, "a", 90.0), sighting(2, "a", 40.0)]
    index = build_index(frame(rows), by="model", freq="W")
    assert index["usd_per_th"].iloc[0] == pytest.approx(90.0)


def test_same_key_on_two_sources_is_two_listings() -> None:
    rows = [sighting(0, "1", 100.0, source="a"), sighting(0, "1", 80.0, source="b")]
    index = build_index(frame(rows), by="model", freq="D")
    assert index["n_listings"].iloc[0] == 2


def test_lots_are_priced_per_unit() -> None:
    rows = [
        sighting(0, "single", 50.0),
        sighting(0, "lot", 50.0, quantity=20),  # price_usd is for 20 machines
        sighting(0, "small", 50.0, hashrate_ths=13.5, quantity=3),
    ]
    index = build_index(frame(rows), by="model", freq="D")
    assert index["usd_per_th"].iloc[0] == pytest.approx(50.0)
    assert index["n_listings"].iloc[0] == 3


def test_parts_and_other_kinds_are_ignored() -> None:
    rows = [sighting(d, f"m{d}", 50.0) for d in range(3)]
    rows += [
        sighting(0, "fan", 0.4, kind="part"),
        sighting(1, "psu", 2.0, kind="PART"),
        sighting(2, "hosting", 0.1, kind="other"),
        sighting(2, "unknown", 0.1, kind=None),
    ]
    index = build_index(frame(rows), by="model", freq="W")
    assert index["usd_per_th"].iloc[0] == pytest.approx(50.0)
    assert index["n_listings"].iloc[0] == 3


def test_mad_outlier_is_dropped() -> None:
    rng = np.random.default_rng(0)
    rows = [sighting(d, f"k{d}", 50.0 * math.exp(rng.normal(0, 0.03))) for d in range(28)]
    rows.append(sighting(10, "typo", 500.0))  # a price with one zero too many
    rows.append(sighting(12, "cheap", 5.0))  # or one too few
    index = build_index(frame(rows), by="model", freq="D")
    assert len(index) == 28  # the two outliers' rows are gone, no day is left with only them
    assert index["usd_per_th"].between(45, 55).all()
    assert index["n_listings"].sum() == 28


def test_outlier_screen_keeps_a_real_level_shift() -> None:
    rows = [sighting(d, f"k{d}", 100.0 if d < 30 else 60.0) for d in range(60)]
    index = build_index(frame(rows), by="model", freq="D")
    assert len(index) == 60  # a centred window does not mistake a new level for outliers


def test_sold_prices_are_kept_apart_from_asks() -> None:
    rows = [sighting(d, f"a{d}", 100.0) for d in range(3)]
    rows += [sighting(d, f"s{d}", 70.0, sold=True) for d in range(3)]
    index = build_index(frame(rows), by="model", freq="W")
    assert sorted(index["basis"]) == ["ask", "sold"]
    assert only(index, basis="ask")["usd_per_th"].iloc[0] == pytest.approx(100.0)
    assert only(index, basis="sold")["usd_per_th"].iloc[0] == pytest.approx(70.0)


def test_tier_index_is_matched_model_not_mix() -> None:
    # two models of one tier at constant, different $/TH; the listing mix swings between them
    rows = []
    for week in range(6):
        n_dear = 5 if week % 2 == 0 else 1
        for i in range(6):
            dear = i < n_dear
            model, price = ("Dear X", 90.0) if dear else ("Cheap Y", 45.0)
            rows.append(sighting(7 * week + i, f"{week}-{i}", price, model=model))
    index = build_index(frame(rows), by="tier", freq="W")
    assert set(index["series"]) == {"tier:25to38"}
    assert index["usd_per_th"].max() / index["usd_per_th"].min() == pytest.approx(1.0, abs=1e-6)
    raw = pd.DataFrame(rows).assign(u=lambda f: f["price_usd"] / f["hashrate_ths"])
    assert raw.groupby(raw["observed_date"].dt.isocalendar().week)["u"].median().nunique() > 1


def test_units_for_parts_do_not_move_the_index() -> None:
    """Cheap for-parts S19s would pull the tier down; only working units count."""
    rows = []
    states = ("used", "unknown", "new")
    for week in range(4):
        rows += [sighting(7 * week + i, f"w{week}-{i}", 40.0 + i, model="Antminer S19",
                          condition=states[i % 3]) for i in range(5)]  # fmt: skip
    working = build_index(frame(rows), by="tier", freq="W")
    dead = [
        sighting(7 * week + i, f"p{week}-{i}", 4.0, model="Antminer S19", condition="for_parts")
        for week in (2, 3)
        for i in range(6)  # enough of them to be a level, not outliers the screen would drop
    ]
    with_dead = build_index(frame(rows + dead), by="tier", freq="W")
    pd.testing.assert_frame_equal(with_dead, working)
    assert list(working["usd_per_th"]) == pytest.approx([42.0] * 4)
    assert list(working["n_listings"]) == [5] * 4
    # the same sightings as working units would be a new, much lower level
    as_working = [{**row, "condition": "used"} for row in dead]
    moved = build_index(frame(rows + as_working), by="tier", freq="W")
    assert moved["usd_per_th"].iloc[-1] < 20.0
    # analyse() (the job's entry) keeps them out too, and so of the drops
    result = analyse(frame(rows + dead), None, None, by="tier")
    assert [r["usd_per_th"] for r in result["index"]] == pytest.approx([42.0] * 4)
    assert result["drops"] == []


@pytest.mark.parametrize("condition", ["for_parts", "FOR_PARTS "])
def test_working_rule_reads_the_condition_column(condition: str) -> None:
    conditions = pd.Series([condition, "used", None, "unknown", "new", "refurbished"])
    assert list(working(conditions)) == [False, True, True, True, True, True]


def test_tier_series_skip_unknown_efficiency_and_weeks_start_monday() -> None:
    rows = [
        sighting("2024-01-03", "a", 50.0, efficiency_j_th=19.0),
        sighting("2024-01-07", "b", 30.0, efficiency_j_th=float("nan"), model="Mystery"),
    ]
    index = build_index(frame(rows), by="tier", freq="W")
    assert list(index["series"]) == ["tier:19to25"]
    assert index["period"].iloc[0] == pd.Timestamp("2024-01-01")
    by_model = build_index(frame(rows), by="model", freq="W")
    assert set(by_model["series"]) == {"model:Antminer S19j Pro", "model:Mystery"}


def test_btc_per_th_uses_the_period_btc_price() -> None:
    rows = [sighting(0, "a", 50.0), sighting(7, "b", 50.0)]
    days = pd.date_range(MONDAY, periods=7, freq="D")
    market = pd.DataFrame({"btc_usd": 50_000.0, "hashprice_usd_ph_day": np.nan}, index=days)
    index = build_index(frame(rows), by="model", freq="W", market=market)
    assert index["btc_per_th"].iloc[0] == pytest.approx(0.001)
    assert math.isnan(index["btc_per_th"].iloc[1])  # no BTC price that week
    assert list(index.columns) == INDEX_COLUMNS


def test_empty_input_gives_empty_outputs() -> None:
    empty = build_index(frame([]), by="tier")
    assert list(empty.columns) == INDEX_COLUMNS
    assert empty.empty
    assert find_drops(empty) == []
    assert analyse(frame([]), None, None) == {"index": [], "drops": [], "drawdowns": []}


# -- segmentation ------------------------------------------------------------------------------
def test_segment_finds_a_step_and_respects_min_size() -> None:
    y = np.r_[np.zeros(30), np.full(30, -0.5)] + np.random.default_rng(1).normal(0, 0.02, 60)
    w = np.ones(60)
    assert segment(y, w, pen=0.05, min_size=5) == [30]
    w[25:35] = 0.0  # the step now falls in a gap: any position in it costs the same
    (b,) = segment(y, w, pen=0.05, min_size=5)
    assert 25 <= b <= 35
    assert segment(y[:8], np.ones(8), pen=0.05, min_size=5) == []


def test_segment_matches_ruptures_pelt() -> None:
    rpt = pytest.importorskip("ruptures")
    rng = np.random.default_rng(7)
    y = np.r_[np.zeros(40), np.full(25, -0.3), np.full(35, 0.2)] + rng.normal(0, 0.05, 100)
    pen = 0.1
    ours = segment(y, np.ones(100), pen=pen, min_size=5, min_obs=1)
    theirs = rpt.Pelt(model="l2", min_size=5, jump=1).fit(y.reshape(-1, 1)).predict(pen=pen)
    assert ours == theirs[:-1]


# -- drops -------------------------------------------------------------------------------------
def market_and_obs(
    *, market_step: float, abnormal_step: float, drop_day: int = 250, days: int = 500, seed: int = 3
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily listings whose $/TH follows hashprice one for one, plus an abnormal step."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(MONDAY, periods=days, freq="D")
    log_h = np.log(60.0) + np.cumsum(rng.normal(0, 0.015, days))
    log_h[drop_day:] += math.log(1 - market_step)
    market = pd.DataFrame(
        {"btc_usd": np.exp(log_h) * 700, "hashprice_usd_ph_day": np.exp(log_h)}, index=dates
    )
    level = np.log(50.0) + (log_h - log_h[0])
    level[drop_day:] += math.log(1 - abnormal_step)
    rows = [
        sighting(d, f"{d}-{i}", math.exp(level[d] + rng.normal(0, 0.05)))
        for d in range(days)
        for i in range(3)
    ]
    return market, frame(rows)


def test_market_driven_drop_is_found_and_explained() -> None:
    market, obs = market_and_obs(market_step=0.40, abnormal_step=0.0)
    index = build_index(obs, by="model", freq="W", market=market)
    drops = [d for d in find_drops(index, market=market) if d["drop_pct"] > 30]
    assert len(drops) == 1
    (drop,) = drops
    onset = MONDAY + pd.Timedelta(days=250)
    assert abs((pd.Timestamp(drop["start"]) - onset).days) <= 7
    # the level windows (28 days each side) also catch the market's random walk around the step
    assert drop["drop_pct"] > 25
    assert drop["market_regressor"] == "hashprice"
    assert -drop["market_change_pct"] == pytest.approx(drop["drop_pct"], abs=6)
    assert drop["market_explained_pct"] / drop["drop_pct"] == pytest.approx(1.0, abs=0.2)
    assert abs(drop["abnormal_pct"]) < 10
    assert drop["abnormal"] is False


def test_abnormal_drop_in_a_calm_market_is_flagged() -> None:
    market, obs = market_and_obs(market_step=0.0, abnormal_step=0.35)
    index = build_index(obs, by="model", freq="D", market=market)
    drops = [d for d in find_drops(index, market=market) if d["abnormal"]]
    assert len(drops) == 1
    (drop,) = drops
    onset = MONDAY + pd.Timedelta(days=250)
    assert abs((pd.Timestamp(drop["start"]) - onset).days) <= 3
    assert drop["drop_pct"] == pytest.approx(35, abs=6)
    assert abs(drop["market_explained_pct"]) < 10
    assert drop["abnormal_pct"] >= 25


def test_without_market_data_the_split_is_null() -> None:
    _, obs = market_and_obs(market_step=0.0, abnormal_step=0.35)
    index = build_index(obs, by="model", freq="W")
    drops = [d for d in find_drops(index) if d["drop_pct"] > 25]
    assert drops
    assert all(
        d["market_explained_pct"] is None and d["abnormal_pct"] is None and d["abnormal"] is None
        for d in drops
    )
    assert all(d["events"] == [] and d["chance_alignment_p"] is None for d in drops)


def test_small_moves_are_not_drops() -> None:
    _, obs = market_and_obs(market_step=0.0, abnormal_step=0.08)
    index = build_index(obs, by="model", freq="W")
    flat = index.assign(usd_per_th=index["usd_per_th"].median())  # no market wander either
    assert find_drops(flat) == []


def events_frame(*rows: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "jurisdiction": "CN",
            "kind": "ban",
            "title": [f"event {r[0]}" for r in rows],
            "expected_direction": "down",
            "confidence": "high",
            "scope": "global",
        }
    )


def step_index(onset: str, days: int = 200) -> pd.DataFrame:
    periods = pd.date_range(MONDAY, periods=days, freq="D")
    level = np.where(periods < pd.Timestamp(onset), 80.0, 40.0)
    return pd.DataFrame(
        {
            "series": "tier:25to38",
            "period": periods,
            "basis": "ask",
            "usd_per_th": level,
            "btc_per_th": np.nan,
            "n_listings": 4,
            "n_obs": 4,
        }
    )


def test_events_in_the_window_are_listed_with_days_from_start() -> None:
    index = step_index("2024-03-01")
    events = events_frame(
        ("BEFORE", "2024-02-20"),  # -10 d: outside [-7, +28]
        ("EDGE-LO", "2024-02-23"),  # -7 d
        ("SAME", "2024-03-01"),
        ("EDGE-HI", "2024-03-29"),  # +28 d
        ("AFTER", "2024-03-30"),  # +29 d
    )
    (drop,) = find_drops(index, events=events)
    assert drop["start"] == "2024-03-01"
    assert drop["drop_pct"] == pytest.approx(50.0)
    got = {e["id"]: e["days_from_start"] for e in drop["events"]}
    assert got == {"EDGE-LO": -7, "SAME": 0, "EDGE-HI": 28}
    first = drop["events"][0]
    assert first == {
        "id": "EDGE-LO",
        "date": "2024-02-23",
        "jurisdiction": "CN",
        "title": "event EDGE-LO",
        "days_from_start": -7,
    }
    assert 0 < drop["chance_alignment_p"] < 1
    (other,) = find_drops(index, events=events, window=(-21, 7))
    assert {e["id"] for e in other["events"]} == {"BEFORE", "EDGE-LO", "SAME"}


def test_chance_alignment_is_the_share_of_days_with_an_event_in_window() -> None:
    days = pd.date_range("2024-01-01", periods=100, freq="D")
    one = pd.Series(pd.to_datetime(["2024-02-15"]))
    # days d with the event in [d - 7, d + 28] are d in [event - 28, event + 7]: 36 days
    assert chance_alignment(days, one, (-7, 28)) == pytest.approx(0.36)
    assert chance_alignment(days, pd.Series([], dtype="datetime64[ns]"), (-7, 28)) == 0.0
    far = pd.Series(pd.to_datetime(["2030-01-01"]))
    assert chance_alignment(days, far, (-7, 28)) == 0.0


def test_covered_days_skip_long_gaps() -> None:
    periods = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-08", "2024-06-03"]))
    covered = covered_days(periods)
    assert covered[0] == pd.Timestamp("2024-01-01")
    assert pd.Timestamp("2024-03-15") not in covered  # >28 days from any observation
    assert pd.Timestamp("2024-06-03") in covered


# -- analyse -----------------------------------------------------------------------------------
def test_analyse_is_json_ready_and_filters_dates() -> None:
    market, obs = market_and_obs(market_step=0.0, abnormal_step=0.35, days=400)
    market.loc[market.index[:30], "hashprice_usd_ph_day"] = np.nan
    events = events_frame(("E1", "2024-09-05"), ("E2", "2023-06-01"))
    out = analyse(obs, market, events, since="2024-02-01", until="2024-12-31", by="model")
    text = json.dumps(out, allow_nan=False)  # raises on NaN
    back = json.loads(text)
    assert set(back) == {"index", "drops", "drawdowns"}
    assert all(set(INDEX_COLUMNS) <= set(r) for r in back["index"])
    periods = [r["period"] for r in back["index"]]
    assert min(periods) >= "2024-01-29"  # the Monday of since's week
    assert max(periods) <= "2024-12-30"
    assert any(d["abnormal"] for d in back["drops"])
    assert all(isinstance(d["events"], list) for d in back["drops"])
    assert any(r["btc_per_th"] is not None for r in back["index"])


def test_analyse_turns_nan_into_null() -> None:
    rows = [sighting(d, f"k{d}", 50.0) for d in range(10)]
    out = analyse(frame(rows), None, None, by="model", freq="D")
    assert all(r["btc_per_th"] is None for r in out["index"])
    json.dumps(out, allow_nan=False)


# -- real dealer asks, 2022 ---------------------------------------------------------------------
def dealer_obs() -> pd.DataFrame:
    raw = pd.read_csv(FIXTURES / "dealer_asks_2022_25to38.csv")
    return pd.DataFrame(
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


def test_real_2022_decline_of_the_efficient_tier_is_flagged() -> None:
    events = events_frame(
        ("KZ-2022-03", "2022-01-24"),
        ("GL-2022-01", "2022-06-12"),  # Celsius pauses withdrawals
        ("IR-2022-01", "2022-06-22"),
        ("KZ-2022-05", "2022-07-11"),
        ("GL-2022-02", "2022-07-13"),  # Celsius files for Chapter 11
    )
    index = build_index(dealer_obs(), by="tier", freq="W")
    series = only(index, series="tier:25to38")
    assert series["usd_per_th"].iloc[:4].mean() > 80  # about $90/TH in March 2022
    assert series["usd_per_th"].iloc[-4:].mean() < 40  # about $33/TH in August
    drops = find_drops(index, events=events)
    may_june = [d for d in drops if "2022-05-01" <= d["start"] <= "2022-06-30"]
    assert may_june, drops
    assert max(d["drop_pct"] for d in may_june) >= 25
    listed = {e["id"] for d in may_june for e in d["events"]}
    assert listed & {"GL-2022-01", "IR-2022-01", "KZ-2022-05", "GL-2022-02"}
    assert "KZ-2022-03" not in listed
    assert all(0 < d["chance_alignment_p"] < 1 for d in may_june if d["events"])
    assert all(d["chance_alignment_p"] is None for d in may_june if not d["events"])


# -- how a drop is told: its chance p and its dates --------------------------------------------
def test_chance_alignment_p_is_null_when_no_event_lines_up() -> None:
    index = step_index("2024-03-01")
    (alone,) = find_drops(index, events=events_frame(("FAR", "2023-01-01")))
    assert alone["events"] == []
    assert alone["chance_alignment_p"] is None  # not 0.0: there is no alignment to weigh
    (near,) = find_drops(index, events=events_frame(("FAR", "2023-01-01"), ("NEAR", "2024-03-05")))
    assert [e["id"] for e in near["events"]] == ["NEAR"]
    assert 0 < near["chance_alignment_p"] < 1


def test_a_drop_within_one_period_is_told_as_that_period() -> None:
    from monitor.analysis.drops import drop_span

    assert drop_span("2026-09-21", "2026-09-21") == "in the week of 2026-09-21"
    assert drop_span("2026-09-21", "2026-09-21", "W") == "in the week of 2026-09-21"
    assert drop_span("2026-09-21", "2026-09-21", "D") == "on 2026-09-21"
    assert drop_span("2026-09-21", "2026-10-05", "W") == "from 2026-09-21 to 2026-10-05"
    assert drop_span("2026-09-21", None) == "from 2026-09-21"


def test_event_drop_alert_tells_a_one_week_drop_as_that_week() -> None:
    from monitor.outputs.alerts import AlertRule, evaluate

    drop = {"series": "tier:25to38", "basis": "ask", "start": "2026-09-21", "end": "2026-09-21",
            "drop_pct": 21.0, "chance_alignment_p": 0.4,
            "events": [{"id": "E1", "date": "2026-09-25", "jurisdiction": "CN",
                        "title": "an event", "days_from_start": 4}]}  # fmt: skip
    [alert] = evaluate([AlertRule(name="policy", kind="event_drop")], [], [drop], None)
    assert "fell 21.0 % in the week of 2026-09-21;" in alert.detail
    assert "to 2026-09-21" not in alert.detail
    longer = {**drop, "end": "2026-10-05"}
    [alert] = evaluate([AlertRule(name="policy", kind="event_drop")], [], [longer], None)
    assert "fell 21.0 % from 2026-09-21 to 2026-10-05;" in alert.detail


# --- counted rows (``n``: the store's per-listing, per-week sighting counts) ----------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),  # listing
            st.integers(0, 20),  # day
            st.sampled_from([800.0, 900.0, 1000.0, 1000.5, 1234.56, 3000.0]),  # $/TH x 100
            st.booleans(),  # sold
            st.integers(1, 4),  # identical sightings
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["W", "D"]),
)
def test_counted_rows_index_as_the_sightings_they_stand_for(rows: list[tuple], freq: str) -> None:
    """A frame of rows each standing for ``n`` identical sightings gives exactly the index of
    the sightings themselves, repeated (weighted medians = medians, same row order)."""
    counted, raw = [], []
    for key, day, price, sold, n in rows:
        row = sighting(day, f"l{key}", price / 100, sold=sold)
        counted.append({**row, "n": n})
        raw += [row] * n
    order = sorted(range(len(counted)), key=lambda i: counted[i]["observed_date"])  # type: ignore[arg-type, return-value]
    counted = [counted[i] for i in order]
    raw = sorted(raw, key=lambda r: r["observed_date"])  # type: ignore[arg-type, return-value]
    for by in ("model", "tier"):
        want = build_index(pd.DataFrame(raw), by=by, freq=freq)  # type: ignore[arg-type]
        got = build_index(pd.DataFrame(counted), by=by, freq=freq)  # type: ignore[arg-type]
        assert json.dumps(got.to_dict(orient="records"), default=str) == json.dumps(
            want.to_dict(orient="records"), default=str
        )


def test_counted_rows_weigh_the_median() -> None:
    """One listing in one week: 3 sightings at 10 $/TH and 1 at 40: the median is 10, not 25."""
    rows = [{**sighting(0, "a", 10.0), "n": 3}, {**sighting(1, "a", 40.0), "n": 1}]
    index = build_index(pd.DataFrame(rows), by="model", freq="W")
    assert index["usd_per_th"].tolist() == pytest.approx([10.0])
    assert index["n_obs"].tolist() == [4]
    even = [{**sighting(0, "a", 10.0), "n": 2}, {**sighting(1, "a", 40.0), "n": 2}]
    index = build_index(pd.DataFrame(even), by="model", freq="W")
    assert index["usd_per_th"].tolist() == pytest.approx([20.0])  # geometric mean of 10, 40


# --- the array screen and index equal pandas' rolling and groupby, bit for bit ----------------


def _screen_reference(df: pd.DataFrame, mad_k: float, rolling: str) -> pd.DataFrame:
    """The outlier screen of the method (module doc, step 5) with pandas' centred time-based
    rolling windows, one row at a time: what the array version must equal exactly."""
    from monitor.analysis.indexes import MAD_FLOOR, MIN_SCREEN, SUPPORT_SHARE

    df = df.sort_values(["model", "basis", "period"], kind="stable").reset_index(drop=True)
    keep = np.ones(len(df), dtype=bool)
    half = pd.Timedelta(rolling) / 2
    for _, idx in df.groupby(["model", "basis"], sort=False).indices.items():
        if len(idx) < MIN_SCREEN:
            continue
        times = pd.DatetimeIndex(df["period"].iloc[idx])
        s = pd.Series(df["log_u"].to_numpy()[idx], index=times)
        med = s.rolling(rolling, center=True, min_periods=1).median()
        dev = (s - med).abs()
        mad = dev.rolling(rolling, center=True, min_periods=1).median()
        count = s.rolling(rolling, center=True, min_periods=1).count()
        scale = np.maximum(1.4826 * mad.to_numpy(), MAD_FLOOR)
        bad = (dev.to_numpy() > mad_k * scale) & (count.to_numpy() >= MIN_SCREEN)
        lu, keys = s.to_numpy(), df["key"].to_numpy()[idx]
        lo = times.searchsorted(times - half, side="left")
        hi = times.searchsorted(times + half, side="right")
        for c in np.flatnonzero(bad):
            near = np.abs(lu[lo[c] : hi[c]] - lu[c]) <= mad_k * scale[c]
            near &= keys[lo[c] : hi[c]] != keys[c]
            others = int((keys[lo[c] : hi[c]] != keys[c]).sum())
            if near.sum() >= 2 and near.sum() >= SUPPORT_SHARE * others:
                bad[c] = False
        keep[idx[bad]] = False
    return df[keep].reset_index(drop=True)


def _listing_periods_frame(seed: int, rows: int, step: int) -> pd.DataFrame:
    """Random deduplicated listing-periods: 3 models, both bases, periods ``step`` days apart
    (several listings per period), a few far prices and a few groups at a new level."""
    rng = np.random.default_rng(seed)
    period = MONDAY + pd.to_timedelta(rng.integers(0, 40, rows) * step, unit="D")
    log_u = np.log(30.0) + rng.normal(0, 0.08, rows)
    far = rng.random(rows) < 0.05  # mistyped prices: far up or down
    log_u[far] += rng.choice([-1.2, 1.1], rows)[far]
    log_u[rng.random(rows) < 0.03] = np.log(30.0) - 0.5  # a second level: supported
    log_u = np.round(log_u, 2)  # ties, as repeated prices give
    frame = pd.DataFrame(
        {
            "key": rng.integers(0, rows // 3 + 1, rows),
            "basis": rng.choice(["ask", "sold"], rows, p=[0.8, 0.2]).astype(object),
            "period": period,
            "log_u": log_u,
            "model": rng.choice(["Antminer S19", "Antminer S9", "Whatsminer M30S"], rows),
            "hashrate_ths": rng.choice([95.0, 104.0, 104.2, 110.0], rows),
            "efficiency_j_th": rng.choice([21.5, 29.5, np.nan, 34.0], rows),
            "n_obs": rng.integers(1, 8, rows),
        }
    ).astype({"model": object})
    # deduplicated: one row per listing, basis and period, as the method's step 4 leaves them
    return frame.drop_duplicates(["key", "basis", "period"], ignore_index=True)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(0, 400), step=st.sampled_from([1, 7]))
def test_screen_equals_pandas_rolling(seed: int, rows: int, step: int) -> None:
    """The screen computes its rolling medians per distinct period on sorted arrays: the rows
    kept, their order and values are exactly those of pandas' rolling windows, daily or weekly,
    with ties and several listings per period."""
    from monitor.analysis.indexes import _screen

    frame = _listing_periods_frame(seed, rows, step)
    for rolling in ("28D", "7D"):
        expected = _screen_reference(frame, 3.5, rolling)
        pd.testing.assert_frame_equal(_screen(frame, 3.5, rolling), expected, check_exact=True)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with categorical columns as plain values (to compare frames made apart)."""
    out = frame.copy()
    for column in ("key", "basis", "model"):
        out[column] = pd.Series(out[column].tolist(), dtype=object)
    return out


@pytest.mark.parametrize("seed", range(60))
def test_screen_more_equals_screening_the_whole(seed: int) -> None:
    """A cache's screen made when the weeks from ``since`` on held other rows (fewer, some at
    other prices), brought up to date with :func:`screen_more`, equals the screen of the whole
    made from scratch: the same rows in the same order with the same verdicts, wherever the new
    weeks start. (About one seed in twenty has a verdict up to four weeks before the new weeks
    that reads them through the spread: re-screening only two weeks back fails there.)"""
    from monitor.analysis.indexes import screen_all, screen_more

    frame = _listing_periods_frame(seed, 400, 7)
    since = MONDAY + pd.Timedelta(days=7 * (seed % 42))
    before = frame[frame["period"] < since]
    after = frame[frame["period"] >= since]
    rng = np.random.default_rng(seed + 1)
    stale = after[rng.random(len(after)) < 0.6].copy()  # what those weeks held then
    stale["log_u"] += rng.choice([0.0, 0.0, 0.7, -0.9], len(stale))
    old = screen_all(pd.concat([before, stale], ignore_index=True))
    got = screen_more(old, after.reset_index(drop=True), since)
    want = screen_all(pd.concat([before, after], ignore_index=True))
    pd.testing.assert_frame_equal(_as_text(got.frame), _as_text(want.frame), check_exact=True)
    assert got.keep.tolist() == want.keep.tolist()
    assert len(want.periods().kept()) == int(want.keep.sum()) > 0


def _index_reference(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """Method steps 6-7 with string series and variants and pandas groupby (no market)."""
    from monitor.analysis.indexes import _fixed_effects

    df = df.copy()
    if by == "model":
        df["series"] = "model:" + df["model"]
    else:
        tiers = df["efficiency_j_th"].map(tier_of)
        df = df[tiers.notna()].copy()
        df["series"] = "tier:" + tiers[tiers.notna()].astype(str)
    parts = []
    for (series, basis), panel in df.groupby(["series", "basis"], sort=True):
        panel = panel.reset_index(drop=True)
        t_codes, periods = pd.factorize(panel["period"], sort=True)
        variant = panel["model"] + "|" + panel["hashrate_ths"].map(lambda h: f"{h:.3g}")
        v_codes, _ = pd.factorize(variant)
        y = panel["log_u"].to_numpy(dtype=float)
        m = _fixed_effects(y, t_codes, v_codes)
        level = pd.Series(y - m[v_codes] + m[v_codes].mean()).groupby(t_codes).median()
        part = pd.DataFrame(
            {
                "series": str(series),
                "period": periods[level.index.to_numpy()],
                "basis": str(basis),
                "usd_per_th": np.exp(level.to_numpy()),
                "btc_per_th": np.nan,
                "n_listings": panel.groupby(t_codes)["key"].nunique().to_numpy().astype(int),
                "n_obs": panel.groupby(t_codes)["n_obs"].sum().to_numpy().astype(int),
            }
        )
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=INDEX_COLUMNS)
    out = pd.concat(parts, ignore_index=True)[INDEX_COLUMNS]
    return out.sort_values(["series", "basis", "period"], ignore_index=True)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rows=st.integers(1, 400))
def test_index_equals_string_groupby(seed: int, rows: int) -> None:
    """The index works on integer codes for series, variants and listings: its values equal,
    bit for bit, those of the same method on string labels with pandas groupby, per model and
    per tier (variants that print alike at 3 digits, 104.0 and 104.2 TH/s, are one variant)."""
    from monitor.analysis.indexes import ListingPeriods

    frame = _listing_periods_frame(seed, rows, 7)
    periods = ListingPeriods(frame, "W", 3.5, "28D", None, None)
    for by in ("model", "tier"):
        got = build_index(periods, by=by)  # type: ignore[arg-type]
        expected = _index_reference(frame, by)
        if expected.empty:
            assert got.empty
            continue
        pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)


@pytest.mark.parametrize("seed", range(8))
def test_index_of_a_screen_reads_only_its_kept_rows(seed: int) -> None:
    """A screen's periods carry every row and a mask of those kept (no copy): the index made
    from them equals, bit for bit, the index of the kept rows alone."""
    from monitor.analysis.indexes import ListingPeriods, screen_all

    screen = screen_all(_listing_periods_frame(seed, 400, 7))
    assert not screen.keep.all()  # something was screened out
    masked = screen.periods()
    alone = ListingPeriods(masked.kept(), "W", 3.5, "28D", None, None)
    for by in ("model", "tier"):
        got = build_index(masked, by=by)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(got, build_index(alone, by=by), check_exact=True)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(5))
def test_tiers_are_factorized_per_distinct_value(seed: int) -> None:
    """Tier codes made once per distinct J/TH equal ``pd.factorize`` of every row's tier
    (order of first appearance, -1 where a row has no tier)."""
    from monitor.analysis.indexes import _factorized_by, tier_of

    rng = np.random.default_rng(seed)
    values = pd.Series(rng.choice([15.0, 21.5, 29.5, np.nan, 34.0, 70.0, -1.0, 19.0], 500))
    codes, names = _factorized_by(values, tier_of)
    want_codes, want_names = pd.factorize(values.map(tier_of).astype(object))
    assert codes.tolist() == want_codes.tolist()
    assert list(names) == list(want_names)
