"""Polite fetching, shared by every source kind.

One :class:`Fetcher` per process: it names the project in the User-Agent, obeys robots.txt
(including Crawl-delay), keeps a minimum delay with random jitter between two requests to the same
host, honours Retry-After on 429/503, backs off exponentially on other 5xx and transport errors,
and refuses responses larger than the configured maximum.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from protego import Protego

from monitor.config import HttpConfig

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 300.0


class FetchError(Exception):
    """A page could not be fetched; the message says which URL and why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class Stopped(FetchError):
    """The process is shutting down: no more requests."""


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


class ValidatorCache(Protocol):
    """Where conditional-request validators and the bodies they vouch for are kept."""

    def get(self, url: str) -> tuple[str | None, str | None, str] | None: ...

    def put(self, url: str, etag: str | None, last_modified: str | None, text: str) -> None: ...


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


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


class Fetcher:
    def __init__(
        self,
        cfg: HttpConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cache: ValidatorCache | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.cfg = cfg
        self.cache = cache
        self.stop = stop
        if stop is not None and sleep is time.sleep:
            sleep = stop.wait  # a shutdown cuts every pause short
        self.user_agent = cfg.agent()
        self._sleep = sleep
        self._clock = clock
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, Protego | None] = {}
        self.client = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(cfg.timeout_s),
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- politeness -------------------------------------------------------------------------
    def _wait_turn(self, host: str, delay_s: float) -> None:
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(self.user_agent) if robots else None
        wanted = max(delay_s, float(crawl_delay or 0))
        if wanted > 0:
            wanted += random.uniform(0, self.cfg.jitter_s)
        last = self._last_request.get(host)
        if last is not None:
            remaining = wanted - (self._clock() - last)
            if remaining > 0:
                self._sleep(remaining)

    def allowed(self, url: str, delay_s: float) -> bool:
        """Whether robots.txt of the URL's host lets this User-Agent fetch it."""
        if not self.cfg.obey_robots:
            return True
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin, delay_s)
        robots = self._robots[origin]
        return True if robots is None else robots.can_fetch(url, self.user_agent)

    def _load_robots(self, origin: str, delay_s: float) -> Protego | None:
        """``None`` means no robots.txt (allow all). An unreachable one means: disallow all."""
        try:
            resp = self._request(f"{origin}/robots.txt", delay_s, retries=1)
        except FetchError:
            return Protego.parse("User-agent: *\nDisallow: /")
        if resp.status >= 500:
            return Protego.parse("User-agent: *\nDisallow: /")
        if resp.status >= 400:
            return None
        return Protego.parse(resp.text)

    # -- fetching ---------------------------------------------------------------------------
    def get(self, url: str, *, delay_s: float | None = None) -> Fetched:
        """Fetch ``url`` politely; raise :class:`FetchError` unless the answer is a 2xx page."""
        if self.stop is not None and self.stop.is_set():
            raise Stopped(url, "stopped by shutdown")
        delay = self.cfg.delay_s if delay_s is None else delay_s
        if not self.allowed(url, delay):
            raise FetchError(url, "disallowed by robots.txt")
        cached = self.cache.get(url) if self.cache else None
        headers = {}
        if cached:
            if cached[0]:
                headers["If-None-Match"] = cached[0]
            if cached[1]:
                headers["If-Modified-Since"] = cached[1]
        resp = self._request(url, delay, retries=self.cfg.max_retries, headers=headers)
        if resp.status == 304 and cached:
            return replace(resp, status=200, text=cached[2], not_modified=True)
        if resp.status >= 400:
            raise FetchError(url, f"HTTP {resp.status}")
        if self.cache and (resp.etag or resp.last_modified):
            self.cache.put(url, resp.etag, resp.last_modified, resp.text)
        return resp

    def _request(
        self, url: str, delay_s: float, *, retries: int, headers: dict[str, str] | None = None
    ) -> Fetched:
        host = _origin(url)
        attempt = 0
        retry_after: str | None = None
        while True:
            self._wait_turn(host, delay_s)
            try:
                resp = self._send(url, headers or {})
            except httpx.TimeoutException:
                self._last_request[host] = self._clock()
                reason = f"timed out after {self.cfg.timeout_s:g} s"
                if attempt >= retries:
                    raise FetchError(url, reason) from None
            except httpx.TransportError as exc:
                self._last_request[host] = self._clock()
                reason = f"connection failed: {exc}"
                if attempt >= retries:
                    raise FetchError(url, reason) from None
            else:
                self._last_request[host] = self._clock()
                if resp.status not in RETRY_STATUSES or attempt >= retries:
                    return resp
                reason = f"HTTP {resp.status}"
                retry_after = resp.retry_after
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

    def _send(self, url: str, headers: dict[str, str]) -> Fetched:
        limit = int(self.cfg.max_response_mb * 1024 * 1024)
        with self.client.stream("GET", url, headers=headers) as resp:
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(
                    url, f"response of {int(declared)} bytes exceeds the {limit} limit"
                )
            chunks, size = [], 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(url, f"response exceeds the {limit}-byte limit")
                chunks.append(chunk)
            body = b"".join(chunks)
            encoding = resp.charset_encoding or "utf-8"
            text = body.decode(encoding, errors="replace")
            return Fetched(
                url=str(resp.url),
                status=resp.status_code,
                text=text,
                bytes=size,
                retry_after=resp.headers.get("Retry-After"),
                etag=resp.headers.get("ETag"),
                last_modified=resp.headers.get("Last-Modified"),
            )
