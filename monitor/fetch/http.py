"""Polite fetching, shared by every source kind.

One :class:`Fetcher` per process: it names the project in the User-Agent, obeys robots.txt
(including Crawl-delay, capped at ``http.max_crawl_delay_s``), keeps a minimum delay with
random jitter between two requests to the same host, honours Retry-After on 429/503, backs off
exponentially on other 5xx and transport errors, and refuses responses larger than the configured
maximum.
"""

from __future__ import annotations

import codecs
import contextlib
import fcntl
import functools
import logging
import math
import os
import random
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

from protego import Protego

from monitor.config import HttpConfig
from monitor.fetch import watchdog
from monitor.redact import redact_url
from scrapers import path_sign

if TYPE_CHECKING:  # httpx is imported when a fetcher is made: not by what only reads
    import ssl

    import httpx

log = logging.getLogger("asicmon.fetch")

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 300.0
MAX_REDIRECTS = 5
_LOGIN_PATH = re.compile(
    r"/(?:log-?in|sign-?in|sign_in|signin|auth|sso|session/new|password)(?:[/?.#_-]|$)", re.I
)
_BINARY_TYPES = ("image/", "audio/", "video/", "font/", "application/pdf", "application/zip",
                 "application/octet-stream", "application/gzip", "application/x-")  # fmt: skip
_HINTS = {
    401: "login required",
    403: "access denied",
    404: "not found, check the URL",
    410: "gone",
    429: "rate limited",
}


class FetchError(Exception):
    """A page could not be fetched; the message says which URL and why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = redact_url(url)
        self.reason = reason
        super().__init__(f"{self.url}: {reason}")


class Stopped(FetchError):
    """The process is shutting down: no more requests."""


class Unreachable(FetchError):
    """The host did not answer at all: refused, reset, unknown name, TLS failure, timed out."""


@dataclass(frozen=True, slots=True)
class Fetched:
    url: str
    status: int
    text: str
    bytes: int
    retry_after: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # a 304 answered from the validator cache
    content_type: str = ""  # the media type, lower-cased, without parameters
    bad_bytes: int = 0  # byte sequences that were not valid in the page's encoding (replaced)
    location: str | None = None  # of a redirect
    phrase: str = ""  # the status line's reason phrase


class ValidatorCache(Protocol):
    """Where conditional-request validators and the bodies they vouch for are kept."""

    def get(self, url: str) -> tuple[str | None, str | None, str] | None: ...

    def put(self, url: str, etag: str | None, last_modified: str | None, text: str) -> None: ...


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def site_of(url: str) -> str:
    """The host a source lives on, for same-site checks: lower-cased, without ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def describe_status(status: int, phrase: str = "") -> str:
    """``HTTP 403 Forbidden (access denied)``: the code, its phrase and what it means here."""
    text = f"HTTP {status}" + (f" {phrase}" if phrase else "")
    hint = _HINTS.get(status) or ("server error" if status >= 500 else None)
    return f"{text} ({hint})" if hint else text


def wall_marker(text: str) -> str | None:
    """What shows a bot-wall or challenge page, or None (looks at the first 200 KB only). The
    signs are the ones the HTML scrapers look for (:mod:`scrapers._walls`)."""
    from scrapers._html import wall_sign

    return wall_sign(text[:200_000])


def decode(body: bytes, charset: str | None) -> tuple[str, int]:
    """The body as text and how many invalid byte sequences were replaced (U+FFFD)."""
    encoding = "utf-8"
    if charset:
        try:
            encoding = codecs.lookup(charset).name
        except LookupError:
            encoding = "utf-8"  # an unknown charset name: UTF-8 is the web's default
    try:
        return body.decode(encoding), 0
    except UnicodeDecodeError:
        text = body.decode(encoding, errors="replace")
        already = body.count(b"\xef\xbf\xbd") if encoding == "utf-8" else 0
        return text, max(1, text.count("\ufffd") - already)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The TLS settings every client shares (httpx's defaults: certifi's CA bundle, or
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``). Making them loads the CA bundle, ~20 ms of CPU, and a
    crawl makes a fetcher per host: 32 hosts cost 0.6 s before the first request."""
    import httpx

    return httpx.create_ssl_context()


# robots.txt as read by fetchers sharing a pace_dir (the runs of one database: a daemon's jobs),
# kept for later runs in this process: RFC 9309 lets a crawler use a read for up to 24 hours, and
# a source of one page every 30 minutes would otherwise fetch robots.txt as often as the page.
# Keyed by (pace_dir, origin); a read that failed (unreachable, 5xx) is never kept.
ROBOTS_TTL_S = 24 * 3600.0
ROBOTS_KEPT = 2_000  # origins (the oldest read goes first)
_ROBOTS_READ: dict[tuple[str, str], tuple[float, Protego | None]] = {}
_ROBOTS_LOCK = threading.Lock()


class Fetcher:
    def __init__(
        self,
        cfg: HttpConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cache: ValidatorCache | None = None,
        stop: threading.Event | None = None,
        pace_dir: Path | None = None,
    ) -> None:
        self.cfg = cfg
        self.pace_dir = pace_dir  # shared per-host pacing files (see _turn), or in-process only
        self.cache = cache
        self.stop = stop
        if stop is not None and sleep is time.sleep:
            sleep = stop.wait  # a shutdown cuts every pause short
        self.user_agent = cfg.agent()
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._pace_fds: dict[str, int] = {}  # host: its open pacing file (pace_dir)
        self._robots: dict[str, Protego | None] = {}
        self._robots_trouble: dict[str, str] = {}  # origin: why its robots.txt was unreadable
        self._unreachable: set[str] = set()  # origins whose robots.txt got no answer at all
        self._crawl_delay_said: set[str] = set()  # origins whose odd Crawl-delay was logged
        self._sockets: list[socket.socket] = []  # of this fetcher's connections (watchdog)
        import httpx

        self.client = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(cfg.timeout_s),
            follow_redirects=False,
            transport=transport,
            verify=tls_context(),
        )

    def close(self) -> None:
        self.client.close()
        for fd in self._pace_fds.values():
            os.close(fd)
        self._pace_fds.clear()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness -------------------------------------------------------------------------
    def _wait_turn(self, host: str, delay_s: float) -> float:
        """Wait out this fetcher's own delay since its last request to ``host``; returns the
        delay wanted (``delay_s`` or robots.txt's Crawl-delay, plus jitter)."""
        wanted = max(delay_s, self._crawl_delay(host))
        if wanted > 0:
            wanted += random.uniform(0, self.cfg.jitter_s)
        last = self._last_request.get(host)
        if last is not None:
            remaining = wanted - (self._clock() - last)
            if remaining > 0:
                self._sleep(remaining)
        return wanted

    @contextlib.contextmanager
    def _turn(self, url: str, host: str, delay_s: float) -> Iterator[None]:
        """One request's turn at ``host``: the delay since the last request to it is kept, then
        the request runs, then its end time is recorded.

        Without ``pace_dir`` the delay is this fetcher's own. With it, every fetcher and every
        process using the same folder (``asicmon run`` beside ``asicmon scrape``, two daemon
        jobs on one host) share it: a file per host holds the wall-clock end of the last request
        to that host, and its ``flock`` is held during a request, so no two are ever in flight
        to one host and each starts at least the delay after the one before, whoever made it.
        A shutdown during the wait sends nothing (:class:`Stopped`)."""
        wanted = self._wait_turn(host, delay_s)
        fd = self._pace_fd(host) if self.pace_dir is not None else None
        if fd is not None:
            self._take_turn(url, fd, wanted)  # returns holding the host's lock
        sent = False
        try:
            if self.stop is not None and self.stop.is_set():
                raise Stopped(url, "stopped by shutdown")  # the wait was cut short: send nothing
            sent = True
            yield
        finally:
            if sent:
                self._last_request[host] = self._clock()
            if fd is not None:
                try:
                    if sent:
                        os.ftruncate(fd, 0)
                        os.pwrite(fd, f"{time.time():.6f}".encode("ascii"), 0)
                finally:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def _take_turn(self, url: str, fd: int, wanted: float) -> None:
        """Wait until the last request any process made to the host ended ``wanted`` seconds
        ago, then hold the host's lock. The lock is not held while waiting (the other process
        may go first; this one then waits again)."""
        while True:
            self._lock_pace(url, fd)
            try:
                raw = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
                last = float(raw) if raw else None
            except ValueError:
                last = None
            except BaseException:
                fcntl.flock(fd, fcntl.LOCK_UN)
                raise
            # a time in the future (the clock was set back) waits at most the delay
            left = 0.0 if last is None else min(wanted, wanted - (time.time() - last))
            if left <= 0:
                return
            fcntl.flock(fd, fcntl.LOCK_UN)
            self._pause(url, left)

    def _pace_fd(self, host: str) -> int:
        """The open pacing file of ``host`` in ``pace_dir`` (one per host and fetcher)."""
        fd = self._pace_fds.get(host)
        if fd is None:
            assert self.pace_dir is not None
            safe = re.sub(r"[^A-Za-z0-9.-]+", "_", host.split("://", 1)[-1])[:80]
            tag = zlib.crc32(host.encode("utf-8"))
            path = self.pace_dir / f"host-{safe}-{tag:08x}.lock"
            self.pace_dir.mkdir(parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = self._pace_fds[host] = os.open(path, flags, 0o644)
        return fd

    def _lock_pace(self, url: str, fd: int) -> None:
        """Take a host's pacing lock, polling so that a shutdown is not held up by it."""
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                self._pause(url, 0.02)

    def _pause(self, url: str, seconds: float) -> None:
        """A real pause (another process's turn), cut short by a shutdown."""
        if self.stop is None:
            time.sleep(seconds)
        elif self.stop.wait(seconds):
            raise Stopped(url, "stopped by shutdown")

    def _crawl_delay(self, host: str) -> float:
        """robots.txt's Crawl-delay for ``host``, at most ``http.max_crawl_delay_s``: a site
        asking 100000 s would stall a run for a day per page, unseen. A capped value is logged,
        once per host (an ignored one is logged when robots.txt is read: :meth:`_odd_delays`)."""
        robots = self._robots.get(host)
        asked = robots.crawl_delay(self.user_agent) if robots else None
        if asked is None or not math.isfinite(asked) or asked < 0:
            return 0.0
        cap = self.cfg.max_crawl_delay_s
        if asked > cap:
            self._say_once(host, f"asks Crawl-delay {asked:g} s; capped to {cap:g} s "
                           "(http.max_crawl_delay_s)")  # fmt: skip
            return cap
        return float(asked)

    def _odd_delays(self, origin: str, text: str) -> None:
        """Log (once per host) a Crawl-delay that is no number of seconds (negative, NaN,
        infinite, words): it is ignored, so the configured delay applies."""
        for match in _CRAWL_DELAY.finditer(text[:500_000]):
            value = match.group(1)
            try:
                seconds = float(value)
            except ValueError:
                seconds = math.nan
            if not (math.isfinite(seconds) and seconds >= 0):
                shown = repr(value[:20])
                self._say_once(origin, f"has Crawl-delay {shown}, not a number of seconds: ignored")
                return

    def _say_once(self, origin: str, what: str) -> None:
        if origin not in self._crawl_delay_said:
            self._crawl_delay_said.add(origin)
            log.warning("robots.txt of %s %s", redact_url(origin), what)

    def allowed(self, url: str, delay_s: float) -> bool:
        """Whether robots.txt of the URL's host lets this User-Agent fetch it."""
        if not self.cfg.obey_robots:
            return True
        origin = _origin(url)
        if origin not in self._robots:
            key = (str(self.pace_dir), origin) if self.pace_dir is not None else None
            with _ROBOTS_LOCK:
                kept = _ROBOTS_READ.get(key) if key else None
            if kept is not None and time.monotonic() - kept[0] < ROBOTS_TTL_S:
                self._robots[origin] = kept[1]
            else:
                self._robots[origin] = self._load_robots(origin, delay_s)
                if key and origin not in self._robots_trouble:  # never keep a failed read
                    with _ROBOTS_LOCK:
                        _ROBOTS_READ.pop(key, None)
                        _ROBOTS_READ[key] = (time.monotonic(), self._robots[origin])
                        while len(_ROBOTS_READ) > ROBOTS_KEPT:
                            del _ROBOTS_READ[next(iter(_ROBOTS_READ))]  # the oldest read
        robots = self._robots[origin]
        return True if robots is None else robots.can_fetch(url, self.user_agent)

    def _load_robots(self, origin: str, delay_s: float) -> Protego | None:
        """``None`` means no robots.txt (allow all). An unreachable one means: disallow all."""
        url = f"{origin}/robots.txt"
        try:
            resp = self._request(url, delay_s, retries=1)
            for _hop in range(MAX_REDIRECTS):  # e.g. http -> https, or to www.
                if resp.status not in (301, 302, 303, 307, 308) or not resp.location:
                    break
                url = urljoin(url, resp.location)
                if site_of(url) != site_of(origin):
                    return None  # robots.txt elsewhere: treat as absent
                resp = self._request(url, delay_s, retries=1)
        except Stopped:
            raise  # a shutdown says nothing about robots.txt: read it next time
        except FetchError as exc:
            self._robots_trouble[origin] = exc.reason
            if isinstance(exc, Unreachable):
                self._unreachable.add(origin)
            return Protego.parse("User-agent: *\nDisallow: /")
        if resp.status >= 500:
            self._robots_trouble[origin] = describe_status(resp.status, resp.phrase)
            return Protego.parse("User-agent: *\nDisallow: /")
        if resp.status >= 400:
            return None
        self._odd_delays(origin, resp.text)
        return Protego.parse(resp.text)

    def _robots_refusal(self, url: str) -> FetchError:
        """Why ``url`` is not fetched when robots.txt says no. A host that did not answer for
        its robots.txt reads as what happened ("connection refused", "timed out after 30 s"),
        the same as a page of it would; one that answered badly says robots.txt was unreadable."""
        origin = _origin(url)
        trouble = self._robots_trouble.get(origin)
        if trouble and origin in self._unreachable:
            return Unreachable(url, trouble)
        if trouble:
            return FetchError(url, f"robots.txt could not be read ({trouble}): nothing is fetched"
                              " from this host until it can")  # fmt: skip
        return FetchError(url, "disallowed by robots.txt")

    # -- fetching ---------------------------------------------------------------------------
    def get(self, url: str, *, delay_s: float | None = None) -> Fetched:
        """Fetch ``url`` politely; raise :class:`FetchError` unless the answer is a 2xx page.

        Redirects are followed by hand, at most :data:`MAX_REDIRECTS`, only on the same site
        (``www.`` aside) and only where robots.txt allows: a redirect to another host or to a
        login page is an error, not content.
        """
        if self.stop is not None and self.stop.is_set():
            raise Stopped(url, "stopped by shutdown")
        delay = self.cfg.delay_s if delay_s is None else delay_s
        first = url
        for _hop in range(MAX_REDIRECTS + 1):
            if not self.allowed(url, delay):
                raise self._robots_refusal(url)
            cached = self.cache.get(url) if self.cache else None
            headers = {}
            if cached:
                if cached[0]:
                    headers["If-None-Match"] = cached[0]
                if cached[1]:
                    headers["If-Modified-Since"] = cached[1]
            resp = self._request(url, delay, retries=self.cfg.max_retries, headers=headers)
            if resp.status in (301, 302, 303, 307, 308) and resp.location:
                url = self._redirect_target(first, url, resp.location)
                continue
            break
        else:
            raise FetchError(first, f"more than {MAX_REDIRECTS} redirects (a redirect loop?)")
        if resp.status == 304 and cached:
            return replace(resp, status=200, text=cached[2], not_modified=True)
        if resp.status >= 300:
            reason = describe_status(resp.status, resp.phrase)
            marker = wall_marker(resp.text) if resp.status in (403, 429, 503) else None
            if marker:
                reason += f"; a bot wall answered ({marker})"
            elif resp.status in RETRY_STATUSES and self.cfg.max_retries:
                reason += f", still after {self.cfg.max_retries + 1} attempts"
            raise FetchError(url, reason)
        if self.cache and (resp.etag or resp.last_modified):
            self.cache.put(url, resp.etag, resp.last_modified, resp.text)
        return resp

    def _redirect_target(self, first: str, current: str, location: str) -> str:
        target = urljoin(current, location)
        scheme = urlsplit(target).scheme
        if scheme not in ("http", "https"):
            raise FetchError(first, f"redirected to a non-web address ({redact_url(target)})")
        path = urlsplit(target).path
        elsewhere = site_of(target) != site_of(first)
        where = f"{urlsplit(target).hostname}{path}" if elsewhere else path
        if path_sign(path) is not None:
            raise FetchError(first, f"bot wall: redirected to a challenge page ({where})")
        if _LOGIN_PATH.search(path):
            raise FetchError(first, f"login required: redirected to {where}")
        if elsewhere:
            raise FetchError(
                first,
                f"redirected to another host ({urlsplit(target).hostname}), not followed: "
                "only the source's own site is fetched; if the shop moved, update its url",
            )
        return target

    def _request(
        self, url: str, delay_s: float, *, retries: int, headers: dict[str, str] | None = None
    ) -> Fetched:
        import httpx

        host = _origin(url)
        attempt = 0
        retry_after: str | None = None
        while True:
            silent = False  # no answer at all (Unreachable), not a bad one
            try:
                with self._turn(url, host, delay_s):
                    resp = self._send(url, headers or {})
            except httpx.TimeoutException:
                reason, silent = f"timed out after {self.cfg.timeout_s:g} s", True
            except httpx.RemoteProtocolError as exc:
                reason = f"truncated or malformed response ({exc})"
            except Truncated as exc:
                reason = exc.reason
            except httpx.TransportError as exc:
                reason, silent = _transport_reason(exc), True
            except httpx.DecodingError as exc:
                reason = f"the body could not be decoded as its Content-Encoding says ({exc})"
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchError(url, f"request failed: {type(exc).__name__}: {exc}") from None
            else:
                if resp.status not in RETRY_STATUSES or attempt >= retries:
                    return resp
                reason = describe_status(resp.status, resp.phrase)
                retry_after = resp.retry_after
            if retry_after is None and attempt >= retries:
                raise (Unreachable if silent else FetchError)(url, reason + (
                    f", still after {attempt + 1} attempts" if attempt else ""))  # fmt: skip
            attempt += 1
            backoff = min(60.0, max(delay_s, 1.0) * 2 ** (attempt - 1))
            hinted = retry_after_seconds(retry_after)
            retry_after = None
            if hinted is not None:
                if hinted > MAX_RETRY_AFTER_S:
                    raise FetchError(
                        url, f"{reason}; server asks to wait {hinted:.0f} s, giving up"
                    )
                backoff = max(backoff, hinted)
            self._sleep(backoff)
            if self.stop is not None and self.stop.is_set():
                raise Stopped(url, "stopped by shutdown")

    def _trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: note each new connection's socket, for the watchdog."""
        if event == "connection.connect_tcp.complete":
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                self._sockets = [s for s in self._sockets if s.fileno() != -1] + [sock]

    def _expire(self, expired: threading.Event) -> None:
        """The watchdog: the answer is late, so cut this fetcher's connections (a blocked read
        wakes up with an error). Only this thread uses them; idle ones just reconnect."""
        expired.set()
        for sock in self._sockets:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def _send(self, url: str, headers: dict[str, str]) -> Fetched:
        """One GET, read within the limits: ``max_response_mb`` bytes, no silence longer than
        ``timeout_s`` and at most twice that for the whole answer. httpx's timeout is per read,
        so a server dripping its headers or body a byte at a time would pass it: the watchdog
        (:mod:`monitor.fetch.watchdog`, one thread for all requests) cuts the connection."""
        import httpx

        expired = threading.Event()
        token = watchdog.shared().arm(2 * self.cfg.timeout_s, lambda: self._expire(expired))
        try:
            return self._read(url, headers)
        except (httpx.HTTPError, Truncated):
            if expired.is_set():
                raise Truncated(
                    f"too slow: the response was not complete after {2 * self.cfg.timeout_s:g} s"
                ) from None
            raise
        finally:
            watchdog.shared().disarm(token)

    def _read(self, url: str, headers: dict[str, str]) -> Fetched:
        limit = int(self.cfg.max_response_mb * 1024 * 1024)
        deadline = self._clock() + 2 * self.cfg.timeout_s
        with self.client.stream(
            "GET", url, headers=headers, extensions={"trace": self._trace}
        ) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    url,
                    f"response of {int(declared):,} bytes exceeds the {limit:,}-byte limit"
                    " (max_response_mb)",
                )
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(
                        url, f"response exceeds the {limit:,}-byte limit (max_response_mb)"
                    )
                if self._clock() > deadline:
                    raise Truncated(
                        "too slow: the response was not complete after"
                        f" {2 * self.cfg.timeout_s:g} s ({size:,} bytes so far)"
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            media = resp.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            text, bad = decode(body, resp.charset_encoding)
            if resp.status_code < 300 and "html" in media and _cut_html(text):
                raise Truncated(f"truncated response: the HTML stops after {size:,} bytes"
                                " without </html>")  # fmt: skip
            return Fetched(
                url=str(resp.url),
                status=resp.status_code,
                text=text,
                bytes=size,
                retry_after=resp.headers.get("Retry-After"),
                etag=resp.headers.get("ETag"),
                last_modified=resp.headers.get("Last-Modified"),
                content_type=media,
                bad_bytes=bad,
                location=resp.headers.get("Location"),
                phrase=resp.reason_phrase,
            )


class Truncated(Exception):
    """The body did not arrive whole; worth another try."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _cut_html(text: str) -> bool:
    """An HTML document that opens ``<html`` but never closes it was cut off in transit."""
    head = text[:4096].lower()
    return "<html" in head and "</html" not in text[-65536:].lower()


def _transport_reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    low = text.lower()
    if "reset" in low or "errno 104" in low:
        return "connection reset by the server"
    if "refused" in low or "errno 111" in low:
        return "connection refused (is the site down or the URL wrong?)"
    if any(sign in low for sign in _NO_NAME):
        return "host name not found (DNS)"
    if "ssl" in low or "certificate" in low:
        return f"TLS/SSL error: {text}"
    return f"connection failed: {text}"


_NO_NAME = ("name or service not known", "nodename nor servname", "getaddrinfo",
            "name resolution", "no address associated")  # fmt: skip
_CRAWL_DELAY = re.compile(r"^[ \t]*crawl-delay[ \t]*:[ \t]*([^\s#]*)", re.I | re.M)


def is_binary(media: str) -> bool:
    """A media type no scraper can read (images, archives, PDFs...)."""
    return media.startswith(_BINARY_TYPES)
