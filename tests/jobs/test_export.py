"""`run_export`: every export in every format, on the demo data and on imported dealer asks,
read back with duckdb in its declared types and with the source's row counts."""

from __future__ import annotations

import csv
import logging
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.config import Config, load_config
from monitor.jobs.analyse import analyse_db
from monitor.jobs.export import run_export
from monitor.outputs.export_schema import MONTH_OF, SCHEMAS, WHAT
from tests.conftest import dealer_asks_csv

FORMATS = [("csv", None), ("parquet", None), ("parquet", "month")]


class Data:
    """A database, its config, and the analysis records (the source of index and drops)."""

    def __init__(self, config: Path) -> None:
        self.cfg: Config = load_config(config)
        self.db = Path(self.cfg.database)
        self.records: dict[str, Any] = analyse_db(self.cfg)

    def count(self, what: str) -> int:
        if what in ("index", "drops"):
            return len(self.records[what])
        con = sqlite3.connect(self.db)
        n: int = con.execute(f"SELECT count(*) FROM {what}").fetchone()[0]
        con.close()
        return n


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Data:
    workdir = tmp_path_factory.mktemp("demo")
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--workdir", str(workdir)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return Data(workdir / "demo-config.yaml")


@pytest.fixture(scope="module")
def dealer(tmp_path_factory: pytest.TempPathFactory) -> Data:
    """The 2022 dealer asks imported with `asicmon import` (as tests/jobs/test_importer.py)."""
    project = tmp_path_factory.mktemp("dealer")
    (project / "config.yaml").write_text("database: a.db\n", encoding="utf-8")
    asks = dealer_asks_csv(project / "asks.csv")
    result = CliRunner().invoke(
        cli, ["--config", str(project / "config.yaml"), "import", str(asks)]
    )
    assert result.exit_code == 0, result.output
    return Data(project / "config.yaml")


@pytest.fixture(params=["demo", "dealer"])
def data(request: pytest.FixtureRequest) -> Data:
    found: Data = request.getfixturevalue(request.param)
    return found


DUCKDB = {
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.string(): "VARCHAR",
    pa.date32(): "DATE",
    pa.bool_(): "BOOLEAN",
    pa.timestamp("us", tz="UTC"): "TIMESTAMP WITH TIME ZONE",
}

# spelled out, not derived from the schema: what a reader of each export gets
KEY_TYPES = {
    "listings": {"available": "BOOLEAN", "first_seen": "TIMESTAMP WITH TIME ZONE",
                 "hashrate_ths": "DOUBLE", "power_w": "BIGINT", "last_price_minor": "BIGINT",
                 "last_observed_at": "TIMESTAMP WITH TIME ZONE", "title": "VARCHAR"},
    "observations": {"id": "BIGINT", "observed_at": "TIMESTAMP WITH TIME ZONE",
                     "observed_date": "DATE", "price_minor": "BIGINT", "sold": "BOOLEAN",
                     "available": "BOOLEAN", "usd_minor": "BIGINT", "price_usd": "DOUBLE",
                     "fx_rate": "DOUBLE", "fx_date": "DATE", "price_per_th": "DOUBLE"},
    "index": {"period": "DATE", "usd_per_th": "DOUBLE", "btc_per_th": "DOUBLE",
              "n_listings": "BIGINT", "n_obs": "BIGINT"},
    "drops": {"start": "DATE", "end": "DATE", "drop_pct": "DOUBLE", "level_before": "DOUBLE",
              "abnormal": "BOOLEAN", "market_lag_days": "BIGINT", "beta": "DOUBLE",
              "chance_alignment_p": "DOUBLE", "events": "VARCHAR"},
    "runs": {"id": "BIGINT", "started_at": "TIMESTAMP WITH TIME ZONE",
             "finished_at": "TIMESTAMP WITH TIME ZONE", "listings": "BIGINT", "status": "VARCHAR"},
}  # fmt: skip


def declared(what: str) -> list[tuple[str, str]]:
    return [(f.name, DUCKDB[f.type]) for f in SCHEMAS[what]]


def reader(out: Path, what: str, fmt: str, partition_by: str | None) -> str:
    if partition_by:
        return f"read_parquet('{out}/**/*.parquet', hive_partitioning = true)"
    if fmt == "parquet":
        return f"read_parquet('{out}')"
    types = ", ".join(f"'{name}': '{type_}'" for name, type_ in declared(what))
    return f"read_csv('{out}', header = true, columns = {{{types}}})"


@pytest.mark.parametrize(("fmt", "partition_by"), FORMATS)
@pytest.mark.parametrize("what", WHAT)
def test_every_export_reads_back_typed(data: Data, tmp_path: Path, what: str, fmt: str,
                                       partition_by: str | None) -> None:  # fmt: skip
    out = tmp_path / (f"{what}_by_month" if partition_by else f"{what}.{fmt}")
    rows = run_export(data.cfg, what, fmt, out, partition_by)
    assert rows == data.count(what) > 0
    con = duckdb.connect()
    source = reader(out, what, fmt, partition_by)
    got = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    expected = declared(what) + ([("month", "VARCHAR")] if partition_by else [])
    assert got == expected
    assert KEY_TYPES[what].items() <= dict(got).items()
    assert con.execute(f"SELECT count(*) FROM {source}").fetchone() == (rows,)
    if fmt == "csv":  # the header is the declared columns, in order
        with out.open(encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == [name for name, _ in declared(what)]
    if partition_by:
        month = MONTH_OF[what]
        months = con.execute(
            f"SELECT DISTINCT strftime({month}, '%Y-%m') = month FROM {source}"
        ).fetchall()
        assert months == [(True,)]
        assert all(p.name.startswith("month=") for p in out.iterdir() if p.name[0] != ".")
        assert (out / ".asicmon-dataset").is_file()  # asicmon's mark: the next export replaces it
    con.close()


@pytest.mark.parametrize("what", WHAT)
def test_csv_and_parquet_hold_the_same_values(data: Data, tmp_path: Path, what: str) -> None:
    parquet, text = tmp_path / f"{what}.parquet", tmp_path / f"{what}.csv"
    assert run_export(data.cfg, what, "parquet", parquet) == run_export(data.cfg, what, "csv", text)
    con = duckdb.connect()
    a, b = reader(parquet, what, "parquet", None), reader(text, what, "csv", None)
    # a CSV cell cannot tell empty text from null (a drop without events has events '')
    cols = ", ".join(
        f"nullif(\"{n}\", '')" if t == "VARCHAR" else f'"{n}"' for n, t in declared(what)
    )
    for left, right in ((a, b), (b, a)):
        diff = con.execute(
            f"SELECT {cols} FROM {left} EXCEPT ALL SELECT {cols} FROM {right}"
        ).fetchall()
        assert diff == []
    con.close()


def test_drops_parquet_has_real_numbers(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "drops.parquet"
    assert run_export(data.cfg, "drops", "parquet", out) == len(data.records["drops"]) > 0
    table = pq.read_table(out)
    assert table.schema.field("drop_pct").type == pa.float64()
    assert table.schema.field("start").type == pa.date32()
    assert table.column("drop_pct").to_pylist() == [d["drop_pct"] for d in data.records["drops"]]
    assert table.column("start").to_pylist()[0].isoformat() == data.records["drops"][0]["start"]
    # the analysis's drop records and the declared schema name the same columns
    assert list(data.records["drops"][0]) == table.schema.names


def test_stored_values_survive(data: Data, tmp_path: Path) -> None:
    """Money as the exact stored integers, times as the stored UTC instants."""
    out = tmp_path / "observations.parquet"
    run_export(data.cfg, "observations", "parquet", out)
    table = pq.read_table(out)
    con = sqlite3.connect(data.db)
    stored = con.execute(
        "SELECT id, price_minor, observed_at, observed_date FROM observations ORDER BY id"
    ).fetchall()
    con.close()
    assert table.column("id").to_pylist() == [s[0] for s in stored]
    assert table.column("price_minor").to_pylist() == [s[1] for s in stored]
    assert table.column("observed_at").to_pylist() == [
        datetime.fromisoformat(s[2]).astimezone(UTC) for s in stored
    ]
    assert [d.isoformat() for d in table.column("observed_date").to_pylist()] == [
        s[3] for s in stored
    ]


def test_since_until(dealer: Data, tmp_path: Path) -> None:
    con = sqlite3.connect(dealer.db)
    n = con.execute(
        "SELECT count(*) FROM observations WHERE observed_date BETWEEN '2022-04-01' AND "
        "'2022-06-30'"
    ).fetchone()[0]
    con.close()
    out = tmp_path / "obs.parquet"
    assert run_export(dealer.cfg, "observations", "parquet", out,
                      since="2022-04-01", until="2022-06-30") == n > 0  # fmt: skip
    assert pq.read_table(out).num_rows == n
    index = run_export(dealer.cfg, "index", "csv", tmp_path / "i.csv", since="2022-04-01")
    assert 0 < index < dealer.count("index")
    with pytest.raises(ValueError, match="not listings"):
        run_export(dealer.cfg, "listings", "csv", tmp_path / "l.csv", since="2022-04-01")


def test_bad_options_fail_before_any_work(dealer: Data, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs --format parquet"):
        run_export(dealer.cfg, "drops", "csv", tmp_path / "d", "month")
    with pytest.raises(ValueError, match="unknown format"):
        run_export(dealer.cfg, "index", "xlsx", tmp_path / "i.xlsx")
    with pytest.raises(ValueError, match="unknown export"):
        run_export(dealer.cfg, "prices", "csv", tmp_path / "p.csv")
    assert list(tmp_path.iterdir()) == []


# -- the database is never an output ----------------------------------------------------------
def dealer_config(dealer: Data, tmp_path: Path, extra: str = "") -> Path:
    """A config for the dealer database, with a digest that is written even with no news."""
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database: {dealer.db}\n"
        "digest: {sender: asicmon@example.com, recipients: [me@example.com], "
        "smtp_host: localhost, send_when_empty: true}\n" + extra,
        encoding="utf-8",
    )
    return config


def fingerprint(db: Path) -> tuple[int, bytes]:
    return db.stat().st_ino, db.read_bytes()


def refused(result: Result, db: Path) -> None:
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        f"error: {db} is the database {db} or a file asicmon keeps beside it; an export never "
        "replaces it: choose another path"
    ]


def test_export_plot_and_digest_never_write_over_the_database(dealer: Data,
                                                               tmp_path: Path) -> None:  # fmt: skip
    from monitor.jobs.analyse import plot
    from monitor.jobs.digest import run_digest
    from monitor.jobs.export import ExportRefused

    config = dealer_config(dealer, tmp_path)
    cfg = load_config(config)
    db = Path(cfg.database)
    before, beside = fingerprint(db), sorted(p.name for p in db.parent.iterdir())
    series = dealer.records["index"][0]["series"]
    runs = [
        ["export", "--what", "index", "--format", "csv", "-o", str(db)],
        ["export", "--what", "runs", "--format", "parquet", "-o", str(db)],
        ["plot", "--series", series, "-o", str(db)],
        ["digest", "--dry-run", "--out", str(db)],
    ]
    for args in runs:
        refused(CliRunner().invoke(cli, ["--config", str(config), *args]), db)
        assert fingerprint(db) == before, args
    for job in (
        lambda: run_export(cfg, "drops", "parquet", db.with_name(db.name + "-wal")),
        lambda: plot(cfg, series, db.with_name(db.name + "-shm")),
        lambda: run_digest(cfg, deliver=False, out=db.with_name(db.name + ".digest.lock")),
    ):
        with pytest.raises(ExportRefused, match="is the database"):
            job()
    assert fingerprint(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == beside  # no temp file left
    # the same outputs anywhere else are written
    for args in [runs[0][:-1] + [str(tmp_path / "i.csv")], runs[2][:-1] + [str(tmp_path / "p.png")],
                 runs[3][:-1] + [str(tmp_path / "d.eml")]]:  # fmt: skip
        result = CliRunner().invoke(cli, ["--config", str(config), *args])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")
    assert b"Subject:" in (tmp_path / "d.eml").read_bytes()


def test_refused_before_any_work(dealer: Data, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """An export or plot to a path it may not replace fails before reading the database."""
    import monitor.jobs.analyse as analyse_job
    from monitor.jobs.analyse import plot
    from monitor.jobs.export import ExportRefused

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("the analysis ran before the output was checked")

    monkeypatch.setattr(analyse_job, "analyse_db", no_work)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "q3.xlsx").write_bytes(b"PK")
    with pytest.raises(ExportRefused, match="folder asicmon did not write"):
        run_export(dealer.cfg, "index", "csv", folder)
    with pytest.raises(ExportRefused, match="folder asicmon did not write"):
        plot(dealer.cfg, "tier:25to38", folder)
    assert [p.name for p in folder.iterdir()] == ["q3.xlsx"]


def test_the_daemons_export_job_logs_one_line(
    dealer: Data, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A scheduled export to the database (a slip in `exports:`) or under a file is one error
    line naming the path; the database is untouched and the daemon carries on."""
    from monitor.daemon import Daemon

    (tmp_path / "plain").write_text("a file", encoding="utf-8")
    config = dealer_config(
        dealer, tmp_path,
        "exports:\n"
        f"  - {{what: runs, format: csv, path: {dealer.db}}}\n"
        "  - {what: index, format: csv, path: plain/index.csv}\n"
        "  - {what: runs, format: csv, path: runs.csv}\n",
    )  # fmt: skip
    cfg = load_config(config)
    before = fingerprint(dealer.db)
    daemon = Daemon(cfg)
    with caplog.at_level(logging.INFO, logger="asicmon"):
        for n in range(3):
            daemon.export(n)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.exc_info for r in errors] == [None, None]  # no traceback
    assert f"{dealer.db} is the database" in errors[0].getMessage()
    plain = tmp_path / "plain"
    assert f"cannot write {plain / 'index.csv'}: {plain} is a file, not a folder" in (
        errors[1].getMessage()
    )
    assert fingerprint(dealer.db) == before
    assert (tmp_path / "runs.csv").read_text(encoding="utf-8").startswith("id,")
