"""Exports read back by pyarrow and duckdb with the database's row counts."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.normalise.titles import normalise
from monitor.outputs.export import recover_leftovers, write
from monitor.store import Store
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
                (RawListing(str(i), f"https://s/{i}", f"Antminer S19j Pro 104T <b>{i}</b>",
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
    months = sorted(p.name for p in out.iterdir())
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
    (half / "part-0.parquet").write_bytes(b"PAR1 half written")
    (tmp_path / f".x.parquet.tmp-{pid}").write_bytes(b"PAR1 half")
    mine = tmp_path / f".x.parquet.tmp-{os.getpid()}-999"  # a live process's: kept
    mine.write_bytes(b"in progress")
    assert len(recover_leftovers(ds_path)) == 2
    assert ds.dataset(ds_path, format="parquet", partitioning="hive").to_table() == good
    assert write(["id"], [[(1,)]], "parquet", tmp_path / "x.parquet") == 1
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [mine.name, "ds", "x.parquet"]
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
