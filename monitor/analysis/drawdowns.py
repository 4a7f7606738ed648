"""Drawdowns: long slides of an index series, reported as one fall from peak to trough.

Pure functions on pandas DataFrames (no I/O, no clock). A changepoint drop
(:mod:`monitor.analysis.drops`) is a level shift; a slide made of many small weekly steps (2022:
thirteen straight weekly declines, $92 -> $34/TH) may read as several drops, or as none when no
single step stands out. :func:`find_drawdowns` reports it once. Rule, per ``(series, basis)`` of
a :func:`monitor.analysis.indexes.build_index` frame:

1. **Level.** The log ``usd_per_th`` of the observed periods, smoothed by a centred running
   median of 3 periods (the ends keep their own median of 2), so that one odd period neither
   makes a peak nor a trough.
2. **Peak to trough.** Walking forward, the running peak is the highest smoothed level so far.
   Once the level is ``min_depth`` (default 20 %) or more below it, a drawdown is open: its trough
   is the lowest level since the peak. It closes at the first period where the level has
   recovered ``recovery`` (default half) of the fall in logs,
   ``log level >= log trough + recovery * (log peak - log trough)``, or at the end of the series
   (then ``recovered`` is None). The next drawdown's peak is searched from the recovery on.
3. **Size and dates.** ``peak`` and ``trough`` are the smoothed $/TH levels (a one-period extreme
   counts at its neighbours' level) and ``depth_pct = 100 * (1 - trough / peak)``. ``start`` is
   the last period before the trough still within 5 % of the fall (in logs) of the peak, and
   ``end`` the first period after it within 5 % of the fall of the trough: a plateau's
   noise dates neither. ``duration_days = end - start``.
4. **Market split** (as a drop's, :mod:`monitor.analysis.drops` step 5, with its functions):
   hashprice when it covers 80 % of the observed periods, else BTC/USD; ``beta`` and the lag
   ``L`` fitted on the periods within 365 days of the drawdown but more than 28 days outside it;
   ``market_explained_pct = 100 * (1 - exp(beta * (log M_L(end) - log M_L(start))))``,
   ``abnormal_pct = depth_pct - market_explained_pct``. None without market data at both ends.
5. **Events** (a drop's fields, :func:`monitor.analysis.drops.align_events`): catalog events
   dated from 7 days before ``start`` to ``end``, or to 28 days after ``start`` for a slide
   shorter than that; ``days_from_start`` counts from ``start``. ``chance_alignment_p`` is the
   share of the series' days from which a window of the same length holds an event (None when
   no event lines up).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from monitor.analysis.drops import (
    ESTIMATION_DAYS,
    ESTIMATION_GAP_DAYS,
    MarketGrids,
    Prepared,
    SeriesGrid,
    _market_model,
    market_note,
    prepare,
)

__all__ = ["find_drawdowns", "peak_troughs"]

DEFAULT_MIN_DEPTH = 0.20
DEFAULT_RECOVERY = 0.5
PRE_DAYS, MIN_POST_DAYS = 7, 28
EDGE = 0.05  # share of the fall that dates the start and end of a slide


def _smooth(v: np.ndarray) -> np.ndarray:
    """Centred running median of 3 (of 2 at the ends: their mean), as pandas'
    ``rolling(3, center=True, min_periods=1).median()`` gives it."""
    v = np.asarray(v, dtype=float)
    if len(v) < 3:
        return np.full(len(v), (v[0] + v[-1]) / 2) if len(v) == 2 else v.copy()
    out = np.empty(len(v))
    out[1:-1] = np.median(np.stack([v[:-2], v[1:-1], v[2:]]), axis=0)
    out[0], out[-1] = (v[0] + v[1]) / 2, (v[-2] + v[-1]) / 2
    return out


def peak_troughs(
    level: np.ndarray, min_depth: float = DEFAULT_MIN_DEPTH, recovery: float = DEFAULT_RECOVERY
) -> list[tuple[int, int, int | None]]:
    """Drawdowns of a log level series (step 2 of the module doc) as positions
    ``(peak, trough, recovered or None)``."""
    min_fall = -math.log(1 - min_depth) if min_depth < 1 else math.inf
    out: list[tuple[int, int, int | None]] = []
    level = np.asarray(level, dtype=float).tolist()  # Python floats: the same IEEE arithmetic
    n, i = len(level), 0
    while i < n:
        peak = i
        j = i
        while j < n and level[peak] - level[j] < min_fall:  # until the fall is deep enough
            if level[j] > level[peak]:
                peak = j
            j += 1
        if j >= n:
            break
        trough, k = j, j
        while k < n:
            if level[k] < level[trough]:
                trough = k
            elif level[k] >= level[trough] + recovery * (level[peak] - level[trough]):
                break
            k += 1
        out.append((peak, trough, k if k < n else None))
        i = k if k < n else n
    return out


def _series_drawdowns(
    g: pd.DataFrame,
    series_grid: SeriesGrid,
    regressors: tuple[str | None, dict[int, np.ndarray]],
    *,
    grids: MarketGrids,
    min_depth: float,
    recovery: float,
) -> list[dict[str, Any]]:
    periods = pd.DatetimeIndex(g["period"])
    level = _smooth(np.log(g["usd_per_th"].to_numpy(dtype=float)))
    found = peak_troughs(level, min_depth, recovery)
    if not found:
        return []
    grid, step, pos, y, w, days = series_grid
    xname, xs = regressors
    out = []
    for peak, trough, back in found:
        depth = 100 * (1 - math.exp(level[trough] - level[peak]))
        fall = level[peak] - level[trough]
        span = np.arange(peak, trough + 1)
        first = int(span[level[span] >= level[peak] - EDGE * fall][-1])
        span = np.arange(first, trough + 1)
        last = int(span[level[span] <= level[trough] + EDGE * fall][0])
        explained = change = beta = lag = None
        if xs:
            p, t = int(pos[first]), int(pos[last])
            near = np.abs(days - days[p]) <= ESTIMATION_DAYS
            away = (days < days[p] - ESTIMATION_GAP_DAYS) | (days > days[t] + ESTIMATION_GAP_DAYS)
            beta, lag = _market_model(y, w, xs, days, near & away)
            x0, x1 = float(xs[lag][p]), float(xs[lag][t])
            if math.isfinite(x0) and math.isfinite(x1):
                change = 100 * (math.exp(x1 - x0) - 1)
                explained = 100 * (1 - math.exp(beta * (x1 - x0)))
            else:
                beta = lag = None
        out.append(
            {
                "series": g["series"].iloc[0],
                "basis": g["basis"].iloc[0],
                "start": periods[first].strftime("%Y-%m-%d"),
                "end": periods[last].strftime("%Y-%m-%d"),
                "recovered": None if back is None else periods[back].strftime("%Y-%m-%d"),
                "duration_days": int((periods[last] - periods[first]).days),
                "peak": round(math.exp(level[peak]), 4),
                "trough": round(math.exp(level[trough]), 4),
                "depth_pct": round(depth, 2),
                "market_explained_pct": None if explained is None else round(explained, 2),
                "abnormal_pct": None if explained is None else round(depth - explained, 2),
                "market_regressor": xname if explained is not None else None,
                "market_change_pct": None if change is None else round(change, 2),
                "market_lag_days": lag,
                "beta": None if beta is None else round(beta, 3),
                "market_note": None
                if explained is not None
                else market_note(grids.logs, periods[first], periods[last]),
            }
        )
    return out


def find_drawdowns(
    index: pd.DataFrame,
    *,
    market: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    min_depth: float = DEFAULT_MIN_DEPTH,
    recovery: float = DEFAULT_RECOVERY,
    grids: MarketGrids | None = None,
    prepared: Prepared | None = None,
) -> list[dict[str, Any]]:
    """Drawdowns of every ``(series, basis)`` of an index frame (rule: module doc).

    Each: ``series``, ``basis``, ``start`` and ``end`` (the slide from the peak to the trough),
    ``recovered`` (None: not yet), ``duration_days``, ``peak``/``trough`` ($/TH), ``depth_pct``
    (63.0 means -63 %), ``market_explained_pct``, ``abnormal_pct``, ``market_regressor``,
    ``market_change_pct``, ``market_lag_days``, ``beta`` (None without market data),
    ``market_note`` (as a drop's: None when the split was computed, else why not), ``events``
    and ``chance_alignment_p`` (as a drop's). Ordered by start. ``grids``: as
    :func:`monitor.analysis.drops.find_drops`'s (made once for several calls on one ``market``);
    ``prepared``: ``prepare(index, events)``, as :func:`monitor.analysis.drops.find_drops` takes.
    """
    if index is None or len(index) == 0:
        return []
    grids = MarketGrids.of(market) if grids is None else grids
    prepared = prepare(index, events) if prepared is None else prepared
    table = prepared.table
    out: list[dict[str, Any]] = []
    for i, g in enumerate(prepared.groups):
        found = _series_drawdowns(g, prepared.grids[i], prepared.regressors(i, grids),
                                  grids=grids, min_depth=min_depth, recovery=recovery)  # fmt: skip
        covered = prepared.covered(i) if found else None
        for d in found:
            window = (-PRE_DAYS, max(MIN_POST_DAYS, d["duration_days"]))
            d["events"] = table.align(pd.Timestamp(d["start"]), window)
            d["chance_alignment_p"] = (
                round(table.chance(covered, window), 4)
                if d["events"] and covered is not None
                else None
            )
        out.extend(found)
    out.sort(key=lambda d: (d["start"], d["series"], d["basis"]))
    return out
