"""The first normaliser on the kinds of titles the demo and real shops carry."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.eval_titles import evaluate
from monitor.cli import cli
from monitor.normalise.record import NormalisedRecord, OfferRecord
from monitor.normalise.titles import normalise

CASES = [
    # title, kind, model, hashrate_ths, quantity, condition
    (
        "Bitmain Antminer S19j Pro 100TH/s Bitcoin Miner ASIC w/ PSU - USED Tested",
        "miner",
        "Antminer S19j Pro",
        100,
        1,
        "used",
    ),
    (
        "LOT OF 4 Whatsminer M30S+ 100T Bitcoin Miner",
        "miner",
        "Whatsminer M30S+",
        100,
        4,
        "unknown",
    ),
    (
        "Bitmain Antminer S9 13.5TH/s with APW3++ Power Supply",
        "miner",
        "Antminer S9",
        13.5,
        1,
        "unknown",
    ),
    ("Antminer S19 XP 140TH Bitcoin miner NEW IN BOX", "miner", "Antminer S19 XP", 140, 1, "new"),
    (
        "FOR PARTS Antminer S19 Pro 110TH not hashing one board dead",
        "miner",
        "Antminer S19 Pro",
        110,
        1,
        "for_parts",
    ),
    ("S19jPro104T", "miner", "Antminer S19j Pro", 104, 1, "unknown"),
    ("S19 j pro 96t x3 price per unit", "miner", "Antminer S19j Pro", 96, 1, "unknown"),
    ("Asic Antminer S19j Pro 104 Th/s б/у", "miner", "Antminer S19j Pro", 104, 1, "used"),
    ("蚂蚁矿机 S19 95T 二手", "miner", "Antminer S19", 95, 1, "used"),
    ("M30S++ 106T used $1,200", "miner", "Whatsminer M30S++", 106, 1, "used"),
    (
        "LOT OF 10 - Whatsminer M30S+ 100T used (price per lot)",
        "miner",
        "Whatsminer M30S+",
        100,
        10,
        "used",
    ),
    (
        "Bitmain APW12 Power Supply for Antminer S19 S19 Pro S19j Pro",
        "part",
        None,
        None,
        1,
        "unknown",
    ),
    ("Antminer S19j Pro Hashboard 104T replacement", "part", None, None, 1, "unknown"),
    ("4x Fan 12038 for Antminer S19 / S21", "part", None, None, 4, "unknown"),
    ("Hosting Deposit - 1 Month, per machine", "other", None, None, 1, "unknown"),
]


@pytest.mark.parametrize(("title", "kind", "model", "ths", "qty", "cond"), CASES)
def test_titles(
    title: str, kind: str, model: str | None, ths: float | None, qty: int, cond: str
) -> None:
    got = normalise(title)
    assert (got.kind, got.model, got.quantity, got.condition) == (kind, model, qty, cond)
    if ths is None:
        assert got.hashrate_ths is None
    else:
        assert got.hashrate_ths == pytest.approx(ths, abs=0.5)


def test_power_and_efficiency_come_from_title_or_catalog() -> None:
    got = normalise("Used Bitmain Antminer S19 Pro 110T 3250W")
    assert got.power_w == 3250
    assert got.efficiency_j_th == pytest.approx(29.55, abs=0.01)
    assert normalise("Antminer S19j Pro 104T").power_w is not None


def test_scrypt_miner_has_native_hashrate_but_no_ths() -> None:
    got = normalise("Bitmain Antminer L7 9500MH/s Litecoin Dogecoin Scrypt Miner")
    assert (got.model, got.algorithm, got.hashrate, got.hashrate_unit, got.hashrate_ths) == (
        "Antminer L7",
        "Scrypt",
        9500,
        "MH/s",
        None,
    )


def test_unknown_title_keeps_a_reason() -> None:
    got = normalise("Vintage brass lamp")
    assert got.kind == "other"
    assert got.model is None
    assert got.reason


def test_cli_single_and_jsonl() -> None:
    runner = CliRunner()
    one = runner.invoke(cli, ["normalise", "Antminer S19j Pro 104T"])
    assert one.exit_code == 0
    assert json.loads(one.output)["model"] == "Antminer S19j Pro"
    lines = runner.invoke(cli, ["normalise", "--jsonl"], input="S19 95T\nAPW12 PSU\n")
    rows = [json.loads(x) for x in lines.output.splitlines()]
    assert [r["kind"] for r in rows] == ["miner", "part"]
    assert set(rows[0]) >= {
        "kind",
        "maker",
        "model",
        "algorithm",
        "hashrate_ths",
        "hashrate",
        "hashrate_unit",
        "power_w",
        "efficiency_j_th",
        "quantity",
        "condition",
        "cooling",
        "confidence",
        "reason",
    }


# -- accuracy on the labelled sets (the acceptance thresholds) -------------------------
TITLES = Path(__file__).parent.parent / "fixtures" / "titles"


@pytest.mark.parametrize("name", ["titles-dev.csv", "styles.csv"])
def test_labelled_sets_meet_thresholds(name: str) -> None:
    got = evaluate(TITLES / name)
    assert got["kind"] >= 0.98
    assert got["model"] >= 0.98
    assert got["hashrate"] >= 0.98
    assert got["quantity"] >= 0.95
    assert got["part_other_as_miner"] == 0


def test_dealer_model_strings() -> None:
    with (TITLES / "dealer-models.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    right = sum(
        (n := normalise(r["model_string"])).model == r["model"] and n.hashrate_ths == float(r["th"])
        for r in rows
    )
    assert len(rows) == 753
    assert right / len(rows) >= 0.98


# -- properties ---------------------------------------------------------------------------------
@settings(max_examples=400, deadline=timedelta(seconds=2))
@given(st.text(max_size=200))
def test_no_string_crashes_and_output_fits_schema(title: str) -> None:
    NormalisedRecord.model_validate(normalise(title).to_dict())


@settings(max_examples=200, deadline=timedelta(seconds=2))
@given(
    st.lists(
        st.sampled_from(
            [
                "Antminer",
                "S19j",
                "Pro",
                "104T",
                "lot",
                "of",
                "4",
                "x3",
                "used",
                "PSU",
                "with",
                "3250W",
                "29.5J/TH",
                "б/у",
                "二手",
                "蚂蚁",
                "+",
                "(2)",
                "each",
                "M30S++",
                "hashboard",
                "dead",
                "0.11",
                "PH/s",
                "·",
                "🔥",
                "",
                "$1,450",
            ]
        ),
        max_size=14,
    ).map(" ".join)
)
def test_title_like_strings_fit_schema(title: str) -> None:
    got = normalise(title)
    NormalisedRecord.model_validate(got.to_dict())
    if got.kind != "miner":
        assert got.model is None


def test_schema_command_and_offers_command() -> None:
    runner = CliRunner()
    schema = json.loads(runner.invoke(cli, ["normalise", "--schema"]).output)
    assert "quantity" in schema["normalised"]["properties"]
    message = "HK stock\n🍓S19kpro 120T $13.6/T\n🥝S19kpro 115T (GTD)$1880\n"
    out = runner.invoke(cli, ["normalise", "--offers"], input=message)
    rows = [OfferRecord.model_validate_json(line) for line in out.output.splitlines()]
    assert [(r.model, r.price, r.price_basis) for r in rows] == [
        ("Antminer S19k Pro", "13.6", "per_th"),
        ("Antminer S19k Pro", "1880", "unit"),
    ]
