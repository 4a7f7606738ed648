"""The offline demo end to end, as a new user runs it (a real subprocess, a real SQLite file)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import yaml
from click.testing import CliRunner, Result

from monitor.analysis.drops import drop_span
from monitor.cli import cli
from monitor.jobs.demo import demo_root, snapshots


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
    weeks = len(snapshots(demo_root()))
    assert weeks == 22  # Mondays 2021-04-05 to 2021-08-30
    assert runs[0] == runs[1] == 2 * weeks * 3  # two demo runs x 22 snapshots x 3 shops, all ok
    assert "median USD/TH per tier" in out
    assert "tier:25to38" in out
    assert "generated from published Hashrate Index levels" in out.splitlines()[1]


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


def on_demo(workdir: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(workdir / "demo-config.yaml"), *args])


def test_the_demo_config_is_left_usable(demo: tuple[Path, str, str]) -> None:
    workdir, _, _ = demo
    config = workdir / "demo-config.yaml"
    text = config.read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    # its shops lived on a port of that run only: disabled, and the file says why
    assert loaded["sources"]
    assert all(s["enabled"] is False for s in loaded["sources"])
    assert "# The demo's shops were served by `asicmon demo` itself" in text
    assert on_demo(workdir, "check-config").exit_code == 0
    scrape = on_demo(workdir, "scrape")
    assert scrape.exit_code == 0, scrape.output
    assert "no enabled sources in config; nothing to do" in scrape.output
    sources = on_demo(workdir, "sources")
    assert sources.exit_code == 0, sources.output
    assert sources.stdout.count("(disabled)") == len(loaded["sources"])
    status = on_demo(workdir, "status")
    assert status.exit_code == 0, status.output
    # a digest section with placeholders, so the preview works (sending needs a real server)
    assert loaded["digest"]["smtp_host"] == "localhost"
    preview = on_demo(workdir, "digest", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "Best deals" in preview.stdout
    series = on_demo(workdir, "analyse", "--series")
    assert series.exit_code == 0, series.output
    first = series.stdout.splitlines()[0]
    assert first.startswith("tier:")
    png = workdir / "chart.png"
    plotted = on_demo(workdir, "plot", "--series", first, "-o", str(png))
    assert plotted.exit_code == 0, plotted.output
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_demo_drop_spans_read_right(demo: tuple[Path, str, str]) -> None:
    workdir, _, _ = demo
    text = on_demo(workdir, "analyse")
    assert text.exit_code == 0, text.output
    data = json.loads(on_demo(workdir, "analyse", "--json").stdout)
    for d in data["drops"]:  # every drop is worded from its own start and end
        assert (
            f"{d['series']}: -{d['drop_pct']:.0f} % {drop_span(d['start'], d['end'])}"
            in text.stdout
        )
    assert not re.search(r"from (\S+) to \1\b", text.stdout)  # never "from X to X"
    daily = on_demo(workdir, "analyse", "--freq", "D")
    assert daily.exit_code == 0, daily.output
    assert not re.search(r"from (\S+) to \1\b", daily.stdout)
    assert "in the week of" not in daily.stdout


def test_demo_finds_the_china_2021_drop(demo: tuple[Path, str, str]) -> None:
    """The finding the demo is for: the tier fall from mid-May 2021 (one drawdown, peak to
    trough), its size, the part the market explains and the China events that line up, in the
    JSON and in the demo's summary; and the changepoint step inside it."""
    workdir, out, _ = demo
    data = json.loads(on_demo(workdir, "analyse", "--json").stdout)
    china = [
        w
        for w in data["drawdowns"]
        if w["series"].startswith("tier:")
        and "2021-05-10" <= w["start"] <= "2021-06-07"
        and w["depth_pct"] >= 30
        and any(e["jurisdiction"] == "CN" for e in w["events"])
        and w["market_explained_pct"] is not None
    ]
    assert china, data["drawdowns"]
    first = china[0]
    assert first["end"] >= "2021-06-28"  # down to the July trough
    assert first["chance_alignment_p"] is not None
    assert 0 < first["market_explained_pct"] < first["depth_pct"]
    cn = {e["jurisdiction"] for e in first["events"]}
    assert {
        "CN",
        "CN-NM",
        "CN-XJ",
        "CN-SC",
    } <= cn  # State Council, Inner Mongolia, Xinjiang, Sichuan
    summary = out[out.index("finding:") :]
    assert f"fell {first['depth_pct']:.0f} % {drop_span(first['start'], first['end'])}" in summary
    assert f"explains {first['market_explained_pct']:.0f} points" in summary
    assert f"p = {first['chance_alignment_p']:.2f}" in summary
    for ev in first["events"]:
        if ev["jurisdiction"].startswith("CN"):
            assert f"{ev['date']} {ev['jurisdiction']:<6} {ev['title']}" in summary
    # the changepoint detector finds a sharp step of the same tier inside the fall
    steps = [
        d for d in data["drops"]
        if d["series"] == first["series"] and first["start"] <= d["start"] <= first["end"]
    ]  # fmt: skip
    assert steps
    assert steps[0]["drop_pct"] >= 20
    assert f"sharpest step: -{steps[0]['drop_pct']:.0f} %" in summary
