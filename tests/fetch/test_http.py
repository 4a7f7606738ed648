"""The fetcher against a real HTTP server on 127.0.0.1: politeness, retries and failures."""

from __future__ import annotations

import pytest

from monitor.config import HttpConfig
from monitor.fetch.http import Fetcher, FetchError, retry_after_seconds
from tests.conftest import LocalSite, Reply

FAST = HttpConfig(delay_s=0, jitter_s=0, timeout_s=2, max_retries=2)


class Sleeps:
    """Records the pauses the fetcher asks for, and really sleeps a tiny fraction of them."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def test_user_agent_names_project_and_contact(site: LocalSite) -> None:
    site.route("/p", Reply(200, "hello"))
    with Fetcher(HttpConfig(delay_s=0, contact_url="https://example.org/bot")) as f:
        assert f.get(f"{site.url}/p").text == "hello"
    ua = site.requests[-1]["headers"]["User-Agent"]
    assert ua.startswith("asicmon/")
    assert "https://example.org/bot" in ua


def test_robots_disallow_is_obeyed(site: LocalSite) -> None:
    site.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /private\n"))
    site.route("/private/p", Reply(200, "secret"))
    site.route("/public", Reply(200, "ok"))
    with Fetcher(FAST) as f:
        with pytest.raises(FetchError, match="disallowed by robots.txt"):
            f.get(f"{site.url}/private/p")
        assert f.get(f"{site.url}/public").text == "ok"
    assert "/private/p" not in site.paths()
    assert site.paths().count("/robots.txt") == 1  # cached per host


def test_robots_server_error_means_disallow(site: LocalSite) -> None:
    site.route("/robots.txt", Reply(500, "boom"))
    site.route("/p", Reply(200, "ok"))
    with (
        Fetcher(HttpConfig(delay_s=0, max_retries=0)) as f,
        pytest.raises(FetchError, match=r"robots.txt could not be read \(HTTP 500"),
    ):
        f.get(f"{site.url}/p")
    assert "/p" not in site.paths()


def test_429_waits_for_retry_after_then_succeeds(site: LocalSite) -> None:
    site.route("/p", Reply(429, "slow down", {"Retry-After": "7"}), Reply(200, "ok"))
    sleeps = Sleeps()
    with Fetcher(FAST, sleep=sleeps) as f:
        assert f.get(f"{site.url}/p").text == "ok"
    assert 7.0 in sleeps.calls
    assert site.paths().count("/p") == 2


def test_503_then_success_backs_off(site: LocalSite) -> None:
    site.route("/p", Reply(503, "busy"), Reply(503, "busy"), Reply(200, "ok"))
    sleeps = Sleeps()
    with Fetcher(FAST, sleep=sleeps) as f:
        assert f.get(f"{site.url}/p").text == "ok"
    backoffs = [s for s in sleeps.calls if s >= 1]
    assert backoffs == [1.0, 2.0]  # exponential


def test_persistent_5xx_fails_with_status(site: LocalSite) -> None:
    site.route("/p", Reply(502, "bad gateway"))
    with Fetcher(FAST, sleep=Sleeps()) as f, pytest.raises(FetchError, match="HTTP 502"):
        f.get(f"{site.url}/p")
    assert site.paths().count("/p") == 3  # first try + max_retries


def test_timeout_is_reported(site: LocalSite) -> None:
    site.route("/slow", Reply(200, "late", delay_s=1.5))
    cfg = HttpConfig(delay_s=0, jitter_s=0, timeout_s=0.3, max_retries=0)
    with Fetcher(cfg) as f, pytest.raises(FetchError, match="timed out after 0.3 s"):
        f.get(f"{site.url}/slow")


def test_response_size_limit(site: LocalSite) -> None:
    site.route("/big", Reply(200, b"x" * 2_000_000))
    cfg = HttpConfig(delay_s=0, max_response_mb=1)
    with Fetcher(cfg) as f, pytest.raises(FetchError, match="exceeds"):
        f.get(f"{site.url}/big")


def test_per_host_delay_between_requests(site: LocalSite) -> None:
    site.route("/p", Reply(200, "ok"))
    sleeps = Sleeps()
    cfg = HttpConfig(delay_s=4, jitter_s=0)
    with Fetcher(cfg, sleep=sleeps) as f:
        f.get(f"{site.url}/p")
        f.get(f"{site.url}/p")
    # robots.txt, then /p (waits), then /p (waits): each wait is close to the 4 s delay
    assert len(sleeps.calls) == 2
    assert all(3.5 < s <= 4 for s in sleeps.calls)


def test_crawl_delay_from_robots_raises_the_delay(site: LocalSite) -> None:
    site.route("/robots.txt", Reply(200, "User-agent: *\nCrawl-delay: 9\n"))
    site.route("/p", Reply(200, "ok"))
    sleeps = Sleeps()
    with Fetcher(HttpConfig(delay_s=1, jitter_s=0), sleep=sleeps) as f:
        f.get(f"{site.url}/p")
    assert sleeps.calls
    assert sleeps.calls[-1] > 8


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
