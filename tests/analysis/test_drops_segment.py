"""``segment``: the block-wise optimal partitioning returns exactly what the plain one did (one
end point at a time), on random series, on series full of ties, across block edges, and on the
real shape of a weekly index (a step down in log $/TH with gaps)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.analysis import drops
from monitor.analysis.drops import segment


def reference_segment(
    y: np.ndarray, w: np.ndarray, pen: float, min_size: int, min_obs: int = 2
) -> list[int]:
    """The implementation ``segment`` replaced (asicmon 52d2e94), kept verbatim as the oracle."""
    n = len(y)
    y = np.where(w > 0, y, 0.0)
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cwy = np.concatenate([[0.0], np.cumsum(w * y)])
    cwyy = np.concatenate([[0.0], np.cumsum(w * y * y)])
    cobs = np.concatenate([[0], np.cumsum(w > 0)])
    best = np.full(n + 1, np.inf)
    best[0] = -pen
    prev = np.zeros(n + 1, dtype=int)
    limit = np.searchsorted(cobs, cobs - min_obs, side="right")
    for e in range(min_size, n + 1):
        m = min(e - min_size + 1, int(limit[e]))
        if m <= 0:
            continue
        sw = cw[e] - cw[:m]
        swy = cwy[e] - cwy[:m]
        cost = cwyy[e] - cwyy[:m] - np.where(sw > 0, swy * swy / np.where(sw > 0, sw, 1.0), 0.0)
        total = best[:m] + cost + pen
        k = int(np.argmin(total))
        if not np.isfinite(total[k]):
            continue
        best[e], prev[e] = total[k], k
    if not np.isfinite(best[n]):
        return []
    starts, e = [], n
    while e > 0:
        e = int(prev[e])
        if e > 0:
            starts.append(e)
    return sorted(starts)


series = st.integers(min_value=0, max_value=400).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(-3, 3, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.75, 0.9]), min_size=n, max_size=n),
    )
)


@settings(max_examples=150, deadline=None)
@given(
    series,
    st.floats(0.0, 5.0, allow_nan=False),
    st.integers(1, 8),
    st.integers(1, 3),
)
def test_segment_is_the_plain_optimal_partitioning(
    yw: tuple[list[float], list[float]], pen: float, min_size: int, min_obs: int
) -> None:
    y, w = np.array(yw[0], dtype=float), np.array(yw[1], dtype=float)
    assert segment(y, w, pen, min_size, min_obs) == reference_segment(y, w, pen, min_size, min_obs)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=0, max_size=300),
    st.sampled_from([0.0, 0.5, 1.0, 2.0]),
    st.integers(1, 5),
)
def test_ties_go_to_the_same_start(levels: list[float], pen: float, min_size: int) -> None:
    # few distinct values and weights: many segmentations cost exactly the same
    y = np.array(levels)
    w = np.where(np.arange(len(y)) % 5 == 3, 0.0, 0.5)
    assert segment(y, w, pen, min_size) == reference_segment(y, w, pen, min_size)


def test_a_weekly_step_with_gaps_across_several_blocks() -> None:
    rng = np.random.default_rng(14)
    n = 3 * drops._SEGMENT_BLOCK + 17  # end points in four blocks, the last one short
    y = np.log(np.where(np.arange(n) < 200, 60.0, 38.0)) + rng.normal(0, 0.04, n)
    counts = rng.integers(0, 12, n)
    w = counts / (counts + 3.0)
    starts = segment(y, w, 3 * 0.04**2 * np.log(n), 3)
    assert starts == reference_segment(y, w, 3 * 0.04**2 * np.log(n), 3)
    assert any(abs(s - 200) <= 2 for s in starts)  # the step is found where it is


def test_too_short_for_one_segment_is_no_segmentation() -> None:
    y, w = np.array([1.0, 2.0]), np.array([0.5, 0.5])
    assert segment(y, w, 1.0, 3) == reference_segment(y, w, 1.0, 3) == []
    assert segment(np.array([]), np.array([]), 1.0, 1) == []
