"""The one definition of a sighting's unit price in $/TH. Every index, deal, export column and
summary that shows $/TH computes it here.

A listed price buys ``quantity`` machines of ``hashrate_ths`` TH/s each, so its unit price is
``price / quantity / hashrate_ths``. A broker offer quoted per TH (``price_basis == "per_th"``,
"14.2/T") already is a unit price: quantity and hashrate do not divide it again. A price that
cannot be a unit price (no hashrate, zero or negative numbers) is NaN, never 0 or infinite.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

PER_TH = "per_th"  # the price_basis of a price quoted per TH/s


def usd_per_th(price: Any, quantity: Any, hashrate_ths: Any, basis: Any = None) -> Any:
    """$/TH of each price (vectorised: pandas Series, numpy arrays or scalars; NaN where the
    inputs cannot give a unit price). ``quantity`` missing or below 1 counts as 1 machine."""
    price_a = np.asarray(price, dtype=float)
    qty = np.asarray(quantity, dtype=float)
    qty = np.where(np.isnan(qty) | (qty < 1), 1.0, qty)
    ths = np.asarray(hashrate_ths, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        unit = price_a / qty / ths
    if basis is not None:
        quoted = np.asarray(basis, dtype=object) == PER_TH
        unit = np.where(quoted, price_a, unit)
    unit = np.where(np.isfinite(unit) & (unit > 0), unit, np.nan)
    if isinstance(price, pd.Series):
        return pd.Series(unit, index=price.index, name="usd_per_th")
    return unit if unit.ndim else float(unit)


def unit_price_usd(price: Any, quantity: Any, hashrate_ths: Any, basis: Any = None) -> Any:
    """The price of one machine: the listed price over its quantity, or for a $/TH quote the
    rate times the machine's TH/s."""
    return usd_per_th(price, quantity, hashrate_ths, basis) * np.asarray(hashrate_ths, dtype=float)
