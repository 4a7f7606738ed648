"""Exports read back by pyarrow and duckdb with the database's row counts."""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.normalise.titles import normalise
from monitor.outputs.export import export, recover_leftovers, write
from monitor.store import Sighting, Store
from scrapers.base import RawListing

T0 = datetime(2026, 9, 28, 12, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database with two runs and sightings in September, October and November."""
    path = tmp_path / "x.db"
    with Store(path) as store:
        for week in range(8):
            when = T0 + timedelta(weeks=week)
            run = store.start_run("shop", "shopify", when)
            items = [
                Sighting(RawListing(str(i), f"https://s/{i}", f"Antminer S19j Pro 104T <b>{i}</b>",
                            Decimal(400 + i + week), "USD"), normalise("Antminer S19j Pro 104T"),
                 when)
                for i in range(5)
            ]  # fmt: skip
            store.save_page(run, "shop", items, when)
            store.finish_run(run, when, status="ok")
    (tmp_path / "config.yaml").write_text("database: x.db\n", encoding="utf-8")
    return path


def count(path: Path, table: str) -> int:
    con = sqlite3.connect(path)
    n = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.close()
    return n


@pytest.mark.parametrize("what", ["listings", "observations", "runs"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_reads_back_with_duckdb(db: Path, what: str, fmt: str) -> None:
    out = db.parent / f"{what}.{fmt}"
    result = CliRunner().invoke(
        cli, ["--config", str(db.parent / "config.yaml"), "export", "--what", what,
              "--format", fmt, "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    got = con.execute(f"SELECT count(*) FROM {reader}('{out}')").fetchone()[0]
    con.close()
    assert got == count(db, what) > 0


def test_month_partitioned_dataset(db: Path) -> None:
    out = db.parent / "obs_by_month"
    result = CliRunner().invoke(
        cli, ["--config", str(db.parent / "config.yaml"), "export", "--what", "observations",
              "--format", "parquet", "--partition-by", "month", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    months = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert months == ["month=2026-09", "month=2026-10", "month=2026-11"]
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == count(db, "observations")
    con = duckdb.connect()
    n = con.execute(
        f"SELECT count(*), count(DISTINCT month) FROM read_parquet('{out}/**/*.parquet', "
        "hive_partitioning = true)"
    ).fetchone()
    con.close()
    assert n == (count(db, "observations"), 3)
    # scraped text is data, kept as written
    first = pq.read_table(next(out.glob("month=2026-09/*.parquet")))
    assert first.num_rows > 0


def test_partition_needs_parquet(db: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--config", str(db.parent / "config.yaml"), "export", "--what", "runs",
              "--format", "csv", "--partition-by", "month", "-o", str(db.parent / "r")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "needs --format parquet" in result.output


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_failed_export_leaves_the_previous_one_untouched(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert write(["id"], [[(1,), (2,)]], "csv", out) == 2
    before = out.read_bytes()

    def broken(value: object = 3) -> Iterator[list[tuple[object]]]:
        yield [(value,)]
        raise RuntimeError("disk on fire")

    for fmt, target in (("csv", out), ("parquet", tmp_path / "x.parquet")):
        with pytest.raises(RuntimeError, match="disk on fire"):
            write(["id"], broken(), fmt, target)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write(["observed_date"], broken("2026-10-01"), "parquet", tmp_path / "ds", "month")
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv"]  # no temp file left


def test_leftovers_of_a_killed_export_are_cleaned_or_restored(tmp_path: Path) -> None:
    pid = dead_pid()
    ds_path = tmp_path / "ds"
    write(["observed_date"], [[("2026-10-01",)]], "parquet", ds_path, "month")
    good = ds.dataset(ds_path, format="parquet", partitioning="hive").to_table()
    # killed between the two renames of a folder swap: only the aside copy is there
    ds_path.rename(tmp_path / f".ds.old-{pid}-1")
    half = tmp_path / f".ds.tmp-{pid}-2" / "month=2026-11"
    half.mkdir(parents=True)
    (half.parent / MARKER).write_text("", encoding="utf-8")  # marked as asicmon's at once
    (half / "part-0.parquet").write_bytes(b"PAR1 half written")
    (tmp_path / f".ds.tmp-{pid}-3").mkdir()  # killed before the mark: empty
    unmarked = tmp_path / f".ds.tmp-{pid}-4"  # named like a leftover, not asicmon's: kept
    unmarked.mkdir()
    (unmarked / "thesis.tex").write_text("keep", encoding="utf-8")
    (tmp_path / f".x.parquet.tmp-{pid}").write_bytes(b"PAR1 half")
    mine = tmp_path / f".x.parquet.tmp-{os.getpid()}-999"  # a live process's: kept
    mine.write_bytes(b"in progress")
    assert len(recover_leftovers(ds_path)) == 3
    assert ds.dataset(ds_path, format="parquet", partitioning="hive").to_table() == good
    assert write(["id"], [[(1,)]], "parquet", tmp_path / "x.parquet") == 1
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([mine.name, unmarked.name, "ds", "x.parquet"])
    assert (unmarked / "thesis.tex").read_text(encoding="utf-8") == "keep"
    # a dataset can replace a file and a file a dataset
    write(["observed_date"], [[("2026-12-01",)]], "parquet", tmp_path / "x.parquet", "month")
    assert (tmp_path / "x.parquet" / "month=2026-12").is_dir()
    write(["id"], [[(1,)]], "csv", ds_path)
    assert ds_path.read_text(encoding="utf-8") == "id\n1\n"


def test_csv_cells_that_look_like_formulas_are_made_inert(tmp_path: Path) -> None:
    import csv as csvlib

    evil = '=HYPERLINK("http://evil.example","click")'
    rows = [(evil, 5, "-2 PSU"), ("Antminer S19", -7, "ok")]
    out = tmp_path / "t.csv"
    assert write(["title", "price_minor", "condition"], [rows], "csv", out) == 2
    with out.open(encoding="utf-8", newline="") as fh:
        got = list(csvlib.reader(fh))
    assert got[1] == ["'" + evil, "5", "'-2 PSU"]
    assert got[2] == ["Antminer S19", "-7", "ok"]  # numbers are numbers, plain text untouched
    pq = tmp_path / "t.parquet"
    write(["title", "price_minor", "condition"], [rows], "parquet", pq)
    import pyarrow.parquet as pqlib

    assert pqlib.read_table(pq).column("title")[0].as_py().startswith("=HYPERLINK")


# -- declared schemas -----------------------------------------------------------------------
@pytest.fixture
def falling(tmp_path: Path) -> Path:
    """Five S19j Pro asks a week for 16 weeks, 40 % cheaper from week 8 (`asicmon import`,
    USD at rate 1): the analysis finds drops."""
    import csv as csvlib

    asks = tmp_path / "asks.csv"
    with asks.open("w", newline="", encoding="utf-8") as fh:
        w = csvlib.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "source"])
        for week in range(16):
            day = (T0 + timedelta(weeks=week)).date().isoformat()
            for i in range(5):
                w.writerow([day, f"Antminer S19j Pro 104T #{i}",
                            (4000 if week < 8 else 2400) + 10 * i, "USD", "shop"])  # fmt: skip
    (tmp_path / "config.yaml").write_text("database: f.db\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--config", str(tmp_path / "config.yaml"), "import", str(asks)]
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "f.db"


def test_drops_parquet_from_the_cli_has_real_types(falling: Path) -> None:
    out = falling.parent / "drops.parquet"
    result = CliRunner().invoke(
        cli, ["--config", str(falling.parent / "config.yaml"), "export", "--what", "drops",
              "--format", "parquet", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE '{out}')").fetchall())
    drops = con.execute(f"SELECT count(*), min(drop_pct) FROM '{out}'").fetchone()
    con.close()
    assert types["start"] == types["end"] == "DATE"
    assert types["drop_pct"] == types["level_before"] == types["beta"] == "DOUBLE"
    assert types["abnormal"] == "BOOLEAN"
    assert types["market_lag_days"] == "BIGINT"
    assert drops[0] >= 1
    assert drops[1] >= 30  # 40 % cheaper


def test_declared_schemas_are_the_store_views(db: Path) -> None:
    """The export views return exactly the declared columns (order aside: the schema decides)."""
    from monitor.outputs.export import _INPUTS
    from monitor.outputs.export_schema import VIEWS, columns

    with Store(db) as store:
        for what in VIEWS:
            view = store.export_columns(what)
            inputs = [f.name for f in _INPUTS.get(what, [])]  # read to derive a column
            assert sorted(view) == sorted(columns(what) + inputs), (
                f"{what}: the view lacks {sorted(set(columns(what)) - set(view))}, "
                f"has undeclared {sorted(set(view) - set(columns(what)))}"
            )


def test_index_schema_is_the_analysis_columns() -> None:
    from monitor.analysis.indexes import INDEX_COLUMNS
    from monitor.outputs.export_schema import columns

    assert columns("index") == INDEX_COLUMNS


def test_observations_carry_usd_value_and_fx_rate(falling: Path) -> None:
    out = falling.parent / "obs.parquet"
    with Store(falling) as store:
        assert export(store, "observations", "parquet", out) == count(falling, "observations")
    table = pq.read_table(out).to_pylist()
    assert all(r["usd_minor"] == r["price_minor"] for r in table)  # USD stays USD
    assert all(r["price_usd"] == r["price_minor"] / 100 for r in table)
    assert all(r["fx_rate"] == 1.0 and r["fx_date"] == r["observed_date"] for r in table)


@pytest.mark.parametrize("arrow", [True, False], ids=["adbc", "tuples"])
def test_view_exports_have_the_declared_types(db: Path, arrow: bool,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The same typed file whether the rows come as Arrow batches (ADBC) or as tuples."""
    from monitor.outputs.export_schema import SCHEMAS

    if not arrow:
        monkeypatch.setattr(Store, "arrow_batches", lambda self, what, schema: None)
    with Store(db) as store:
        for what in ("listings", "observations", "runs"):
            out = db.parent / f"{what}.parquet"
            assert export(store, what, "parquet", out) == count(db, what)
            got = pq.read_schema(out)
            assert got.equals(SCHEMAS[what]), what
    obs = pq.read_table(db.parent / "observations.parquet")
    assert obs.column("observed_at")[0].as_py() == T0
    assert obs.column("observed_date")[0].as_py() == T0.date()
    assert obs.column("sold").to_pylist() == [False] * obs.num_rows


def test_times_and_days_are_read_as_utc(tmp_path: Path) -> None:
    """ISO-8601 text as SQLite may hold it: ``Z``, an offset, no offset (UTC), a bare day."""
    texts = ["2026-09-28T12:00:00Z", "2026-09-28T14:00:00+02:00", "2026-09-28 12:00:00",
             "2026-09-28T12:00:00.250Z", None, "2026-09-28"]  # fmt: skip
    out = tmp_path / "runs.parquet"
    write(["started_at"], [[(t,) for t in texts]], "parquet", out, what="runs")
    got = pq.read_table(out).column("started_at").to_pylist()
    assert got[:3] == [T0] * 3
    assert got[3] == T0 + timedelta(milliseconds=250)
    assert got[4] is None
    assert got[5] == datetime(2026, 9, 28, tzinfo=UTC)
    csv_out = tmp_path / "runs.csv"
    write(["started_at", "id"], [[(t, 1) for t in texts]], "csv", csv_out, what="runs")
    cells = [line.split(",")[0] for line in csv_out.read_text(encoding="utf-8").splitlines()]
    assert cells == ["started_at", "2026-09-28T12:00:00Z", "2026-09-28T12:00:00Z",
                     "2026-09-28T12:00:00Z", "2026-09-28T12:00:00.250000Z", "",
                     "2026-09-28T00:00:00Z"]  # fmt: skip
    with pytest.raises(ValueError, match="started_at: 'yesterday' is not an ISO-8601"):
        write(["started_at"], [[("yesterday",)]], "parquet", out, what="runs")


def test_csv_writes_days_flags_and_money_as_text(tmp_path: Path) -> None:
    import csv as csvlib

    out = tmp_path / "o.csv"
    rows = [(1, "2026-09-28T12:00:00Z", "2026-09-28", 129999, "USD", 1, None, 4.5)]
    names = ["id", "observed_at", "observed_date", "price_minor", "currency", "sold",
             "available", "price_per_th"]  # fmt: skip
    write(names, [rows], "csv", out, what="observations")
    with out.open(encoding="utf-8", newline="") as fh:
        got = list(csvlib.reader(fh))
    assert got == [names, ["1", "2026-09-28T12:00:00Z", "2026-09-28", "129999", "USD", "true",
                           "", "4.5"]]  # fmt: skip


# -- an export never destroys what it did not write -------------------------------------------
MARKER = ".asicmon-dataset"


def export_to(db: Path, out: Path, *opts: str) -> Result:
    """``asicmon export --what observations`` in this process (a raw exception is not caught:
    ``result.exception`` is then that exception, not a ``SystemExit``)."""
    return CliRunner().invoke(
        cli, ["--config", str(db.parent / "config.yaml"), "export", "--what", "observations",
              *(opts or ("--format", "csv")), "-o", str(out)],
    )  # fmt: skip


def one_line_error(result: Result, code: int, *words: str) -> str:
    """The command failed with exit ``code`` and one line naming ``words``, no traceback."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def tree(path: Path) -> dict[str, bytes | None]:
    """Every entry under ``path`` and its bytes (None for a folder)."""
    return {str(p.relative_to(path)): None if p.is_dir() else p.read_bytes()
            for p in sorted(path.rglob("*"))}  # fmt: skip


PARTITIONED = ("--format", "parquet", "--partition-by", "month")


@pytest.mark.parametrize("opts", [("--format", "csv"), PARTITIONED], ids=["file", "dataset"])
def test_a_folder_asicmon_did_not_write_is_never_replaced(db: Path, opts: tuple[str, ...]) -> None:
    photos = db.parent / "photos"
    (photos / "2026").mkdir(parents=True)
    (photos / "2026" / "a.jpg").write_bytes(b"\xff\xd8 holiday")
    (photos / "notes.txt").write_text("keep me", encoding="utf-8")
    before = tree(photos)
    line = one_line_error(export_to(db, photos, *opts), 2, str(photos), "did not write")
    assert MARKER in line
    assert tree(photos) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["config.yaml", "photos", "x.db"]


def test_an_asicmon_dataset_folder_is_replaced(db: Path) -> None:
    out = db.parent / "obs"
    assert export_to(db, out, *PARTITIONED).exit_code == 0
    assert (out / MARKER).is_file()  # the mark of a folder asicmon wrote
    (out / "month=2026-09" / "part-0.parquet").write_bytes(b"stale")
    result = export_to(db, out, *PARTITIONED)
    assert result.exit_code == 0, result.output
    assert (out / MARKER).is_file()
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == count(db, "observations")
    assert sorted(p.name for p in db.parent.iterdir()) == ["config.yaml", "obs", "x.db"]
    # a file export may replace a dataset asicmon wrote, and a dataset the file
    assert export_to(db, out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("id,")
    assert export_to(db, out, *PARTITIONED).exit_code == 0
    assert (out / MARKER).is_file()


def test_a_dataset_written_before_the_mark_and_an_empty_folder_are_replaced(db: Path) -> None:
    """An upgrade goes on replacing the datasets its scheduled exports wrote (only
    ``month=*/part-0.parquet`` in them); a dataset may go into an empty folder made for it. A
    file export never replaces an empty folder, and one stray file makes a folder not ours."""
    old = db.parent / "old"
    for month in ("2026-09", "unknown"):
        (old / f"month={month}").mkdir(parents=True)
        (old / f"month={month}" / "part-0.parquet").write_bytes(b"PAR1 old")
    stray = db.parent / "stray"
    (stray / "month=2026-09").mkdir(parents=True)
    (stray / "month=2026-09" / "part-0.parquet").write_bytes(b"PAR1 old")
    (stray / "month=2026-09" / "notes.txt").write_text("mine", encoding="utf-8")
    empty = db.parent / "empty"
    empty.mkdir()
    before = tree(stray)
    one_line_error(export_to(db, stray, *PARTITIONED), 2, str(stray), "did not write")
    one_line_error(export_to(db, empty), 2, str(empty), "did not write")
    assert tree(stray) == before
    assert empty.is_dir()
    for folder in (old, empty):
        result = export_to(db, folder, *PARTITIONED)
        assert result.exit_code == 0, result.output
        assert (folder / MARKER).is_file()
        assert ds.dataset(folder, format="parquet", partitioning="hive").count_rows() == count(
            db, "observations"
        )


@pytest.fixture
def held(db: Path) -> Iterator[list[Path]]:
    """The database held open in WAL mode (so its -wal and -shm exist), and asicmon's lock
    files beside it."""
    con = sqlite3.connect(db)
    con.execute("SELECT count(*) FROM observations").fetchone()
    names = [db.name + s for s in ("", "-wal", "-shm", ".digest.lock", ".daemon.lock")]
    for name in names[3:]:
        (db.parent / name).write_text("123\n", encoding="utf-8")
    files = [db.parent / n for n in names]
    assert all(f.exists() for f in files)
    yield files
    con.close()


def identity(paths: list[Path]) -> dict[str, tuple[int, bytes]]:
    """Each file's inode and bytes (SQLite's shared-memory index changes as it is read)."""
    return {p.name: (p.stat().st_ino, b"" if p.name.endswith("-shm") else p.read_bytes())
            for p in paths}  # fmt: skip


@pytest.mark.parametrize("opts", [("--format", "csv"), ("--format", "parquet"), PARTITIONED],
                         ids=["csv", "parquet", "dataset"])  # fmt: skip
def test_an_export_never_replaces_the_database_or_its_files(
    db: Path, held: list[Path], opts: tuple[str, ...]
) -> None:
    (db.parent / "linked").mkdir()
    (db.parent / "linked" / "hard.db").hardlink_to(db)  # the same file under another name
    (db.parent / "linked" / "soft.db").symlink_to(db)
    (db.parent / "alias").symlink_to(db.parent, target_is_directory=True)
    (db.parent / "sub").mkdir()
    targets = [*held, db.parent / "x.db-journal", db.parent / "x.db.locks",
               db.parent / "linked" / "hard.db", db.parent / "linked" / "soft.db",
               db.parent / "alias" / db.name, db.parent / "sub" / ".." / db.name]  # fmt: skip
    before = identity(held)
    for target in targets:
        result = export_to(db, target, *opts)
        one_line_error(result, 2, str(target), "database")
        assert identity(held) == before, target
    assert not (db.parent / "x.db-journal").exists()
    assert (db.parent / "linked" / "soft.db").is_symlink()
    assert (db.parent / "linked" / "hard.db").stat().st_ino == db.stat().st_ino
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    assert count(db, "observations") == 40


def test_another_sqlite_database_is_never_replaced(tmp_path: Path) -> None:
    from monitor.outputs.export import ExportRefused

    other = tmp_path / "accounts.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = other.read_bytes()
    with pytest.raises(ExportRefused, match="SQLite database"):
        write(["id"], [[(1,)]], "csv", other)
    assert other.read_bytes() == before


def special_files(folder: Path) -> Iterator[tuple[str, Path]]:
    fifo = folder / "fifo"
    os.mkfifo(fifo)
    yield "FIFO", fifo
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock"))
    try:
        yield "socket", folder / "sock"
    finally:
        sock.close()
    if os.geteuid() == 0:  # making a device node needs root
        node = folder / "null"
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        yield "device", node


def test_device_nodes_fifos_and_sockets_are_refused(db: Path) -> None:
    seen = []
    for kind, path in special_files(db.parent):
        mode = path.lstat().st_mode
        for opts in (("--format", "csv"), PARTITIONED):
            one_line_error(export_to(db, path, *opts), 2, str(path), kind)
            assert path.lstat().st_mode == mode  # still the same kind of file
        seen.append(kind)
    assert seen[:2] == ["FIFO", "socket"]


def test_temp_names_are_unpredictable_and_never_follow_a_planted_link(tmp_path: Path) -> None:
    """Someone who can write to the export folder plants links at every name a temporary file
    could predictably get; the export writes through none of them and still succeeds."""
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    folder = tmp_path / "exports"
    folder.mkdir()
    pid = os.getpid()
    for name in ("out.csv", "ds"):
        for tag in ("tmp", "old"):
            (folder / f".{name}.{tag}-{pid}").symlink_to(victim)
            for n in range(1, 3000):
                (folder / f".{name}.{tag}-{pid}-{n}").symlink_to(victim)
    planted = {p.name for p in folder.iterdir()}
    seen: list[str] = []

    def rows(value: object) -> Iterator[list[tuple[object]]]:
        # while the export is written: the name it writes to
        seen.extend(p.name for p in folder.iterdir() if p.name not in planted)
        yield [(value,)]

    for _ in range(2):
        assert write(["id"], rows(1), "csv", folder / "out.csv") == 1
        assert write(["observed_date"], rows("2026-10-01"), "parquet", folder / "ds", "month") == 1
    assert victim.read_text(encoding="utf-8") == "precious"
    assert (folder / "out.csv").read_text(encoding="utf-8") == "id\n1\n"
    assert not (folder / "out.csv").is_symlink()
    assert (folder / "ds" / MARKER).is_file()
    temps = [n for n in seen if n not in ("out.csv", "ds")]
    assert len(temps) == len(set(temps)) == 4
    for name in temps:  # .<name>.tmp-<pid>-<at least 64 random bits>
        suffix = name.rpartition(f".tmp-{pid}-")[2]
        assert name.startswith((".out.csv.tmp-", ".ds.tmp-")), name
        assert len(suffix) >= 16, name
        int(suffix, 16)
    assert planted <= {p.name for p in folder.iterdir()}  # a live process's names: not touched


def run_asicmon(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True,
                          text=True, timeout=120, check=False, **kwargs)  # fmt: skip


def test_an_output_under_a_file_is_one_line_and_exit_1(db: Path) -> None:
    plain = db.parent / "plain.txt"
    plain.write_text("not a folder", encoding="utf-8")
    for out in (plain / "out.csv", plain / "deeper" / "out.csv"):
        proc = run_asicmon("--config", str(db.parent / "config.yaml"), "export", "--what",
                           "runs", "--format", "csv", "-o", str(out))  # fmt: skip
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"error: cannot write {out}: {plain} is a file, not a folder"
        ]
    assert plain.read_text(encoding="utf-8") == "not a folder"
    (db.parent / "a").symlink_to(db.parent / "b")
    (db.parent / "b").symlink_to(db.parent / "a")
    loop = db.parent / "a" / "out.csv"
    line = one_line_error(export_to(db, loop), 1, f"cannot write {loop}: ")
    assert line.endswith(f"Too many levels of symbolic links ({db.parent / 'a'})")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs (needs root: skipped where it cannot be mounted)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                           capture_output=True, text=True, check=False)  # fmt: skip
    if mount.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mount.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


@pytest.mark.parametrize("opts", [("--format", "csv"), ("--format", "parquet"), PARTITIONED],
                         ids=["csv", "parquet", "dataset"])  # fmt: skip
def test_a_full_disk_is_one_line_and_exit_1(db: Path, tiny_disk: Path,
                                            opts: tuple[str, ...]) -> None:  # fmt: skip
    config = db.parent / "config.yaml"
    out = tiny_disk / "obs"
    first = run_asicmon("--config", str(config), "export", "--what", "observations", *opts,
                        "-o", str(out))  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = tree(tiny_disk)
    with Store(db) as store:  # more rows than the disk has room for
        when = T0 + timedelta(weeks=9)
        for batch in range(20):
            run = store.start_run("shop", "shopify", when)
            items = [Sighting(RawListing(secrets.token_hex(60), f"https://s/{batch}/{i}",
                                         f"Antminer S19j Pro 104T {secrets.token_hex(100)}",
                                         Decimal(400 + i), "USD"),
                              normalise("Antminer S19j Pro 104T"), when)
                     for i in range(100)]  # fmt: skip
            store.save_page(run, "shop", items, when)
            store.finish_run(run, when, status="ok")
    proc = run_asicmon("--config", str(config), "export", "--what", "observations", *opts,
                       "-o", str(out))  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines == [f"error: cannot write {out}: No space left on device"], proc.stderr
    assert tree(tiny_disk) == before  # the previous export, byte for byte; no temp file left


def test_a_read_only_disk_is_one_line_and_exit_1(db: Path, tiny_disk: Path) -> None:
    out = tiny_disk / "obs.csv"
    assert export_to(db, out).exit_code == 0
    before = tree(tiny_disk)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    for opts in (("--format", "csv"), PARTITIONED):
        one_line_error(export_to(db, out, *opts), 1, f"cannot write {out}: Read-only file system")
    assert tree(tiny_disk) == before
