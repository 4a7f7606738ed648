"""The database a process writes is the file it opened (monitor/store/db.py): a file deleted or
replaced (a backup moved over it) while asicmon runs stops the writes with a clear error, and
nothing is written into, recreated at, or replayed onto the path. Real files, real SQLite, real
second processes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.store import Sighting, Store, StoreError
from tests.conftest import LocalSite, Reply
from tests.store.test_store import MINER, T0, listing

COUNT = (
    "import sqlite3, sys, json; c = sqlite3.connect(sys.argv[1]); "
    "print(json.dumps([c.execute('SELECT count(*) FROM observations').fetchone()[0], "
    "c.execute('PRAGMA integrity_check').fetchone()[0]]))"
)


def fill(store: Store, first: int, n: int, day: int = 0) -> None:
    when = T0 + timedelta(days=day)
    run = store.start_run("shop", "shopify", when)
    for start in range(first, first + n, 500):
        ids = range(start, min(start + 500, first + n))
        page = [Sighting(listing(i), MINER, when) for i in ids]
        store.save_page(run, "shop", page, when)


def in_another_process(path: Path) -> tuple[int, str]:
    """(observations, integrity_check) as a fresh process reads the file at ``path``."""
    out = subprocess.run([sys.executable, "-c", COUNT, str(path)], capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    count, check = json.loads(out.stdout)
    return int(count), str(check)


def test_a_deleted_database_stops_writes_and_is_never_recreated(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Store(path) as store:
        fill(store, 0, 20)
        path.unlink()
        run = store.query("SELECT max(id) AS id FROM runs")[0]["id"]
        with pytest.raises(StoreError) as caught:
            store.save_page(run, "shop", [Sighting(listing(99), MINER, T0)], T0)
        assert str(caught.value) == (
            f"the database {path} was deleted while asicmon was running; stopping writes"
        )
        assert not path.exists()
        # the next job of the same process does not start a new, empty database there
        with pytest.raises(StoreError, match="was deleted while asicmon was running"):
            Store(path)
        assert not path.exists()
    assert not path.exists()


def test_a_backup_moved_over_the_database_is_not_written_or_replayed_onto(tmp_path: Path) -> None:
    """10,000 sightings, a backup of them, then the live database changes (its WAL holds the
    change) and the backup is moved over it while it is open: the backup keeps its 10,000."""
    path, backup = tmp_path / "a.db", tmp_path / "backup.db"
    with Store(path) as store:
        fill(store, 0, 10_000)
        copy = sqlite3.connect(backup)
        store.db.conn.backup(copy)
        copy.close()
        with store._write():  # the live database moves on: most sightings go (into the WAL)
            store.db.execute("DELETE FROM observations WHERE id > 25")
        backup.replace(path)
        # another job of this process opens the path: refused, it never reads the old WAL
        # over the backup (nor checkpoints it into the backup when it closes)
        with pytest.raises(StoreError) as caught:
            Store(path)
        assert str(caught.value) == (
            f"the database {path} was replaced by another file while asicmon was running; "
            "stopping writes"
        )
        with pytest.raises(StoreError, match="was replaced by another file"):
            fill(store, 20_000, 10, day=1)
        assert store.count("observations") == 25  # it still reads the file it opened
    assert in_another_process(path) == (10_000, "ok")
    with Store(tmp_path / "b.db"):  # the refusal is about that path, not the process
        pass


def test_a_write_cut_short_by_the_replacement_is_rolled_back(tmp_path: Path) -> None:
    """The file is replaced inside a write transaction: it is rolled back, not committed to
    the file the connection opened nor to the new one."""
    path, other = tmp_path / "a.db", tmp_path / "other.db"
    with Store(other) as spare:
        fill(spare, 0, 5)
    with Store(path) as store:
        fill(store, 0, 5)

        def delete_all_while_replaced() -> None:
            with store._write():
                store.db.execute("DELETE FROM observations")
                other.replace(path)

        with pytest.raises(StoreError, match="was replaced by another file"):
            delete_all_while_replaced()
        assert store.count("observations") == 5
    assert in_another_process(path) == (5, "ok")


PRODUCTS = json.dumps({"products": [
    {"id": i, "title": f"Antminer S19j Pro 104T #{i}", "handle": f"p{i}",
     "variants": [{"id": i * 10, "price": "450.00", "available": True}]} for i in range(1, 4)
]})  # fmt: skip


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_the_daemon_exits_1_when_its_database_goes(tmp_path: Path, site: LocalSite,
                                                   how: str) -> None:  # fmt: skip
    """`asicmon run` whose database is deleted or replaced logs one line and exits 1 (a
    service manager restarts it on the file now at the path); it writes nothing more."""
    site.route("/shop/products.json", Reply(200, PRODUCTS))
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: d.db\nhttp: {delay_s: 0, jitter_s: 0, timeout_s: 5}\nsources:\n"
        f'  - {{name: shop, kind: shopify, url: "{site.url}/shop", schedule: 2s}}\n',
        encoding="utf-8",
    )
    db = tmp_path / "d.db"
    proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(config), "run"],
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if db.exists() and in_another_process(db)[0] > 0:
                break
            time.sleep(0.5)
        else:
            pytest.fail("the daemon stored nothing")
        if how == "deleted":
            db.unlink()
        else:
            with Store(tmp_path / "backup.db") as spare:
                fill(spare, 100, 7)
            (tmp_path / "backup.db").replace(db)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
    assert proc.returncode == 1, err
    logs = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    what = "deleted" if how == "deleted" else "replaced by another file"
    lines = [e for e in logs if f"the database {db} was {what}" in e["msg"]]
    assert lines, err
    assert all(e["level"] == "error" for e in lines)
    if how == "deleted":
        assert not db.exists()  # never recreated
    else:
        assert in_another_process(db) == (7, "ok")  # the backup, untouched
