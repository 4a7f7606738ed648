"""`asicmon import`, `analyse --json`, `plot` and `events` on a real-shaped extract of dealer
asks (2022, tier 25-38 J/TH: tests/fixtures/analysis, test-only data)."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.analysis.events import load_events
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
    assert len(events) == len(load_events())  # the bundled catalog, as the CLI shows it
    assert {"id", "date", "jurisdiction", "kind", "title"} <= set(events[0])
    assert "CN-2021" in run(project, "events")


# -- prices and currencies: scrapers.money's strict reader and the one currency table ----------
MONEY_ROWS = [  # (title, price, currency, listing_id); line numbers start at 2 (1 is the header)
    ("Antminer S19j Pro 100T", "1.299,00", "EUR", "eur"),  # 2: European decimals
    ("Antminer S19 95T", "$900", "", "dollar-sign"),  # 3: blank currency, the "$" names it
    ("Antminer S19 95T", "900 USD", "USD", "usd-word"),  # 4
    ("Antminer S19 90T", "2500", "USDT", "usdt"),  # 5: stored as USD
    ("Antminer S19 90T", "3,299.00", "usd", "grouped"),  # 6
    ("Antminer S19 90T", "€1.299,00", "EUR", "eur-sign"),  # 7
    ("Antminer S19 90T", "2500", "XYZ", "xyz"),  # 8: nothing converts XYZ
    ("Antminer S19 90T", "-5", "USD", "neg"),  # 9
    ("Antminer S19 90T", "1e309", "USD", "huge"),  # 10
    ("Antminer S19 90T", "1e20", "USD", "e20"),  # 11
    ("Antminer S19 90T", "1e3", "USD", "e3"),  # 12
    ("Antminer S19 90T", "$1,2,3", "USD", "commas"),  # 13
    ("Antminer S19 90T", "$900", "EUR", "disagree"),  # 14
    ("Antminer S19 90T", "1.299", "USD", "three-decimals"),  # 15: would be stored as 1.30
    ("Antminer S19 90T", "900", "", "no-currency"),  # 16
    ("Antminer S19 90T", "900", "dollars", "bad-code"),  # 17
    ("Antminer S19 90T", "100000000000000000000", "USD", "trillions"),  # 18
]
MONEY_ERRORS = [
    (8, "currency 'XYZ' cannot be converted to USD"),
    (9, "price '-5' must be positive"),
    (10, "price '1e309' is not a number"),
    (11, "price '1e20' is not a number"),
    (12, "price '1e3' is not a number"),
    (13, "price '$1,2,3' is not a number"),
    (14, "price '$900' is in USD but currency says EUR"),
    (15, "price '1.299' has more decimal places than USD has"),
    (16, "missing currency"),
    (17, "currency 'dollars' is not an ISO code like USD"),
    (18, "price '100000000000000000000' is too large for a price"),
]


def money_csv(tmp_path: Path) -> Path:
    path = tmp_path / "prices.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "listing_id"])
        w.writerows(["2022-03-01", *row] for row in MONEY_ROWS)
    return path


def test_import_reads_prices_strictly_and_stores_exactly_what_it_counts(tmp_path: Path) -> None:
    from monitor.jobs.importer import import_csv
    from monitor.normalise.fx import to_usd
    from monitor.store import Store

    path = money_csv(tmp_path)
    assert path.read_text(encoding="utf-8").splitlines()[1] == (
        '2022-03-01,Antminer S19j Pro 100T,"1.299,00",EUR,eur'
    )
    with Store(tmp_path / "a.db") as store:
        result = import_csv(path, store)
    assert result.errors == MONEY_ERRORS
    assert result.rows == len(MONEY_ROWS)
    assert result.imported == len(MONEY_ROWS) - len(MONEY_ERRORS) == 6
    assert result.observations == result.new_listings == 6

    db = sqlite3.connect(tmp_path / "a.db")
    stored = {
        key.rpartition(":")[2]: (minor, currency, usd)
        for key, minor, currency, usd in db.execute(
            "SELECT listing_key, price_minor, currency, usd_minor FROM observations"
        )
    }
    db.close()
    assert len(stored) == result.imported  # every row counted as imported is stored
    assert stored["eur"][:2] == (129900, "EUR")  # 1299.00 EUR exactly, not 1.30 EUR
    assert stored["eur-sign"][:2] == (129900, "EUR")
    assert stored["dollar-sign"] == (90000, "USD", 90000)
    assert stored["usd-word"] == (90000, "USD", 90000)
    assert stored["usdt"] == (250000, "USD", 250000)  # USDT is dollars, with a USD value
    assert stored["grouped"] == (329900, "USD", 329900)
    # and 1299.00 EUR (not 1.30) converted at the ECB rate of the day
    usd = to_usd(Decimal("1299.00"), "EUR", date(2022, 3, 1)).usd
    assert stored["eur"][2] == stored["eur-sign"][2] == int(usd * 100) > 140000


def test_import_cli_reports_money_errors_with_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("database: a.db\n", encoding="utf-8")
    path = money_csv(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.yaml"), "import",
                                      str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"imported 6 of {len(MONEY_ROWS)} rows ({len(MONEY_ERRORS)} bad)" in result.output
    for line, reason in MONEY_ERRORS:
        assert f"prices.csv:{line}: {reason}" in result.output
