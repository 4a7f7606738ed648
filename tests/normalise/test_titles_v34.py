"""Title rules learnt from the thirty-fourth blind set (issue 13), each written for its whole
class of seller text: firmware flashing or installing offered as a service ("flashing done for
whole farms", "install for fleets", "per-machine fee") is other; an empty housing ("housing only,
no hashboards") is a part, its lack of boards no condition; heat-reuse plant (a water heater, a
heat exchanger for a greenhouse, pool or home) is other, not the hydro miner it names; a count
of chips with the chip's code ("six BM1366 chips", "6x BM1366 chips") describes the miner a
title names with a rate; a count of faulty pieces heading a title ("Two dead chips ...") is a
fault's count, not a lot; a fan set's count of fans ("fan set ..., 2 fans") is a lot of them;
an Indonesian or Malay rack's capacity ("untuk miner 12 unit", "muat 8 unit", "kapasitas 6
miner") is no lot; made to order ("под заказ", "на заказ", "made to order", "sob encomenda",
"定做") is new, as a preorder; "for repair shops", "для ремонтников" name the buyer, not a fault;
German "getestetes", "getestete" (inflected "getestet") is used; and where or when a unit ran
("ran it in the garage", "ran last winter", "ran fine until ...") is used, while "runs on 220V"
stays a spec. The titles are invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Vnish flashing done for entire farms, S19/S21, per-machine fee",
        "LuxOS install for large fleets, any Antminer model",
        "Hiveon ASIC firmware setup service, S19j Pro and S21",
        "Braiins OS+ flashing, T21 and S21 supported, per-unit fee",
        "Firmware installation for whole farms, Whatsminer M30S/M50",
        "Прошивка асиков S19 удалённо, Vnish",
        "远程刷机 S19 全系列",
    ],
)
def test_firmware_flashing_offered_is_a_service(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("Antminer S19j Pro 100T, Vnish installed, used", "Antminer S19j Pro"),
        ("Antminer S19 XP 141T flashed with Braiins OS+", "Antminer S19 XP"),
    ],
)
def test_a_miner_with_firmware_on_it_stays_a_miner(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19j Pro housing only, no hashboards",
        "Empty Whatsminer M50 housing, no boards",
        "Avalon 1246 housing alone, without hash boards",
        "Корпус Antminer S19 без плат",
        "M30S 机箱 空壳",
        "S21 chassis only, no hashboards, fans included",
    ],
)
def test_an_empty_housing_is_a_part_with_no_condition(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == ("part", "unknown")


@pytest.mark.parametrize(
    "title",
    ["Antminer S19 95T, no hashboards, for parts", "Whatsminer M30S 88T without hashboards"],
)
def test_a_miner_without_boards_stays_a_miner_for_parts(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == ("miner", "for_parts")


@pytest.mark.parametrize(
    "title",
    [
        "Heat reuse water heater for S19 Hyd, 300 litre",
        "Water heater kit running on Antminer S21 Hyd heat, for home",
        "Heat recovery boiler for S19 XP Hyd, new",
        "Heat exchanger for S21 Hyd, for swimming pool",
        "Plate heat exchanger 60kW for M53S, for greenhouse",
    ],
)
def test_heat_reuse_plant_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


def test_a_hydro_miners_own_heat_exchanger_stays_a_part() -> None:
    assert normalise("Heat exchanger for Antminer S21 Hyd").kind == "part"


@pytest.mark.parametrize(
    ("title", "model", "ths"),
    [
        ("Bitaxe Hex 3.1TH, 6 BM1366 chips, new", "Bitaxe Hex", 3.1),
        ("Used Bitaxe Hex, six BM1366 chips, 3TH", "Bitaxe Hex", 3.0),
        ("Bitaxe Hex 6x BM1366 chips 3.2TH", "Bitaxe Hex", 3.2),
    ],
)
def test_a_chip_count_with_its_code_describes_the_miner(title: str, model: str, ths: float) -> None:
    got = normalise(title)
    assert (got.kind, got.model, got.hashrate_ths) == ("miner", model, ths)


@pytest.mark.parametrize("title", ["BM1366 chips for Bitaxe repair, 50 pcs", "4 BM1370 chips"])
def test_chips_sold_stay_parts(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "Three dead chips on this S19j Pro hashboard, for parts",
        "Two bad chips on my S21 hashboard, sold for parts",
        "Two faulty boards inside, Antminer S19 95T for parts",
    ],
)
def test_a_count_of_faulty_pieces_is_no_lot(title: str) -> None:
    assert normalise(title).quantity == 1


def test_a_count_heading_a_title_is_still_a_lot() -> None:
    assert normalise("Three Antminer S19 95T, used").quantity == 3


@pytest.mark.parametrize(
    ("title", "n"),
    [
        ("Fan set for Antminer S19, 4 fans, 12038", 4),
        ("Fan kit for Whatsminer M30S - 2 fans, used", 2),
        ("Cooling fan set for Avalon 1246, 2x fans", 2),
        ("4 fans set for S21, new", 4),
        ("Lot of 4 fans 12038 for S19", 4),
    ],
)
def test_a_fan_set_counts_its_fans(title: str, n: int) -> None:
    assert normalise(title).quantity == n


@pytest.mark.parametrize(
    "title",
    ["Antminer S19 95T with new fans", "Antminer S19 95T with 4 fans, used"],
)
def test_a_miner_with_fans_stays_one_miner(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.quantity) == ("miner", 1)


@pytest.mark.parametrize(
    "title",
    [
        "Rak besi untuk 8 unit miner",
        "Rak miner muat 10 unit, besi tebal",
        "Rak ASIC kapasitas 6 miner",
        "Rak besi untuk miner 16 unit, Jakarta",
    ],
)
def test_a_racks_capacity_in_indonesian_is_no_lot(title: str) -> None:
    assert normalise(title).quantity == 1


@pytest.mark.parametrize(
    "title",
    [
        "Шумобокс для Whatsminer M50 под заказ",
        "Корпус для S21 на заказ",
        "Шумобокс для асика під замовлення",
        "Noise box for S19, made to order",
        "Caixa acústica para S19 sob encomenda",
        "S19 静音箱 定做",
    ],
)
def test_made_to_order_is_new(title: str) -> None:
    assert normalise(title).condition == "new"


@pytest.mark.parametrize(
    "title",
    [
        "Hashboard test fixture for S21, for repair shops",
        "Repair jig for Whatsminer boards, for repairers",
        "Тестер хешплат S19 для ремонтников",
    ],
)
def test_the_buyer_named_is_no_fault(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == ("part", "unknown")


def test_for_repair_is_still_a_fault() -> None:
    assert normalise("Antminer S19 95T, for repair").condition == "for_parts"


@pytest.mark.parametrize(
    "title",
    [
        "Getestetes Netzteil APW12 für S19",
        "Getestete Hashboards aus einem S19j Pro",
        "Antminer S19 95T, getesteter Zustand",
    ],
)
def test_inflected_getestet_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T, ran it in the basement all winter",
        "Whatsminer M30S 88T, ran in my garage for a year",
        "Avalon Nano 3 4TH, ran last winter as a heater",
        "Antminer S21 200T, ran fine until I moved",
        "Antminer S19j Pro 100T, ran on our farm, pulled for upgrade",
    ],
)
def test_where_or_when_it_ran_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    ["Antminer S19 95T, runs on 220V", "Avalon Nano 3 4TH, runs quiet"],
)
def test_how_it_runs_stays_no_claim(title: str) -> None:
    assert normalise(title).condition == "unknown"
