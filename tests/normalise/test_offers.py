"""parse_offers() on broker price-list messages (Telegram / WeChat / Kaboomracks style).

The fixtures live in tests/fixtures/offers/. ``dealer_pricelist_telegram_c2024-01.txt`` is a real
forwarded dealer list of unknown licence, kept here as test-only data; the other messages were
written for these tests. The golden ``<name>.expected.json`` files pin every offer field plus the
model identity the normaliser gives (kind, maker, model, hashrate, quantity, condition), not its
confidence, power or reason, which belong to the normaliser's own tests.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.normalise.catalog import load_catalog
from monitor.normalise.offers import Offer, parse_offers

OFFERS = Path(__file__).parent.parent / "fixtures" / "offers"
REAL = "dealer_pricelist_telegram_c2024-01.txt"
GOLDEN = ["kaboomracks_style_usa", "wechat_style_cn", "russian_style_moscow"]
# the priced lines of the real message, counted by hand (line 2 is a promo, others are headers)
REAL_LINES = [
    *range(3, 17),  # HK Stock: 14
    *range(19, 22),  # Hong Kong 7 days: 3
    *range(24, 29),  # 10 working days in Hong Kong: 5
    31,  # January 15-30 ICE River 🇭🇰: 1
    *range(34, 43),  # Shenzhen stock: 9
    *range(45, 50),  # Moscow Stock: 5
    *range(53, 62),  # Moscow on the way: 9
]


def _read(name: str) -> str:
    return (OFFERS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real() -> dict[int, Offer]:
    return {o.line: o for o in parse_offers(_read(REAL))}


def test_real_message_has_one_offer_per_priced_line(real: dict[int, Offer]) -> None:
    assert len(REAL_LINES) == 46
    assert list(real) == REAL_LINES


def test_real_message_spot_checks(real: dict[int, Offer]) -> None:
    hyd = real[10]
    assert (hyd.text, hyd.normalised.model, hyd.normalised.hashrate_ths) == (
        "S19prohyd 184T $8.1/T",
        "Antminer S19 Pro Hyd",
        184,
    )
    assert (hyd.price, hyd.currency, hyd.price_basis, hyd.location) == (
        Decimal("8.1"),
        "USD",
        "per_th",
        "Hong Kong",
    )
    assert hyd.header == "HK Stock"

    gtd = real[48]
    assert (gtd.text, gtd.normalised.model, gtd.normalised.hashrate_ths) == (
        "S19kpro 120T (GTD)$2260",
        "Antminer S19k Pro",
        120,
    )
    assert (gtd.price, gtd.currency, gtd.price_basis, gtd.location) == (
        Decimal("2260"),
        "USD",
        "unit",
        "Moscow",
    )
    assert "GTD" in gtd.flags
    assert "GTD" not in real[47].flags

    l7 = real[9].normalised
    assert (l7.model, l7.hashrate, l7.hashrate_unit, l7.hashrate_ths) == (
        "Antminer L7",
        9050,
        "MH/s",
        None,
    )
    assert real[9].price == Decimal("4880")


def test_real_message_headers(real: dict[int, Offer]) -> None:
    on_the_way = [o for o in real.values() if o.line >= 53]
    assert len(on_the_way) == 9
    for offer in on_the_way:
        assert offer.location == "Moscow"
        assert "on the way" in offer.flags
    assert all("on the way" not in o.flags for o in real.values() if o.line < 53)
    assert {real[n].location for n in (19, 24)} == {"Hong Kong"}
    assert real[31].location == "Hong Kong"  # only the 🇭🇰 flag says so
    assert real[31].header == "January 15-30 ICE River"
    assert real[34].location == "Shenzhen"
    assert real[45].location == "Moscow"


def test_real_message_prices_are_the_dollar_amounts(real: dict[int, Offer]) -> None:
    """No hashrate token (120T, 9050M, 820K) or wattage is ever read as the price."""
    for offer in real.values():
        assert offer.price == Decimal(re.findall(r"\$([\d.]+)", offer.text)[-1]), offer.text
        assert offer.currency == "USD"
        assert offer.price_basis == ("per_th" if "/T" in offer.text else "unit"), offer.text
        assert offer.moq is None


def test_real_message_models_the_catalog_supports(real: dict[int, Offer]) -> None:
    expected = {
        3: "Antminer KA3",
        4: "IceRiver KS0 Pro",
        5: "IceRiver KS1",
        6: "IceRiver KS2",
        14: "Antminer Z15 Pro",
        15: "Antminer E9 Pro",
        31: "IceRiver KS0 Pro",
        45: "Antminer E9 Pro",
    }
    for line, model in expected.items():
        assert real[line].normalised.model == model, real[line].text
    # "KS3" names two catalog models (Antminer KS3, IceRiver KS3) and neither has a bare "ks3"
    # alias: which one, if any, is the normaliser's call
    for line in (7, 8):
        assert real[line].normalised.model in (None, "Antminer KS3", "IceRiver KS3")
        assert real[line].price == Decimal("10600" if line == 7 else "12000")
    others = [o for o in real.values() if o.line not in (7, 8)]
    assert all(o.normalised.kind == "miner" and o.normalised.model for o in others)


def test_real_message_with_explicit_catalog(real: dict[int, Offer]) -> None:
    again = parse_offers(_read(REAL), catalog=load_catalog())
    assert [o.to_dict() for o in again] == [o.to_dict() for o in real.values()]


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name: str) -> None:
    expected = json.loads(_read(f"{name}.expected.json"))
    got = [o.to_dict() for o in parse_offers(_read(f"{name}.txt"))]
    assert len(got) == len(expected)
    for row, want in zip(got, expected, strict=True):
        assert {k: row[k] for k in want} == want


def test_to_dict_is_flat_and_json_ready(real: dict[int, Offer]) -> None:
    row = real[10].to_dict()
    assert list(row)[:14] == list(real[10].normalised.to_dict())
    assert list(row)[14:] == [
        "price",
        "currency",
        "price_basis",
        "moq",
        "location",
        "line",
        "text",
        "header",
        "flags",
    ]
    assert row["price"] == "8.1"
    assert row["flags"] == ["in stock"]
    assert json.loads(json.dumps(row, ensure_ascii=False)) == row


@pytest.mark.parametrize(
    ("line", "price", "currency", "basis"),
    [
        ("S19 95T 3250W $1,200", "1200", "USD", "unit"),
        ("S19kpro 120T$2100", "2100", "USD", "unit"),
        ("S19kpro 120T 3280$", "3280", "USD", "unit"),
        ("M50 118T 1 580 $", "1580", "USD", "unit"),
        ("S21 200T USD 3,280", "3280", "USD", "unit"),
        ("S21 200T USD3280", "3280", "USD", "unit"),
        ("S21 200T 2260U", "2260", "USD", "unit"),
        ("E9 Pro 3680M 2480 USDT each", "2480", "USD", "unit"),
        ("S19 Pro 110T $1,450 each", "1450", "USD", "unit"),
        ("S19 XP 141T $3.2k", "3200", "USD", "unit"),
        ("S21 200T $24.5/TH", "24.5", "USD", "per_th"),
        ("S21 200T 8.1$/T", "8.1", "USD", "per_th"),
        ("S19 Pro 110T 24,5 $/T", "24.5", "USD", "per_th"),
        ("S19 XP 140T ¥12500", "12500", "CNY", "unit"),
        ("S19 XP 140T 12500元", "12500", "CNY", "unit"),
        ("S19 XP 140T RMB 12,500", "12500", "CNY", "unit"),
        ("S19kpro 120T 185000₽", "185000", "RUB", "unit"),
        ("S19kpro 120T 185 000 руб", "185000", "RUB", "unit"),
        ("S19kpro 120T 185000 р.", "185000", "RUB", "unit"),
        ("S19kpro 120T 185 т.р.", "185000", "RUB", "unit"),
        ("Whatsminer M30S 88T €1,150", "1150", "EUR", "unit"),
        ("M30S++ 106T HK$9,800", "9800", "HKD", "unit"),
        ("S19j Pro 100T $3,499 $3,299", "3299", "USD", "unit"),  # the old, struck price first
        ("Lot of 10 Antminer S9 13.5T $1,500 per lot", "1500", "USD", "lot"),
    ],
)
def test_price_forms(line: str, price: str, currency: str, basis: str) -> None:
    (offer,) = parse_offers(line)
    assert (offer.price, offer.currency, offer.price_basis) == (Decimal(price), currency, basis)
    assert offer.normalised.model is not None, offer.text


@pytest.mark.parametrize(
    "line", ["KS3 8.2T", "L7 9050M", "Z15pro 820K", "S19 95T 3250W", "MOQ 20", "S21 200T 17.5J/T"]
)
def test_lines_without_a_currency_are_not_offers(line: str) -> None:
    assert parse_offers(line) == []


def test_promo_lines_do_not_change_the_location() -> None:
    offers = parse_offers(
        "HK Stock\nS21 200T $4,800\n12KW water-cooled radiator is cheaper\nS21 195T $4,600"
    )
    assert [(o.location, o.header) for o in offers] == [("Hong Kong", "HK Stock")] * 2


def test_stacked_headers_merge_and_line_places_win() -> None:
    message = (
        "Москва\nВ пути:\nS19kpro 120T 1930$\nS21 200T $3,900 ships from Texas\nS21 195T $3,800"
    )
    first, texas, last = parse_offers(message)
    assert (first.location, first.header, first.flags) == ("Moscow", "В пути", ("on the way",))
    assert texas.location == "Texas"
    assert last.location == "Moscow"


def test_moq_from_line_then_header_then_message() -> None:
    message = "MOQ 3\nShenzhen stock, min 20 pcs\nM50 118T $1,580\nM50 120T $1,600 MOQ 50\n"
    message += "Moscow stock\nM50 118T $1,700"
    offers = parse_offers(message)
    assert [o.moq for o in offers] == [20, 50, 3]
    assert [o.normalised.quantity for o in offers] == [1, 1, 1]


def test_without_gtd_is_not_gtd() -> None:
    (without,) = parse_offers("S19kpro 120T 1930$ без ГТД")
    (with_gtd,) = parse_offers("S19kpro 120T 2030$ с ГТД")
    assert (without.flags, with_gtd.flags) == (("no GTD",), ("GTD",))


def test_flag_emoji_alone_is_a_header() -> None:
    (offer,) = parse_offers("🇰🇿\n⭐️ S21 200T $3,900")
    assert offer.location == "Kazakhstan"
    assert offer.text == "S21 200T $3,900"
