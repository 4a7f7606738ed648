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
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from monitor.analysis.indexes import deduplicated, screen_all
from monitor.cli import cli, json_indented
from monitor.config import load_config
from monitor.jobs.analyse import (
    analyse_db,
    analyse_frames,
    cache_path,
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
        assert "m009_sighting_weeks" in store.applied_migrations()
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


# --- the analysis cache: only new weeks are read; any other change rebuilds it ----------------


def fresh(config: Path) -> str:
    """``analyse --json`` of the whole history read from every sighting (no cache), as JSON."""
    cfg = load_config(config)
    with Store(cfg.database, create=False) as store:
        old = old_frame(store, None, None)
        market = market_frame(store)
    return json.dumps(analyse_frames(old, market, events_frame(cfg)))


def tamper(db: Path) -> dict[bytes, bytes]:
    """Raise every cached log price by 1 (the file's key kept): a run that reads the cache
    shows it. Returns the cache's metadata."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    path = cache_path(db)
    with pa.OSFile(str(path)) as source:
        table = ipc.open_file(source).read_all()
    frame = table.to_pandas()
    frame["log_u"] += 1.0
    meta = table.schema.metadata
    changed = pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(meta)
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, changed.schema) as writer:
        writer.write_table(changed)
    return dict(meta)


def cached_frame(db: Path) -> tuple[pd.DataFrame, dict[bytes, bytes]]:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with pa.OSFile(str(cache_path(db))) as source:
        table = ipc.open_file(source).read_all()
    return table.to_pandas(), dict(table.schema.metadata)


def epoch(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT epoch FROM analysis_epoch").fetchone()[0])
    finally:
        conn.close()


def test_cache_keeps_past_weeks_and_reads_the_new_ones(dealer: Path) -> None:
    """A run writes the cache (the listing-weeks in the screen's order, with its verdicts); the
    next, after new sightings, takes the weeks before the first new sighting's week from it (a
    tampered cache shows through) and reads the rest again; with no cache the result is the old
    path's, and a cache-made run equals it when untouched."""
    cfg = load_config(dealer)
    db = Path(cfg.database)
    first = analyse_db(cfg)
    assert json.dumps(first) == fresh(dealer)
    assert cache_path(db).exists()
    again = analyse_db(cfg)  # nothing new: the cache alone, the same result
    assert json.dumps(again) == json.dumps(first)
    before = tamper(db)
    later = resighted_csv(dealer.parent / "later.csv", dealer.parent / "asks.csv", 400, 3)
    done = CliRunner().invoke(cli, ["--config", str(dealer), "import", str(later)])
    assert done.exit_code == 0, done.output
    with Store(db) as store:
        first_new = store.query("SELECT min(observed_date) AS d FROM observations WHERE id > ?",
                                [int(before[b"last_id"])])[0]["d"]  # fmt: skip
        whole = screen_all(deduplicated(sightings_frame(store, None, None))).frame
    monday = pd.Timestamp(first_new) - pd.Timedelta(days=pd.Timestamp(first_new).day_of_week)
    result = analyse_db(cfg)
    assert json.dumps(result) != fresh(dealer)  # past weeks came from the (tampered) cache
    frame, meta = cached_frame(db)
    assert int(meta[b"last_id"]) > int(before[b"last_id"])
    assert meta[b"epoch"] == before[b"epoch"]
    past = frame["period"] < monday
    assert past.any()
    assert (~past).any()
    old_whole = whole[(whole["period"] < monday).to_numpy()]
    new_whole = whole[(whole["period"] >= monday).to_numpy()]
    assert list(frame.loc[past, "log_u"]) == list(old_whole["log_u"] + 1.0)
    assert list(frame.loc[~past, "log_u"]) == list(new_whole["log_u"])  # read again
    assert list(frame["key"].astype(str)) == list(whole["key"].astype(str))
    cache_path(db).unlink()
    assert json.dumps(analyse_db(cfg)) == fresh(dealer)
    resighted = resighted_csv(dealer.parent / "again.csv", dealer.parent / "asks.csv", 1, 4)
    done = CliRunner().invoke(cli, ["--config", str(dealer), "import", str(resighted)])
    assert done.exit_code == 0, done.output  # new sightings in the oldest weeks too
    assert json.dumps(analyse_db(cfg)) == fresh(dealer)


def first_listing(db: Path) -> dict[str, Any]:
    with Store(db) as store:
        sightings = "SELECT listing_key FROM observations"
        return store.query(f"SELECT * FROM listings WHERE kind = 'miner' AND key IN ({sightings}) "
                           "ORDER BY key LIMIT 1")[0]  # fmt: skip


def resee(db: Path, key: str, title: str) -> None:
    """Re-sight listing ``key`` under ``title`` through the scrapers' write path."""
    later = datetime(2030, 1, 1, tzinfo=UTC)
    with Store(db) as store:
        run = store.start_run("import", "import", later)
        source, listing_id = key.split(":", 1)
        raw = RawListing(listing_id=listing_id, url="", title=title, price=None, currency=None)
        store.save_page(run, source, [Sighting(raw, normalise(title), later)], later)
        store.finish_run(run, later, status="ok")


def sql(db: Path, statement: str, args: tuple[Any, ...] = ()) -> None:
    conn = sqlite3.connect(db)  # foreign keys off: a listing can go with its sightings left
    with conn:
        conn.execute(statement, args)
    conn.close()


CHANGES = {
    "observation deleted": lambda db, row: sql(db, "DELETE FROM observations WHERE id % 3 = 0"),
    "observation updated": lambda db, row: sql(
        db, "UPDATE observations SET usd_minor = usd_minor * 2 WHERE id % 4 = 0"
    ),
    "listing re-normalised": lambda db, row: resee(db, row["key"], "Antminer S19 Pro 110T"),
    "listing for parts": lambda db, row: resee(db, row["key"], str(row["title"]) + " for parts"),
    "listing deleted": lambda db, row: sql(db, "DELETE FROM listings WHERE key = ?", (row["key"],)),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_cache_is_rebuilt_after_any_other_change(dealer: Path, change: str) -> None:
    """Deleted or updated sightings, a re-normalised listing (another model, for parts) and a
    deleted listing raise the store's epoch: the next run ignores the cache (tampered here, so
    a stale use would show) and gives the old path's result."""
    cfg = load_config(dealer)
    db = Path(cfg.database)
    analyse_db(cfg)
    row = first_listing(db)
    tamper(db)
    was = epoch(db)
    CHANGES[change](db, row)
    assert epoch(db) > was
    assert json.dumps(analyse_db(cfg)) == fresh(dealer)


def test_cache_is_rebuilt_when_a_listing_comes_back(dealer: Path) -> None:
    """A listing inserted for sightings already stored joins them to the analysis without a new
    observation id: its insert raises the epoch too."""
    cfg = load_config(dealer)
    db = Path(cfg.database)
    row = first_listing(db)
    sql(db, "DELETE FROM listings WHERE key = ?", (row["key"],))
    gone = analyse_db(cfg)
    tamper(db)
    was = epoch(db)
    names = ", ".join(row)
    sql(db, f"INSERT INTO listings ({names}) VALUES ({', '.join('?' * len(row))})",
        tuple(row.values()))  # fmt: skip
    assert epoch(db) > was
    back = analyse_db(cfg)
    assert json.dumps(back) == fresh(dealer) != json.dumps(gone)


def test_cache_survives_a_resighting_and_is_per_database(dealer: Path, tmp_path: Path) -> None:
    """Re-seeing a listing under the same title changes none of its analysed fields: the epoch
    stays (the cache is kept). A cache beside another database (another store_id) is not read."""
    cfg = load_config(dealer)
    db = Path(cfg.database)
    analyse_db(cfg)
    row = first_listing(db)
    was = epoch(db)
    resee(db, row["key"], str(row["title"]))
    assert epoch(db) == was
    tamper(db)
    assert json.dumps(analyse_db(cfg)) != fresh(dealer)  # kept, and read
    other = tmp_path / "other"
    other.mkdir()
    config = other / "config.yaml"
    config.write_text("database: a.db\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["--config", str(config), "import",
                                    str(dealer_rows(other / "asks.csv"))])  # fmt: skip
    assert done.exit_code == 0, done.output
    cache_path(db).replace(cache_path(other / "a.db"))  # another store's cache, same rows
    assert json.dumps(analyse_db(load_config(config))) == fresh(config)


def test_cache_of_an_empty_store_gives_way_to_the_first_sightings(tmp_path: Path) -> None:
    """A run on a store without sightings caches an empty frame; the first sightings written
    after it are all read."""
    config = tmp_path / "config.yaml"
    config.write_text("database: a.db\n", encoding="utf-8")
    cfg = load_config(config)
    with Store(cfg.database):
        pass
    assert analyse_db(cfg) == {"index": [], "drops": [], "drawdowns": []}
    assert cache_path(Path(cfg.database)).exists()
    done = CliRunner().invoke(cli, ["--config", str(config), "import",
                                    str(dealer_rows(tmp_path / "asks.csv"))])  # fmt: skip
    assert done.exit_code == 0, done.output
    result = analyse_db(cfg)
    assert result["index"]
    assert json.dumps(result) == fresh(config)


def test_analyse_imports_only_the_stages_it_uses() -> None:
    # a real interpreter: the test session has imported everything already
    probe = (
        "import sys, monitor.cli, monitor.jobs.analyse\n"
        "heavy = [m for m in ('monitor.outputs.digest', 'monitor.outputs.charts',"
        " 'monitor.fetch.http', 'matplotlib', 'apscheduler') if m in sys.modules]\n"
        "from monitor.jobs import DigestError, FetchError, StoreError\n"
        "from monitor.fetch.http import FetchError as Fetch\n"
        "from monitor.outputs.digest import DigestError as Digest\n"
        "from monitor.store import StoreError as Store\n"
        "print(heavy, (DigestError, FetchError, StoreError) == (Digest, Fetch, Store))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[0] == "[] True"


def test_analyse_command_leaves_scrapers_and_metadata_unloaded(dealer: Path) -> None:
    # a whole `analyse --json` in a real interpreter: a config without sources never needs the
    # scraper kinds (bs4, lxml, soupsieve: loaded by `from monitor.config.sources import ...`,
    # whose __path__ lookup ran the kind registry) nor the package version (only --version)
    probe = (
        "import sys\n"
        "from monitor.cli import cli\n"
        "try:\n"
        f"    cli(['--config', {str(dealer)!r}, 'analyse', '--json'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "loaded = ('bs4', 'lxml', 'soupsieve', 'scrapers.ebay', 'scrapers.css', 'scrapers._html',"
        " 'monitor.outputs.charts', 'matplotlib')\n"
        "import monitor\n"
        "read = monitor._version.cache_info().misses\n"
        "print([m for m in loaded if m in sys.modules], read, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[] 0", done.stderr
    assert json.loads(done.stdout)["index"]
    version = subprocess.run([sys.executable, "-m", "monitor", "--version"], capture_output=True,
                             text=True, check=True)  # fmt: skip
    from importlib.metadata import version as installed

    assert version.stdout == f"asicmon, version {installed('asicmon')}\n"


plain = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
json_like = st.recursive(
    plain,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(st.dictionaries(st.text(max_size=3), plain, max_size=4), max_size=4)
        | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=4)
        | st.tuples(inner, inner)
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(json_like)
def test_json_indented_writes_the_bytes_of_json_dumps(value: Any) -> None:
    # `analyse --json` writes through json_indented (C encoder per container of plain values):
    # the very text of json.dumps(indent=2, ensure_ascii=False) for anything it is given
    assert json_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_json_indented_fails_as_json_dumps_does() -> None:
    circular: list[Any] = [1]
    circular.append(circular)
    for bad, error in (({"a": [Decimal("1")]}, TypeError), ([circular], ValueError)):
        with pytest.raises(error) as ours:
            json_indented(bad)
        with pytest.raises(error) as theirs:
            json.dumps(bad, indent=2, ensure_ascii=False)
        assert str(ours.value) == str(theirs.value)


def test_facts_files_read_the_same_with_libyaml() -> None:
    # read_facts parses with libyaml's parser where PyYAML has it: the bundled files (the event
    # catalog analyse reads, the normaliser's tables) come out as PyYAML's own parser reads them
    import yaml

    from monitor.normalise import facts

    data = Path(__file__).resolve().parents[2] / "data"
    files = sorted(data.glob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=facts.LOADER) == yaml.safe_load(text), path.name


def _one_more(path: Path, day: date, title: str, price: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "source"])
        w.writerow([day.isoformat(), title, price, "USD", "dealer-9"])
    return path


def test_a_days_sightings_are_read_again_not_rewritten(dealer: Path) -> None:
    """A few new sightings leave the cache file as it was (the next run reads those weeks again:
    the same result as from scratch); once the weeks read again reach past REWRITE_LAG, the
    cache is written again with the new last id."""
    from monitor.jobs.analyse import REWRITE_LAG

    cfg = load_config(dealer)
    db = Path(cfg.database)
    analyse_db(cfg)
    _, before = cached_frame(db)
    with Store(db) as store:
        last = date.fromisoformat(store.query("SELECT max(observed_date) AS d "
                                              "FROM observations")[0]["d"])  # fmt: skip
    for k, shift in enumerate((7, 8)):  # two days of the next week, one sighting each
        more = _one_more(dealer.parent / f"one{k}.csv", last + timedelta(days=shift),
                         "Antminer S19j Pro 104T", f"{2100 + k}.00")  # fmt: skip
        done = CliRunner().invoke(cli, ["--config", str(dealer), "import", str(more)])
        assert done.exit_code == 0, done.output
        assert json.dumps(analyse_db(cfg)) == fresh(dealer)
        assert cached_frame(db)[1] == before  # not written again
    later = last + timedelta(days=7 + REWRITE_LAG.days + 9)
    more = _one_more(dealer.parent / "late.csv", later, "Antminer S19j Pro 104T", "1900.00")
    done = CliRunner().invoke(cli, ["--config", str(dealer), "import", str(more)])
    assert done.exit_code == 0, done.output
    assert json.dumps(analyse_db(cfg)) == fresh(dealer)
    _, after = cached_frame(db)
    assert int(after[b"last_id"]) > int(before[b"last_id"])
