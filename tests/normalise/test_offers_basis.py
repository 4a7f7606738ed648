"""What a broker line's price buys: one machine, a lot (and how many are in it) or one TH/s;
and the condition words a line or heading keeps. A lot read as one machine overstates its $/TH
by the lot's count, so each rule here guards the index. Every line is written for these tests
(and the development messages' every price basis and quantity is checked against its label)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.normalise.offers import Offer, parse_offers

OFFERS = Path(__file__).parent.parent / "fixtures" / "offers"


def _one(message: str) -> Offer:
    (offer,) = parse_offers(message)
    return offer


@pytest.mark.parametrize(
    ("line", "price", "count"),
    [
        # lot words in many languages, read in the line's own words ("for" is no noise here)
        ("🔹 20pcs S19j Pro 100T used ➜ 6,800U for all 20", "6800", 20),
        ("Партия 6 шт Antminer S19j Pro 100Т — 2 940 USDT за всю партию", "2940", 6),
        ("S19k Pro 120T пачкой 10 шт — 13,8к$ за всю пачку", "13800", 10),
        ("Ряд из 12 шт Antminer S19 XP 140T — 11 400 USDT за весь ряд", "11400", 12),
        ("앤트마이너 S19 95T 5대 일괄 : 310만원", "3100000", 5),
        ("Antminer S19 XP 140T - Borong 3 unit RM16.2k", "16200", 3),
        ("蚂蚁T21 190T 二手 八台 整批@96000元", "96000", 8),
        ("Whatsminer M30S++ 106TH 中古 3台セット 一式 198,000円", "198000", 3),
        ("2 units Antminer S19j Pro 100T — $5,100 for both", "5100", 2),
        # a lot word with the count elsewhere on the line
        ("Lot: 8x Whatsminer M31S+ 80T, used — $9,400 the lot", "9400", 8),
    ],
)
def test_a_lot_word_makes_the_price_the_lots(line: str, price: str, count: int) -> None:
    offer = _one(line)
    assert (offer.price, offer.price_basis, offer.normalised.quantity) == (
        Decimal(price),
        "lot",
        count,
    )


@pytest.mark.parametrize(
    ("line", "price"),
    [
        # "@" right before the price: one machine's, whatever the "= total" says
        ("10 x Antminer S21 200T @ $3,350 = $33,500", "3350"),
        ("4x Whatsminer M60S 186T @ 2,975 USDT", "2975"),
        # an auction's lot number is no count
        ("Lot 102 — Whatsminer M53S++ 320T hydro, NEW — start $3,000 / BIN $4,150", "4150"),
        # instalments: "10x R$ 3.020" is ten payments, not ten machines
        ("Whatsminer M60S++ 226T — R$ 27.450 à vista | 10x R$ 3.020", "27450"),
    ],
)
def test_a_unit_price_stays_one_machines(line: str, price: str) -> None:
    offer = _one(line)
    assert (offer.price, offer.price_basis, offer.normalised.quantity) == (
        Decimal(price),
        "unit",
        1,
    )


def test_a_service_for_two_machines_is_no_lot() -> None:
    offer = _one("Hosting spot in an Ohio warehouse, $0.075/kWh for two machines")
    assert (offer.normalised.kind, offer.price_basis) == ("other", "unit")


@pytest.mark.parametrize(
    ("line", "price", "currency"),
    [
        ("SealMiner A3 Pro Hyd 660 TH/s — CHF 11.90 pro TH", "11.90", "CHF"),
        ("Antminer S21 Hyd 335T — R$ 92 por TH à vista", "92", "BRL"),
        ("Antminer S19k Pro 120TH 中古 1THあたり 1,150円", "1150", "JPY"),
        # a price per TH in a currency the ECB does not publish, written in thousands
        ("Whatsminer M63S 390TH hidro → Gs. 98.500 por TH", "98500", "PYG"),
    ],
)
def test_a_price_per_th_said_in_words(line: str, price: str, currency: str) -> None:
    offer = _one(line)
    assert (offer.price, offer.currency, offer.price_basis) == (Decimal(price), currency, "per_th")


def test_a_per_unit_line_under_a_per_th_header_is_per_unit() -> None:
    message = (
        "价格按 元/T 计，整机出\n"
        "蚂蚁S19j Pro 100T  43元/T\n"
        "神马M50S 126T  57\n"
        "蚂蚁L7 9050M 一台10800\n"
        "Prices in USDT per TH\n"
        "L7 9500M @ 2,050 per unit\n"
    )
    got = [(o.line, o.price, o.price_basis) for o in parse_offers(message)]
    assert got == [
        (2, Decimal(43), "per_th"),
        (3, Decimal(57), "per_th"),
        (4, Decimal(10800), "unit"),
        (6, Decimal(2050), "unit"),
    ]


def test_a_cost_line_is_a_term_not_an_offer() -> None:
    message = (
        "S21 200T - 3,150U\n"
        "Freight to Dubai / Almaty can be arranged, air approx 38 USD per unit.\n"
        "Shipping: $95 per machine\n"
        "Prices ex-works, Dubai delivery +20U/pcs.\n"
    )
    assert [(o.line, o.price) for o in parse_offers(message)] == [(1, Decimal(3150))]


def test_a_quantity_column_with_a_basis_column_sizes_the_lot() -> None:
    message = (
        "Model                      TH    Cond    Qty   Basis   Price\n"
        "Antminer S21 Pro           234   New     20    EA      $3,380\n"
        "Avalon A1566               185   Used    6     LOT     $7,950\n"
    )
    got = [(o.price, o.price_basis, o.normalised.quantity) for o in parse_offers(message)]
    assert got == [(Decimal(3380), "unit", 1), (Decimal(7950), "lot", 6)]


def test_a_quantity_column_alone_counts_stock() -> None:
    message = "model | TH | $/T | qty\nS21 XP | 270 | 15.9 | 40\nS21 Pro | 234 | 13.6 | 25\n"
    got = [(o.price, o.price_basis, o.normalised.quantity) for o in parse_offers(message)]
    assert got == [(Decimal("15.9"), "per_th", 1), (Decimal("13.6"), "per_th", 1)]


@pytest.mark.parametrize(
    "line",
    [
        "S19 Pro 110T for parts (hashboard issue) — $150",
        "Antminer S9 13.5TH (parts only, no boot) - CAD $45",
    ],
)
def test_for_parts_survives_the_lines_noise_words(line: str) -> None:
    assert _one("USED - tested\n" + line).normalised.condition == "for_parts"


def test_a_parts_section_heading_is_no_condition() -> None:
    message = "FOR PARTS\nAntminer T19 88T dead board — 240 USD\nPARTS\nAPW12 PSU — 230 USD\n"
    got = [(o.normalised.kind, o.normalised.condition) for o in parse_offers(message)]
    assert got == [("miner", "for_parts"), ("part", "unknown")]


# development offers whose price basis or quantity is still read wrong, and why: none
KNOWN_BASIS_MISSES: set[tuple[str, int]] = set()


def test_dev_offers_buy_what_their_labels_say() -> None:
    """Every development offer found with its price has the labelled price basis, and the
    labelled quantity where the label gives one."""
    wrong = set()
    for expected in sorted(OFFERS.glob("*.expected.json")):
        message = expected.with_name(expected.name.replace(".expected.json", ".txt"))
        got = parse_offers(message.read_text(encoding="utf-8"))
        for want in json.loads(expected.read_text(encoding="utf-8")):
            price = (Decimal(str(want["price"])), want["currency"])
            found = [o for o in got if o.line == want["line"] and (o.price, o.currency) == price]
            ok = any(
                o.price_basis == want.get("price_basis", "unit")
                and ("quantity" not in want or o.normalised.quantity == want["quantity"])
                for o in found
            )
            if found and not ok:
                wrong.add((message.stem, want["line"]))
    assert wrong == KNOWN_BASIS_MISSES


def test_a_bare_amount_glued_after_a_colon_is_the_price() -> None:
    # a full-width colon glued to the amount, under a header naming the currency; a time or a
    # ratio ("10:30", "1:2") is still no amount
    message = "单价（元/台）\nS21 200T：17800\nM60S+ 200T:19600\n10:30 pickup\n"
    got = [(o.line, o.price, o.currency) for o in parse_offers(message)]
    assert got == [(2, Decimal(17800), "CNY"), (3, Decimal(19600), "CNY")]


def test_an_amount_a_term_is_bounded_by_is_no_offer() -> None:
    message = (
        "Antminer S21 200T — $3,050\n"
        "Wire or ACH; crypto accepted for orders over $50k.\n"
        "Free shipping above 5,000 USDT\n"
    )
    assert [(o.line, o.price) for o in parse_offers(message)] == [(1, Decimal(3050))]


def test_a_wanted_sections_condition_holds_for_its_bids() -> None:
    message = (
        "WTB buying used S19 / S21 series in bulk\n"
        "Our bids, USD per TH:\n"
        "S21 200T → $13.20/T\n"
        "\n"
        "Also paying per unit:\n"
        "L7 9500M → $1,600 each\n"
    )
    got = [(o.side, o.normalised.condition) for o in parse_offers(message)]
    assert got == [("bid", "used"), ("bid", "used")]


@pytest.mark.parametrize(
    ("line", "moq"),
    [
        ("S21 200T            3,020 USDT   (5+)", 5),
        ("S21 Pro 234T new, 3,700 USDT EXW, 20+ units", 20),
        ("蚂蚁S21 XP 270T 全新 31200元 五台起", 5),
        ("Whatsminer M60S+ 200T  ราคา 88,900 THB (ขั้นต่ำ 2 เครื่อง)", 2),
        ("Whatsminer M60S 170T — 152,000 EGP (أقل كمية 2)", 2),
    ],
)
def test_minimum_orders_as_brokers_write_them(line: str, moq: int) -> None:
    assert _one(line).moq == moq


def test_a_message_wide_minimum_applies_to_every_line() -> None:
    message = "USDT per unit, 5 units minimum unless noted.\nS21 200T 3,180\nM50S 126T 1,010\n"
    assert [o.moq for o in parse_offers(message)] == [5, 5]


def test_a_heading_naming_what_comes_with_the_machines_still_gives_their_condition() -> None:
    message = "全新 原装电源 单价（元/台）\nS21 200T：17800\n二手 九成新\nM50S 126T：4800\n"
    got = [(o.price, o.normalised.condition) for o in parse_offers(message)]
    assert got == [(Decimal(17800), "new"), (Decimal(4800), "used")]


def test_a_grade_column_reads_graded_units_as_used() -> None:
    message = (
        "Model / TH                        Grade     Our price\n"
        "Antminer S21 200T                 A         $2,180\n"
        "Antminer S21 Pro 234T             New       $3,390\n"
        "Avalon A1466 150T                 Refurb    $1,015\n"
    )
    got = [o.normalised.condition for o in parse_offers(message)]
    assert got == ["used", "new", "refurbished"]


def test_a_sentence_giving_every_unit_one_condition() -> None:
    message = (
        "Everything is used (pulled from our own sites) unless the line says NEW.\n"
        "$3,190 | Antminer S21 200T | NEW | 40 avail\n"
        "$1,120 | Antminer S19k Pro 120T | 60 avail\n"
    )
    assert [o.normalised.condition for o in parse_offers(message)] == ["new", "used"]


def test_hours_and_weeks_are_no_amounts() -> None:
    message = (
        "Prices in USD\nAntminer S21 200T 3,050\n"
        "Happy to hold units 48 hrs with a PO. Restock in 3 weeks.\n"
    )
    assert [(o.line, o.price) for o in parse_offers(message)] == [(2, Decimal(3050))]


def test_a_wanted_footers_minimum_and_a_chinese_minimum_order() -> None:
    message = (
        "WTB, price per TH, USD:\n"
        "- S21 200T used: $11.50/TH\n"
        "- M60S 186T: $12.10/TH\n"
        "Need min 50 units per model. Will pay same day after testing.\n"
    )
    assert [o.moq for o in parse_offers(message)] == [50, 50]
    assert _one("收：神马M66S 298T 全新 125元/T 要50台以上").moq == 50


def test_location_is_a_place_or_nothing_never_a_sentence() -> None:
    message = (
        "Thanks for reaching out. Here is this week's inventory, all USD.\n"
        "Antminer S21 200T - $3,050\n"
        "\n"
        "Dubai stock\n"
        "S21 XP 270T - $5,180\n"
        "USED (tested, 7-day DOA)\n"
        "S19k Pro 120T - $640\n"
        "全新现货\n"
        "M60S 186T - $2,900\n"
    )
    got = [(o.location, o.normalised.condition) for o in parse_offers(message)]
    assert got == [(None, "unknown"), ("Dubai", "unknown"), ("Dubai", "used"), ("Dubai", "new")]


def test_a_duration_after_an_amount_is_a_term() -> None:
    message = (
        "Antminer S21 200T $3,050, 30-day warranty\nWe accept wire and USDC. 15-day DOA on used.\n"
    )
    assert [(o.line, o.price) for o in parse_offers(message)] == [(1, Decimal(3050))]


def test_dev_offers_are_where_their_labels_say() -> None:
    """Every development offer labelled with a location is found there (a place the message
    names, from data/lexicon.yaml's `places:`)."""
    wrong = []
    for expected in sorted(OFFERS.glob("*.expected.json")):
        message = expected.with_name(expected.name.replace(".expected.json", ".txt"))
        got = parse_offers(message.read_text(encoding="utf-8"))
        for want in json.loads(expected.read_text(encoding="utf-8")):
            if "location" not in want:
                continue
            price = Decimal(str(want["price"]))
            found = [o.location for o in got if o.line == want["line"] and o.price == price]
            if want["location"] not in found:
                wrong.append((message.stem, want["line"], want["location"], found))
    assert wrong == []


@pytest.mark.parametrize(
    ("header", "place"),
    [
        ("Склад Подольск, наличие", "Podolsk"),
        ("Abu Dhabi bonded stock", "Abu Dhabi"),
        ("东莞矿机仓", "Dongguan"),
        ("Collection from our Halifax unit", "Halifax"),
        ("Ships from Atlanta, GA", "Atlanta"),
    ],
)
def test_more_places_brokers_ship_from(header: str, place: str) -> None:
    (offer,) = parse_offers(f"{header}\nAntminer S21 200T $3,050\n")
    assert offer.location == place


def test_a_longer_line_introducing_a_list_gives_its_condition() -> None:
    message = (
        "Machines running on site, buyer takes them over while hashing (USDT per unit):\n"
        "• S21 188T - 2,540\n"
        "USED (grade A, ex-HK hosting)\n"
        "S19k Pro 120T - 560\n"
    )
    assert [o.normalised.condition for o in parse_offers(message)] == ["used", "used"]


def test_at_least_n_is_a_minimum_order() -> None:
    message = "WTB\nS19j Pro 104T used - $280 ea\nNeed at least 10 of a model.\n"
    assert [o.moq for o in parse_offers(message)] == [10]


def test_at_least_n_on_a_line_without_a_price_is_no_bare_amount() -> None:
    message = (
        "WTB, prices in USD\nS19j Pro 104T : $255\n"
        "Need at least 10 of a model. Will also take hashboards in bulk, make me an offer.\n"
    )
    assert [(o.line, o.price) for o in parse_offers(message)] == [(2, 255)]


@pytest.mark.parametrize(
    ("line", "basis", "quantity"),
    [
        ("12038 fans, 4 for $50", "lot", 4),  # a count, then "for" and the price: the lot
        ("APW12 PSU, 3 pcs for $300", "lot", 3),
        ("Bitaxe Gamma, used on my desk for 3 months - $120", "unit", 1),  # a time, no count
        ("S19 95T, ran for 2 years - $300", "unit", 1),
    ],
)
def test_n_for_a_price_is_a_lot_and_for_n_months_no_count(
    line: str, basis: str, quantity: int
) -> None:
    (offer,) = parse_offers(line + "\n")
    assert (offer.price_basis, offer.normalised.quantity) == (basis, quantity)


def test_two_things_priced_on_one_line_are_two_offers() -> None:
    message = (
        "Also have APW12 PSUs, used, $85 each, and S19j Pro hashboards (used) at $150 each.\n"
        "Also buying new S21+ 235T at $3,000 and T21 190T at $2,200, MOQ 10 each\n"
    )
    got = [
        (o.line, o.normalised.kind, o.normalised.model, o.price, o.normalised.condition, o.moq)
        for o in parse_offers(message)
    ]
    assert got == [
        (1, "part", None, 85, "used", None),
        (1, "part", None, 150, "used", None),
        (2, "miner", "Antminer S21+", 3000, "new", 10),
        (2, "miner", "Antminer T21", 2200, "new", 10),
    ]
    assert [o.side for o in parse_offers(message)] == ["ask", "ask", "bid", "bid"]


def test_a_price_in_a_sentence_led_by_a_cost_word_is_a_term() -> None:
    message = (
        "S21 200T - $2,900\n"
        "Orders over 20 units get 2% off. Freight to your site is around $45/unit by LTL.\n"
    )
    assert [o.price for o in parse_offers(message)] == [2900]


def test_a_per_th_price_after_hydro_is_read_and_a_rack_height_is_not() -> None:
    message = "Whatsminer M66S+ 318T hydro  16.9 U/T\nAntminer S23 Hyd 3U 1160T - $18,500\n"
    got = [(o.line, o.price, o.price_basis) for o in parse_offers(message)]
    assert got == [(1, Decimal("16.9"), "per_th"), (2, 18500, "unit")]


@pytest.mark.parametrize(
    ("intro", "condition"),
    [
        ("Downsizing my home setup (Edmonton) - everything below runs, pickup only.", "used"),
        ("Clearing the warehouse: all units are refurbished, 90-day warranty", "refurbished"),
        ("Lot from our site, everything below tested and hashing", "used"),
    ],
)
def test_a_clause_giving_every_unit_a_condition(intro: str, condition: str) -> None:
    message = f"{intro}\n\nAntminer S19j Pro 100T - $420\nAvalon A1246 90T - $240\n"
    assert [o.normalised.condition for o in parse_offers(message)] == [condition, condition]


def test_a_box_of_n_and_goods_for_both_are_lots() -> None:
    message = (
        "Everything was running until last week. Prices in CAD.\n"
        "- 12038 fans, used, box of 10: $95\n"
        "- 2x 30A 240V PDU strips - $150 for both\n"
    )
    got = [
        (o.price_basis, o.normalised.quantity, o.normalised.condition)
        for o in parse_offers(message)
    ]
    assert got == [("lot", 10, "used"), ("lot", 2, "used")]


def test_a_hosting_line_takes_no_heading_condition() -> None:
    message = "USED\nAntminer S19 95T - $300\nHosting for two machines - $120/month\n"
    assert [o.normalised.condition for o in parse_offers(message)] == ["used", "unknown"]
