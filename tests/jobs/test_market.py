"""The market job: fetched from a real local server into the store, read back by the analysis,
and scheduled by the daemon when the config asks for it."""

from __future__ import annotations

from pathlib import Path

from monitor.config import load_config
from monitor.daemon import Daemon
from monitor.jobs.analyse import market_frame
from monitor.jobs.market import refresh_market
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


def test_the_daemon_schedules_it_only_when_configured(tmp_path: Path) -> None:
    assert "market" not in Daemon(load_config(config(tmp_path))).build()
    cfg = load_config(config(tmp_path, "market: {schedule: 1d, days: 3}\n"))
    assert cfg.market is not None
    assert cfg.market.days == 3
    assert Daemon(cfg).build() == ["market"]
