"""What the dashboard's pages show (``asicmon serve``, ``asicmon report``), read through the
other jobs: the analysis of :func:`monitor.jobs.analyse.analyse_db` (the numbers of ``asicmon
analyse --json``, same field names), deals, sources and unmatched titles.

:class:`Pages` computes the analysis once and keeps it in memory with everything derived from it
(current prices, deals, the market and event frames, rendered charts), keyed by the store's
:meth:`~monitor.store.Store.analysis_mark` and its market days: a page asked again with nothing
new stored costs one small query and its rendering. Nothing here writes to the store (the
sources page does not mark interrupted runs failed, as ``asicmon sources`` does).
"""

from __future__ import annotations

import importlib
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd

from monitor.config import Config
from monitor.store import Store

LISTINGS_DAYS = 14  # a model's "listings now": seen within this many days of the newest sighting
MAX_LISTINGS = 200
DEALS_SHOWN = 200  # the deals page and /api/deals show the best this many (?limit= for more)
DEFAULT_DEAL_PCT = 25.0  # as the digest's Best deals, when no `deal` alert rule sets it
CHART_WIDTHS = {"": 900, "narrow": 390}  # chart variants: /chart/<slug>.svg, <slug>.narrow.svg


def slug(name: str) -> str:
    """A URL part for a model or tier name: ``Antminer S19j Pro`` -> ``antminer-s19j-pro``,
    ``Whatsminer M30S++`` -> ``whatsminer-m30s-plus-plus`` (a ``+`` is kept as a word, so models
    that differ only by it get different slugs)."""
    text = name.casefold().replace("+", " plus ")
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-") or "x"


def series_slug(series: str) -> str:
    """The chart file name of an index series: ``tier:25to38`` -> ``tier-25to38``."""
    kind, _, name = series.partition(":")
    return f"{kind}-{slug(name)}"


def _clean(value: Any) -> Any:
    """A JSON-ready value: NaN and infinities as None, numpy scalars as Python numbers."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    present = [c for c in columns if c in frame.columns]
    rows = frame[present].to_dict("records")
    return [{str(k): _clean(v) for k, v in row.items()} for row in rows]


@dataclass
class Snapshot:
    """Everything the pages read, for one state of the store (:attr:`mark`)."""

    mark: tuple[Any, ...]
    analysis: dict[str, Any]
    market: pd.DataFrame
    events: pd.DataFrame
    listings: pd.DataFrame  # each priced miner listing's latest price (the digest's frame)
    deals: list[dict[str, Any]]
    deals_from: str  # "deals_db" or "find_deals"
    deals_note: str | None  # why not deals_db
    models: dict[str, str]  # slug -> model name
    tiers: list[str]
    by_series: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # index points
    latest: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # see _latest
    charts: dict[tuple[str, str], bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for point in self.analysis["index"]:
            self.by_series.setdefault(str(point["series"]), []).append(point)
        self.latest = {name: _latest(points) for name, points in self.by_series.items()}


class NotFound(LookupError):
    """A tier, model or chart the data does not have; its message names it."""


class Pages:
    """The pages' data for one config, computed once per state of the store (module doc).
    Safe to share between threads."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self._chart_lock = threading.Lock()

    def check(self) -> None:
        """Raise the store's error (no database yet, cannot be read) before serving."""
        with Store(self.cfg.database, create=False) as store:
            store.analysis_mark()

    def _mark(self) -> tuple[Any, ...]:
        with Store(self.cfg.database, create=False) as store:
            mark = store.analysis_mark()
            days = store.market_rows()
        last = tuple(days[-1].values()) if days else None
        return (*mark, len(days), last)

    def snapshot(self) -> Snapshot:
        """The current :class:`Snapshot`: the kept one while the store's mark is unchanged."""
        mark = self._mark()
        with self._lock:
            if self._snapshot is None or self._snapshot.mark != mark:
                self._snapshot = self._compute(mark)
            return self._snapshot

    def _compute(self, mark: tuple[Any, ...]) -> Snapshot:
        from monitor.jobs.analyse import analyse_db, events_frame, market_frame
        from monitor.jobs.digest import deals_frame

        analysis = analyse_db(self.cfg)
        with Store(self.cfg.database, create=False) as store:
            market = market_frame(store)
            listings = deals_frame(store)
        deals, deals_from, deals_note = self._deals(listings)
        names = sorted({str(p["series"]) for p in analysis["index"]})
        models: dict[str, str] = {}
        for name in names:
            if name.startswith("model:"):
                models.setdefault(slug(name[6:]), name[6:])
        tiers = [n[5:] for n in names if n.startswith("tier:")]
        return Snapshot(mark, analysis, market, events_frame(self.cfg), listings, deals,
                        deals_from, deals_note, models, tiers)  # fmt: skip

    def _deals(self, listings: pd.DataFrame) -> tuple[list[dict[str, Any]], str, str | None]:
        """Ranked deals: ``monitor.jobs.deals.deals_db`` when that job exists, else the digest's
        rule (:func:`monitor.outputs.alerts.find_deals`, at the config's ``deal`` rule's
        ``drop_pct`` or :data:`DEFAULT_DEAL_PCT`) on the current prices; also when the job finds
        no hashprice to rank by (its message is the note)."""
        try:
            deals_job = importlib.import_module("monitor.jobs.deals")
        except ModuleNotFoundError as exc:
            if exc.name != "monitor.jobs.deals":
                raise
            deals_job = None
        deals_db: Callable[..., list[dict[str, Any]]] | None = getattr(deals_job, "deals_db", None)
        note = None
        if deals_db is not None:
            try:
                rows = deals_db(self.cfg)
            except getattr(deals_job, "NoHashprice", ()) as exc:  # no market data to rank by
                note = str(exc)
            else:
                return [{k: _clean(v) for k, v in d.items()} for d in rows], "deals_db", None
        from monitor.outputs.alerts import find_deals

        pct = next((r.drop_pct for r in self.cfg.alerts if r.kind == "deal" and r.drop_pct),
                   DEFAULT_DEAL_PCT)  # fmt: skip
        return find_deals(listings, min_under_pct=pct), "find_deals", note

    # --- the pages' data (the JSON twins) --------------------------------------------------

    def overview(self) -> dict[str, Any]:
        """Each tier's index now: per basis its last point (the analysis's record, unchanged),
        the change over 7 and 30 days (from the last point at least that many days earlier)
        and the market (hashprice, BTC/USD) on that day; and the models with a page."""
        snap = self.snapshot()
        rows = []
        for tier in snap.tiers:
            for point in snap.latest[f"tier:{tier}"]:
                rows.append({"tier": tier, **point, **_market_on(snap.market, point["period"])})
        models = [
            {"model": name, "slug": key, "series": f"model:{name}"}
            for key, name in sorted(snap.models.items(), key=lambda kv: kv[1].casefold())
        ]
        return {"tiers": rows, "models": models, "drops": len(snap.analysis["drops"]),
                "drawdowns": len(snap.analysis["drawdowns"]),
                "market_note": _market_note(snap.analysis["drops"])}  # fmt: skip

    def series(self, series: str) -> dict[str, Any]:
        """One index series: its points, drops and drawdowns as ``analyse --json`` has them."""
        snap = self.snapshot()
        index = snap.by_series.get(series)
        if not index:
            raise NotFound(series)
        return {
            "series": series,
            "chart": series_slug(series),
            "latest": snap.latest[series],
            "index": index,
            "drops": [d for d in snap.analysis["drops"] if d["series"] == series],
            "drawdowns": [d for d in snap.analysis["drawdowns"] if d["series"] == series],
        }

    def tier(self, name: str) -> dict[str, Any]:
        if name not in self.snapshot().tiers:
            raise NotFound(f"tier {name!r}")
        return {"tier": name, **self.series(f"tier:{name}")}

    def model(self, model_slug: str) -> dict[str, Any]:
        """A model's index series, its listings now (seen within :data:`LISTINGS_DAYS` of the
        newest sighting; cheapest $/TH first) and sold vs ask (the latest level of each)."""
        snap = self.snapshot()
        name = snap.models.get(model_slug)
        if name is None:
            raise NotFound(f"model {model_slug!r}")
        data = self.series(f"model:{name}")
        frame = snap.listings[snap.listings["model"] == name]
        if len(frame):
            newest = pd.to_datetime(snap.listings["last_seen"]).max()
            seen = pd.to_datetime(frame["last_seen"])
            frame = frame[seen >= newest - pd.Timedelta(days=LISTINGS_DAYS)]
            frame = frame.assign(price_usd=frame["usd_minor"] / 100.0)
            frame = frame.sort_values(["usd_per_th", "listing_key"]).head(MAX_LISTINGS)
        listings = _records(frame, ["listing_key", "title", "url", "source", "condition",
                                    "hashrate_ths", "efficiency_j_th", "quantity", "price_usd",
                                    "usd_per_th", "tier", "last_seen"])  # fmt: skip
        latest = {p["basis"]: p for p in data["latest"]}
        ask, sold = latest.get("ask"), latest.get("sold")
        gap = (round(100.0 * (sold["usd_per_th"] / ask["usd_per_th"] - 1.0), 2)
               if ask and sold and ask["usd_per_th"] else None)  # fmt: skip
        return {"model": name, "slug": model_slug, **data, "listings": listings,
                "sold_vs_ask": {"ask": ask, "sold": sold, "sold_vs_ask_pct": gap}}  # fmt: skip

    def deals(self, limit: int | None = DEALS_SHOWN) -> dict[str, Any]:
        """The best ``limit`` deals (None: all) and how many there are in all (``total``)."""
        snap = self.snapshot()
        rows = snap.deals if limit is None else snap.deals[:limit]
        return {"deals_from": snap.deals_from, "note": snap.deals_note, "total": len(snap.deals),
                "deals": rows}  # fmt: skip

    def drops(self) -> dict[str, Any]:
        """Every drop and drawdown as ``analyse --json`` has them, each event with its
        catalog ``sources`` (links) added."""
        snap = self.snapshot()
        links = _event_sources(snap.events)

        def with_sources(item: dict[str, Any]) -> dict[str, Any]:
            events = [{**e, "sources": links.get(str(e["id"]), [])} for e in item["events"]]
            return {**item, "events": events, "chart": series_slug(item["series"])}

        return {"drops": [with_sources(d) for d in snap.analysis["drops"]],
                "drawdowns": [with_sources(d) for d in snap.analysis["drawdowns"]],
                "market_note": _market_note(snap.analysis["drops"])}  # fmt: skip

    def sources(self, now: datetime | None = None) -> dict[str, Any]:
        """Each configured source as ``asicmon sources --json`` has it (schedule, next run, last
        run), read without marking interrupted runs failed (the dashboard never writes)."""
        from monitor.jobs.status import _starts, next_runs, utc_text

        now = now or datetime.now(UTC)
        with Store(self.cfg.database, create=False) as store:
            last = store.last_runs(src.name for src in self.cfg.sources)
        plans = next_runs(self.cfg.sources, _starts(last), now)
        rows = []
        for src in self.cfg.sources:
            plan = plans.get(src.name)
            rows.append({"name": src.name, "kind": src.kind, "urls": src.start_urls(),
                         "enabled": src.enabled, "schedule": src.schedule,
                         "next_run": utc_text(plan.at) if plan else None,
                         "due": plan.due if plan else False,
                         "last_run": last[src.name]})  # fmt: skip
        return {"sources": rows, "now": utc_text(now)}

    def unmatched(self, limit: int = 100) -> dict[str, Any]:
        from monitor.jobs.status import unmatched

        return {"unmatched": list(unmatched(self.cfg, limit))}

    def chart(self, name: str, variant: str = "") -> bytes:
        """The SVG chart of the series whose :func:`series_slug` is ``name``, drawn by the one
        chart module (``monitor.outputs.charts``) and kept with the snapshot."""
        from monitor.outputs.charts import render_svg

        snap = self.snapshot()
        if variant not in CHART_WIDTHS:
            raise NotFound(f"chart {name!r}")
        series = next((n for n in snap.by_series if series_slug(n) == name), None)
        if series is None:
            raise NotFound(f"chart {name!r}")
        key = (name, variant)
        with self._chart_lock:
            if key not in snap.charts:
                snap.charts[key] = render_svg(
                    snap.analysis["index"], snap.events, snap.analysis["drops"], series,
                    drawdowns=snap.analysis["drawdowns"], market=snap.market,
                    width_px=CHART_WIDTHS[variant])  # fmt: skip
            return snap.charts[key]


def _latest(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per basis (in name order: ask, sold), a series' last point with ``change_7d_pct`` and
    ``change_30d_pct``: the change from the last point at least 7 (30) days before it
    (``change_7d_from``, ``change_30d_from``), None when there is none."""
    out = []
    for basis in sorted({p["basis"] for p in points}):
        mine = sorted((p for p in points if p["basis"] == basis), key=lambda p: p["period"])
        last = mine[-1]
        row = dict(last)
        day = date.fromisoformat(str(last["period"])[:10])
        for days in (7, 30):
            cutoff = (day - timedelta(days=days)).isoformat()
            before = [p for p in mine if str(p["period"])[:10] <= cutoff]
            ref = before[-1] if before else None
            row[f"change_{days}d_pct"] = (
                round(100.0 * (last["usd_per_th"] / ref["usd_per_th"] - 1.0), 2)
                if ref and ref["usd_per_th"] else None
            )  # fmt: skip
            row[f"change_{days}d_from"] = ref["period"] if ref else None
        out.append(row)
    return out


def _market_on(market: pd.DataFrame, period: str) -> dict[str, Any]:
    """Hashprice and BTC/USD on ``period``'s day (or the last day before it that has them)."""
    out: dict[str, Any] = {"market_date": None, "hashprice_usd_ph_day": None, "btc_usd": None}
    if market is None or market.empty:
        return out
    frame = market.set_index("date") if "date" in market.columns else market
    upto = frame[pd.to_datetime(frame.index) <= pd.Timestamp(period)]
    for column in ("hashprice_usd_ph_day", "btc_usd"):
        if column in upto.columns:
            values = pd.to_numeric(upto[column], errors="coerce").dropna()
            if len(values):
                out[column] = round(float(values.iloc[-1]), 2)
                out["market_date"] = out["market_date"] or pd.Timestamp(values.index[-1]).strftime(
                    "%Y-%m-%d"
                )
    return out


def _market_note(drops: list[dict[str, Any]]) -> str | None:
    from monitor.analysis.drops import market_notes_line

    return market_notes_line(drops)


def _event_sources(events: pd.DataFrame) -> dict[str, list[str]]:
    """Each catalog event's source links (http(s) only)."""
    out: dict[str, list[str]] = {}
    if events is None or "sources" not in events.columns:
        return out
    for ident, sources in zip(events["id"], events["sources"], strict=True):
        links = sources if isinstance(sources, list) else []
        out[str(ident)] = [str(s) for s in links if str(s).startswith(("http://", "https://"))]
    return out
