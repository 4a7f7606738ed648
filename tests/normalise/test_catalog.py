"""The bundled catalog validates, and its example titles are executable documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.normalise.catalog import bundled_catalog_path, compact, load_catalog
from monitor.normalise.titles import normalise

CATALOG = load_catalog()
EXAMPLES = [(m, e) for m in CATALOG.models for e in m.examples]


def test_catalog_is_large_and_unique() -> None:
    names = [m.name for m in CATALOG.models]
    assert len(names) >= 150
    assert len(set(names)) == len(names)
    makers = {m.maker for m in CATALOG.models}
    assert {"Bitmain", "MicroBT", "Canaan"} <= makers


def test_sha256_efficiencies_are_plausible() -> None:
    for model in CATALOG.models:
        if model.algorithm != "SHA-256":
            continue
        for v in model.variants:
            ths = model.to_ths(v.hashrate)
            if v.power_w and ths and ths > 1:
                assert 9 <= v.power_w / ths <= 130, (model.name, v)


@pytest.mark.parametrize(("model", "example"), EXAMPLES, ids=lambda x: getattr(x, "title", ""))
def test_example_titles_normalise_to_their_model(model, example) -> None:  # noqa: ANN001
    got = normalise(example.title)
    assert got.kind == "miner", got.reason
    assert got.model == model.name
    if example.hashrate is not None:
        assert got.hashrate == pytest.approx(example.hashrate)


def test_invalid_catalog_names_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text(
        "version: 1\nmodels:\n  - {name: X1, maker: M, algorithm: SHA-256, unit: TH/s, "
        "variants: [], colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"models\.0\.variants"):
        load_catalog(bad)


def test_colliding_aliases_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text(
        "version: 1\nmodels:\n"
        "  - {name: A1, maker: M, algorithm: SHA-256, unit: TH/s, aliases: [zz9], "
        "variants: [{hashrate: 1}]}\n"
        "  - {name: B1, maker: M, algorithm: SHA-256, unit: TH/s, aliases: [ZZ-9], "
        "variants: [{hashrate: 1}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="'zz9' names both"):
        load_catalog(bad)


def test_compact_keys() -> None:
    assert compact("S19j Pro") == compact("s19-j pro") == "s19jpro"
    assert compact("M30S++") == "m30s++"
    assert bundled_catalog_path().name == "catalog.yaml"
