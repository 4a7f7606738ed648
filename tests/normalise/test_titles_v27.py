"""Title rules learnt from the twenty-seventh blind set (issue 13), each written for its whole
class of seller text: a product in the style of a miner model ("S9 style heater", "estilo
Antminer S9", "im S9-Stil", "в стиле S9") is not the miner; network cables are other, not a
miner's part; immersion fluid heading a title is cooling plant; Indonesian and Malay "rusak",
"rosak", "tidak berfungsi" and Spanish/Portuguese "con falla", "com falha", "fallado" are
faults; hosting sold has no condition of its own ("new containers" are the site's); "N piece
set" is a lot of N. The titles are invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 style space heater 1200W, quiet",
        "S9-styled desk lamp, decor",
        "Whatsminer M30S shaped bluetooth speaker",
        "S19 Pro look heater for garage",
        "Calentador estilo Antminer S9 1500W",
        "Radiateur style Antminer S9 pour maison",
        "Heizlüfter im S9-Stil, 1500W",
        "Обогреватель в стиле Antminer S9",
        "Grzejnik w stylu Antminer S9",
        "Stufa stile Antminer S9",
    ],
)
def test_a_product_in_the_style_of_a_model_is_not_the_miner(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T used, looks good",
        "Antminer S19j Pro 104T, new style PSU included",
    ],
)
def test_a_miner_described_with_look_or_style_stays_a_miner(title: str) -> None:
    assert normalise(title).kind == "miner"


@pytest.mark.parametrize(
    "title",
    [
        "Network cables 2m for mining farm, bag of 20",
        "Cables de red Cat6 para granja minera",
    ],
)
def test_network_cables_are_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "Dielectric fluid 20L for immersion tank",
        "Dielectric fluid 200L for S19 immersion",  # (was read as a part, before the convention)
    ],
)
def test_immersion_fluid_heading_the_title_is_cooling_plant(title: str) -> None:
    assert normalise(title).kind == "other"


def test_a_miner_pulled_from_dielectric_fluid_stays_a_miner() -> None:
    r = normalise("Antminer S21 Immersion 301T, pulled from dielectric fluid, used")
    assert (r.kind, r.condition) == ("miner", "used")


@pytest.mark.parametrize(
    "title",
    [
        "Hashboard S21 rusak, untuk perbaikan",
        "Hashboard S19j Pro rosak",
        "Hashboard M30S tidak berfungsi",
        "Hashboard S19 con fallas",
        "Placa hash S19 com falha",
        "Placa hash S19 Pro fallada",
    ],
)
def test_broken_and_faulty_in_indonesian_spanish_portuguese_are_for_parts(title: str) -> None:
    r = normalise(title)
    assert (r.kind, r.condition) == ("part", "for_parts")


@pytest.mark.parametrize(
    "title",
    [
        "Texas hosting 5.5 cents per kWh, brand new facility",
        "Hosting in Ethiopia new site $0.05/kWh",
        "Colocation Paraguay 0.045/kWh new containers",
    ],
)
def test_hosting_has_no_condition_of_its_own(title: str) -> None:
    r = normalise(title)
    assert (r.kind, r.condition) == ("other", "unknown")


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("Thermal pads for S19 hashboards - 12 piece set", 12),
        ("Fan dust filter 6-piece pack for S21", 6),
        ("Staubfilter für S19 Lüfter, 8-teiliges Set", 8),
    ],
)
def test_a_set_of_n_pieces_is_a_lot_of_n(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity
