"""The chart module: merged event markers, non-overlapping labels, concise date axes, visible
one-period drops and the market line on a second axis; figures are drawn for real and the PNG is
read back."""

from __future__ import annotations

import io
import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.dates import date2num
from matplotlib.image import imread
from matplotlib.text import Text

from monitor.outputs.charts import (
    TITLE_CHARS,
    assign_rows,
    build_figure,
    merge_events,
    render_chart,
    short_title,
)

SERIES = "tier:25to38"
WEEKS = pd.date_range("2021-04-05", "2021-08-30", freq="W-MON")
# the shape of the demo's China-2021 cluster (dates and titles as the bundled catalog has them)
CHINA = [
    ("CN-2021-02", "2021-05-18", "Chinese finance industry associations bar members from crypto"),
    (
        "CN-2021-03",
        "2021-05-18",
        "Inner Mongolia opens a reporting platform for crypto-mining tips",
    ),
    ("CN-2021-04", "2021-05-21", "China's State Council calls to crack down on bitcoin mining"),
    ("CN-2021-05", "2021-05-23", "Huobi and BTC.TOP suspend mining services in China"),
    ("CN-2021-06", "2021-05-25", "Inner Mongolia drafts 'Eight Measures' to punish crypto mining"),
    ("IR-2021-02", "2021-05-26", "Iran bans all crypto mining until 22 September 2021"),
    ("CN-2021-07", "2021-06-09", "Xinjiang's Zhundong park ordered to stop all crypto mining"),
    ("CN-2021-08", "2021-06-09", "Qinghai orders all crypto-mining projects shut"),
    ("CN-2021-09", "2021-06-11", "Yunnan cracks down on miners' illegal electricity use"),
    ("CN-2021-10", "2021-06-18", "Sichuan orders 26 mining projects shut and their power cut"),
    ("CN-2021-11", "2021-06-23", "Bitmain suspends global spot sales of Antminers"),
    ("CN-2021-12", "2021-08-23", "Yingjiang County (Yunnan) cuts hydropower supply to miners"),
]
WIDTHS = [390, 900, 1000]


def china_events() -> pd.DataFrame:
    ids, dates, titles = zip(*CHINA, strict=True)
    return pd.DataFrame({"id": ids, "date": pd.to_datetime(dates), "title": titles})


def index_records(periods: pd.DatetimeIndex = WEEKS) -> list[dict[str, Any]]:
    level = np.concatenate([np.linspace(117, 121, 5), np.linspace(120, 70, 11)])
    level = np.resize(np.concatenate([level, np.linspace(70, 85, len(periods))]), len(periods))
    return [{"series": SERIES, "period": f"{p:%Y-%m-%d}", "basis": "ask", "usd_per_th": float(v)}
            for p, v in zip(periods, level, strict=True)]  # fmt: skip


def market() -> pd.DataFrame:
    days = pd.date_range("2021-01-01", "2021-12-31", freq="D", name="date")
    wave = 300 + 100 * np.sin(np.arange(len(days)) / 20)
    return pd.DataFrame({"btc_usd": 40000 + wave * 10, "hashprice_usd_ph_day": wave}, index=days)


DROPS = [
    {
        "series": SERIES,
        "basis": "ask",
        "start": "2021-06-14",
        "end": "2021-07-05",
        "market_note": "no BTC/USD history before the drop",
    }
]  # the caption under the chart
DRAWDOWNS = [{"series": SERIES, "start": "2021-05-10", "end": "2021-07-12", "depth_pct": 42.0}]


def visible_texts(fig: Any) -> list[Text]:
    """Every text the figure draws (a tick label only when its axis shows and its tick is in
    view)."""
    ticks, shown = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            locs = axis.get_majorticklocs()
            for tick, loc in zip(axis.get_major_ticks(), locs, strict=False):
                ticks.update({id(tick.label1), id(tick.label2)})
                if axis.get_visible() and lo <= loc <= hi:  # a twin's hidden x axis draws nothing
                    shown.update({id(tick.label1), id(tick.label2)})
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
            and (id(t) not in ticks or id(t) in shown)]  # fmt: skip


# -- merged markers (pure) ---------------------------------------------------------------------


def test_events_within_the_window_merge_into_one_marker_with_a_count() -> None:
    events = [(pd.Timestamp(date), title) for _, date, title in CHINA]
    markers = merge_events(events, pd.Timedelta(days=10))
    # May 18..26 (6 events), Jun 9..18 (4: within ten days of Jun 9), Jun 23, Aug 23
    assert [(f"{m.date:%m-%d}", m.count) for m in markers] == [
        ("05-18", 6), ("06-09", 4), ("06-23", 1), ("08-23", 1),
    ]  # fmt: skip
    assert markers[0].title == "Chinese finance industry associations bar members from crypto"
    assert markers[0].label.endswith(" +5 more")
    assert markers[2].label == "Bitmain suspends global spot sales of Antminers"  # no "+0 more"


def test_far_events_stay_separate() -> None:
    events = [(pd.Timestamp("2021-01-01"), "a"), (pd.Timestamp("2021-01-12"), "b")]
    assert [m.count for m in merge_events(events, pd.Timedelta(days=10))] == [1, 1]
    assert [m.count for m in merge_events(events, pd.Timedelta(days=11))] == [2]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=400), max_size=40),
    st.integers(min_value=1, max_value=60),
)
def test_merged_markers_keep_every_event_and_stay_a_window_apart(
    days: list[int], window_days: int
) -> None:
    start = pd.Timestamp("2021-01-01")
    events = [(start + pd.Timedelta(days=d), f"e{i}") for i, d in enumerate(days)]
    window = pd.Timedelta(days=window_days)
    markers = merge_events(events, window)
    assert sum(m.count for m in markers) == len(events)
    assert all(b.date - a.date > window for a, b in itertools.pairwise(markers))
    for marker in markers:  # every event it stands for lies within the window of its date
        members = [d for d, _ in events if marker.date <= d <= marker.date + window]
        assert len(members) >= marker.count


def test_short_title_cuts_with_an_ellipsis() -> None:
    long = "Chinese finance industry associations bar members from crypto services"
    cut = short_title(long)
    assert len(cut) <= TITLE_CHARS
    assert cut.endswith("\u2026")
    assert long.startswith(cut[:-1])
    assert short_title("Qinghai  orders\nshut") == "Qinghai orders shut"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1000), st.floats(1, 300)), max_size=30))
def test_assigned_rows_never_overlap(spans: list[tuple[float, float]]) -> None:
    extents = sorted((left, left + width) for left, width in spans)
    rows = assign_rows(extents)
    for row in set(rows):
        mine = [e for e, r in zip(extents, rows, strict=True) if r == row]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(mine))


# -- the drawn figure --------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS)
def test_no_two_texts_overlap_on_the_china_cluster(width: int) -> None:
    fig, _ = build_figure(index_records(), china_events(), DROPS, SERIES, DRAWDOWNS,
                          market=market(), width_px=width)  # fmt: skip
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = visible_texts(fig)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    clashes = [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2)
               if ba.overlaps(bb)]  # fmt: skip
    assert clashes == []
    # inside the figure, so the PNG's trimmed bounding box is this very layout
    frame = fig.bbox.padded(1)
    outside = [
        t for t, b in boxes if not (frame.contains(b.x0, b.y0) and frame.contains(b.x1, b.y1))
    ]
    assert outside == []
    labels = [t for t, _ in boxes if "more" in t or "\u2026" in t]
    assert any("+" in t and "more" in t for t in labels)  # the cluster is one merged marker
    assert not any("CN-2021" in t for t, _ in boxes)  # titles, not ids
    assert any(t.startswith("no market split") for t, _ in boxes)  # the caption was checked too


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "periods",
    [
        WEEKS,
        pd.date_range("2021-01-04", "2023-01-02", freq="W-MON"),
        pd.date_range("2026-08-03", "2026-09-28", freq="W-MON"),
    ],  # fmt: skip
    ids=["five-months", "two-years", "eight-weeks"],
)
def test_x_tick_labels_are_never_repeated(width: int, periods: pd.DatetimeIndex) -> None:
    fig, _ = build_figure(index_records(periods), None, [], SERIES, width_px=width)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert len(labels) >= 2
    assert len(labels) == len(set(labels)), labels


def test_a_one_period_drop_is_shaded_at_least_one_period_wide_in_the_png() -> None:
    drop = [{"series": SERIES, "basis": "ask", "start": "2021-06-14", "end": "2021-06-14"}]
    png = render_chart(index_records(), None, drop, SERIES, width_px=1000)
    image = imread(io.BytesIO(png))[:, :, :3]
    fig, _ = build_figure(index_records(), None, drop, SERIES, width_px=1000)
    fig.canvas.draw()
    ax = fig.axes[0]
    x0 = ax.transData.transform((date2num(pd.Timestamp("2021-06-14")), 0))[0]
    x1 = ax.transData.transform((date2num(pd.Timestamp("2021-06-21")), 0))[0]
    period_px = x1 - x0
    shade = fig.axes[0].patches[0].get_facecolor()
    tint = 1 - shade[3] * (1 - np.array(shade[:3]))  # the span's colour over white
    match = np.all(np.abs(image - tint) < 0.03, axis=2)
    columns = int(match.any(axis=0).sum())
    assert columns >= period_px - 2, (columns, period_px)
    assert period_px > 10


def test_the_png_is_about_the_asked_width() -> None:
    for width in (390, 1000):
        png = render_chart(index_records(), china_events(), DROPS, SERIES, market=market(),
                           width_px=width)  # fmt: skip
        assert 0.85 * width <= imread(io.BytesIO(png)).shape[1] <= 1.1 * width


def test_the_market_series_is_on_a_second_axis() -> None:
    fig, _ = build_figure(index_records(), china_events(), DROPS, SERIES, market=market())
    assert len(fig.axes) == 2
    (line,) = fig.axes[1].get_lines()
    dates = pd.to_datetime(line.get_xdata())
    assert dates.min() >= WEEKS.min()
    assert dates.max() <= WEEKS.max()
    assert "hashprice" in fig.axes[1].get_ylabel()
    alone, _ = build_figure(index_records(), china_events(), DROPS, SERIES)
    assert len(alone.axes) == 1
    btc = market()[["btc_usd"]].reset_index()  # a ``date`` column works as well as an index
    with_btc, _ = build_figure(index_records(), None, [], SERIES, market=btc)
    assert with_btc.axes[1].get_ylabel() == "BTC/USD"
