"""The one definition of $/TH: lots, $/TH quotes, and prices that cannot be a unit price."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from monitor.analysis.unit_price import unit_price_usd, usd_per_th


def test_a_lot_is_divided_by_its_quantity_and_hashrate() -> None:
    assert usd_per_th(6000.0, 4, 100.0) == 15.0
    assert usd_per_th(1500.0, 1, 100.0) == 15.0


def test_a_per_th_quote_is_already_a_unit_price() -> None:
    got = usd_per_th(pd.Series([14.2, 1420.0]), pd.Series([10, 1]), pd.Series([150.0, 100.0]),
                     pd.Series(["per_th", "unit"]))  # fmt: skip
    assert got.tolist() == [14.2, 14.2]
    assert unit_price_usd(14.2, 10, 150.0, "per_th") == 14.2 * 150.0


def test_missing_quantity_counts_one_machine() -> None:
    got = usd_per_th(np.array([3000.0, 3000.0]), np.array([np.nan, 0]), np.array([100.0, 100.0]))
    assert got.tolist() == [30.0, 30.0]


def test_what_cannot_be_a_unit_price_is_nan_never_zero_or_infinite() -> None:
    got = usd_per_th(pd.Series([100.0, 100.0, 0.0, -5.0, np.nan]),
                     pd.Series([1, 1, 1, 1, 1]),
                     pd.Series([0.0, np.nan, 100.0, 100.0, 100.0]))  # fmt: skip
    assert got.isna().all()
    assert list(got.index) == [0, 1, 2, 3, 4]


@given(
    price=st.floats(min_value=0.01, max_value=1e9),
    quantity=st.integers(min_value=1, max_value=10_000),
    ths=st.floats(min_value=0.001, max_value=1e6),
)
def test_unit_price_times_quantity_and_hashrate_is_the_price(
    price: float, quantity: int, ths: float
) -> None:
    unit = usd_per_th(price, quantity, ths)
    assert math.isclose(unit * quantity * ths, price, rel_tol=1e-9)
    assert math.isclose(unit_price_usd(price, quantity, ths) * quantity, price, rel_tol=1e-9)
