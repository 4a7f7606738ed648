"""Crash safety with real processes: ``kill -9`` the daemon mid-scrape and ``asicmon export``
mid-write at seeded random moments, then check that nothing was lost, duplicated or left
half-written, and that every interrupted run says so."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.csv as pv
import pyarrow.dataset as ds
import pytest

from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store
from scrapers.base import RawListing
from tests.conftest import LocalSite, Reply

pytestmark = pytest.mark.slow

PAGE_SIZE, PAGES, LAST_PAGE = 5, 6, 2  # 27 products, one variant each
PAGE_DELAY_S = 0.4  # a run takes >= PAGES * PAGE_DELAY_S: long enough to be killed inside
KILLS = 5


def python(*args: str) -> list[str]:
    return [sys.executable, "-m", "monitor", *args]


def query(db: Path, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db, timeout=30)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def wait_for(what: str, check: Callable[[], bool], timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def slow_shop(site: LocalSite) -> set[str]:
    """A Shopify shop whose pages each take PAGE_DELAY_S; returns the listing keys."""
    keys = set()
    for page in range(1, PAGES + 1):
        n = PAGE_SIZE if page < PAGES else LAST_PAGE
        ids = [(page - 1) * PAGE_SIZE + i + 1 for i in range(n)]
        keys |= {f"shop:{i * 10}" for i in ids}
        body = json.dumps({"products": [
            {"id": i, "title": f"Antminer S19j Pro 104T #{i}", "handle": f"p{i}",
             "variants": [{"id": i * 10, "price": f"{400 + i}.00", "available": True}]}
            for i in ids
        ]})  # fmt: skip
        site.route(f"/shop/products.json?limit={PAGE_SIZE}&page={page}",
                   Reply(200, body, delay_s=PAGE_DELAY_S))  # fmt: skip
    return keys


def test_daemon_killed_mid_scrape_loses_and_duplicates_nothing(
    tmp_path: Path, site: LocalSite
) -> None:
    keys = slow_shop(site)
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: d.db\nhttp: {delay_s: 0, jitter_s: 0, timeout_s: 10}\nsources:\n"
        f'  - {{name: shop, kind: shopify, url: "{site.url}/shop", schedule: 2s, '
        f"page_size: {PAGE_SIZE}}}\n",
        encoding="utf-8",
    )
    db = tmp_path / "d.db"
    rng = random.Random(20261125)
    killed: list[int] = []
    for n in range(KILLS):
        seen = len(site.requests)
        log = tmp_path / f"daemon-{n}.log"
        with log.open("w", encoding="utf-8") as err:
            proc = subprocess.Popen(python("--config", str(config), "run"), stderr=err)
        try:
            # the first request comes after the run row is written; the run then needs at
            # least PAGES * PAGE_DELAY_S more, so this kill lands inside it
            wait_for("the daemon's first request", lambda s=seen: len(site.requests) > s)
            time.sleep(rng.uniform(0.05, PAGES * PAGE_DELAY_S * 0.75))
        finally:
            proc.kill()
            proc.wait(timeout=10)
        killed.append(proc.pid)
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
        running = query(db, "SELECT status FROM runs WHERE pid = ?", (proc.pid,))
        assert running == [("running",)], log.read_text(encoding="utf-8")
        if n:  # the restarted daemon first closed the run its predecessor left open
            logs = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
            msgs = [e["msg"] for e in logs if e["level"] == "warning"]
            assert any(f"interrupted: process {killed[-2]} died" in m for m in msgs), msgs

    status = subprocess.run(python("--config", str(config), "status"), capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert status.returncode == 0, status.stderr
    assert f"marked failed: interrupted: process {killed[-1]} died" in status.stderr
    scrape = subprocess.run(python("--config", str(config), "scrape"), capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert scrape.returncode == 0, scrape.stderr
    assert f"shop: ok, {PAGES} pages" in scrape.stdout

    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "SELECT count(*) FROM runs WHERE finished_at IS NULL") == [(0,)]
    for pid in killed:
        assert query(db, "SELECT status, reason, errors FROM runs WHERE pid = ?", (pid,)) == [
            ("failed", f"interrupted: process {pid} died", 1)
        ]
    marks = ", ".join("?" * len(killed))
    others = query(db, f"SELECT status FROM runs WHERE pid NOT IN ({marks})", tuple(killed))
    assert others == [("ok",)]  # the final clean scrape
    dupes = query(db, "SELECT listing_key FROM observations GROUP BY listing_key, observed_date, "
                      "price_minor, currency HAVING count(*) > 1")  # fmt: skip
    assert dupes == []
    # nothing lost: every listing of every page has its sighting, and each stored sighting is
    # accounted for by exactly one run (killed runs were credited with what they committed)
    assert {k for (k,) in query(db, "SELECT DISTINCT listing_key FROM observations")} == keys
    assert {k for (k,) in query(db, "SELECT key FROM listings")} == keys
    [(total, credited)] = query(
        db, "SELECT (SELECT count(*) FROM observations), (SELECT sum(observations) FROM runs)"
    )
    assert total == credited >= len(keys)


# -- exports ----------------------------------------------------------------------------------
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
LISTINGS, DAYS = 1000, 150
FORMAT = {"parquet": "parquet", "csv": "csv", "month": "parquet"}


def grow(db: Path, days: range) -> None:
    """Listings saved through the Store; their sightings repeated over ``days`` in SQL."""
    norm = normalise("Antminer S19j Pro 104T")
    with Store(db) as store:
        run = store.start_run("shop", "shopify", T0)
        raws = [RawListing(str(i), f"https://s/{i}", f"Antminer S19j Pro 104T #{i}",
                           Decimal(400 + i), "USD") for i in range(LISTINGS)]  # fmt: skip
        items = [Sighting(raw, norm, T0) for raw in raws]
        store.save_page(run, "shop", items, T0)
        store.finish_run(run, T0, status="ok")
    con = sqlite3.connect(db, timeout=30)
    with con:
        con.execute(
            "INSERT OR IGNORE INTO observations (listing_key, run_id, observed_at, observed_date, "
            "price_minor, currency, available, price_basis, sold) "
            "WITH RECURSIVE d(n) AS (SELECT ? UNION ALL SELECT n + 1 FROM d WHERE n < ?) "
            "SELECT listing_key, run_id, date(observed_date, '+' || n || ' days') || 'T12:00:00Z',"
            " date(observed_date, '+' || n || ' days'), price_minor + n, currency, available, "
            "price_basis, sold FROM observations, d WHERE observed_date = '2026-01-01'",
            (days.start, days.stop - 1),
        )
    con.close()


def snapshot(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}  # fmt: skip


def rows_in(path: Path, fmt: str) -> int:
    """Rows as readers see them: duckdb by glob (so a temp file would be counted) and pyarrow."""
    con = duckdb.connect()
    try:
        if fmt == "csv":
            sql = f"SELECT count(*) FROM read_csv_auto('{path.parent}/*.csv')"
        else:
            glob = f"{path}/**/*.parquet" if path.is_dir() else f"{path.parent}/*.parquet"
            sql = f"SELECT count(*) FROM read_parquet('{glob}')"
        n = int(con.execute(sql).fetchone()[0])
    finally:
        con.close()
    if fmt == "csv":
        assert pv.read_csv(path).num_rows == n
    else:
        assert ds.dataset(path, format="parquet", partitioning="hive").count_rows() == n
    return n


def test_export_killed_mid_write_leaves_the_previous_export(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    grow(db, range(1, DAYS))
    config = tmp_path / "config.yaml"
    config.write_text("database: x.db\n", encoding="utf-8")
    targets = {
        "parquet": (tmp_path / "p" / "obs.parquet", ["--format", "parquet"]),
        "csv": (tmp_path / "c" / "obs.csv", ["--format", "csv"]),
        "month": (tmp_path / "m" / "obs", ["--format", "parquet", "--partition-by", "month"]),
    }

    def export(kind: str) -> subprocess.Popen[str]:
        path, opts = targets[kind]
        return subprocess.Popen(
            python("--config", str(config), "export", "--what", "observations", *opts, "-o",
                   str(path)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def temp_of(kind: str, pid: int) -> Callable[[], bool]:
        path = targets[kind][0]
        return lambda: any(p.name.startswith(f".{path.name}.tmp-{pid}") for p in
                           path.parent.iterdir()) if path.parent.exists() else False  # fmt: skip

    took, good, counts = {}, {}, {}
    for kind, (path, _) in targets.items():  # a good export of each kind, timed from its temp
        proc = export(kind)
        wait_for("the temp file", temp_of(kind, proc.pid))
        start = time.monotonic()
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        took[kind] = time.monotonic() - start
        good[kind], counts[kind] = snapshot(path), rows_in(path, FORMAT[kind])
    assert counts["parquet"] == counts["csv"] == counts["month"] == LISTINGS * DAYS
    grow(db, range(DAYS, DAYS + 20))  # a finished export would now differ from the good one

    rng = random.Random(7)
    cut = 0
    for kind in ["parquet", "csv", "month", "parquet", "csv", "month"]:
        path, fmt = targets[kind][0], FORMAT[kind]
        proc = export(kind)
        wait_for("the temp file", temp_of(kind, proc.pid))
        time.sleep(rng.uniform(0.0, 0.7) * took[kind])
        proc.kill()
        proc.communicate(timeout=10)
        # the target is one whole export at every moment: the previous one, byte for byte,
        # or (when the kill came after the rename) the complete new one
        if snapshot(path) == good[kind]:
            cut += 1
            assert rows_in(path, fmt) == counts[kind]
            assert temp_of(kind, proc.pid)()  # what the kill left, for the next export to clean
        else:
            assert rows_in(path, fmt) == query(db, "SELECT count(*) FROM observations")[0][0]
            good[kind], counts[kind] = snapshot(path), rows_in(path, fmt)
    assert cut >= 3, f"only {cut} of 6 kills landed inside an export"

    total = query(db, "SELECT count(*) FROM observations")[0][0]
    for kind, (path, _) in targets.items():  # the next export succeeds and cleans up
        proc = export(kind)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert [p.name for p in path.parent.iterdir()] == [path.name]
        assert rows_in(path, FORMAT[kind]) == total
    assert any((tmp_path / "m" / "obs").glob("month=*/part-0.parquet"))
