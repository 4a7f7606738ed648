"""The offline demo end to end, as a new user runs it (a real subprocess, a real SQLite file)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest


def run_demo(workdir: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    workdir = tmp_path_factory.mktemp("demo")
    first = run_demo(workdir)
    second = run_demo(workdir)
    return workdir, first, second


def test_demo_fills_the_database(demo: tuple[Path, str, str]) -> None:
    workdir, out, _ = demo
    db = sqlite3.connect(workdir / "asicmon.db")
    listings = db.execute("SELECT count(*) FROM listings").fetchone()[0]
    per_listing = db.execute(
        "SELECT min(n) FROM (SELECT count(*) AS n FROM observations GROUP BY listing_key)"
    ).fetchone()[0]
    priced = db.execute("SELECT count(DISTINCT listing_key) FROM observations").fetchone()[0]
    miners, normalised = db.execute(
        "SELECT count(*), sum(model IS NOT NULL AND hashrate IS NOT NULL) FROM listings "
        "WHERE kind = 'miner'"
    ).fetchone()
    parts = db.execute("SELECT count(*) FROM listings WHERE kind = 'part'").fetchone()[0]
    runs = db.execute("SELECT count(*), sum(status = 'ok') FROM runs").fetchone()
    db.close()
    assert listings >= 50
    assert priced >= 50
    assert per_listing >= 2
    assert normalised / miners >= 0.9
    assert parts >= 3  # parts are recognised, not counted as miners
    assert runs[0] == runs[1] == 2 * 6 * 3  # two demo runs x 6 snapshots x 3 shops, all ok
    assert "median USD/TH per model" in out
    assert "Antminer S19j Pro" in out


def test_second_demo_adds_no_duplicate_observations(demo: tuple[Path, str, str]) -> None:
    workdir, first, second = demo
    db = sqlite3.connect(workdir / "asicmon.db")
    dupes = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM observations "
        "GROUP BY listing_key, observed_date, price_minor, currency HAVING count(*) > 1)"
    ).fetchone()[0]
    db.close()
    assert dupes == 0
    assert "; 0 new observations" in second
    assert "; 0 new observations" not in first.split("\n")[1]


def test_exports_read_back(demo: tuple[Path, str, str]) -> None:
    workdir, _, _ = demo
    exports = workdir / "exports"
    db = sqlite3.connect(workdir / "asicmon.db")
    n_obs = db.execute("SELECT count(*) FROM observations").fetchone()[0]
    n_list = db.execute("SELECT count(*) FROM listings").fetchone()[0]
    n_priced = db.execute("SELECT count(DISTINCT listing_key) FROM observations").fetchone()[0]
    db.close()
    obs = pq.read_table(exports / "observations.parquet")
    assert obs.num_rows == n_obs
    assert str(obs.schema.field("price_minor").type) == "int64"
    assert pacsv.read_csv(exports / "observations.csv").num_rows == n_obs
    assert pq.read_table(exports / "listings.parquet").num_rows == n_list
    con = duckdb.connect()
    got = con.execute(
        f"SELECT count(*), count(DISTINCT listing_key) FROM '{exports / 'observations.parquet'}'"
    ).fetchone()
    assert got == (n_obs, n_priced)
    assert (
        con.execute(f"SELECT count(*) FROM read_csv_auto('{exports / 'listings.csv'}')").fetchone()[
            0
        ]
        == n_list
    )
    con.close()
