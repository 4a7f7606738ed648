"""Charts: the one drawing of a price index, used by ``asicmon plot`` and the digest.

Event markers come from the event catalog, drops and drawdowns from the analysis; every label
that came from a data file or a page is cleaned and shown literally (no mathtext).
"""

from __future__ import annotations

import difflib
import io
import warnings
from typing import Any

import pandas as pd

from monitor.analysis.drops import market_notes_line
from monitor.outputs.digest import _clean


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


def render_chart(
    index: list[dict[str, Any]],
    events: pd.DataFrame | None,
    drops: list[dict[str, Any]],
    series: str | None = None,
    drawdowns: list[dict[str, Any]] | None = None,
) -> bytes:
    """One index series as a PNG: its bases (a gap of over 35 days is not bridged), shaded
    drops, hatched drawdowns (their slide, from ``start`` to ``end``) and dashed event markers.

    ``series`` defaults to the one with the most index records. Uses the Agg canvas through a
    :class:`~matplotlib.figure.Figure` (no pyplot state), so it is safe in the daemon.
    """
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

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
    frame = frame.sort_values("period")
    fig = Figure(figsize=(9, 4.2), dpi=100)
    ax = fig.subplots()
    for basis, part in frame.groupby("basis"):
        part = _break_gaps(part)
        ax.plot(part["period"], part["usd_per_th"], marker=".", lw=1.4,
                label=_mpl(f"{basis} USD/TH"))  # fmt: skip
    lo, hi = frame["period"].min(), frame["period"].max()
    labelled = False
    for drop in drops:
        if drop.get("series") != series:
            continue
        start, end = pd.Timestamp(drop["start"]), pd.Timestamp(drop["end"])
        ax.axvspan(start, end, color="tab:red", alpha=0.15,  # type: ignore[arg-type]
                   label=None if labelled else "sustained drop")  # fmt: skip
        labelled = True
    labelled = False
    for down in drawdowns or []:
        if down.get("series") != series:
            continue
        label = None if labelled else f"drawdown (-{down['depth_pct']:.0f} %)"
        ax.axvspan(pd.Timestamp(down["start"]), pd.Timestamp(down["end"]),  # type: ignore[arg-type]
                   facecolor="none", edgecolor="tab:orange", hatch="//", lw=0, alpha=0.6,
                   label=label)  # fmt: skip
        labelled = True
    if events is not None and len(events):
        dates = pd.to_datetime(events["date"], errors="coerce")
        shown = events[(dates >= lo) & (dates <= hi)]
        top = frame["usd_per_th"].max()
        for date, ident in zip(dates[shown.index], shown["id"], strict=True):
            ax.axvline(date, color="tab:gray", lw=0.8, ls="--")
            ax.text(date, top, f" {_mpl(ident)}", rotation=90, va="top", fontsize=7,
                    color="dimgray")  # fmt: skip
    ax.set_ylabel("USD per TH/s")
    ax.set_title(_mpl(f"asicmon price index: {series}"))
    note = market_notes_line([d for d in drops if d.get("series") == series])
    if note:  # the caption says why the market split is missing (also the PNG's Description)
        fig.text(0.5, -0.02, _mpl(note), ha="center", va="top", fontsize=7, color="dimgray")
    fmt = "%Y-%m-%d" if hi - lo < pd.Timedelta("120D") else "%Y-%m"
    ax.xaxis.set_major_formatter(DateFormatter(fmt))  # type: ignore[no-untyped-call]
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8)
    fig.autofmt_xdate()
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing")
        fig.savefig(buf, format="png", bbox_inches="tight",
                    metadata={"Description": note} if note else None)  # fmt: skip
    return buf.getvalue()
