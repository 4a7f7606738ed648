"""Whole source runs against real local servers: failures, retries, politeness, health."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.jobs.collect import run_cycle
from monitor.store import Store
from tests.conftest import LocalSite, Reply

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
ONE = json.dumps({"products": [{"id": 1, "title": "Antminer S19j Pro 104T", "handle": "a",
                                "variants": [{"id": 11, "price": "450.00"}]}]})  # fmt: skip


def write_config(tmp_path: Path, sources: str, retries: int = 1, timeout: float = 2) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"database: crawl.db\nhttp: {{delay_s: 0, jitter_s: 0, timeout_s: {timeout}, "
        f"max_retries: {retries}}}\nsources:\n{sources}",
        encoding="utf-8",
    )
    return path


def shopify(name: str, url: str) -> str:
    return f'  - {{name: {name}, kind: shopify, url: "{url}"}}\n'


def run(path: Path) -> dict[str, dict]:
    """One cycle; each source's result as a dict."""
    return {
        r.source: {"status": r.status, "reason": r.reason or "", "listings": r.listings,
                   "observations": r.observations, "pages": r.pages}
        for r in run_cycle(load_config(path), clock=lambda: NOW)
    }  # fmt: skip


def test_429_with_retry_after_then_success(tmp_path: Path, site: LocalSite) -> None:
    site.route("/s/products.json", Reply(429, "slow", {"Retry-After": "1"}), Reply(200, ONE))
    got = run(write_config(tmp_path, shopify("s", f"{site.url}/s")))
    assert got["s"]["status"] == "ok"
    assert got["s"]["listings"] == 1
    hits = [r["at"] for r in site.requests if r["path"].startswith("/s/products.json")]
    assert len(hits) == 2
    assert hits[1] - hits[0] >= 0.9  # waited as told


def test_503_then_success(tmp_path: Path, site: LocalSite) -> None:
    site.route("/s/products.json", Reply(503, "busy"), Reply(200, ONE))
    got = run(write_config(tmp_path, shopify("s", f"{site.url}/s")))
    assert got["s"]["status"] == "ok"
    assert got["s"]["observations"] == 1


def test_timeout_fails_the_run_with_reason(tmp_path: Path, site: LocalSite) -> None:
    site.route("/s/products.json", Reply(200, ONE, delay_s=1.0))
    got = run(write_config(tmp_path, shopify("s", f"{site.url}/s"), retries=0, timeout=0.3))
    assert got["s"]["status"] == "failed"
    assert "timed out" in got["s"]["reason"]


def test_robots_disallow_fails_the_run_and_fetches_nothing(tmp_path: Path, site: LocalSite) -> None:
    site.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /s/\n"))
    site.route("/s/products.json", Reply(200, ONE))
    got = run(write_config(tmp_path, shopify("s", f"{site.url}/s")))
    assert got["s"]["status"] == "failed"
    assert "disallowed by robots.txt" in got["s"]["reason"]
    assert not any(p.startswith("/s/products.json") for p in site.paths())


def test_conditional_requests_reuse_unchanged_pages(tmp_path: Path, site: LocalSite) -> None:
    site.route("/s/products.json", Reply(200, ONE, {"ETag": '"v1"'}), Reply(304, ""))
    path = write_config(tmp_path, shopify("s", f"{site.url}/s"))
    first, second = run(path), run(path)
    assert first["s"]["listings"] == second["s"]["listings"] == 1
    assert second["s"]["status"] == "ok"
    page_requests = [r for r in site.requests if r["path"].startswith("/s/products.json")]
    assert page_requests[1]["headers"].get("If-None-Match") == '"v1"'


def test_hosts_are_crawled_concurrently_one_request_per_host(
    tmp_path: Path, site: LocalSite
) -> None:
    # 127.0.0.1 and localhost are two hosts to the crawler, served by one local server
    slow = Reply(200, ONE, delay_s=0.4)
    for shop in ("a", "b", "c"):
        site.route(f"/{shop}/products.json", slow)
    port = site.url.rsplit(":", 1)[1]
    sources = (shopify("a", f"http://127.0.0.1:{port}/a") + shopify("b", f"http://127.0.0.1:{port}/b")
               + shopify("c", f"http://localhost:{port}/c"))  # fmt: skip
    got = run(write_config(tmp_path, sources))
    assert {k: v["status"] for k, v in got.items()} == {"a": "ok", "b": "ok", "c": "ok"}
    spans = {}
    for req in site.requests:
        if req["path"].endswith("products.json?limit=250&page=1"):
            spans[req["path"][1]] = req["at"]
    # the localhost shop started while the first 127.0.0.1 shop was still being served,
    # but the two 127.0.0.1 shops never overlapped
    assert abs(spans["c"] - spans["a"]) < 0.35 or abs(spans["c"] - spans["b"]) < 0.35
    assert abs(spans["b"] - spans["a"]) >= 0.35


def test_sources_command_shows_health(tmp_path: Path, site: LocalSite) -> None:
    site.route("/ok/products.json", Reply(200, ONE))
    site.route("/bad/products.json", Reply(200, "<html><title>Just a moment...</title></html>"))
    path = write_config(
        tmp_path, shopify("ok", f"{site.url}/ok") + shopify("bad", f"{site.url}/bad")
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(path), "scrape"]).exit_code == 1
    rows = {r["name"]: r for r in json.loads(
        runner.invoke(cli, ["--config", str(path), "sources", "--json"]).output)}  # fmt: skip
    assert rows["ok"]["last_run"]["status"] == "ok"
    assert rows["bad"]["last_run"]["status"] == "failed"
    assert "Just a moment" in rows["bad"]["last_run"]["reason"]
    with Store(load_config(path).database) as store:
        assert store.count("observations") == 1  # the good source's data is saved
    text = runner.invoke(cli, ["--config", str(path), "sources"]).output
    assert "bad [shopify]" in text
    assert "failed" in text


def test_unreadable_prices_are_kept_without_a_price_and_counted(
    tmp_path: Path, site: LocalSite
) -> None:
    """Prices "-5", "1e309", "$1,2,3" are no prices: the listings are stored without one (never
    as 5, 1 or 12.30) and the run's reason counts them, with the first reason."""
    prices = ["-5", "1e309", "$1,2,3", "450.00"]
    body = json.dumps({"products": [
        {"id": i, "title": "Antminer S19j Pro 104T", "handle": f"h{i}",
         "variants": [{"id": 10 + i, "price": price}]}
        for i, price in enumerate(prices)
    ]})  # fmt: skip
    site.route("/s/products.json", Reply(200, body))
    path = write_config(tmp_path, shopify("s", f"{site.url}/s"))
    got = run(path)["s"]
    assert (got["status"], got["listings"]) == ("ok", 4)
    assert got["reason"] == (
        "3 price(s) unreadable, kept without a price (first: '-5' is negative)"
    )
    with Store(load_config(path).database) as store:
        stored = store.db.execute(
            "SELECT price_minor FROM observations WHERE price_minor IS NOT NULL"
        ).fetchall()
    assert stored == [(45000,)]


def test_dead_host_fails_the_run_with_connection_refused(tmp_path: Path) -> None:
    """A host that refuses connections reads as that, not as "robots.txt could not be read
    (... (...))" (robots.txt is the first thing fetched from it)."""
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    got = run(write_config(tmp_path, shopify("s", f"http://127.0.0.1:{port}/s"), retries=0))
    assert got["s"]["status"] == "failed"
    reason = got["s"]["reason"]
    assert reason.split(": ", 1)[1].startswith("connection refused"), reason
    assert "robots.txt" not in reason
