"""`asicmon import`, `analyse --json`, `plot` and `events` on a real-shaped extract of dealer
asks (2022, tier 25-38 J/TH: tests/fixtures/analysis, test-only data)."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli

FIXTURE = Path(__file__).parent.parent / "fixtures" / "analysis" / "dealer_asks_2022_25to38.csv"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A config, and the extract in the import format plus three bad rows."""
    (tmp_path / "config.yaml").write_text("database: a.db\n", encoding="utf-8")
    with FIXTURE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = tmp_path / "asks.csv"
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "source"])
        for r in rows:
            w.writerow([r["date"], f"{r['model']} {float(r['th']):g}T", r["price_usd"], "USD",
                        r["source"]])  # fmt: skip
        w.writerow(["2022-13-40", "Antminer S19 95T", "1000", "USD", "x"])  # bad date
        w.writerow(["2022-05-01", "Antminer S19 95T", "lots", "USD", "x"])  # bad price
        w.writerow(["2022-05-01", "", "1000", "USD", "x"])  # no title
    return tmp_path


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(project / "config.yaml"), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_import_reports_bad_rows_and_keeps_good_ones(project: Path) -> None:
    good = len(FIXTURE.read_text(encoding="utf-8").splitlines()) - 1
    result = CliRunner().invoke(
        cli, ["--config", str(project / "config.yaml"), "import", str(project / "asks.csv")]
    )
    assert result.exit_code == 0, result.output
    assert f"imported {good} of {good + 3} rows (3 bad)" in result.output
    assert f"asks.csv:{good + 2}: observed_at '2022-13-40' is not a date" in result.output
    assert f"asks.csv:{good + 3}: price 'lots' is not a number" in result.output
    assert f"asks.csv:{good + 4}: missing title" in result.output
    db = sqlite3.connect(project / "a.db")
    usd = db.execute("SELECT count(*), sum(usd_minor = price_minor) FROM observations").fetchone()
    db.close()
    assert usd[0] > 0
    assert usd[0] == usd[1]  # USD stays USD, at rate 1, beside the original


def test_analyse_flags_the_2022_decline(project: Path) -> None:
    run(project, "import", str(project / "asks.csv"))
    data = json.loads(run(project, "analyse", "--json", "--by", "tier"))
    assert set(data) == {"index", "drops"}
    tier = [d for d in data["drops"] if d["series"] == "tier:25to38"]
    assert tier, data["drops"]
    first = min(tier, key=lambda d: d["start"])
    assert "2022-05-01" <= first["start"] <= "2022-06-30"
    assert first["drop_pct"] >= 15
    for key in ("end", "market_explained_pct", "abnormal_pct", "events", "chance_alignment_p"):
        assert key in first
    assert all({"id", "date", "jurisdiction", "title", "days_from_start"} <= set(e)
               for d in tier for e in d["events"])  # fmt: skip
    assert any(e["id"].startswith("GL-2022") for d in tier for e in d["events"])


def test_plot_and_events(project: Path) -> None:
    run(project, "import", str(project / "asks.csv"))
    png = project / "tier.png"
    run(project, "plot", "--series", "tier:25to38", "-o", str(png))
    assert png.read_bytes()[:4] == b"\x89PNG"
    bad = CliRunner().invoke(cli, ["--config", str(project / "config.yaml"), "plot",
                                   "--series", "tier:nope", "-o", str(png)])  # fmt: skip
    assert bad.exit_code == 1
    assert "no index series 'tier:nope'" in bad.output
    events = json.loads(run(project, "events", "--json"))
    assert len(events) == 75
    assert {"id", "date", "jurisdiction", "kind", "title"} <= set(events[0])
    assert "CN-2021" in run(project, "events")
