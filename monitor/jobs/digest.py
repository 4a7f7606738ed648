"""``asicmon digest``: gather what is new, build the email, send it, remember what was said.

An alert, an event, a deal or a source's failed run is reported once: its key (rule, subject,
period) is recorded as being sent before the SMTP exchange (a database that cannot record it
fails there, before any email), and goes into ``sent_alerts`` the moment the server accepts the
message (before QUIT, whatever QUIT answers), so a later digest never repeats it. A send cut
short (killed, or broken while the server had the whole message) is sent again next time: at
least once, never again once recorded. With nothing new, no email is sent (unless
``digest.send_when_empty``).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pandas as pd

from monitor.analysis.drops import market_notes_line
from monitor.analysis.indexes import tier_of
from monitor.analysis.unit_price import usd_per_th
from monitor.config import Config
from monitor.jobs.analyse import analyse_frames, events_frame, market_frame, sightings_frame
from monitor.jobs.deals import economics_of, latest_hashprice, priced_frame
from monitor.outputs.alerts import AlertRule, evaluate, rank_deals, select_deals
from monitor.outputs.charts import render_chart
from monitor.outputs.digest import (
    DigestData,
    DigestError,
    build_message,
    compute_movers,
    compute_summary,
    has_news,
    send,
    send_apprise,
)
from monitor.redact import redact_text
from monitor.store import DatabaseError, Reported, Store, StoreError

log = logging.getLogger("asicmon.digest")
DEFAULT_DEAL_PCT = 25.0
Key = tuple[str, str, str]


@dataclass
class DigestOutcome:
    message: EmailMessage | None
    data: DigestData
    sent: bool
    keys: list[Reported]  # what it reports, remembered once sent


def deals_frame(store: Store, rows: list[Any] | None = None) -> pd.DataFrame:
    rows = store.current_prices() if rows is None else rows
    frame = pd.DataFrame(rows, columns=["listing_key", "title", "url", "model", "efficiency_j_th",
                                        "hashrate_ths", "quantity", "source", "last_seen",
                                        "usd_minor", "condition"])  # fmt: skip
    frame["usd_per_th"] = usd_per_th(frame["usd_minor"] / 100.0, frame["quantity"],
                                     frame["hashrate_ths"])  # fmt: skip
    frame["tier"] = frame["efficiency_j_th"].map(tier_of)
    frame["last_seen"] = frame["last_seen"].str[:10]
    return frame


def gather(cfg: Config, now: datetime) -> tuple[DigestData, list[Reported]]:
    """Everything new since the last digest, and the keys to remember once it is sent.

    One pass: the store is read once (sightings, market days, current prices, source health,
    what was already sent), the analysis runs once, deals are ranked once, and a listing that
    a ``deal`` or ``payback`` rule raised as an alert is not listed again under Best deals.
    """
    digest = cfg.digest
    lookback = digest.lookback_days if digest else 30
    since = (now - timedelta(days=lookback)).date()
    events = events_frame(cfg)
    with Store(cfg.database, create=False) as store:
        obs = sightings_frame(store, None, None)  # counted per listing-week: what analyse reads
        market = market_frame(store)
        prices = list(store.current_prices())
        deals_df = deals_frame(store, prices)
        health = store.unhealthy_sources()
        unmatched = store.summary()["unmatched"]
        sent = store.sent_keys()
    result = analyse_frames(obs, market, events)
    ranked = rank_deals(deals_df)
    seen = [str(r["last_seen"])[:10] for r in prices if r["last_seen"]]
    hashprice = latest_hashprice(market, max(seen) if seen else None)
    priced = priced_frame(prices, hashprice[0], economics_of(cfg)) if hashprice else None
    rules = [AlertRule(**r.model_dump()) for r in cfg.alerts]
    alerts = evaluate(rules, result["index"], result["drops"], ranked, since=since,
                      payback_frame=priced)  # fmt: skip
    deal_pct = next((r.drop_pct for r in rules if r.kind == "deal" and r.drop_pct),
                    DEFAULT_DEAL_PCT)  # fmt: skip
    alerted = {a.subject for a in alerts if a.kind in ("deal", "payback")}
    deals = [d for d in select_deals(ranked, min_under_pct=deal_pct)
             if d["listing_key"] not in alerted]  # fmt: skip
    if priced is not None:  # the payback of each deal at today's hashprice (None: never)
        months = priced.set_index("listing_key")["breakeven_months"]
        for deal in deals:
            value = float(months.get(deal["listing_key"], float("nan")))
            deal["breakeven_months"] = round(value, 2) if math.isfinite(value) else None
    recent = events[events["date"].dt.date >= since]
    candidates: dict[Key, tuple[str, str]] = {a.key: (a.kind, a.title) for a in alerts}
    for deal in deals:
        candidates[("_deal", deal["listing_key"], deal["last_seen"])] = ("deal", deal["title"])
    for _, ev in recent.iterrows():
        candidates[("_event", ev["id"], f"{ev['date']:%Y-%m-%d}")] = ("event", ev["title"])
    for h in health:
        candidates[("_health", h["name"], h["started_at"])] = (h["status"], h["reason"] or "")
    new = set(candidates) - sent
    data = DigestData(
        generated_at=now,
        alerts=[a for a in alerts if a.key in new],
        movers=compute_movers(result["index"]),
        deals=[d for d in deals if ("_deal", d["listing_key"], d["last_seen"]) in new][
            : digest.max_deals if digest else 10
        ],
        new_events=[
            {
                "id": ev["id"],
                "date": f"{ev['date']:%Y-%m-%d}",
                "jurisdiction": ev["jurisdiction"],
                "title": ev["title"],
            }
            for _, ev in recent.iterrows()
            if ("_event", ev["id"], f"{ev['date']:%Y-%m-%d}") in new
        ],  # fmt: skip
        source_health=[dict(h) for h in health if ("_health", h["name"], h["started_at"]) in new],
        unmatched=unmatched,
        market_note=market_notes_line(result["drops"]),
        summary=compute_summary(result["index"]),
        hashprice=hashprice,
        chart_png=(
            render_chart(
                result["index"],
                events,
                result["drops"],
                digest.chart_series if digest else None,
                drawdowns=result["drawdowns"],
                market=market,
            )
            if result["index"]
            else None
        ),  # fmt: skip
    )
    keys = [Reported(*k, *candidates[k]) for k in sorted(new)]
    return data, keys


def run_digest(
    cfg: Config,
    *,
    deliver: bool,
    out: Path | None = None,
    now: datetime | None = None,
    stop: threading.Event | None = None,
) -> DigestOutcome:
    """Build the digest; with ``deliver``, send it and remember what it said. ``stop`` (the
    daemon's shutdown) cuts a send short; without one, SIGTERM does while the message is sent
    (in the main thread: a command)."""
    if cfg.digest is None:
        raise DigestError("no `digest:` section in the config (sender, recipients, SMTP server)")
    if deliver:  # two senders at once (the daemon's job and a CLI --send) would both send
        with _one_sender(cfg.database):
            return _run_digest(cfg, deliver=deliver, out=out, now=now, stop=stop)
    return _run_digest(cfg, deliver=deliver, out=out, now=now, stop=stop)


@contextlib.contextmanager
def _one_sender(database: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<database>.digest.lock`` (released by the OS if the process
    dies), so a second digest waits, then finds the alerts already sent."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: no lock, at worst an alert is mailed twice
        yield
        return
    database.parent.mkdir(parents=True, exist_ok=True)
    with database.with_name(database.name + ".digest.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run_digest(
    cfg: Config,
    *,
    deliver: bool,
    out: Path | None,
    now: datetime | None,
    stop: threading.Event | None = None,
) -> DigestOutcome:
    assert cfg.digest is not None
    digest = cfg.digest
    now = now or datetime.now(UTC)
    data, keys = gather(cfg, now)
    if not has_news(data) and not digest.send_when_empty:
        log.info("digest: nothing new, no email")
        return DigestOutcome(None, data, False, keys)
    message = build_message(data, sender=digest.sender, recipients=list(digest.recipients),
                            subject_prefix=digest.subject_prefix)  # fmt: skip
    if out is not None:
        from monitor.outputs.export import replacing

        # a crash never leaves half a message at ``out``; never the database or a file beside it
        with replacing(out, protect=[cfg.database]) as fh:
            fh.write(bytes(message))
    if not deliver:
        return DigestOutcome(message, data, False, keys)
    _deliver(cfg, message, keys, now, stop)
    if stop is not None and stop.is_set():
        log.info("apprise: not sent, stopping")
    elif digest.apprise_urls_env and (urls := _env(digest.apprise_urls_env)):
        try:
            send_apprise(data.alerts, urls.split())
        except DigestError as exc:  # email went out: report, do not fail the digest
            log.warning("apprise: %s", redact_text(str(exc), secrets=urls.split()))
    return DigestOutcome(message, data, True, keys)


def _deliver(
    cfg: Config,
    message: EmailMessage,
    keys: list[Reported],
    now: datetime,
    stop: threading.Event | None,
) -> None:
    """Send ``message`` and record ``keys`` as sent: recorded as being sent first (a database
    that cannot record the outcome fails here, before any SMTP), then as sent the moment the
    server accepts the message."""
    assert cfg.digest is not None
    digest = cfg.digest
    password = _env(digest.password_env)
    username = _env(digest.username_env)
    with Store(cfg.database) as store, _stop_on_sigterm(stop) as stopping:
        try:
            again = store.mark_sending(keys, now)
        except StoreError as exc:
            raise DigestError(f"{exc}; the digest was not sent") from None
        if again:
            log.warning("%d item(s) of an earlier digest cut short while sending (it may have "
                        "been delivered) are sent again", again)  # fmt: skip

        def record() -> None:
            try:
                store.mark_sent(keys, now)
            except (StoreError, DatabaseError) as exc:
                raise DigestError(
                    f"the digest was sent, but recording that in {cfg.database} failed ({exc}); "
                    "the next digest may repeat it",
                    maybe_delivered=True,
                ) from None

        try:
            send(
                message,
                host=digest.smtp_host,
                port=digest.smtp_port,
                security=digest.security,
                username=username,
                password=password,
                timeout_s=digest.timeout_s,
                on_accepted=record,
                stop=stopping,
            )
        except DigestError as exc:  # a server may quote what it was sent: never pass that on
            if not exc.maybe_delivered:  # refused or never sent: nothing is being sent
                with contextlib.suppress(StoreError, DatabaseError):
                    store.clear_sending(keys)
            text = redact_text(str(exc), secrets=[password])
            raise DigestError(text, maybe_delivered=exc.maybe_delivered) from None


@contextlib.contextmanager
def _stop_on_sigterm(stop: threading.Event | None) -> Iterator[threading.Event]:
    """The event that cuts a send short: ``stop`` when given (the daemon's); else one that
    SIGTERM sets while the message is sent, in the main thread (a command), instead of killing
    the process between the server's acceptance and its record."""
    if stop is not None:
        yield stop
        return
    event = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield event
        return
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: event.set())
    try:
        yield event
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _env(name: str | None) -> str | None:
    if not name:
        return None
    value = os.environ.get(name)
    if value is None:
        raise DigestError(f"environment variable {name} (named in the config) is not set")
    return value


def text_part(message: EmailMessage) -> Any:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""
