"""Every source kind at once, as a user runs it: `asicmon scrape` over local pages in the real
formats, one source behind a bot wall. Each kind must store its listings with the right title,
price, currency and url; the bot wall fails its own run only."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import LocalSite, Reply

SOURCES = Path(__file__).parent.parent / "fixtures" / "sources"
PAGES = {  # source name: (kind, fixture case, path served, extra config)
    "ebay-active": ("ebay", "2026-11-25-scard-active", "/sch/i.html?_nkw=antminer", ""),
    "ebay-sold": ("ebay", "2026-11-25-legacy-sold-uk", "/uk/sch/i.html?_nkw=s19&LH_Sold=1", ""),
    "ebay-blocked": ("ebay", "2026-11-25-bot-wall", "/blocked/sch/i.html?_nkw=s19", ""),
    "channel": ("telegram", "2026-11-25-kaboomracks-page", "/s/kaboomracks", ""),
    "shopify-shop": ("shopify", "2026-11-25-variants-full-page", "/shop/products.json", ""),
    "woo-shop": ("woocommerce", "2026-11-25-full-page", "/woo/wp-json/wc/store/v1/products", ""),
    "jsonld-page": ("jsonld", "2026-11-25-category-itemlist", "/category/asic-miners", ""),
    "css-shop": ("css", "2026-11-25-shop-page-1", "/miners", ""),
}


def expected(kind: str, case: str) -> dict:
    return json.loads((SOURCES / kind / f"{case}.expected.json").read_text(encoding="utf-8"))


def test_scrape_every_kind(tmp_path: Path, site: LocalSite) -> None:
    lines = ["database: all.db", "http: {delay_s: 0, jitter_s: 0, timeout_s: 5, max_retries: 0}",
             "sources:"]  # fmt: skip
    for name, (kind, case, path, _) in PAGES.items():
        page = next((SOURCES / kind).glob(f"{case}.input.*"))
        site.route(
            path, Reply(200, page.read_bytes(), {"Content-Type": "text/html; charset=utf-8"})
        )
        want = expected(kind, case)
        url = f"{site.url}{path}"
        if kind in ("shopify", "woocommerce"):
            url = f"{site.url}/{path.split('/')[1]}"
        line = f'  - {{name: {name}, kind: {kind}, url: "{url}", max_pages: 1'
        if kind == "css":
            sel = {k: v for k, v in want["options"].items() if k != "currency" and v is not None}
            line += f", selectors: {json.dumps(sel)}"
        if kind == "shopify":
            line += ", page_size: 2"
        lines.append(line + "}")
    config = tmp_path / "config.yaml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = CliRunner().invoke(cli, ["--config", str(config), "scrape"])
    assert result.exit_code == 1, result.output  # one source failed
    assert "ebay-blocked: failed" in result.output
    assert "bot wall" in result.output
    assert "Pardon Our Interruption" in result.output

    db = sqlite3.connect(tmp_path / "all.db")
    runs = dict(db.execute("SELECT source, status FROM runs").fetchall())
    assert runs == {**{n: "ok" for n in PAGES}, "ebay-blocked": "failed"}
    for name, (kind, case, _, _) in PAGES.items():
        if name == "ebay-blocked" or kind == "telegram":
            continue
        want = {(x["title"], x["price"], x["currency"]) for x in expected(kind, case)["listings"]}
        rows = db.execute(
            "SELECT l.title, o.price_minor, o.currency, l.url FROM listings l LEFT JOIN "
            "observations o ON o.listing_key = l.key WHERE l.source = ?",
            [name],
        ).fetchall()
        got = {(t, None if p is None else Decimal(p) / 100, c) for t, p, c, _ in rows}
        want = {(t, None if p is None else Decimal(p), c) for t, p, c in want}
        assert got == want, name
        assert all(u and u.startswith("http") for *_, u in rows), name
    # the channel's posts became offers with prices, linked to their posts on t.me
    offers = db.execute(
        "SELECT l.title, o.price_minor, o.currency, l.url FROM listings l JOIN observations o "
        "ON o.listing_key = l.key WHERE l.source = 'channel'"
    ).fetchall()
    assert len(offers) >= 3
    assert all(u.startswith("https://t.me/kaboomracks/") and c == "USD" for _, _, c, u in offers)
    db.close()
