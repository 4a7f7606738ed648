"""The read jobs behind `status`, `sources` and `unmatched`, and the daemon's resume point."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from monitor.config import load_config
from monitor.jobs import status as jobs
from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store
from scrapers.base import RawListing

T0 = datetime(2026, 11, 2, 12, tzinfo=UTC)


def project(tmp_path: Path) -> Path:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("""
database: db/asicmon.db
sources:
  - {name: shop, kind: shopify, url: "https://shop.example.com"}
  - {name: never, kind: shopify, url: "https://never.example.com", enabled: false}
""", encoding="utf-8")  # fmt: skip
    with Store(tmp_path / "db" / "asicmon.db") as store:
        run = store.start_run("shop", "shopify", T0)
        items = [
            Sighting(RawListing("1", "https://s/1", "Antminer S19j Pro 104T", Decimal("2000"),
                                "USD"), normalise("Antminer S19j Pro 104T"), T0),
            Sighting(RawListing("2", "https://s/2", "Mystery box miner 9000", Decimal("50"),
                                "USD"), normalise("Mystery box miner 9000"), T0),
        ]  # fmt: skip
        store.save_page(run, "shop", items, T0)
        store.finish_run(run, T0, status="ok", listings=2)
    return cfg


def test_status_counts_and_last_runs(tmp_path: Path) -> None:
    cfg = load_config(project(tmp_path))
    report = jobs.status(cfg)
    data = report.data.to_dict()
    assert report.notes == []
    assert data["listings"] == 2
    assert data["observations"] == 2
    assert data["sources"]["shop"]["status"] == "ok"
    assert data["sources"]["never"] is None


def test_sources_rows_and_resume_points(tmp_path: Path) -> None:
    cfg = load_config(project(tmp_path))
    rows = {r["name"]: r for r in jobs.sources(cfg).data}
    assert rows["shop"]["last_run"]["listings"] == 2
    assert rows["never"]["enabled"] is False
    assert rows["never"]["last_run"] is None
    assert jobs.last_starts(cfg) == {"shop": T0}


def test_unmatched_lists_titles_with_no_model(tmp_path: Path) -> None:
    cfg = load_config(project(tmp_path))
    titles = [r["title"] for r in jobs.unmatched(cfg, 10)]
    assert "Antminer S19j Pro 104T" not in titles


def test_a_dead_process_run_is_marked_before_it_is_shown(tmp_path: Path) -> None:
    cfg = load_config(project(tmp_path))
    with Store(cfg.database) as store:
        run = store.start_run("shop", "shopify", T0)
        store.db.execute("UPDATE runs SET pid = 2147483000 WHERE id = ?", [run])
        store.db.conn.commit()
    report = jobs.status(cfg)
    assert any("marked failed" in note for note in report.notes)
    assert report.data.to_dict()["sources"]["shop"]["status"] == "failed"
