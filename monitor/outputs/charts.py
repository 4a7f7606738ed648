"""Charts: the one drawing of a price index, used by ``asicmon plot``, the digest and any page.

Event markers come from the event catalog, drops and drawdowns from the analysis; every label
that came from a data file or a page is cleaned and shown literally (no mathtext).

Readability rules (one place, so the PNG, the digest and the web show the same picture):

* dates on the x axis are concise (:class:`~matplotlib.dates.ConciseDateFormatter`): a month or
  a year is written once, never repeated on weekly data;
* an event is shown by its short title (:func:`short_title`), not its id; events closer than
  :func:`merge_window` (ten days, or a label's width at the chart's scale when that is wider)
  become ONE marker labelled "first title +N more" (:func:`merge_events`);
* labels are laid out in rows (:func:`assign_rows`) so that no two overlap;
* a drop or drawdown is shaded at least one period wide, so a one-period drop shows;
* an optional daily market frame (hashprice, else BTC/USD) is drawn on a second y axis.
"""

from __future__ import annotations

import difflib
import io
import textwrap
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from monitor.analysis.drops import market_notes_line
from monitor.outputs.digest import _clean

DEFAULT_WIDTH_PX = 900  # what ``asicmon plot`` and the digest draw
MIN_WIDTH_PX = 320
TITLE_CHARS = 28
MERGE_DAYS = 10
_DPI = 100
_MARKET_COLUMNS = (("hashprice_usd_ph_day", "hashprice (USD/PH/day)"), ("btc_usd", "BTC/USD"))


def _break_gaps(part: pd.DataFrame, days: int = 35) -> pd.DataFrame:
    """A blank point in every gap of more than ``days``, so the line does not bridge it."""
    gaps = part["period"].diff() > pd.Timedelta(days=days)
    if not gaps.any():
        return part
    blanks = part.loc[gaps, ["period"]].assign(period=lambda f: f["period"] - pd.Timedelta(days=1))
    return pd.concat([part, blanks]).sort_values("period")


def _mpl(text: Any) -> str:
    """Text matplotlib shows literally (a ``$`` would start mathtext)."""
    return _clean(text).replace("$", r"\$")


def short_title(text: Any, limit: int = TITLE_CHARS) -> str:
    """``text`` cleaned and cut to at most ``limit`` characters, an ellipsis marking the cut."""
    clean = " ".join(_clean(text).split())
    if len(clean) <= limit:
        return clean
    return clean[: limit - 1].rstrip() + "\u2026"


@dataclass(frozen=True)
class Marker:
    """One event marker: the first event's date and short title, and how many events it stands
    for (``count`` >= 1)."""

    date: pd.Timestamp
    title: str
    count: int

    @property
    def label(self) -> str:
        more = f" +{self.count - 1} more" if self.count > 1 else ""
        return f"{self.title}{more}"


def merge_events(events: Sequence[tuple[pd.Timestamp, str]], window: pd.Timedelta) -> list[Marker]:
    """Events (date, short title) as markers: sorted by date, an event within ``window`` of the
    first event of the current marker joins it, any later one starts a new marker. So two
    markers' dates are always more than ``window`` apart, and a marker never spans more than
    ``window``. Pure: no drawing."""
    markers: list[Marker] = []
    for date, title in sorted(events, key=lambda e: (e[0], e[1])):
        last = markers[-1] if markers else None
        if last is not None and date - last.date <= window:
            markers[-1] = Marker(last.date, last.title, last.count + 1)
        else:
            markers.append(Marker(pd.Timestamp(date), title, 1))
    return markers


def merge_window(span: pd.Timedelta, axes_px: float, label_px: float, rows: int) -> pd.Timedelta:
    """How close two events may be and still get their own marker: ``MERGE_DAYS``, or the time
    a label's width (shared among ``rows`` label rows) covers on an axis of ``axes_px`` pixels
    showing ``span``, whichever is longer."""
    per_px = span / max(axes_px, 1.0)
    return max(pd.Timedelta(days=MERGE_DAYS), per_px * (label_px / max(rows, 1)))


def assign_rows(extents: Sequence[tuple[float, float]], gap: float = 4.0) -> list[int]:
    """A row for each horizontal extent (left, right in pixels, in drawing order): the first row
    whose last extent ends ``gap`` before this one starts, else a new row. No two extents in
    one row overlap."""
    ends: list[float] = []
    rows: list[int] = []
    for left, right in extents:
        for row, end in enumerate(ends):
            if left >= end + gap:
                ends[row] = right
                rows.append(row)
                break
        else:
            ends.append(right)
            rows.append(len(ends) - 1)
    return rows


def _period(frame: pd.DataFrame) -> pd.Timedelta:
    """The chart's period: the most common step between its dates (a week if it has one date)."""
    steps = pd.Series(frame["period"].drop_duplicates().sort_values()).diff().dropna()
    steps = steps[steps > pd.Timedelta(0)]
    return pd.Timedelta(steps.mode().iloc[0]) if len(steps) else pd.Timedelta(days=7)


def _span(start: Any, end: Any, period: pd.Timedelta) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A shaded span from ``start`` to ``end``, at least one ``period`` wide."""
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    return first, max(last, first + period)


def _market_series(
    market: pd.DataFrame | None, lo: pd.Timestamp, hi: pd.Timestamp
) -> tuple[pd.Series, str] | None:
    """The market line to draw beside the index (hashprice, else BTC/USD) over ``lo``..``hi``."""
    if market is None or market.empty:
        return None
    frame = market.set_index("date") if "date" in market.columns else market
    frame = frame.copy()
    frame.index = pd.to_datetime(frame.index)
    frame = frame[(frame.index >= lo) & (frame.index <= hi)]
    for column, label in _MARKET_COLUMNS:
        if column in frame.columns:
            values = pd.to_numeric(frame[column], errors="coerce").dropna().sort_index()
            if len(values):
                return values.astype(float), label
    return None


def render_chart(
    index: list[dict[str, Any]],
    events: pd.DataFrame | None,
    drops: list[dict[str, Any]],
    series: str | None = None,
    drawdowns: list[dict[str, Any]] | None = None,
    *,
    market: pd.DataFrame | None = None,
    width_px: int = DEFAULT_WIDTH_PX,
) -> bytes:
    """One index series as a PNG ``width_px`` wide (about; the bounding box is trimmed): its
    bases (a gap of over 35 days is not bridged), shaded drops, hatched drawdowns (their slide,
    from ``start`` to ``end``, each at least one period wide), merged event markers labelled by
    short title, and the ``market`` frame (daily, a ``date`` index or column, columns
    ``hashprice_usd_ph_day`` and/or ``btc_usd``) on a second y axis.

    ``series`` defaults to the one with the most index records. Uses the Agg canvas through a
    :class:`~matplotlib.figure.Figure` (no pyplot state), so it is safe in the daemon.
    """
    fig, note = build_figure(index, events, drops, series, drawdowns, market=market,
                             width_px=width_px)  # fmt: skip
    return _save(fig, note, "png")


def render_svg(
    index: list[dict[str, Any]],
    events: pd.DataFrame | None,
    drops: list[dict[str, Any]],
    series: str | None = None,
    drawdowns: list[dict[str, Any]] | None = None,
    *,
    market: pd.DataFrame | None = None,
    width_px: int = DEFAULT_WIDTH_PX,
) -> bytes:
    """The chart of :func:`render_chart` as SVG (for a web page's ``<img>``): the same figure;
    its text is drawn as paths (matplotlib's default ``svg.fonttype``), so no label reaches
    the file as markup, and it holds no script."""
    fig, note = build_figure(index, events, drops, series, drawdowns, market=market,
                             width_px=width_px)  # fmt: skip
    return _save(fig, note, "svg")


def _save(fig: Any, note: str, fmt: str) -> bytes:
    from matplotlib import rc_context

    buf = io.BytesIO()
    with warnings.catch_warnings(), rc_context({"svg.fonttype": "path"}):
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing")
        fig.savefig(buf, format=fmt, bbox_inches="tight",
                    metadata={"Description": note} if note else None)  # fmt: skip
    return buf.getvalue()


def _pick_series(index: list[dict[str, Any]], series: str | None) -> tuple[pd.DataFrame, str]:
    frame = pd.DataFrame(index)
    if frame.empty:
        raise ValueError("no index records to chart")
    if series is None:
        series = str(frame["series"].value_counts().sort_index().idxmax())
    frame = frame[frame["series"] == series].copy()
    if frame.empty:
        known = sorted({str(r.get("series")) for r in index}, key=lambda s: (s[:5] != "tier:", s))
        close = difflib.get_close_matches(series, known, n=3, cutoff=0.6)
        maybe = f"did you mean {' or '.join(close)}? Known" if close else "known"
        more = " ..." if len(known) > 20 else ""
        raise ValueError(f"no index series {series!r}; {maybe}: {', '.join(known[:20]) or 'none'}"
                         f"{more} (list them all: asicmon analyse --series)")  # fmt: skip
    frame["period"] = pd.to_datetime(frame["period"])
    frame["usd_per_th"] = pd.to_numeric(frame["usd_per_th"], errors="coerce")
    return frame.sort_values("period"), series


def build_figure(
    index: list[dict[str, Any]],
    events: pd.DataFrame | None,
    drops: list[dict[str, Any]],
    series: str | None = None,
    drawdowns: list[dict[str, Any]] | None = None,
    *,
    market: pd.DataFrame | None = None,
    width_px: int = DEFAULT_WIDTH_PX,
) -> tuple[Any, str]:
    """The drawn :class:`~matplotlib.figure.Figure` of :func:`render_chart` and its caption
    (empty when none); for callers that embed the figure or check its layout."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    frame, series = _pick_series(index, series)
    width = max(int(width_px), MIN_WIDTH_PX)
    narrow = width < 600
    height = max(360, round(width * 0.5)) if narrow else max(380, round(width * 0.47))
    fig = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    small = 7 if narrow else 8
    ax = fig.subplots()
    handles: list[Any] = []
    for basis, part in frame.groupby("basis"):
        part = _break_gaps(part)
        (line,) = ax.plot(part["period"], part["usd_per_th"], marker=".", lw=1.4,
                          label=_mpl(f"{basis} USD/TH"))  # fmt: skip
        handles.append(line)
    lo, hi = frame["period"].min(), frame["period"].max()
    period = _period(frame)
    spans: list[Any] = []
    first = True
    for drop in drops:
        if drop.get("series") != series:
            continue
        start, end = _span(drop["start"], drop["end"], period)
        patch = ax.axvspan(start, end, color="tab:red", alpha=0.18, lw=0,  # type: ignore[arg-type]
                           label="sustained drop")  # fmt: skip
        spans.append(patch)
        if first:
            handles.append(patch)
        first = False
    first = True
    for down in drawdowns or []:
        if down.get("series") != series:
            continue
        start, end = _span(down["start"], down["end"], period)
        patch = ax.axvspan(start, end, facecolor="none", edgecolor="tab:orange",  # type: ignore[arg-type]
                           hatch="//", lw=0, alpha=0.6,
                           label=f"drawdown (-{down['depth_pct']:.0f} %)")  # fmt: skip
        spans.append(patch)
        if first:
            handles.append(patch)
        first = False
    top = _market_series(market, lo, hi)
    ax2: Any = None
    if top is not None:
        values, label = top
        ax2 = ax.twinx()
        (line,) = ax2.plot(values.index, values.to_numpy(), color="tab:gray", lw=1.0, alpha=0.8,
                           label=label)  # fmt: skip
        ax2.set_ylabel(label, fontsize=small, color="dimgray")
        ax2.tick_params(axis="y", labelsize=small, colors="dimgray")
        handles.append(line)
        ax.set_zorder(ax2.get_zorder() + 1)  # the index, its shading and labels over the market
        ax.patch.set_visible(False)
    ax.set_xlim(lo - period / 2, hi + period / 2)
    _date_axis(ax, width)
    ax.tick_params(labelsize=small)
    ax.set_ylabel("USD per TH/s", fontsize=small + 1)
    ax.set_title(_mpl(f"asicmon price index: {series}"), fontsize=small + 3)
    ax.grid(alpha=0.3)
    note = market_notes_line([d for d in drops if d.get("series") == series])
    # the caption (why the market split is missing; also the PNG's Description) heads the
    # legend under the chart, so the layout keeps the two apart at any width
    caption = "\n".join(textwrap.wrap(_mpl(note or ""), width=max(40, width // 6)))
    legend = fig.legend(handles=handles, loc="outside lower center", fontsize=small,
                        ncol=2 if narrow else min(len(handles), 4), frameon=False,
                        title=caption or None, title_fontsize=small - 1)  # fmt: skip
    legend.get_title().set_color("dimgray")
    band = _draw_events(fig, ax, frame, events, lo, hi, small)
    for patch in spans:  # shading stops below the label rows
        if hasattr(patch, "set_height"):
            patch.set_height(1.0 - band)
    if ax2 is not None and band:  # the market line stays below the label rows too
        low, high = ax2.get_ylim()
        ax2.set_ylim(low, low + (high - low) / (1 - band))
    return fig, note or ""


# the concise formats (year, month, day, hour, minute, second) and, when a month or a day name
# would repeat (ticks spanning more than a year or a month), the same with its context
_CONCISE: dict[str, list[str]] = {}  # matplotlib's own
_WITH_CONTEXT = {
    "formats": ["%Y", "%b %Y", "%b %d", "%d %H:%M", "%H:%M", "%S.%f"],
    "zero_formats": ["", "%Y", "%b", "%b %d", "%H:%M", "%H:%M"],
    "offset_formats": ["", "", "%Y", "%Y", "%Y-%b-%d", "%Y-%b-%d %H:%M"],
}


def _date_axis(ax: Any, width: int) -> None:
    """Concise dates on the x axis, about one tick per 110 pixels: a month or year is written
    once (the rest goes to the offset), and no two tick labels are the same string."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=max(5, width // 110))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    lo, hi = ax.get_xlim()
    ticks = [t for t in locator() if lo <= t <= hi]
    for formats in (_CONCISE, _WITH_CONTEXT):
        formatter = ConciseDateFormatter(locator, **formats)  # type: ignore[no-untyped-call]
        formatter.axis = ax.xaxis
        labels = [x for x in formatter.format_ticks(ticks) if x]  # type: ignore[no-untyped-call]
        if len(labels) == len(set(labels)):
            break
    ax.xaxis.set_major_formatter(formatter)


def _event_titles(
    events: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp
) -> list[tuple[pd.Timestamp, str]]:
    dates = pd.to_datetime(events["date"], errors="coerce")
    inside = (dates >= lo) & (dates <= hi)
    names = events["title"] if "title" in events.columns else events["id"]
    ids = events["id"] if "id" in events.columns else names
    out = []
    for date, name, ident in zip(dates[inside], names[inside], ids[inside], strict=True):
        text = name if isinstance(name, str) and name.strip() else ident
        out.append((pd.Timestamp(date), short_title(text)))
    return out


def _draw_events(
    fig: Any, ax: Any, frame: pd.DataFrame, events: pd.DataFrame | None,
    lo: pd.Timestamp, hi: pd.Timestamp, size: int,
) -> float:  # fmt: skip
    """Merged event markers with labels in non-overlapping rows at the top of the axes; the y
    range grows so the rows sit above the data. Returns the height of the label band (a
    fraction of the axes; 0 without labels)."""
    from matplotlib.transforms import blended_transform_factory

    if events is None or not len(events) or "date" not in events.columns:
        return 0.0
    titles = _event_titles(events, lo, hi)
    if not titles:
        return 0.0
    fig.canvas.draw()  # the layout, so pixel sizes are the final ones
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    probe = ax.text(0, 0, "", fontsize=size)
    widest = 0.0
    for _, title in titles:
        probe.set_text(_mpl(f"{title} +99 more"))
        widest = max(widest, probe.get_window_extent(renderer).width)
    probe.remove()
    xlo, xhi = ax.get_xlim()
    span = pd.Timedelta(days=xhi - xlo)
    markers = merge_events(titles, merge_window(span, box.width, widest, rows=3))
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    texts = []
    for marker in markers:
        ax.axvline(marker.date, color="tab:gray", lw=0.8, ls="--", zorder=1)
        text = ax.text(marker.date, 1.0, f" {_mpl(marker.label)}", transform=trans,
                       fontsize=size, color="dimgray", va="top", ha="left", zorder=5,
                       bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                             "alpha": 0.85})  # fmt: skip
        extent = text.get_window_extent(renderer)
        if extent.x1 > box.x1:  # no room to the right: the label ends at its marker
            text.set_horizontalalignment("right")
            text.set_text(f"{_mpl(marker.label)} ")
        texts.append(text)
    extents = [(t.get_window_extent(renderer).x0, t.get_window_extent(renderer).x1) for t in texts]
    order = sorted(range(len(texts)), key=lambda i: extents[i][0])
    rows_sorted = assign_rows([extents[i] for i in order])
    line_px = max(t.get_window_extent(renderer).height for t in texts) + 3
    step = line_px / box.height
    for i, row in zip(order, rows_sorted, strict=True):
        texts[i].set_y(1.0 - 0.01 - row * step)
    band = float(0.02 + (max(rows_sorted) + 1) * step)
    values = frame["usd_per_th"].dropna()
    if len(values) and band < 0.6:
        ymin, ymax = float(values.min()), float(values.max())
        pad = (ymax - ymin) * 0.05 or max(abs(ymax) * 0.05, 1.0)
        low, high = ymin - pad, ymax + pad
        ax.set_ylim(low, low + (high - low) / (1 - band))
    return band
