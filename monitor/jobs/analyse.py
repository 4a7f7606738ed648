"""Glue between the store and the pure analysis: frames in, JSON and charts out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from monitor.analysis.drops import drop_span as drop_span  # the CLI words drops with it
from monitor.config import Config
from monitor.store import Store


def observations_frame(store: Store, since: str | None, until: str | None) -> pd.DataFrame:
    """Priced miner sightings in USD, in the shape ``monitor.analysis.indexes`` expects (every
    condition: the index leaves out what is not a working unit)."""
    rows = store.analysis_rows(since, until)
    frame = pd.DataFrame(
        rows,
        columns=["observed_date", "listing_key", "source", "model", "efficiency_j_th",
                 "hashrate_ths", "quantity", "usd_minor", "price_basis", "sold", "kind",
                 "condition"],
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
    with Store(cfg.database, create=False) as store:
        obs = observations_frame(store, since, until)
        market = market_frame(store)
    return analyse_frames(obs, market, events_frame(cfg), since, until, by=by, freq=freq)


def plot(
    cfg: Config, series: str, out: Path, since: str | None = None, until: str | None = None
) -> None:
    """``asicmon plot``: one index series with event markers and shaded drops, written
    atomically to ``out`` (PNG). ``ValueError`` names the known series when ``series`` is not
    one of them; ``out`` is replaced as an export is (:func:`monitor.jobs.export.run_export`:
    ``ExportRefused``, ``ExportError``)."""
    from monitor.outputs.charts import render_chart
    from monitor.outputs.export import check_target, replacing

    check_target(out, [cfg.database])  # before any work: never the database, a folder ...
    result = analyse_db(cfg, since, until)
    png = render_chart(result["index"], events_frame(cfg), result["drops"], series)
    with replacing(out, protect=[cfg.database]) as fh:  # a crash never leaves half a picture
        fh.write(png)
