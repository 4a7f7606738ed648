"""The market job: fetched from a real local server into the store, read back by the analysis,
scheduled daily by the daemon unless switched off; `market import` of a user's CSV; the offline
hashprice."""

from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import ConfigError, load_config
from monitor.daemon import Daemon
from monitor.fetch.market import load_bundled
from monitor.jobs.analyse import market_frame
from monitor.jobs.market import import_market, refresh_market, with_offline_hashprice
from monitor.store import Store
from tests.conftest import LocalSite
from tests.fetch.test_market import serve_blockchain


def config(tmp_path: Path, market: str = "") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("database: m.db\nhttp: {delay_s: 0, jitter_s: 0, obey_robots: false}\n"
                    + market, encoding="utf-8")  # fmt: skip
    return path


def test_refresh_stores_days_the_analysis_reads(tmp_path: Path, site: LocalSite) -> None:
    serve_blockchain(site)
    cfg = load_config(config(tmp_path))
    stored = refresh_market(cfg, 90, blockchain_base=site.url, mempool_base=site.url)
    assert stored > 0
    with Store(cfg.database) as store:
        rows = store.market_rows()
        frame = market_frame(store)
    assert len(rows) == stored
    last = rows[-1]["date"]
    assert frame.loc[last, "btc_usd"] == rows[-1]["btc_usd"]
    assert frame.loc[last, "hashprice_usd_ph_day"] > 0
    again = refresh_market(cfg, 90, blockchain_base=site.url, mempool_base=site.url)
    with Store(cfg.database) as store:
        assert len(store.market_rows()) == len(rows) == again  # upserted, not added twice


def test_the_daemon_refreshes_daily_by_default_unless_switched_off(tmp_path: Path) -> None:
    daemon = Daemon(load_config(config(tmp_path)))  # no `market:` section at all
    assert daemon.build() == ["market"]
    daemon.scheduler.start(paused=True)
    try:
        trigger = daemon.scheduler.get_job("market").trigger
        first = daemon.first_runs["market"]
        assert isinstance(trigger, CronTrigger)  # every day at 02:00 UTC
        assert (first.hour, first.minute, first.second) == (2, 0, 0)
        assert trigger.get_next_fire_time(first, first + timedelta(seconds=1)) == first + timedelta(
            days=1
        )
    finally:
        daemon.scheduler.shutdown(wait=False)
    assert Daemon(load_config(config(tmp_path, "market:\n"))).build() == ["market"]
    assert Daemon(load_config(config(tmp_path, "market: {enabled: false}\n"))).build() == []
    cfg = load_config(config(tmp_path, "market: {schedule: 1d, days: 3}\n"))
    assert cfg.market.days == 3
    assert Daemon(cfg).build() == ["market"]


def test_market_api_bases_must_be_http_urls(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"market\.blockchain_api"):
        load_config(config(tmp_path, "market: {blockchain_api: 'ftp://x.example'}\n"))


def test_an_offline_refresh_is_one_warning_and_the_daemon_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused
    path = config(tmp_path, f"market: {{blockchain_api: '{closed}', mempool_api: '{closed}'}}\n")
    path.write_text(path.read_text(encoding="utf-8").replace("obey_robots: false",
                    "obey_robots: false, max_retries: 0"), encoding="utf-8")  # fmt: skip
    cfg = load_config(path)
    daemon = Daemon(cfg)
    with caplog.at_level(logging.INFO, logger="asicmon"):
        daemon.refresh_market()  # returns: no exception reaches the scheduler
    mine = [
        r for r in caplog.records if r.name.startswith("asicmon") and r.levelno >= logging.WARNING
    ]
    assert len(mine) == 1
    (warning,) = mine
    assert warning.levelno == logging.WARNING
    assert warning.exc_info is None  # no traceback
    assert "market job failed (the next run tries again)" in warning.getMessage()
    assert "\n" not in warning.getMessage()


def test_the_cli_fetch_uses_the_configured_apis(tmp_path: Path, site: LocalSite) -> None:
    serve_blockchain(site)
    path = config(tmp_path, f"market: {{blockchain_api: '{site.url}'}}\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "market", "--days", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "stored 5 days of market data"


# -- asicmon market import ---------------------------------------------------------------------
GOOD = (
    "\ufeffdate,btc_usd,hashprice_usd_ph_day,notes\n"
    "2024-03-01,62000,,\n"
    "2024-03-02T00:00:00Z,,110.5,pool export\n"
    "2024-03-03,61000,108\n"
)


def stored(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT date, btc_usd, hashprice_usd_ph_day, source FROM market_daily ORDER BY date"
        ).fetchall()


def test_import_stores_the_days_with_their_source(tmp_path: Path) -> None:
    path = config(tmp_path)
    (tmp_path / "mine.csv").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(path), "market", "import",
                                      str(tmp_path / "mine.csv")])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("stored 3 days of market data from mine.csv")
    assert "2024-03-01 to 2024-03-03; 2 with BTC/USD, 2 with hashprice" in result.output
    assert stored(tmp_path / "m.db") == [
        ("2024-03-01", 62000.0, None, "import:mine.csv"),
        ("2024-03-02", None, 110.5, "import:mine.csv"),
        ("2024-03-03", 61000.0, 108.0, "import:mine.csv"),
    ]
    # a later file fills a blank and keeps what it leaves blank
    (tmp_path / "more.csv").write_text("date,btc_usd\n2024-03-02,61500\n", encoding="utf-8")
    cfg = load_config(path)
    done = import_market(cfg, tmp_path / "more.csv")
    assert (done.days, done.source) == (1, "import:more.csv")
    assert stored(tmp_path / "m.db")[1] == ("2024-03-02", 61500.0, 110.5, "import:more.csv")
    with Store(cfg.database) as store:  # the analysis reads them over the bundled history
        frame = market_frame(store)
    assert frame.loc["2024-03-03", "hashprice_usd_ph_day"] == 108.0


def test_import_with_bad_rows_stores_nothing_and_exits_2(tmp_path: Path) -> None:
    path = config(tmp_path)
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    assert CliRunner().invoke(cli, ["--config", str(path), "market", "import",
                                    str(tmp_path / "good.csv")]).exit_code == 0  # fmt: skip
    before = stored(tmp_path / "m.db")
    bad = tmp_path / "bad.csv"
    bad.write_text("date,btc_usd,hashprice_usd_ph_day\n"
                   "2024-03-01,1,\n"  # fine, but must not be stored either
                   "2024-03-04,-3,\n"
                   "2024-03-01,2,\n"
                   "2024-03-05,,\n"
                   "yesterday,4,\n", encoding="utf-8")  # fmt: skip
    result = CliRunner().invoke(cli, ["--config", str(path), "market", "import", str(bad)])
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert [e.split(": ", 2)[1] for e in errors[:4]] == [f"{bad}:{n}" for n in (3, 4, 5, 6)]
    assert errors[0].startswith("error: ")
    assert "date 2024-03-01 is already on line 2" in errors[1]
    assert errors[-1] == f"nothing stored from {bad}"
    assert "Traceback" not in result.output
    assert stored(tmp_path / "m.db") == before


def test_import_of_an_unreadable_file_is_one_line(tmp_path: Path) -> None:
    path = config(tmp_path)
    (tmp_path / "latin1.csv").write_bytes("date,btc_usd\n2024-03-01,62000 \xe9\n".encode("latin-1"))
    result = CliRunner().invoke(cli, ["--config", str(path), "market", "import",
                                      str(tmp_path / "latin1.csv")])  # fmt: skip
    assert result.exit_code == 2
    assert "not UTF-8 text" in result.stderr
    assert not (tmp_path / "m.db").exists()


# -- offline hashprice ---------------------------------------------------------------------------
def test_offline_hashprice_wherever_btc_usd_is_known() -> None:
    bundled = load_bundled()
    assert bundled["hashprice_usd_ph_day"].isna().all()
    filled = with_offline_hashprice(bundled)
    assert filled["hashprice_usd_ph_day"].notna().all()  # every day 2010-07-18 .. 2022-01-04
    assert filled.attrs["hashprice_filled"] == len(bundled)
    # 2021-07-24: Hashrate Index said $0.315/TH/day (fees included); offline, subsidy only
    assert filled.loc["2021-07-24", "hashprice_usd_ph_day"] == pytest.approx(315, rel=0.03)
