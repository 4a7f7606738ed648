"""A price the rate table cannot convert is stored without USD, and said once per currency/day."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from monitor.jobs.collect import usd_value
from scrapers.base import RawListing


def test_an_unconvertible_currency_is_said_once_per_currency_and_day(
    caplog: pytest.LogCaptureFixture,
) -> None:
    late = datetime(2099, 3, 2, 12, tzinfo=UTC)  # long after any bundled ECB file ends
    currencies = ["GBP"] * 5 + ["EUR"] * 3
    listings = [
        RawListing(listing_id=str(i), url="", title="Antminer S19", price=Decimal(900 + i),
                   currency=cur)
        for i, cur in enumerate(currencies)
    ]  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="asicmon.jobs"):
        values = [usd_value(raw, late) for raw in listings]
        values.append(usd_value(listings[0], late.replace(day=3)))  # another day: said again
    assert values == [None] * 9
    said = [r.getMessage() for r in caplog.records if "no USD rate" in r.getMessage()]
    assert [m.split(":")[0] for m in said] == [
        "no USD rate for GBP 2099-03-02",
        "no USD rate for EUR 2099-03-02",
        "no USD rate for GBP 2099-03-03",
    ]
    usd = usd_value(RawListing(listing_id="u", url="", title="x", price=Decimal(5),
                               currency="USD"), late)  # fmt: skip
    assert usd is not None
    assert usd.usd == Decimal("5.00")
