"""Only working units count, end to end: a miner sold for parts is imported, stored and exported,
but it never moves a $/TH index, is never a deal and raises no alert (``asicmon import``,
``analyse``, ``digest --dry-run``, ``export`` on a real SQLite database)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli

TODAY = datetime.now(UTC).date()
HEADER = "observed_at,title,price,currency,source,url,listing_id"
DEAD_TITLES = [  # four ways sellers say it, in three languages
    "Antminer S19j Pro 104T for parts, not hashing",
    "Antminer S19j Pro 104T dead hashboard, sold as-is",
    "Антмайнер S19j Pro 104T не хеширует",
    "蚂蚁 S19j Pro 104T 坏机",
]


def write_data(tmp_path: Path, name: str, dead: list[str] | None) -> Path:
    """Six weeks of four shops' working S19j Pro 104T at about 20 USD/TH; with ``dead``, four
    more listings with these titles in the last two weeks at 2 USD/TH (90 % under)."""
    rows = []
    for week in range(6):
        day = TODAY - timedelta(weeks=5 - week, days=1)
        for shop in range(4):
            price = round(104 * 20 * (1 + shop / 50), 2)
            rows.append([day, "Antminer S19j Pro 104T used", price, "USD", f"shop{shop}",
                         f"https://shop{shop}.example.com/s19", f"s19-{shop}"])  # fmt: skip
    for i, title in enumerate(dead or []):
        for days in (8, 1):
            rows.append([TODAY - timedelta(days=days), title, 208, "USD", f"junk{i}",
                         f"https://junk{i}.example.com/s19", f"dead-{i}"])  # fmt: skip
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(HEADER.split(","))
        out.writerows(rows)
    return path


def setup(tmp_path: Path, dead: list[str] | None) -> Path:
    """A folder with a config (a deal rule, a drop rule) and a database holding the data."""
    tmp_path.mkdir()
    cfg = tmp_path / "config.yaml"
    cfg.write_text("""
database: d.db
alerts:
  - {name: deals, kind: deal, drop_pct: 30}
  - {name: fall, kind: drop, model: Antminer S19j Pro, drop_pct: 20, within_days: 28}
digest:
  sender: asicmon@example.com
  recipients: [me@example.com]
  smtp_host: 127.0.0.1
  smtp_port: 9
  security: none
""", encoding="utf-8")  # fmt: skip
    data = write_data(tmp_path, "data.csv", dead)
    result = CliRunner().invoke(cli, ["--config", str(cfg), "import", str(data)])
    assert result.exit_code == 0, result.output
    return cfg


def index_of(cfg: Path) -> list[dict[str, object]]:
    out = CliRunner().invoke(cli, ["--config", str(cfg), "analyse", "--json", "--by", "model"])
    assert out.exit_code == 0, out.output
    index: list[dict[str, object]] = json.loads(out.output)["index"]
    assert index
    return index


def digest_text(cfg: Path) -> str:
    out = CliRunner().invoke(cli, ["--config", str(cfg), "digest", "--dry-run"])
    assert out.exit_code == 0, out.output
    return out.output


def test_for_parts_units_are_stored_but_count_nowhere(tmp_path: Path) -> None:
    working_only = setup(tmp_path / "working", None)
    with_dead = setup(tmp_path / "dead", DEAD_TITLES)
    # the control: the same cheap listings said to be working would move the index and be deals
    cheap_working = [f"Antminer S19j Pro 104T used #{i}" for i in "abcd"]
    as_working = setup(tmp_path / "as-working", cheap_working)

    # stored, as for_parts
    runner = CliRunner()
    listings_csv = tmp_path / "listings.csv"
    out = runner.invoke(cli, ["--config", str(with_dead), "export", "--what", "listings",
                              "--format", "csv", "-o", str(listings_csv)])  # fmt: skip
    assert out.exit_code == 0, out.output
    with listings_csv.open(encoding="utf-8") as fh:
        conditions = {r["listing_id"]: r["condition"] for r in csv.DictReader(fh)}
    assert {conditions[f"dead-{i}"] for i in range(4)} == {"for_parts"}
    assert {conditions[f"s19-{i}"] for i in range(4)} == {"used"}

    # the index is the working units' own
    assert index_of(with_dead) == index_of(working_only)
    assert index_of(as_working)[-1]["usd_per_th"] < 10  # would have been pulled down

    # never a deal, never an alert
    text = digest_text(with_dead)
    assert "junk" not in text
    assert "Deal" not in text
    assert "fell" not in text
    control = digest_text(as_working)
    assert "junk0.example.com" in control  # a working unit at that price is a deal

    # still exported: every for-parts sighting is in the observations
    obs_csv = tmp_path / "observations.csv"
    out = runner.invoke(cli, ["--config", str(with_dead), "export", "--what", "observations",
                              "--format", "csv", "-o", str(obs_csv)])  # fmt: skip
    assert out.exit_code == 0, out.output
    with obs_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    dead_rows = [r for r in rows if r["source"].startswith("junk")]
    assert len(dead_rows) == 8
    assert len(rows) == 6 * 4 + 8
