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
   weighted by lot size. A frame may carry a column ``n``: each row then stands for ``n``
   identical sightings (the store's per-listing, per-week counts), and the medians are the
   weighted medians, which equal the medians over the sightings themselves exactly; its rows
   must come in sighting order (each row's earliest sighting), as the raw rows would.
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
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from monitor.analysis.drawdowns import find_drawdowns
from monitor.analysis.drops import (
    MarketGrids,
    align_events,
    chance_alignment,
    find_drops,
    prepare,
    utc_days,
)
from monitor.analysis.unit_price import usd_per_th
from monitor.normalise.record import Condition

__all__ = [
    "INDEX_COLUMNS",
    "NOT_WORKING",
    "ListingPeriods",
    "Screen",
    "TIERS",
    "align_events",
    "analyse",
    "build_index",
    "chance_alignment",
    "deduplicated",
    "find_drops",
    "listing_periods",
    "screen_all",
    "screen_more",
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


_COPY_ON_WRITE = int(pd.__version__.split(".", 1)[0]) >= 3  # pandas 3: always copy-on-write

NOT_WORKING: frozenset[Condition] = frozenset({"for_parts"})
"""Listing conditions that are not a working unit as sold ("for parts", "not hashing", "dead",
"as-is": ``data/lexicon.yaml`` says which words): never in an index, a deal or an alert."""


def working(condition: pd.Series[Any]) -> np.ndarray:
    """Which rows are working units: a condition not in :data:`NOT_WORKING` (``unknown`` and a
    missing condition count as working: most sellers do not say)."""
    return ~_matches(condition, lambda text: text.isin(NOT_WORKING))


def _matches(column: pd.Series[Any], test: Any) -> np.ndarray:
    """``test`` on the stripped, lower-cased text of each value (False where missing); for a
    categorical column on its categories only, then spread by code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        on_cats = _matches(pd.Series(column.cat.categories), test)
        spread: np.ndarray = np.append(on_cats, False)[codes]  # code -1 (missing): the False
        return spread
    text = column.astype("string").str.strip().str.lower()
    out: np.ndarray = test(text).fillna(False).to_numpy(dtype=bool)
    return out


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
    df = obs.copy(deep=False)  # columns are replaced below, never written into
    keep = np.ones(len(df), dtype=bool)
    if "kind" in df:
        keep &= _matches(df["kind"], lambda text: text == "miner")
    if "condition" in df:
        keep &= working(df["condition"])
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
    df = df[keep & ok.to_numpy(dtype=bool)]  # one filter: every row that counts, in order
    if not _COPY_ON_WRITE:  # pandas 2: a filtered frame must be copied before it is written
        df = df.copy()
    basis = df["price_basis"] if "price_basis" in df.columns else None
    df["log_u"] = np.log(usd_per_th(df["price_usd"], df["quantity"], df["hashrate_ths"], basis))
    df["period"] = period_of(df["day"], freq).to_numpy()
    sold = (
        df["sold"].astype("boolean").fillna(False).to_numpy(dtype=bool) if "sold" in df else False
    )
    if "n" in df:  # counted rows: a categorical (no string per row)
        flags = np.broadcast_to(np.asarray(sold, dtype=np.int8), (len(df),))
        df["basis"] = pd.Categorical.from_codes(flags, categories=pd.Index(["ask", "sold"]))
    else:
        df["basis"] = np.where(sold, "sold", "ask")
    df["key"] = _listing_keys(df)
    if "n" not in df or not isinstance(df["model"].dtype, pd.CategoricalDtype):
        df["model"] = df["model"].astype(str)  # counted rows: once per listing-period, in _dedup
    return df


def _listing_keys(df: pd.DataFrame) -> Any:
    """``source`` + ``listing_key`` (a listing's identity); as a categorical built from the
    distinct pairs when both columns are categorical (one string per listing, not per row)."""
    if "source" in df:
        src, lk = df["source"], df["listing_key"]
        if isinstance(src.dtype, pd.CategoricalDtype) and isinstance(lk.dtype, pd.CategoricalDtype):
            width = len(lk.cat.categories) + 1
            pair = (src.cat.codes.to_numpy(np.int64) + 1) * width + lk.cat.codes.to_numpy() + 1
            codes, pairs = pd.factorize(pair)
            sources = np.append(np.asarray(src.cat.categories, dtype=object), "nan")
            keys = np.append(np.asarray(lk.cat.categories, dtype=object), "nan")
            labels = pd.Index(sources[pairs // width - 1], dtype=object) + "\x1f"
            labels = labels + pd.Index(keys[pairs % width - 1], dtype=object)
            return pd.Categorical.from_codes(codes, categories=labels)
    source = df["source"].astype(str) if "source" in df else ""
    return source + "\x1f" + df["listing_key"].astype(str)


def _dedup(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (listing, basis, period): median log unit price, sightings counted."""
    if "n" in df.columns:
        return _dedup_counted(df)
    grouped = df.groupby(["key", "basis", "period"], sort=False)
    out = grouped.agg(
        log_u=("log_u", "median"),
        model=("model", "first"),
        hashrate_ths=("hashrate_ths", "median"),
        efficiency_j_th=("efficiency_j_th", "median"),
        n_obs=("log_u", "size"),
    )
    return out.reset_index()


def _weighted_median(values: np.ndarray, weights: np.ndarray, group: np.ndarray, n: int) -> Any:
    """Per group ``0..n-1``: the median of ``values`` with each repeated ``weights`` times, NaN
    left out (NaN for a group without values). Exactly the median of the repeated values: the
    middle one, or half the sum of the middle two, as pandas takes it."""
    ok = ~np.isnan(values)
    v, w, g = values[ok], weights[ok], group[ok]
    out = np.full(n, np.nan)
    rows = np.bincount(g, minlength=n)
    alone = rows[g] == 1
    out[g[alone]] = v[alone]  # one distinct value: the median, however often it was seen
    v, w, g = v[~alone], w[~alone], g[~alone]
    if not len(v):
        return out
    order = np.lexsort((v, g))
    v, w, g = v[order], w[order], g[order]
    cum = np.cumsum(w)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    ends = np.r_[starts[1:], len(g)]
    base = cum[starts] - w[starts]  # sightings before each group's first
    total = cum[ends - 1] - base
    lo = np.searchsorted(cum, base + (total - 1) // 2, side="right")
    hi = np.searchsorted(cum, base + total // 2, side="right")
    out[g[starts]] = (v[lo] + v[hi]) / 2
    return out


def _codes(column: pd.Series[Any]) -> np.ndarray:
    """Integer codes of a column's values (equal values, equal codes; missing: -1)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(dtype=np.int64)
    codes: np.ndarray = pd.factorize(column)[0].astype(np.int64)
    return codes


def _identity(column: pd.Series[Any], codes: np.ndarray) -> Any:
    """Listing identities by ``codes`` of ``column``: a categorical of its text when it is one."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical.from_codes(codes, categories=column.cat.categories)
    return codes


def _dedup_counted(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`_dedup` of rows that each stand for ``n`` identical sightings, in sighting order:
    the same rows, in the same order, as the raw sightings give."""
    key, basis, period = _codes(df["key"]), _codes(df["basis"]), _codes(df["period"])
    nb, npd = int(basis.max(initial=0)) + 2, int(period.max(initial=0)) + 2
    g, _ = pd.factorize(((key + 1) * nb + basis + 1) * npd + period + 1)  # by first appearance
    g = g.astype(np.int64)
    count = int(g.max()) + 1 if len(g) else 0
    w = df["n"].to_numpy(dtype=np.int64)
    # codes come in order of first appearance: a group's first row is where the code is new
    first = np.flatnonzero(np.r_[True, g[1:] > np.maximum.accumulate(g)[:-1]]) if count else g

    def median(column: str) -> Any:
        x = df[column].to_numpy(dtype=float)
        at_first = x[first][g]
        if np.all((x == at_first) | (np.isnan(x) & np.isnan(at_first))):
            return x[first]  # one value in each group (a listing's attribute): its median
        return _weighted_median(x, w, g, count)

    def text(column: str) -> Any:  # a categorical of str: one string per distinct value
        values = df[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            names = np.asarray(values.cat.categories.astype(str), dtype=object)
            at, distinct = pd.factorize(names)  # categories that read alike are one
            codes = at[values.cat.codes.to_numpy()[first]]
            return pd.Categorical.from_codes(codes, categories=pd.Index(distinct, dtype=object))
        return pd.Series(np.asarray(values.iloc[first].astype(str), dtype=object), dtype=object)

    return pd.DataFrame(
        {
            # a listing's identity, one string per listing (its code where no text is known)
            "key": _identity(df["key"], key[first]),
            "basis": text("basis"),
            "period": df["period"].to_numpy()[first],
            "log_u": _weighted_median(df["log_u"].to_numpy(dtype=float), w, g, count),
            "model": text("model"),
            "hashrate_ths": median("hashrate_ths"),
            "efficiency_j_th": median("efficiency_j_th"),
            "n_obs": np.bincount(g, weights=w, minlength=count).astype(np.int64),
        }
    )


def _factorized_by(values: pd.Series[Any], func: Any) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(values.map(func))`` (codes in order of first appearance, -1 where ``func``
    gives None), calling ``func`` once per distinct value (NaN: ``func(nan)``) and never
    making a Python object per row: the distinct values come in order of first appearance,
    so their images do too."""
    codes, distinct = pd.factorize(values)
    images = pd.Series([func(v) for v in distinct] + [func(math.nan)], dtype=object)
    image_codes, names = pd.factorize(images)
    out: np.ndarray = image_codes[codes]  # code -1 (NaN): the last image
    return out, names


def _sorted_codes(column: pd.Series[Any]) -> np.ndarray:
    """Integer codes of a text column in the order of its values (as ``factorize(sort=True)``),
    from a categorical's categories when it is one (no string compared per row)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = np.asarray(column.cat.categories, dtype=object)
        rank = np.empty(len(names), dtype=np.int64)
        rank[sorted(range(len(names)), key=lambda i: names[i])] = np.arange(len(names))
        codes: np.ndarray = rank[column.cat.codes.to_numpy()]
        return codes
    return np.asarray(pd.factorize(column, sort=True)[0], dtype=np.int64)


def _window_medians(x: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The median of each slice ``x[starts[j]:ends[j]]`` (non-empty), taken as pandas' rolling
    median takes it: the middle value, or half the sum of the middle two."""
    out = np.empty(len(starts))
    for j, (a, b) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        size, half = b - a, (b - a) // 2
        if size == 1:
            out[j] = x[a]
        elif size % 2:
            out[j] = np.partition(x[a:b], half)[half]
        else:
            pair = np.partition(x[a:b], (half - 1, half))
            out[j] = (pair[half] + pair[half - 1]) / 2
    return out


def _ns(column: pd.Series[Any]) -> np.ndarray:
    """A datetime column as int64 nanoseconds (no copy when it is held in ns already)."""
    values = np.asarray(column.to_numpy())
    if values.dtype != np.dtype("datetime64[ns]"):
        values = values.astype("datetime64[ns]")
    out: np.ndarray = values.view(np.int64)
    return out


def _screen_order(df: pd.DataFrame) -> np.ndarray:
    """The screen's row order: by model, basis (each by name) and period, ties in frame order
    (the order of ``sort_values(kind="stable")``)."""
    model, basis = _sorted_codes(df["model"]), _sorted_codes(df["basis"])
    when = _ns(df["period"])
    order: np.ndarray = np.lexsort((when, basis, model))
    return order


def _screen(df: pd.DataFrame, mad_k: float, rolling: str) -> pd.DataFrame:
    """Drop listing-periods far from their model's centred rolling median (see module doc)."""
    order = _screen_order(df)
    keep = _screen_keep(df.iloc[order], mad_k, rolling)
    out: pd.DataFrame = df.iloc[order[keep]].reset_index(drop=True)
    return out


def _screen_keep(df: pd.DataFrame, mad_k: float, rolling: str) -> np.ndarray:
    """Which rows of ``df`` (in :func:`_screen_order`) the screen keeps.

    The rolling statistics are those of pandas' centred time-based rolling window (closed on the
    right: ``(t - rolling/2, t + rolling/2]``), computed once per distinct period of a
    ``(model, basis)`` group on the slice of its rows sorted by period, not once per row. A row's
    verdict reads only the rows of its group less than ``rolling`` away: its window reaches
    ``rolling/2`` either side, and the spread (MAD) it is judged by reads the deviations of the
    rows in that window from the medians of their own windows (:func:`screen_more` relies on
    this)."""
    model, basis = _codes(df["model"]), _codes(df["basis"])
    when = _ns(df["period"])
    size = len(df)
    keep = np.ones(size, dtype=bool)
    half = pd.Timedelta(rolling).value // 2
    log_u, keys = df["log_u"].to_numpy(dtype=float), _codes(df["key"])
    new_group = np.r_[True, (model[1:] != model[:-1]) | (basis[1:] != basis[:-1])]
    starts = np.flatnonzero(new_group)
    for a, b in zip(starts.tolist(), np.r_[starts[1:], size].tolist(), strict=True):
        if b - a < MIN_SCREEN:
            continue
        times, lu = when[a:b], log_u[a:b]
        first = np.flatnonzero(np.r_[True, times[1:] != times[:-1]])  # one window per period
        rows = np.diff(np.r_[first, b - a])
        lo = np.searchsorted(times, times[first] - half, side="right")
        hi = np.searchsorted(times, times[first] + half, side="right")
        dev = np.abs(lu - np.repeat(_window_medians(lu, lo, hi), rows))
        scale = np.maximum(1.4826 * np.repeat(_window_medians(dev, lo, hi), rows), MAD_FLOOR)
        bad = (dev > mad_k * scale) & (np.repeat(hi - lo, rows) >= MIN_SCREEN)
        if not bad.any():
            continue
        # a candidate backed by a quarter of the other listings in its window is a new level
        group_keys = keys[a:b]
        lo = np.searchsorted(times, times - half, side="left")
        hi = np.searchsorted(times, times + half, side="right")
        for c in np.flatnonzero(bad):
            near = np.abs(lu[lo[c] : hi[c]] - lu[c]) <= mad_k * scale[c]
            near &= group_keys[lo[c] : hi[c]] != group_keys[c]
            others = int((group_keys[lo[c] : hi[c]] != group_keys[c]).sum())
            if near.sum() >= 2 and near.sum() >= SUPPORT_SHARE * others:
                bad[c] = False
        keep[a:b][bad] = False
    return keep


@dataclass(frozen=True)
class Screen:
    """A :func:`deduplicated` frame in the screen's order (:func:`_screen_order`) with the
    screen's verdict on each row (``keep``): what a cache keeps so that the next run re-screens
    only the weeks new sightings can reach (:func:`screen_more`)."""

    frame: pd.DataFrame
    keep: np.ndarray
    mad_k: float = 3.5
    rolling: str = "28D"

    def periods(self) -> ListingPeriods:
        """The screened listing-periods of the whole history, as :func:`listing_periods` makes
        them from the sightings."""
        keep = None if self.keep.all() else self.keep  # not copied: the index skips the rest
        return ListingPeriods(self.frame, "W", self.mad_k, self.rolling, None, None, keep=keep)


def screen_all(frame: pd.DataFrame, *, mad_k: float = 3.5, rolling: str = "28D") -> Screen:
    """The :class:`Screen` of a weekly :func:`deduplicated` frame (method step 5)."""
    if frame.empty:
        return Screen(frame, np.ones(0, dtype=bool), mad_k, rolling)
    ordered = _take(frame, _screen_order(frame))
    return Screen(ordered, _screen_keep(ordered, mad_k, rolling), mad_k, rolling)


def screen_more(old: Screen, new: pd.DataFrame, since: pd.Timestamp) -> Screen:
    """``old`` with its rows from ``since`` on replaced by ``new`` (the :func:`deduplicated`
    rows of the periods from ``since`` on), exactly as :func:`screen_all` of the whole would
    be: the rows before ``since`` keep their place and, where what their verdict reads cannot
    reach ``since`` (more than ``rolling`` before it: :func:`_screen_keep`), their verdict; the
    rest are screened again with the ``rolling`` before them as context. Each column is copied
    once, in slices: the old rows are never sorted again."""
    start = since.to_datetime64().astype("datetime64[ns]").view(np.int64)
    when = _ns(old.frame["period"])
    kept = np.flatnonzero(when < start)  # old rows, in order
    tail = _take(new, _screen_order(new)) if len(new) else new
    # each new row goes after the old rows of its (model, basis) group: its periods are later
    at = np.searchsorted(kept, _group_ends(old.frame, tail))
    rows = np.insert(kept, at, len(old.frame) + np.arange(len(tail)))
    frame = _spliced(old.frame, tail, rows)
    keep = np.insert(old.keep[kept], at, True)
    reach = pd.Timedelta(old.rolling).value  # twice rolling/2: see _screen_keep
    when = _ns(frame["period"])
    context = np.flatnonzero(when >= start - 2 * reach)  # a suffix of each group: still sorted
    if len(context):
        verdict = _screen_keep(_take(frame, context), old.mad_k, old.rolling)
        redo = when[context] >= start - reach
        keep[context[redo]] = verdict[redo]
    return Screen(frame, keep, old.mad_k, old.rolling)


def _labels(column: pd.Series[Any]) -> tuple[np.ndarray, list[str]]:
    """Integer codes of a text column and the name of each code."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), [str(n) for n in column.cat.categories]
    codes, names = pd.factorize(column)
    return codes, [str(n) for n in names]


def _group_ends(head: pd.DataFrame, tail: pd.DataFrame) -> np.ndarray:
    """For each row of ``tail``, the row of ``head`` (in the screen's order) before which it
    goes: after the last row of its (model, basis) group, or of the groups that sort before."""
    if tail.empty:
        return np.zeros(0, dtype=np.int64)
    (hm, hm_names), (hb, hb_names) = _labels(head["model"]), _labels(head["basis"])
    (tm, tm_names), (tb, tb_names) = _labels(tail["model"]), _labels(tail["basis"])
    starts = np.flatnonzero(np.r_[True, (hm[1:] != hm[:-1]) | (hb[1:] != hb[:-1])])
    starts = starts[starts < len(head)]
    ends = np.r_[starts[1:], len(head)]
    head_names = [(hm_names[hm[i]], hb_names[hb[i]]) for i in starts.tolist()]
    tail_names = [(tm_names[m], tb_names[b]) for m, b in zip(tm.tolist(), tb.tolist(), strict=True)]
    rank = {g: i for i, g in enumerate(sorted(set(head_names) | set(tail_names)))}
    run_rank = np.array([rank[g] for g in head_names], dtype=np.int64)
    tail_rank = np.array([rank[g] for g in tail_names], dtype=np.int64)
    before = np.searchsorted(run_rank, tail_rank, side="right")  # runs that sort before
    out: np.ndarray = np.where(before > 0, np.r_[0, ends][before], 0)
    return out


def _take(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The ``rows`` of ``frame`` (positions), taken column by column in numpy (a block per
    column: nothing is copied again to consolidate them)."""
    out: dict[str, Any] = {}
    for name in frame.columns:
        column = frame[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy()[rows]
            out[name] = pd.Categorical.from_codes(codes, dtype=column.dtype, validate=False)
        else:
            out[name] = column.to_numpy()[rows]
    return pd.DataFrame(out, copy=False)


def _spliced(head: pd.DataFrame, tail: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Rows ``rows`` of ``head`` then ``tail`` stacked (a row ``len(head) + j`` is ``tail``'s
    ``j``), copied as runs of consecutive rows, column by column; a column categorical in
    either is one categorical with ``head``'s categories first."""
    if not len(tail) and len(rows) == len(head):
        return head  # nothing new and nothing dropped
    size = len(head)
    cut = np.flatnonzero((np.diff(rows) != 1) | (rows[1:] == size)) + 1
    starts, ends = np.r_[0, cut], np.r_[cut, len(rows)]
    pieces = [(int(rows[a]), int(rows[b - 1]) + 1) for a, b in zip(starts, ends, strict=True)]
    pieces = pieces if len(rows) else []
    out: dict[str, Any] = {}
    for name in head.columns:
        h, t = head[name], tail[name] if name in tail else head[name].iloc[:0]
        categorical = isinstance(h.dtype, pd.CategoricalDtype)
        if categorical or isinstance(t.dtype, pd.CategoricalDtype):
            h, t = (c if isinstance(c.dtype, pd.CategoricalDtype) else c.astype("category")
                    for c in (h, t))  # fmt: skip
            known = np.asarray(h.cat.categories, dtype=object)
            seen = set(known.tolist())
            more = np.asarray([n for n in t.cat.categories if n not in seen], dtype=object)
            names = pd.Index(np.r_[known, more], dtype=object)
            recode = np.append(names.get_indexer(t.cat.categories), -1)
            hv, tv = h.cat.codes.to_numpy(), recode[t.cat.codes.to_numpy()]
        else:
            hv, tv = h.to_numpy(), t.to_numpy()
        parts = [hv[a:b] if a < size else tv[a - size : b - size] for a, b in pieces]
        values = np.concatenate(parts) if parts else hv[:0]
        if categorical or isinstance(t.dtype, pd.CategoricalDtype):
            out[name] = pd.Categorical.from_codes(values, categories=names, validate=False)
        else:
            out[name] = values
    return pd.DataFrame(out, copy=False)


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


def _series_index(
    period: np.ndarray, variant: np.ndarray, y: np.ndarray, n_obs: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Period values of one (series, basis) panel of deduplicated, screened listing-periods, as
    arrays in the frame's row order: ``period`` small non-negative integers (in time order),
    ``variant`` integer codes (a variant's code in order of first appearance in the panel),
    ``y`` the log unit prices. Returns the panel's periods (as given), their ``usd_per_th``,
    listings and sightings. A listing has one row per period and basis (:func:`_dedup`), so a
    period's rows are its listings."""
    present = np.zeros(int(period.max()) + 1, dtype=bool)
    present[period] = True
    periods = np.flatnonzero(present)
    t_codes = (np.cumsum(present) - 1)[period]  # as factorize(sort=True)
    v_codes, _ = pd.factorize(variant)
    m = _fixed_effects(y, t_codes, v_codes)
    adjusted = pd.Series(y - m[v_codes] + m[v_codes].mean())
    level = adjusted.groupby(t_codes).median()
    nt = len(periods)
    return (
        periods[level.index.to_numpy()],
        np.exp(level.to_numpy()),
        np.bincount(t_codes, minlength=nt),
        np.bincount(t_codes, weights=n_obs, minlength=nt).astype(np.int64),
    )


def _btc_by_period(market: pd.DataFrame | None, freq: Literal["D", "W"]) -> pd.Series:
    """Mean BTC/USD per period (empty when unknown)."""
    if market is None or len(market) == 0 or "btc_usd" not in market:
        return pd.Series(dtype=float)
    btc = pd.to_numeric(market["btc_usd"], errors="coerce")
    days = utc_days(pd.Series(market.index))
    frame = pd.DataFrame({"period": period_of(days, freq).to_numpy(), "btc": btc.to_numpy()})
    frame = frame[(frame["btc"] > 0) & frame["period"].notna()]
    return frame.groupby("period")["btc"].mean()


@dataclass(frozen=True)
class ListingPeriods:
    """Sightings kept, deduplicated and screened (method steps 1-5), over ``since``..``until``:
    the first half of :func:`build_index`, made once by :func:`listing_periods` and passed as
    ``obs`` to :func:`analyse` or :func:`build_index` for each ``by``. ``frame`` has one row per
    listing, basis and period (step 4), which the index counts listings by; with ``keep``, only
    the rows it marks passed the screen (the others are there, unread: :meth:`Screen.periods`)."""

    frame: pd.DataFrame
    freq: str
    mad_k: float
    rolling: str
    since: pd.Timestamp | None
    until: pd.Timestamp | None
    keep: np.ndarray | None = field(default=None, compare=False, repr=False)
    # arrays of ``frame`` that every ``by`` reads, made once (:func:`_panel_arrays`)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def kept(self) -> pd.DataFrame:
        """The rows that passed the screen."""
        return self.frame if self.keep is None else _take(self.frame, np.flatnonzero(self.keep))


def _listing_periods(
    obs: pd.DataFrame | None, freq: Literal["D", "W"], mad_k: float, rolling: str
) -> pd.DataFrame:
    if obs is None or len(obs) == 0:
        return pd.DataFrame()
    df = _prepare(obs, freq)
    return df if df.empty else _screen(_dedup(df), mad_k, rolling)


def deduplicated(obs: pd.DataFrame | None, freq: Literal["D", "W"] = "W") -> pd.DataFrame:
    """Method steps 1-4 of ``obs``: one row per listing, basis and period (``key``, ``basis``,
    ``period``, ``log_u``, ``model``, ``hashrate_ths``, ``efficiency_j_th``, ``n_obs``), in order
    of each row's first sighting, before the outlier screen. The rows of disjoint runs of whole
    periods, concatenated in time order, are those of all of them read at once (a cache keeps
    past periods and adds the new ones: :func:`screen_more` takes them)."""
    if obs is None or len(obs) == 0:
        return pd.DataFrame()
    df = _prepare(obs, freq)
    return df if df.empty else _dedup(df)


def listing_periods(
    obs: pd.DataFrame,
    *,
    since: str | date | datetime | pd.Timestamp | None = None,
    until: str | date | datetime | pd.Timestamp | None = None,
    freq: Literal["D", "W"] = "W",
    mad_k: float = 3.5,
    rolling: str = "28D",
) -> ListingPeriods:
    """The listing-periods of ``obs`` from ``since`` to ``until`` (:class:`ListingPeriods`)."""
    lo, hi = _day(since), _day(until)
    frame = _listing_periods(_between(obs, lo, hi), freq, mad_k, rolling)
    return ListingPeriods(frame, freq, mad_k, rolling, lo, hi)


def _between(obs: pd.DataFrame, lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> pd.DataFrame:
    """The sightings of ``obs`` from day ``lo`` to day ``hi`` (inclusive; None: open)."""
    if obs is None or not len(obs) or (lo is None and hi is None):
        return obs
    days = utc_days(obs["observed_date"])
    keep = pd.Series(True, index=obs.index)
    if lo is not None:
        keep &= (days >= lo).to_numpy()
    if hi is not None:
        keep &= (days <= hi).to_numpy()
    return obs[keep.to_numpy()]


def build_index(
    obs: pd.DataFrame | ListingPeriods,
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
    if isinstance(obs, ListingPeriods):
        if (obs.freq, obs.mad_k, obs.rolling) != (freq, mad_k, rolling):
            raise ValueError("listing periods made with another freq, mad_k or rolling")
        df = obs.frame  # read, never written into
    else:
        df = _listing_periods(obs, freq, mad_k, rolling)
    if df.empty:
        return empty
    # every step on integer codes: one string per model, tier or variant, not per row
    arrays = _panel_arrays(df, obs.memo if isinstance(obs, ListingPeriods) else {})
    models, model_names = arrays["models"]
    if by == "model":
        codes, labels = models, np.array([f"model:{m}" for m in model_names], dtype=object)
    else:
        codes, tier_names = arrays["tiers"]
        labels = np.array([f"tier:{t}" for t in tier_names], dtype=object)  # -1: no tier
    bases, basis_index = arrays["bases"]
    labels, basis_names = labels.astype(str), np.asarray(basis_index, dtype=str)
    rank = np.argsort(np.argsort(labels, kind="stable"), kind="stable")  # label -> sorted place
    brank = np.argsort(np.argsort(basis_names, kind="stable"), kind="stable")
    counted = codes >= 0
    if isinstance(obs, ListingPeriods) and obs.keep is not None:
        counted &= obs.keep  # rows the screen dropped are in no panel
    if not counted.any():
        return empty
    panel = np.where(counted, rank[codes] * len(basis_names) + brank[bases], -1)
    order = np.argsort(panel, kind="stable")  # each panel's rows in the frame's order
    order = order[panel[order] >= 0]
    if not len(order):
        return empty
    edges = np.flatnonzero(np.r_[True, panel[order][1:] != panel[order][:-1], True])
    (period, period_values), variant = arrays["periods"], arrays["variant"]
    y, n_obs = arrays["y"], arrays["n_obs"]
    columns: dict[str, list[Any]] = {c: [] for c in INDEX_COLUMNS if c != "btc_per_th"}
    for a, b in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        rows = order[a:b]
        at, usd, listings, sightings = _series_index(period[rows], variant[rows], y[rows],
                                                     n_obs[rows])  # fmt: skip
        columns["series"].append(np.full(len(at), str(labels[codes[rows[0]]]), dtype=object))
        columns["period"].append(period_values[at])
        columns["basis"].append(np.full(len(at), str(basis_names[bases[rows[0]]]), dtype=object))
        columns["usd_per_th"].append(usd)
        columns["n_listings"].append(listings)
        columns["n_obs"].append(sightings)
    if not columns["series"]:
        return empty
    out = pd.DataFrame({c: np.concatenate(parts) for c, parts in columns.items()})
    btc = _btc_by_period(market, freq)
    out["btc_per_th"] = out["usd_per_th"] / out["period"].map(btc).astype(float)
    out["n_listings"] = out["n_listings"].astype(int)
    out["n_obs"] = out["n_obs"].astype(int)
    return out[INDEX_COLUMNS].sort_values(["series", "basis", "period"], ignore_index=True)


class _PanelArrays(dict[str, Any]):
    """The arrays of a frame of listing-periods that :func:`build_index` reads, each made on
    first use and kept in ``memo`` (a :class:`ListingPeriods`'s: both ``by`` share them)."""

    def __init__(self, df: pd.DataFrame, memo: dict[str, Any]) -> None:
        super().__init__()
        self.df, self.memo = df, memo

    def __missing__(self, name: str) -> Any:
        if name not in self.memo:
            self.memo[name] = self._make(name)
        return self.memo[name]

    def _make(self, name: str) -> Any:
        df = self.df
        if name == "models":
            return pd.factorize(df["model"])
        if name == "tiers":
            return _factorized_by(df["efficiency_j_th"], tier_of)
        if name == "bases":
            return pd.factorize(df["basis"])
        if name == "periods":  # small integers in time order, and the period of each
            codes, values = pd.factorize(df["period"].to_numpy(), sort=True)
            return codes.astype(np.int64), np.asarray(values)
        if name == "variant":  # model and hashrate to 3 significant digits
            hashrates, rates = pd.factorize(df["hashrate_ths"], use_na_sentinel=False)
            shown, _ = pd.factorize(np.array([f"{h:.3g}" for h in rates], dtype=object))
            return self["models"][0].astype(np.int64) * (len(rates) + 1) + shown[hashrates]
        if name == "y":
            return df["log_u"].to_numpy(dtype=float)
        if name == "n_obs":
            return df["n_obs"].to_numpy(dtype=np.int64)
        raise KeyError(name)


def _panel_arrays(df: pd.DataFrame, memo: dict[str, Any]) -> _PanelArrays:
    return _PanelArrays(df, memo)


def _jsonable(value: Any) -> Any:
    """A JSON-ready scalar: ISO dates, None for NaN/NaT, plain Python numbers."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common cases first: as they are
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame``'s rows as JSON-ready dicts (:func:`_jsonable` values), a column at a time."""
    columns = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            column = column.dt.strftime("%Y-%m-%d")
        values = column.tolist()
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":
            columns.append(values)  # plain Python ints and bools already
        elif isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
            columns.append([v if math.isfinite(v) else None for v in values])
        else:
            columns.append([_jsonable(v) for v in values])
    names = [str(c) for c in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _to_json(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {str(k): _to_json(v) for k, v in value.items()}
    if kind is list:
        return [_to_json(v) for v in value]
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
    obs: pd.DataFrame | ListingPeriods,
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
    """Index, drops and drawdowns, ready for ``json.dumps``: ``{"index": [...], "drops": [...],
    "drawdowns": [...]}`` (drawdowns: :func:`monitor.analysis.drawdowns.find_drawdowns`).

    ``since``/``until`` (inclusive days) restrict the sightings before anything is computed.
    Index records carry ISO dates; NaN becomes None. Drops are those of
    :func:`monitor.analysis.drops.find_drops` on the index built with ``by``/``freq``.
    """
    if isinstance(obs, ListingPeriods):
        if (obs.since, obs.until) != (_day(since), _day(until)):
            raise ValueError("listing periods made for another since/until")
    else:
        obs = _between(obs, _day(since), _day(until))
    index = build_index(obs, by=by, freq=freq, market=market, mad_k=mad_k, rolling=rolling)
    grids, prepared = MarketGrids.of(market), prepare(index, events)  # once for both
    drops = find_drops(index, market=market, events=events, min_drop=min_drop, window=window,
                       penalty=penalty, grids=grids, prepared=prepared)  # fmt: skip
    drawdowns = find_drawdowns(index, market=market, events=events, grids=grids,
                               prepared=prepared)  # fmt: skip
    records = _records(index)
    return {"index": records, "drops": _to_json(drops), "drawdowns": _to_json(drawdowns)}
