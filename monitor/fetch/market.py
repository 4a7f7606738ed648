"""Daily market series the analysis controls for: BTC/USD, network hashrate and hashprice.

Frames returned here share one shape: a daily ``DatetimeIndex`` named ``date`` (UTC days, tz-naive,
sorted, unique) and the float columns of :data:`MARKET_COLUMNS`, NaN where unknown:

- ``btc_usd``: BTC price in USD that day.
- ``hashprice_usd_ph_day``: what one PH/s of hashrate earned that day, in USD (subsidy + fees).
- ``hashrate_ehs``: estimated network hashrate in EH/s.

These are market series, not money of record, so floats are fine.

Sources:

- **Bundled** (offline): ``data/market/btc_usd_daily.csv``, BTC/USD 2010-07-18 to 2022-01-04 from
  nhamilton1/btc-utils-be (MIT; see ``data/market/README.md``). It has no hashprice or hashrate
  history, because no series with a licence that allows redistribution was found; instead
  ``data/market/difficulty_retargets.csv`` (:func:`load_retargets`, public chain facts) lets
  ``monitor.analysis.hashprice`` compute the subsidy part of hashprice for any day offline.
- **A user's CSV** (``asicmon market import``): :func:`parse_market_csv`.
- **blockchain.info charts API** (online, the default): ``/charts/{market-price, hash-rate,
  miners-revenue}?timespan=90days&sampled=false&format=json``. Each call answers
  ``{"status": "ok", "name": ..., "unit": ..., "period": "day", "description": ...,
  "values": [{"x": <unix seconds, 00:00 UTC>, "y": <number>}, ...]}``; ``market-price`` is in USD,
  ``hash-rate`` in TH/s and ``miners-revenue`` in USD/day (block subsidy + fees, all blocks of the
  day). Hashprice is revenue over hashrate::

      hashprice_usd_ph_day = miners_revenue_usd_day / (hashrate_ths / 1000)

- **mempool.space mining API** (online, the fallback): ``/api/v1/mining/hashrate/3m`` answers
  ``{"hashrates": [{"timestamp": <unix s>, "avgHashrate": <H/s>}, ...], "difficulty":
  [{"time": <unix s>, "height": n, "difficulty": d, "adjustment": <new/old ratio>}, ...],
  "currentHashrate": ..., "currentDifficulty": ...}`` (one hashrate per day, one difficulty entry
  per retarget), and ``/api/v1/mining/blocks/rewards/3m`` answers ``[{"avgHeight": n, "timestamp":
  <unix s>, "avgRewards": <sats per block, subsidy + fees>, "USD": <BTC price>}, ...]`` in 2-hour
  buckets for 3m (daily averages are taken here). Hashprice is the expected revenue of a hash::

      hashprice_usd_ph_day = reward_btc_per_block * btc_usd * 86400 * 1e15 / (difficulty * 2**32)

  (a block needs ``difficulty * 2**32`` hashes on average). With the realised block rate both
  formulas agree: revenue/day = blocks/day * reward * price and hashrate = blocks/day *
  difficulty * 2**32 / 86400, so the block count cancels.

Parsers are pure (text in, frame out) and raise ``ValueError`` on an unexpected shape;
:func:`fetch_recent` does the I/O through the polite :class:`monitor.fetch.http.Fetcher`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, Literal, Protocol

import pandas as pd

from monitor import data_path
from monitor.fetch.http import Fetched, FetchError

MARKET_COLUMNS = ["btc_usd", "hashprice_usd_ph_day", "hashrate_ehs"]

BLOCKCHAIN_API = "https://api.blockchain.info"
MEMPOOL_API = "https://mempool.space/api"
BLOCKCHAIN_PRICE_CHART = "market-price"
BLOCKCHAIN_HASHRATE_CHART = "hash-rate"
BLOCKCHAIN_REVENUE_CHART = "miners-revenue"
MEMPOOL_PERIODS = (("1m", 30), ("3m", 90), ("6m", 180), ("1y", 365), ("2y", 730), ("3y", 1095))

SOURCE_BUNDLED = "btc-utils-be (MIT), bundled"
SOURCE_BLOCKCHAIN = "blockchain.info charts API"
SOURCE_MEMPOOL = "mempool.space mining API"

Provider = Literal["blockchain", "mempool"]

_HASH_UNITS = {"": 1.0, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15, "e": 1e18, "z": 1e21}
_TWO_32 = float(2**32)


class MarketDataError(FetchError):
    """Market data could not be fetched or did not parse; ``url`` and ``reason`` say why."""


class _Getter(Protocol):
    def get(self, url: str) -> Fetched: ...


# -- frame helpers -------------------------------------------------------------------------------
def empty_frame() -> pd.DataFrame:
    """A market frame with no days."""
    return _shape(pd.DataFrame(columns=MARKET_COLUMNS, index=pd.DatetimeIndex([], name="date")))


def _shape(frame: pd.DataFrame) -> pd.DataFrame:
    """Daily index named ``date`` (ns, tz-naive, unique, sorted); the market columns as floats
    first, any others after."""
    frame = frame.set_index("date") if "date" in frame.columns else frame.copy()
    frame.index = pd.DatetimeIndex(frame.index).normalize().as_unit("ns")
    frame.index.name = "date"
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    for column in MARKET_COLUMNS:
        if column in frame:
            values = frame[column].astype("float64")
            frame[column] = values.where(values.abs() != math.inf)  # a division by zero upstream
        else:
            frame[column] = math.nan
    extra = [c for c in frame.columns if c not in MARKET_COLUMNS]
    return frame[MARKET_COLUMNS + extra]


def _days(seconds: Any) -> pd.DatetimeIndex:
    """Unix seconds to UTC calendar days (tz-naive midnight)."""
    stamps = pd.to_datetime(pd.Series(seconds, dtype="float64"), unit="s", utc=True)
    return pd.DatetimeIndex(stamps.dt.tz_localize(None).dt.normalize())


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what}: not JSON ({exc.msg} at char {exc.pos})") from None


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what}: expected a number, got {value!r}")
    return float(value)


# -- bundled history -----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _bundled() -> pd.DataFrame:
    path = data_path("market", "btc_usd_daily.csv")
    if not path.is_file():  # e.g. an install whose package-data leaves out data/market/
        raise FileNotFoundError(f"bundled market history missing: {path}")
    raw = pd.read_csv(path, dtype={"date": "str", "btc_usd": "float64"})
    frame = raw.set_index(pd.to_datetime(raw["date"], format="%Y-%m-%d"))[["btc_usd"]]
    if frame.index.has_duplicates:
        raise ValueError(f"{path}: duplicate days")
    return _shape(frame)


def load_bundled() -> pd.DataFrame:
    """The bundled daily history (BTC/USD 2010-07-18 to 2022-01-04; hashprice and hashrate NaN)."""
    return _bundled().copy()


@lru_cache(maxsize=1)
def _retargets() -> pd.DataFrame:
    path = data_path("market", "difficulty_retargets.csv")
    if not path.is_file():
        raise FileNotFoundError(f"bundled difficulty table missing: {path}")
    table = pd.read_csv(path, dtype={"height": "int64", "date": "str", "difficulty": "float64"})
    table["date"] = pd.to_datetime(table["date"], format="%Y-%m-%d")
    if not (table["height"].diff().dropna() > 0).all() or not table["date"].is_monotonic_increasing:
        raise ValueError(f"{path}: rows out of order")
    return table


def load_retargets() -> pd.DataFrame:
    """The bundled difficulty per retarget (``height``, ``date``, ``difficulty``; 2009-01-03 to
    2026-02-08, see ``data/market/README.md``) for ``monitor.analysis.hashprice``."""
    return _retargets().copy()


# -- a user's own daily series (asicmon market import) --------------------------------------------
IMPORT_COLUMNS = ("date", "btc_usd", "hashprice_usd_ph_day")
_IMPORT_VALUES = IMPORT_COLUMNS[1:]
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STAMP = re.compile(  # a date-time: day, hour, minute, [second[.fraction]], [zone]
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?",
    flags=re.IGNORECASE,
)


class MarketCsvError(ValueError):
    """A market CSV with bad rows: ``problems`` holds ``(line, why)`` per problem (line None:
    the whole file); :meth:`lines` words them as ``FILE:LINE: why``."""

    def __init__(self, name: str, problems: list[tuple[int | None, str]]) -> None:
        self.name = name
        self.problems = problems
        super().__init__(self.lines()[0] if problems else name)

    def lines(self) -> list[str]:
        return [f"{self.name}:{n}: {why}" if n else f"{self.name}: {why}"
                for n, why in self.problems]  # fmt: skip


def _import_day(text: str) -> str:
    """``YYYY-MM-DD``, or an ISO date-time at 00:00 UTC (``2021-05-10T00:00:00Z``,
    ``2021-05-10 00:00:00+00:00``, ``2021-05-10T02:00+02:00``): the UTC day as ``YYYY-MM-DD``."""
    if not text:
        raise ValueError("no date")
    try:
        if _DAY.fullmatch(text):
            day = pd.Timestamp(text)
        elif (stamp := _STAMP.fullmatch(text)) is not None:
            zone = stamp.group(5)
            if zone and zone.upper() not in ("Z", "UTC"):
                at = pd.Timestamp(text.replace(" ", "T", 1)).tz_convert("UTC")
            else:
                at = pd.Timestamp(
                    f"{stamp.group(1)}T{stamp.group(2)}:{stamp.group(3)}:{stamp.group(4) or '00'}"
                )
            if (at.hour, at.minute, at.second, at.microsecond) != (0, 0, 0, 0):
                raise ValueError(f"date {text!r} is not at 00:00 UTC (one row per UTC day)")
            day = at.tz_localize(None) if at.tzinfo is not None else at
        else:
            raise ValueError(f"date {text!r} is not YYYY-MM-DD (or an ISO date-time at 00:00 UTC)")
    except (ValueError, OverflowError) as exc:
        if str(exc).startswith("date "):
            raise
        raise ValueError(f"date {text!r} is not a real day") from None
    return f"{day:%Y-%m-%d}"


def _import_number(text: str, column: str) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{column} {text!r} must be a positive number")
    return value


def parse_market_csv(text: str, name: str = "market CSV") -> pd.DataFrame:
    """A user's daily series (``date``, ``btc_usd``, ``hashprice_usd_ph_day``; a header row
    naming ``date`` and at least one of the others; other columns ignored; either value may be
    blank, not both; a byte-order mark is ignored) as a market frame (NaN where blank).

    Every row is checked before anything is returned: :class:`MarketCsvError` lists each bad
    row by line number (bad date, a value that is not a positive number, a date already seen,
    no value at all). Blank lines are skipped."""
    import csv

    lines = text.removeprefix("\ufeff").splitlines()
    reader = csv.reader(lines)
    header = next(reader, None)
    names = [h.strip().lower() for h in header or []]
    if "date" not in names or not any(c in names for c in _IMPORT_VALUES):
        found = ", ".join(h for h in names if h) or "nothing"
        raise MarketCsvError(name, [(1, f"the header must name date and btc_usd and/or "
                                        f"hashprice_usd_ph_day (found: {found})")])  # fmt: skip
    where = {c: names.index(c) for c in IMPORT_COLUMNS if c in names}
    problems: list[tuple[int | None, str]] = []
    seen: dict[str, int] = {}
    days: list[str] = []
    values: dict[str, list[float]] = {c: [] for c in _IMPORT_VALUES}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = {c: (row[i].strip() if i < len(row) else "") for c, i in where.items()}
        try:
            day = _import_day(cells["date"])
            if day in seen:
                raise ValueError(f"date {day} is already on line {seen[day]}")
            seen[day] = line
            got = {c: _import_number(cells.get(c, ""), c) for c in _IMPORT_VALUES}
            if all(v is None for v in got.values()):
                raise ValueError("no btc_usd and no hashprice_usd_ph_day (one is needed)")
        except ValueError as exc:
            problems.append((line, str(exc)))
            continue
        days.append(day)
        for c in _IMPORT_VALUES:
            values[c].append(math.nan if got[c] is None else float(got[c]))  # type: ignore[arg-type]
    if problems:
        raise MarketCsvError(name, problems)
    if not days:
        raise MarketCsvError(name, [(None, "no data rows after the header")])
    frame = pd.DataFrame(values, index=pd.to_datetime(days, format="%Y-%m-%d"))
    return _shape(frame)


# -- blockchain.info -----------------------------------------------------------------------------
def blockchain_chart_url(chart: str, days: int, base: str = BLOCKCHAIN_API) -> str:
    """The charts-API URL of one chart over the last ``days`` days, one point per day."""
    return f"{base.rstrip('/')}/charts/{chart}?timespan={days}days&sampled=false&format=json"


def parse_blockchain_chart(text: str) -> pd.Series:
    """A blockchain.info chart as a daily float Series (several points in a day are averaged).

    The Series is named after the chart's ``unit`` (e.g. ``"USD"``) so callers can check it.
    """
    data = _loads(text, "blockchain.info chart")
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise ValueError("blockchain.info chart: no 'values' list")
    if data.get("status", "ok") != "ok":
        raise ValueError(f"blockchain.info chart: status {data.get('status')!r}")
    xs, ys = [], []
    for i, point in enumerate(data["values"]):
        if not isinstance(point, dict):
            raise ValueError(f"blockchain.info chart: values[{i}] is not an object")
        xs.append(_number(point.get("x"), f"blockchain.info chart values[{i}].x"))
        ys.append(_number(point.get("y"), f"blockchain.info chart values[{i}].y"))
    series = pd.Series(ys, index=_days(xs), dtype="float64")
    series = series.groupby(level=0).mean()
    series.index.name = "date"
    series.name = str(data.get("unit") or data.get("name") or "")
    return series


def _hash_scale(*texts: str) -> float:
    """H/s per unit of a hashrate chart, read from its unit or name ("TH/s", "Hash Rate TH/s");
    TH/s, the unit of blockchain.info's hash-rate chart, when none is stated."""
    for text in texts:
        found = re.search(r"\b([kmgtpez]?)h/s\b", text, flags=re.IGNORECASE)
        if found:
            return _HASH_UNITS[found.group(1).lower()]
    return 1e12


def blockchain_frame(price: str, hashrate: str, revenue: str) -> pd.DataFrame:
    """A market frame from the three blockchain.info chart answers (texts)."""
    btc = parse_blockchain_chart(price)
    hash_data = _loads(hashrate, "blockchain.info hash-rate")
    scale = _hash_scale(str(hash_data.get("unit", "")), str(hash_data.get("name", "")))
    rate_hs = parse_blockchain_chart(hashrate) * scale
    rev = parse_blockchain_chart(revenue)
    frame = pd.concat({"btc_usd": btc, "hashrate_hs": rate_hs, "revenue": rev}, axis=1)
    frame["hashrate_ehs"] = frame["hashrate_hs"] / 1e18
    frame["hashprice_usd_ph_day"] = frame["revenue"] / (frame["hashrate_hs"] / 1e15)
    return _shape(frame[MARKET_COLUMNS])


# -- mempool.space -------------------------------------------------------------------------------
def mempool_period(days: int) -> str:
    """The smallest mempool.space period (``1m`` .. ``3y``, else ``all``) covering ``days``."""
    for period, span in MEMPOOL_PERIODS:
        if days <= span:
            return period
    return "all"


def mempool_hashrate_url(days: int, base: str = MEMPOOL_API) -> str:
    return f"{base.rstrip('/')}/v1/mining/hashrate/{mempool_period(days)}"


def mempool_rewards_url(days: int, base: str = MEMPOOL_API) -> str:
    return f"{base.rstrip('/')}/v1/mining/blocks/rewards/{mempool_period(days)}"


def parse_mempool_hashrate(text: str) -> tuple[pd.Series, pd.Series]:
    """``/v1/mining/hashrate/:period`` as (daily hashrate in H/s, difficulty per day).

    The difficulty Series holds the difficulty in force on each retarget day, plus the one
    before the first retarget of the answer (``difficulty / adjustment``), so every day of
    the period can be given its difficulty with a step-wise forward fill.
    """
    data = _loads(text, "mempool hashrate")
    if not isinstance(data, dict) or not isinstance(data.get("hashrates"), list):
        raise ValueError("mempool hashrate: no 'hashrates' list")
    stamps, rates = [], []
    for i, item in enumerate(data["hashrates"]):
        if not isinstance(item, dict):
            raise ValueError(f"mempool hashrate: hashrates[{i}] is not an object")
        stamps.append(_number(item.get("timestamp"), f"mempool hashrates[{i}].timestamp"))
        rates.append(_number(item.get("avgHashrate"), f"mempool hashrates[{i}].avgHashrate"))
    hashrate = pd.Series(rates, index=_days(stamps), dtype="float64").groupby(level=0).mean()
    hashrate.index.name = "date"

    first_day = min(stamps) if stamps else None
    times, values = [], []
    adjustments = data.get("difficulty") or []
    if not isinstance(adjustments, list):
        raise ValueError("mempool hashrate: 'difficulty' is not a list")
    for i, item in enumerate(sorted(adjustments, key=lambda a: a.get("time", 0))):
        when = _number(item.get("time"), f"mempool difficulty[{i}].time")
        value = _number(item.get("difficulty"), f"mempool difficulty[{i}].difficulty")
        if i == 0 and item.get("adjustment"):
            ratio = _number(item["adjustment"], "mempool difficulty[0].adjustment")
            if ratio > 0:  # the difficulty in force before the first retarget shown
                before = when - 86400
                times.append(before if first_day is None else min(before, first_day))
                values.append(value / ratio)
        times.append(when)
        values.append(value)
    difficulty = pd.Series(values, index=_days(times), dtype="float64")
    difficulty = difficulty[~difficulty.index.duplicated(keep="last")].sort_index()
    difficulty.index.name = "date"
    return hashrate, difficulty


def parse_mempool_rewards(text: str) -> pd.DataFrame:
    """``/v1/mining/blocks/rewards/:period`` as daily ``reward_btc`` (average per block,
    subsidy + fees) and ``btc_usd`` (buckets of a day averaged)."""
    data = _loads(text, "mempool rewards")
    if not isinstance(data, list):
        raise ValueError("mempool rewards: expected a list")
    stamps, rewards, prices = [], [], []
    for i, item in enumerate(data):
        if not isinstance(item, dict):
            raise ValueError(f"mempool rewards[{i}] is not an object")
        stamps.append(_number(item.get("timestamp"), f"mempool rewards[{i}].timestamp"))
        rewards.append(_number(item.get("avgRewards"), f"mempool rewards[{i}].avgRewards") / 1e8)
        usd = item.get("USD")
        prices.append(math.nan if usd is None else _number(usd, f"mempool rewards[{i}].USD"))
    frame = pd.DataFrame({"reward_btc": rewards, "btc_usd": prices}, index=_days(stamps))
    frame.loc[frame["btc_usd"] <= 0, "btc_usd"] = math.nan  # 0 = price not known yet
    frame = frame.groupby(level=0).mean()
    frame.index.name = "date"
    return frame


def hashprice_from_difficulty(
    reward_btc: pd.Series | float, btc_usd: pd.Series | float, difficulty: pd.Series | float
) -> Any:
    """USD per PH/s per day: a block pays ``reward_btc`` and takes ``difficulty * 2**32`` hashes;
    one PH/s does ``86400 * 1e15`` hashes a day."""
    return reward_btc * btc_usd * 86400 * 1e15 / (difficulty * _TWO_32)


def mempool_frame(hashrate_text: str, rewards_text: str) -> pd.DataFrame:
    """A market frame from mempool.space's hashrate and block-rewards answers (texts)."""
    hashrate, difficulty = parse_mempool_hashrate(hashrate_text)
    rewards = parse_mempool_rewards(rewards_text)
    days = hashrate.index.union(rewards.index)
    if days.empty:
        return empty_frame()
    per_day = difficulty.reindex(difficulty.index.union(days)).sort_index().ffill().reindex(days)
    frame = pd.DataFrame(index=days)
    frame["btc_usd"] = rewards["btc_usd"].reindex(days)
    frame["hashrate_ehs"] = hashrate.reindex(days) / 1e18
    frame["hashprice_usd_ph_day"] = hashprice_from_difficulty(
        rewards["reward_btc"].reindex(days), frame["btc_usd"], per_day
    )
    return _shape(frame)


# -- fetching and merging ------------------------------------------------------------------------
def _get(fetcher: _Getter, url: str) -> str:
    return fetcher.get(url).text


def _fetch_blockchain(fetcher: _Getter, days: int, base: str) -> pd.DataFrame:
    texts = [
        _get(fetcher, blockchain_chart_url(chart, days, base))
        for chart in (BLOCKCHAIN_PRICE_CHART, BLOCKCHAIN_HASHRATE_CHART, BLOCKCHAIN_REVENUE_CHART)
    ]
    return blockchain_frame(*texts)


def _fetch_mempool(fetcher: _Getter, days: int, base: str) -> pd.DataFrame:
    hashrate = _get(fetcher, mempool_hashrate_url(days, base))
    rewards = _get(fetcher, mempool_rewards_url(days, base))
    return mempool_frame(hashrate, rewards)


def fetch_recent(
    fetcher: _Getter,
    *,
    days: int = 90,
    providers: Sequence[Provider] = ("blockchain", "mempool"),
    blockchain_base: str = BLOCKCHAIN_API,
    mempool_base: str = MEMPOOL_API,
) -> pd.DataFrame:
    """The last ``days`` days of BTC/USD, hashprice and hashrate from public APIs.

    Providers are tried in order and the first that answers and parses wins (three requests to
    blockchain.info, or two to mempool.space). ``frame.attrs["source"]`` names it. Raises
    :class:`MarketDataError` (a :class:`~monitor.fetch.http.FetchError`) when none did, with each
    provider's reason. The last day may be partial; a later fetch overwrites it (:func:`merge`).
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")

    def from_blockchain() -> pd.DataFrame:
        return _fetch_blockchain(fetcher, days, blockchain_base)

    def from_mempool() -> pd.DataFrame:
        return _fetch_mempool(fetcher, days, mempool_base)

    fetchers: dict[str, tuple[str, Callable[[], pd.DataFrame]]] = {
        "blockchain": (SOURCE_BLOCKCHAIN, from_blockchain),
        "mempool": (SOURCE_MEMPOOL, from_mempool),
    }
    reasons: list[str] = []
    last_url = blockchain_base
    for name in providers:
        if name not in fetchers:
            raise ValueError(f"unknown market data provider {name!r}; known: {sorted(fetchers)}")
        source, run = fetchers[name]
        try:
            frame = run()
        except FetchError as exc:
            reasons.append(f"{name}: {exc}")
            last_url = exc.url
            continue
        except ValueError as exc:
            reasons.append(f"{name}: unexpected answer: {exc}")
            continue
        frame = frame.dropna(how="all", subset=MARKET_COLUMNS)
        if frame.empty:
            reasons.append(f"{name}: no data in the answer")
            continue
        recent: pd.DataFrame = frame[frame.index > frame.index.max() - pd.Timedelta(days=days)]
        recent.attrs["source"] = source
        return recent
    raise MarketDataError(last_url, "no market data provider answered: " + "; ".join(reasons))


def merge(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """``old`` updated with ``new``: the union of days, sorted and unique; a value in ``new``
    replaces the one in ``old``, a NaN in ``new`` keeps it (as the store's upsert does)."""
    old_shaped, new_shaped = _shape(old), _shape(new)
    if new_shaped.empty:
        return old_shaped
    if old_shaped.empty:
        return new_shaped
    return _shape(new_shaped.combine_first(old_shaped))
