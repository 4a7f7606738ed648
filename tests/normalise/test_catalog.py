"""The bundled catalog validates, and its example titles are executable documentation."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.normalise.catalog import Example, Model, bundled_catalog_path, compact, load_catalog
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


def test_every_maker_family_of_issue_13_has_models() -> None:
    """The makers whose lineups issue 13 names each have catalog models, with the series it
    lists (Whatsminer M7x, Proto Rig, IceRiver AL/AE, Antminer AL1 Pro and KS7, L11)."""
    makers = {m.maker for m in CATALOG.models}
    assert {
        "Bitmain",
        "MicroBT",
        "Canaan",
        "Innosilicon",
        "Ebang",
        "Goldshell",
        "iPollo",
        "Jasminer",
        "Bitdeer",
        "Auradine",
        "Block",
        "Elphapex",
        "VolcMiner",
        "Fluminer",
        "IceRiver",
    } <= makers
    names = {m.name for m in CATALOG.models}
    assert {
        "Whatsminer M70S",
        "Whatsminer M73",
        "Whatsminer M66S++",
        "Proto Rig",
        "IceRiver AL3",
        "IceRiver AE2",
        "Antminer AL1 Pro",
        "Antminer KS7",
        "Antminer L11",
        "Avalon A16",
        "SealMiner A4 Pro Air",
        "Antminer S23 Immersion",
        "Jasminer X16-QE",
    } <= names


def test_sha256_efficiencies_are_plausible() -> None:
    """Between the best announced machine (Antminer S23 XP Hyd, 8.9 J/TH) and the 2016 S9 era."""
    for model in CATALOG.models:
        if model.algorithm != "SHA-256":
            continue
        for v in model.variants:
            ths = model.to_ths(v.hashrate)
            if v.power_w and ths and ths > 1:
                assert 8.5 <= v.power_w / ths <= 130, (model.name, v)


@pytest.mark.parametrize(("model", "example"), EXAMPLES, ids=lambda x: getattr(x, "title", ""))
def test_example_titles_normalise_to_their_model(model: Model, example: Example) -> None:
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


def test_names_with_the_maker_word_in_front_stay_that_model() -> None:
    """ "Bitmain S19 Hydro", "Bitdeer SealMiner A2 Hyd", "Antminer L11 Hyd": a name or alias with
    its maker's or brand's word in front is that model, never a shorter sibling whose alias
    starts with the maker word ("bitmain s19", "bitdeer sealminer a2")."""
    wrong = []
    for model in CATALOG.models:
        brand = model.name.split(" ", 1)[0]
        for name in (model.name, *model.aliases):
            for prefix in {model.maker, brand, f"{model.maker} {brand}"}:
                title = name if name.lower().startswith(prefix.lower()) else f"{prefix} {name}"
                got = normalise(title).model
                if got != model.name:
                    wrong.append((title, model.name, got))
    assert not wrong, wrong[:20]


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


@pytest.mark.parametrize(
    ("title", "model", "hashrate", "power_w"),
    [
        # lineup gaps filled for issue 13; each figure's source is in the model's `source`
        ("Canaan Avalon A16 282T", "Avalon A16", 282, 3900),
        ("Canaan Avalon A16XP 300T", "Avalon A16XP", 300, 3850),
        ("Canaan Avalon A16 XP 300T", "Avalon A16XP", 300, 3850),
        ("Canaan Avalon A15 194T", "Avalon A15", 194, 3647),
        ("Canaan Avalon A15 Pro 218T", "Avalon A15 Pro", 218, 3662),
        ("Avalon A1566 185T", "Avalon A1566", 185, 3420),
        ("Antminer KS7 40T", "Antminer KS7", 40, 3080),
        ("Antminer AL1 Pro 16.6T", "Antminer AL1 Pro", 16.6, 3730),
        ("Antminer AL1 15.6T", "Antminer AL1", 15.6, 3510),
        ("Fluminer L1 5.3G", "Fluminer L1", 5.3, None),
        ("Antminer L9 16.5G", "Antminer L9", 16.5, 3570),
        ("Antminer X9 1000KH/s", "Antminer X9", 1000, 2472),
        ("Antminer S5+ 7.72T", "Antminer S5+", 7.72, None),
        ("Antminer S5 1.155T", "Antminer S5", 1.155, None),
        ("Ebang E9++ 14T", "Ebang E9++", 14, 1330),
        ("Ebang E9+ 9T", "Ebang E9+", 9, None),
        ("Whatsminer M56S++ 230T", "Whatsminer M56S++", 230, 5060),
        ("Whatsminer M56S+ 220T", "Whatsminer M56S+", 220, None),
        ("Whatsminer M66S+ 314T", "Whatsminer M66S+", 314, 5338),
        ("Whatsminer M66S 250T", "Whatsminer M66S", 250, 4625),
        ("Whatsminer M66S++ 356T", "Whatsminer M66S++", 356, 5518),
        ("Whatsminer M66S+ 318T", "Whatsminer M66S+", 318, 5406),
        ("Whatsminer M60S++ 218T", "Whatsminer M60S++", 218, 3379),
        ("Whatsminer M70S 248T", "Whatsminer M70S", 248, 3348),
        ("Whatsminer M73 512T", "Whatsminer M73", 512, 7424),
        ("Whatsminer M73S+ 600T", "Whatsminer M73S+", 600, None),
        ("Whatsminer M76S+ 440T", "Whatsminer M76S+", 440, None),
        ("Bitdeer SealMiner A3 Pro Air 290T", "SealMiner A3 Pro Air", 290, 3625),
        ("Bitdeer SealMiner A3 Pro Hydro 660T", "SealMiner A3 Pro Hyd", 660, 8250),
        ("SealMiner A4 Pro Hyd 680T", "SealMiner A4 Pro Hyd", 680, 7412),
        ("SealMiner A2 Pro Air 270T", "SealMiner A2 Pro Air", 270, 4023),
        ("Block Proto Rig 819T", "Proto Rig", 819, 12000),
        ("Antminer S23 Imm 442T", "Antminer S23 Immersion", 442, 5304),
        ("Antminer S23 Hyd 580T", "Antminer S23 Hyd", 580, 5510),
        ("Antminer S23 318T", "Antminer S23", 318, 3498),
        ("Antminer S23e Hyd 2U 865T", "Antminer S23e Hyd 2U", 865, 8650),
        ("Antminer S23 XP Hyd 600T", "Antminer S23 XP Hyd", 600, 5340),
        ("Antminer S21j XP Hyd 495T", "Antminer S21j XP Hyd", 495, 5940),
        ("Antminer S21 XP Hyd 473T", "Antminer S21 XP Hyd", 473, 5676),
        ("Antminer L11 Hyd 2U 35G", "Antminer L11 Hyd 2U", 35, 5775),
        ("Antminer L11 Hyd 6U 33G", "Antminer L11 Hyd 6U", 33, 5676),
        ("Antminer L11 20G", "Antminer L11", 20, None),
        # written with the maker word in front, a longer sibling is not read as the base model
        ("Bitmain Antminer L11 Hyd 35G", "Antminer L11 Hyd 2U", 35, 5775),
        ("Antminer L11 Hydro 35G", "Antminer L11 Hyd 2U", 35, 5775),
        ("Bitmain S23 Imm 442T", "Antminer S23 Immersion", 442, 5304),
        ("Bitmain S23 XP Hydro 600T", "Antminer S23 XP Hyd", 600, 5340),
        ("Bitdeer SealMiner A3 Pro 290T", "SealMiner A3 Pro Air", 290, 3625),
        ("Bitdeer SealMiner A4 Pro Hydro 680T", "SealMiner A4 Pro Hyd", 680, 7412),
        ("FluMiner T3 115T", "Fluminer T3", 115, 1700),
        ("Auradine Teraflux AT2880 260T", "Teraflux AT2880", 260, 4160),
        ("IceRiver AL3 15T", "IceRiver AL3", 15, 3500),
        ("IceRiver AL0 400G", "IceRiver AL0", 400, None),
        ("IceRiver AE2 720M", "IceRiver AE2", 720, 1300),
        ("IceRiver KS0 100G", "IceRiver KS0", 100, None),
        ("Jasminer X16-QE 1750M", "Jasminer X16-QE", 1750, 578),
        ("Jasminer X16-Q 1950M", "Jasminer X16-Q", 1950, 620),
        ("Jasminer X4-1U 520M", "Jasminer X4-1U", 520, None),
        ("Jasminer X4-Q 1040M", "Jasminer X4-Q", 1040, None),
        ("iBeLink BM-KS Max 10.5T", "iBeLink KS Max", 10.5, 3400),
        ("U3S21EXPH 860T", "Antminer S21e XP Hyd 3U", 860, 11180),
    ],
)
def test_issue_13_lineup_gaps_are_catalog_models(
    title: str, model: str, hashrate: float, power_w: int | None
) -> None:
    """A model added to fill a maker's lineup is a catalog model (not an open-vocabulary guess),
    its bin gives the published power, and it takes no title from a neighbour ("AL1 Pro" vs
    "AL1" vs "L1", "X16-QE" vs "X16-Q", "E9++" vs "E9+", "S5+" vs "S5")."""
    got = normalise(title)
    assert (got.kind, got.model, got.catalog_match) == ("miner", model, True), got.reason
    assert got.hashrate == pytest.approx(hashrate)
    if power_w is not None:
        assert got.power_w == power_w


def test_unverified_figures_never_give_power() -> None:
    """data/catalog-sources.md: a model whose bins are marked unverified has no power, so no
    J/TH figure is invented from it; and every model says where its figures came from."""
    for m in CATALOG.models:
        assert m.source, m.name
        if "unverified" in m.source:
            assert not m.watts, m.name
