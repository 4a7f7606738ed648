"""`asicmon run`: a real daemon in a subprocess against a local server, stopped with SIGTERM."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.config import load_config
from monitor.daemon import Daemon, interval_seconds, trigger_for
from tests.conftest import LocalSite, Reply

PRODUCTS = json.dumps({"products": [
    {"id": i, "title": f"Antminer S19j Pro 104T #{i}", "handle": f"p{i}",
     "variants": [{"id": i * 10, "price": "450.00", "available": True}]} for i in range(1, 4)
]})  # fmt: skip


def config(tmp_path: Path, site: LocalSite, schedule: str = "2s") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        "database: d.db\nhttp: {delay_s: 0, jitter_s: 0, timeout_s: 5}\nsources:\n"
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
    fresh = trigger_for(src, now - timedelta(minutes=20), now)
    assert fresh.start_date == now + timedelta(minutes=40)  # no second run in the same slot
    stale = trigger_for(src, now - timedelta(hours=3), now)
    assert stale.start_date == now
    assert interval_seconds("30m") == 1800
    assert interval_seconds("17 */6 * * *") is None


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
