"""The dashboard over HTTP (Starlette's httpx.Client, and a real ``asicmon serve`` process): the
JSON twins give the numbers of ``asicmon analyse --json``, every response is locked down
(CSP, nosniff, no referrer), nothing but GET/HEAD is answered, unknown things are 404, scraped
text is escaped, and off localhost the token is required."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import Config, load_config
from monitor.jobs.importer import run_import
from monitor.jobs.web import Pages, series_slug, slug
from monitor.web.app import CSP, ServeRefused, create_app, token_for
from tests.web.conftest import (
    HOSTILE_IMG,
    HOSTILE_SCRIPT,
    HOSTILE_UNMATCHED,
    MODEL_SLUG,
    Server,
    ThreadServer,
)

PAGES = ["/", "/tier/25to38", f"/model/{MODEL_SLUG}", "/deals", "/drops", "/sources",
         "/unmatched"]  # fmt: skip
APIS = ["/api/overview", "/api/tier/25to38", f"/api/model/{MODEL_SLUG}", "/api/deals",
        "/api/drops", "/api/sources", "/api/unmatched"]  # fmt: skip


@pytest.fixture(scope="module")
def client(demo_cfg: Config) -> Iterator[httpx.Client]:
    served = ThreadServer(create_app(demo_cfg))
    yield served.client
    served.stop()


@pytest.fixture(scope="module")
def analysed(demo_dir: Path) -> dict[str, Any]:
    """What ``asicmon analyse --json`` prints for the demo database."""
    result = CliRunner().invoke(cli, ["--config", str(demo_dir / "demo-config.yaml"),
                                      "analyse", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def assert_locked_down(response: httpx.Response) -> None:
    assert response.headers["content-security-policy"] == CSP
    assert "unsafe-inline" not in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("path", PAGES + APIS + ["/chart/tier-25to38.svg", "/static/style.css"])
def test_every_page_twin_and_file_answers_and_is_locked_down(
    client: httpx.Client, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    assert_locked_down(response)
    if path.startswith("/api/"):
        assert response.headers["content-type"] == "application/json"
        assert response.json()
    elif path.startswith("/chart/"):
        assert response.headers["content-type"] == "image/svg+xml"
        assert response.content.startswith(b"<?xml")
        assert b"<svg" in response.content
        assert b"<script" not in response.content
    elif path in PAGES:
        html = response.text
        assert "<script" not in html
        assert " style=" not in html
        assert re.search(r"<link rel=\"stylesheet\" href=\"[./]*static/style.css\">", html)


def test_tier_and_model_twins_are_the_analysis(client: httpx.Client, analysed: dict[str, Any],
                                               demo_cfg: Config) -> None:  # fmt: skip
    snap = Pages(demo_cfg).snapshot()
    checked = 0
    for series in sorted({p["series"] for p in analysed["index"]}):
        kind, _, name = series.partition(":")
        url = f"/api/tier/{name}" if kind == "tier" else f"/api/model/{slug(name)}"
        data = client.get(url).json()
        assert data["series"] == series
        assert data["index"] == [p for p in analysed["index"] if p["series"] == series]
        assert data["drops"] == [d for d in analysed["drops"] if d["series"] == series]
        assert data["drawdowns"] == [d for d in analysed["drawdowns"] if d["series"] == series]
        assert data["chart"] == series_slug(series)
        checked += 1
    assert checked == len(snap.tiers) + len(snap.models) >= 10


def test_overview_twin_is_the_last_point_of_each_tier(
    client: httpx.Client, analysed: dict[str, Any]
) -> None:
    rows = client.get("/api/overview").json()["tiers"]
    tiers = {p["series"] for p in analysed["index"] if p["series"].startswith("tier:")}
    assert {f"tier:{r['tier']}" for r in rows} == tiers
    for row in rows:
        points = sorted((p for p in analysed["index"]
                         if p["series"] == row["series"] and p["basis"] == row["basis"]),
                        key=lambda p: p["period"])  # fmt: skip
        last = points[-1]
        assert {k: row[k] for k in last} == last  # the analysis's record, same names, same numbers
        month = [p for p in points if p["period"] <= row["change_30d_from"]][-1]
        assert row["change_30d_pct"] == round(
            100 * (last["usd_per_th"] / month["usd_per_th"] - 1), 2
        )
        assert row["hashprice_usd_ph_day"] is not None
        assert row["btc_usd"] is not None


def test_drops_twin_is_the_analysis_with_event_sources(
    client: httpx.Client, analysed: dict[str, Any]
) -> None:
    data = client.get("/api/drops").json()
    for key in ("drops", "drawdowns"):
        assert len(data[key]) == len(analysed[key]) > 0
        for mine, theirs in zip(data[key], analysed[key], strict=True):
            events = [{k: v for k, v in e.items() if k != "sources"} for e in mine["events"]]
            assert events == theirs["events"]
            assert {k: v for k, v in mine.items() if k not in ("events", "chart")} == {
                k: v for k, v in theirs.items() if k != "events"}  # fmt: skip
    sources = [s for d in data["drops"] for e in d["events"] for s in e["sources"]]
    assert sources
    assert all(s.startswith(("http://", "https://")) for s in sources)


def test_sources_and_unmatched_twins_are_the_commands(client: httpx.Client, demo_dir: Path) -> None:
    config = str(demo_dir / "demo-config.yaml")
    cli_sources = json.loads(CliRunner().invoke(cli, ["--config", config, "sources", "--json"])
                             .output)  # fmt: skip
    mine = client.get("/api/sources").json()["sources"]
    assert [s["name"] for s in mine] == [s["name"] for s in cli_sources]
    assert [s["last_run"] for s in mine] == [s["last_run"] for s in cli_sources]
    cli_unmatched = json.loads(CliRunner().invoke(
        cli, ["--config", config, "unmatched", "--json", "--limit", "100"]).output)  # fmt: skip
    assert client.get("/api/unmatched").json()["unmatched"] == cli_unmatched


def test_deals_twin(client: httpx.Client) -> None:
    data = client.get("/api/deals").json()
    assert data["deals_from"] in ("deals_db", "find_deals")
    assert data["deals"], "the demo has deals"
    for deal in data["deals"]:
        assert {"listing_key", "title", "usd_per_th", "tier", "source"} <= set(deal)
    assert data["total"] >= len(data["deals"])
    every = client.get("/api/deals?limit=all").json()
    assert len(every["deals"]) == every["total"] == data["total"]
    assert every["deals"][: len(data["deals"])] == data["deals"]
    assert len(client.get("/api/deals?limit=2").json()["deals"]) == 2
    assert client.get("/api/deals?limit=-1").status_code == 400


def test_scraped_text_is_escaped_everywhere(client: httpx.Client) -> None:
    model = client.get(f"/model/{MODEL_SLUG}").text
    for hostile in (HOSTILE_IMG, HOSTILE_SCRIPT):
        assert hostile not in model
    assert "&lt;img src=x onerror=alert(1)&gt;" in model
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in model
    assert "javascript:" not in model  # the hostile listings' links are not made links
    unmatched = client.get("/unmatched").text
    assert HOSTILE_UNMATCHED not in unmatched
    assert "&lt;b onmouseover=alert(3)&gt;mystery box&lt;/b&gt;" in unmatched
    assert HOSTILE_IMG not in client.get("/deals").text


@pytest.mark.parametrize("path", ["/nope", "/tier/9to99", "/chart/nope.svg", "/api/nope",
                                  "/api/tier/9to99", "/a/b/c"])  # fmt: skip
def test_unknown_paths_are_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert_locked_down(response)


def test_unknown_model_is_a_404_that_names_it(client: httpx.Client) -> None:
    response = client.get("/model/antminer-s99-ultra")
    assert response.status_code == 404
    assert "antminer-s99-ultra" in response.text
    hostile = client.get("/model/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert hostile.status_code == 404
    assert "<script>alert(1)" not in hostile.text
    assert "&lt;script&gt;alert(1)" in hostile.text
    api = client.get("/api/model/antminer-s99-ultra")
    assert api.status_code == 404
    assert "antminer-s99-ultra" in api.json()["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("path", ["/", "/api/overview", "/deals", "/nope"])
def test_nothing_but_reads(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert_locked_down(response)


def test_a_token_guards_every_request(demo_cfg: Config) -> None:
    served = ThreadServer(create_app(demo_cfg, token="s3cret-token"))
    guarded = served.client
    for path in ("/", "/api/overview", "/static/style.css", "/chart/tier-25to38.svg", "/nope"):
        response = guarded.get(path)
        assert response.status_code == 401, path
        assert_locked_down(response)
    assert guarded.get("/?token=wrong").status_code == 401
    assert guarded.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = guarded.get("/api/overview", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200
    # ?token= once: a cookie (HttpOnly, SameSite=Strict, not the token itself), then a redirect
    # to the same page without it
    first = guarded.get("/deals?token=s3cret-token&x=1", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/deals?x=1"
    cookie = first.headers["set-cookie"]
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert "s3cret-token" not in cookie
    assert guarded.get("/deals").status_code == 200  # the client kept the cookie
    served.stop()


def test_off_localhost_needs_a_token_env() -> None:
    with pytest.raises(ServeRefused, match="--token-env"):
        token_for("0.0.0.0", None, {})
    with pytest.raises(ServeRefused, match="ASICMON_T is not set or empty"):
        token_for("0.0.0.0", "ASICMON_T", {"ASICMON_T": " "})
    assert token_for("0.0.0.0", "ASICMON_T", {"ASICMON_T": "abc"}) == "abc"
    assert token_for("127.0.0.1", None, {}) is None


def test_serve_refuses_with_one_line_and_exit_2(demo_dir: Path) -> None:
    config = str(demo_dir / "demo-config.yaml")
    for args in (["--host", "0.0.0.0"], ["--host", "0.0.0.0", "--token-env", "ASICMON_NO_VAR"]):
        result = CliRunner().invoke(cli, ["--config", config, "serve", *args])
        assert result.exit_code == 2
        assert result.output.count("\n") == 1
        assert result.output.startswith("error: ")


def test_real_server_with_a_token(demo_dir: Path) -> None:
    """A real ``asicmon serve`` process on 127.0.0.1 with --token-env: 401 without the token,
    200 with it."""
    env = {**os.environ, "ASICMON_TEST_TOKEN": "tok-123"}
    running = Server(demo_dir / "demo-config.yaml", "--token-env", "ASICMON_TEST_TOKEN", env=env)
    try:
        denied = httpx.get(running.url + "/api/overview")
        assert denied.status_code == 401
        assert_locked_down(denied)
        allowed = httpx.get(running.url + "/api/overview",
                            headers={"Authorization": "Bearer tok-123"})  # fmt: skip
        assert allowed.status_code == 200
        assert allowed.json()["tiers"]
        assert_locked_down(allowed)
        assert httpx.post(running.url + "/api/overview").status_code == 405
    finally:
        running.stop()


def test_the_analysis_is_kept_until_the_store_changes(demo_copy: Path) -> None:
    cfg = load_config(demo_copy / "demo-config.yaml")
    pages = Pages(cfg)
    first = pages.snapshot()
    assert pages.snapshot() is first  # nothing new stored: the kept analysis
    csv = demo_copy / "more.csv"
    csv.write_text("observed_at,title,price,currency\n2021-08-31,Antminer S19j Pro 100T,9000,USD\n",
                   encoding="utf-8")  # fmt: skip
    assert run_import(cfg, csv).imported == 1
    second = pages.snapshot()
    assert second is not first
    assert second.mark != first.mark
    assert len(second.analysis["index"]) >= len(first.analysis["index"])


def test_a_database_that_is_not_there(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("database: none.db\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "serve"])
    assert result.exit_code == 1
    assert "no database yet" in result.output


def test_deals_fall_back_to_the_digest_rule_without_the_economics_job(
    demo_cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    real = importlib.import_module

    def without_deals(name: str, package: str | None = None) -> Any:
        if name == "monitor.jobs.deals":  # as before the economics job landed
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_deals)
    data = Pages(demo_cfg).deals(limit=None)
    assert data["deals_from"] == "find_deals"
    assert data["note"] is None
    assert data["deals"]
    assert all(d["under_median_pct"] >= 25.0 for d in data["deals"])


def test_deals_without_a_hashprice_fall_back_and_say_why(
    demo_cfg: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.jobs import deals as deals_job

    def no_hashprice(cfg: Config, *, limit: int | None = None) -> list[dict[str, Any]]:
        raise deals_job.NoHashprice("no hashprice for the deals")

    monkeypatch.setattr(deals_job, "deals_db", no_hashprice)
    data = Pages(demo_cfg).deals()
    assert data["deals_from"] == "find_deals"
    assert data["note"] == "no hashprice for the deals"
