"""`asicmon analyse` reads the store's weekly sighting counts (``sighting_weeks``) columnar: its
index values must be exactly those of the old path, which read every sighting as a row."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlite_utils import Database

from monitor.cli import cli
from monitor.config import load_config
from monitor.jobs.analyse import (
    analyse_db,
    analyse_frames,
    events_frame,
    market_frame,
    observations_frame,
    sightings_frame,
)
from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store, migrations
from scrapers.base import RawListing
from tests.conftest import dealer_asks_csv


def old_frame(store: Store, since: str | None, until: str | None) -> pd.DataFrame:
    """The frame the analysis read before sighting_weeks: every sighting as a Python row."""
    rows = store.analysis_rows(since, until)
    frame = pd.DataFrame(
        rows,
        columns=["observed_date", "listing_key", "source", "model", "efficiency_j_th",
                 "hashrate_ths", "quantity", "usd_minor", "price_basis", "sold", "kind",
                 "condition"],
    )  # fmt: skip
    frame["observed_date"] = pd.to_datetime(frame["observed_date"])
    frame["price_usd"] = frame["usd_minor"] / 100.0
    frame["sold"] = frame["sold"].astype(bool)
    return frame.drop(columns=["usd_minor"])


RANGES = [(None, None), ("2022-03-09", "2022-06-16"), ("2022-04-06", "2022-04-08")]


def assert_same_results(config: Path, ranges: list[tuple[str | None, str | None]]) -> int:
    """Old path vs new path on the database of ``config``: equal index and drops (exact JSON
    values), weekly and daily, over each (since, until). Returns the index rows compared."""
    cfg = load_config(config)
    events = events_frame(cfg)
    compared = 0
    for since, until in ranges:
        for freq in ("W", "D"):
            with Store(cfg.database, create=False) as store:
                old = old_frame(store, since, until)
                market = market_frame(store)
            before = analyse_frames(old, market, events, since, until, freq=freq)
            after = analyse_db(cfg, since, until, freq=freq)
            assert json.dumps(after["index"]) == json.dumps(before["index"]), (since, until, freq)
            assert json.dumps(after["drops"]) == json.dumps(before["drops"]), (since, until, freq)
            compared += len(before["index"])
    return compared


def weeks_recounted(db: Path) -> tuple[list[Any], list[Any]]:
    """sighting_weeks as stored, and as counted again from observations."""
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT * FROM sighting_weeks ORDER BY 1, 2, 3, 4, 5").fetchall()
        day = "CAST(strftime('%s', observed_date) AS INTEGER) / 86400"
        recount = conn.execute(
            f"SELECT listing_key, ({day}) - ((({day}) % 7 + 10) % 7) AS week, usd_minor, "
            f"price_basis, sold, count(*), min({day}), NULL FROM observations "
            "WHERE usd_minor IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
        ).fetchall()
        firsts = conn.execute(
            f"SELECT o.id, {day} FROM observations o WHERE usd_minor IS NOT NULL "
            "ORDER BY o.observed_date, o.id"
        ).fetchall()
        rows = conn.execute(
            f"SELECT id, listing_key, ({day}) - ((({day}) % 7 + 10) % 7), usd_minor, "
            "price_basis, sold FROM observations WHERE usd_minor IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    first_id: dict[tuple[Any, ...], int] = {}
    group = {r[0]: tuple(r[1:]) for r in rows}
    for obs_id, _ in firsts:  # in sighting order: the first one seen of each group
        first_id.setdefault(group[obs_id], obs_id)
    expected = [(*r[:7], first_id[tuple(r[:5])]) for r in recount]
    return stored, expected


# --- the demo -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workdir = tmp_path_factory.mktemp("demo")
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--workdir", str(workdir)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return workdir / "demo-config.yaml"


def test_demo_index_is_identical_to_the_old_path(demo: Path) -> None:
    with Store(load_config(demo).database, create=False) as store:
        days = store.query("SELECT min(observed_date) AS lo, max(observed_date) AS hi "
                           "FROM observations")[0]  # fmt: skip
    lo, hi = date.fromisoformat(days["lo"]), date.fromisoformat(days["hi"])
    mid = lo + (hi - lo) / 2
    ranges: list[tuple[str | None, str | None]] = [
        (None, None),
        ((lo + timedelta(days=3)).isoformat(), (hi - timedelta(days=2)).isoformat()),
        (mid.isoformat(), (mid + timedelta(days=2)).isoformat()),  # within one week
    ]
    assert assert_same_results(demo, ranges) > 0


# --- the 753 dealer rows, then more writes ------------------------------------------------------


DEALER_MODELS = Path(__file__).parents[1] / "fixtures" / "titles" / "dealer-models.csv"


def dealer_rows(path: Path) -> Path:
    """The dealer asks (``DEALER_ASKS``, 109 rows) and the 753 dealer model strings of
    ``dealer-models.csv`` as asks too, spread over 2022 at prices from their TH/s."""
    with DEALER_MODELS.open(encoding="utf-8") as fh:
        models = list(csv.DictReader(fh))
    extra = []
    for i, row in enumerate(models):
        day = date(2022, 1, 3) + timedelta(days=(i * 5) % 360)
        usd_per_th = 20 + (i * 7) % 23 - day.month
        price = round(float(row["th"]) * usd_per_th, 2)
        extra.append([day.isoformat(), row["model_string"], f"{price:.2f}", "USD",
                      f"dealer-{i % 4}"])  # fmt: skip
    return dealer_asks_csv(path, extra)


@pytest.fixture
def dealer(tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text("database: a.db\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["--config", str(config), "import",
                                    str(dealer_rows(tmp_path / "asks.csv"))])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "imported 862 of 862 rows" in done.output
    return config


def test_dealer_index_is_identical_to_the_old_path(dealer: Path) -> None:
    assert assert_same_results(dealer, RANGES) > 0
    stored, expected = weeks_recounted(dealer.parent / "a.db")
    assert stored == expected


def resighted_csv(path: Path, source: Path, shift_days: int, bump_every: int) -> Path:
    """The rows of ``source`` seen again ``shift_days`` later, every ``bump_every``-th 3 %
    dearer: the same listings, mostly in the same week, at the same price or a new one."""
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "source"])
        for i, r in enumerate(rows):
            day = date.fromisoformat(r["observed_at"]) + timedelta(days=shift_days)
            price = Decimal(r["price"]) * (Decimal("1.03") if i % bump_every == 0 else 1)
            w.writerow([day.isoformat(), r["title"], f"{price:.2f}", "USD", r["source"]])
    return path


def test_counts_follow_new_sightings_reimports_and_relisted_models(dealer: Path) -> None:
    root = dealer.parent
    asks = root / "asks.csv"
    for shift, bump in ((1, 5), (2, 3), (3, 7), (9, 4)):  # re-seen days and weeks later
        more = resighted_csv(root / f"more{shift}.csv", asks, shift, bump)
        done = CliRunner().invoke(cli, ["--config", str(dealer), "import", str(more)])
        assert done.exit_code == 0, done.output
    again = CliRunner().invoke(cli, ["--config", str(dealer), "import", str(asks)])
    assert again.exit_code == 0, again.output
    assert "0 new observations" in again.output  # a re-import adds nothing
    with Store(root / "a.db") as store:
        repeated = store.query("SELECT max(n) AS n, count(*) AS rows, sum(n) AS total "
                               "FROM sighting_weeks")[0]  # fmt: skip
        assert repeated["n"] > 1
        assert repeated["total"] == store.count("observations")
        assert repeated["rows"] < repeated["total"]  # folded: fewer rows than sightings
        # re-normalised listings: another model, a for-parts condition, a lot
        keys = [r["key"] for r in store.query(
            "SELECT key FROM listings WHERE kind = 'miner' ORDER BY key LIMIT 3")]  # fmt: skip
        titles = ["Antminer S19 Pro 110T", "Antminer S19j Pro 104T for parts",
                  "Lot of 4 Whatsminer M30S++ 112T"]  # fmt: skip
        later = datetime(2030, 1, 1, tzinfo=UTC)
        run = store.start_run("import", "import", later)
        for key, title in zip(keys, titles, strict=True):
            source, listing_id = key.split(":", 1)
            raw = RawListing(listing_id=listing_id, url="", title=title, price=None,
                             currency=None)  # fmt: skip
            store.save_page(run, source, [Sighting(raw, normalise(title), later)], later)
        store.finish_run(run, later, status="ok")
        changed = store.query(f"SELECT model, condition, quantity FROM listings WHERE key IN "
                              f"({', '.join('?' * len(keys))})", keys)  # fmt: skip
        assert {r["condition"] for r in changed} >= {"for_parts"}
        assert {r["quantity"] for r in changed} >= {4}
    assert assert_same_results(dealer, RANGES) > 0
    stored, expected = weeks_recounted(root / "a.db")
    assert stored == expected


def test_counts_follow_deletes_and_updates(dealer: Path) -> None:
    db = dealer.parent / "a.db"
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("DELETE FROM observations WHERE id % 5 = 0")
        conn.execute("UPDATE observations SET usd_minor = usd_minor + 100 WHERE id % 7 = 0")
        conn.execute("UPDATE observations SET usd_minor = NULL WHERE id % 11 = 0")
        conn.execute("UPDATE observations SET observed_date = date(observed_date, '+3 days') "
                     "WHERE id % 13 = 0")  # fmt: skip
    conn.close()
    stored, expected = weeks_recounted(db)
    assert stored == expected
    assert assert_same_results(dealer, RANGES[:1]) > 0


def test_migration_fills_counts_of_an_older_database(tmp_path: Path) -> None:
    """A database made at m008 with sightings in it: m009 counts them, and the new path gives
    the old path's index."""
    db = tmp_path / "old.db"
    made = tmp_path / "made.db"  # the same rows, written by today's store
    config = tmp_path / "config.yaml"
    config.write_text(f"database: {made}\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["--config", str(config), "import",
                                    str(dealer_rows(tmp_path / "asks.csv"))])  # fmt: skip
    assert done.exit_code == 0, done.output
    old = Database(db)
    migrations.apply(old, stop_before="m009_sighting_weeks")
    old.execute(f"ATTACH DATABASE '{made}' AS made")
    for table in ("runs", "listings", "observations"):
        old.execute(f"INSERT INTO {table} SELECT * FROM made.{table}")
    old.conn.commit()
    old.execute("DETACH DATABASE made")
    assert "sighting_weeks" not in old.table_names()
    old.close()
    config.write_text(f"database: {db}\n", encoding="utf-8")
    with Store(db) as store:
        assert store.applied_migrations()[-1] == "m009_sighting_weeks"
    stored, expected = weeks_recounted(db)
    assert stored == expected
    assert len(stored) > 800
    assert assert_same_results(config, RANGES) > 0


def test_observations_frame_keeps_one_row_per_sighting(dealer: Path) -> None:
    cfg = load_config(dealer)
    with Store(cfg.database, create=False) as store:
        raw = observations_frame(store, None, None)
        folded = sightings_frame(store, None, None)
        old = old_frame(store, None, None)
    assert len(raw) == len(old) == folded["n"].sum()
    assert "n" not in raw
    pairs = sorted(zip(raw["listing_key"].astype(str), raw["price_usd"], strict=True))
    assert pairs == sorted(zip(old["listing_key"].astype(str), old["price_usd"], strict=True))
