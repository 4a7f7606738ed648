"""Readers and short writers beside a busy writer: ``export`` (CSV, Parquet, dataset), ``digest
--send`` (a real SMTP server on 127.0.0.1) and ``analyse`` run as real CLI processes, all at
once, while another process saves pages the way the jobs do. None may fail with "database is
locked", and every export holds at least the rows committed before it started."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.outputs.test_digest import start

pytestmark = pytest.mark.slow

ROUNDS = 3

# the writer: pages of 100 listings saved through Store.save_page, one run per 3 pages, as in
# monitor.jobs.collect.run_source; until the stop file appears, or for a number of pages
WRITER = """
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store
from scrapers.base import RawListing


@dataclass
class Usd:
    usd: Decimal
    rate: Decimal
    rate_date: date


db, stop, limit = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
norm = normalise("Antminer S19j Pro 104T")
pages = 0
with Store(db) as store:
    while not stop.exists() and (not limit or pages < limit):
        now = datetime.now(UTC)
        run = store.start_run("live", "shopify", now)
        observations = 0
        for _ in range(3):
            items = []
            for i in range(100):
                n = pages * 100 + i
                price = Decimal(1500 + n % 997)
                when = now - timedelta(days=n % 63)
                raw = RawListing(str(n % 600), f"https://live.example/p/{n % 600}",
                                 "Antminer S19j Pro 104T used", price, "USD")
                items.append(Sighting(raw, norm, when, Usd(price, Decimal(1), when.date())))
            observations += store.save_page(run, "live", items, now).observations
            pages += 1
        store.finish_run(run, datetime.now(UTC), status="ok", pages=3, listings=300,
                         observations=observations)
print(pages)
"""


def cli(config: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def count(db: Path) -> int:
    con = sqlite3.connect(db, timeout=30)
    try:
        return int(con.execute("SELECT count(*) FROM observations").fetchone()[0])
    finally:
        con.close()


def exported(path: Path) -> int:
    con = duckdb.connect()
    try:
        if path.suffix == ".csv":
            sql = f"SELECT count(*) FROM read_csv_auto('{path}')"
        elif path.is_dir():
            sql = f"SELECT count(*) FROM read_parquet('{path}/**/*.parquet')"
        else:
            sql = f"SELECT count(*) FROM read_parquet('{path}')"
        return int(con.execute(sql).fetchone()[0])
    finally:
        con.close()


def test_cli_beside_a_busy_writer_never_sees_a_locked_database(tmp_path: Path) -> None:
    db = tmp_path / "d.db"
    stop = tmp_path / "stop"
    seed = subprocess.run([sys.executable, "-c", WRITER, str(db), str(stop), "30"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert seed.returncode == 0, seed.stderr
    con = sqlite3.connect(db)
    with con:  # a source whose last run failed: the digest reports it once
        con.execute("INSERT INTO runs (source, kind, started_at, finished_at, status, reason) "
                    "VALUES ('gone', 'shopify', '2026-11-01T00:00:00Z', '2026-11-01T00:01:00Z', "
                    "'failed', 'HTTP 503')")  # fmt: skip
    con.close()
    ctl, smtp = start()
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: d.db\ndigest:\n  sender: asicmon@example.com\n  recipients: [me@example.com]\n"
        f"  smtp_host: {smtp.host}\n  smtp_port: {smtp.port}\n  security: none\n"
        "  send_when_empty: true\n",
        encoding="utf-8",
    )
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(stop), "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)  # fmt: skip
    try:
        outputs = {
            "csv": tmp_path / "obs.csv",
            "parquet": tmp_path / "obs.parquet",
            "month": tmp_path / "obs_by_month",
        }
        counts = []
        for _ in range(ROUNDS):
            before = count(db)
            procs: dict[str, subprocess.Popen[str]] = {
                "csv": cli(config, "export", "--what", "observations", "--format", "csv", "-o",
                           str(outputs["csv"])),
                "parquet": cli(config, "export", "--what", "observations", "--format", "parquet",
                               "-o", str(outputs["parquet"])),
                "month": cli(config, "export", "--what", "observations", "--format", "parquet",
                             "--partition-by", "month", "-o", str(outputs["month"])),
                "digest": cli(config, "digest", "--send"),
                "analyse": cli(config, "analyse", "--json"),
                "status": cli(config, "status", "--json"),
            }  # fmt: skip
            done: dict[str, tuple[str, str]] = {}
            for name, proc in procs.items():
                out, err = proc.communicate(timeout=120)
                assert "locked" not in err, (name, err)
                assert proc.returncode == 0, (name, err)
                done[name] = (out, err)
            after = count(db)
            counts.append((before, after))
            for name, path in outputs.items():  # a consistent snapshot, taken during the round
                assert before <= exported(path) <= after, name
            result: dict[str, Any] = json.loads(done["analyse"][0])
            assert result["index"]
            assert json.loads(done["status"][0])["observations"] >= before
            assert "sent digest" in done["digest"][0]
            assert writer.poll() is None, writer.communicate()[1]
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
        ctl.stop()
    assert writer.returncode == 0, err
    assert int(out) > 0
    assert counts[-1][1] > counts[0][0]  # the writer kept writing throughout
    assert len(smtp.sink.envelopes) == ROUNDS
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        reported = con.execute(
            "SELECT count(*) FROM sent_alerts WHERE rule = '_health' AND subject = 'gone'"
        ).fetchone()
        assert reported == (1,)  # reported once, recorded once
    finally:
        con.close()
