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
