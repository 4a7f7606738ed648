"""scrapers.money: the one currency table, the lenient reader scrapers use and the strict reader
the CSV importer uses."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from monitor.normalise.fx import bundled_rates
from monitor.normalise.offers import parse_offers
from scrapers.money import (
    CODES,
    CURRENCIES,
    SHORTHANDS,
    SYMBOLS,
    currency_code,
    find_currency,
    parse_decimal,
    parse_money,
    read_amount,
    read_money,
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


# -- the lenient reader keeps reading scraped text as before ------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("US $1,299.00", "1299.00"),
        ("1.299,00 €", "1299.00"),
        ("Price: 3 299,50 руб", "3299.50"),
        ("from $12.5 each", "12.5"),
        ("1,5", "1.5"),
        ("1e3", "1"),  # lenient: the first run of digits
        ("call for price", None),
        ("", None),
    ],
)
def test_parse_decimal_reads_the_first_number(text: str, amount: str | None) -> None:
    assert parse_decimal(text) == (None if amount is None else Decimal(amount))


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


def test_every_currency_in_the_table_converts_to_usd() -> None:
    convertible = bundled_rates().currencies
    assert not CURRENCIES - convertible
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
