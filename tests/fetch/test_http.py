"""The fetcher against a real HTTP server on 127.0.0.1: politeness, retries and failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import HttpConfig
from monitor.fetch.http import Fetcher, FetchError, retry_after_seconds, tls_context
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


# -- a dead host reads as one: the connection error, not "robots.txt could not be read" ---------


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on (bound, then closed)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_dead_host_reads_connection_refused() -> None:
    port = closed_port()
    cfg = HttpConfig(delay_s=0, jitter_s=0, max_retries=0)
    with Fetcher(cfg, sleep=Sleeps()) as f, pytest.raises(FetchError) as err:
        f.get(f"http://127.0.0.1:{port}/shop/page")
    assert str(err.value).startswith(f"http://127.0.0.1:{port}/shop/page: connection refused")
    assert "robots.txt" not in str(err.value)


def test_unknown_host_reads_name_not_found() -> None:
    cfg = HttpConfig(delay_s=0, jitter_s=0, max_retries=0)
    with Fetcher(cfg, sleep=Sleeps()) as f, pytest.raises(FetchError) as err:
        f.get("http://shop.invalid/page")  # .invalid never resolves (RFC 6761)
    assert str(err.value).startswith("http://shop.invalid/page: host name not found (DNS)")
    assert "robots.txt" not in str(err.value)


def test_silent_robots_txt_reads_timed_out(site: LocalSite) -> None:
    site.route("/robots.txt", Reply(200, "User-agent: *\n", delay_s=1.0))
    site.route("/p", Reply(200, "ok"))
    cfg = HttpConfig(delay_s=0, jitter_s=0, timeout_s=0.3, max_retries=0)
    with Fetcher(cfg, sleep=Sleeps()) as f, pytest.raises(FetchError) as err:
        f.get(f"{site.url}/p")
    assert str(err.value).startswith(f"{site.url}/p: timed out after 0.3 s")
    assert "/p" not in site.paths()  # robots.txt unread: nothing else is fetched


# -- Crawl-delay is capped (http.max_crawl_delay_s) and said once per host ----------------------


@pytest.mark.parametrize(
    ("written", "waits", "says"),
    [
        ("100000", 60.0, "asks Crawl-delay 100000 s; capped to 60 s (http.max_crawl_delay_s)"),
        ("1e308", 60.0, "asks Crawl-delay 1e+308 s; capped to 60 s (http.max_crawl_delay_s)"),
        ("9", 9.0, None),
        ("-5", 0.0, "has Crawl-delay '-5', not a number of seconds: ignored"),
        ("nan", 0.0, "has Crawl-delay 'nan', not a number of seconds: ignored"),
        ("inf", 0.0, "has Crawl-delay 'inf', not a number of seconds: ignored"),
    ],
)
def test_crawl_delay_is_capped_and_logged_once_per_host(
    site: LocalSite, caplog: pytest.LogCaptureFixture, written: str, waits: float, says: str | None
) -> None:
    site.route("/robots.txt", Reply(200, f"User-agent: *\nCrawl-delay: {written}\n"))
    site.route("/p", Reply(200, "ok"))
    sleeps = Sleeps()
    caplog.set_level("INFO", logger="asicmon.fetch")
    with Fetcher(HttpConfig(delay_s=0, jitter_s=0), sleep=sleeps) as f:
        for _ in range(3):
            assert f.get(f"{site.url}/p").text == "ok"
    # robots.txt, then three pages: each request after the first waits the (capped) delay
    assert len(sleeps.calls) == (3 if waits else 0)
    assert all(waits - 1 < s <= waits for s in sleeps.calls)
    lines = [r.getMessage() for r in caplog.records if "Crawl-delay" in r.getMessage()]
    assert lines == ([f"robots.txt of {site.url} {says}"] if says else [])


def test_max_crawl_delay_is_a_config_key(site: LocalSite) -> None:
    site.route("/robots.txt", Reply(200, "User-agent: *\nCrawl-delay: 100000\n"))
    site.route("/p", Reply(200, "ok"))
    sleeps = Sleeps()
    with Fetcher(HttpConfig(delay_s=0, jitter_s=0, max_crawl_delay_s=5), sleep=sleeps) as f:
        f.get(f"{site.url}/p")
    assert len(sleeps.calls) == 1
    assert 4 < sleeps.calls[0] <= 5
    assert HttpConfig().max_crawl_delay_s == 60


# -- the validator cache keeps at most HTTP_CACHE_PER_HOST pages per host -----------------------


def test_validator_cache_is_bounded_per_host(
    site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A next link with a fresh token each time made a new row per page, for ever. Each host
    keeps its newest pages; another host's are not touched."""
    from monitor.store import Store, writes

    monkeypatch.setattr(writes, "HTTP_CACHE_PER_HOST", 5)
    site.route("/p", Reply(200, "page", {"ETag": '"v1"'}))
    other = site.url.replace("127.0.0.1", "localhost")  # one server, two hosts to the fetcher
    with Store(tmp_path / "cache.db") as store, Fetcher(FAST, cache=store) as f:
        f.get(f"{other}/p?token=kept")
        for token in range(8):
            f.get(f"{site.url}/p?token={token}")
        urls = [row[0] for row in store.db.execute("SELECT url FROM http_cache ORDER BY url")]
        assert urls == sorted(
            [f"{other}/p?token=kept"] + [f"{site.url}/p?token={t}" for t in range(3, 8)]
        )
        f.get(f"{site.url}/p?token=7")  # still cached: a conditional request
    assert site.requests[-1]["headers"].get("If-None-Match") == '"v1"'
    assert writes.HTTP_CACHE_PER_HOST == 5


def test_a_shutdown_during_the_delay_sends_nothing(site: LocalSite) -> None:
    """A pause cut short by the stop event ends the fetch: the request it was waiting for is
    not sent early (that would break the host's delay)."""
    import threading

    from monitor.fetch.http import Stopped

    site.route("/p", Reply(200, "ok"))
    stop = threading.Event()
    with Fetcher(HttpConfig(delay_s=30, jitter_s=0), stop=stop) as f:
        f.get(f"{site.url}/p", delay_s=0)
        threading.Timer(0.2, stop.set).start()
        with pytest.raises(Stopped):
            f.get(f"{site.url}/p")  # waits 30 s after the last request, until the stop
    assert site.paths() == ["/robots.txt", "/p"]


def test_fetchers_sharing_a_pace_dir_share_the_host_delay(site: LocalSite, tmp_path: Path) -> None:
    """The per-host delay counts from the last request any fetcher using the folder made (its
    file records when): a new fetcher, in any process, waits for it."""
    import threading
    import time

    from monitor.fetch.http import Stopped

    site.route("/p", Reply(200, "ok"))
    cfg = HttpConfig(delay_s=30, jitter_s=0)
    before = time.time()
    with Fetcher(cfg, pace_dir=tmp_path / "locks") as first:
        first.get(f"{site.url}/p", delay_s=0)
    [pace] = (tmp_path / "locks").iterdir()
    assert before <= float(pace.read_text(encoding="ascii")) <= time.time()
    stop = threading.Event()
    with Fetcher(cfg, pace_dir=tmp_path / "locks", stop=stop) as second:
        threading.Timer(0.3, stop.set).start()
        with pytest.raises(Stopped):  # still waiting out the first fetcher's delay
            second.get(f"{site.url}/p")
    assert site.paths() == ["/robots.txt", "/p"]
    alone = HttpConfig(delay_s=30, jitter_s=0, obey_robots=False)
    with Fetcher(alone) as f:  # without the folder, only its own requests count: no wait
        f.get(f"{site.url}/p")
    assert site.paths() == ["/robots.txt", "/p", "/p"]


# Making TLS settings loads the CA bundle (~20 ms of CPU); a crawl makes a fetcher per host.
def test_fetchers_share_one_tls_context(site: LocalSite) -> None:
    tls_context.cache_clear()
    site.route("/p", Reply(200, "hello"))
    for _ in range(3):
        with Fetcher(FAST) as f:
            assert f.get(f"{site.url}/p").text == "hello"
    info = tls_context.cache_info()
    assert (info.misses, info.hits) == (1, 2)


# The runs of one database (a daemon's jobs: fetchers sharing a pace_dir) read a host's
# robots.txt once a day, not once per run (RFC 9309: a read may be used for up to 24 hours).
def test_robots_txt_is_read_once_for_the_runs_of_one_database(
    site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import monitor.fetch.http as http

    site.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /private\n"))
    site.route("/p", Reply(200, "ok"))
    for _ in range(3):  # three runs, each with its own fetcher
        with Fetcher(FAST, pace_dir=tmp_path / "locks") as f:
            f.get(f"{site.url}/p")
            with pytest.raises(FetchError, match="disallowed by robots.txt"):
                f.get(f"{site.url}/private")
    assert site.paths().count("/robots.txt") == 1
    with Fetcher(FAST, pace_dir=tmp_path / "other-db-locks") as f:  # another database: its own
        f.get(f"{site.url}/p")
    with Fetcher(FAST) as f:  # no pace_dir (a one-off fetch): reads it
        f.get(f"{site.url}/p")
    assert site.paths().count("/robots.txt") == 3
    monkeypatch.setattr(http, "ROBOTS_TTL_S", 0.0)  # a day later: read again
    with Fetcher(FAST, pace_dir=tmp_path / "locks") as f:
        f.get(f"{site.url}/p")
    assert site.paths().count("/robots.txt") == 4


def test_a_robots_txt_that_failed_is_read_again_by_the_next_run(
    site: LocalSite, tmp_path: Path
) -> None:
    busy = Reply(503, "busy", headers={"Retry-After": "0"})  # robots.txt gets one retry
    site.route("/robots.txt", busy, busy, Reply(200, "User-agent: *\nAllow: /\n"))
    site.route("/p", Reply(200, "ok"))
    locks = tmp_path / "locks"
    with Fetcher(FAST, pace_dir=locks) as f, pytest.raises(FetchError, match="could not be read"):
        f.get(f"{site.url}/p")
    with Fetcher(FAST, pace_dir=locks) as f:  # not kept: the next run asks again
        assert f.get(f"{site.url}/p").text == "ok"
