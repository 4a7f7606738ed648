"""`asicmon run`: a real daemon in a subprocess against a local server, stopped with SIGTERM."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.daemon import Daemon, interval_seconds, trigger_for
from monitor.jobs.status import NextRun, next_runs
from monitor.store import Store
from tests.conftest import LocalSite, Reply

PRODUCTS = json.dumps({"products": [
    {"id": i, "title": f"Antminer S19j Pro 104T #{i}", "handle": f"p{i}",
     "variants": [{"id": i * 10, "price": "450.00", "available": True}]} for i in range(1, 4)
]})  # fmt: skip


def config(tmp_path: Path, site: LocalSite, schedule: str = "2s") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        "database: d.db\nhttp: {delay_s: 0, jitter_s: 0, timeout_s: 5}\n"
        "market: {enabled: false}\n"  # on by default; these tests never go online
        "sources:\n"
        f'  - {{name: shop, kind: shopify, url: "{site.url}/shop", schedule: {schedule}}}\n',
        encoding="utf-8",
    )
    return path


def test_daemon_runs_on_schedule_and_stops_on_sigterm(tmp_path: Path, site: LocalSite) -> None:
    site.route("/shop/products.json", Reply(200, PRODUCTS))
    path = config(tmp_path, site)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(path), "run"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(8)
    proc.send_signal(signal.SIGTERM)
    start = time.monotonic()
    _, err = proc.communicate(timeout=15)
    assert time.monotonic() - start < 10
    assert proc.returncode == 0, err
    logs = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(e["msg"] == "stopped" for e in logs)
    db = sqlite3.connect(tmp_path / "d.db")
    runs = db.execute("SELECT count(*), sum(status = 'ok') FROM runs").fetchone()
    dupes = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM observations "
        "GROUP BY listing_key, observed_date, price_minor, currency HAVING count(*) > 1)"
    ).fetchone()[0]
    unfinished = db.execute("SELECT count(*) FROM runs WHERE finished_at IS NULL").fetchone()[0]
    db.close()
    assert runs[0] >= 3
    assert dupes == 0
    assert unfinished == 0  # every run was closed, even one cut short by the signal


def test_restart_waits_for_the_rest_of_the_interval(tmp_path: Path, site: LocalSite) -> None:
    cfg = load_config(config(tmp_path, site, schedule="1h"))
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    src = cfg.sources[0]
    fresh = next_runs([src], {"shop": now - timedelta(minutes=20)}, now)["shop"]
    assert fresh == NextRun(now + timedelta(minutes=40), due=False)  # no second run in a slot
    assert trigger_for(src, fresh).start_date == fresh.at
    stale = next_runs([src], {"shop": now - timedelta(hours=3)}, now)["shop"]
    assert stale == NextRun(now, due=True)  # overdue: now, not a whole interval later
    assert interval_seconds("30m") == 1800
    assert interval_seconds("17 */6 * * *") is None


def test_the_scheduling_rule(tmp_path: Path, site: LocalSite) -> None:
    """Never run, overdue, or last started in the future: due now, spread; else the next slot."""
    now = datetime(2026, 11, 25, 12, 0, 30, tzinfo=UTC)
    lines = "".join(f"  - {{name: s{i}, kind: shopify, url: \"{site.url}/s{i}\"}}\n"
                    for i in range(30))  # fmt: skip
    path = tmp_path / "many.yaml"
    path.write_text(f"database: d.db\nsources:\n{lines}"
                    f"  - {{name: cron, kind: shopify, url: \"{site.url}/c\", "
                    "schedule: '17 */6 * * *'}\n"
                    f"  - {{name: paused, kind: shopify, url: \"{site.url}/o\", enabled: false}}\n",
                    encoding="utf-8")  # fmt: skip
    cfg = load_config(path)
    plans = next_runs(cfg.sources, {}, now)
    assert "paused" not in plans
    starts = sorted(p.at for p in plans.values())
    assert all(p.due for p in plans.values())
    assert starts[0] == now
    assert starts[-1] < now + timedelta(seconds=61)
    assert len({s.replace(microsecond=0) for s in starts}) == len(starts)  # no two in a second
    cron = [s for s in cfg.sources if s.name == "cron"]
    ran = datetime(2026, 11, 25, 6, 17, tzinfo=UTC)
    assert next_runs(cron, {"cron": ran}, now)["cron"] == NextRun(
        datetime(2026, 11, 25, 12, 17, tzinfo=UTC), due=False
    )
    assert next_runs(cron, {"cron": ran - timedelta(hours=6)}, now)["cron"].due  # missed 06:17
    future = next_runs(cfg.sources[:1], {"s0": now + timedelta(days=400)}, now)["s0"]
    assert future.due
    assert future.at == now
    assert future.warning is not None
    assert "in the future" in future.warning


def test_jobs_are_wired_per_enabled_source(tmp_path: Path, site: LocalSite) -> None:
    path = config(tmp_path, site)
    path.write_text(path.read_text(encoding="utf-8") + (
        "exports:\n  - {what: observations, path: out/obs, partition_by: month, schedule: 1h}\n"
        "digest: {sender: a@example.com, recipients: [b@example.com], schedule: '0 7 * * *'}\n"
    ), encoding="utf-8")  # fmt: skip
    cfg = load_config(path)
    assert cfg.exports[0].path == str(tmp_path / "out" / "obs")
    daemon = Daemon(cfg)
    assert daemon.build() == ["scrape:shop", "digest", "export:0:observations"]
    daemon.export(0)  # the job itself, run directly: a month-partitioned dataset appears
    assert (tmp_path / "out" / "obs").is_dir()
    daemon.scheduler.start(paused=True)  # job defaults are applied when the scheduler starts
    try:
        job = daemon.scheduler.get_job("scrape:shop")
        assert job.max_instances == 1
        assert job.coalesce is True
        assert job.misfire_grace_time == 300
    finally:
        daemon.scheduler.shutdown(wait=False)


# -- with real processes ----------------------------------------------------------------------
def start(path: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("a", encoding="utf-8") as err:
        return subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(path), "run"],
                                stderr=err)  # fmt: skip


def wait_for(what: str, check: Callable[[], object], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 0


def log_lines(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()
            if line.startswith("{")]  # fmt: skip


def started(log: Path) -> bool:
    return any(e["msg"].startswith("scheduler started") for e in log_lines(log))


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def scraped(site: LocalSite) -> bool:
    return any(p.startswith("/shop/products.json") for p in site.paths())


def test_a_never_run_source_is_scraped_at_start(tmp_path: Path, site: LocalSite) -> None:
    """A 1 h source that never ran runs within seconds, not an hour after the start; the log
    says per job when it runs next."""
    site.route("/shop/products.json", Reply(200, PRODUCTS))
    path, log = config(tmp_path, site, schedule="1h"), tmp_path / "daemon.log"
    proc = start(path, log)
    try:
        wait_for("the first scrape", lambda: scraped(site))
        done = "SELECT status FROM runs WHERE finished_at IS NOT NULL"
        wait_for("the run row", lambda: rows(tmp_path / "d.db", done) == [("ok",)])
    finally:
        stop(proc)
    [job] = [e for e in log_lines(log) if e.get("job") == "scrape:shop"]
    assert job["next_run"].endswith("Z")
    when = datetime.fromisoformat(job["next_run"].replace("Z", "+00:00"))
    logged = datetime.fromisoformat(job["ts"])
    assert abs((when - logged).total_seconds()) < 5  # due at start, said so


def test_a_run_dated_in_the_future_does_not_block_the_source(
    tmp_path: Path, site: LocalSite
) -> None:
    site.route("/shop/products.json", Reply(200, PRODUCTS))
    path, log = config(tmp_path, site, schedule="1h"), tmp_path / "daemon.log"
    with Store(tmp_path / "d.db") as store:  # written while the clock said 2099
        run = store.start_run("shop", "shopify", datetime(2099, 1, 1, tzinfo=UTC))
        store.finish_run(run, datetime(2099, 1, 1, 0, 1, tzinfo=UTC), status="ok", listings=3)
    listed = CliRunner().invoke(cli, ["--config", str(path), "sources", "--json"])
    [row] = json.loads(listed.stdout)
    assert row["due"] is True
    assert "in the future" in listed.stderr
    proc = start(path, log)
    try:
        wait_for("a scrape despite the future-dated run", lambda: scraped(site))
    finally:
        stop(proc)
    warnings = [e["msg"] for e in log_lines(log) if e["level"] == "warning"]
    assert any("2099-01-01T00:00:00Z, in the future" in m for m in warnings), warnings


def slow_pages(site: LocalSite, pages: int = 8, delay_s: float = 0.5) -> None:
    for page in range(1, pages + 1):
        ids = [2 * page - 1, 2 * page] if page < pages else [2 * page - 1]
        body = json.dumps({"products": [
            {"id": i, "title": f"Antminer S19j Pro 104T #{i}", "handle": f"p{i}",
             "variants": [{"id": i * 10, "price": "450.00", "available": True}]} for i in ids
        ]})  # fmt: skip
        site.route(f"/shop/products.json?limit=2&page={page}", Reply(200, body, delay_s=delay_s))


def slow_config(tmp_path: Path, site: LocalSite, schedule: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        "database: d.db\nhttp: {delay_s: 0, jitter_s: 0, timeout_s: 5}\nsources:\n"
        f'  - {{name: shop, kind: shopify, url: "{site.url}/shop", schedule: {schedule}, '
        "page_size: 2}\n",
        encoding="utf-8",
    )
    return path


def test_sigterm_mid_run_is_interrupted_not_a_source_failure(
    tmp_path: Path, site: LocalSite
) -> None:
    slow_pages(site)
    path, log, db = slow_config(tmp_path, site, "2s"), tmp_path / "daemon.log", tmp_path / "d.db"
    proc = start(path, log)
    try:
        wait_for("two pages", lambda: sum(p.startswith("/shop/") for p in site.paths()) >= 2)
    finally:
        stop(proc)
    [(status, reason, errors, observations)] = rows(
        db, "SELECT status, reason, errors, observations FROM runs"
    )
    assert (status, errors) == ("interrupted", 0), reason
    assert observations == rows(db, "SELECT count(*) FROM observations")[0][0] > 0  # kept
    with Store(db) as store:
        assert store.unhealthy_sources() == []  # the digest reports no source problem
    shown = json.loads(CliRunner().invoke(cli, ["--config", str(path), "status", "--json"]).stdout)
    assert shown["sources"]["shop"]["status"] == "interrupted"


def test_a_second_daemon_on_one_database_is_refused(tmp_path: Path, site: LocalSite) -> None:
    site.route("/shop/products.json", Reply(200, PRODUCTS))
    path, log = config(tmp_path, site, schedule="1h"), tmp_path / "daemon.log"
    first = start(path, log)
    try:
        wait_for("the first daemon", lambda: started(log))
        second = subprocess.run([sys.executable, "-m", "monitor", "--config", str(path), "run"],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    finally:
        stop(first)
    assert second.returncode == 1
    db = (tmp_path / "d.db").resolve()
    assert second.stderr.strip() == (
        f"error: another asicmon run (pid {first.pid}) already uses {db}"
    ), second.stderr
    again = start(path, tmp_path / "again.log")  # the lock went with the first daemon
    try:
        wait_for("a new daemon", lambda: started(tmp_path / "again.log"))
    finally:
        stop(again)


def test_sources_show_the_next_run_the_daemon_schedules(tmp_path: Path, site: LocalSite) -> None:
    path = config(tmp_path, site, schedule="1h")
    path.write_text(path.read_text(encoding="utf-8") + (
        f'  - {{name: fresh, kind: shopify, url: "{site.url}/f", schedule: 6h}}\n'
        f'  - {{name: paused, kind: shopify, url: "{site.url}/o", enabled: false}}\n'
    ), encoding="utf-8")  # fmt: skip
    ran = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=20)
    with Store(tmp_path / "d.db") as store:
        run = store.start_run("shop", "shopify", ran)
        store.finish_run(run, ran + timedelta(seconds=5), status="ok", listings=3)
    runner = CliRunner()
    listed = runner.invoke(cli, ["--config", str(path), "sources", "--json"])
    assert listed.exit_code == 0, listed.output
    data = {r["name"]: r for r in json.loads(listed.stdout)}
    nxt = ran + timedelta(hours=1)
    assert (data["shop"]["next_run"], data["shop"]["due"]) == (
        nxt.strftime("%Y-%m-%dT%H:%M:%SZ"), False)  # fmt: skip
    assert data["fresh"]["due"] is True
    assert (data["paused"]["next_run"], data["paused"]["due"]) == (None, False)
    text = runner.invoke(cli, ["--config", str(path), "sources"]).stdout.splitlines()
    assert re.search(r"every 1h, next check in (39|40)m  ok at ", text[0]), text[0]
    assert "every 6h, next check: due now  never run" in text[1]
    assert "(disabled)" in text[2]
    assert "not scheduled" in text[2]
    daemon = Daemon(load_config(path))  # the daemon schedules what `sources` shows
    daemon.build()
    daemon.scheduler.start(paused=True)
    try:
        assert daemon.scheduler.get_job("scrape:shop").next_run_time == nxt
        fresh = daemon.scheduler.get_job("scrape:fresh").next_run_time
        assert abs((fresh - datetime.now(UTC)).total_seconds()) < 5
    finally:
        daemon.scheduler.shutdown(wait=False)


def test_the_market_refresh_lands_in_the_database(tmp_path: Path, site: LocalSite) -> None:
    """The daemon's market job (daily by default, every 2 s here) fetches from a local server
    standing in for blockchain.info and stores the days in SQLite."""
    from tests.fetch.test_market import serve_blockchain

    serve_blockchain(site)
    path, log = config(tmp_path, site, schedule="1h"), tmp_path / "daemon.log"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "market: {enabled: false}",
        f"market: {{schedule: 2s, days: 3, blockchain_api: '{site.url}', "
        f"mempool_api: '{site.url}'}}"), encoding="utf-8")  # fmt: skip
    proc = start(path, log)
    market = "SELECT date, btc_usd > 0, hashprice_usd_ph_day > 0, source FROM market_daily"
    try:
        wait_for(
            "the market job", lambda: started(log) and len(rows(tmp_path / "d.db", market)) == 3
        )
    finally:
        stop(proc)
    assert rows(tmp_path / "d.db", market + " ORDER BY date") == [
        ("2026-08-17", 1, None, "blockchain.info charts API"),  # the fixture has a gap that day
        ("2026-08-18", 1, 1, "blockchain.info charts API"),
        ("2026-08-19", 1, 1, "blockchain.info charts API"),
    ]
    assert any(e["msg"] == "market: stored 3 days" for e in log_lines(log))
    assert any(e.get("job") == "market" for e in log_lines(log))  # scheduled, said so
