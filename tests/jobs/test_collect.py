"""fetch -> parse -> normalise -> store, through a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.jobs.collect import run_cycle
from monitor.store import Store
from tests.conftest import LocalSite, Reply

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def product(pid: int, title: str, price: str) -> dict:
    return {
        "id": pid,
        "title": title,
        "handle": f"p{pid}",
        "tags": [],
        "variants": [{"id": pid * 10, "title": "Default Title", "price": price, "available": True}],
    }


PAGE1 = [
    product(1, "Antminer S19j Pro 104T used", "450.00"),
    product(2, "Whatsminer M30S++ 112T", "499.00"),
]
PAGE2 = [product(3, "APW12 Power Supply", "89.99")]


def shop(site: LocalSite, prefix: str = "") -> None:
    site.route(
        f"{prefix}/products.json?limit=2&page=1", Reply(200, json.dumps({"products": PAGE1}))
    )
    site.route(
        f"{prefix}/products.json?limit=2&page=2", Reply(200, json.dumps({"products": PAGE2}))
    )


def config(tmp_path: Path, site: LocalSite, extra: str = "") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""
database: shop.db
http: {{delay_s: 0, jitter_s: 0, timeout_s: 2, max_retries: 0}}
sources:
  - {{name: good, kind: shopify, url: "{site.url}/good", page_size: 2, min_listings: 1}}
{extra}""",
        encoding="utf-8",
    )
    return path


def test_scrape_pages_normalises_and_stores(tmp_path: Path, site: LocalSite) -> None:
    shop(site, "/good")
    cfg = load_config(config(tmp_path, site))
    [result] = run_cycle(cfg, clock=lambda: NOW)
    assert (result.status, result.pages, result.listings, result.observations) == ("ok", 2, 3, 3)
    assert site.paths() == [
        "/robots.txt",
        "/good/products.json?limit=2&page=1",
        "/good/products.json?limit=2&page=2",
    ]
    with Store(cfg.database) as store:
        rows = {r["listing_id"]: r for r in store.query("SELECT * FROM listings")}
        obs = store.query("SELECT price_minor, currency, observed_at FROM observations ORDER BY id")
    assert rows["10"]["model"] == "Antminer S19j Pro"
    assert rows["10"]["hashrate_ths"] == 104
    assert rows["10"]["condition"] == "used"
    assert rows["20"]["model"] == "Whatsminer M30S++"
    assert rows["30"]["kind"] == "part"
    assert rows["30"]["model"] is None
    assert obs[0] == {
        "price_minor": 45000,
        "currency": "USD",
        "observed_at": "2026-11-25T09:30:00Z",
    }
    # the same pages again, the same day: nothing new
    [again] = run_cycle(cfg, clock=lambda: NOW)
    assert (again.status, again.listings, again.new_listings, again.observations) == ("ok", 3, 0, 0)


def test_failing_source_is_recorded_and_others_are_kept(tmp_path: Path, site: LocalSite) -> None:
    shop(site, "/good")
    site.route(
        "/blocked/products.json",
        Reply(200, "<html><title>Pardon Our Interruption...</title></html>"),
    )
    extra = f'  - {{name: blocked, kind: shopify, url: "{site.url}/blocked"}}\n'
    path = config(tmp_path, site, extra)
    result = CliRunner().invoke(cli, ["--config", str(path), "scrape"])
    assert result.exit_code == 1, result.output
    assert "good: ok, 2 pages, 3 listings" in result.output
    assert "blocked: failed" in result.output
    assert "Pardon Our Interruption" in result.output
    with Store(load_config(path).database) as store:
        runs = {r["source"]: r for r in store.runs()}
        assert store.count("observations") == 3
    assert runs["blocked"]["status"] == "failed"
    assert runs["blocked"]["finished_at"]
    assert runs["good"]["status"] == "ok"


def test_failure_mid_crawl_keeps_earlier_pages(tmp_path: Path, site: LocalSite) -> None:
    site.route("/good/products.json?limit=2&page=1", Reply(200, json.dumps({"products": PAGE1})))
    site.route("/good/products.json?limit=2&page=2", Reply(500, "oops"))
    cfg = load_config(config(tmp_path, site))
    [result] = run_cycle(cfg, clock=lambda: NOW)
    assert result.status == "failed"
    assert "HTTP 500" in (result.reason or "")
    assert result.pages == 1
    assert result.observations == 2
    with Store(cfg.database) as store:
        assert store.count("observations") == 2


def test_too_few_listings_is_suspect(tmp_path: Path, site: LocalSite) -> None:
    site.route("/good/products.json", Reply(200, json.dumps({"products": []})))
    cfg = load_config(config(tmp_path, site))
    [result] = run_cycle(cfg, clock=lambda: NOW)
    assert result.status == "suspect"
    assert "min_listings=1" in (result.reason or "")


def test_scrape_single_source_and_unknown_source(tmp_path: Path, site: LocalSite) -> None:
    shop(site, "/good")
    path = config(tmp_path, site)
    runner = CliRunner()
    ok = runner.invoke(cli, ["--config", str(path), "scrape", "--source", "good"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(cli, ["--config", str(path), "scrape", "--source", "nope"])
    assert bad.exit_code == 2
    assert "no source named 'nope'" in bad.output


def test_export_and_status_commands(tmp_path: Path, site: LocalSite) -> None:
    shop(site, "/good")
    path = config(tmp_path, site)
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(path), "scrape"]).exit_code == 0
    out = tmp_path / "obs.parquet"
    result = runner.invoke(
        cli,
        [
            "--config",
            str(path),
            "export",
            "--what",
            "observations",
            "--format",
            "parquet",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "wrote 3 observations" in result.output
    import pyarrow.parquet as pq

    table = pq.read_table(out).to_pylist()
    s19 = next(r for r in table if r["model"] == "Antminer S19j Pro")
    assert s19["price_minor"] == 45000
    assert s19["price_per_th"] == round(450 / 104, 4)
    csv_out = tmp_path / "listings.csv"
    result = runner.invoke(
        cli,
        [
            "--config",
            str(path),
            "export",
            "--what",
            "listings",
            "--format",
            "csv",
            "-o",
            str(csv_out),
        ],
    )
    assert result.exit_code == 0
    assert csv_out.read_text(encoding="utf-8").count("\n") == 4  # header + 3 listings
    status = runner.invoke(cli, ["--config", str(path), "status", "--json"])
    data = json.loads(status.output)
    assert data["listings"] == 3
    assert data["observations"] == 3
    assert data["sources"]["good"]["status"] == "ok"


def test_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "nope.yaml"), "status"])
    assert result.exit_code == 2
    assert "file not found" in result.output


def test_unmatched_titles_are_kept_counted_and_listed(tmp_path: Path, site: LocalSite) -> None:
    odd = [
        product(7, "Antminer S99 Ultra 900T prototype", "9999.00"),
        product(8, "Vintage brass lamp", "20.00"),
    ]
    site.route(
        "/good/products.json?limit=2&page=1",
        Reply(200, json.dumps({"products": PAGE1[:1] + odd[:1]})),
    )
    site.route("/good/products.json?limit=2&page=2", Reply(200, json.dumps({"products": odd[1:]})))
    path = config(tmp_path, site)
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(path), "scrape"]).exit_code == 0
    status = json.loads(runner.invoke(cli, ["--config", str(path), "status", "--json"]).output)
    assert status["listings"] == 3
    assert status["unmatched"] == 2
    listed = json.loads(runner.invoke(cli, ["--config", str(path), "unmatched", "--json"]).output)
    titles = {r["title"]: r for r in listed}
    assert set(titles) == {"Antminer S99 Ultra 900T prototype", "Vintage brass lamp"}
    # a model name of Bitmain's shape that the catalog lacks: read as that model (issue 13)
    s99 = titles["Antminer S99 Ultra 900T prototype"]
    assert (s99["model"], s99["catalog_match"]) == ("Antminer S99", False)
    assert s99["reason"].startswith("not in the catalog")
    text = runner.invoke(cli, ["--config", str(path), "unmatched"]).output
    assert "Vintage brass lamp" in text


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_ctrl_c_during_a_multi_host_scrape_records_interrupted_runs(
    tmp_path: Path, site: LocalSite, stop: str
) -> None:
    """Ctrl-C reaches the whole process group, parse workers included; SIGTERM (``kill``,
    ``systemctl stop``) reaches the main process: either way the runs are ``interrupted`` (not
    "the parser process died", not a dead process), with the pages committed so far."""
    other = LocalSite()
    proc: subprocess.Popen[str] | None = None
    try:
        for shop_site in (site, other):
            for page in range(1, 9):
                body = json.dumps(
                    {
                        "products": [
                            product(page * 10 + i, f"Antminer S19j Pro 104T #{page}{i}", "450.00")
                            for i in (1, 2)
                        ]
                    }
                )
                shop_site.route(f"/s/products.json?limit=2&page={page}",
                                Reply(200, body, delay_s=0.5))  # fmt: skip
        path = tmp_path / "config.yaml"
        path.write_text(
            "database: d.db\nhttp: {delay_s: 0, jitter_s: 0, timeout_s: 5}\nsources:\n"
            f'  - {{name: one, kind: shopify, url: "{site.url}/s", page_size: 2}}\n'
            f'  - {{name: two, kind: shopify, url: "{other.url}/s", page_size: 2}}\n',
            encoding="utf-8",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(path), "scrape"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**os.environ, "ASICMON_PARSE_WORKERS": "2"},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not all(len(s.paths()) >= 3 for s in (site, other)):  # robots + 2 pages each
            assert time.monotonic() < deadline, "the scrape did not start"
            time.sleep(0.05)
        if stop == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        else:
            os.kill(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=10)
        other.close()
    con = sqlite3.connect(tmp_path / "d.db")
    runs = con.execute("SELECT source, status, reason, errors, pages FROM runs ORDER BY source")
    got = runs.fetchall()
    kept = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    con.close()
    assert [(s, status, errors) for s, status, _, errors, _ in got] == [
        ("one", "interrupted", 0), ("two", "interrupted", 0)
    ], got  # fmt: skip
    assert all("parser process died" not in (reason or "") for _, _, reason, _, _ in got)
    assert kept == 2 * sum(pages for *_, pages in got) > 0  # committed pages are kept
