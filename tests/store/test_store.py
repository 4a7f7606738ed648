from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlite_utils import Database

from monitor.normalise.record import Normalised
from monitor.store import Sighting, Store, from_minor, migrations, minor_units, utc_iso
from scrapers.base import RawListing

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def listing(i: int, price: str | None = "1000.00", currency: str = "USD") -> RawListing:
    return RawListing(
        listing_id=str(i),
        url=f"https://shop.example.com/products/x?variant={i}",
        title=f"Antminer S19j Pro 104T #{i}",
        price=None if price is None else Decimal(price),
        currency=currency if price is not None else None,
        available=True,
    )


MINER = Normalised(
    kind="miner",
    model="Antminer S19j Pro",
    hashrate_ths=104.0,
    hashrate=104.0,
    hashrate_unit="TH/s",
    quantity=1,
    confidence=0.9,
)


ALL = [
    "m001_initial",
    "m002_sold_shipping_basis",
    "m003_http_cache",
    "m004_usd_and_market",
    "m005_sent_alerts",
    "m006_run_owner",
    "m007_sending_alerts",
    "m008_catalog_match",
    "m009_sighting_weeks",
    "m010_analysis_epoch",
    "m011_sighting_weeks_by_week",
]


def test_migrations_on_empty_db(tmp_path: Path) -> None:
    with Store(tmp_path / "new.db") as store:
        assert store.applied_migrations() == ALL
        assert {"runs", "listings", "observations", "http_cache"} <= set(store.db.table_names())


def test_migrations_on_existing_db_keep_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    # a database made by the first release: only m001, with a run, a listing and a sighting
    old = Database(path)
    migrations.apply(old, stop_before="m002_sold_shipping_basis")
    old["runs"].insert(
        {
            "id": 1,
            "source": "shop",
            "kind": "shopify",
            "started_at": "2026-10-01T00:00:00Z",
            "status": "ok",
        }
    )
    old["listings"].insert(
        {
            "key": "shop:1",
            "source": "shop",
            "listing_id": "1",
            "title": "S19",
            "first_seen": "2026-10-01T00:00:00Z",
            "last_seen": "2026-10-01T00:00:00Z",
            "kind": "miner",
        }
    )
    old["observations"].insert(
        {
            "listing_key": "shop:1",
            "run_id": 1,
            "observed_at": "2026-10-01T00:00:00Z",
            "observed_date": "2026-10-01",
            "price_minor": 100000,
            "currency": "USD",
        }
    )
    old.close()
    with Store(path) as store:  # upgrading keeps every row and fills the new columns
        assert store.applied_migrations() == ALL
        row = store.query("SELECT price_minor, price_basis, sold FROM observations")[0]
        assert row == {"price_minor": 100000, "price_basis": "unit", "sold": 0}
        run = store.start_run("shop", "shopify", T0)
        store.save_page(run, "shop", [Sighting(listing(1), MINER, T0)], T0)
        assert store.count("observations") == 2
    with Store(path) as store:  # reopening applies nothing twice
        assert store.applied_migrations() == ALL
    raw = sqlite3.connect(path)
    applied = raw.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    raw.close()
    assert applied == len(ALL)


def test_money_is_integer_minor_units() -> None:
    assert minor_units(Decimal("1299.99"), "USD") == 129999
    assert minor_units(Decimal("0.005"), "USD") == 0  # half-even
    assert minor_units(Decimal("150000"), "JPY") == 150000
    assert from_minor(129999, "USD") == Decimal("1299.99")


def test_timestamps_are_utc_only() -> None:
    assert utc_iso(datetime(2026, 1, 1, 5, tzinfo=UTC)) == "2026-01-01T05:00:00Z"
    with pytest.raises(ValueError, match="naive"):
        utc_iso(datetime(2026, 1, 1))  # noqa: DTZ001


def test_same_sighting_is_not_duplicated(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        run = store.start_run("shop", "shopify", T0)
        first = store.save_page(
            run, "shop", [Sighting(listing(1), MINER, T0), Sighting(listing(2), MINER, T0)], T0
        )
        t3 = T0 + timedelta(hours=3)
        again = store.save_page(
            run, "shop", [Sighting(listing(1), MINER, t3), Sighting(listing(2), MINER, t3)], t3
        )
        assert (first.new_listings, first.observations) == (2, 2)
        assert (again.new_listings, again.observations) == (0, 0)
        # a new price the same day, and the same price on a later day, are new sightings
        changed = store.save_page(run, "shop", [Sighting(listing(1, "900.00"), MINER, T0)], T0)
        day2 = T0 + timedelta(days=1)
        later = store.save_page(run, "shop", [Sighting(listing(2), MINER, day2)], day2)
        assert changed.observations == 1
        assert later.observations == 1
        assert store.count("observations") == 4
        row = store.query("SELECT first_seen, last_seen FROM listings WHERE key = 'shop:2'")[0]
        assert row == {"first_seen": "2026-11-01T12:00:00Z", "last_seen": "2026-11-02T12:00:00Z"}


def test_listing_without_price_is_kept_without_observation(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        run = store.start_run("shop", "shopify", T0)
        saved = store.save_page(run, "shop", [Sighting(listing(1, price=None), MINER, T0)], T0)
        assert (saved.listings, saved.observations) == (1, 0)
        assert store.count("listings") == 1


def test_replaying_older_page_does_not_overwrite_newer_facts(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        run = store.start_run("shop", "shopify", T0)
        newer = RawListing("1", "https://x/1", "new title", Decimal(1), "USD")
        older = RawListing("1", "https://x/1", "old title", Decimal(2), "USD")
        store.save_page(run, "shop", [Sighting(newer, MINER, T0)], T0 + timedelta(days=7))
        store.save_page(run, "shop", [Sighting(older, MINER, T0)], T0)
        row = store.query("SELECT title, first_seen FROM listings")[0]
        assert row == {"title": "new title", "first_seen": "2026-11-01T12:00:00Z"}


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_runs_of_dead_processes_are_marked_failed(tmp_path: Path) -> None:
    with Store(tmp_path / "db.sqlite") as store:
        mine = store.start_run("shop", "shopify", T0)  # this (live) process's run
        gone = store.start_run("shop", "shopify", T0)
        store.save_page(
            gone, "shop", [Sighting(listing(1), MINER, T0), Sighting(listing(2), MINER, T0)], T0
        )
        elsewhere = store.start_run("shop", "shopify", T0)
        reused = store.start_run("shop", "shopify", T0)
        legacy_old = store.start_run("shop", "shopify", T0)
        legacy_new = store.start_run("shop", "shopify", T0 + timedelta(hours=20))
        pid = dead_pid()
        runs = store.db["runs"]
        runs.update(gone, {"pid": pid})
        runs.update(elsewhere, {"pid": pid, "host": "another-host"})  # cannot be judged here
        runs.update(reused, {"pid_token": "another-boot:1"})  # our pid, another process's
        runs.update(legacy_old, {"pid": None, "host": None, "pid_token": None})
        runs.update(legacy_new, {"pid": None, "host": None, "pid_token": None})
        now = T0 + timedelta(days=1, hours=1)
        marked = store.recover_interrupted_runs(now)
        assert sorted(m["id"] for m in marked) == sorted([gone, reused, legacy_old])
        row = runs.get(gone)
        assert row["status"] == "failed"
        assert row["reason"] == f"interrupted: process {pid} died"
        assert (row["observations"], row["listings"], row["errors"]) == (2, 2, 1)
        assert row["finished_at"] == utc_iso(now)
        assert runs.get(legacy_old)["reason"].startswith("interrupted: no owner recorded")
        for live in (mine, elsewhere, legacy_new):
            assert runs.get(live)["status"] == "running"
            assert runs.get(live)["finished_at"] is None
        assert store.recover_interrupted_runs(now) == []  # nothing twice


def test_m006_restores_a_lost_sighting_key(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m006_run_owner")
    for index in old["observations"].indexes:
        if index.unique:
            old.execute(f"DROP INDEX [{index.name}]")
    old["runs"].insert({"id": 1, "source": "s", "kind": "shopify", "started_at": "x",
                        "status": "ok"})  # fmt: skip
    old["listings"].insert({"key": "s:1", "source": "s", "listing_id": "1", "title": "S19",
                            "first_seen": "x", "last_seen": "x", "kind": "miner"})  # fmt: skip
    row = {"listing_key": "s:1", "run_id": 1, "observed_at": "2026-10-01T00:00:00Z",
           "observed_date": "2026-10-01", "price_minor": 100, "currency": "USD"}  # fmt: skip
    old["observations"].insert_all([row, row, {**row, "price_minor": 200}])
    old.close()
    with Store(path) as store:
        prices = store.query("SELECT id, price_minor FROM observations ORDER BY id")
        assert prices == [{"id": 1, "price_minor": 100}, {"id": 3, "price_minor": 200}]
        with pytest.raises(sqlite3.IntegrityError):
            store.db["observations"].insert(row)


def test_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    code = "import sys; from monitor.store import Store; Store(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(path)], stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]  # fmt: skip
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    with Store(path) as store:
        assert store.applied_migrations() == ALL
        assert store.count("_sqlite_migrations") == len(ALL)


def test_an_unusable_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    (tmp_path / "damaged.db").write_bytes(b"not sqlite at all " * 300)
    (tmp_path / "a.yaml").write_text("database: damaged.db\n", encoding="utf-8")
    (tmp_path / "blocker").write_text("a file where a folder should be", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("database: blocker/x.db\n", encoding="utf-8")
    csv = tmp_path / "rows.csv"
    csv.write_text("observed_at,title,price,currency\n2026-01-05,Antminer S19 95T,900,USD\n",
                   encoding="utf-8")  # fmt: skip
    export = ["export", "--what", "observations", "--format", "csv", "-o", str(tmp_path / "o")]
    cases = [
        (("a.yaml", cmd), "cannot use the database", "it is not an SQLite database")
        for cmd in (["status"], ["sources"], export, ["import", str(csv)])
    ]
    # a database whose folder cannot be made: a writer says why, a reader that there is none
    cases += [(("b.yaml", ["import", str(csv)]), "cannot use the database", "blocker")]
    cases += [(("b.yaml", cmd), "no database yet", "blocker") for cmd in (["status"], export)]
    for (config, command), what, why in cases:
        result = CliRunner().invoke(cli, ["--config", str(tmp_path / config), *command])
        assert result.exit_code == 1, result.output
        assert f"error: {what}" in result.output
        assert why in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (tmp_path / "damaged.db").read_bytes() == b"not sqlite at all " * 300  # untouched


def test_m008_adds_catalog_match_to_an_older_database(tmp_path: Path) -> None:
    """A database made before normaliser 3 (its listings table without ``catalog_match``) gets
    the column, filled from its rows; a new database has it from m001 and m008 adds nothing."""
    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m008_catalog_match")
    old.execute("ALTER TABLE listings DROP COLUMN catalog_match")  # as m001 made it before
    assert "catalog_match" not in old.table("listings").columns_dict
    seen = {"source": "shop", "first_seen": "2026-10-01T00:00:00Z", "last_seen": "2026-10-01"}
    for i, (kind, model) in enumerate(
        [("miner", "Antminer S19j Pro"), ("miner", None), ("part", None), ("other", None)]
    ):
        old.table("listings").insert(
            {"key": f"shop:{i}", "listing_id": str(i), "title": f"t{i}", "kind": kind,
             "model": model, **seen}
        )  # fmt: skip
    old.close()
    with Store(path) as store:
        assert store.applied_migrations() == ALL
        assert store.db["listings"].columns_dict["catalog_match"] is int
        rows = store.query("SELECT kind, catalog_match FROM listings ORDER BY key")
        assert [r["catalog_match"] for r in rows] == [1, 0, None, None]
        run = store.start_run("shop", "shopify", T0)
        store.save_page(run, "shop", [Sighting(listing(9), MINER, T0)], T0)
    with Store(tmp_path / "new.db") as store:
        assert store.applied_migrations() == ALL
        assert store.db["listings"].columns_dict["catalog_match"] is int
