"""Title rules learnt from the seventeenth and eighteenth blind sets (issue 13), each written for
its whole class of seller text over the languages the lexicon reads: power bricks, supply units,
spare fans in German compounds, 3D-printed stands and mounts, a model's single board, coolers and
a "quad-chip" machine, empty boxes described before the box, paid work on the buyer's fleet,
repair shops in Chinese, a Bitaxe written variant first and in Korean, new goods in Chinese, the
words of use and newness in French, Romanian, Hungarian, Arabic and Portuguese, "tested" in
German, Spanish, Portuguese, French and Italian, and a price stated "for 1" in Russian and a
connector count after "x". The titles are invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


# Parts whose one word was missing: a power brick, a supply unit, a spare fan or PSU in a
# German compound, a 3D-printed piece, a stand or mount, a copper/CPU cooler, a model's board.
@pytest.mark.parametrize(
    "title",
    [
        "19V brick for Goldshell Mini DOGE, works",
        "MicroBT P222C supply unit, from a M50 farm",
        "Bitmain supply unit APW for S19 series",
        "Ersatzlüfter für Antminer S21, 2 Stück",
        "Ersatznetzteil Whatsminer M30S, gebraucht",
        "Bitaxe Supra 3D printed base",
        "Whatsminer M50S intake, 3D-printed PETG",
        "desk stand for Avalon Nano 3S, walnut",
        "wall mount for Antminer S19j Pro 104T",
        "display stand for Bitaxe Gamma 601",
        "copper cooler 60mm for NerdQAxe+",
        "CPU cooler for Bitaxe Ultra",
        "Antminer S19 XP board (one of 3), works",
        "T21 board from a dead unit",
        "S19j Pro 板子 一块 拆机",
    ],
)
def test_a_part_named_by_its_missing_word(title: str) -> None:
    got = normalise(title)
    assert got.kind == "part", got.reason


# ... and the same words where the title sells the machine itself.
@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("Antminer S19j Pro 104T, all boards hashing", "Antminer S19j Pro"),
        ("NerdQAxe+ quad-chip 2.5T, boxed", "NerdQAxe+"),
        ("Bitaxe Hex 3TH hex-chip board, new", "Bitaxe Hex"),
        ("Antminer S21 200T with control board replaced", "Antminer S21"),
    ],
)
def test_the_machine_keeps_its_board_and_chip_count(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model), got.reason


# Empty boxes and paid work are no miner, whatever words sit between.
@pytest.mark.parametrize(
    "title",
    [
        "Пустая фирменная коробка Antminer S21",
        "Пустая картонная упаковка Whatsminer M60S",
        "Braiins OS flashing for your Antminer S19 fleet, per machine fee",
        "Autotuning setup for your whole S21 miners, price per unit",
        "Braiins install for your S19 fleet, remote",
        "专业修理 神马 M30S 整机",
        "專業維修 螞蟻 S19 整機",
        "S21 修不好不收费 哈希板",
    ],
)
def test_no_miner_is_sold(title: str) -> None:
    got = normalise(title)
    assert got.kind == "other", got.reason


# A Bitaxe written variant first, and Korean and Japanese names of Bitaxe and Gamma.
@pytest.mark.parametrize(
    ("title", "model", "ths"),
    [
        ("Supra Bitaxe 600GH, ran a month", "Bitaxe Supra", 0.6),
        ("Gamma Bitaxe 1.2TH solo lottery", "Bitaxe Gamma", 1.2),
        ("ultra bitaxe 500 GH/s", "Bitaxe Ultra", 0.5),
        ("비트액스 감마 1.2TH 중고", "Bitaxe Gamma", 1.2),
        ("ビットアックス ガンマ 1.2TH 新品", "Bitaxe Gamma", 1.2),
    ],
)
def test_a_bitaxe_by_any_name_order(title: str, model: str, ths: float) -> None:
    got = normalise(title)
    assert (got.kind, got.model, got.hashrate_ths) == ("miner", model, ths)


@pytest.mark.parametrize(
    ("title", "condition"),
    [
        # new goods in Chinese ("新机", "新货"), never the refurbished "翻新机"
        ("神马 M60S 172T 新机 现货", "new"),
        ("蚂蚁 S21 200T 新貨 到港", "new"),
        ("蚂蚁 S19 95T 翻新机", "refurbished"),
        # used: French, Romanian, Hungarian, Arabic
        ("Antminer S19k Pro 115T utilisé 8 mois", "used"),
        ("Whatsminer M30S+ 100T, rulat 3 luni", "used"),
        ("Antminer S21 200TH, 4 hónapot futott", "used"),
        ("انتماينر S19 95 تيرا استعمال شهرين", "used"),
        # used: English words of use
        ("Avalon A1246 90T previously owned, Calgary", "used"),
        ("Antminer S19 XP 140T LOW HOURS", "used"),
        ("Bitaxe Gamma 1.2T barely ran, boxed", "used"),
        ("Whatsminer M31S 76T running for 6 months at my farm", "used"),
        ("APW12 taken out of a running S19, ok", "used"),
        ("S19j Pro hashboard, runs on tester 34T", "used"),
        # new: French and Portuguese
        ("Antminer S21 Pro 234T jamais servie", "new"),
        ("Whatsminer M66S 298T, carton scellé", "new"),
        ("Antminer S21 XP 270T zerado na caixa", "new"),
        # tested: used, in German, Spanish, Portuguese, French, Italian
        ("Antminer S19 95T getestet", "used"),
        ("Whatsminer M30S 88T probado en casa", "used"),
        ("Antminer T21 190T testada, nota fiscal", "used"),
        ("Avalon A1366 130T testé OK", "used"),
        ("Antminer S19j 90T testato funzionante", "used"),
        # ... but not "non testé", "non testato": untested
        ("Antminer S9 13.5T, non testé", "unknown"),
        ("Avalon 1246 85T non testato", "unknown"),
    ],
)
def test_condition_words(title: str, condition: str) -> None:
    assert normalise(title).condition == condition


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        # "цена за 1", "цена указана за 1" beside a stock count: the price buys one
        ("Antminer S21 200T, новые, 20 штук на складе, цена за 1", 1),
        ("Whatsminer M50 118T новые, 12 штук, цена указана за 1.", 1),
        # a connector count after "x" is what a part has, not a lot
        ("Breakout board for HP 1200W PSU - 16 x PCIe", 1),
        ("USB hub 4x USB for Bitaxe farm", 1),
        # ... while a count of machines after "x" still is
        ("2 x Antminer S19 95T, price for both", 2),
    ],
)
def test_quantity(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity
