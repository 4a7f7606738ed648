"""`asicmon scrape` against a server that misbehaves in every way the web does.

Each fault is its own source, all in one cycle as a user runs it: every run ends with a status
and a reason a user understands, the good sources beside them are saved, a failed page stores
nothing, and nothing hangs or eats memory.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.jobs.collect import ParsePool, run_cycle
from scrapers.base import Page, ParseError, Source
from tests.fault_server import CSS_SELECTORS, FaultServer

# fault: (status, words the reason must hold)
EXPECTED = {
    "429-retry-after": ("failed", "HTTP 429 Too Many Requests (rate limited), still after 2"),
    "429-bare": ("failed", "HTTP 429 Too Many Requests (rate limited), still after 2"),
    "500": ("failed", "HTTP 500 Internal Server Error (server error), still after 2 attempts"),
    "502": ("failed", "HTTP 502 Bad Gateway (server error)"),
    "503": ("failed", "HTTP 503 Service Unavailable (server error)"),
    "reset": ("failed", "connection reset by the server, still after 2 attempts"),
    "drip": ("failed", "too slow: the response was not complete after 3 s"),
    "drip-headers": ("failed", "too slow: the response was not complete after 3 s"),
    "truncated-length": ("failed", "truncated or malformed response"),
    "truncated-chunked": ("failed", "truncated or malformed response"),
    "truncated-close": ("failed", "truncated response: the HTML stops after"),
    "huge": ("failed", "response exceeds the 2,097,152-byte limit (max_response_mb)"),
    "huge-declared": ("failed", "response of 52,428,800 bytes exceeds the 2,097,152-byte limit"),
    "bad-gzip": ("failed", "the body could not be decoded as its Content-Encoding says"),
    "wrong-type": ("failed", "expected HTML, got image/png"),
    "botwall": ("failed", "HTTP 403 Forbidden (access denied); a bot wall answered"),
    "botwall-200": ("failed", "bot wall instead of content"),
    "needs-login": ("failed", "login required: redirected to /account/login"),
    "needs-signin": ("failed", "login required: the site answered with a login form"),
    "not-http": ("failed", "truncated or malformed response"),
    "to-captcha": ("failed", "bot wall: redirected to a challenge page (/splashui/captcha)"),
    "sso-elsewhere": ("failed", "login required: redirected to accounts.example.com/signin"),
    "offsite": ("failed", "redirected to another host (evil.example), not followed"),
    "redirect-loop": ("failed", "more than 5 redirects (a redirect loop?)"),
    "loop": ("suspect", "pagination loop: the next-page link points back to"),
    "loop-content": ("suspect", "pagination loop: this page repeats"),
    "bad-utf8": ("ok", "invalid byte sequence(s) in the pages' encoding were replaced"),
}
# source: observations (3 css pages x 3 listings; one Shopify page x 2)
GOOD = {"ok": 9, "shop-json": 2, "bogus-charset": 9}


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def css(name: str, url: str, max_pages: int = 5) -> str:
    return (f'  - {{name: "{name}", kind: css, url: "{url}", max_pages: {max_pages}, '
            f"min_listings: 0, selectors: {json.dumps(CSS_SELECTORS)}}}\n")  # fmt: skip


def write_config(tmp_path: Path, body: str, *, extra_http: str = "") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        "database: faults.db\n"
        "http: {delay_s: 0, jitter_s: 0, timeout_s: 1.5, max_retries: 1, max_response_mb: 2"
        f"{extra_http}}}\nsources:\n{body}",
        encoding="utf-8",
    )
    return path


@pytest.mark.slow
def test_every_fault_ends_with_a_clear_reason_and_others_carry_on(
    tmp_path: Path, faults: FaultServer
) -> None:
    body = css("ok", f"{faults.url}/ok/1") + css("bogus-charset", f"{faults.url}/bogus-charset/1")
    body += f'  - {{name: shop-json, kind: shopify, url: "{faults.url}/ok", min_listings: 0}}\n'
    body += f'  - {{name: json-wall, kind: shopify, url: "{faults.url}/botwall-200"}}\n'
    for fault in EXPECTED:
        body += css(fault, f"{faults.url}/{fault}/1")
    config = write_config(tmp_path, body)

    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--config", str(config), "scrape"])
    took = time.monotonic() - started
    assert result.exit_code == 1, result.output  # some sources failed
    assert "Traceback" not in result.output
    assert took < 90, f"a fault made the cycle hang ({took:.0f} s)"

    db = sqlite3.connect(tmp_path / "faults.db")
    runs = {name: (status, reason, fin) for name, status, reason, fin in db.execute(
        "SELECT source, status, reason, finished_at FROM runs")}  # fmt: skip
    saved = dict(db.execute(
        "SELECT l.source, count(*) FROM observations o JOIN listings l ON l.key = o.listing_key "
        "GROUP BY l.source"))  # fmt: skip
    assert all(fin for *_, fin in runs.values()), "every run is finished"
    for fault, (status, words) in EXPECTED.items():
        got_status, reason, _ = runs[fault]
        assert (got_status, fault) == (status, fault), reason
        assert words in (reason or ""), (fault, reason)
        assert f"{fault}: {status}" in result.output, fault
        assert words in result.output, fault
        if status == "failed":  # nothing of a failed page is stored
            assert saved.get(fault, 0) == 0, fault
    assert runs["json-wall"][0] == "failed"
    assert runs["json-wall"][1].startswith(f"{faults.url}/botwall-200/products.json")
    assert "bot wall answered instead of JSON" in runs["json-wall"][1]
    for name, count in GOOD.items():
        assert runs[name][0] == "ok", runs[name]
        assert saved[name] == count, name
    # the pages before a pagination loop are real and kept: 2 pages of 3 listings, 1 page of 3
    assert saved["loop"] == 6
    assert saved["loop-content"] == 3
    # invalid bytes are replaced, the listings kept
    titles = [t for (t,) in db.execute("SELECT title FROM listings WHERE source = 'bad-utf8'")]
    assert len(titles) == 9
    assert all("\ufffd" in t for t in titles)
    # nothing was fetched off-site, and the redirect loop was cut at 6 requests
    assert not [h for h in faults.hits if "evil" in h]
    assert sum(h.startswith("/redirect-loop/") for h in faults.hits) == 6
    assert "invalid" not in db.execute("PRAGMA integrity_check").fetchone()[0]


def test_huge_body_memory_stays_bounded(tmp_path: Path, faults: FaultServer) -> None:
    """A 50 MB answer without Content-Length is read only up to max_response_mb (2 MB)."""
    cfg = load_config(write_config(tmp_path, css("huge", f"{faults.url}/huge/1")))
    tracemalloc.start()
    try:
        (result,) = run_cycle(cfg)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status == "failed"
    assert "exceeds the 2,097,152-byte limit" in (result.reason or "")
    assert peak < 12 * 1024 * 1024, f"peak {peak:,} bytes for a 2 MB limit"


def test_a_parser_bug_fails_its_run_with_traceback_and_others_are_saved(
    tmp_path: Path, faults: FaultServer, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    from scrapers.css import Css

    real = Css.parse

    def buggy(self: Css, text: str, url: str) -> Page:
        if "/broken/" in url:
            return {"not": "a page"}["listings"]  # type: ignore[return-value]  # a KeyError
        return real(self, text, url)

    monkeypatch.setattr(Css, "parse", buggy)
    config = write_config(tmp_path, css("broken", f"{faults.url}/ok/broken/1", 1)
                          + css("fine", f"{faults.url}/ok/1"))  # fmt: skip
    with caplog.at_level(logging.ERROR, logger="asicmon"):
        results = {r.source: r for r in run_cycle(load_config(config))}
    assert results["broken"].status == "failed"
    assert "crashed: KeyError" in (results["broken"].reason or "")
    assert "traceback in the log" in (results["broken"].reason or "")
    assert "Traceback" in caplog.text
    assert "in buggy" in caplog.text
    assert results["fine"].status == "ok"
    assert results["fine"].observations == 9


class DiesWhileParsing(Source):
    """A parser that takes its whole process down (as a segfault in C code or the OOM killer
    would). No ``kind``: never registered as a source kind."""

    def parse(self, text: str, url: str) -> Page:
        import os

        if "die" in text:
            os._exit(3)
        return Page([])


def test_a_dying_parser_process_fails_one_page_and_the_pool_recovers() -> None:
    pool = ParsePool(1)
    try:
        src = DiesWhileParsing("http://127.0.0.1/x")
        with pytest.raises(ParseError, match="the parser process died"):
            pool(src, "die", "http://127.0.0.1/x")
        assert pool(src, "fine", "http://127.0.0.1/x") == Page([])
    finally:
        pool.close()


class RaisesWhileParsing(Source):
    def parse(self, text: str, url: str) -> Page:
        return {"not": "a page"}["listings"]  # type: ignore[return-value]


def test_a_parser_bug_in_a_worker_process_comes_back_with_its_traceback() -> None:
    """With several hosts, pages parse in worker processes: the bug's traceback (from the
    worker) reaches the log that ``run_source`` writes, and the pool keeps working."""
    pool = ParsePool(1)
    try:
        with pytest.raises(KeyError) as caught:
            pool(RaisesWhileParsing("http://127.0.0.1/x"), "x", "http://127.0.0.1/x")
        assert "in parse" in str(caught.value.__cause__)  # the worker's traceback
        assert pool(DiesWhileParsing("http://127.0.0.1/x"), "ok", "http://127.0.0.1/y") == Page([])
    finally:
        pool.close()


@pytest.mark.slow
def test_parse_workers_exit_when_their_parent_is_killed() -> None:
    """kill -9 of the daemon must not leave its parse worker processes behind."""
    import os
    import signal
    import subprocess
    import sys

    code = ("from monitor.jobs.collect import ParsePool; import time; p = ParsePool(2); "
            "print('ready', flush=True); time.sleep(60)")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    assert len(kids) >= 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()

    def running(pid: str) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    deadline = time.monotonic() + 10
    while any(running(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(running(k) for k in kids), "parse workers outlived their killed parent"
