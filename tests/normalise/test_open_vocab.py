"""Open vocabulary: a model name of a known maker family that the catalog lacks is still a miner
(``monitor/normalise/open_vocab.py``, shapes in ``data/families.yaml``).

Most names here are of models no maker has announced (S29, M79S, A1999...), so the tests keep
holding while the catalog grows; the issue's own examples may be catalog models by now, and are
checked either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.normalise.catalog import load_catalog
from monitor.normalise.open_vocab import (
    CONFIDENCE,
    CONFIDENCE_NO_HASHRATE,
    find,
    load_families,
)
from monitor.normalise.titles import normalise

# title -> (maker, model, hashrate in the model's unit or None, quantity)
OPEN = {
    "Whatsminer M79S 300T": ("MicroBT", "Whatsminer M79S", 300.0, 1),
    "Whatsminer M79S+ Hydro 420TH 5400W": ("MicroBT", "Whatsminer M79S+", 420.0, 1),  # no "Hyd"
    "MicroBT Whatsminer M89 XP 500T": ("MicroBT", "Whatsminer M89 XP", 500.0, 1),
    "whatsminer m79se 180t": ("MicroBT", "Whatsminer M79SE", 180.0, 1),
    "Whatsminer M79S++ 460T used": ("MicroBT", "Whatsminer M79S++", 460.0, 1),
    "Antminer S29 Hyd 700T 10 J/TH": ("Bitmain", "Antminer S29 Hyd", 700.0, 1),
    "Bitmain Antminer S29 Pro 300TH/s": ("Bitmain", "Antminer S29 Pro", 300.0, 1),
    "Antminer S29xp 320T": ("Bitmain", "Antminer S29 XP", 320.0, 1),
    "Antminer T29 250T": ("Bitmain", "Antminer T29", 250.0, 1),
    "ANTMINER S29 IMM 800T": ("Bitmain", "Antminer S29 Imm", 800.0, 1),
    "Antminer S29e XP Hyd 900T": ("Bitmain", "Antminer S29e XP Hyd", 900.0, 1),
    "antminer s29k pro 150t used": ("Bitmain", "Antminer S29k Pro", 150.0, 1),
    "2x Antminer S29 Hyd 700T": ("Bitmain", "Antminer S29 Hyd", 700.0, 2),
    "Bitmain S29j Pro+ 200T": ("Bitmain", "Antminer S29j Pro+", 200.0, 1),
    "lot of 5 Antminer S29 Pro 300T": ("Bitmain", "Antminer S29 Pro", 300.0, 5),
    "Antminer L19 30G": ("Bitmain", "Antminer L19", 30000.0, 1),
    "Antminer KS9 30T": ("Bitmain", "Antminer KS9", 30.0, 1),
    "Avalon A1999 300T": ("Canaan", "Avalon A1999", 300.0, 1),
    "Canaan Avalon A1966I 280T": ("Canaan", "Avalon A1966I", 280.0, 1),
    "Avalon A1966 Pro 320TH": ("Canaan", "Avalon A1966 Pro", 320.0, 1),
    "Canaan AvalonMiner 1966 300T": ("Canaan", "Avalon A1966", 300.0, 1),
    "Avalon Nano 9 6T": ("Canaan", "Avalon Nano 9", 6.0, 1),
    "Innosilicon T5H+ 60T": ("Innosilicon", "Innosilicon T5H+", 60.0, 1),
    "Ebang Ebit E15 50T": ("Ebang", "Ebang E15", 50.0, 1),
    "Bitdeer SealMiner A5 Pro Hyd 600T": ("Bitdeer", "SealMiner A5 Pro Hyd", 600.0, 1),
    "Auradine Teraflux AT3990 300T": ("Auradine", "Teraflux AT3990", 300.0, 1),
    "Goldshell KD9 40T": ("Goldshell", "Goldshell KD9", 40.0, 1),
    "Jasminer X99-Q 2G": ("Jasminer", "Jasminer X99-Q", 2000.0, 1),
    "Elphapex DG9 30G": ("Elphapex", "Elphapex DG9", 30.0, 1),
    "IceRiver KS9 20T": ("IceRiver", "IceRiver KS9", 20.0, 1),
    "Антмайнер S29 Hyd 700T б/у": ("Bitmain", "Antminer S29 Hyd", 700.0, 1),
    "Whatsminer M79S": ("MicroBT", "Whatsminer M79S", None, 1),
    "Antminer S29": ("Bitmain", "Antminer S29", None, 1),
    "Avalon A1999 brand new sealed": ("Canaan", "Avalon A1999", None, 1),
}

# the issue's examples: the model as written, whether or not the catalog has it by now
ISSUE = {
    "Whatsminer M67S": ("MicroBT", "Whatsminer M67S"),
    "Antminer S23 Hyd": ("Bitmain", "Antminer S23 Hyd"),
    "Avalon A1766": ("Canaan", "Avalon A1766"),
    "Antminer S21e XP Hyd 860T": ("Bitmain", "Antminer S21e XP Hyd"),
}

# parts and non-hardware that mention a model shape stay part / other
NOT_MINERS = {
    "Antminer S23 hashboard": "part",
    "Whatsminer M67S PSU": "part",
    "hosting for Antminer S23": "other",
    "Antminer S29 hashboard": "part",
    "Whatsminer M79S PSU": "part",
    "hosting for Antminer S29": "other",
    "Antminer S29 control board": "part",
    "Avalon A1999 fan": "part",
    "Bitmain 2024 annual report": "other",
    "Canaan 100 units": "other",
}


@pytest.mark.parametrize("title", list(OPEN))
def test_open_vocabulary_model_is_a_miner(title: str) -> None:
    maker, model, hashrate, quantity = OPEN[title]
    got = normalise(title)
    assert (got.kind, got.maker, got.model) == ("miner", maker, model)
    assert got.catalog_match is False
    assert got.hashrate == hashrate
    assert got.quantity == quantity
    assert got.reason is not None
    assert "not in the catalog" in got.reason
    assert got.confidence == (CONFIDENCE if hashrate else CONFIDENCE_NO_HASHRATE)
    assert got.confidence < normalise("Antminer S19j Pro 104T").confidence
    if got.algorithm == "SHA-256" and hashrate:
        assert got.hashrate_ths == hashrate
    else:
        assert got.hashrate_ths is None


def test_open_vocabulary_reads_power_efficiency_condition_and_cooling() -> None:
    got = normalise("Whatsminer M79S+ Hydro 420TH 5400W used")
    assert (got.power_w, got.efficiency_j_th, got.condition, got.cooling) == (
        5400,
        12.86,
        "used",
        "hydro",
    )
    got = normalise("Antminer S29 Hyd 700T 10 J/TH")
    assert (got.power_w, got.efficiency_j_th) == (7000, 10.0)
    got = normalise("Antminer S29 Pro 300T")
    assert (got.power_w, got.efficiency_j_th, got.cooling) == (None, None, None)


def test_a_reading_outside_the_shapes_range_is_not_its_hashrate() -> None:
    got = normalise("Avalon Nano 9 300T")  # a Nano is a few TH/s
    assert (got.model, got.hashrate, got.catalog_match) == ("Avalon Nano 9", None, False)


@pytest.mark.parametrize("title", list(ISSUE))
def test_issue_examples(title: str) -> None:
    maker, model = ISSUE[title]
    got = normalise(title)
    assert (got.kind, got.maker) == ("miner", maker)
    if got.catalog_match:
        assert got.model in {m.name for m in load_catalog().models}
    else:
        assert got.catalog_match is False
        assert got.model == model
    if "860T" in title:
        assert got.hashrate_ths == 860.0


@pytest.mark.parametrize("title", list(NOT_MINERS))
def test_parts_and_non_hardware_stay_out(title: str) -> None:
    got = normalise(title)
    assert got.kind == NOT_MINERS[title]
    assert got.catalog_match is None
    assert got.model is None


def test_catalog_models_say_catalog_match() -> None:
    got = normalise("Bitmain Antminer S19j Pro 104T")
    assert (got.model, got.catalog_match, got.reason) == ("Antminer S19j Pro", True, None)
    for model in load_catalog().models[:50]:
        assert normalise(model.name).catalog_match is True, model.name


def test_find_needs_the_family_word_before_the_code() -> None:
    assert find("s29 hyd 700t") is None  # no maker word: a code alone is not a model
    assert find("antminer for s29 700t") is None
    assert find("whatsminer m79s 300t") is not None


def test_families_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "families.yaml"
    bad.write_text(
        "version: 1\nfamilies:\n  - {maker: X, name: X, words: [x], shapes: "
        "[{code: 'a\\d', algorithm: SHA-256, unit: furlongs, range: [1, 2]}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unit"):
        load_families(bad)
    bad.write_text(
        "version: 1\nfamilies:\n  - {maker: X, name: X, words: ['(x'], shapes: "
        "[{code: 'a\\d', algorithm: SHA-256, unit: TH/s, range: [1, 2]}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="bad pattern"):
        load_families(bad)
    bad.write_text(
        "version: 1\nfamilies:\n  - {maker: X, name: X, words: [x], shapes: "
        "[{code: 'a\\d', algorithm: SHA-256, unit: TH/s, range: [2, 1]}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="range"):
        load_families(bad)
