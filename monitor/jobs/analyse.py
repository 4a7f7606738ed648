"""Glue between the store and the pure analysis: frames in, JSON and charts out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from monitor.config import Config
from monitor.store import Store


def observations_frame(store: Store, since: str | None, until: str | None) -> pd.DataFrame:
    """Priced miner sightings in USD, in the shape ``monitor.analysis.indexes`` expects."""
    rows = store.analysis_rows(since, until)
    frame = pd.DataFrame(
        rows,
        columns=["observed_date", "listing_key", "source", "model", "efficiency_j_th",
                 "hashrate_ths", "quantity", "usd_minor", "price_basis", "sold", "kind"],
    )  # fmt: skip
    frame["observed_date"] = pd.to_datetime(frame["observed_date"])
    # as listed: a lot's price, or a $/TH rate (price_basis "per_th"); the analysis turns it
    # into $/TH with monitor.analysis.unit_price, the one definition
    frame["price_usd"] = frame["usd_minor"] / 100.0
    frame["sold"] = frame["sold"].astype(bool)
    return frame.drop(columns=["usd_minor"])


def market_frame(store: Store) -> pd.DataFrame:
    """Daily BTC/USD and hashprice: bundled history, overlaid with what the database holds."""
    from monitor.fetch.market import load_bundled

    bundled = load_bundled()
    stored = pd.DataFrame(store.market_rows(), columns=["date", "btc_usd", "hashprice_usd_ph_day"])
    if stored.empty:
        return bundled
    stored["date"] = pd.to_datetime(stored["date"])
    stored = stored.set_index("date")
    return stored.combine_first(bundled).sort_index()


def events_frame(cfg: Config) -> pd.DataFrame:
    from monitor.analysis.events import load_events

    return load_events(list(cfg.events))


def analyse_frames(
    obs: pd.DataFrame,
    market: pd.DataFrame,
    events: pd.DataFrame,
    since: str | None = None,
    until: str | None = None,
    *,
    by: str = "both",
    freq: str = "W",
) -> dict[str, Any]:
    """Index and drops per tier and per model (``by``), weekly or daily (``freq``), from frames
    already read (pure: the digest reads the store once and calls this)."""
    from monitor.analysis.indexes import analyse

    result: dict[str, Any] = {"index": [], "drops": []}
    for kind in ("tier", "model") if by == "both" else (by,):
        part = analyse(obs, market, events, since=since, until=until, by=kind, freq=freq)  # type: ignore[arg-type]
        result["index"] += part["index"]
        result["drops"] += part["drops"]
    result["drops"].sort(key=lambda d: (d["start"], d["series"]))
    return result


def analyse_db(
    cfg: Config,
    since: str | None = None,
    until: str | None = None,
    *,
    by: str = "both",
    freq: str = "W",
) -> dict[str, Any]:
    """``asicmon analyse``: read the sightings and market days, then :func:`analyse_frames`."""
    with Store(cfg.database) as store:
        obs = observations_frame(store, since, until)
        market = market_frame(store)
    return analyse_frames(obs, market, events_frame(cfg), since, until, by=by, freq=freq)


def _break_gaps(part: pd.DataFrame, days: int = 35) -> pd.DataFrame:
    """A blank point in every gap of more than ``days``, so the line does not bridge it."""
    gaps = part["period"].diff() > pd.Timedelta(days=days)
    if not gaps.any():
        return part
    blanks = part.loc[gaps, ["period"]].assign(period=lambda f: f["period"] - pd.Timedelta(days=1))
    return pd.concat([part, blanks]).sort_values("period")


def plot_series(result: dict[str, Any], events: pd.DataFrame, series: str, out: Path) -> None:
    """The index of one series with event markers and shaded drops, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    points = [p for p in result["index"] if p["series"] == series]
    if not points:
        known = sorted({p["series"] for p in result["index"]})
        raise ValueError(f"no index series {series!r}; known: {', '.join(known[:20]) or 'none'}")
    frame = pd.DataFrame(points)
    frame["period"] = pd.to_datetime(frame["period"])
    fig, ax = plt.subplots(figsize=(10, 4.8), dpi=110)
    for basis, part in frame.groupby("basis"):
        part = _break_gaps(part.sort_values("period"))
        ax.plot(part["period"], part["usd_per_th"], marker=".", lw=1.4,
                label=f"{series} ({basis}, USD/TH)")  # fmt: skip
    lo, hi = frame["period"].min(), frame["period"].max()
    for drop in result["drops"]:
        if drop["series"] != series:
            continue
        ax.axvspan(pd.Timestamp(drop["start"]), pd.Timestamp(drop["end"]), color="tab:red",
                   alpha=0.15, label=f"drop -{drop['drop_pct']:.0f} %")  # fmt: skip
    shown = events[(events["date"] >= lo) & (events["date"] <= hi)]
    top = frame["usd_per_th"].max()
    for _, ev in shown.iterrows():
        ax.axvline(ev["date"], color="tab:gray", lw=0.8, ls="--")
        ax.text(ev["date"], top, f" {ev['id']}", rotation=90, va="top", fontsize=7, color="dimgray")
    ax.set_ylabel("USD per TH/s")
    ax.set_title(f"asicmon price index: {series}")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", fontsize=8)
    fig.autofmt_xdate()
    from monitor.outputs.export import replacing

    try:
        with replacing(out) as tmp:  # a crash never leaves half a picture at ``out``
            fig.savefig(tmp, bbox_inches="tight", format=out.suffix.lstrip(".") or "png")
    finally:
        plt.close(fig)
