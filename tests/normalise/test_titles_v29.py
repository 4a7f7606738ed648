"""Title rules learnt from the twenty-ninth blind set (issue 13), each written for its whole
class of seller text: a miner's water-cooling loop kit ("hydro cooling loop kit", "water
cooling system", "Wasserkühlung", "система водяного охлаждения")
is a part, and a water pump heading a title is cooling plant; a NEMA plug name ("L6-30P",
"14-50P") is no rate in PH/s, so a cord named by it stays a part; "taken out of service" says
the unit has run, and so does a box "opened to test" ("вскрыта для проверки", "abierta para
revisar"); "есть N шт", "є N шт", "имеется N штук" count stock, not a lot. The titles
are invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Liquid cooling loop set with pump and radiator, for S19 Hydro",
        "Water cooling system, pump and radiator for Antminer S21 Hyd",
        "Cooling loop, pump and radiator for M33S++ hydro",
        "Wasserkühlung Set mit Pumpe und Radiator für S21 Hyd",
        "Система водяного охлаждения с насосом и радиатором для S21 Hyd",
    ],
)
def test_a_water_cooling_loop_kit_is_a_part(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("part", None)


@pytest.mark.parametrize(
    "title", ["Circulation pump 3kW for S21 Hyd", "Water pump for S19 Hydro, 5kW"]
)
def test_a_water_pump_heading_the_title_is_cooling_plant(title: str) -> None:
    assert normalise(title).kind == "other"


def test_a_hydro_miner_sold_with_its_plant_stays_a_miner() -> None:
    got = normalise("Antminer S19 Hydro 151T used, with water pump and radiator")
    assert (got.kind, got.model) == ("miner", "Antminer S19 Hyd")


@pytest.mark.parametrize(
    "title",
    [
        "NEMA L14-30P to C19 power cord 6ft, 10AWG",
        "6-30P to C13 power cord 8ft 14AWG",
        "C20 to L6-20P power cord 3m",
    ],
)
def test_a_cord_named_by_its_nema_plug_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19j Pro 104T, taken out of service last week",
        "Whatsminer M50 118T taken out of operation",
        "S19 XP 140T taken out of production",
    ],
)
def test_taken_out_of_service_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19k Pro 120T б/у, есть 4 шт",
        "Whatsminer M30S++ 106T б/у, є 6 шт",
        "Antminer L7 9050M б/у, имеется 3 штуки",
    ],
)
def test_a_stock_count_in_russian_or_ukrainian_is_one_unit(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.quantity) == ("miner", 1)


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S21 200T, box opened to test",
        "Antminer S19 95T коробка вскрыта для проверки",
        "Antminer S19 95T caja abierta para revisar",
    ],
)
def test_a_box_opened_to_check_the_unit_is_used(title: str) -> None:
    assert normalise(title).condition == "used"
