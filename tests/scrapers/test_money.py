"""scrapers.money: the one currency table, and the one grammar of amounts read two ways: from
scraped text (the first number, exactly, or why not) and strictly from a file a person wrote."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path

import pytest

import scrapers
from monitor.normalise.fx import bundled_rates, to_usd
from monitor.normalise.offers import parse_offers
from scrapers.money import (
    CODES,
    CURRENCIES,
    SHORTHANDS,
    SYMBOLS,
    UNPUBLISHED,
    Price,
    currency_code,
    find_currency,
    parse_decimal,
    parse_money,
    read_amount,
    read_money,
    read_price,
)

# -- the strict reader ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("3299", "3299", None),
        ("3299.00", "3299.00", None),
        ("3,299.00", "3299.00", None),
        ("3,299", "3299", None),  # a lone comma before three digits groups thousands
        ("12,345,678.90", "12345678.90", None),
        ("1.299,00", "1299.00", None),  # European: "." groups, "," is the decimal point
        ("1.299.000", "1299000", None),
        ("1 299,00", "1299.00", None),
        ("1\u00a0299,00", "1299.00", None),  # no-break space
        ("1\u202f299,00", "1299.00", None),  # narrow no-break space (French)
        ("1'299.00", "1299.00", None),  # Swiss
        ("1299,5", "1299.5", None),
        ("1.299", "1.299", None),  # a decimal point; the importer refuses it for USD
        ("  42  ", "42", None),
        ("\uff19\uff10\uff10", "900", None),  # full-width digits
        ("$900", "900", "USD"),
        ("$ 900", "900", "USD"),
        ("900$", "900", "USD"),
        ("900 USD", "900", "USD"),
        ("900USD", "900", "USD"),
        ("USD 900", "900", "USD"),
        ("usd 900", "900", "USD"),
        ("$900 USD", "900", "USD"),  # the same currency twice is one currency
        ("US$900", "900", "USD"),
        ("US $900", "900", "USD"),
        ("900 USDT", "900", "USD"),  # the stablecoin is stored as dollars
        ("€1.299,00", "1299.00", "EUR"),
        ("1.299,00 €", "1299.00", "EUR"),
        ("1.299,00 EUR", "1299.00", "EUR"),
        ("£850", "850", "GBP"),
        ("¥23,000", "23000", "CNY"),
        ("23000元", "23000", "CNY"),
        ("RMB 23,000", "23000", "CNY"),
        ("185 000 ₽", "185000", "RUB"),
        ("185000 руб", "185000", "RUB"),
        ("C$1,850", "1850", "CAD"),
        ("AU $2,100.50", "2100.50", "AUD"),
        ("HK$9,800", "9800", "HKD"),
        ("999999999999.99", "999999999999.99", None),
    ],
)
def test_read_money_accepts_one_plausible_amount(
    text: str, amount: str, currency: str | None
) -> None:
    got, cur = read_money(text)
    assert (got, cur) == (Decimal(amount), currency)
    assert str(got) == amount  # exact digits: nothing went through a float
    assert read_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is not a number"),
        ("   ", "is not a number"),
        ("lots", "is not a number"),
        ("1e3", "is not a number"),
        ("1e20", "is not a number"),
        ("1e309", "is not a number"),
        ("1E3", "is not a number"),
        ("NaN", "is not a number"),
        ("nan", "is not a number"),
        ("Infinity", "is not a number"),
        ("$1,2,3", "is not a number"),
        ("1,2,3", "is not a number"),
        ("1,299,00", "is not a number"),
        ("1.299.00", "is not a number"),
        ("12 34", "is not a number"),
        ("12abc", "is not a number"),
        ("abc12", "is not a number"),
        ("900 XYZ", "is not a number"),  # not a currency the table knows
        ("900 US", "is not a number"),
        ("0x10", "is not a number"),
        (".5", "is not a number"),
        ("1_000", "is not a number"),
        ("+5", "is not a number"),
        ("5-", "is not a number"),
        ("900 or 950", "is not a number"),
        ("1" * 100, "is not a number"),
        ("-5", "must be positive"),
        ("\u22125", "must be positive"),  # a typographic minus
        ("-$5", "must be positive"),
        ("$-5", "must be positive"),
        ("0", "must be positive"),
        ("0.00", "must be positive"),
        ("1000000000000", "is too large for a price"),
        ("1,000,000,000,000.00", "is too large for a price"),
        ("$900 EUR", "names two currencies (EUR, USD)"),
        ("€900 $", "names two currencies (EUR, USD)"),
    ],
)
def test_read_money_rejects_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"{text!r} {reason}")) as info:
        read_money(text)
    assert str(info.value) == f"{text!r} {reason}"
    with pytest.raises(ValueError, match=re.escape(reason)):
        read_amount(text)


@pytest.mark.parametrize("value", [None, 5, 5.0, b"5", ["5"]])
def test_read_money_rejects_what_is_not_text(value: object) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        read_money(value)  # type: ignore[arg-type]


# -- the reader for scraped text: the first number, read exactly, or why not --------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("US $1,299.00", "1299.00"),
        ("1.299,00 €", "1299.00"),
        ("1 299,00", "1299.00"),
        ("1\u00a0299,00 €", "1299.00"),
        ("€1.299", "1299"),  # a lone "." before three digits groups thousands in shop text
        ("€3.480,00", "3480.00"),
        ("€ 4 150,00", "4150.00"),
        ("1 020 EUR", "1020"),
        ("From $2,500", "2500"),
        ("$1,000 - $1,200", "1000"),  # a range: its low end
        ("$1,000-$1,200", "1000"),
        ("SALE - $900", "900"),  # a dash before a space is not a sign
        ("Price: 3 299,50 руб", "3299.50"),
        ("from $12.5 each", "12.5"),
        ("1,5", "1.5"),
        ("1'299.00", "1299.00"),
        ("USD900", "900"),
        ("900USD", "900"),
        ("3200U", "3200"),
        ("23000元", "23000"),
        ("185000руб.", "185000"),
        ("1.299,- €", "1299"),
        ("C $41.25 delivery", "41.25"),
        ("\uff19\uff10\uff10", "900"),  # full-width digits
        ("$0.00", "0.00"),  # zero is read; the scraper decides it means "call for price"
        (2450, "2450"),
        (1299.9, "1299.9"),
    ],
)
def test_read_price_reads_one_amount_exactly(text: str | float, amount: str) -> None:
    got = read_price(text)
    assert got == Price(Decimal(amount))
    assert str(got.amount) == amount  # exact digits
    assert parse_decimal(text) == Decimal(amount)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("-5", "'-5' is negative"),
        ("\u22125", "'\u22125' is negative"),  # a typographic minus
        ("$-5", "'$-5' is negative"),
        ("-$5", "'-$5' is negative"),
        ("Price: - 900", "'Price: - 900' is negative"),
        ("+5", "'+5' has a sign"),
        ("1e3", "'1e3' is not a number"),
        ("1e309", "'1e309' is not a number"),
        ("1E-3", "'1E-3' is not a number"),
        ("$1,2,3", "'$1,2,3' is not a number"),
        ("1,299,00", "'1,299,00' is not a number"),
        ("1.299.00", "'1.299.00' is not a number"),
        ("12 34", "'12 34' is not a number"),
        ("0x10", "'0x10' is not a number"),
        ("1_000", "'1_000' is not a number"),
        (".5", "'.5' is not a number"),
        ("S19 Pro $2,000", "'S19 Pro $2,000' is not a number"),  # the first number is no price
        ("$12.5k", "'$12.5k' is not a number"),  # not 12.5
        ("100T $2,000", "'100T $2,000' is not a number"),
        ("1000000000000", "'1000000000000' is too large for a price"),
        ("9" * 100, f"{'9' * 37 + '...'!r} is too large for a price"),
        (-5, "'-5' is negative"),
        (float("inf"), "'Infinity' is not a number"),
        (float("nan"), "'NaN' is not a number"),
        (1e20, "'1E+20' is too large for a price"),
        (True, "a bool is not a number"),
        (["5"], "a list is not a number"),
    ],
)
def test_read_price_says_why_a_number_is_no_price(text: object, error: str) -> None:
    """What used to be read as 5, 1, 1 and 12.30 is no price, with the reason."""
    assert read_price(text) == Price(None, error)  # type: ignore[arg-type]
    assert parse_decimal(text) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [None, "", "   ", "Call for price", "NaN", "sold out"])
def test_read_price_without_a_number_is_no_price_and_no_error(text: str | None) -> None:
    assert read_price(text) == Price()


@pytest.mark.parametrize(
    "text",
    ["3299", "3,299.00", "12,345,678.90", "1.299,00", "1 299,00", "1'299.00", "€1.299,00",
     "1,299", "185 000 ₽", "HK$9,800", "999999999999.99", "1299,5"],
)  # fmt: skip
def test_both_readers_agree_on_every_amount_the_strict_one_reads(text: str) -> None:
    """One grammar: scraped text and an imported file read an amount the same way."""
    assert read_price(text).amount == read_amount(text)


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("US $1,299.00", "USD"),
        ("$1,299.00", "USD"),
        ("C $1,299.00", "CAD"),  # eBay Canada
        ("CA $1,299.00", "CAD"),
        ("AU $1,299.00", "AUD"),  # eBay Australia
        ("A$1,299.00", "AUD"),
        ("HK$9,800", "HKD"),
        ("£850.00", "GBP"),
        ("EUR 1.299,00", "EUR"),
        ("1.299,00 €", "EUR"),
        ("CHF 1'299.00", "CHF"),
        ("1299 PLN", "PLN"),
        ("900 USDT", "USD"),
        ("23000元", "CNY"),
        ("RMB 23000", "CNY"),
        ("185 000 руб.", "RUB"),
        ("185 000 рублей", "RUB"),
        ("185 000 ₽", "RUB"),
        ("1299", None),
        ("THUSDAY 1299", None),  # a code inside a word is not a code
        # currencies the ECB does not publish: read, with their code
        ("24 500 грн", "UAH"),
        ("₴41,000", "UAH"),
        ("96.500.000đ", "VND"),
        ("118.000.000 ₫", "VND"),
        ("1 950 000 ₸", "KZT"),
        ("₦2,400,000", "NGN"),
        ("NT$52,000", "TWD"),
        ("Ksh 380,000", "KES"),
        ("thermal gel 2 tubes $12", "USD"),  # "gel" is no currency word (the lari is "₾")
        ("AMD rig $450", "USD"),  # nor "AMD" (the dram is "֏")
    ],
)
def test_find_currency(text: str, currency: str | None) -> None:
    assert find_currency(text) == currency
    assert parse_money(text, "XXX")[1] == (currency or "XXX")


# -- the one table ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mark", "code"),
    [
        ("$", "USD"),
        ("usd", "USD"),
        (" USDT ", "USD"),
        ("u", "USD"),
        ("us$", "USD"),
        ("€", "EUR"),
        ("rmb", "CNY"),
        ("元", "CNY"),
        ("¥", "CNY"),
        ("руб.", "RUB"),
        ("р.", "RUB"),
        ("₽", "RUB"),
        ("C $", "CAD"),
        ("hk$", "HKD"),
        ("XYZ", None),
        ("", None),
    ],
)
def test_currency_code(mark: str, code: str | None) -> None:
    assert currency_code(mark) == code


def test_every_currency_in_the_table_converts_or_is_named_unpublished() -> None:
    """A currency the table names converts to USD, or is one of the named set the ECB does not
    publish (read and stored with no USD value); the set names only the table's currencies and
    none that converts, so a currency the ECB starts publishing leaves it."""
    convertible = bundled_rates().currencies
    assert not CURRENCIES - convertible - UNPUBLISHED
    assert UNPUBLISHED <= CURRENCIES
    assert not UNPUBLISHED & convertible
    for code in UNPUBLISHED:
        with pytest.raises(ValueError, match="unknown currency"):
            to_usd(Decimal(100), code, dt.date(2026, 12, 1))
    for table in (SYMBOLS, CODES, SHORTHANDS):
        assert set(table.values()) <= CURRENCIES
        assert all(key == key.upper() for key in table)  # currency_code() looks up upper case


@pytest.mark.parametrize(
    "mark",
    sorted(SYMBOLS) + sorted(c for c in CODES if c.isascii()),
)
def test_broker_price_lists_read_every_spelling_through_the_table(mark: str) -> None:
    """monitor.normalise.offers finds prices by the table's symbols and codes, before and after
    the number, and maps each back through the table: no second mapping to drift."""
    for line in (f"S19j Pro 100T {mark}3200", f"S19j Pro 100T 3200 {mark}"):
        if line.endswith("$") and not line.endswith(" $"):
            continue  # "3200 C$": a "$" suffix reads as USD (the next line's prefix, else)
        (offer,) = parse_offers(line)
        assert (offer.price, offer.currency) == (Decimal(3200), SYMBOLS.get(mark) or CODES[mark])


@pytest.mark.parametrize(
    ("line", "price", "currency"),
    [
        ("S19j Pro 100T 3200U", "3200", "USD"),
        ("S19j Pro 100T 185000 руб.", "185000", "RUB"),
        ("S19j Pro 100T 185000 р.", "185000", "RUB"),
        ("S19j Pro 100T 185 т.р.", "185000", "RUB"),
        ("S19j Pro 100T 185 тыс. руб", "185000", "RUB"),
        ("S19j Pro 100T 185 тыс ₽", "185000", "RUB"),
        ("S19j Pro 100T 185000 рублей", "185000", "RUB"),
    ],
)
def test_broker_shorthands_map_through_the_table(line: str, price: str, currency: str) -> None:
    (offer,) = parse_offers(line)
    assert (offer.price, offer.currency) == (Decimal(price), currency)


# -- every scraper: a price it cannot read is no price, and the listing says why ------------------
SOURCES = Path(__file__).parent.parent / "fixtures" / "sources"


@pytest.mark.parametrize(
    ("kind", "case", "written", "hostile", "error"),
    [
        ("css", "shop-page-1", "$2,450.00", "$1,2,3", "'$1,2,3' is not a number"),
        ("css", "shop-page-1", "$2,450.00", "$-2,450.00", "'$-2,450.00' is negative"),
        ("ebay", "legacy-active", "$560.00", "$1e309", "'$1e309' is not a number"),
        (
            "jsonld",
            "category-itemlist",
            '"price": "850.00"',
            '"price": "1e3"',
            "'1e3' is not a number",
        ),
        ("jsonld", "category-itemlist", '"price": 2450,', '"price": -5,', "'-5' is negative"),
        ("shopify", "variants-full-page", '"389.00"', '"-5"', "'-5' is negative"),
    ],
)
def test_scrapers_keep_an_unreadable_price_as_none_with_the_reason(
    kind: str, case: str, written: str, hostile: str, error: str
) -> None:
    """The golden page with one price written as no price can be: that listing keeps no price
    (not 5, 1 or 12.30) and says why in ``extra["price_error"]``; every other listing is as the
    golden file has it."""
    page = next((SOURCES / kind).glob(f"*-{case}.input.*"))
    want = json.loads(page.with_name(page.name.split(".")[0] + ".expected.json").read_text())
    text = page.read_text(encoding="utf-8")
    assert text.count(written) == 1
    source = scrapers.get(kind)(want["source_url"], want["options"])
    got = source.parse(text.replace(written, hostile), want["url"]).listings
    assert len(got) == len(want["listings"])
    bad = [x for x in got if "price_error" in x.extra]
    assert [x.extra["price_error"] for x in bad] == [error]
    assert (bad[0].price, bad[0].price_max, bad[0].currency) == (None, None, None)
    assert [asdict(x) for x in got if x is not bad[0]] == [
        asdict(x)
        for x in source.parse(text, want["url"]).listings
        if x.listing_id != bad[0].listing_id
    ]


def test_brazilian_reais_are_read() -> None:
    assert currency_code("R$") == "BRL"
    assert currency_code("brl") == "BRL"
