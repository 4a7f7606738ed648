"""Title rules learnt from the thirty-second blind set (issue 13), each written for its whole
class of seller text: cooling plant sized in miners (a heat exchanger, radiator or cooling loop
"for 10 hydro miners") is the site's, not a part, while a radiator for one miner stays a part; a
fault said of the machine a part was taken from ("pulled from a unit with a dead PSU") is that
machine's; a count after a sale verb heading the title, with "одним лотом" or "цена за все", is a
lot; barely used and almost new ("почти не пользовался", "мало пользовался", "почти новый",
"casi sin uso", "kaum benutzt") is used; Indonesian "second" after a model code ("S19 second") is
used; a time on a site ("2 years on a farm", "18 months in operation", "2 года на ферме") is used;
a PSU named by its maker's code ("PS1100", "P221C", "<code> supply") and the Ukrainian "БЖ" (блок
живлення) are parts; a box sold without its machine in Chinese, Japanese and Korean ("只有箱子",
"箱のみ", "박스만") is packaging. The titles are invented for these tests (none is a labelled-set
line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Plate heat exchanger for 24 hydro miners, stainless",
        "Heat exchanger for up to 8 S21 Hyd units",
        "Radiator for 6 hydro miners with fans, outdoor",
        "Water cooling system for 12 miners, complete",
        "Wärmetauscher für 8 Miner, Edelstahl",
        "Intercambiador de calor para 12 mineros hydro",
        "Теплообменник на 10 асиков, б/у",
    ],
)
def test_cooling_plant_sized_in_miners_is_other(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("other", None)


@pytest.mark.parametrize(
    "title",
    [
        "Radiator 360mm for one S19 Hydro, used",
        "Hydro cooling loop kit for S21 Hyd",
        "Heat exchanger for Whatsminer M53S, new",
    ],
)
def test_cooling_for_one_miner_stays_a_part(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("part", None)


@pytest.mark.parametrize(
    "title",
    [
        "S19 hashboard, used, taken from a miner with a burnt PSU",
        "APW12 power supply pulled from an S19 with a dead control board",
        "Control board from a broken S9, works",
        "Fan 12038 off a unit that had a faulty hashboard, used",
        "Hashboard aus einem Miner mit defektem Netzteil, gebraucht",
        "Хешборд S19, снят с асика со сгоревшим БП, б/у",
    ],
)
def test_the_donor_machines_fault_is_not_the_parts(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == ("part", "used")


@pytest.mark.parametrize(
    "title", ["S19 hashboard pulled, dead", "APW12 PSU from S19, faulty", "Hashboard S19 dead chip"]
)
def test_the_parts_own_fault_still_counts(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == ("part", "for_parts")


def test_a_miners_fault_still_counts() -> None:
    assert normalise("S19 95T pulled from a farm with a dead hashboard").condition == "for_parts"


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("Продаю два S19j Pro 100Th одним лотом", 2),
        ("Отдам пять M30S 88T, цена за все, самовывоз", 5),
        ("Продам 4 L7 9500 одним лотом, Москва", 4),
        ("Selling 3 Antminer S19 95T as one lot", 3),
        ("Vendo 2 S19 95T en un solo lote", 2),
    ],
)
def test_a_count_after_a_sale_verb_and_a_lot_word_is_a_lot(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


@pytest.mark.parametrize(
    "title",
    [
        "Продаю 3 S19 95T, цена за шт",
        "Отдам 2 S19 95T, есть ещё",
        "Selling 3 Antminer S19 95T, price each",
    ],
)
def test_a_count_after_a_sale_verb_alone_is_no_lot(title: str) -> None:
    assert normalise(title).quantity == 1


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S21 200T, мало пользовался",
        "Whatsminer M50 118T почти новый",
        "S19j Pro 104T, практически новая",
        "Avalon A1466 150T як новий",
        "Antminer L7 9500M, майже не використовувався",
        "Antminer S19 95T casi sin uso",
        "Whatsminer M30S 88T quase sem uso",
        "Antminer S19 95T kaum benutzt",
    ],
)
def test_barely_used_and_almost_new_are_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    ["Antminer S21 200T, ни разу не использовался", "Antminer S19 95T новый", "S19 95T sin uso"],
)
def test_never_used_stays_new(title: str) -> None:
    assert normalise(title).condition == "new"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer L7 9500M second",
        "Fan 12038 untuk Whatsminer M50 second",
        "IceRiver KS0 second, Jakarta",
        "Kipas untuk APW12 second",
    ],
)
def test_indonesian_second_after_a_model_code_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    ["Antminer S19 95T, fans ramp up in 30 second", "S19 95T, reboot takes 90 second"],
)
def test_a_bare_number_of_seconds_is_no_condition(title: str) -> None:
    assert normalise(title).condition == "unknown"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T, 2 years on a farm",
        "Whatsminer M30S 88T, 18 months in operation",
        "Immersion tank for 6 miners, 1 year at our site",
        "Antminer S21 200T, 3 mos on a farm",
        "Antminer S19j Pro 104T, 2 Jahre im Betrieb",
        "Whatsminer M50 118T, 8 meses en operación",
        "Antminer S19 95T, 2 года на ферме",
        "Whatsminer M30S 88T, рік на фермі",
    ],
)
def test_a_time_on_a_site_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    [
        "PS1300 supply for Avalon A1366, new",
        "Canaan PS1100 PSU, used",
        "P222B power supply for Whatsminer M50, used",
        "Whatsminer P221B, tested",
        "A1246 supply, pulled, tested",
        "БЖ для Whatsminer M30S, новий",
        "Блок живлення P222C від Whatsminer, б/в",
    ],
)
def test_a_psu_named_by_its_code_is_a_part(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("part", None)


@pytest.mark.parametrize(
    "title",
    [
        "S21矿机 纸箱 只有箱子",
        "神马M50 包装 仅纸箱",
        "Antminer S19 外箱のみ",
        "S19 박스만 판매",
    ],
)
def test_a_box_without_its_machine_is_other(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("other", None)


def test_a_miner_with_its_carton_stays_a_miner() -> None:
    got = normalise("S19 95T 矿机 带纸箱 全新")
    assert (got.kind, got.model) == ("miner", "Antminer S19")
