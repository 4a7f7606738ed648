"""Title rules learnt from the fourteenth blind set (issue 13), each written for its whole class
of seller text over the languages the lexicon reads: the box without the machine, immersion
tanks and tubs, abbreviated control boards, a board sold on its own in Chinese or with the maker
named after it, where a miner came from ("off a hosting contract"), Icelandic conditions, the
price for all of a lot or for one in Russian, a non-miner's missing hashboards, mounts, hoods
and shells, parts named in more languages, and hashrate or machines to let. The titles are
invented for these tests (none is a labelled-set line)."""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


# The packaging without the machine, however the seller says the machine is not in it.
@pytest.mark.parametrize(
    "title",
    [
        "Leere Original-Verpackung Antminer S21, nur Karton",
        "Leere Schachtel von Whatsminer M50S mit Schaumstoff",
        "Whatsminer M30S++ Karton mit Styropor, ohne Gerät",
        "Antminer S19 original packaging (no miner)",
        "S21 Pro retail box w/ foam, empty",
        "Box for Antminer L7 with inserts, without the miner",
        "Caixa original Antminer S19, sem o minerador",
        "Scatola originale Whatsminer M50, senza miner",
        "Caja Antminer S19k Pro, sin minero",
        "Коробка пустая, Whatsminer M50S",
        "Упаковка Whatsminer M30S++ - пустая",
        "Упаковка Antminer S19 с пенопластом, без асика",
        "蚂蚁S19 原装包装盒 不含矿机",
        "Pudełko Antminer S19, bez koparki",
        "Antminer S19 boş kutu",
        "Lege doos Whatsminer M30S",
        "Antminer S19 Verpackung ohne Inhalt",
        "Whatsminer M50S - nur Originalkarton",
        "Antminer S21 solo la caja original",
        "Whatsminer M30S só a caixa",
        "Carton seul Antminer S19 XP",
        "Antminer S19j Pro только коробка",
    ],
)
def test_the_box_without_the_machine_is_not_a_miner(title: str) -> None:
    assert normalise(title).kind == "other"


# ... while a miner sold without an accessory, or with its box, stays a miner.
@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M50S 126T mit Karton, ohne Netzteil",
        "Antminer S19 95T used, without PSU, original box",
        "Antminer S21 200T sem fonte, usado",
        "蚂蚁S19 95T 不含电源 二手",
    ],
)
def test_a_miner_without_an_accessory_stays_a_miner(title: str) -> None:
    assert normalise(title).kind == "miner"


# An immersion tank, tub, bath or vat is plant, in any language, and "for four S21" is what it
# holds, not a lot.
@pytest.mark.parametrize(
    "title",
    [
        "Immersion tub for four Antminer S19 Hyd units, new",
        "Immersion bath sized for 6 S21 Imm, single phase",
        "Immersionstank für 4 Antminer S21 Imm",
        "Tanque de inmersión para 8 mineros S19",
        "Cuve d'immersion pour Antminer S19, 4 places",
        "Vasca ad immersione per Whatsminer M50",
        "Иммерсионная ванна на 4 асика S19, новая",
        "浸没式液冷箱 可放8台 S19",
    ],
)
def test_an_immersion_tank_is_not_a_miner(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.quantity) == ("other", 1)


def test_a_miner_that_ran_in_an_immersion_tank_stays_a_miner() -> None:
    got = normalise("Antminer S19 XP 140T used, ran in an immersion tub")
    assert (got.kind, got.model) == ("miner", "Antminer S19 XP")


# A control board written short ("ctrl board", "cntrl-board", "contr. board") is a part.
@pytest.mark.parametrize(
    "title",
    [
        "Ctrl board for Antminer S19 Pro, Xilinx, tested",
        "S19j Pro cntrl-board, used",
        "Contr. board Whatsminer M30S CB4",
        "Antminer T19 ctl board",
        "S19 XP ctrl brd, pulled",
        "M50S hash brd, working",
        "Pwr supply for Antminer S19, used",
    ],
)
def test_an_abbreviated_control_board_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


def test_a_miner_with_its_ctrl_board_replaced_stays_a_miner() -> None:
    assert normalise("Antminer S19 95T with ctrl board replaced").kind == "miner"


# A board after the rate, then only "one piece" (单块, 单片, 單塊) or the maker's name again and
# words of the sale: the board is what is sold.
@pytest.mark.parametrize(
    "title",
    [
        "神马M30S 88T 算力板 单片 测试好",
        "S19 95T 哈希板 單塊",
        "L7 9500M 算力板 单张 测试好",
        "S19j Pro 104T hash board Antminer tested",
        "M30S++ 112T hashboard whatsminer, new",
    ],
)
def test_a_single_board_after_the_rate_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


# Where the miner came from is no hosting contract for sale.
@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 Pro 110T used, from a hosting contract",
        "Whatsminer M30S+ 100T, ex-hosting contract, works",
        "S21 200T off hosting deal, runs fine",
        "Antminer S19k Pro 120T after hosting contract ended",
    ],
)
def test_a_miner_off_a_hosting_contract_is_a_miner(title: str) -> None:
    assert normalise(title).kind == "miner"


@pytest.mark.parametrize(
    "title", ["Hosting contract 12 months for S21", "S19 hosting contract in Ethiopia"]
)
def test_a_hosting_contract_is_still_sold(title: str) -> None:
    assert normalise(title).kind == "other"


# Icelandic conditions ("notaður/notað" used, "ónotað" unused, "glænýr" brand new), and Serbian
# and Faroese "used".
@pytest.mark.parametrize(
    ("title", "condition"),
    [
        ("Antminer S19j Pro 104T notaður", "used"),
        ("Whatsminer M50S 126T notuð, sótt í Hafnarfirði", "used"),
        ("Whatsminer M50S 126T ónotað, í kassa", "new"),
        ("Antminer S21 200T glænýr", "new"),
        ("Antminer S19 95T korišćen, radi", "used"),
        ("Whatsminer M30S 88T brúkt", "used"),
    ],
)
def test_icelandic_conditions(title: str, condition: str) -> None:
    assert normalise(title).condition == condition


# Russian: the price "за все N" buys them all; "за одну", "за один" buys one of the stock.
@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("Два Whatsminer M30S 88T, б/у, цена за все два", 2),
        ("Antminer S19 95T б/у, 5 штук, цена за все 5", 5),
        ("Whatsminer M50S 126T, есть 8 штук, цена за одну", 1),
        ("Antminer S19 95T б/у, 3 штуки в наличии, цена указана за один", 1),
        ("Антмайнер S19 95T, 4 шт одним лотом, цена за один лот", 4),
    ],
)
def test_russian_price_for_all_or_for_one(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


# A non-miner "with no hashboards" (a heater, a replica) lacks nothing: no for_parts condition.
@pytest.mark.parametrize(
    "title",
    [
        "Miner-shaped heater built from an S19 case, no hashboards",
        "Replica Antminer S21 for display, no hash boards",
    ],
)
def test_a_non_miner_without_hashboards_has_no_condition(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == ("other", "unknown")


# Mounts, hoods, heat exchangers and cooling plates, and a French or Chinese name for a board or
# shell, are parts, wherever the model stands.
@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M30S wall mount bracket",
        "Antminer S19 exhaust hood, 3D printed",
        "Bitmain S21 200T heat exchanger",
        "Wasserkühlplatte für Antminer S19",
        "Carte de hachage Antminer S19 95T",
        "M50S 126T 外壳",
    ],
)
def test_mounts_hoods_and_shells_are_parts(title: str) -> None:
    assert normalise(title).kind == "part"


# A count of the board after it, sold together: a lot of boards, not a miner.
def test_boards_counted_after_the_word_are_a_lot_of_parts() -> None:
    got = normalise("Whatsminer M30S 88T hashboard x3 sold together")
    assert (got.kind, got.quantity) == ("part", 3)


@pytest.mark.parametrize(
    "title",
    ["Antminer S19 95T with wall bracket", "S19 95T 外壳完好 二手", "S19 95T x2 sold together"],
)
def test_a_miner_naming_its_shell_or_bracket_stays_a_miner(title: str) -> None:
    assert normalise(title).kind == "miner"


# Parts named in Polish, Japanese and Chinese ("płyta hash", "パワーサプライ", "散热风扇"), a
# "hashing board", and a part "sold on its own" (单独出) after the rate.
@pytest.mark.parametrize(
    "title",
    [
        "Płyta hash Whatsminer M30S 88T",
        "Antminer S21 200T パワーサプライ",
        "神马M50S 126T 散热风扇",
        "Whatsminer M30S hashing board 88T",
        "M50S 126T 电源 单独出",
    ],
)
def test_parts_in_more_words_are_parts(title: str) -> None:
    assert normalise(title).kind == "part"


# Hashrate sold for a time, or a machine to let, is no miner for sale.
@pytest.mark.parametrize(
    "title",
    [
        "Cloud hashpower Whatsminer M50S 126T, 90 days",
        "Antminer S21 200T hashrate for 6 months",
        "Hashrate-Miete Whatsminer M60S",
        "Whatsminer M30S 88T zu vermieten",
        "Arrendamos Antminer S21 200T por mes",
        "Aluga-se Antminer S19 95T",
    ],
)
def test_hashrate_or_a_machine_to_let_is_not_a_miner(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    ["Antminer S21 200T, stable hashrate for 30 days tested", "Antminer S19 95T 二手 单独出"],
)
def test_a_miner_with_a_tested_rate_or_sold_alone_stays_a_miner(title: str) -> None:
    assert normalise(title).kind == "miner"
