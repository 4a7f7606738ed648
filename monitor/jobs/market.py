"""``asicmon market``: recent daily BTC/USD and hashprice from public APIs into the database.
The daemon runs the same job on a schedule."""

from __future__ import annotations

import math

from monitor.config import Config
from monitor.fetch.http import Fetcher
from monitor.fetch.market import fetch_recent
from monitor.store import MarketDay, Store


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def refresh_market(cfg: Config, days: int = 90, **apis: str) -> int:
    """Fetch the last ``days`` days (``FetchError`` when no API answers) and store them; returns
    how many days were stored. Known values are kept where a new day has none. ``apis``
    (``blockchain_base``, ``mempool_base``) point at other hosts, e.g. a local mirror."""
    with Fetcher(cfg.http) as fetcher:
        frame = fetch_recent(fetcher, days=days, **apis)  # type: ignore[arg-type]
    source = str(frame.attrs.get("source", "api"))
    rows = [
        MarketDay(
            f"{day:%Y-%m-%d}", _num(r.get("btc_usd")), _num(r.get("hashprice_usd_ph_day")), source
        )
        for day, r in frame.iterrows()
    ]
    with Store(cfg.database) as store:
        return store.save_market(rows)
