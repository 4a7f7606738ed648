"""The ``payback`` alert kind: a working listing whose break-even is under ``months``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from monitor.analysis.economics import Economics, price_listings
from monitor.config import ConfigError, load_config
from monitor.outputs.alerts import AlertRule, evaluate


def priced() -> pd.DataFrame:
    # at 50 USD/PH/day, 0.05 USD/kWh: an S19 XP 141T for 3000 pays back in 31.06 months, an
    # S19j Pro 104T for 1500 in 35.92, one for parts for 100 in 2.4, an S9 never
    frame = pd.DataFrame(
        [
            ("xp", "S19 XP 141T", "Antminer S19 XP", "19to25", 141.0, 21.5, 3000.0, "used"),
            ("j0", "<b>S19j Pro</b> 104T", "Antminer S19j Pro", "25to38", 104.0, 29.5, 1500.0,
             None),
            ("parts", "S19j Pro for parts", "Antminer S19j Pro", "25to38", 104.0, 29.5, 100.0,
             "for_parts"),
            ("s9", "S9 13.5T", "Antminer S9", "above68", 13.5, 98.0, 60.0, "used"),
        ],
        columns=["listing_key", "title", "model", "tier", "hashrate_ths", "efficiency_j_th",
                 "price_usd", "condition"],
    )  # fmt: skip
    frame["url"] = "https://shop.example.com/" + frame["listing_key"]
    frame["source"] = "shop"
    frame["last_seen"] = "2026-11-30"
    return price_listings(frame, 50.0, Economics(power_usd_kwh=0.05))


def test_payback_fires_for_working_units_under_the_threshold() -> None:
    rule = AlertRule("quick", "payback", months=32)
    alerts = evaluate([rule], [], [], None, payback_frame=priced())
    assert [a.subject for a in alerts] == ["xp"]  # not j0 (35.9), not parts (2.4 but for parts)
    alert = alerts[0]
    assert alert.key == ("quick", "xp", "2026-11-30")  # one per listing and last-seen day
    assert alert.kind == "payback"
    assert alert.value == pytest.approx(31.06, abs=0.01)
    assert "pays back in 31.1 months" in alert.title
    assert alert.url == "https://shop.example.com/xp"
    wider = evaluate([AlertRule("slow", "payback", months=40)], [], [], None,
                     payback_frame=priced())  # fmt: skip
    assert [a.subject for a in wider] == ["j0", "xp"]  # never the S9 (no payback)


def test_payback_filters_by_model_and_tier() -> None:
    rules = [
        AlertRule("m", "payback", months=40, model="antminer s19j pro"),
        AlertRule("t", "payback", months=40, tier="19to25"),
    ]
    alerts = evaluate(rules, [], [], None, payback_frame=priced())
    assert [(a.rule, a.subject) for a in alerts] == [("m", "j0"), ("t", "xp")]


def test_payback_without_prices_fires_nothing() -> None:
    assert evaluate([AlertRule("q", "payback", months=12)], [], [], None) == []


def test_payback_rule_needs_months() -> None:
    with pytest.raises(ValueError, match="months"):
        AlertRule("q", "payback")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{name: q, kind: payback}", "alerts[0] (name 'q').months: missing"),
        ("{name: q, kind: payback, months: 0}", "alerts[0] (name 'q').months: "),
        ("{name: q, kind: below, usd_per_th: 9, months: 12}", "alerts[0] (name 'q').months: only"),
    ],
)
def test_config_months_errors_name_the_key(tmp_path: Path, rule: str, message: str) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"alerts:\n  - {rule}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(cfg)
    assert len(caught.value.errors) == 1
    where, msg = caught.value.errors[0]
    assert f"{where}: {msg}".startswith(message)


def test_config_payback_rule_loads(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("alerts:\n  - {name: q, kind: payback, months: 12, tier: 19to25}\n",
                   encoding="utf-8")  # fmt: skip
    rule = load_config(cfg).alerts[0]
    assert AlertRule(**rule.model_dump()) == AlertRule("q", "payback", tier="19to25", months=12)
