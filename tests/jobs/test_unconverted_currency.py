"""A price in a currency the ECB does not publish (hryvnia, dong, tenge...) is still a price: it
is stored with its amount and ISO code, and no USD value."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from monitor.config import load_config
from monitor.jobs.collect import run_cycle
from monitor.store import Store
from scrapers.money import UNPUBLISHED
from tests.conftest import LocalSite, Reply

NOW = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)


def test_a_price_in_an_unpublished_currency_is_stored_without_usd(
    tmp_path: Path, site: LocalSite
) -> None:
    assert "UAH" in UNPUBLISHED
    products = [
        {
            "id": 1,
            "title": "Antminer S19j Pro 104T used",
            "handle": "p1",
            "tags": [],
            "variants": [{"id": 10, "title": "Default Title", "price": "24500.00",
                          "available": True}],
        }
    ]  # fmt: skip
    site.route("/ua/products.json?limit=5&page=1", Reply(200, json.dumps({"products": products})))
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""
database: shop.db
http: {{delay_s: 0, jitter_s: 0, timeout_s: 2, max_retries: 0}}
sources:
  - {{name: ua, kind: shopify, url: "{site.url}/ua", page_size: 5, min_listings: 1,
      currency: UAH}}
""",
        encoding="utf-8",
    )
    cfg = load_config(path)
    [result] = run_cycle(cfg, clock=lambda: NOW)
    assert (result.status, result.listings, result.observations) == ("ok", 1, 1)
    with Store(cfg.database) as store:
        [row] = store.query("SELECT price_minor, currency, usd_minor FROM observations")
        [listing] = store.query("SELECT model FROM listings")
    assert (row["price_minor"], row["currency"], row["usd_minor"]) == (2450000, "UAH", None)
    assert listing["model"] == "Antminer S19j Pro"
