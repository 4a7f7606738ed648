"""`run_export`: every export in every format, on the demo data and on imported dealer asks,
read back with duckdb in its declared types and with the source's row counts."""

from __future__ import annotations

import csv
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
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import Config, load_config
from monitor.jobs.analyse import analyse_db
from monitor.jobs.export import run_export
from monitor.outputs.export_schema import MONTH_OF, SCHEMAS, WHAT

FIXTURE = Path(__file__).parent.parent / "fixtures" / "analysis" / "dealer_asks_2022_25to38.csv"
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
    with FIXTURE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    asks = project / "asks.csv"
    with asks.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "source"])
        for r in rows:
            w.writerow([r["date"], f"{r['model']} {float(r['th']):g}T", r["price_usd"], "USD",
                        r["source"]])  # fmt: skip
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
        assert all(p.name.startswith("month=") for p in out.iterdir())
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
