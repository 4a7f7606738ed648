"""Alert rules on small inline index records, drops and listing frames."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest

from monitor.outputs.alerts import Alert, AlertRule, evaluate, find_deals

S19 = "model:Antminer S19j Pro"
TIER = "tier:19to25"


def weekly(series: str, values: list[float], basis: str = "ask") -> list[dict[str, Any]]:
    """Index records on consecutive Mondays from 2026-06-01."""
    start = date(2026, 6, 1)
    return [
        {
            "series": series,
            "period": (start + timedelta(weeks=i)).isoformat(),
            "basis": basis,
            "usd_per_th": v,
            "btc_per_th": None,
            "n_listings": 4,
            "n_obs": 9,
        }
        for i, v in enumerate(values)
    ]


LAST = (date(2026, 6, 1) + timedelta(weeks=5)).isoformat()  # the 6th Monday


def drop(series: str, events: list[dict[str, Any]], pct: float = 30.0) -> dict[str, Any]:
    return {
        "series": series,
        "basis": "ask",
        "start": "2026-05-18",
        "end": "2026-06-15",
        "drop_pct": pct,
        "market_explained_pct": 12.0,
        "abnormal_pct": pct - 12.0,
        "events": events,
        "chance_alignment_p": 0.08,
    }


BAN = {"id": "cn-ban", "date": "2026-05-21", "jurisdiction": "CN", "title": "Mining ban",
       "days_from_start": 3}  # fmt: skip


def listings(rows: list[tuple[str, str, float]], for_parts: tuple[str, ...] = ()) -> pd.DataFrame:
    """Current listings of the deal rules; the keys in ``for_parts`` are not working units."""
    return pd.DataFrame(
        [
            {
                "listing_key": key,
                "title": f"Antminer {key}",
                "url": f"https://shop.example/{key}",
                "model": "Antminer S19j Pro",
                "tier": tier,
                "usd_per_th": price,
                "source": "shop",
                "last_seen": "2026-07-06T09:30:00+00:00",
                "condition": "for_parts" if key in for_parts else "used",
            }
            for key, tier, price in rows
        ]
    )


def test_below_fires_on_the_latest_value_only() -> None:
    index = weekly(S19, [14.0, 9.0, 12.0, 11.0, 10.5, 9.5])
    rule = AlertRule("cheap-s19", "below", model="Antminer S19j Pro", usd_per_th=10.0)
    [alert] = evaluate([rule], index, [], None)
    assert alert.key == ("cheap-s19", S19, LAST)
    assert alert.value == 9.5
    assert "below 10 USD/TH" in alert.title
    rule_low = AlertRule("very-cheap", "below", model="Antminer S19j Pro", usd_per_th=9.0)
    assert evaluate([rule_low], index, [], None) == []


def test_subject_selection_by_model_tier_or_all() -> None:
    index = weekly(S19, [9.0, 8.0]) + weekly(TIER, [9.0, 8.5])
    by_tier = AlertRule("t", "below", tier="19to25", usd_per_th=10)
    by_model = AlertRule("m", "below", model="antminer s19j pro", usd_per_th=10)  # any case
    every = AlertRule("all", "below", usd_per_th=10)
    assert [a.subject for a in evaluate([by_tier], index, [], None)] == [TIER]
    assert [a.subject for a in evaluate([by_model], index, [], None)] == [S19]
    assert [a.subject for a in evaluate([every], index, [], None)] == [S19, TIER]


def test_basis_keeps_sold_and_ask_apart() -> None:
    index = weekly(S19, [12.0, 12.0]) + weekly(S19, [12.0, 8.0], basis="sold")
    ask = AlertRule("ask", "below", usd_per_th=10)
    sold = AlertRule("sold", "below", usd_per_th=10, basis="sold")
    assert evaluate([ask], index, [], None) == []
    [alert] = evaluate([sold], index, [], None)
    assert alert.value == 8.0
    assert "(sold)" in alert.detail


def test_drop_within_days_compares_with_the_window_peak() -> None:
    # 20 -> 16 over two weeks: -20 % within 14 days, only -11 % within 7 days
    index = weekly(S19, [30.0, 20.0, 20.0, 20.0, 18.0, 16.0])
    two_weeks = AlertRule("d14", "drop", drop_pct=15, within_days=14)
    one_week = AlertRule("d7", "drop", drop_pct=15, within_days=7)
    [alert] = evaluate([two_weeks], index, [], None)
    assert alert.period == LAST
    assert alert.value == pytest.approx(20.0)
    assert "fell 20.0 % in 14 days" in alert.title
    assert evaluate([one_week], index, [], None) == []
    # the 30 of five weeks ago is outside both windows
    assert evaluate([AlertRule("d", "drop", drop_pct=40, within_days=14)], index, [], None) == []


def test_drop_needs_history_in_the_window() -> None:
    assert evaluate([AlertRule("d", "drop", drop_pct=5)], weekly(S19, [10.0]), [], None) == []


def test_new_low_beats_every_value_in_the_window() -> None:
    rule = AlertRule("low", "new_low", low_days=28)
    index = weekly(S19, [8.0, 12.0, 11.0, 10.0, 10.5, 9.9])  # 8.0 is five weeks back: outside
    [alert] = evaluate([rule], index, [], None)
    assert alert.key == ("low", S19, LAST)
    assert "28-day low" in alert.title
    assert "previous low was 10.00" in alert.detail
    long_memory = AlertRule("low90", "new_low", low_days=90)
    assert evaluate([long_memory], index, [], None) == []
    tie = weekly(S19, [10.0, 12.0, 10.0])  # equal to the previous low is not a new low
    assert evaluate([rule], tie, [], None) == []
    assert evaluate([rule], weekly(S19, [5.0]), [], None) == []  # nothing earlier to beat


def test_event_drop_needs_an_aligned_event() -> None:
    drops = [drop(S19, [BAN]), drop(TIER, []), drop("model:Whatsminer M30S", [BAN], pct=12.0)]
    rule = AlertRule("aligned", "event_drop")
    alerts = evaluate([rule], [], drops, None)
    assert [a.key for a in alerts] == [
        ("aligned", S19, "2026-05-18"),
        ("aligned", "model:Whatsminer M30S", "2026-05-18"),
    ]
    big = AlertRule("aligned-big", "event_drop", drop_pct=20)
    [alert] = evaluate([big], [], drops, None)
    assert alert.subject == S19
    assert alert.value == 30.0
    assert "Mining ban" in alert.title
    assert "cn-ban" not in alert.title
    assert "2026-05-21 CN Mining ban (+3 d)" in alert.detail
    assert "market explains 12.0 %" in alert.detail
    only_tier = AlertRule("tier", "event_drop", tier="19to25")
    assert evaluate([only_tier], [], drops, None) == []


def test_an_event_drop_against_the_market_says_so_in_words() -> None:
    """A drop while the market rose is not "market explains -12.0 %": the alert says the
    market went the other way and how much is abnormal."""
    against = drop(S19, [BAN]) | {"market_explained_pct": -12.0, "abnormal_pct": 42.0}
    [alert] = evaluate([AlertRule("aligned", "event_drop")], [], [against], None)
    assert "the market went the other way (12.0 % up), abnormal 42.0 %" in alert.detail
    assert "market explains" not in alert.detail


def test_deal_vs_tier_median() -> None:
    frame = listings(
        [("a", "19to25", 20.0), ("b", "19to25", 21.0), ("c", "19to25", 22.0),
         ("d", "19to25", 14.0), ("e", "25to38", 5.0), ("f", "25to38", 50.0)]
    )  # fmt: skip
    rule = AlertRule("deal", "deal", drop_pct=25)
    [alert] = evaluate([rule], [], [], frame)
    # tier 19to25 median of 14, 20, 21, 22 is 20.5; 14 is 31.7 % under it; 25to38 has 2 listings
    assert alert.key == ("deal", "d", "2026-07-06")
    assert alert.url == "https://shop.example/d"
    assert alert.value == 14.0
    assert "31.7 % under the tier 19to25 median of 20.50" in alert.detail
    loose = AlertRule("deal2", "deal", drop_pct=25, min_listings=2)
    assert {a.subject for a in evaluate([loose], [], [], frame)} == {"d", "e"}
    other_tier = AlertRule("deal3", "deal", drop_pct=25, tier="25to38", min_listings=2)
    assert [a.subject for a in evaluate([other_tier], [], [], frame)] == ["e"]


def test_find_deals_skips_unpriced_and_untiered_rows() -> None:
    frame = listings(
        [("a", "19to25", 20.0), ("b", "19to25", 20.0), ("c", "19to25", float("nan")),
         ("d", "19to25", 10.0), ("e", "19to25", -1.0)]
    )  # fmt: skip
    frame.loc[len(frame)] = ["x", "No tier", None, None, None, 1.0, "shop", "2026-07-06", "used"]
    [deal] = find_deals(frame, min_under_pct=10)
    assert deal["listing_key"] == "d"
    assert deal["under_median_pct"] == 50.0
    assert deal["tier_median"] == 20.0
    assert set(deal) >= {"title", "url", "usd_per_th", "tier", "under_median_pct", "source"}
    with pytest.raises(ValueError, match="lacks columns: url"):
        find_deals(frame.drop(columns=["url"]), min_under_pct=10)


def test_a_unit_for_parts_is_never_a_deal() -> None:
    """A for-parts S19 90 % under the median is neither a deal nor a deal alert, and does not
    pull the tier median down; the same listing as a working unit is both."""
    rows = [("a", "19to25", 20.0), ("b", "19to25", 21.0), ("c", "19to25", 22.0),
            ("dead", "19to25", 2.0)]  # fmt: skip
    working = listings(rows)
    assert [d["listing_key"] for d in find_deals(working, min_under_pct=25)] == ["dead"]
    frame = listings(rows, for_parts=("dead",))
    assert find_deals(frame, min_under_pct=25) == []
    rule = AlertRule("deal", "deal", drop_pct=25)
    assert evaluate([rule], [], [], frame) == []
    # the median is that of the working units only: 21, with a fourth working listing at 15.75
    frame.loc[len(frame)] = ["e", "Antminer e", None, "Antminer S19j Pro", "19to25", 15.75, "shop",
                             "2026-07-06", "unknown"]  # fmt: skip
    [deal] = find_deals(frame, min_under_pct=20, min_listings=4)
    assert (deal["listing_key"], deal["tier_median"]) == ("e", 20.5)
    # and a tier whose only cheap listings are for parts has too few working units for a median
    assert find_deals(frame, min_under_pct=1, min_listings=5) == []


def test_a_deals_frame_must_say_each_listings_condition() -> None:
    frame = listings([("a", "19to25", 20.0), ("b", "19to25", 21.0), ("c", "19to25", 10.0)])
    with pytest.raises(ValueError, match="lacks columns: condition"):
        find_deals(frame.drop(columns=["condition"]), min_under_pct=10)


def test_same_data_same_keys_so_the_caller_can_dedup() -> None:
    rules = [
        AlertRule("cheap", "below", usd_per_th=10),
        AlertRule("aligned", "event_drop"),
        AlertRule("deal", "deal", drop_pct=25),
    ]
    index = weekly(S19, [12.0, 9.0])
    frame = listings([("a", "19to25", 20.0), ("b", "19to25", 20.0), ("c", "19to25", 10.0)])
    sent: set[tuple[str, str, str]] = set()

    def new_alerts() -> list[Alert]:
        fresh = [a for a in evaluate(rules, index, [drop(S19, [BAN])], frame) if a.key not in sent]
        sent.update(a.key for a in fresh)
        return fresh

    assert [a.kind for a in new_alerts()] == ["below", "event_drop", "deal"]
    assert new_alerts() == []
    index += weekly(S19, [12.0, 9.0, 8.0])[2:]  # a new period where the condition still holds
    assert [(a.kind, a.period) for a in new_alerts()] == [("below", "2026-06-15")]


def test_since_skips_old_periods() -> None:
    rule = AlertRule("aligned", "event_drop")
    assert evaluate([rule], [], [drop(S19, [BAN])], None, since="2026-06-01") == []
    assert len(evaluate([rule], [], [drop(S19, [BAN])], None, since=date(2026, 5, 18))) == 1


def test_missing_values_are_ignored() -> None:
    index = weekly(S19, [9.0, 8.0])
    index.append({**index[-1], "period": "2026-06-15", "usd_per_th": None})
    [alert] = evaluate([AlertRule("cheap", "below", usd_per_th=10)], index, [], None)
    assert alert.period == "2026-06-08"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "below"}, "needs usd_per_th"),
        ({"kind": "drop"}, "needs drop_pct"),
        ({"kind": "deal"}, "needs drop_pct"),
        ({"kind": "drop", "drop_pct": 150}, "between 0 and 100"),
        ({"kind": "sideways"}, "unknown kind"),
        ({"kind": "below", "usd_per_th": 5, "model": "X", "tier": "19to25"}, "not both"),
        ({"kind": "new_low", "low_days": 0}, "at least 1"),
        ({"kind": "new_low", "basis": "bid"}, "basis"),
    ],
)
def test_invalid_rules_are_rejected(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        AlertRule("r", **kwargs)


def test_rule_names_must_be_unique() -> None:
    rules = [AlertRule("r", "new_low"), AlertRule("r", "event_drop")]
    with pytest.raises(ValueError, match="unique: r"):
        evaluate(rules, [], [], None)
