"""Title rules learnt from the twenty-sixth blind set (issue 13), each written for its whole
class of seller text: a hashboard called a "chain board"; a part heading the rest after a model
and its rate ("one hash board ~7T"); a PSU code sold for several miners after "used + tested"
(the "+" joins two states, not an accessory); firmware work offered on the buyer's fleet ("we
flash and autotune your ..."); a Polish shelf ("regał"); a miner-style space heater; Cyrillic
"ХП" as XP; Ebang's Chinese name "翼比特"; "九五成新" as used; "на разбор" as for parts; a time
it ran ("lief 14 Monate", "ran it ... since spring") as used; a count of units held at a place
("8 pcs at ... bonded", "40 units Hong Kong") as stock; "bulk N" as a lot; "N miner slots" as
capacity; repair shops named after "for" as who buys. The titles are invented for these tests
(none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "S19 XP 140T chain board, pulled from a working unit",
        "Antminer T19 84 TH chainboard - tested",
        "Spare chain boards for S19j Pro, lot of 3",
    ],
)
def test_a_chain_board_is_a_hashboard(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "S19 Pro (110T) one hash board ~36T, used",
        "Antminer T21 190T one hashboard 63T pulled",
    ],
)
def test_one_board_after_the_rate_with_its_own_rate_is_the_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "Used + tested APW17 for S21, S21 Pro or T21",
        "New + boxed Bitmain APW121215 for S19 XP / S19k Pro",
    ],
)
def test_a_plus_joining_states_makes_no_accessory(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "We flash and autotune your M30S fleet with custom firmware",
        "I tune your S21 miners remotely w/ LuxOS, per machine fee",
        "Autotune your S19 machines - on site visit",
    ],
)
def test_firmware_work_on_the_buyers_machines_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    ["Regał stalowy na 12 koparek S19", "Regały na koparki ASIC, 5 półek, mocne"],
)
def test_a_polish_shelf_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


def test_a_miner_style_heater_without_boards_is_only_described() -> None:
    got = normalise("ASIC-style room heater, no hashboards inside, quiet fans")
    assert (got.kind, got.condition) == ("other", "unknown")


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("Асик С19 ХП 140т б/у", "Antminer S19 XP"),
        ("翼比特E12+ 50T 二手", "Ebang E12+"),
        ("翼比特E10 18T 能用", "Ebang E10"),
    ],
)
def test_cyrillic_xp_and_ebangs_chinese_names(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)


@pytest.mark.parametrize(
    ("title", "condition"),
    [
        ("神马M30S++ 112T 九五成新", "used"),
        ("蚂蚁S19 95T 九成五新 深圳", "used"),
        ("Whatsminer M31S 76T на разбор", "for_parts"),
        ("Antminer L7 9500M под разбор, без блока", "for_parts"),
        ("Antminer S19 95 TH, lief 8 Monate in der Garage", "used"),
        ("Verkaufe T19 84TH, lief ca. 2 Jahre", "used"),
        ("Antminer L7 9.5G, ran it on doge since last winter", "used"),
        ("S19k Pro 120T, ran since 2024 in a shed", "used"),
    ],
)
def test_conditions_learnt(title: str, condition: str) -> None:
    assert normalise(title).condition == condition


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("Antminer S21 200T new, 12 pcs at Dubai warehouse", 1),
        ("Whatsminer M60S 186T - 30 units Shenzhen", 1),
        ("bulk 15 APW12 PSUs, untested", 15),
        ("Immersion tank kit (6 miner slots) with pump", 1),
    ],
)
def test_stock_at_a_place_bulk_lots_and_slots(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


def test_repair_shops_after_for_are_who_buys() -> None:
    got = normalise("(50pcs) BM1366 chips, new, for S19 XP hashboard repair shops")
    assert (got.kind, got.quantity) == ("part", 50)
