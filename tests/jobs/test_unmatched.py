"""`asicmon import` -> `unmatched --json` -> `analyse --json` for model names the catalog lacks
(open vocabulary: "Antminer S29 Hyd", "Whatsminer M79S"): listed as unmatched with
``catalog_match: false``, and counted in a model series where the title gives the hashrate."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli

WITH_POWER = "Antminer S29 Hyd 700T 7000W"  # hashrate and power: a model series and a tier
NO_POWER = "Whatsminer M79S 300T"  # hashrate only: a model series, no tier
NO_HASHRATE = "Avalon A1999 new"  # no hashrate: stored and listed, never in an index
CATALOG = "Antminer S19j Pro 104T"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text("database: a.db\n", encoding="utf-8")
    with (tmp_path / "asks.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "source", "listing_id"])
        day = date(2026, 9, 7)
        for week in range(12):
            when = (day + timedelta(weeks=week)).isoformat()
            for i, (title, price) in enumerate(
                [(WITH_POWER, 14000), (NO_POWER, 4500), (NO_HASHRATE, 3000), (CATALOG, 1500)]
            ):
                for seller in range(3):  # a few listings of each, a little apart in price
                    w.writerow([when, title, price + 50 * seller - 10 * week, "USD", "shop",
                                f"{i}-{seller}"])  # fmt: skip
    return tmp_path


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(project / "config.yaml"), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_open_vocabulary_is_listed_unmatched_and_indexed(project: Path) -> None:
    run(project, "import", str(project / "asks.csv"))
    rows = {r["title"]: r for r in json.loads(run(project, "unmatched", "--json"))}
    for title, model in [
        (WITH_POWER, "Antminer S29 Hyd"),
        (NO_POWER, "Whatsminer M79S"),
        (NO_HASHRATE, "Avalon A1999"),
    ]:
        row = rows[title]
        assert (row["model"], row["catalog_match"], row["listings"]) == (model, False, 3)
        assert "not in the catalog" in row["reason"]
    assert CATALOG not in rows
    text = run(project, "unmatched")
    assert "not in the catalog" in text

    models = {r["series"] for r in json.loads(run(project, "analyse", "--json"))["index"]}
    assert {"model:Antminer S29 Hyd", "model:Whatsminer M79S"} <= models
    assert "model:Avalon A1999" not in models
    tiers = json.loads(run(project, "analyse", "--json", "--by", "tier"))["index"]
    # S29 Hyd: 10 J/TH; S19j Pro: 29.5 J/TH; M79S: no J/TH, so in no tier
    assert {r["series"] for r in tiers} == {"tier:under19", "tier:25to38"}
    series = run(project, "analyse", "--series").splitlines()
    assert "model:Whatsminer M79S" in series
    assert "model:Avalon A1999" not in series


def test_listings_export_has_catalog_match(project: Path) -> None:
    run(project, "import", str(project / "asks.csv"))
    out = project / "listings.csv"
    run(project, "export", "--what", "listings", "--format", "csv", "-o", str(out))
    with out.open(encoding="utf-8") as fh:
        flags = {r["title"]: r["catalog_match"] for r in csv.DictReader(fh)}
    assert flags[WITH_POWER] == flags[NO_HASHRATE] == "false"
    assert flags[CATALOG] == "true"
