"""``asicmon market``: recent daily BTC/USD and hashprice from public APIs into the database
(the daemon runs the same job daily); ``asicmon market import FILE.csv``: a user's own daily
series; and the offline hashprice the analysis fills in wherever BTC/USD is known."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from monitor.analysis.drops import market_notes_line as market_notes_line
from monitor.analysis.hashprice import fill_hashprice
from monitor.config import Config
from monitor.fetch.http import Fetcher
from monitor.fetch.market import MarketCsvError as MarketCsvError
from monitor.fetch.market import fetch_recent, load_retargets, parse_market_csv
from monitor.store import MarketDay, Store

MAX_IMPORT_MB = 50  # a daily series since 2009 is well under 1 MB


def _num(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def refresh_market(cfg: Config, days: int = 90, **apis: str) -> int:
    """Fetch the last ``days`` days (``FetchError`` when no API answers) and store them; returns
    how many days were stored. Known values are kept where a new day has none. The APIs are the
    config's (``market: {blockchain_api, mempool_api}``) unless ``apis`` (``blockchain_base``,
    ``mempool_base``) name others."""
    apis = {"blockchain_base": cfg.market.blockchain_api, "mempool_base": cfg.market.mempool_api,
            **apis}  # fmt: skip
    with Fetcher(cfg.http) as fetcher:
        frame = fetch_recent(fetcher, days=days, **apis)  # type: ignore[arg-type]
    source = str(frame.attrs.get("source", "api"))
    with Store(cfg.database) as store:
        return store.save_market(_days(frame, source))


def _days(frame: pd.DataFrame, source: str) -> list[MarketDay]:
    return [
        MarketDay(
            f"{day:%Y-%m-%d}", _num(r.get("btc_usd")), _num(r.get("hashprice_usd_ph_day")), source
        )
        for day, r in frame.iterrows()
    ]


@dataclass(frozen=True)
class Imported:
    """What ``asicmon market import`` stored."""

    days: int
    with_btc_usd: int
    with_hashprice: int
    first: str
    last: str
    source: str


def import_market(cfg: Config, path: Path) -> Imported:
    """Store a user's daily series from a CSV (:func:`monitor.fetch.market.parse_market_csv`),
    source ``import:<file name>``. Every row is checked first: any bad row raises
    :class:`MarketCsvError` (each problem with its line number) and nothing is stored. A file
    that cannot be read raises ``MarketCsvError`` too (one problem, no line)."""
    name = path.name
    try:
        if path.stat().st_size > MAX_IMPORT_MB * 1024 * 1024:
            raise MarketCsvError(str(path), [(None, f"larger than {MAX_IMPORT_MB} MB: not read")])
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MarketCsvError(str(path), [(None, f"not UTF-8 text (byte {exc.start})")]) from None
    except OSError as exc:
        raise MarketCsvError(str(path), [(None, f"cannot read: {exc.strerror or exc}")]) from None
    frame = parse_market_csv(text, str(path))
    source = f"import:{name}"
    with Store(cfg.database) as store:
        stored = store.save_market(_days(frame, source))
    return Imported(
        days=stored,
        with_btc_usd=int(frame["btc_usd"].notna().sum()),
        with_hashprice=int(frame["hashprice_usd_ph_day"].notna().sum()),
        first=f"{frame.index[0]:%Y-%m-%d}",
        last=f"{frame.index[-1]:%Y-%m-%d}",
        source=source,
    )


def with_offline_hashprice(market: pd.DataFrame) -> pd.DataFrame:
    """``market`` with hashprice (USD/PH/day) filled in wherever it is missing and BTC/USD is
    known: the subsidy-only hashprice from the bundled difficulty table times BTC/USD
    (:mod:`monitor.analysis.hashprice`; fees left out). Known values are kept."""
    return fill_hashprice(market, load_retargets())
