"""The digest email: building it, escaping scraped text, the chart, and SMTP delivery to a real
in-process aiosmtpd server on 127.0.0.1 (never an external host)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import re
import socket
import ssl
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from monitor.outputs.alerts import Alert
from monitor.outputs.charts import render_chart
from monitor.outputs.digest import (
    DigestData,
    DigestError,
    build_message,
    compute_movers,
    has_news,
    safe_url,
    send,
    send_apprise,
)

SCRIPT = "<script>alert(1)</script>"
NOW = datetime(2026, 7, 6, 7, 0, tzinfo=UTC)
SERIES = "tier:19to25"


def index_records() -> list[dict[str, Any]]:
    start = datetime(2026, 3, 2, tzinfo=UTC)
    values = [30, 29, 29.5, 28, 27, 20, 19, 18.5, 18, 18.2, 17.5, 17.9, 17.0, 16.5, 16.8, 15.1]
    return [
        {"series": SERIES, "period": (start + timedelta(weeks=i)).strftime("%Y-%m-%d"),
         "basis": basis, "usd_per_th": v * (0.9 if basis == "sold" else 1.0), "btc_per_th": None,
         "n_listings": 5, "n_obs": 11}
        for i, v in enumerate(values) for basis in ("ask", "sold")
    ]  # fmt: skip


DROPS = [{"series": SERIES, "basis": "ask", "start": "2026-03-30", "end": "2026-04-13",
          "drop_pct": 31.0, "events": [], "chance_alignment_p": None}]  # fmt: skip
EVENTS = pd.DataFrame(
    {"id": ["halving-2026", "too-early"], "date": pd.to_datetime(["2026-04-01", "2020-01-01"])}
)


def digest_data(**changes: Any) -> DigestData:
    data = DigestData(
        generated_at=NOW,
        alerts=[
            Alert(
                "cheap",
                "below",
                SERIES,
                "2026-06-15",
                "tier:19to25 below 16 USD/TH: 15.10",
                "tier:19to25 (ask) is at 15.10 USD/TH.",
                value=15.1,
            ),
            Alert(
                "deal",
                "deal",
                "shop:1",
                "2026-07-05",
                f"Deal: S19j Pro {SCRIPT} at 9.00",
                "40.0 % under the tier median",
                url="https://shop.example/1?a=1&b=2",
                value=9.0,
            ),
        ],  # fmt: skip
        movers=[{"series": SERIES, "from": 16.8, "to": 15.1, "change_pct": -10.12}],
        deals=[
            {
                "title": f"S19j Pro 100T {SCRIPT}",
                "url": "https://shop.example/1?a=1&b=2",
                "usd_per_th": 9.0,
                "tier": "19to25",
                "under_median_pct": 40.0,
                "source": "shop",
            },
            {
                "title": "Evil <img src=x onerror=alert(2)>",
                "url": "javascript:alert(3)",
                "usd_per_th": 9.5,
                "tier": "19to25",
                "under_median_pct": 37.0,
                "source": "shop",
            },
        ],  # fmt: skip
        new_events=[
            {
                "id": "ev-1",
                "date": "2026-07-01",
                "jurisdiction": "KZ",
                "title": "Tariff <b>hike</b>",
            }
        ],  # fmt: skip
        source_health=[
            {
                "name": "forum",
                "status": "suspect",
                "reason": "2 listings < min 5",
                "started_at": "2026-07-06T06:00:00+00:00",
            }
        ],  # fmt: skip
        unmatched=7,
        chart_png=render_chart(index_records(), EVENTS, DROPS, SERIES),
    )
    return replace(data, **changes)


def parse(raw: bytes | EmailMessage) -> EmailMessage:
    data = raw.as_bytes() if isinstance(raw, EmailMessage) else raw
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: EmailMessage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in msg.walk():
        if not part.is_multipart():
            out[part.get_content_type()] = part
    return out


# --- building -------------------------------------------------------------------------------


def test_message_is_text_plus_html_with_inline_png() -> None:
    built = build_message(digest_data(), sender="asicmon@example.org", recipients=["a@b.c"])
    assert built["Subject"] == (
        "[asicmon] 2026-07-06: 2 alerts, 2 deals, 1 new event, 1 source problem"
    )
    msg = parse(built)
    assert msg.get_content_type() == "multipart/alternative"
    found = parts(msg)
    assert set(found) == {"text/plain", "text/html", "image/png"}
    html_part, png = found["text/html"], found["image/png"]
    cid = png["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_part.get_content()
    assert png.get_content().startswith(b"\x89PNG")
    assert png.get_content_disposition() == "inline"
    related = msg.get_payload()[1]
    assert related.get_content_type() == "multipart/related"
    # a folded header parses back with the fold's leading space
    assert msg["Subject"].strip() == built["Subject"]
    assert msg["To"] == "a@b.c"
    assert msg["Message-ID"].endswith("@example.org>")


def test_sections_in_text_and_html() -> None:
    msg = parse(build_message(digest_data(), sender="x@example.org", recipients=["a@b.c"]))
    text = parts(msg)["text/plain"].get_content()
    for heading in ("Alerts", "Biggest movers", "Best deals", "New events", "Source health"):
        assert heading in text
    assert "tier:19to25: 16.80 -> 15.10 USD/TH (-10.1 %)" in text
    assert "forum: suspect (2 listings < min 5)" in text
    assert "Unmatched titles (not in the catalog): 7" in text
    assert "https://shop.example/1?a=1&b=2" in text
    html_text = parts(msg)["text/html"].get_content()
    assert '<a href="https://shop.example/1?a=1&amp;b=2">' in html_text
    assert "Unmatched titles (not in the catalog): 7" in html_text


def test_scraped_text_is_escaped_and_bad_links_dropped() -> None:
    msg = parse(build_message(digest_data(), sender="x@example.org", recipients=["a@b.c"]))
    html_text = parts(msg)["text/html"].get_content()
    assert "<script" not in html_text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "<img src=x" not in html_text
    assert "&lt;img src=x onerror=alert(2)&gt;" in html_text
    assert "<b>hike</b>" not in html_text
    assert "javascript:" not in html_text.lower()
    assert "javascript:" not in parts(msg)["text/plain"].get_content()
    # the only tags are the template's own
    tags = set(re.findall(r"<([a-zA-Z0-9]+)", html_text))
    assert tags <= {"html", "head", "meta", "title", "body", "h1", "h2", "p", "img", "ul", "li",
                    "a", "b", "br", "small"}  # fmt: skip


def test_header_injection_and_control_characters_are_neutralised() -> None:
    nasty = Alert(
        "r", "deal", "k", "2026-07-05", "Deal\r\nBcc: victim@example.org\x00", "d\x1b[31m"
    )
    msg = build_message(digest_data(alerts=[nasty]), sender="x@example.org", recipients=["a@b.c"])
    parsed = parse(msg)
    assert parsed["Bcc"] is None
    text = parts(parsed)["text/plain"].get_content()
    assert "Deal Bcc: victim@example.org" in text
    assert "\x00" not in text
    assert "\x1b" not in text


def test_no_chart_no_image_part() -> None:
    msg = parse(
        build_message(digest_data(chart_png=None), sender="x@example.org", recipients=["a@b.c"])
    )
    assert set(parts(msg)) == {"text/plain", "text/html"}
    assert "cid:" not in parts(msg)["text/html"].get_content()


def test_has_news() -> None:
    empty = DigestData(NOW, [], [], [], [], [], 0, None)
    assert has_news(empty) is False
    # movers, unmatched titles and a chart alone are not news
    quiet = replace(empty, movers=digest_data().movers, unmatched=3, chart_png=b"\x89PNG")
    assert has_news(quiet) is False
    assert has_news(replace(empty, alerts=digest_data().alerts))
    assert has_news(replace(empty, deals=digest_data().deals))
    assert has_news(replace(empty, new_events=digest_data().new_events))
    assert has_news(replace(empty, source_health=digest_data().source_health))
    msg = build_message(empty, sender="x@example.org", recipients=["a@b.c"])
    assert msg["Subject"] == "[asicmon] 2026-07-06: no news"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://shop.example/x?a=1", True),
        ("HTTP://shop.example/", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("//shop.example/x", False),
        ("/relative", False),
        ("https:///nohost", False),
        ("https://shop.example/a b", False),
        ("https://shop.example/\nx", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_build_message_needs_recipients() -> None:
    with pytest.raises(ValueError, match="recipient"):
        build_message(digest_data(), sender="x@example.org", recipients=[])


# --- numbers and chart ----------------------------------------------------------------------


def test_render_chart_is_png() -> None:
    png = render_chart(index_records(), EVENTS, DROPS, SERIES)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000
    assert render_chart(index_records(), None, [], None).startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="no index series 'tier:nope'"):
        render_chart(index_records(), EVENTS, DROPS, "tier:nope")
    with pytest.raises(ValueError, match="no index records"):
        render_chart([], None, [], None)


def test_compute_movers() -> None:
    other = [{**r, "series": "model:X", "usd_per_th": 10.0} for r in index_records()]
    other[-2]["usd_per_th"] = 12.0  # the last ask value
    movers = compute_movers(index_records() + other, days=7)
    assert [m["series"] for m in movers] == ["model:X", SERIES]
    assert movers[0] == {"series": "model:X", "from": 10.0, "to": 12.0, "change_pct": 20.0,
                         "period": "2026-06-15"}  # fmt: skip
    assert movers[1]["change_pct"] == pytest.approx(100 * (15.1 / 16.8 - 1), abs=0.01)
    assert compute_movers(index_records(), limit=0) == []
    assert compute_movers(index_records()[:2]) == []  # one period: nothing to compare with


# --- SMTP delivery ---------------------------------------------------------------------------


def free_port() -> int:
    # aiosmtpd 1.4.x rejects port=0 (aio-libs/aiosmtpd#388): ask the OS for a free one
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sink:
    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


@dataclass
class Server:
    host: str
    port: int
    sink: Sink


def start(**kwargs: Any) -> tuple[Any, Server]:
    """A real aiosmtpd server in a thread on 127.0.0.1 (skips when aiosmtpd is missing)."""
    controller = pytest.importorskip("aiosmtpd.controller")
    sink = Sink()
    port = free_port()
    ctl = controller.Controller(sink, hostname="127.0.0.1", port=port, **kwargs)
    ctl.start()
    return ctl, Server("127.0.0.1", port, sink)


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    ctl, server = start()
    yield server
    ctl.stop()


def test_send_plain_delivers_one_multipart_message(smtp_server: Server) -> None:
    msg = build_message(digest_data(), sender="asicmon@example.org", recipients=["ops@example.org"])
    send(msg, host=smtp_server.host, port=smtp_server.port, security="none", username=None,
         password=None, timeout_s=5)  # fmt: skip
    [envelope] = smtp_server.sink.envelopes
    assert envelope.mail_from == "asicmon@example.org"
    assert envelope.rcpt_tos == ["ops@example.org"]
    got = parse(envelope.content)
    assert got.is_multipart()
    found = parts(got)
    assert set(found) == {"text/plain", "text/html", "image/png"}
    cid = found["image/png"]["Content-ID"].strip("<>")
    html_text = found["text/html"].get_content()
    assert f"cid:{cid}" in html_text
    assert "<script>" not in html_text
    assert "&lt;script&gt;" in html_text


def test_connection_refused_names_host_and_port() -> None:
    port = free_port()
    with pytest.raises(DigestError, match=rf"127\.0\.0\.1:{port}: connection refused"):
        send(EmailMessage(), host="127.0.0.1", port=port, security="none", username=None,
             password=None, timeout_s=5)  # fmt: skip


def test_starttls_not_offered(smtp_server: Server) -> None:
    with pytest.raises(DigestError, match=rf"{smtp_server.port} does not offer STARTTLS"):
        send(EmailMessage(), host=smtp_server.host, port=smtp_server.port, security="starttls",
             username=None, password=None, timeout_s=5)  # fmt: skip


def test_user_without_password_fails_before_connecting() -> None:
    with pytest.raises(DigestError, match="has no password"):
        send(EmailMessage(), host="127.0.0.1", port=1, security="none", username="me",
             password=None)  # fmt: skip


# --- TLS: a self-signed certificate made in the test -----------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost: (cert.pem, key.pem)."""
    pytest.importorskip("cryptography")
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "asicmon test SMTP")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*certificate)
    return ctx


def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"me", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def starttls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    ctl, server = start(
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    yield server
    ctl.stop()


def test_starttls_with_login(starttls_server: Server, certificate: tuple[Path, Path]) -> None:
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    msg = build_message(digest_data(), sender="asicmon@example.org", recipients=["ops@example.org"])
    send(msg, host="127.0.0.1", port=starttls_server.port, security="starttls", username="me",
         password="s3cret", timeout_s=5, ssl_context=trust)  # fmt: skip
    [envelope] = starttls_server.sink.envelopes
    assert set(parts(parse(envelope.content))) == {"text/plain", "text/html", "image/png"}


def test_starttls_wrong_password(starttls_server: Server, certificate: tuple[Path, Path]) -> None:
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    with pytest.raises(DigestError, match=r"authentication failed at 127\.0\.0\.1:\d+ for user"):
        send(EmailMessage(), host="127.0.0.1", port=starttls_server.port, security="starttls",
             username="me", password="wrong", timeout_s=5, ssl_context=trust)  # fmt: skip
    assert starttls_server.sink.envelopes == []


def test_untrusted_certificate_is_a_clear_error(starttls_server: Server) -> None:
    with pytest.raises(DigestError, match=r"TLS certificate of 127\.0\.0\.1:\d+ not trusted"):
        send(EmailMessage(), host="127.0.0.1", port=starttls_server.port, security="starttls",
             username=None, password=None, timeout_s=5)  # fmt: skip


def test_implicit_tls(certificate: tuple[Path, Path]) -> None:
    ctl, server = start(ssl_context=server_context(certificate))
    try:
        trust = ssl.create_default_context(cafile=str(certificate[0]))
        msg = build_message(digest_data(), sender="asicmon@example.org", recipients=["o@e.org"])
        send(msg, host="127.0.0.1", port=server.port, security="ssl", username=None,
             password=None, timeout_s=5, ssl_context=trust)  # fmt: skip
        assert len(server.sink.envelopes) == 1
    finally:
        ctl.stop()


# --- apprise ----------------------------------------------------------------------------------


def test_send_apprise_without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "apprise", None)  # makes `import apprise` fail
    with pytest.raises(DigestError, match=r"pip install asicmon\[apprise\]"):
        send_apprise(digest_data().alerts, ["tgram://token/chat"])


def test_send_apprise_with_a_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, str]] = []

    class Apprise:
        def add(self, url: str) -> bool:
            return url.startswith("tgram://")

        def notify(self, *, title: str, body: str) -> bool:
            sent.append((title, body))
            return True

    monkeypatch.setitem(sys.modules, "apprise", types.SimpleNamespace(Apprise=Apprise))
    assert send_apprise(digest_data().alerts, ["tgram://token/chat"]) == 2
    assert sent[1][1].endswith("\nhttps://shop.example/1?a=1&b=2")
    with pytest.raises(DigestError, match=r"does not understand the URL bogus://\.\.\."):
        send_apprise([], ["bogus://secret-token"])


# --- delivered once: a scripted raw-socket SMTP server ---------------------------------------


class RawSMTP:
    """A real SMTP server on a raw socket on 127.0.0.1 that misbehaves on cue (as
    tests/fault_server.py does for HTTP). ``quit_reply`` is its answer to QUIT (None: it holds
    the answer until closed); ``hold_data`` holds its answer to the end of the data until
    ``release`` is set; ``data_reply`` is that answer; ``drip_s`` sends every reply a byte at a
    time with that pause. ``messages`` holds each message whose data ended, ``accepted`` counts
    those answered 250, ``holding`` is set while it holds an answer."""

    def __init__(self, *, quit_reply: str | None = "221 bye", hold_data: bool = False,
                 data_reply: str = "250 queued", drip_s: float = 0.0) -> None:  # fmt: skip
        self.quit_reply, self.hold_data, self.data_reply = quit_reply, hold_data, data_reply
        self.drip_s = drip_s
        self.messages: list[bytes] = []
        self.accepted = 0
        self.holding = threading.Event()
        self.release = threading.Event()
        self.closing = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.host, self.port = "127.0.0.1", int(self.listener.getsockname()[1])
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self) -> None:
        self.listener.settimeout(0.1)  # a close from another thread does not wake accept()
        while not self.closing.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(None)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _say(self, conn: socket.socket, text: str) -> None:
        data = (text + "\r\n").encode()
        if not self.drip_s:
            conn.sendall(data)
            return
        for i in range(len(data)):
            if self.closing.is_set():
                return
            conn.sendall(data[i : i + 1])
            time.sleep(self.drip_s)

    def _hold(self, until: threading.Event) -> None:
        self.holding.set()
        while not (until.is_set() or self.closing.is_set()):
            time.sleep(0.05)

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            reader = conn.makefile("rb")
            self._say(conn, "220 raw.test ESMTP")
            while line := reader.readline():
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                    self._say(conn, "250 ok")
                elif verb == b"DATA":
                    self._say(conn, "354 go on")
                    body = b""
                    while (chunk := reader.readline()) and chunk != b".\r\n":
                        body += chunk
                    self.messages.append(body)
                    if self.hold_data:
                        self._hold(self.release)
                    self.accepted += self.data_reply.startswith("250")  # before it is said
                    self._say(conn, self.data_reply)
                elif verb == b"QUIT":
                    if self.quit_reply is None:
                        self._hold(self.closing)
                        return
                    self._say(conn, self.quit_reply)
                    return
                else:
                    self._say(conn, "502 not here")

    def close(self) -> None:
        self.closing.set()
        self.listener.close()
        for thread in self.threads:
            thread.join(timeout=10)


@contextlib.contextmanager
def raw_smtp(**kwargs: Any) -> Iterator[RawSMTP]:
    server = RawSMTP(**kwargs)
    try:
        yield server
    finally:
        server.close()


def deliver(server: Any, **kwargs: Any) -> None:
    msg = build_message(digest_data(), sender="asicmon@example.org", recipients=["o@e.org"])
    send(msg, host=server.host, port=server.port, security="none", username=None,
         password=None, **{"timeout_s": 5, **kwargs})  # fmt: skip


def test_a_message_accepted_is_sent_whatever_quit_answers() -> None:
    """A server that accepts the data and answers QUIT with 451: sent, and recorded (the
    callback runs before QUIT); the QUIT answer is only logged."""
    recorded: list[int] = []
    with raw_smtp(quit_reply="451 4.3.0 try again later") as server:
        deliver(server, on_accepted=lambda: recorded.append(server.accepted))
    assert server.accepted == 1
    assert recorded == [1]


def test_a_refused_message_is_not_sent_and_not_in_doubt() -> None:
    refused = pytest.raises(DigestError, match=r"554 5\.7\.1 rejected")
    with raw_smtp(data_reply="554 5.7.1 rejected") as server, refused as caught:
        deliver(server, on_accepted=lambda: pytest.fail("recorded a refused message"))
    assert caught.value.maybe_delivered is False


def test_a_dripping_server_meets_one_deadline_for_the_whole_exchange() -> None:
    """Every reply a byte per 0.3 s never trips a 1 s read timeout; the exchange as a whole
    is cut at 2 x timeout_s (it took over a minute before)."""
    start = time.monotonic()
    with raw_smtp(drip_s=0.3) as server, pytest.raises(DigestError) as caught:
        deliver(server, timeout_s=1, on_accepted=lambda: pytest.fail("recorded"))
    assert time.monotonic() - start < 10  # generous: the deadline is 2 s
    assert str(caught.value) == (
        f"SMTP server 127.0.0.1:{server.port} too slow: the exchange was not over after 2 s "
        "(2 x timeout_s); the digest was not sent"
    )
    assert server.messages == []


def test_stop_while_the_server_holds_the_data_gives_it_time_to_accept() -> None:
    """SIGTERM (``stop``) while the server has the whole message: it gets STOP_GRACE_S to
    answer; it does, so the message is sent and recorded."""
    recorded: list[bool] = []
    stop = threading.Event()
    with raw_smtp(hold_data=True) as server:

        def answer_late() -> None:
            server.holding.wait(30)
            stop.set()
            time.sleep(0.5)
            server.release.set()

        helper = threading.Thread(target=answer_late)
        helper.start()
        deliver(server, stop=stop, on_accepted=lambda: recorded.append(True))
        helper.join()
    assert recorded == [True]
    assert server.accepted == 1


def test_stop_while_the_server_never_answers_the_data_ends_in_doubt() -> None:
    stop = threading.Event()
    with raw_smtp(hold_data=True) as server:
        threading.Thread(target=lambda: server.holding.wait(30) and stop.set()).start()
        with pytest.raises(DigestError) as caught:
            deliver(server, stop=stop, timeout_s=30, on_accepted=lambda: pytest.fail("recorded"))
    assert str(caught.value) == (
        f"stopped during the SMTP exchange with 127.0.0.1:{server.port}: it may have been "
        "delivered (the next digest sends it again)"
    )
    assert caught.value.maybe_delivered is True


def test_stop_while_quit_is_held_ends_at_once_with_the_message_recorded() -> None:
    stop = threading.Event()
    recorded: list[bool] = []
    with raw_smtp(quit_reply=None) as server:
        threading.Thread(target=lambda: server.holding.wait(30) and stop.set()).start()
        deliver(server, stop=stop, on_accepted=lambda: recorded.append(True))
    assert recorded == [True]
    with pytest.raises(DigestError, match="stopped before connecting"):
        deliver(server, stop=stop)
