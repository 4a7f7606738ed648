"""Title rules learnt from the nineteenth blind set (issue 13), each written for its whole class of
seller text over the languages the lexicon reads: a lot of parts rather than of machines, a voltage
converter, a trade-show dummy (a likeness, `other`: the decision of 2026-12-05), immersion-cooling
tanks in German and tanks sized in miners, chip re-soldering offered as a service in Russian, a
pair of parts in Chinese, a trailing "pair", "for the two" in Spanish and Portuguese, a Russian
rack's capacity written after the machines, and words of newness and use (never unboxed or
installed, factory fresh, preloved, second owner, Italian "mai usato", Turkish "hiç açılmadı",
Portuguese "caixa fechada", Spanish "de segunda", Hindi, Hebrew and Thai second hand, pulled in
Polish, Spanish and Indonesian, a "repair candidate"). The titles are invented for these tests
(none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M50S parts bundle, price for the lot",
        "lot of spare parts for Whatsminer M50, price for everything",
        "Lote de repuestos Antminer S19, precio por todo",
        "Step-down voltage converter 380V to 220V for S21 Hyd",
        "Spannungswandler 230V auf 110V für Bitaxe, gebraucht",
        "Convertidor de voltaje 110 a 220 para minero",
    ],
)
def test_a_part_that_names_a_model(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M60S dummy for shop window, no electronics",
        "Antminer S21 dummy unit for booth display",
    ],
)
def test_a_trade_show_dummy_is_a_likeness_not_a_part(title: str) -> None:
    assert normalise(title).kind == "other"


def test_machines_sold_for_parts_in_a_lot_stay_miners() -> None:
    r = normalise("Antminer S9 13.5T for parts lot of 3")
    assert (r.kind, r.quantity, r.condition) == ("miner", 3, "for_parts")


@pytest.mark.parametrize(
    "title",
    [
        "Immersionskühlung Tank, 8 Plätze, Pumpe inklusive",
        "Immersionskühlung Becken 2-phasig für Antminer S21",
        "Tank für 6 Miner, neu",
        "Перепайка чипов BM1398 на платах Antminer S19, Москва",
        "Ребоулинг и перепайка хешплат Whatsminer, гарантия",
    ],
)
def test_plant_and_services_are_other(title: str) -> None:
    assert normalise(title).kind == "other"


def test_a_miner_after_chip_resoldering_is_still_a_miner() -> None:
    r = normalise("Antminer S19j Pro 104T после перепайки чипов, хеширует")
    assert r.kind == "miner"


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("比特大陆 S19 电源线 一对", 2),
        ("Antminer S21 fan 12038 pair", 2),
        ("Fuentes APW12 par, precio por los dos", 2),
        ("Ventoinhas 12038 par, preço pelos dois", 2),
        ("Полка под асики на 8 штук, металл", 1),
        ("Стойка для майнеров на 20 мест", 1),
    ],
)
def test_pairs_and_capacities(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


@pytest.mark.parametrize(
    ("title", "condition"),
    [
        ("Antminer S21 XP 270T never unboxed", "new"),
        ("Whatsminer M60 172T, never installed, pallet", "new"),
        ("Avalon A1466 150T factory fresh", "new"),
        ("APW12 alimentatore Bitmain mai usato", "new"),
        ("Antminer S19k Pro 120T hiç açılmadı", "new"),
        ("Whatsminer M50 118T caixa fechada", "new"),
        ("Goldshell KD Box Pro, preloved, quiet", "used"),
        ("Antminer S19 95T, second owner, clean", "used"),
        ("Fuente APW3++ de segunda, funciona", "used"),
        ("Antminer S19 Pro 110T सेकंड हैंड", "used"),
        ("Antminer S21 200T יד שנייה", "used"),
        ("Antminer S19j Pro 100T ใช้งานมาแล้ว 6 เดือน", "used"),
        ("Zasilacz APW12 zdjęty z koparki, Kraków", "used"),
        ("Placa hash sacada de una S19j Pro", "used"),
        ("PSU APW9 copotan dari S17", "used"),
        ("Whatsminer M30S hashboard, repair candidate, no warranty", "for_parts"),
    ],
)
def test_condition_words(title: str, condition: str) -> None:
    assert normalise(title).condition == condition
