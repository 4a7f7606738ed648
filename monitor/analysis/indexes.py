"""Analysis core: quality-adjusted $/TH indexes from price sightings (drops: ``drops``).

Pure functions on pandas DataFrames: no I/O, no clock, no database. The caller builds the frames.

Index method (:func:`build_index`), in order:

1. **Rows kept.** Only ``kind == "miner"`` rows (parts, hosting, "other" are ignored even if passed)
   of working units (:func:`working`: a ``condition`` of :data:`NOT_WORKING`, such as
   ``for_parts``, is left out; a frame without the column is taken as all working) with a
   positive price, hashrate and quantity and a date. The same rule keeps non-working units out
   of deals and alerts (``monitor.outputs.alerts``); they stay stored and exported.
2. **Unit price.** ``$/TH = price_usd / quantity / hashrate_ths``: a lot of *q* machines is priced
   per machine, then per TH. Every index value is in USD per TH/s of nominal hashrate.
3. **Basis.** Completed sales (``sold``) and asking prices are kept apart in every step below
   (column ``basis``: ``"sold"`` or ``"ask"``): asks are stickier than fills and sit above them.
4. **Dedup.** A listing (``source`` + ``listing_key``) seen many times in one period counts once in
   that period, at the median of its sightings' unit prices; ``n_obs`` counts the sightings. Its
   model is the period's first, its hashrate and J/TH the period's medians. Listings are not
   weighted by lot size.
5. **Outliers.** Per ``(model, basis)``, each listing-period's log $/TH is compared with the
   centred rolling median of the model's listing-periods within ``rolling`` (default 28 days).
   It is a candidate when ``|log u - median| > mad_k * scale`` with
   ``scale = max(1.4826 * rolling MAD, 0.05)`` (the floor stops a dealer who repeats one price
   from making MAD zero), and is dropped unless at least 2 and a quarter of the *other* listings
   in its window lie within ``mad_k * scale`` of it: a group of listings at a new level is a
   level shift (a drop to detect), a lone mistyped price or lot is not. Windows with fewer than 5
   listing-periods are not screened.
6. **Matched-model index.** Within each series (one model, or one efficiency tier) and basis, log
   $/TH follows a two-way fixed-effects model ``log u_i = d_t + m_v + e_i`` where ``v`` is the
   machine *variant* (model + nominal hashrate to 3 significant digits: an S19j Pro 104T is priced
   per TH above an 88T). ``d`` and ``m`` are the least-squares solution (alternating projections;
   the time-dummy hedonic index of ANALYSIS-METHODS §2.2 with variant fixed effects, estimated on
   the whole sample, not chained). The period value is the **median** over the period's listings of
   ``log u_i - m_v(i)`` (medians are taken in logs: for an even count, the geometric mean of
   the middle pair), plus the listing-weighted mean of ``m``, so ``usd_per_th`` is the robust
   central $/TH of the tier's average mix: a period in which only cheap variants were listed does
   not read as a price fall. With one variant this is simply the period median.
7. **Tiers** are Hashrate Index efficiency bands cut on each listing's J/TH (:data:`TIERS`,
   half-open ``[low, high)``: 19.0 J/TH is ``19to25``). Listings without J/TH have no tier.
8. ``btc_per_th`` divides by the period's mean ``btc_usd`` (NaN when unknown).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from monitor.analysis.drops import align_events, chance_alignment, find_drops, utc_days
from monitor.analysis.unit_price import usd_per_th
from monitor.normalise.record import Condition

__all__ = [
    "INDEX_COLUMNS",
    "NOT_WORKING",
    "TIERS",
    "align_events",
    "analyse",
    "build_index",
    "chance_alignment",
    "find_drops",
    "tier_of",
    "working",
]

TIERS: dict[str, tuple[float, float]] = {
    "under19": (0.0, 19.0),
    "19to25": (19.0, 25.0),
    "25to38": (25.0, 38.0),
    "38to68": (38.0, 68.0),
    "above68": (68.0, math.inf),
}
"""Hashrate Index efficiency tiers in J/TH, each half-open ``[low, high)``."""

INDEX_COLUMNS = ["series", "period", "basis", "usd_per_th", "btc_per_th", "n_listings", "n_obs"]
MAD_FLOOR = 0.05  # log units (~5 %): lower bound of the outlier scale
MIN_SCREEN = 5  # listing-periods needed in a rolling window before it screens outliers
SUPPORT_SHARE = 0.25  # share of a window's other listings that makes a far value a new level


NOT_WORKING: frozenset[Condition] = frozenset({"for_parts"})
"""Listing conditions that are not a working unit as sold ("for parts", "not hashing", "dead",
"as-is", "untested": ``data/lexicon.yaml`` says which words): never in an index, a deal or an
alert."""


def working(condition: pd.Series[Any]) -> np.ndarray:
    """Which rows are working units: a condition not in :data:`NOT_WORKING` (``unknown`` and a
    missing condition count as working: most sellers do not say)."""
    text = condition.astype("string").str.strip().str.lower()
    return ~text.isin(NOT_WORKING).fillna(False).to_numpy(dtype=bool)


def tier_of(j_th: float | None) -> str | None:
    """The efficiency tier of a machine at ``j_th`` J/TH, or None when unknown or not positive."""
    if j_th is None or not math.isfinite(j_th) or j_th <= 0:
        return None
    for name, (low, high) in TIERS.items():
        if low <= j_th < high:
            return name
    return None  # pragma: no cover - the tiers cover (0, inf)


def period_of(days: pd.Series[pd.Timestamp], freq: Literal["D", "W"]) -> pd.Series[pd.Timestamp]:
    """The period of each day: the day itself, or the Monday of its ISO week."""
    if freq == "D":
        return days
    if freq == "W":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    raise ValueError(f"freq must be 'D' or 'W', not {freq!r}")


def _prepare(obs: pd.DataFrame, freq: Literal["D", "W"]) -> pd.DataFrame:
    """Miner rows with a valid unit price, their period, basis and listing identity."""
    df = obs.copy()
    if "kind" in df:
        kind = df["kind"].astype("string").str.strip().str.lower()
        df = df[(kind == "miner").fillna(False).to_numpy(dtype=bool)]
    if "condition" in df:
        df = df[working(df["condition"])]
    for col in ("price_usd", "hashrate_ths", "quantity", "efficiency_j_th"):
        df[col] = pd.to_numeric(df[col], errors="coerce") if col in df else np.nan
    df["quantity"] = df["quantity"].fillna(1)
    df["day"] = utc_days(df["observed_date"]).to_numpy()
    ok = (
        (df["price_usd"] > 0)
        & (df["hashrate_ths"] > 0)
        & (df["quantity"] >= 1)
        & df["day"].notna()
        & df["model"].notna()
    )
    df = df[ok].copy()
    basis = df["price_basis"] if "price_basis" in df.columns else None
    df["log_u"] = np.log(usd_per_th(df["price_usd"], df["quantity"], df["hashrate_ths"], basis))
    df["period"] = period_of(df["day"], freq).to_numpy()
    sold = (
        df["sold"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "sold" in df else False
    )
    df["basis"] = np.where(sold, "sold", "ask")
    source = df["source"].astype(str) if "source" in df else ""
    df["key"] = source + "\x1f" + df["listing_key"].astype(str)
    df["model"] = df["model"].astype(str)
    return df


def _dedup(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (listing, basis, period): median log unit price, sightings counted."""
    grouped = df.groupby(["key", "basis", "period"], sort=False)
    out = grouped.agg(
        log_u=("log_u", "median"),
        model=("model", "first"),
        hashrate_ths=("hashrate_ths", "median"),
        efficiency_j_th=("efficiency_j_th", "median"),
        n_obs=("log_u", "size"),
    )
    return out.reset_index()


def _screen(df: pd.DataFrame, mad_k: float, rolling: str) -> pd.DataFrame:
    """Drop listing-periods far from their model's centred rolling median (see module doc)."""
    df = df.sort_values(["model", "basis", "period"], kind="stable").reset_index(drop=True)
    keep = np.ones(len(df), dtype=bool)
    half = pd.Timedelta(rolling) / 2
    for _, idx in df.groupby(["model", "basis"], sort=False).indices.items():
        if len(idx) < MIN_SCREEN:
            continue
        times = pd.DatetimeIndex(df["period"].iloc[idx])
        s = pd.Series(df["log_u"].to_numpy()[idx], index=times)
        med = s.rolling(rolling, center=True, min_periods=1).median()
        dev = (s - med).abs()
        mad = dev.rolling(rolling, center=True, min_periods=1).median()
        count = s.rolling(rolling, center=True, min_periods=1).count()
        scale = np.maximum(1.4826 * mad.to_numpy(), MAD_FLOOR)
        bad = (dev.to_numpy() > mad_k * scale) & (count.to_numpy() >= MIN_SCREEN)
        if not bad.any():
            continue
        # a candidate backed by a quarter of the other listings in its window is a new level
        lu, keys = s.to_numpy(), df["key"].to_numpy()[idx]
        lo = times.searchsorted(times - half, side="left")
        hi = times.searchsorted(times + half, side="right")
        for c in np.flatnonzero(bad):
            near = np.abs(lu[lo[c] : hi[c]] - lu[c]) <= mad_k * scale[c]
            near &= keys[lo[c] : hi[c]] != keys[c]
            others = int((keys[lo[c] : hi[c]] != keys[c]).sum())
            if near.sum() >= 2 and near.sum() >= SUPPORT_SHARE * others:
                bad[c] = False
        keep[idx[bad]] = False
    return df[keep].reset_index(drop=True)


def _fixed_effects(y: np.ndarray, t: np.ndarray, v: np.ndarray, n_iter: int = 500) -> np.ndarray:
    """Variant effects of ``y = d_t + m_v + e`` by alternating projections (least squares)."""
    nt, nv = t.max() + 1, v.max() + 1
    ct, cv = np.bincount(t, minlength=nt), np.bincount(v, minlength=nv)
    m = np.zeros(nv)
    if nv == 1:
        return m
    for _ in range(n_iter):
        d = np.bincount(t, y - m[v], minlength=nt) / ct
        new = np.bincount(v, y - d[t], minlength=nv) / cv
        new -= new.mean()
        if np.max(np.abs(new - m)) < 1e-9:
            return new
        m = new
    return m


def _series_index(df: pd.DataFrame) -> pd.DataFrame:
    """Period values of one (series, basis) panel of deduplicated, screened listing-periods."""
    t_codes, periods = pd.factorize(df["period"], sort=True)
    variant = df["model"] + "|" + df["hashrate_ths"].map(lambda h: f"{h:.3g}")
    v_codes, _ = pd.factorize(variant)
    y = df["log_u"].to_numpy(dtype=float)
    m = _fixed_effects(y, t_codes, v_codes)
    adjusted = pd.Series(y - m[v_codes] + m[v_codes].mean())
    level = adjusted.groupby(t_codes).median()
    out = pd.DataFrame(
        {
            "period": periods[level.index.to_numpy()],
            "usd_per_th": np.exp(level.to_numpy()),
            "n_listings": df.groupby(t_codes)["key"].nunique().to_numpy(),
            "n_obs": df.groupby(t_codes)["n_obs"].sum().to_numpy(),
        }
    )
    return out


def _btc_by_period(market: pd.DataFrame | None, freq: Literal["D", "W"]) -> pd.Series:
    """Mean BTC/USD per period (empty when unknown)."""
    if market is None or len(market) == 0 or "btc_usd" not in market:
        return pd.Series(dtype=float)
    btc = pd.to_numeric(market["btc_usd"], errors="coerce")
    days = utc_days(pd.Series(market.index))
    frame = pd.DataFrame({"period": period_of(days, freq).to_numpy(), "btc": btc.to_numpy()})
    frame = frame[(frame["btc"] > 0) & frame["period"].notna()]
    return frame.groupby("period")["btc"].mean()


def build_index(
    obs: pd.DataFrame,
    *,
    by: Literal["model", "tier"] = "model",
    freq: Literal["D", "W"] = "W",
    market: pd.DataFrame | None = None,
    mad_k: float = 3.5,
    rolling: str = "28D",
) -> pd.DataFrame:
    """A $/TH index per model or per efficiency tier, per period and basis (method: module doc).

    Returns one row per (series, basis, period) with :data:`INDEX_COLUMNS`: ``series`` is
    ``"model:<name>"`` or ``"tier:<tier>"``, ``period`` the day or the week's Monday,
    ``usd_per_th`` the matched-model central value, ``btc_per_th`` the same in BTC (NaN when the
    period's BTC price is unknown), ``n_listings`` distinct listings and ``n_obs`` sightings kept.
    """
    if by not in ("model", "tier"):
        raise ValueError(f"by must be 'model' or 'tier', not {by!r}")
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in INDEX_COLUMNS})
    if obs is None or len(obs) == 0:
        return empty
    df = _prepare(obs, freq)
    if df.empty:
        return empty
    df = _screen(_dedup(df), mad_k, rolling)
    if by == "model":
        df["series"] = "model:" + df["model"]
    else:
        tiers = df["efficiency_j_th"].map(tier_of)
        df = df[tiers.notna()].copy()
        df["series"] = "tier:" + tiers[tiers.notna()]
    parts = []
    for (series, basis), panel in df.groupby(["series", "basis"], sort=True):
        part = _series_index(panel.reset_index(drop=True))
        part.insert(0, "series", str(series))  # "model:..." or "tier:..."
        part.insert(2, "basis", str(basis))  # "sold" or "ask"
        parts.append(part)
    if not parts:
        return empty
    out = pd.concat(parts, ignore_index=True)
    btc = _btc_by_period(market, freq)
    out["btc_per_th"] = out["usd_per_th"] / out["period"].map(btc).astype(float)
    out["n_listings"] = out["n_listings"].astype(int)
    out["n_obs"] = out["n_obs"].astype(int)
    return out[INDEX_COLUMNS].sort_values(["series", "basis", "period"], ignore_index=True)


def _jsonable(value: Any) -> Any:
    """A JSON-ready scalar: ISO dates, None for NaN/NaT, plain Python numbers."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _to_json(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    return _jsonable(value)


def _day(value: str | date | datetime | pd.Timestamp | None) -> pd.Timestamp | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    return (ts.tz_convert("UTC").tz_localize(None) if ts.tzinfo else ts).normalize()


def analyse(
    obs: pd.DataFrame,
    market: pd.DataFrame | None,
    events: pd.DataFrame | None,
    *,
    since: str | date | datetime | pd.Timestamp | None = None,
    until: str | date | datetime | pd.Timestamp | None = None,
    by: Literal["model", "tier"] = "tier",
    freq: Literal["D", "W"] = "W",
    min_drop: float = 0.15,
    window: tuple[int, int] = (-7, 28),
    penalty: float | None = None,
    mad_k: float = 3.5,
    rolling: str = "28D",
) -> dict[str, list[dict[str, Any]]]:
    """Index and drops, ready for ``json.dumps``: ``{"index": [...], "drops": [...]}``.

    ``since``/``until`` (inclusive days) restrict the sightings before anything is computed.
    Index records carry ISO dates; NaN becomes None. Drops are those of
    :func:`monitor.analysis.drops.find_drops` on the index built with ``by``/``freq``.
    """
    if obs is not None and len(obs):
        days = utc_days(obs["observed_date"])
        keep = pd.Series(True, index=obs.index)
        lo, hi = _day(since), _day(until)
        if lo is not None:
            keep &= (days >= lo).to_numpy()
        if hi is not None:
            keep &= (days <= hi).to_numpy()
        obs = obs[keep.to_numpy()]
    index = build_index(obs, by=by, freq=freq, market=market, mad_k=mad_k, rolling=rolling)
    drops = find_drops(
        index, market=market, events=events, min_drop=min_drop, window=window, penalty=penalty
    )
    records = [_to_json(r) for r in index.to_dict(orient="records")]
    return {"index": records, "drops": _to_json(drops)}
