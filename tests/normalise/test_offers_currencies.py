"""Currencies in broker messages: the world's signs and codes, marks several currencies share
("$", "kr", "Br", "Rs") read as the one the message names, a currency named per section, and
quantity-tier columns. Every line here is written for these tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitor.normalise.offers import parse_offers
from scrapers.money import find_currency, read_price, shared_code


def _priced(message: str) -> list[tuple[int, Decimal | None, str | None]]:
    return [(o.line, o.price, o.currency) for o in parse_offers(message)]


@pytest.mark.parametrize(
    ("message", "price", "currency"),
    [
        # a dollar sign in a message naming one dollar is that dollar, before or after the amount
        ("Prix en dollars canadiens, taxes en sus\nAntminer S21 200T — 3 990 $ ch.", "3990", "CAD"),
        ("Prices in Canadian dollars\nAntminer S21 200T: $3,990 each", "3990", "CAD"),
        ("All prices AUD inc. GST\nWhatsminer M60S 186T  $5,450", "5450", "AUD"),
        ("Precios en pesos mexicanos\nAntminer S19k Pro 120T — $14,900 c/u", "14900", "MXN"),
        ("Hosting in Calgary, prices in CAD\nAntminer S21 200T $0.081/kWh", "0.081", "CAD"),
        # a message naming the US dollar, or no dollar, or two: "$" stays the US dollar
        ("Prices in USD\nAntminer S21 200T $3,100", "3100", "USD"),
        ("Antminer S21 200T $3,100", "3100", "USD"),
        ("Prices in USD or CAD\nAntminer S21 200T $3,100", "3100", "USD"),
        # kronor before the amount, as Norwegians write them
        ("Alle priser i norske kroner\nAntminer S19 95T kr 4 500,-", "4500", "NOK"),
        # "Br": the birr or the Belarusian rouble, as the message names it
        ("Price in birr per machine\nAntminer S21 200T — Br 415,000", "415000", "ETB"),
        ("Цены в белорусских рублях\nAntminer S19 95T — 1 450 Br", "1450", "BYN"),
        # "Rs": the Indian rupee, unless the message names another
        ("Prices in Pakistani rupees\nAntminer S19 XP 141T Rs 450,000", "450000", "PKR"),
        ("Antminer S19 XP 141T Rs 1,45,000", "145000", "INR"),
    ],
)
def test_a_mark_several_currencies_write_is_the_one_the_message_names(
    message: str, price: str, currency: str
) -> None:
    assert _priced(message)[-1][1:] == (Decimal(price), currency)


def test_br_in_a_message_naming_no_birr_nor_rouble_is_not_read() -> None:
    assert _priced("Antminer S21 200T — Br 415,000") == []


@pytest.mark.parametrize(
    ("line", "price", "currency"),
    [
        ("Antminer S21 200TH → Gs. 22.400.000", "22400000", "PYG"),
        ("Avalon Q 90TH → ₲ 8.150.000", "8150000", "PYG"),
        ("Antminer S21 200T — ብር 438,000", "438000", "ETB"),
        ("Antminer S19k Pro 120T — 1 200 лв.", "1200", "BGN"),
        ("Antminer S19k Pro 120T — 12 500 Kč", "12500", "CZK"),
        ("Whatsminer M50S 126T QAR 4,350", "4350", "QAR"),
        ("Antminer S19 95T USh 3,500,000", "3500000", "UGX"),
        ("Antminer S19 95T — 25 000 сом", "25000", "KGS"),
        ("Antminer S19 95T 3200 KGS", "3200", "KGS"),  # not 3.2 thousand of a "GS"
        ("Antminer S19 95T GH₵ 28,000", "28000", "GHS"),
        ("Antminer S19 95T ₼ 1 950", "1950", "AZN"),
    ],
)
def test_more_of_the_worlds_currencies(line: str, price: str, currency: str) -> None:
    assert _priced(line)[-1][1:] == (Decimal(price), currency)


def test_scraped_prices_read_the_new_marks_too() -> None:
    assert find_currency("Gs. 3.450.000") == "PYG"
    assert read_price("Gs. 3.450.000").amount == Decimal(3450000)
    assert find_currency("ብር 69,000") == "ETB"
    assert shared_code("$", {"CAD"}) == "CAD"
    assert shared_code("kr.", {"SEK", "EUR"}) == "SEK"
    assert shared_code("$", {"CAD", "AUD"}) is None
    assert shared_code("€", {"EUR"}) is None  # not a shared mark


def test_a_bare_amount_is_in_the_currency_its_section_names() -> None:
    message = "Цены в рублях\nAntminer S19 95T — 45 000\n\nВ долларах:\nAntminer S21 200T — 2 900\n"
    assert _priced(message) == [(2, Decimal(45000), "RUB"), (5, Decimal(2900), "USD")]


@pytest.mark.parametrize(
    "header",
    [
        "NEW (sealed)            1-9      10-49    50+",
        "Qty:   1-4 pcs | 5-19 pcs | 20+ pcs",
        "Model                   <10 / 10-49 / ≥50",
    ],
)
def test_under_quantity_tiers_the_first_column_is_the_price(header: str) -> None:
    message = (
        f"{header}\n"
        "Antminer S21 Pro 234T    $3,420   $3,360   $3,290\n"
        "SealMiner A3 Pro 290T    $14.40/T $14.10/T $13.85/T\n"
        "\n"
        "Antminer S19 XP 141T  was $1,950  now $1,790\n"  # after a blank line: no tiers
    )
    assert _priced(message) == [
        (2, Decimal(3420), "USD"),
        (3, Decimal("14.40"), "USD"),
        (5, Decimal(1790), "USD"),
    ]


def test_a_bare_amount_is_in_the_one_currency_the_other_prices_are_written_in() -> None:
    message = "Antminer S21 200T — $2,900\nAntminer S19 95T — 1,100\nMOQ 5, DM @desk"
    offers = parse_offers(message)
    assert [(o.line, o.price, o.currency) for o in offers] == [
        (1, Decimal(2900), "USD"),
        (2, Decimal(1100), "USD"),
    ]
    assert "currency not written: USD, as the message's other prices" in (
        offers[1].normalised.reason or ""
    )
    # prices written in two currencies: a bare amount's is unknown, so it is no price
    two = "Antminer S21 200T — $2,900\nAntminer S19 95T — 1,100\nWhatsminer M50S 126T — 1 350 €"
    assert [o.line for o in parse_offers(two)] == [1, 3]


@pytest.mark.parametrize(
    ("message", "prices"),
    [
        (  # the ask column, not the fair value nor the breakeven after it
            "Model                 TH     Ask      FMV      Breakeven\n"
            "Antminer S21          200    $3,100   $2,950   $1,900\n"
            "Whatsminer M60S       186    $2,700   $2,800   $1,750\n",
            [(2, Decimal(3100), "USD"), (3, Decimal(2700), "USD")],
        ),
        (  # bare amounts under a price column that names its currency
            "Machine               TH     Price (USDT)   Fair value\n"
            "Antminer S21          200    3100           2950\n"
            "Avalon A1566          185    2260           2300\n",
            [(2, Decimal(3100), "USD"), (3, Decimal(2260), "USD")],
        ),
    ],
)
def test_a_table_aligned_with_spaces_is_read_by_its_columns(
    message: str, prices: list[tuple[int, Decimal, str]]
) -> None:
    assert _priced(message) == prices


def test_a_line_spaced_loosely_is_still_one_offer() -> None:
    (offer,) = parse_offers("Antminer S21  200T  used  $3,100")
    assert (offer.line, offer.price, offer.currency) == (1, Decimal(3100), "USD")
    assert offer.text == "Antminer S21 200T used $3,100"  # as written, single-spaced


@pytest.mark.parametrize(
    ("line", "price", "currency"),
    [
        ("4x Whatsminer M60S 186T — $2,650 each, $10,600 total", "2650", "USD"),
        ("Avalon A1566 185T: 2 250 USDT/шт, всего 9 000 USDT", "2250", "USD"),
        ("3 x Avalon A1566 185T @ $2,250 ea. Total: $6,750", "2250", "USD"),
        ("#Whatsminer #M60S 186T 💲2650", "2650", "USD"),
        ("Whatsminer M60S 186T — NZ$4,350", "4350", "NZD"),
        ("Whatsminer M60S 186T — MX$47,500", "47500", "MXN"),
        ("Whatsminer M60S 186T — 215к ₽", "215000", "RUB"),
        ("Whatsminer M60S 186T — 2,650 USDC", "2650", "USD"),
    ],
)
def test_unit_price_beside_a_total_and_more_dollar_forms(
    line: str, price: str, currency: str
) -> None:
    assert _priced(line)[-1][1:] == (Decimal(price), currency)


def test_a_card_with_unlabelled_spec_lines_is_one_offer_on_its_model_line() -> None:
    message = (
        "Avalon A1566 185T\n18.5 J/T, 3420W, 3 months used\n$2,250\n\n"
        "Whatsminer M60S 186T\n3441 W\n$2,650"
    )
    got = [(o.line, o.price, o.normalised.model) for o in parse_offers(message)]
    assert got == [(1, Decimal(2250), "Avalon A1566"), (5, Decimal(2650), "Whatsminer M60S")]


def test_an_amount_worked_out_from_the_quote_is_not_the_price() -> None:
    (offer,) = parse_offers("Whatsminer M60S 186T 14.2U/T ≈ 2641U")
    assert (offer.price, offer.price_basis) == (Decimal("14.2"), "per_th")
    (alone,) = parse_offers("Whatsminer M60S 186T ~2641 USDT")  # approximate, and the only one
    assert alone.price == Decimal(2641)


@pytest.mark.parametrize(
    ("line", "price"),
    [
        ("Antminer S19k Pro 120th — 52 000р", "52000"),  # grouped, the rouble glued
        ("Antminer T21 190th — 145 тр", "145000"),  # тр: thousand roubles, without dots
    ],
)
def test_roubles_glued_to_a_grouped_amount(line: str, price: str) -> None:
    assert _priced(line) == [(1, Decimal(price), "RUB")]


def test_an_amount_of_nothing_is_no_price() -> None:
    assert _priced("Antminer S19k Pro 120th — 000 USDT") == []


def test_a_selling_heading_after_a_wanted_section_opens_asks() -> None:
    message = "Looking to buy:\nS19 XP - up to $1,700\nSelling:\nS21 200T - $3,050"
    assert [o.side for o in parse_offers(message)] == ["bid", "ask"]


@pytest.mark.parametrize(
    ("line", "price", "currency"),
    [
        ("阿瓦隆 A1566 185T 全新 2250刀", "2250", "USD"),  # 刀: the dollar, as 美刀
        ("神马 M60S 186T 二手 1.85w/台", "18500", "CNY"),  # w: 万元 in a Chinese line
        ("神马 M60S 186T 二手 18500元 功耗 3441w", "18500", "CNY"),  # watts stay watts
        ("Whatsminer M60S 186T — Sh. 395,500/=", "395500", "KES"),  # under "Kenya shillings"
    ],
)
def test_chinese_shorthands_and_east_african_shillings(
    line: str, price: str, currency: str
) -> None:
    message = f"Prices in Kenya shillings\n{line}" if "Sh." in line else line
    assert _priced(message)[-1][1:] == (Decimal(price), currency)


def test_an_emoji_between_two_amounts_parts_them() -> None:
    assert _priced("Prices in USDT\nAvalon A1566 185T — было 2 400 ➡️ 2 250") == [
        (2, Decimal(2250), "USD")
    ]


def test_qiu_with_a_colon_opens_a_bid() -> None:
    (offer,) = parse_offers("🙋 求：神马 M60S 186T 二手，出价 1700刀/台")
    assert (offer.side, offer.price, offer.currency) == ("bid", Decimal(1700), "USD")


@pytest.mark.parametrize(
    ("message", "price", "currency"),
    [
        ("Whatsminer M60S 186T giá 41tr5", "41500000", "VND"),  # tr: triệu, millions of dong
        ("Whatsminer M60S 186T — 41,5 triệu", "41500000", "VND"),
        ("Whatsminer M60S 186T — 41 triệu đ", "41000000", "VND"),
        ("All prices in rand, VAT incl.\nWhatsminer M60S 186T — R47 500", "47500", "ZAR"),
    ],
)
def test_millions_of_dong_and_the_rand(message: str, price: str, currency: str) -> None:
    assert _priced(message)[-1][1:] == (Decimal(price), currency)


def test_r_alone_in_a_message_naming_no_rand_is_not_read() -> None:
    assert _priced("Whatsminer M60S 186T — R47 500") == []


def test_a_card_opened_by_a_labelled_model_line() -> None:
    message = (
        "Model: Whatsminer M60S\nHashrate: 186T\nCondition: used\nPrice: $2,650\n\n"
        "Модель: Antminer S21\nХешрейт: 200T\nЦена: 3 100 $"
    )
    got = [
        (o.line, o.price, o.normalised.model, o.normalised.hashrate_ths)
        for o in parse_offers(message)
    ]
    assert got == [
        (1, Decimal(2650), "Whatsminer M60S", 186.0),
        (6, Decimal(3100), "Antminer S21", 200.0),
    ]


@pytest.mark.parametrize("header", ["Prices in USDT per TH", "Price ($/TH):", "Цены в USDT за Т"])
def test_bare_amounts_under_a_per_th_header_are_per_th(header: str) -> None:
    offers = parse_offers(f"{header}\nWhatsminer M60S 186T — 14.2\nAntminer S21 200T — 15.5")
    assert [(o.price, o.currency, o.price_basis) for o in offers] == [
        (Decimal("14.2"), "USD", "per_th"),
        (Decimal("15.5"), "USD", "per_th"),
    ]


@pytest.mark.parametrize(
    ("line", "price", "currency", "basis"),
    [
        ("Whatsminer M60S 186T 2,65 тыс. $", "2650", "USD", "unit"),
        ("Whatsminer M60S 186T 2650 dlls", "2650", "USD", "unit"),
        ("Whatsminer M60S 186T 2100 quid ono", "2100", "GBP", "unit"),
        ("Whatsminer M60S 186T $14.2 per terahash", "14.2", "USD", "per_th"),
    ],
)
def test_thousands_words_slang_and_per_terahash(
    line: str, price: str, currency: str, basis: str
) -> None:
    (offer,) = parse_offers(line)
    assert (offer.price, offer.currency, offer.price_basis) == (Decimal(price), currency, basis)


def test_a_two_way_quote_is_a_bid_and_an_ask_on_one_line() -> None:
    message = (
        "Desk quotes, BID / OFFER, USDT per unit\n"
        "Whatsminer M60S 186T     2,560 / 2,650   (5+)\n"
        "Avalon A1566 185T: 13.10 / 13.60 $/T\n"
        "Offer only: Antminer S21 200T, 3,100\n"
    )
    got = [(o.line, o.side, o.price, o.price_basis) for o in parse_offers(message)]
    assert got == [
        (2, "bid", Decimal(2560), "unit"),
        (2, "ask", Decimal(2650), "unit"),
        (3, "bid", Decimal("13.10"), "per_th"),
        (3, "ask", Decimal("13.60"), "per_th"),
        (4, "ask", Decimal(3100), "unit"),
    ]
    assert "currency not written: USD" in (parse_offers(message)[0].normalised.reason or "")
    # the same rows with the ask written first
    asks_first = parse_offers("Quotes: offer / bid in USDT\nWhatsminer M60S 186T  2,650 / 2,560")
    assert [(o.side, o.price) for o in asks_first] == [
        ("ask", Decimal(2650)),
        ("bid", Decimal(2560)),
    ]


@pytest.mark.parametrize(
    ("line", "price", "currency"),
    [
        ("Whatsminer M60S 186T — ₦4.8m", "4800000", "NGN"),
        ("Whatsminer M60S 186T — $1.2M for the lot of 500", "1200000", "USD"),
        ("Whatsminer M60S 186T — 1.5m power cable included, $2,650", "2650", "USD"),
    ],
)
def test_m_for_million_after_a_currency_sign(line: str, price: str, currency: str) -> None:
    assert _priced(line)[-1][1:] == (Decimal(price), currency)


def test_the_currency_a_line_names_first_is_the_messages() -> None:
    message = (
        "Precios en pesos chilenos, IVA incluido. Transferencia o USDT al cambio del día.\n"
        "- Whatsminer M60S 186T: $2.450.000 c/u"
    )
    assert _priced(message) == [(2, Decimal(2450000), "CLP")]


@pytest.mark.parametrize(
    ("line", "side"),
    [
        ("【出】神马M60S 186T 二手 ¥17500", "ask"),
        ("【收】神马M60S 186T 二手 ¥16800", "bid"),
        ("WE DEY BUY: Whatsminer M60S 186T, up to ₦4.1m", "bid"),
    ],
)
def test_sides_marked_on_the_line(line: str, side: str) -> None:
    legend = "【出】=我们出货，【收】=我们收购。价格人民币。\n"
    assert parse_offers(legend + line)[-1].side == side


def test_a_condition_heading_gives_its_offers_their_condition() -> None:
    message = (
        "📍 Moscow stock\n"
        "NEW (sealed)\n"
        "Whatsminer M60S 186T — 2 650 USDT\n"
        "♻️ Б/У, с майнинг-отеля, все проверены на стенде\n"
        "Avalon A1566 185T — 1 900 USDT\n"
        "Antminer S19 95T, dead board, for parts — 210 USDT\n"
    )
    got = [(o.line, o.normalised.condition, o.location) for o in parse_offers(message)]
    assert got == [
        (3, "new", "Moscow"),
        (5, "used", "Moscow"),
        (6, "for_parts", "Moscow"),  # the line's own condition wins
    ]
    # a long sentence naming a condition heads nothing: offers keep their own
    prose = "We also sell used and refurbished units, ask for the full list today please\n"
    assert parse_offers(prose + "Whatsminer M60S 186T — $2,650")[0].normalised.condition == (
        "unknown"
    )


def test_an_instalment_count_is_no_lot_and_minimo_is_a_moq() -> None:
    (card,) = parse_offers("Whatsminer M60S 186T — R$ 13.900 à vista | 12x de R$ 1.290 no cartão")
    assert (card.price, card.price_basis, card.normalised.quantity) == (Decimal(13900), "unit", 1)
    (moq,) = parse_offers("Whatsminer M60S 186T → ₲ 18.150.000 (mínimo 3 unidades)")
    assert (moq.price, moq.moq) == (Decimal(18150000), 3)
    (th,) = parse_offers("Whatsminer M60S 186T — 14,2 USDT за ТХ")
    assert (th.price, th.price_basis) == (Decimal("14.2"), "per_th")


def test_a_models_variants_drawn_as_a_tree_are_offers_on_their_lines() -> None:
    message = (
        "Цены в USDT за 1 шт.\n"
        "Whatsminer M60S (б/у, 1 плата не видит):\n"
        "   ├ 170T — 1 990\n"
        "   └ 186T — 2 240\n"
        "Avalon A1566 (новый):\n"
        "   └ 185T — 2 690\n"
    )
    got = [
        (o.line, o.price, o.normalised.model, o.normalised.hashrate_ths)
        for o in parse_offers(message)
    ]
    assert got == [
        (3, Decimal(1990), "Whatsminer M60S", 170.0),
        (4, Decimal(2240), "Whatsminer M60S", 186.0),
        (6, Decimal(2690), "Avalon A1566", 185.0),
    ]


def test_names_with_chu_and_shou_an_example_line_and_a_surcharge() -> None:
    message = (
        "规则：出=卖，收=买；价格人民币，元/台\n"
        "例：阿强 出 S21 200T 全新 21000（示例格式，不是报价）\n"
        "1. 老王 出 神马M60S 186T 二手 14800/台\n"
        "2. 阿杰 收 神马M60S 186T 二手 14100/台\n"
    )
    assert [(o.line, o.side, o.price) for o in parse_offers(message)] == [
        (3, "ask", Decimal(14800)),
        (4, "bid", Decimal(14100)),
    ]
    (freight,) = parse_offers("Whatsminer M60S 186T ....... $2,650  + $85 frt")
    assert freight.price == Decimal(2650)


@pytest.mark.parametrize(
    ("line", "moq"),
    [
        ("Whatsminer M60S 186T — 24 900 грн, від 3 шт", 3),
        ("Whatsminer M60S 186T – 29 900 SEK/st, minst 2 st", 2),
        ("Whatsminer M60S 186T : 205만원 (최소 4대)", 4),
        ("Whatsminer M60S 186T: 52.900.000đ/máy, lấy từ 5 máy", 5),
        ("Whatsminer M60S 186T — 9٬900 درهم، الحد الأدنى ٦ أجهزة", 6),
    ],
)
def test_minimum_orders_in_more_languages(line: str, moq: int) -> None:
    assert parse_offers(line)[0].moq == moq


@pytest.mark.parametrize(
    "line",
    [
        "Whatsminer M60S 186T $2,650 was $2,900",
        "Whatsminer M60S 186T $2,650, shipping $95",
        "Whatsminer M60S 186T $2,650 $95 shipping",
        "Whatsminer M60S 186T list price $4,100, ours $2,650",
        "Whatsminer M60S 186T 2650 USDT, доставка 50 USDT",
        "Whatsminer M60S 186T 2650U 运费50U",
        "Whatsminer M60S 186T $2,650 inc. $220 VAT",
        "Whatsminer M60S 186T $95 shipping, $2,650",
    ],
)
def test_a_cost_or_an_old_price_beside_the_price_is_not_it(line: str) -> None:
    assert parse_offers(line)[0].price == Decimal(2650)


@pytest.mark.parametrize(
    "line",
    ["ISO: Whatsminer M60S 186T, paying $2,400", "In search of Whatsminer M60S 186T ~$2,400"],
)
def test_in_search_of_is_a_bid(line: str) -> None:
    assert parse_offers(line)[0].side == "bid"


def test_price_columns_by_condition_give_an_offer_each() -> None:
    message = (
        "Model | TH | New | Used\n"
        "Whatsminer M60S | 186 | $2,800 | $2,400\n"
        "Antminer S19 XP | 141 | — | $1,300\n"
    )
    got = [(o.line, o.price, o.normalised.condition) for o in parse_offers(message)]
    assert got == [
        (2, Decimal(2800), "new"),
        (2, Decimal(2400), "used"),
        (3, Decimal(1300), "used"),
    ]


def test_price_columns_by_place_give_an_offer_each() -> None:
    message = "Model | TH | HK spot | Moscow\nWhatsminer M60S | 186 | $2,600 | $2,790\n"
    got = [(o.price, o.location) for o in parse_offers(message)]
    assert got == [(Decimal(2600), "Hong Kong"), (Decimal(2790), "Moscow")]


@pytest.mark.parametrize(
    ("message", "price", "currency"),
    [
        ("Whatsminer M60S 186T — S$3,450 (min 2 units)", "3450", "SGD"),
        ("神马M60S 186T 全新 1万8", "18000", "CNY"),  # 1万8: 18,000 yuan
        ("阿瓦隆A1466 150T 二手 7千4", "7400", "CNY"),
        ("APW12 电源 二手 8百", "800", "CNY"),
        ("神马M60S 186T 全新 1万8U", "18000", "USD"),  # a currency after it: that currency
        (
            "Figures are in thousands of USDT per unit (2.65 = 2,650 USDT).\n"
            "Whatsminer M60S 186T ....... 2.65",
            "2650",
            "USD",
        ),
    ],
)
def test_sgd_spoken_chinese_amounts_and_lists_in_thousands(
    message: str, price: str, currency: str
) -> None:
    assert _priced(message)[-1][1:] == (Decimal(price), currency)


def test_a_list_defining_its_shorthand_has_no_offer_on_that_line() -> None:
    message = "价格人民币。写法：1万8=18000，7千4=7400。\n神马M60S 186T 全新 1万8"
    assert _priced(message) == [(2, Decimal(18000), "CNY")]
    assert _priced("M30S 100T $2,400")[0][1:] == (Decimal(2400), "USD")  # "S $": not SGD


@pytest.mark.parametrize(
    ("line", "price", "currency"),
    [
        ("神马M60S 186T 全新 2万1千", "21000", "CNY"),
        ("Whatsminer M60S 186T 3千5百円", "3500", "JPY"),
        ("神马M60S 186T 全新 3千瓦 1万8", "18000", "CNY"),  # 3千瓦: 3 kW, no price
    ],
)
def test_more_spoken_chinese_amounts(line: str, price: str, currency: str) -> None:
    assert _priced(line)[-1][1:] == (Decimal(price), currency)


@pytest.mark.parametrize(
    ("message", "price", "currency"),
    [
        ("Whatsminer M60S 186T — 2650 у.е.", "2650", "USD"),  # у.е.: the dollar in Russian lists
        ("Whatsminer M60S 186T — 2 650 уе", "2650", "USD"),
        ("Whatsminer M60S 186T — $2.65 thousand", "2650", "USD"),
        ("Precios en USD\nWhatsminer M60S 186T — 2,65 mil", "2650", "USD"),
        ("Whatsminer M60S 186T — 2 тысячи $", "2000", "USD"),
    ],
)
def test_conventional_units_and_thousands_as_words(message: str, price: str, currency: str) -> None:
    assert _priced(message)[-1][1:] == (Decimal(price), currency)


@pytest.mark.parametrize(
    ("message", "price", "currency", "basis"),
    [
        ("Whatsminer M60S 186T: $11,900/PH", "11.9", "USD", "per_th"),  # per PH: per 1,000 TH
        ("Whatsminer M60S 186T — 11900 USDT per PH", "11.9", "USD", "per_th"),
        (
            "Precios en pesos argentinos. USDT al cripto dólar.\nWhatsminer M60S 186T: 2,6 palos",
            "2600000",
            "ARS",
            "unit",
        ),  # fmt: skip
        ("Whatsminer M60S 186T 全新 NT$8.9萬", "89000", "TWD", "unit"),  # 萬, the traditional 万
    ],
)
def test_per_ph_palos_and_traditional_wan(
    message: str, price: str, currency: str, basis: str
) -> None:
    offer = parse_offers(message)[-1]
    assert (offer.price, offer.currency, offer.price_basis) == (Decimal(price), currency, basis)


def test_a_note_on_how_some_lines_are_written_per_th_makes_no_header_per_th() -> None:
    message = (
        "价格人民币，元/台（写“/T”的是每T单价）\n"
        "神马M60S 186T 二手 14500/台\n"
        "蚂蚁T21 190T 全新 108/T"
    )
    got = [(o.price, o.price_basis) for o in parse_offers(message)]
    assert got == [(Decimal(14500), "unit"), (Decimal(108), "per_th")]


def test_a_basis_column_written_slash_th_is_per_th() -> None:
    message = (
        "Model            TH    Basis   Price\n"
        "Whatsminer M60S  186   /TH     $8.70\n"
        "Antminer T21     190   EA      $2,480\n"
    )
    got = [(o.price, o.price_basis) for o in parse_offers(message)]
    assert got == [(Decimal("8.70"), "per_th"), (Decimal(2480), "unit")]


def test_a_models_hashrates_priced_on_one_line_are_an_offer_each() -> None:
    message = "价格人民币/台\n神马M60S：170T 15600｜186T 16900｜190T 17400\n蚂蚁S21 200T | ¥20900"
    got = [
        (o.line, o.price, o.normalised.model, o.normalised.hashrate_ths)
        for o in parse_offers(message)
    ]
    assert got == [
        (2, Decimal(15600), "Whatsminer M60S", 170.0),
        (2, Decimal(16900), "Whatsminer M60S", 186.0),
        (2, Decimal(17400), "Whatsminer M60S", 190.0),
        (3, Decimal(20900), "Antminer S21", 200.0),
    ]


def test_a_format_line_naming_both_sides_opens_no_wanted_section() -> None:
    message = (
        "Format: MODEL | BID / OFFER — we buy at the first figure, we sell at the second. USDT.\n"
        "Whatsminer M60S 186T | 2,560 / 2,650\n"
        "Avalon A1566 185T | — / 2,520 (offer only)\n"
    )
    assert [(o.side, o.price) for o in parse_offers(message)] == [
        ("bid", Decimal(2560)),
        ("ask", Decimal(2650)),
        ("ask", Decimal(2520)),
    ]


def test_a_flag_decides_a_shared_mark_but_never_the_dollar() -> None:
    assert _priced("🇿🇦 MINERS FOR SALE\nWhatsminer M60S 186TH used - R48 900") == [
        (2, Decimal(48900), "ZAR")
    ]
    assert _priced("🇭🇰 HK stock\nWhatsminer M60S 186T $2,650") == [(2, Decimal(2650), "USD")]


@pytest.mark.parametrize(
    ("message", "side"),
    [
        ("WANT 👇\n💲2,400 → bid Whatsminer M60S 186T used", "bid"),
        ("Whatsminer M60S 186T, starting bid $2,000", "ask"),
        ("Want to sell: Whatsminer M60S 186T $2,650", "ask"),
    ],
)
def test_want_and_bid_words(message: str, side: str) -> None:
    assert parse_offers(message)[-1].side == side


@pytest.mark.parametrize(
    ("message", "price", "currency"),
    [
        ("价格人民币\n神马M60S 186T 单价16900（约91/T）", "16900", "CNY"),  # 约91/T: a reference
        ("Whatsminer M60S 186T — 152 ألف جنيه", "152000", "EGP"),  # ألف: thousand
        ("Precios en soles (S/)\nHosting en Arequipa: S/ 0,42 por kWh", "0.42", "PEN"),
        ("Whatsminer M60S 186T — $2,650\nLocal pickup knocks $75 off any line", "2650", "USD"),
    ],
)
def test_references_thousands_in_arabic_the_sol_and_discounts(
    message: str, price: str, currency: str
) -> None:
    assert _priced(message)[-1][1:] == (Decimal(price), currency)


@pytest.mark.parametrize(
    ("message", "price", "currency"),
    [
        ("6 x Whatsminer M60S 186T @ $2,975 = $17,850", "2975", "USD"),  # "= total"
        ("Цены в рублях\nWhatsminer M60S 186T — 242к", "242000", "RUB"),  # к: thousand
        ("价格人民币\nM50S 128T 一台3480（不含税3290）", "3480", "CNY"),  # the one outside brackets
        (
            "Precios en pesos colombianos, en millones: 14,5 M = $14.500.000 COP.\n"
            "Whatsminer M60S 186T ........ 11,9 M",
            "11900000",
            "COP",
        ),  # fmt: skip
    ],
)
def test_totals_after_equals_glued_k_brackets_and_lists_in_millions(
    message: str, price: str, currency: str
) -> None:
    assert _priced(message) == [(message.count("\n") + 1, Decimal(price), currency)]


def test_a_format_note_is_no_offer_and_a_half_quote_takes_its_columns_side() -> None:
    note = "Alle priser i norske kroner. Skrives som: kr 24 900,-\nWhatsminer M60S 186T kr 29 900,-"
    assert _priced(note) == [(2, Decimal(29900), "NOK")]
    quotes = "BID / OFFER, USDT\nWhatsminer M60S 186T   2,560 / —\nAvalon A1566 185T   — / 2,520"
    assert [(o.side, o.price) for o in parse_offers(quotes)] == [
        ("bid", Decimal(2560)),
        ("ask", Decimal(2520)),
    ]
