"""The bundled catalog validates, and its example titles are executable documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.normalise.catalog import Model, bundled_catalog_path, compact, load_catalog
from monitor.normalise.titles import normalise

CATALOG = load_catalog()
EXAMPLES = [(m, e) for m in CATALOG.models for e in m.examples]
NAMES = [(m, n) for m in CATALOG.models for n in (m.name, *m.aliases)]


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


@pytest.mark.parametrize(("model", "name"), NAMES, ids=lambda x: x if isinstance(x, str) else "")
def test_every_name_and_alias_normalises_to_its_model(model: Model, name: str) -> None:
    """A model name or alias written plainly ("Whatsminer M31SE", "Antminer S19 Pro+") is that
    model, never a shorter one ("S19 Pro") nor a part or other listing."""
    got = normalise(name)
    assert got.kind == "miner", got.reason
    assert got.model == model.name


@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M31SE",
        "Whatsminer M30",
        "Whatsminer M53S+",
        "Antminer S19i",
        "Antminer S19+",
        "Antminer S19 Pro+",
        "Innosilicon T3H+",
        "Auradine AT2860",
        "Avalon A1066 Pro",
    ],
)
def test_issue_13_names_are_in_the_catalog(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", title.replace("Auradine", "Teraflux"))
    assert CATALOG.by_key[compact(title.replace("Auradine", "Teraflux"))][0].source


def test_source_is_short_text(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text(
        "version: 1\nmodels:\n  - {name: X1, maker: M, algorithm: SHA-256, unit: TH/s, "
        "variants: [{hashrate: 1}], source: ' '}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"models\.0\.source"):
        load_catalog(bad)
    sourced = [m for m in CATALOG.models if m.source]
    assert len(sourced) >= 40


def test_short_keys_never_read_a_count_or_version_as_a_model() -> None:
    """ "Antminer X5" and "iPollo V1" are matched by their full names only: "x5" in a title is
    a count, "v1" a version."""
    assert "x5" not in CATALOG.by_key
    assert "v1" not in CATALOG.by_key
    assert normalise("Antminer X5 212KH/s").model == "Antminer X5"
    assert normalise("Whatsminer M30S++ 112T x5").model == "Whatsminer M30S++"
