"""One database, one writer of each kind, with real processes: runs of one source never overlap
across processes (the second is skipped, not failed), and the per-host delay holds between
processes fetching one host."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from monitor.config import load_config
from monitor.jobs.collect import run_cycle
from monitor.jobs.locks import Busy, FileLock, daemon_lock, locks_dir, source_lock
from tests.conftest import LocalSite, Reply


def python(*args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", *args]


def wait_for(what: str, check: Callable[[], object], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def pages(site: LocalSite, prefix: str, n: int, delay_s: float = 0.0) -> None:
    """A Shopify shop at ``prefix`` with ``n`` pages of 2 products (the last has 1)."""
    for page in range(1, n + 1):
        ids = [2 * page - 1, 2 * page] if page < n else [2 * page - 1]
        body = json.dumps({"products": [
            {"id": i, "title": f"Antminer S19j Pro 104T #{i}", "handle": f"p{i}",
             "variants": [{"id": i * 10, "price": "450.00", "available": True}]} for i in ids
        ]})  # fmt: skip
        site.route(f"{prefix}/products.json?limit=2&page={page}",
                   Reply(200, body, delay_s=delay_s))  # fmt: skip


def write_config(tmp_path: Path, site: LocalSite, http: str, *names: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"database: d.db\nhttp: {{{http}}}\nsources:\n" + "".join(
            f'  - {{name: {n}, kind: shopify, url: "{site.url}/{n}", page_size: 2, '
            "schedule: 1h}\n" for n in names),
        encoding="utf-8",
    )  # fmt: skip
    return path


def test_scrape_beside_the_daemon_never_overlaps_a_source(tmp_path: Path, site: LocalSite) -> None:
    pages(site, "/shop", 8, delay_s=0.5)
    path = write_config(tmp_path, site, "delay_s: 0, jitter_s: 0, timeout_s: 5", "shop")
    db = tmp_path / "d.db"
    with (tmp_path / "daemon.log").open("w", encoding="utf-8") as err:
        daemon = subprocess.Popen(python("--config", str(path), "run"), stderr=err)
    try:
        wait_for("the daemon's run", lambda: any(p.startswith("/shop/") for p in site.paths()))
        beside = subprocess.run(python("--config", str(path), "scrape"), capture_output=True,
                                text=True, timeout=60)  # fmt: skip
        assert beside.returncode == 0, beside.stderr  # skipped is not a failure
        assert beside.stdout.startswith("shop: skipped, 0 pages"), beside.stdout
        assert f"already running in pid {daemon.pid}" in beside.stdout
        done = "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"
        wait_for("the daemon's run to end", lambda: rows(db, done) == [(1,)])
        after = subprocess.run(python("--config", str(path), "scrape"), capture_output=True,
                               text=True, timeout=60)  # fmt: skip
        assert after.stdout.startswith("shop: ok, 8 pages"), after.stdout + after.stderr
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=20)
    runs = rows(db, "SELECT started_at, finished_at, status, pid FROM runs ORDER BY started_at")
    assert [status for _, _, status, _ in runs] == ["ok", "ok"]
    assert runs[0][3] == daemon.pid
    for (_, end, *_), (start, *_) in zip(runs, runs[1:], strict=False):
        assert start >= end  # one run of the source at a time


def test_a_run_of_a_source_held_elsewhere_is_skipped_not_failed(
    tmp_path: Path, site: LocalSite
) -> None:
    pages(site, "/shop", 1)
    cfg = load_config(write_config(tmp_path, site, "delay_s: 0, jitter_s: 0", "shop"))
    with source_lock(cfg.database, "shop"):  # as another process holding the source would
        [result] = run_cycle(cfg)
    assert (result.status, result.run_id, result.pages) == ("skipped", 0, 0)
    assert result.reason == f"already running in pid {os.getpid()}"
    assert rows(cfg.database, "SELECT count(*) FROM runs") == [(0,)]  # nothing recorded
    assert not any(p.startswith("/shop/") for p in site.paths())
    [after] = run_cycle(cfg)  # the lock went with its holder
    assert after.status == "ok"


def test_lock_files_name_their_holder(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "x.db"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from monitor.jobs.locks import daemon_lock;"
        f"daemon_lock(Path({str(db)!r})); print('held', flush=True); time.sleep(60)"
    )], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy) as taken:
            daemon_lock(db)
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    assert taken.value.pid == holder.pid
    assert taken.value.path == tmp_path / "sub" / "x.db.daemon.lock"
    lock = daemon_lock(db)  # a killed holder's lock is free (the kernel released it)
    lock.release()
    assert locks_dir(db) == tmp_path / "sub" / "x.db.locks"
    assert isinstance(lock, FileLock)


def test_the_per_host_delay_holds_across_processes(tmp_path: Path, site: LocalSite) -> None:
    pages(site, "/a", 3)
    pages(site, "/b", 3)
    path = write_config(tmp_path, site, "delay_s: 1, jitter_s: 0, timeout_s: 5", "a", "b")
    procs = [subprocess.Popen(python("--config", str(path), "scrape", "--source", name),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("a", "b")]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
        assert ": ok, 3 pages" in out
    times = sorted(r["at"] for r in site.requests)
    assert len(times) == 8  # robots.txt and 3 pages, twice
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.9, [round(g, 2) for g in gaps]
