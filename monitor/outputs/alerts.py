"""Alert rules evaluated on the analysis output and the current listings. Pure: no I/O, no clock.

Six kinds of rule, each about a subject (a model, a tier, or every series when neither is set):

``below``
    the series' latest index value is under ``usd_per_th``.
``drop``
    the latest value is at least ``drop_pct`` % under the highest value of the ``within_days``
    days before it.
``new_low``
    the latest value is strictly lower than every value of the ``low_days`` days before it
    (a series with no earlier value in that window has no low to beat and never fires).
``event_drop``
    a sustained drop found by the analysis (``drops.find_drops``) with at least one
    catalog event near its start; ``drop_pct``, when set, is a minimum size.
``deal``
    a current listing at least ``drop_pct`` % under the median $/TH of its tier among the
    listings passed in (a tier needs ``min_listings`` priced listings to have a median). Only
    working units count, for the median as for the deal: a listing whose ``condition`` is not a
    working unit (``for_parts``: ``monitor.analysis.indexes.working``) is never a deal.
``payback``
    a current working listing whose break-even at today's hashprice is under ``months`` months
    (``monitor.analysis.economics``: the caller passes the listings priced by it).

Index rules look only at the series' **latest** period of one price ``basis`` (asks by default),
so each :class:`Alert` is keyed by ``(rule, subject, period)``: the subject is the index series
(``"model:Antminer S19j Pro"``, ``"tier:19to25"``) or, for a deal, the listing key; the period is
the index period (a day, or a week's Monday), the drop's start day or the listing's last-seen day
(deal and payback).
The caller stores the keys it has sent and drops alerts it has seen before, so a condition that
still holds in the same period never repeats; one that holds again in a later period fires again.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import pandas as pd

from monitor.analysis.drops import drop_span
from monitor.analysis.indexes import working

__all__ = ["KINDS", "Alert", "AlertRule", "evaluate", "find_deals"]

Kind = Literal["below", "drop", "new_low", "event_drop", "deal", "payback"]
KINDS: tuple[str, ...] = ("below", "drop", "new_low", "event_drop", "deal", "payback")
DEAL_COLUMNS = [
    "listing_key",
    "title",
    "url",
    "model",
    "tier",
    "usd_per_th",
    "source",
    "last_seen",
    "condition",
]


@dataclass(frozen=True)
class AlertRule:
    """One alert rule, as written in the config. Invalid combinations raise ``ValueError``."""

    name: str
    kind: Kind
    model: str | None = None  # subject: a model name ("Antminer S19j Pro") ...
    tier: str | None = None  # ... or a tier ("19to25"); neither = every series
    usd_per_th: float | None = None  # below: fire when the latest value < this
    drop_pct: float | None = None  # drop/deal: required threshold; event_drop: optional minimum
    within_days: int = 7  # drop: look-back window for the peak
    low_days: int = 90  # new_low: look-back window for the previous low
    basis: Literal["ask", "sold"] = "ask"  # index series basis for below/drop/new_low/event_drop
    min_listings: int = 3  # deal: priced listings a tier needs before its median counts
    months: float | None = None  # payback: fire when break-even is under this many months

    def __post_init__(self) -> None:
        where = f"alert rule {self.name!r}"
        if not self.name or not self.name.strip():
            raise ValueError("alert rule: name must not be empty")
        if self.kind not in KINDS:
            raise ValueError(f"{where}: unknown kind {self.kind!r}; one of {', '.join(KINDS)}")
        if self.basis not in ("ask", "sold"):
            raise ValueError(f"{where}: basis must be 'ask' or 'sold', not {self.basis!r}")
        if self.kind == "payback" and not (self.months is not None and self.months > 0):
            raise ValueError(f"{where}: kind 'payback' needs months > 0")
        if self.model is not None and self.tier is not None and self.kind != "deal":
            raise ValueError(f"{where}: set model or tier, not both (only a deal rule takes both)")
        if self.kind == "below" and not (self.usd_per_th is not None and self.usd_per_th > 0):
            raise ValueError(f"{where}: kind 'below' needs usd_per_th > 0")
        if self.kind in ("drop", "deal") and self.drop_pct is None:
            raise ValueError(f"{where}: kind {self.kind!r} needs drop_pct")
        if self.drop_pct is not None and not 0 < self.drop_pct < 100:
            raise ValueError(f"{where}: drop_pct must be between 0 and 100 (a percentage)")
        if self.within_days < 1 or self.low_days < 1:
            raise ValueError(f"{where}: within_days and low_days must be at least 1")
        if self.min_listings < 2:
            raise ValueError(f"{where}: min_listings must be at least 2")

    def matches_series(self, series: str) -> bool:
        """Whether an index series (``"model:X"`` / ``"tier:Y"``) is this rule's subject."""
        if self.model is not None:
            return series.casefold() == f"model:{self.model}".casefold()
        if self.tier is not None:
            return series.casefold() == f"tier:{self.tier}".casefold()
        return True


@dataclass(frozen=True)
class Alert:
    """A rule that holds; ``(rule, subject, period)`` is the key the caller deduplicates on."""

    rule: str
    kind: str
    subject: str
    period: str
    title: str
    detail: str
    url: str | None = None
    value: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule, self.subject, self.period)


def _number(value: Any) -> float | None:
    """A finite positive float, or None (for None, NaN, strings that are not numbers, <= 0)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) and out > 0 else None


def _day(value: Any) -> date | None:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    if pd.isna(ts):
        return None
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC")
    return ts.date()


def _text(value: Any) -> str | None:
    """``str(value)``, or None for None/NaN/NA."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    return str(value)


def _series_points(
    index: Iterable[dict[str, Any]], basis: str
) -> dict[str, list[tuple[date, float]]]:
    """Index records of one basis as ``{series: [(period, usd_per_th), ...]}`` sorted by period."""
    out: dict[str, dict[date, float]] = defaultdict(dict)
    for rec in index:
        if (rec.get("basis") or "ask") != basis:
            continue
        day, value = _day(rec.get("period")), _number(rec.get("usd_per_th"))
        if day is None or value is None or not rec.get("series"):
            continue
        out[str(rec["series"])][day] = value
    return {s: sorted(points.items()) for s, points in out.items()}


def _index_alert(rule: AlertRule, series: str, points: list[tuple[date, float]]) -> Alert | None:
    """The below/drop/new_low alert of one series at its latest period, if the rule holds."""
    day, value = points[-1]
    period = day.isoformat()
    tag = f"{series} ({rule.basis})"

    def alert(title: str, detail: str, value: float) -> Alert:
        return Alert(rule.name, rule.kind, series, period, title, detail, value=round(value, 4))

    if rule.kind == "below":
        assert rule.usd_per_th is not None
        if value < rule.usd_per_th:
            return alert(
                f"{series} below {rule.usd_per_th:g} USD/TH: {value:.2f}",
                f"{tag} is at {value:.2f} USD/TH in the period of {period}, "
                f"under the {rule.usd_per_th:g} USD/TH threshold.",
                value,
            )
        return None
    days = rule.within_days if rule.kind == "drop" else rule.low_days
    window = [(d, v) for d, v in points[:-1] if d >= day - timedelta(days=days)]
    if not window:
        return None
    if rule.kind == "drop":
        assert rule.drop_pct is not None
        peak_day, peak = max(window, key=lambda p: (p[1], p[0]))
        pct = 100.0 * (1.0 - value / peak)
        if pct >= rule.drop_pct:
            return alert(
                f"{series} fell {pct:.1f} % in {rule.within_days} days",
                f"{tag} fell from {peak:.2f} USD/TH ({peak_day.isoformat()}) to {value:.2f} USD/TH "
                f"({period}): -{pct:.1f} %, threshold {rule.drop_pct:g} % within "
                f"{rule.within_days} days.",
                pct,
            )
        return None
    low_day, low = min(window, key=lambda p: (p[1], p[0]))
    if value < low:
        return alert(
            f"{series} at a {rule.low_days}-day low: {value:.2f} USD/TH",
            f"{tag} is at {value:.2f} USD/TH ({period}), the lowest in {rule.low_days} days; "
            f"the previous low was {low:.2f} USD/TH on {low_day.isoformat()}.",
            value,
        )
    return None


def _event_drop_alerts(rule: AlertRule, drops: Iterable[dict[str, Any]]) -> list[Alert]:
    out = []
    for drop in drops:
        series, events = str(drop.get("series") or ""), drop.get("events") or []
        pct, start = _number(drop.get("drop_pct")), _day(drop.get("start"))
        if not series or not events or pct is None or start is None:
            continue
        if (drop.get("basis") or "ask") != rule.basis or not rule.matches_series(series):
            continue
        if rule.drop_pct is not None and pct < rule.drop_pct:
            continue
        names = "; ".join(
            f"{ev.get('date')} {ev.get('jurisdiction') or ''} {ev.get('title') or ev.get('id')} "
            f"({int(ev.get('days_from_start') or 0):+d} d)".replace("  ", " ")
            for ev in events
        )
        span = drop_span(start.isoformat(), drop.get("end"))  # the digest's index is weekly
        parts = [f"{series} ({rule.basis}) fell {pct:.1f} % {span}"]
        explained, abnormal = drop.get("market_explained_pct"), drop.get("abnormal_pct")
        if explained is not None and abnormal is not None and explained < 0:
            parts.append(f"the market went the other way ({-explained:.1f} % up), abnormal "
                         f"{abnormal:.1f} %")  # fmt: skip
        elif explained is not None and abnormal is not None:
            parts.append(f"market explains {explained:.1f} %, abnormal {abnormal:.1f} %")
        if drop.get("chance_alignment_p") is not None:
            parts.append(f"chance of an event this close: p = {drop['chance_alignment_p']:.2f}")
        parts.append(f"events: {names}")
        first = events[0]
        out.append(
            Alert(
                rule.name,
                rule.kind,
                series,
                start.isoformat(),
                f"{series} fell {pct:.0f} % near {first.get('title') or first.get('id')}",
                "; ".join(parts) + ".",
                value=round(pct, 4),
            )
        )
    return out


def rank_deals(listings: pd.DataFrame | None, *, min_listings: int = 3) -> pd.DataFrame:
    """Every priced listing with its tier's median $/TH and how far under it it is, best first.

    ``listings`` has :data:`DEAL_COLUMNS`; rows without a tier or a positive ``usd_per_th`` are
    ignored, and so are units that are not working (``condition`` ``for_parts``), which neither
    count towards a tier's median nor are deals. Tiers with fewer than ``min_listings`` priced
    working listings have no median. Ranked
    once per digest; :func:`select_deals` picks from it for each rule and for Best deals.
    """
    columns = [*DEAL_COLUMNS, "tier_median", "under_median_pct"]
    if listings is None or len(listings) == 0:
        return pd.DataFrame(columns=columns)
    missing = [c for c in DEAL_COLUMNS if c not in listings.columns]
    if missing:
        raise ValueError(f"deals frame lacks columns: {', '.join(missing)}")
    df = listings[DEAL_COLUMNS].copy()
    df["usd_per_th"] = pd.to_numeric(df["usd_per_th"], errors="coerce")
    df = df[df["tier"].notna() & (df["usd_per_th"] > 0) & df["usd_per_th"].map(math.isfinite)]
    df = df[working(df["condition"])]
    counts = df.groupby("tier")["usd_per_th"].transform("size")
    df = df[counts >= min_listings].copy()
    if df.empty:
        return pd.DataFrame(columns=columns)
    df["tier_median"] = df.groupby("tier")["usd_per_th"].transform("median")
    df["under_median_pct"] = 100.0 * (1.0 - df["usd_per_th"] / df["tier_median"])
    df.attrs["min_listings"] = min_listings
    return df.sort_values(["under_median_pct", "listing_key"], ascending=[False, True])


def select_deals(
    ranked: pd.DataFrame,
    *,
    min_under_pct: float,
    model: str | None = None,
    tier: str | None = None,
) -> list[dict[str, Any]]:
    """The listings of a :func:`rank_deals` frame at least ``min_under_pct`` % under their tier
    median (of this ``model``/``tier`` when given), best first. Each deal has the digest's keys
    (``title, url, usd_per_th, tier, under_median_pct, source``) plus ``listing_key, model,
    tier_median, last_seen`` (ISO day)."""
    df = ranked[ranked["under_median_pct"] >= min_under_pct]
    if model is not None:
        df = df[df["model"].astype("string").str.casefold() == model.casefold()]
    if tier is not None:
        df = df[df["tier"].astype("string").str.casefold() == tier.casefold()]
    out = []
    for row in df.to_dict(orient="records"):
        seen = _day(row["last_seen"])
        out.append(
            {
                "listing_key": str(row["listing_key"]),
                "title": _text(row["title"]) or "",
                "url": _text(row["url"]),
                "model": _text(row["model"]),
                "tier": str(row["tier"]),
                "usd_per_th": round(float(row["usd_per_th"]), 4),
                "tier_median": round(float(row["tier_median"]), 4),
                "under_median_pct": round(float(row["under_median_pct"]), 2),
                "source": _text(row["source"]),
                "last_seen": seen.isoformat() if seen else None,
            }
        )
    return out


def find_deals(
    listings: pd.DataFrame | None,
    *,
    min_under_pct: float,
    min_listings: int = 3,
    model: str | None = None,
    tier: str | None = None,
) -> list[dict[str, Any]]:
    """Listings at least ``min_under_pct`` % under the median $/TH of their tier, best first:
    :func:`rank_deals` then :func:`select_deals`."""
    ranked = rank_deals(listings, min_listings=min_listings)
    return select_deals(ranked, min_under_pct=min_under_pct, model=model, tier=tier)


def _deal_alerts(rule: AlertRule, ranked: pd.DataFrame) -> list[Alert]:
    assert rule.drop_pct is not None
    deals = select_deals(ranked, min_under_pct=rule.drop_pct, model=rule.model, tier=rule.tier)
    return [
        Alert(
            rule.name,
            rule.kind,
            d["listing_key"],
            d["last_seen"],
            f"Deal: {d['title']} at {d['usd_per_th']:.2f} USD/TH",
            f"{d['under_median_pct']:.1f} % under the tier {d['tier']} median of "
            f"{d['tier_median']:.2f} USD/TH ({d['source']}, seen {d['last_seen']}).",
            url=d["url"],
            value=d["usd_per_th"],
        )
        for d in deals
        if d["last_seen"] is not None
    ]


def _payback_alerts(rule: AlertRule, payback: pd.DataFrame) -> list[Alert]:
    """Working listings of a priced frame (``economics.price_listings``) under ``months``."""
    assert rule.months is not None
    df = payback[working(payback["condition"])]
    df = df[pd.to_numeric(df["breakeven_months"], errors="coerce") < rule.months]
    if rule.model is not None:
        df = df[df["model"].astype("string").str.casefold() == rule.model.casefold()]
    if rule.tier is not None:
        df = df[df["tier"].astype("string").str.casefold() == rule.tier.casefold()]
    out = []
    for row in df.to_dict(orient="records"):
        seen = _day(row["last_seen"])
        if seen is None:
            continue
        months, title = float(row["breakeven_months"]), _text(row["title"]) or ""
        out.append(
            Alert(
                rule.name,
                rule.kind,
                str(row["listing_key"]),
                seen.isoformat(),
                f"Payback: {title} pays back in {months:.1f} months",
                f"{float(row['usd_per_th']):.2f} USD/TH, {float(row['price_usd']):.0f} USD a "
                f"unit, {float(row['daily_profit_usd']):.2f} USD a day at today's hashprice: "
                f"break-even in {months:.1f} months, under the {rule.months:g}-month threshold "
                f"({_text(row['source'])}, seen {seen.isoformat()}).",
                url=_text(row["url"]),
                value=round(months, 2),
            )
        )
    return out


def evaluate(
    rules: Sequence[AlertRule],
    index: list[dict[str, Any]],
    drops: list[dict[str, Any]],
    deals_frame: pd.DataFrame | None,
    *,
    since: str | date | None = None,
    payback_frame: pd.DataFrame | None = None,
) -> list[Alert]:
    """Every alert the rules raise on this data, sorted by (rule order, subject, period).

    ``index`` and ``drops`` are ``indexes.analyse`` records; ``deals_frame`` holds the current
    listings (:data:`DEAL_COLUMNS`), or the same already ranked by :func:`rank_deals` (then it
    is not ranked again for rules with the same ``min_listings``). ``since`` (an ISO day) skips
    alerts whose period is earlier, so a first run over years of history does not report every
    old drop. ``payback_frame`` holds the current listings priced by
    ``monitor.analysis.economics.price_listings`` (payback rules fire on nothing without it).
    Rule names must be unique, since they are part of the dedup key. The caller
    deduplicates on :attr:`Alert.key`.
    """
    names = [r.name for r in rules]
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"alert rule names must be unique: {', '.join(dupes)}")
    cutoff = _day(since) if since is not None else None
    points: dict[str, dict[str, list[tuple[date, float]]]] = {}
    out: list[Alert] = []
    for rule in rules:
        found: list[Alert] = []
        if rule.kind in ("below", "drop", "new_low"):
            if rule.basis not in points:
                points[rule.basis] = _series_points(index or [], rule.basis)
            for series, pts in points[rule.basis].items():
                if rule.matches_series(series):
                    hit = _index_alert(rule, series, pts)
                    if hit is not None:
                        found.append(hit)
        elif rule.kind == "event_drop":
            found = _event_drop_alerts(rule, drops or [])
        elif rule.kind == "payback":
            found = _payback_alerts(rule, payback_frame) if payback_frame is not None else []
        elif deals_frame is not None:
            ranked = deals_frame
            if "under_median_pct" not in ranked.columns or (
                ranked.attrs.get("min_listings", rule.min_listings) != rule.min_listings
            ):  # listings not ranked yet, or ranked with another minimum per tier
                ranked = rank_deals(deals_frame, min_listings=rule.min_listings)
            found = _deal_alerts(rule, ranked)
        if cutoff is not None:
            found = [a for a in found if a.period >= cutoff.isoformat()]
        out.extend(sorted(found, key=lambda a: (a.subject, a.period)))
    return out
