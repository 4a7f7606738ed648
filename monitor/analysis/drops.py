"""Sustained drops in $/TH index series, their market-explained share and the events near them.

Pure functions on pandas DataFrames (no I/O, no clock). Method of :func:`find_drops`, per
``(series, basis)`` of a :func:`monitor.analysis.indexes.build_index` frame:

1. **Grid and weights.** The log ``usd_per_th`` series is laid on a regular grid (days, or weeks
   when every period is a Monday and they are 7k days apart). Missing periods get weight 0; a
   period with ``n`` listings gets ``w = n / (n + 3)``: more listings make a period value more
   precise, but never more than the common (market) noise allows.
2. **Segmentation.** Exact penalised weighted least-squares segmentation into constant-mean
   segments (:func:`segment`: optimal partitioning, the optimum that PELT (Killick et al. 2012)
   finds, without pruning since series are at most a few thousand periods). Segments last at least
   ``min_size_days`` (21) and hold at least 2 observed periods. Penalty per change:
   ``penalty * sigma² * log(n_observed)``, ``sigma`` a robust noise scale (1.4826 x median
   weighted first difference, floored at 0.02), ``penalty`` :data:`DEFAULT_PENALTY` by default
   (``benchmarks/eval_analysis.py --sweep`` calibrates it: <= 0.05 false alarms per series-year).
3. **Drops.** A downward change, merged with the following downward changes that come after
   segments of at most ``merge_days`` (28), is one drop; leading or trailing steps smaller than
   half the floor or a third of the largest step are left out (they would misdate it). Its size
   compares the weighted mean log price over the last ``level_days`` (28) of the segment before
   with the first ``level_days`` of the segment after: ``drop_pct = 100 * (1 - exp(post - pre))``,
   reported when ``>= 100 * min_drop`` (or when its abnormal part alone is). ``start`` is the first
   period from which the series stays a fifth of the way down the first step (the onset of a ramp;
   with weekly asks it lags the true onset by a few days, asks being sticky); a start inside a gap
   in the data is moved to the gap's middle. ``end`` is the first period four fifths of the way
   down the whole fall (``start == end`` for a clean step).
4. **Two detectors.** Step 2-3 run on the log price and, with market data, on the market-adjusted
   log price ``log P - beta·log M_L`` (``beta``, ``L`` fitted on the whole series as in step 5).
   The research note's simulation (ANALYSIS-METHODS §7) and the benchmark show the adjusted series
   finds and dates abnormal drops far better while the market drifts; the price series is what
   the user sees, and finds the drops the market explains. An adjusted-series drop is reported
   (``detector: "abnormal"``) when the per-drop decomposition of step 5 confirms it is abnormal;
   it then replaces any price-series drop whose span (from ``merge_days`` before its start to its
   end) holds its start. Other price-series drops are reported with ``detector: "price"``.
5. **Market model.** ``Δlog P = a·Δt + beta·Δlog M_L + e`` over ~4-week differences, ``M`` being
   hashprice (when it covers 80 % of the series' observed periods) or else BTC/USD, and
   ``log M_L`` its trailing mean over ``L`` days: prices follow the market with a lag, ``L`` in
   1, 7, 14, 28, 42 being picked by the smallest robust residual scale (fixed at 28 with fewer than
   8 independent 4-week differences). Estimated per drop by Huber IRLS on periods within 365 days
   of it but outside ``[start - 28 d, end + 28 d]`` (the estimation window never overlaps the
   event window), with a ridge prior ``beta ~ N(1, 0.5²)`` (the value-theoretic elasticity: a
   short or flat sample gives about 1 rather than noise) and overlapping differences down-weighted
   to the number of independent horizons. Then ``market_explained_pct = 100 * (1 - exp(beta *
   (post_M - pre_M)))`` with ``pre_M``/``post_M`` the means of ``log M_L`` over the periods and
   weights of ``pre``/``post``; ``abnormal_pct = drop_pct - market_explained_pct``; ``abnormal``
   is true when ``abnormal_pct >= 100 * min_drop``. All None without market data over the drop.
6. **Events.** Catalog events dated in ``[start + window[0], start + window[1]]`` days are listed
   with ``days_from_start = event date - start``. ``chance_alignment_p`` is the share of the
   series' days (from first to last period, within 28 days of an observed period) whose window
   holds at least one catalog event: the chance that a drop dated at random would show an event
   nearby. With the real catalog it is 0.3-0.6, so an event in the window is weak evidence alone.
   It is None for a drop with no event in its window (there is no alignment to weigh).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, NamedTuple, TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "DEFAULT_PENALTY",
    "align_events",
    "chance_alignment",
    "covered_days",
    "drop_span",
    "find_drops",
    "prepare",
    "market_note",
    "market_notes_line",
    "segment",
    "utc_days",
]

DEFAULT_PENALTY = 3.0
N0 = 3.0  # listings at which a period's weight is half its maximum
SIGMA_FLOOR = 0.02
RAMP_FRACTION = 0.2
MARKET_LAGS_DAYS = (1, 7, 14, 28, 42)
DEFAULT_LAG_DAYS = 28
MIN_HORIZONS_FOR_LAG = 8  # independent 4-week differences needed to pick the lag
MARKET_COVERAGE = 0.8
BETA_PRIOR, BETA_PRIOR_SD = 1.0, 0.5
ESTIMATION_DAYS, ESTIMATION_GAP_DAYS = 365, 28
BETA_HORIZON_DAYS = 28
RESIDUAL_FLOOR = 0.05  # per unit weight, of a 4-week log difference
_SEGMENT_BLOCK = 128  # end points whose segment costs segment() computes at once


def utc_days(values: Any) -> pd.Series:
    """Datetimes as tz-naive UTC midnights."""
    series = pd.Series(values)
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "M":
        # tz-naive datetimes already (an index's periods): midnights are returned as they are
        ticks = series.to_numpy().view(np.int64)
        per_day = _ticks_per_day(series.dtype)
        valid = ticks != np.iinfo(np.int64).min  # NaT
        if not (ticks[valid] % per_day).any():
            return series
        return series.dt.normalize()
    out = pd.to_datetime(series, errors="coerce")
    if getattr(out.dt, "tz", None) is not None:
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out.dt.normalize()


def _ticks_per_day(dtype: Any) -> int:
    """Ticks of a ``datetime64`` dtype (its unit: ns, us, s ...) in one day."""
    return int(np.datetime64(1, "D").astype(dtype).view(np.int64))


def segment(y: np.ndarray, w: np.ndarray, pen: float, min_size: int, min_obs: int = 2) -> list[int]:
    """Exact penalised weighted-L2 segmentation; returns the positions where segments start.

    ``y`` and ``w`` are on a regular grid (``w == 0`` where nothing was observed). Minimises
    ``sum over segments of sum w*(y - weighted mean)**2 + pen * (number of changes)`` over
    segmentations whose segments span ``>= min_size`` grid steps and hold ``>= min_obs`` observed
    periods. The first position (0) is not returned.

    Optimal partitioning: the best total up to each end point ``e`` is the smallest of the best
    totals up to each allowed start ``s`` plus the cost of the segment ``s..e`` (from cumulative
    sums of ``w``, ``w*y`` and ``w*y²``) plus ``pen``; ties go to the earliest start. The segment
    costs are computed for a block of end points at a time (one array operation per block, not
    per end point), then the end points are taken in order.
    """
    n = len(y)
    y = np.where(w > 0, y, 0.0)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cwy = np.concatenate([[0.0], np.cumsum(w * y)])
    cwyy = np.concatenate([[0.0], np.cumsum(w * y * y)])
    cobs = np.concatenate([[0], np.cumsum(w > 0)])
    best = np.full(n + 1, np.inf)
    best[0] = -pen
    prev = np.zeros(n + 1, dtype=int)
    # candidate starts of a segment ending at e: s <= e - min_size with cobs[e] - cobs[s] >=
    # min_obs (cobs never falls: a prefix) and best[s] finite (inf totals never win)
    limit = np.searchsorted(cobs, cobs - min_obs, side="right")
    ends = np.arange(min_size, n + 1)
    m_of = np.minimum(ends - min_size + 1, limit[min_size:])
    total = np.empty(n + 1)
    for b0 in range(0, len(ends), _SEGMENT_BLOCK):
        e_block, m_block = ends[b0 : b0 + _SEGMENT_BLOCK], m_of[b0 : b0 + _SEGMENT_BLOCK]
        width = int(m_block.max(initial=0))
        if width <= 0:
            continue
        # cost[i, s] of the segment s..e_block[i], element by element as for one end point
        sw = cw[e_block, None] - cw[None, :width]
        swy = cwy[e_block, None] - cwy[None, :width]
        cost = (cwyy[e_block, None] - cwyy[None, :width]) - np.where(
            sw > 0, swy * swy / np.where(sw > 0, sw, 1.0), 0.0
        )
        for e, m, row in zip(e_block.tolist(), m_block.tolist(), cost, strict=True):
            if m <= 0:
                continue
            t = total[:m]
            np.add(best[:m], row[:m], out=t)
            t += pen
            k = int(t.argmin())  # the first of equal totals: the earliest start
            if not math.isfinite(t[k]):
                continue
            best[e], prev[e] = t[k], k
    if not np.isfinite(best[n]):
        return []
    starts, e = [], n
    while e > 0:
        e = int(prev[e])
        if e > 0:
            starts.append(e)
    return sorted(starts)


def noise_scale(y: np.ndarray, w: np.ndarray) -> float:
    """Robust per-unit-weight noise scale from weighted first differences of observed periods."""
    obs = w > 0
    yo, wo = y[obs], w[obs]
    if len(yo) < 3:
        return SIGMA_FLOOR
    z = np.diff(yo) / np.sqrt(1 / wo[1:] + 1 / wo[:-1])
    return max(1.4826 * float(np.median(np.abs(z))), SIGMA_FLOOR)


def chance_alignment(
    days: pd.DatetimeIndex, event_dates: pd.Series, window: tuple[int, int]
) -> float:
    """Share of ``days`` with at least one event dated in ``[d + window[0], d + window[1]]``."""
    if len(days) == 0:
        return 0.0
    return _chance(
        days, np.sort(utc_days(event_dates).dropna().to_numpy().astype("datetime64[D]")), window
    )


def _chance(days: pd.DatetimeIndex, ev: np.ndarray, window: tuple[int, int]) -> float:
    """:func:`chance_alignment` with the event days ``ev`` sorted (``datetime64[D]``)."""
    if len(days) == 0:
        return 0.0
    d = pd.DatetimeIndex(days).to_numpy().astype("datetime64[D]")
    lo = np.searchsorted(ev, d + np.timedelta64(window[0], "D"), side="left")
    hi = np.searchsorted(ev, d + np.timedelta64(window[1], "D"), side="right")
    return float(np.mean(hi > lo))


def covered_days(periods: pd.Series, reach_days: int = 28) -> pd.DatetimeIndex:
    """Days of the span from the first to the last period lying within ``reach_days`` of one."""
    p = utc_days(periods).dropna().to_numpy()
    if len(p) == 0:
        return pd.DatetimeIndex([])
    pn = np.unique(p.astype("datetime64[D]").astype(np.int64))  # sorted, whole days
    days = pd.date_range(pd.Timestamp(p.min()), pd.Timestamp(p.max()), freq="D")
    dn = _day_numbers(days)
    pos = np.searchsorted(pn, dn)
    nxt = pn[np.minimum(pos, len(pn) - 1)]
    prv = pn[np.maximum(pos - 1, 0)]
    gap = np.minimum(np.abs(nxt - dn), np.abs(dn - prv))
    near: npt.NDArray[np.bool_] = gap <= reach_days
    return days[near]


def _day_numbers(index: pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    """Whole days since the epoch, whatever the index's time unit."""
    return index.to_numpy().astype("datetime64[D]").astype(np.int64)


def align_events(
    start: pd.Timestamp, events: pd.DataFrame | None, window: tuple[int, int]
) -> list[dict[str, Any]]:
    """Events dated within ``[start + window[0], start + window[1]]`` days, by date."""
    return EventTable(events).align(start, window)


class EventTable:
    """An events frame read once into arrays, for :func:`align_events` of many drops."""

    def __init__(self, events: pd.DataFrame | None) -> None:
        self.empty = events is None or len(events) == 0
        if events is None or self.empty:
            return
        self.dates = utc_days(events["date"]).to_numpy()
        self.index = pd.DatetimeIndex(self.dates)
        self.days = np.sort(self.index.dropna().to_numpy().astype("datetime64[D]"))
        title = "title" if "title" in events else "description"
        nothing = pd.Series([None] * len(events), index=events.index, dtype=object)
        self.ids = events["id"].to_numpy(dtype=object)
        self.places = events.get("jurisdiction", nothing).to_numpy(dtype=object)
        self.titles = events[title].to_numpy(dtype=object) if title in events else nothing
        # days from a midnight start, by integer arithmetic (NaT never aligns)
        stamps: np.ndarray = np.asarray(self.index.to_numpy())
        self.stamp_type = stamps.dtype
        self.known = np.flatnonzero(self.index.notna())
        self.ticks = stamps[self.known].view(np.int64)
        self.day_ticks = _ticks_per_day(stamps.dtype)
        self.iso: dict[int, str] = {}

    def chance(self, days: pd.DatetimeIndex, window: tuple[int, int]) -> float:
        """:func:`chance_alignment` of these events."""
        ev = self.days if not self.empty else np.array([], dtype="datetime64[D]")
        return _chance(days, ev, window)

    def align(self, start: pd.Timestamp, window: tuple[int, int]) -> list[dict[str, Any]]:
        """:func:`align_events` of these events."""
        if self.empty:
            return []
        start = pd.Timestamp(start)
        if start.tzinfo is None and start == start.normalize():
            # (event - start).days, floored, as whole days between midnights
            begin = start.to_datetime64().astype(self.stamp_type).view(np.int64)
            days = (self.ticks - begin) // self.day_ticks
            inside = (days >= window[0]) & (days <= window[1])
            hit = self.known[inside].tolist()
            lag = dict(zip(hit, days[inside].tolist(), strict=True))
        else:
            lags = (self.index - start).days
            hit = np.flatnonzero((lags >= window[0]) & (lags <= window[1])).tolist()
            lag = {i: int(lags[i]) for i in hit}
        out = []
        for i in sorted(hit, key=lambda i: (self.dates[i], str(self.ids[i]))):
            place, title = self.places[i], self.titles[i]
            if i not in self.iso:
                self.iso[i] = pd.Timestamp(self.dates[i]).strftime("%Y-%m-%d")
            out.append(
                {
                    "id": str(self.ids[i]),
                    "date": self.iso[i],
                    "jurisdiction": None if pd.isna(place) else place,
                    "title": None if pd.isna(title) else str(title),
                    "days_from_start": lag[i],
                }
            )
        return out


def _grid(periods: pd.Series) -> tuple[pd.DatetimeIndex, int]:
    """A regular grid over the periods: weekly when all are Mondays 7k days apart, else daily."""
    p = np.unique(np.asarray(periods.to_numpy()))  # sorted
    dn = p.astype("datetime64[D]").astype(np.int64)
    gaps = np.diff(dn) if len(p) > 1 else np.array([7])
    mondays = (dn - 4) % 7 == 0  # 1970-01-05, day 4, was a Monday
    step = 7 if mondays.all() and (gaps % 7 == 0).all() else 1
    return pd.date_range(pd.Timestamp(p[0]), pd.Timestamp(p[-1]), freq=f"{step}D"), step


def _market_logs(market: pd.DataFrame | None) -> dict[str, pd.Series]:
    """Daily log market series, interpolated over gaps of up to 10 days."""
    if market is None or len(market) == 0:
        return {}
    days = utc_days(pd.Series(market.index)).to_numpy()
    out = {}
    for name, col in (("hashprice", "hashprice_usd_ph_day"), ("btc_usd", "btc_usd")):
        if col not in market:
            continue
        s = pd.Series(pd.to_numeric(market[col], errors="coerce").to_numpy(), index=days)
        s = s[(s > 0) & pd.notna(s.index)]
        if s.empty:
            continue
        means = s.groupby(level=0).mean()
        s = pd.Series(np.log(means.to_numpy()), index=means.index)
        full = s.reindex(pd.date_range(s.index[0], s.index[-1], freq="D"))
        full = full.interpolate(limit=10, limit_area="inside")
        out[name] = full
    return out


MARKET_HINT = "run `asicmon market` or `asicmon market import FILE.csv`"


def market_note(market_logs: dict[str, pd.Series], first: Any, last: Any) -> str:
    """Why a drop whose level windows span ``first``..``last`` has no market split: the market
    data it needs ends before, starts after, or covers too little (``market_note`` of a drop)."""
    if not market_logs:
        return f"no BTC/USD or hashprice data: {MARKET_HINT}"
    name, daily = max(market_logs.items(), key=lambda kv: (kv[1].index[-1], kv[0] == "btc_usd"))
    label = "BTC/USD" if name == "btc_usd" else "hashprice"
    if pd.Timestamp(last) > daily.index[-1]:
        return f"no {label} after {daily.index[-1]:%Y-%m-%d}: {MARKET_HINT}"
    if pd.Timestamp(first) < daily.index[0]:
        return f"no {label} before {daily.index[0]:%Y-%m-%d}: {MARKET_HINT}"
    return f"{label} has gaps over this series (under {MARKET_COVERAGE:.0%} covered): {MARKET_HINT}"


def market_notes_line(drops: list[dict[str, Any]]) -> str | None:
    """One line for the top of a report: how many drops lack the market split, and the most
    common ``market_note`` (why); None when every drop has it."""
    notes = [str(d["market_note"]) for d in drops if d.get("market_note")]
    if not notes:
        return None
    why = max(dict.fromkeys(notes), key=notes.count)  # the most common; the first on a tie
    return f"no market split for {len(notes)} of {len(drops)} drops: {why}"


def _on_grid(daily: pd.Series, grid: pd.DatetimeIndex, step: int) -> np.ndarray:
    return _per_step(daily, step).reindex(grid).to_numpy(dtype=float)


def _per_step(daily: pd.Series, step: int) -> pd.Series:
    """A daily series as it is read on a grid of ``step`` days: itself, or its weekly means."""
    if step == 1:
        return daily
    index = pd.DatetimeIndex(daily.index)
    return daily.groupby(index - pd.to_timedelta(index.day_of_week, unit="D")).mean()


class MarketGrids:
    """The market regressors of every series of one index, each daily log series and trailing
    mean aggregated once per grid step (not once per series): :func:`regressors`."""

    def __init__(self, market_logs: dict[str, pd.Series]) -> None:
        self.logs = market_logs
        self._done: dict[tuple[str, int, int], pd.Series] = {}
        # the same grid comes back for many series (a tier's and its models' span the same
        # weeks): each regular grid is read once, by its first day, length and step
        self._read: dict[tuple[str, int, int, int, int, str], np.ndarray] = {}

    @classmethod
    def of(cls, market: pd.DataFrame | None) -> MarketGrids:
        """The grids of a market frame (daily ``btc_usd``, ``hashprice_usd_ph_day``)."""
        return cls(_market_logs(market))

    def on_grid(self, name: str, lag: int, grid: pd.DatetimeIndex, step: int) -> np.ndarray:
        """The log series ``name`` (its trailing ``lag``-day mean; 0: itself) on ``grid`` (a
        regular grid of ``step`` days, as :func:`_grid` makes)."""
        key = (name, lag, step)
        if key not in self._done:
            daily = self.logs[name]
            if lag:
                daily = daily.rolling(lag, min_periods=1).mean()
            self._done[key] = _per_step(daily, step)
        if len(grid) == 0 or grid.freq is None:  # not a regular grid: read as it is
            return self._done[key].reindex(grid).to_numpy(dtype=float)
        at = (name, lag, step, int(grid[0].value), len(grid), str(grid.freqstr))
        if at not in self._read:
            self._read[at] = self._done[key].reindex(grid).to_numpy(dtype=float)
        return self._read[at].copy()

    def regressors(
        self, grid: pd.DatetimeIndex, step: int, w: np.ndarray
    ) -> tuple[str | None, dict[int, np.ndarray]]:
        """Hashprice when it covers :data:`MARKET_COVERAGE` of the observed periods (``w > 0``),
        else BTC/USD: its name and trailing means of its log per lag on ``grid`` (none: {})."""
        for name in ("hashprice", "btc_usd"):
            if name in self.logs:
                raw = self.on_grid(name, 0, grid, step)
                if np.isfinite(raw[w > 0]).mean() >= MARKET_COVERAGE:
                    return name, {
                        lag: self.on_grid(name, lag, grid, step) for lag in MARKET_LAGS_DAYS
                    }
        return None, {}


def _fit(
    y: np.ndarray, w: np.ndarray, x: np.ndarray, days: np.ndarray, use: np.ndarray
) -> tuple[float, float, float] | None:
    """Huber-IRLS ``Δy = a·Δt + beta·Δx`` over ~4-week differences with a N(1, 0.5²) prior on beta.

    Each observed period is paired with the first observed period 28 to 42 days later (both in
    ``use``): differences over the horizon of a drop's level windows, so that lagged reactions to
    the market count, as the sum of lag coefficients does in ANALYSIS-METHODS §3. Returns beta and
    the robust residual scale and the number of independent horizons, or None with fewer than 6
    pairs.
    """
    idx = np.flatnonzero((w > 0) & np.isfinite(x) & use)
    if len(idx) < 2:
        return None
    j_pos = np.searchsorted(days[idx], days[idx] + BETA_HORIZON_DAYS)
    ok = j_pos < len(idx)
    i, j = idx[ok], idx[j_pos[ok]]
    keep = days[j] - days[i] <= BETA_HORIZON_DAYS + 14
    i, j = i[keep], j[keep]
    if len(i) < 6:
        return None
    dy, dx, dt = y[j] - y[i], x[j] - x[i], (days[j] - days[i]).astype(float)
    # overlapping differences are not independent: weigh the pairs down to the number of
    # non-overlapping horizons they span, so the prior keeps its strength on dense daily grids
    overlap = min(1.0, float(np.mean(np.diff(days[idx]))) / BETA_HORIZON_DAYS)
    omega = 1 / (1 / w[i] + 1 / w[j])
    root, weight = np.sqrt(omega), overlap * omega  # loop invariants
    a, beta, scale = 0.0, BETA_PRIOR, 1.0
    for _ in range(30):
        r = dy - a * dt - beta * dx
        spread = np.abs(r) * root
        scale = 1.4826 * float(np.median(spread))
        # floored: a dealer repeating one price must not make the data look noiseless
        floored = max(scale, RESIDUAL_FLOOR)
        lam = floored**2 / BETA_PRIOR_SD**2
        u = spread / max(scale, 1e-4)
        k = weight * np.minimum(1.0, 1.345 / np.maximum(u, 1e-12))
        kdt, kdx = k * dt, k * dx
        cross = np.sum(kdt * dx)
        m = np.array([[np.sum(kdt * dt), cross], [cross, np.sum(kdx * dx) + lam]])
        rhs = np.array([np.sum(kdt * dy), np.sum(kdx * dy) + lam * BETA_PRIOR])
        try:
            a_new, beta_new = np.linalg.solve(m, rhs)
        except np.linalg.LinAlgError:
            return None
        done = abs(beta_new - beta) < 1e-6 and abs(a_new - a) < 1e-9
        a, beta = float(a_new), float(beta_new)
        if done:
            break
    return beta, scale, overlap * len(i)


def _market_model(
    y: np.ndarray, w: np.ndarray, xs: dict[int, np.ndarray], days: np.ndarray, use: np.ndarray
) -> tuple[float, int]:
    """Beta and lag (days of trailing mean of the log regressor) that fit the sample best.

    The lag is only chosen from data with at least 8 independent 4-week differences; with fewer,
    it is 28 days (the lag that fits the synthetic benchmark and ANALYSIS-METHODS' 0-4 weeks).
    """
    fits = {lag: _fit(y, w, x, days, use) for lag, x in xs.items()}
    good = {lag: f for lag, f in fits.items() if f is not None}
    if not good:
        return BETA_PRIOR, DEFAULT_LAG_DAYS
    if max(f[2] for f in good.values()) < MIN_HORIZONS_FOR_LAG:
        fit = good.get(DEFAULT_LAG_DAYS)
        return (fit[0] if fit else BETA_PRIOR), DEFAULT_LAG_DAYS
    lag = min(good, key=lambda k: good[k][1])
    return good[lag][0], lag


def _wmean(v: np.ndarray, w: np.ndarray, sel: np.ndarray) -> float:
    sel = sel & (w > 0) & np.isfinite(v)
    return float(np.sum(v[sel] * w[sel]) / np.sum(w[sel])) if sel.any() else math.nan


@dataclass
class _Episode:
    """A drop found on one level series: where it starts and ends, and its level windows."""

    start: int  # grid position of the onset
    end: int  # grid position where the new level is reached
    pre: np.ndarray  # mask of the periods measuring the level before
    post: np.ndarray  # mask of the periods measuring the level after


class _EpisodeOptions(TypedDict):
    """The keyword arguments of :func:`_episodes` that one series' detectors share."""

    penalty: float
    min_size: int
    merge_days: int
    level_days: int
    min_fall: float


def _episodes(
    v: np.ndarray,
    w: np.ndarray,
    days: np.ndarray,
    *,
    penalty: float,
    min_size: int,
    merge_days: int,
    level_days: int,
    min_fall: float,
) -> list[_Episode]:
    """Drops of at least ``min_fall`` (log units) in the weighted level series ``v``."""
    n, step = len(v), int(days[1] - days[0]) if len(days) > 1 else 1
    sigma = noise_scale(v, w)
    pen = penalty * sigma**2 * math.log(max(int((w > 0).sum()), 2))
    bounds = [0, *segment(v, w, pen, min_size), n]
    idx = np.arange(n)
    means = [_wmean(v, w, (idx >= a) & (idx < b)) for a, b in itertools.pairwise(bounds)]
    observed = np.flatnonzero(w > 0)
    out: list[_Episode] = []
    k = 1
    while k < len(bounds) - 1:
        if not means[k] < means[k - 1]:
            k += 1
            continue
        last = k  # merge the following downward changes separated by short segments
        while (
            last + 1 < len(bounds) - 1
            and means[last + 1] < means[last]
            and days[bounds[last + 1] - 1] - days[bounds[last]] + step <= merge_days
        ):
            last += 1
        after_run = last + 1
        # small leading/trailing steps of a staircase (under half the floor or a third of its
        # largest step) do not date it
        small = max(min_fall / 2, max(means[i - 1] - means[i] for i in range(k, last + 1)) / 3)
        while k < last and means[k - 1] - means[k] < small:
            k += 1
        while last > k and means[last - 1] - means[last] < small:
            last -= 1
        a0, b0 = bounds[k - 1], bounds[k]
        a1, b1 = bounds[last], bounds[last + 1]
        first_step, k = k, after_run
        pre_sel = (idx >= a0) & (idx < b0) & (days >= days[b0] - level_days)
        post_sel = (idx >= a1) & (idx < b1) & (days < days[a1] + level_days)
        pre, post = _wmean(v, w, pre_sel), _wmean(v, w, post_sel)
        fall = post - pre
        if not fall <= -min_fall:
            continue
        # onset: the first period from which the series stays RAMP_FRACTION of the way down the
        # first step (a ramp's start, or the first step of a staircase); end: the first period
        # after it within RAMP_FRACTION of the whole fall from the new level (the level reached)
        lo = pre + RAMP_FRACTION * (means[first_step] - pre)
        hi = post - RAMP_FRACTION * fall
        near = (days[observed] >= days[b0] - level_days) & (days[observed] < days[b0] + level_days)
        span = observed[near & (observed < bounds[first_step + 1])]
        above = np.flatnonzero(v[span] > lo)
        first = above[-1] + 1 if len(above) else 0
        if first >= len(span):
            continue
        start = int(span[first])
        before = observed[observed < start]
        if len(before) and before[-1] < start - 1:  # a change inside a gap: the gap's middle
            start = max((before[-1] + start + 1) // 2, before[-1] + 1)
        later = observed[(observed >= start) & (post_sel[observed] | (observed < a1))]
        reached = later[v[later] <= hi]
        end = max(int(reached[0]) if len(reached) else a1, start)
        out.append(_Episode(int(start), min(end, n - 1), pre_sel, post_sel))
    return out


class SeriesGrid(NamedTuple):
    """One series laid on its regular grid (method step 1)."""

    grid: pd.DatetimeIndex
    step: int  # days between grid points
    pos: npt.NDArray[np.integer[Any]]  # each row's grid position
    y: npt.NDArray[np.float64]  # log $/TH, 0 where no period was observed
    w: npt.NDArray[np.float64]  # weight n / (n + N0), 0 where no period was observed
    days: npt.NDArray[np.integer[Any]]  # each grid point's day number from the first


def on_grid(g: pd.DataFrame) -> SeriesGrid:
    """A ``(series, basis)`` frame of :func:`series_groups` on its grid, with its weights:
    what drops and drawdowns both measure on."""
    grid, step = _grid(g["period"])
    day = np.asarray(g["period"].to_numpy()).astype("datetime64[D]").astype(np.int64)
    pos = (day - _day_numbers(grid[:1])[0]) // step
    n = len(grid)
    y, w = np.zeros(n), np.zeros(n)
    y[pos] = np.log(g["usd_per_th"].to_numpy(dtype=float))
    counts = g["n_listings"].to_numpy(dtype=float)
    w[pos] = counts / (counts + N0)
    return SeriesGrid(grid, step, pos, y, w, np.arange(n, dtype=np.int64) * step)


def _drops_in_series(
    g: pd.DataFrame,
    series_grid: SeriesGrid,
    regressors: tuple[str | None, dict[int, np.ndarray]],
    *,
    grids: MarketGrids,
    min_drop: float,
    penalty: float,
    min_size_days: int,
    merge_days: int,
    level_days: int,
) -> list[dict[str, Any]]:
    grid, step, pos, y, w, days = series_grid
    n = len(grid)
    min_fall = -math.log(1 - min_drop) if min_drop < 1 else math.inf
    opts = _EpisodeOptions(
        penalty=penalty,
        min_size=max(1, math.ceil(min_size_days / step)),
        merge_days=merge_days,
        level_days=level_days,
        min_fall=min_fall,
    )
    # regressor: hashprice when it covers the series, else BTC/USD; trailing means of its log
    xname, xs = regressors
    market_logs = grids.logs

    def report(ep: _Episode, detector: str) -> dict[str, Any] | None:
        pre, post = _wmean(y, w, ep.pre), _wmean(y, w, ep.post)
        drop_pct = 100 * (1 - math.exp(post - pre))
        explained = change = beta = lag = None
        if xs:
            near = np.abs(days - days[ep.start]) <= ESTIMATION_DAYS
            away = (days < days[ep.start] - ESTIMATION_GAP_DAYS) | (
                days > days[ep.end] + ESTIMATION_GAP_DAYS
            )
            beta, lag = _market_model(y, w, xs, days, near & away)
            xpre, xpost = _wmean(xs[lag], w, ep.pre), _wmean(xs[lag], w, ep.post)
            if math.isfinite(xpre) and math.isfinite(xpost):
                change = 100 * (math.exp(xpost - xpre) - 1)
                explained = 100 * (1 - math.exp(beta * (xpost - xpre)))
            else:
                beta = lag = None
        note = None
        if explained is None:  # why, on the drop (its level windows), else on the whole series
            span = np.flatnonzero(ep.pre | ep.post) if xs else np.array([0, n - 1])
            note = market_note(market_logs, grid[span[0]], grid[span[-1]])
        abnormal = None if explained is None else drop_pct - explained
        is_abnormal = None if abnormal is None else bool(abnormal >= 100 * min_drop)
        if drop_pct <= 0 or (drop_pct < 100 * min_drop and not is_abnormal):
            return None
        return {
            "series": g["series"].iloc[0],
            "basis": g["basis"].iloc[0],
            "start": grid[ep.start].strftime("%Y-%m-%d"),
            "end": grid[ep.end].strftime("%Y-%m-%d"),
            "drop_pct": round(drop_pct, 2),
            "level_before": round(math.exp(pre), 4),
            "level_after": round(math.exp(post), 4),
            "market_explained_pct": None if explained is None else round(explained, 2),
            "abnormal_pct": None if abnormal is None else round(abnormal, 2),
            "abnormal": is_abnormal,
            "detector": detector,
            "market_regressor": xname if explained is not None else None,
            "market_change_pct": None if change is None else round(change, 2),
            "market_lag_days": lag,
            "beta": None if beta is None else round(beta, 3),
            "market_note": note,
        }

    # drops of the market-adjusted (abnormal) level that the per-drop decomposition confirms...
    confirmed: list[tuple[_Episode, dict[str, Any]]] = []
    if xs:
        beta, lag = _market_model(y, w, xs, days, np.ones(n, dtype=bool))
        z = y - beta * xs[lag]
        wz = np.where(np.isfinite(z), w, 0.0)
        for ep in _episodes(np.nan_to_num(z), wz, days, **opts):
            rec = report(ep, "abnormal")
            if rec is not None and rec["abnormal"]:
                confirmed.append((ep, rec))
    # ...then drops of the price itself, unless they hold a confirmed abnormal drop's onset
    out = [rec for _, rec in confirmed]
    for ep in _episodes(y, w, days, **opts):
        if any(
            days[ep.start] - merge_days <= days[ab.start] <= days[ep.end] for ab, _ in confirmed
        ):
            continue
        rec = report(ep, "price")
        if rec is not None:
            out.append(rec)
    return out


def series_groups(
    index: pd.DataFrame, events: pd.DataFrame | None
) -> tuple[EventTable, list[pd.DataFrame]]:
    """What drops and drawdowns both start from: the catalog events with a valid date (as an
    :class:`EventTable`), and each ``(series, basis)`` of an index frame as its own frame, in
    order: periods as UTC days, priced periods only, sorted, one row per period (the last in
    the frame's order), ``n_listings`` 1 where the frame has none."""
    ev = None
    if events is not None and len(events):
        ev = events[utc_days(events["date"]).notna().to_numpy()]
    frame = index.copy()
    frame["period"] = utc_days(frame["period"]).to_numpy()
    if "basis" not in frame:
        frame["basis"] = "ask"
    if "n_listings" not in frame:
        frame["n_listings"] = 1
    frame = frame[
        (pd.to_numeric(frame["usd_per_th"], errors="coerce") > 0) & frame["period"].notna()
    ]
    # one stable sort by series, basis and period (an index frame comes sorted: a check),
    # then each group is a slice
    frame = frame.sort_values(["series", "basis", "period"], kind="stable", ignore_index=True)
    last = ~frame.duplicated(["series", "basis", "period"], keep="last").to_numpy()
    if not last.all():
        frame = frame[last].reset_index(drop=True)
    series, basis = frame["series"].to_numpy(), frame["basis"].to_numpy()
    cut = np.flatnonzero((series[1:] != series[:-1]) | (basis[1:] != basis[:-1])) + 1
    bounds = [0, *cut.tolist(), len(frame)] if len(frame) else []
    groups = [frame.iloc[a:b].reset_index(drop=True) for a, b in itertools.pairwise(bounds)]
    return EventTable(ev), groups


class Prepared:
    """An index frame's series as drops and drawdowns both read them, made once for both
    (:func:`prepare`): the events, each ``(series, basis)`` (:func:`series_groups`), each on its
    grid (:func:`on_grid`) and, once asked, its market regressors."""

    def __init__(self, index: pd.DataFrame, events: pd.DataFrame | None) -> None:
        self.table, self.groups = series_groups(index, events)
        self.grids = [on_grid(g) for g in self.groups]
        self._regressors: dict[tuple[int, int], tuple[str | None, dict[int, np.ndarray]]] = {}
        self._covered: dict[int, pd.DatetimeIndex] = {}

    def covered(self, i: int) -> pd.DatetimeIndex:
        """:func:`covered_days` of series ``i`` (kept)."""
        if i not in self._covered:
            self._covered[i] = covered_days(self.groups[i]["period"])
        return self._covered[i]

    def regressors(self, i: int, market: MarketGrids) -> tuple[str | None, dict[int, np.ndarray]]:
        """:meth:`MarketGrids.regressors` of series ``i`` (kept: the caller must not write into
        the arrays)."""
        key = (i, id(market))
        if key not in self._regressors:
            sg = self.grids[i]
            self._regressors[key] = market.regressors(sg.grid, sg.step, sg.w)
        return self._regressors[key]


def prepare(index: pd.DataFrame, events: pd.DataFrame | None) -> Prepared:
    """:class:`Prepared` of an index frame: pass it to :func:`find_drops` and
    :func:`monitor.analysis.drawdowns.find_drawdowns` to share the work."""
    return Prepared(index, events)


def find_drops(
    index: pd.DataFrame,
    *,
    market: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    min_drop: float = 0.15,
    window: tuple[int, int] = (-7, 28),
    penalty: float | None = None,
    min_size_days: int = 21,
    merge_days: int = 28,
    level_days: int = 28,
    grids: MarketGrids | None = None,
    prepared: Prepared | None = None,
) -> list[dict[str, Any]]:
    """Sustained drops of every ``(series, basis)`` of an index frame (method: module doc).

    Each drop: ``series``, ``basis``, ``start``/``end`` (ISO dates), ``drop_pct`` (45.0 means
    -45 %), ``level_before``/``level_after`` ($/TH), ``market_explained_pct``, ``abnormal_pct``,
    ``abnormal``, ``market_regressor`` ("hashprice" or "btc_usd"), ``market_change_pct``, ``beta``
    (None without market data), ``market_note`` (None when the market split was computed, else
    why not, e.g. "no BTC/USD after 2022-01-04: run ..."), ``events`` and ``chance_alignment_p``
    (None when no event lines up with the drop).
    ``penalty`` multiplies ``sigma² log n`` (default :data:`DEFAULT_PENALTY`). Ordered by start.
    ``grids``: ``MarketGrids.of(market)`` made once for several calls on the same ``market``;
    ``prepared``: ``prepare(index, events)`` made once for drops and drawdowns.
    """
    if index is None or len(index) == 0:
        return []
    pen = DEFAULT_PENALTY if penalty is None else float(penalty)
    grids = MarketGrids.of(market) if grids is None else grids
    prepared = prepare(index, events) if prepared is None else prepared
    table = prepared.table
    drops: list[dict[str, Any]] = []
    for i, g in enumerate(prepared.groups):
        found = _drops_in_series(
            g,
            prepared.grids[i],
            prepared.regressors(i, grids),
            grids=grids,
            min_drop=min_drop,
            penalty=pen,
            min_size_days=min_size_days,
            merge_days=merge_days,
            level_days=level_days,
        )
        p = None
        for d in found:
            d["events"] = table.align(pd.Timestamp(d["start"]), window)
            if d["events"] and p is None:  # the series' chance, once it is needed
                p = round(table.chance(prepared.covered(i), window), 4)
            d["chance_alignment_p"] = p if d["events"] else None
        drops.extend(found)
    drops.sort(key=lambda d: (d["start"], d["series"], d["basis"]))
    return drops


def drop_span(start: str, end: str | None, freq: str = "W") -> str:
    """When a drop happened, in words: "from 2026-09-21 to 2026-10-05", or for a drop within
    one period "in the week of 2026-09-21" (weekly index, ``freq="W"``) / "on 2026-09-21"
    (daily, ``freq="D"``). ``end`` None: "from <start>"."""
    if not end:
        return f"from {start}"
    if end == start:
        return f"on {start}" if freq == "D" else f"in the week of {start}"
    return f"from {start} to {end}"
