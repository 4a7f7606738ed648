"""The email digest: build a message from a :class:`DigestData` value (pure), then send it.

:func:`build_message` makes one ``multipart/alternative`` email: a plain-text part, and a
``multipart/related`` part holding the HTML and the index chart as an inline PNG (``cid:``).
Everything that came from a scraped page or a data file (titles, sources, reasons, series names)
is cleaned of control characters and ``html.escape``'d in the HTML; links are kept only when they
are ``http(s)`` URLs with a host, so a ``javascript:`` href never reaches a mail client.

:func:`send` is a small :mod:`smtplib` wrapper (STARTTLS, implicit TLS or plain) that turns the
usual failures into a :class:`DigestError` naming ``host:port``. A message counts as sent once
the server answers 250 to the end of its data (whatever QUIT answers); the whole exchange has one
deadline; a stop request (SIGTERM) ends it within :data:`STOP_GRACE_S`. :func:`send_apprise`
forwards alerts to non-email channels when the optional ``apprise`` package is installed.
"""

from __future__ import annotations

import contextlib
import html
import logging
import math
import re
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Literal
from urllib.parse import urlsplit

import pandas as pd

from monitor.analysis.indexes import TIERS
from monitor.outputs.alerts import Alert
from scrapers import tidy_text

__all__ = [
    "STOP_GRACE_S",
    "DigestData",
    "DigestError",
    "build_message",
    "compute_movers",
    "compute_summary",
    "has_news",
    "safe_url",
    "send",
    "send_apprise",
]

log = logging.getLogger("asicmon.digest")

Security = Literal["starttls", "ssl", "none"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# invisible characters that hide or reorder what a reader sees: soft hyphen, zero-width
# space/joiners, LRM/RLM, bidi embeddings, overrides and isolates (U+202E shows "exe.gpj" for
# "jpg.exe"), word joiner, BOM; and lone surrogates, which no email encoding can carry
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ud800-\udfff]+"
)


# a stop request (SIGTERM) while the server has the whole message: how long it gets to accept it
# before the connection is closed. Within the daemon's SHUTDOWN_GRACE_S (8 s) and the systemd
# unit's TimeoutStopSec=15 (README).
STOP_GRACE_S = 5.0


class DigestError(Exception):
    """The digest could not be sent; the message says where and why (never a password).

    ``maybe_delivered``: the exchange broke after the whole message was sent and before the
    server answered, so it may have been delivered (the caller sends it again next time)."""

    def __init__(self, message: str, *, maybe_delivered: bool = False) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


@dataclass
class DigestData:
    """Everything one digest shows. Built by the caller from the store and the analysis."""

    generated_at: datetime
    alerts: list[Alert]  # only the NEW ones (already deduplicated)
    movers: list[dict[str, Any]]  # {"series","from","to","change_pct"} over the last 7 days
    deals: list[dict[str, Any]]  # {"title","url","usd_per_th","tier","under_median_pct","source"}
    new_events: list[dict[str, Any]]  # {"id","date","jurisdiction","title"}
    source_health: list[dict[str, Any]]  # {"name","status","reason","started_at"} not ok only
    unmatched: int
    chart_png: bytes | None  # inline image; None when there is no index yet
    market_note: str | None = None  # why drops lack the market split (once, at the top)
    # each tier's latest level and weekly move: {"series","level","change_pct","period"}
    summary: list[dict[str, Any]] = field(default_factory=list)
    hashprice: tuple[float, str] | None = None  # (USD/PH/day, day) the deals' payback is at


def has_news(data: DigestData) -> bool:
    """Whether the digest is worth sending: alerts, deals, new events or unhealthy sources."""
    return bool(data.alerts or data.deals or data.new_events or data.source_health)


# --- text helpers ---------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """One line of display text: control characters and runs of whitespace become one space,
    invisible and bidi-control characters are dropped (the scrapers' cleaner, no length cap)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return tidy_text(str(value))


def _esc(value: Any) -> str:
    return html.escape(_clean(value), quote=True)


def safe_url(value: Any) -> str | None:
    """``value`` when it is an absolute http(s) URL with a host and no spaces, control or
    invisible characters, else None."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    if not url or _CONTROL.search(url) or _INVISIBLE.search(url):
        return None
    if any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


def _num(value: Any, fmt: str = ".2f") -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "n/a"
    return format(number, fmt) if math.isfinite(number) else "n/a"


def _link(text: Any, url: Any) -> str:
    """An escaped ``<a>`` when ``url`` is safe, else just the escaped text."""
    href = safe_url(url)
    label = _esc(text) or _esc(href) or "(untitled)"
    if href is None:
        return label
    return f'<a href="{html.escape(href, quote=True)}">{label}</a>'


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- sections -------------------------------------------------------------------------------
# Each section is rendered twice, as text lines and as an HTML fragment, from the same rows.


def _payback(deal: dict[str, Any], hashprice: tuple[float, str] | None) -> str:
    """``payback 9.4 months, `` (or ``never pays back, ``) when the deal was priced, else ''."""
    if hashprice is None or "breakeven_months" not in deal:
        return ""
    months = deal.get("breakeven_months")
    if months is None or not math.isfinite(float(months)):
        return "never pays back at today's hashprice, "
    return f"payback {_num(months, '.1f')} months, "


def _summary_rows(data: DigestData) -> tuple[list[str], list[str]]:
    """The top summary: each tier's level and weekly move, as text lines and HTML items."""
    text, items = [], []
    for s in data.summary:
        change = s.get("change_pct")
        move = (
            "no level a week earlier" if change is None else f"{_num(change, '+.1f')} % in 7 days"
        )
        line = f"{_clean(s.get('series'))}: {_num(s.get('level'))} USD/TH ({move})"
        text.append(f"- {line}, {_clean(s.get('period'))}")
        items.append(f"<li>{html.escape(line)}, {_esc(s.get('period'))}</li>")
    if data.hashprice is not None:
        line = f"hashprice: {_num(data.hashprice[0])} USD/PH/day on {_clean(data.hashprice[1])}"
        text.append(f"- {line}")
        items.append(f"<li>{html.escape(line)}</li>")
    return text, items


def _rows(data: DigestData) -> list[tuple[str, list[str], list[str]]]:
    """``(heading, text lines, html items)`` per section, in the order the digest shows them."""
    sections: list[tuple[str, list[str], list[str]]] = []

    if data.summary or data.hashprice is not None:
        sections.append(("Summary", *_summary_rows(data)))

    text, items = [], []
    for a in data.alerts:
        url = safe_url(a.url)
        text.append(f"- {_clean(a.title)}\n  {_clean(a.detail)}" + (f"\n  {url}" if url else ""))
        items.append(f"<li><b>{_link(a.title, a.url)}</b><br>{_esc(a.detail)}</li>")
    sections.append(("Alerts", text, items))

    text, items = [], []
    for m in data.movers:
        change = _num(m.get("change_pct"), "+.1f")
        line = f"{_clean(m.get('series'))}: {_num(m.get('from'))} -> {_num(m.get('to'))} USD/TH"
        text.append(f"- {line} ({change} %)")
        items.append(
            f"<li>{_esc(m.get('series'))}: {_num(m.get('from'))} &rarr; {_num(m.get('to'))} "
            f"USD/TH (<b>{change} %</b>)</li>"
        )
    sections.append(("Biggest movers (7 days)", text, items))

    text, items = [], []
    for d in data.deals:
        url = safe_url(d.get("url"))
        facts = (
            f"{_num(d.get('usd_per_th'))} USD/TH, {_num(d.get('under_median_pct'), '.1f')} % "
            f"under the tier {_clean(d.get('tier'))} median, {_payback(d, data.hashprice)}"
            f"{_clean(d.get('source'))}"
        )
        text.append(f"- {_clean(d.get('title'))}\n  {facts}" + (f"\n  {url}" if url else ""))
        items.append(f"<li>{_link(d.get('title'), d.get('url'))}<br>{html.escape(facts)}</li>")
    sections.append(("Best deals", text, items))

    text, items = [], []
    for e in data.new_events:
        head = f"{_clean(e.get('date'))} {_clean(e.get('jurisdiction'))}".strip()
        text.append(f"- {head}: {_clean(e.get('title'))} [{_clean(e.get('id'))}]")
        items.append(
            f"<li>{html.escape(head)}: {_esc(e.get('title'))} <small>[{_esc(e.get('id'))}]</small>"
            "</li>"
        )
    sections.append(("New events", text, items))

    text, items = [], []
    for s in data.source_health:
        since = _clean(s.get("started_at"))
        line = f"{_clean(s.get('name'))}: {_clean(s.get('status'))}"
        reason = _clean(s.get("reason"))
        text.append(f"- {line}" + (f" ({reason})" if reason else "") + f", run {since}")
        why = f" ({html.escape(reason)})" if reason else ""
        items.append(f"<li><b>{html.escape(line)}</b>{why}, run {html.escape(since)}</li>")
    sections.append(("Source health", text, items))
    return sections


def _subject(data: DigestData, prefix: str) -> str:
    counts = [(len(data.alerts), "alert"), (len(data.deals), "deal")]
    counts += [(len(data.new_events), "new event"), (len(data.source_health), "source problem")]
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in counts if n]
    when = _utc(data.generated_at).strftime("%Y-%m-%d")
    return f"{_clean(prefix)} {when}: {', '.join(parts) or 'no news'}".strip()


def _text_body(data: DigestData, when: str) -> str:
    out = [f"asicmon digest, {when}", ""]
    if data.market_note:
        out += [f"Note: {_clean(data.market_note)}", ""]
    for heading, lines, _ in _rows(data):
        out += [heading, "=" * len(heading), *(lines or ["None."]), ""]
    out.append(f"Unmatched titles (not in the catalog): {data.unmatched}")
    if data.chart_png:
        out.append("The HTML version of this email has the price index chart.")
    return "\n".join(out) + "\n"


def _html_body(data: DigestData, when: str, cid: str | None) -> str:
    body = [f"<h1>asicmon digest</h1><p>{html.escape(when)}</p>"]
    if data.market_note:
        body.append(f"<p><small>Note: {_esc(data.market_note)}</small></p>")
    if cid:
        body.append(
            f'<p><img src="cid:{html.escape(cid)}" alt="asicmon price index with event markers" '
            'style="max-width:100%;height:auto"></p>'
        )
    for heading, _, items in _rows(data):
        listing = f"<ul>{''.join(items)}</ul>" if items else "<p>None.</p>"
        body.append(f"<h2>{html.escape(heading)}</h2>{listing}")
    body.append(f"<p>Unmatched titles (not in the catalog): {int(data.unmatched)}</p>")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>asicmon digest</title></head>'
        '<body style="font-family:sans-serif;line-height:1.4">'
        + "\n".join(body)
        + "</body></html>\n"
    )


def build_message(
    data: DigestData,
    *,
    sender: str,
    recipients: Sequence[str],
    subject_prefix: str = "[asicmon]",
) -> EmailMessage:
    """The digest email: text + (HTML + inline PNG chart). Pure: no clock, no network."""
    if not recipients:
        raise ValueError("the digest needs at least one recipient")
    moment = _utc(data.generated_at)
    when = moment.strftime("%Y-%m-%d %H:%M UTC")
    domain = sender.rpartition("@")[2].strip("<> ") or "asicmon.invalid"
    msg = EmailMessage()
    msg["Subject"] = _subject(data, subject_prefix)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(moment)
    msg["Message-ID"] = make_msgid("digest", domain=domain)
    msg.set_content(_text_body(data, when))
    cid = make_msgid("chart", domain=domain) if data.chart_png else None
    msg.add_alternative(_html_body(data, when, cid[1:-1] if cid else None), subtype="html")
    if data.chart_png and cid:
        html_part = msg.get_payload()[1]  # type: ignore[index]
        assert isinstance(html_part, EmailMessage)
        html_part.add_related(
            data.chart_png,
            "image",
            "png",
            cid=cid,
            disposition="inline",
            filename="asicmon-index.png",
        )
    return msg


# --- numbers for the digest -----------------------------------------------------------------


def _latest_and_before(
    index: Iterable[dict[str, Any]], days: int, basis: str, prefix: str = ""
) -> list[tuple[str, Any, float | None]]:
    """Each series (named ``prefix``...) of one ``basis``: its latest record and its last value
    ``days`` or more earlier (within ``4 * days``; None without one), series in name order."""
    frame = pd.DataFrame(
        [r for r in index if (r.get("basis") or "ask") == basis
         and str(r.get("series") or "").startswith(prefix)]
    )  # fmt: skip
    if frame.empty:
        return []
    frame["period"] = pd.to_datetime(frame["period"], errors="coerce")
    frame["usd_per_th"] = pd.to_numeric(frame["usd_per_th"], errors="coerce")
    frame = frame[frame["period"].notna() & (frame["usd_per_th"] > 0)]
    out = []
    for series, g in frame.sort_values("period").groupby("series", sort=True):
        last = g.iloc[-1]
        ref = g[
            (g["period"] <= last["period"] - timedelta(days=days))
            & (g["period"] >= last["period"] - timedelta(days=4 * days))
        ]
        out.append((str(series), last, None if ref.empty else float(ref["usd_per_th"].iloc[-1])))
    return out


def compute_summary(
    index: Iterable[dict[str, Any]], *, days: int = 7, basis: str = "ask"
) -> list[dict[str, Any]]:
    """Each tier's latest index level and its move against its last value ``days`` or more
    earlier (within ``4 * days``; ``change_pct`` None without one), tiers from the most
    efficient."""
    out = []
    for series, last, before in _latest_and_before(index, days, basis, "tier:"):
        level = float(last["usd_per_th"])
        change = None if before is None else 100.0 * (level / before - 1)
        out.append(
            {
                "series": series,
                "level": round(level, 4),
                "change_pct": None if change is None else round(change, 2),
                "period": last["period"].strftime("%Y-%m-%d"),
            }
        )
    order = list(TIERS)  # the tiers' one definition, most efficient first
    out.sort(key=lambda s: (order.index(s["series"][5:]) if s["series"][5:] in order else 99,
                            s["series"]))  # fmt: skip
    return out


def compute_movers(
    index: Iterable[dict[str, Any]], *, days: int = 7, limit: int = 5, basis: str = "ask"
) -> list[dict[str, Any]]:
    """The biggest moves: each series' latest value against its last value ``days`` or more
    earlier (within ``4 * days``), by absolute change, largest first."""
    out = []
    for series, last, before in _latest_and_before(index, days, basis):
        if before is None:
            continue
        change = 100.0 * (float(last["usd_per_th"]) / before - 1.0)
        out.append(
            {
                "series": series,
                "from": round(before, 4),
                "to": round(float(last["usd_per_th"]), 4),
                "change_pct": round(change, 2),
                "period": last["period"].strftime("%Y-%m-%d"),
            }
        )
    out.sort(key=lambda m: (-abs(m["change_pct"]), m["series"]))
    return out[:limit]


# --- delivery -------------------------------------------------------------------------------


class _Watchdog(threading.Thread):
    """Ends an SMTP exchange at its deadline, or when ``stop`` is set, by shutting its socket
    down through a duplicate descriptor (TLS wrapping does not hide it): a server that drips its
    replies a byte at a time never trips a per-read timeout. After ``stop``, a server that has
    the whole message gets :data:`STOP_GRACE_S` to accept it; otherwise it ends at once."""

    def __init__(self, seconds: float, stop: threading.Event | None) -> None:
        super().__init__(name="smtp-deadline", daemon=True)
        self.deadline = time.monotonic() + seconds
        self.stop_event = stop
        self.lock = threading.Lock()
        self.handle: socket.socket | None = None
        self.in_data = False  # between DATA and the server's answer to the end of the data
        self.unknown = False  # the exchange broke there: the message may have been delivered
        self.cut: str | None = None  # "deadline" or "stop" once it ended the exchange
        self.done = threading.Event()

    def watch(self, sock: socket.socket) -> None:
        with self.lock:
            if self.handle is not None:
                self.handle.close()
            self.handle = sock.dup()
            if self.cut is not None:
                self._shutdown()

    def run(self) -> None:
        stopped_at: float | None = None
        while not self.done.wait(0.1):
            now = time.monotonic()
            if now >= self.deadline:
                self._end("deadline")
                return
            if self.stop_event is not None and self.stop_event.is_set():
                stopped_at = stopped_at or now
                if not self.in_data or now - stopped_at >= STOP_GRACE_S:
                    self._end("stop")
                    return

    def _end(self, why: str) -> None:
        with self.lock:
            if not self.done.is_set():
                self.cut = why
                self._shutdown()

    def _shutdown(self) -> None:
        if self.handle is not None:
            with contextlib.suppress(OSError):  # already closed by the server
                self.handle.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self.lock:
            self.done.set()
            if self.handle is not None:
                self.handle.close()
                self.handle = None


class _Client(smtplib.SMTP):
    """:class:`smtplib.SMTP` that shows its socket to the watchdog as soon as it is connected
    (before the greeting, and before a TLS handshake) and tells it when the data is in flight."""

    _watchdog: _Watchdog

    def __init__(self, watchdog: _Watchdog, host: str, port: int, timeout: float) -> None:
        self._watchdog = watchdog
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        # what SMTP._get_socket does (SMTP_SSL then wraps this socket in TLS)
        sock = socket.create_connection((host, port), timeout, self.source_address)
        self._watchdog.watch(sock)
        return sock

    def data(self, msg: Any) -> tuple[int, bytes]:
        self._watchdog.in_data = True
        try:
            return super().data(msg)
        except smtplib.SMTPResponseException:
            raise  # the server answered: refused, not delivered
        except BaseException:
            self._watchdog.unknown = True
            raise
        finally:
            self._watchdog.in_data = False


class _ClientTLS(smtplib.SMTP_SSL, _Client):
    """Implicit TLS: ``SMTP_SSL`` wraps the socket :class:`_Client` connected and showed."""

    def __init__(
        self, watchdog: _Watchdog, host: str, port: int, timeout: float, context: ssl.SSLContext
    ) -> None:
        self._watchdog = watchdog
        smtplib.SMTP_SSL.__init__(self, host, port, timeout=timeout, context=context)


def send(
    message: EmailMessage,
    *,
    host: str,
    port: int,
    security: Security,
    username: str | None,
    password: str | None,
    timeout_s: float = 30,
    ssl_context: ssl.SSLContext | None = None,
    on_accepted: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Deliver ``message`` over SMTP; ``security`` is ``starttls``, ``ssl`` (implicit TLS) or
    ``none``. Logs in when ``username`` is set. Raises :class:`DigestError` naming ``host:port``.

    ``timeout_s`` bounds each wait for the server, and the whole exchange must be over within
    ``2 * timeout_s``. The message is sent once the server answers 250 to the end of its data:
    ``on_accepted`` is called then (to record it, before QUIT), and an error from QUIT after
    that is logged, not raised. ``stop`` (set on SIGTERM) ends the exchange: at once, or, when
    the server has the whole message, after up to :data:`STOP_GRACE_S` for it to answer.

    ``ssl_context`` defaults to :func:`ssl.create_default_context` (system CAs, host name
    checked). Recipients refused while others accepted are logged, not raised, so the caller
    still records the alerts as sent.
    """
    where = f"{host}:{port}"
    if security not in ("starttls", "ssl", "none"):
        raise ValueError(f"security must be starttls, ssl or none, not {security!r}")
    if username and password is None:
        raise DigestError(f"SMTP user {username!r} for {where} has no password (environment)")
    if stop is not None and stop.is_set():
        raise DigestError(f"stopped before connecting to {where}: the digest was not sent")
    context = ssl_context or ssl.create_default_context()
    watchdog = _Watchdog(2 * timeout_s, stop)
    watchdog.start()
    client: smtplib.SMTP | None = None
    try:
        try:
            if security == "ssl":
                client = _ClientTLS(watchdog, host, port, timeout_s, context)
            else:
                client = _Client(watchdog, host, port, timeout_s)
            client.ehlo()
            if security == "starttls":
                if not client.has_extn("starttls"):
                    raise DigestError(f"{where} does not offer STARTTLS (try security: ssl)")
                client.starttls(context=context)
                client.ehlo()
            if username:
                client.login(username, password or "")
            refused = client.send_message(message)
        except DigestError:
            raise
        except Exception as exc:
            raise _failure(exc, where, security, username, timeout_s, watchdog) from None
        # the server took the message: it is sent, whatever happens from here on
        if refused:
            log.warning("%s refused some recipients: %s", where, ", ".join(sorted(refused)))
        if on_accepted is not None:
            on_accepted()
        try:
            client.quit()
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("%s accepted the digest; its answer to QUIT is ignored: %s", where,
                        _clean(exc) or type(exc).__name__)  # fmt: skip
    finally:
        watchdog.close()
        if client is not None:
            client.close()


_NOT_SENT = "the digest was not sent"
_UNKNOWN = "it may have been delivered (the next digest sends it again)"


def _failure(
    exc: Exception,
    where: str,
    security: Security,
    username: str | None,
    timeout_s: float,
    watchdog: _Watchdog,
) -> DigestError:
    """The one-line :class:`DigestError` for what broke an SMTP exchange."""
    unknown = watchdog.unknown
    outcome = _UNKNOWN if unknown else _NOT_SENT
    if watchdog.cut == "deadline":
        text = (f"SMTP server {where} too slow: the exchange was not over after "
                f"{2 * timeout_s:g} s (2 x timeout_s); {outcome}")  # fmt: skip
    elif watchdog.cut == "stop":
        text = f"stopped during the SMTP exchange with {where}: {outcome}"
    elif isinstance(exc, smtplib.SMTPAuthenticationError):
        text = f"SMTP authentication failed at {where} for user {username!r}: {_smtp_reply(exc)}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = f"{where} refused every recipient: {', '.join(exc.recipients)}"
    elif isinstance(exc, smtplib.SMTPSenderRefused):
        text = f"{where} refused sender {exc.sender!r}: {_smtp_reply(exc)}"
    elif isinstance(exc, smtplib.SMTPServerDisconnected) and "timed out" in str(exc):
        text = f"SMTP server {where} timed out after {timeout_s:g} s"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        text = f"{where} closed the connection: {exc or 'no reason given'}"
    elif isinstance(exc, smtplib.SMTPResponseException):
        text = f"SMTP error from {where}: {_smtp_reply(exc)}"
    elif isinstance(exc, smtplib.SMTPException):
        text = f"SMTP error from {where}: {exc}"
    elif isinstance(exc, ssl.SSLCertVerificationError):
        text = f"TLS certificate of {where} not trusted: {exc.verify_message or exc.reason}"
    elif isinstance(exc, ssl.SSLError):
        hint = " (is this port for STARTTLS or implicit TLS?)" if security != "none" else ""
        text = f"TLS error with {where}: {exc.reason or exc}{hint}"
    elif isinstance(exc, ConnectionRefusedError):
        text = f"cannot connect to SMTP server {where}: connection refused"
    elif isinstance(exc, TimeoutError):
        text = f"SMTP server {where} timed out after {timeout_s:g} s"
    elif isinstance(exc, OSError):
        text = f"cannot connect to SMTP server {where}: {exc.strerror or exc}"
    else:
        raise exc
    if unknown and outcome not in text:
        text += f"; {outcome}"
    return DigestError(text, maybe_delivered=unknown)


def _smtp_reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{exc.smtp_code} {_clean(text)}"


def send_apprise(alerts: Iterable[Alert], urls: list[str]) -> int:
    """Push each alert to the apprise ``urls`` (Telegram, Slack, ...); the number delivered.

    Needs the optional ``apprise`` package (``pip install asicmon[apprise]``).
    """
    try:
        import apprise  # type: ignore[import-not-found]
    except ImportError:
        raise DigestError("apprise is not installed: pip install asicmon[apprise]") from None
    bus = apprise.Apprise()
    for url in urls:
        if not bus.add(url):
            # the URL can hold a token: name only its scheme
            raise DigestError(f"apprise does not understand the URL {url.split(':', 1)[0]}://...")
    sent = 0
    for alert in alerts:
        body = _clean(alert.detail)
        link = safe_url(alert.url)
        if link:
            body += f"\n{link}"
        if bus.notify(title=_clean(alert.title), body=body):
            sent += 1
    return sent
