"""The peer: a minimal scrapy + parsel spider over the same chains, storing into SQLite.

    python -m benchmarks.crawl.scrapy_side MIRROR --port 8765 --db /tmp/x.db

scrapy is a benchmark extra, not an asicmon dependency: ``pip install scrapy``.

Same job as the asicmon side: follow each chain's next links, obey robots.txt, one request in
flight per host (``CONCURRENT_REQUESTS_PER_DOMAIN=1``) and 32 in all, read the same fields of each
card of ``ul.srp-results`` (id, title, price and currency, shipping, location, condition, sold
date, url; the "Shop on eBay" placeholder skipped; stop at "Results matching fewer words"), and
write each page's cards with one ``executemany`` in one transaction. It does not normalise titles
(asicmon does): that difference is part of what is measured.

Prints one JSON line: pages, seconds (spider opened to spider closed), listings in the database.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess

from benchmarks.crawl.server import host_of

ITEM_ID = re.compile(r"/itm/(?:[^/?#]+/)?(\d{9,})(?:[/?#]|$)")
MONEY = re.compile(r"\d[\d,]*(?:\.\d+)?")
SOLD_US = re.compile(r"^Sold\s+([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")
SOLD_UK = re.compile(r"^Sold\s+(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})")
SHIP = re.compile(r"\b(?:shipping|delivery|postage)\b", re.I)
PLACE = re.compile(r"^(?:from|Located in:?)\s+(.+)$", re.I)
MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
CURRENCIES = (
    ("US $", "USD"),
    ("C $", "CAD"),
    ("AU $", "AUD"),
    ("£", "GBP"),
    ("€", "EUR"),
    ("$", "USD"),
)


def clean(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def money(text: str) -> Decimal | None:
    m = MONEY.search(text)
    if not m:
        return None
    try:
        return Decimal(m.group(0).replace(",", ""))
    except InvalidOperation:
        return None


def sold_date(text: str) -> str | None:
    if m := SOLD_US.match(text):
        month, day, year = m.group(1), m.group(2), m.group(3)
    elif m := SOLD_UK.match(text):
        day, month, year = m.group(1), m.group(2), m.group(3)
    else:
        return None
    num = MONTHS.get(month[:3].lower())
    return f"{year}-{num:02d}-{int(day):02d}" if num else None


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# per layout: the card's link, title text, price text, condition, and its small text rows
# (details, captions, attribute rows; not the one holding the price), compiled once by parsel
XPATHS = {
    p: {
        "href": f".//a[{_has_class(p + '__link')}]/@href",
        "title": (
            f".//*[{_has_class(p + '__title')}]//text()[not(ancestor::*["
            f"{_has_class('clipped')} or {_has_class('LIGHT_HIGHLIGHT')}])]"
        ),
        "price": f"normalize-space(.//*[{_has_class(p + '__price')}])",
        "condition": (
            f"normalize-space(.//*[{_has_class('SECONDARY_INFO')}])"
            if p == "s-item"
            else f"normalize-space(.//*[{_has_class('s-card__subtitle')}])"
        ),
        "rows": (
            f".//*[({_has_class(p + '__detail')} or {_has_class(p + '__caption')} or "
            f"{_has_class('s-card__attribute-row')}) and not(.//*[{_has_class(p + '__price')}])]"
        ),
    }
    for p in ("s-item", "s-card")
}


def card(li: scrapy.Selector, page_url: str) -> dict[str, Any] | None:
    """The fields of one result card (either layout); None for a placeholder."""
    p = "s-item" if "s-item" in (li.attrib.get("class") or "").split() else "s-card"
    xp = XPATHS[p]
    href = li.xpath(xp["href"]).get() or page_url
    m = ITEM_ID.search(href.split("?", 1)[0] + "/")
    item_id = li.attrib.get("data-listingid") or (m.group(1) if m else "")
    title = clean(li.xpath(xp["title"]).getall())
    if not re.fullmatch(r"\d{9,}", item_id) or title.lower().startswith("shop on ebay"):
        return None
    price_text = li.xpath(xp["price"]).get() or ""
    low = price_text.partition(" to ")[0]
    currency = next((code for sym, code in CURRENCIES if sym in low), None)
    condition = (li.xpath(xp["condition"]).get() or "").split("·")[0].strip() or None
    shipping = location = sold = None
    for row in li.xpath(xp["rows"]):
        text = row.xpath("normalize-space()").get() or ""
        lower = text.lower()
        if sold is None and (date := sold_date(text)):
            sold = date
        elif "best offer" in lower:
            continue
        elif SHIP.search(text) and shipping is None:
            if "free" in lower:
                shipping = Decimal(0)
            elif text.startswith("+"):
                shipping = money(text)
        elif location is None and (pm := PLACE.match(text)):
            location = pm.group(1).strip()
    host = href.split("/itm/", 1)[0]
    price = money(low)
    return {
        "listing_id": item_id,
        "url": f"{host}/itm/{item_id}",
        "title": title,
        "price_minor": None if price is None else int(price * 100),
        "currency": currency if price is not None else None,
        "shipping_minor": None if shipping is None else int(shipping * 100),
        "location": location,
        "condition": condition,
        "sold_at": sold,
    }


class ResultsSpider(scrapy.Spider):
    name = "ebay-results"

    def __init__(self, starts: list[tuple[str, str, str | None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.starts = starts  # (source name, url, download slot or None)

    async def start(self):  # scrapy >= 2.13
        for req in self.start_requests():
            yield req

    def start_requests(self):
        for name, url, slot in self.starts:
            meta = {"source": name, **({"download_slot": slot} if slot else {})}
            yield scrapy.Request(url, meta=meta, dont_filter=True)

    def parse(self, response: scrapy.http.Response):
        listings, cut = [], False
        results = response.css("ul.srp-results")[:1]
        for li in results.xpath("./li"):
            classes = (li.attrib.get("class") or "").split()
            if "srp-river-answer--REWRITE_START" in classes:
                cut = True
                break
            if "s-item" in classes or "s-card" in classes:
                if (row := card(li, response.url)) is not None:
                    listings.append(row)
        yield {"source": response.meta["source"], "url": response.url, "listings": listings}
        if cut:
            return
        nxt = response.css(".pagination__next")
        if nxt:
            el = nxt[0]
            if el.root.tag != "a" or el.attrib.get("aria-disabled") == "true":
                return
            href = el.attrib.get("href")
        else:
            href = response.css("link[rel=next]::attr(href)").get()
        if href and not href.startswith(("#", "javascript")):
            meta = {k: response.meta[k] for k in ("source", "download_slot") if k in response.meta}
            yield response.follow(href, meta=meta, callback=self.parse)


class SqlitePipeline:
    """One transaction and one ``executemany`` per page."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> SqlitePipeline:
        return cls(crawler.settings["BENCH_DB"])

    def open_spider(self, spider: scrapy.Spider | None = None) -> None:
        self.con = sqlite3.connect(self.path, isolation_level=None)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS listings (key TEXT PRIMARY KEY, source TEXT, "
            "listing_id TEXT, url TEXT, title TEXT, price_minor INTEGER, currency TEXT, "
            "shipping_minor INTEGER, location TEXT, condition TEXT, sold_at TEXT, seen_at TEXT)"
        )

    def close_spider(self, spider: scrapy.Spider | None = None) -> None:
        self.con.close()

    def process_item(self, item: dict[str, Any], spider: scrapy.Spider | None = None) -> Any:
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        src = item["source"]
        rows = [
            (
                f"{src}:{r['listing_id']}",
                src,
                r["listing_id"],
                r["url"],
                r["title"],
                r["price_minor"],
                r["currency"],
                r["shipping_minor"],
                r["location"],
                r["condition"],
                r["sold_at"],
                now,
            )
            for r in item["listings"]
        ]
        self.con.execute("BEGIN IMMEDIATE")
        self.con.executemany(
            "INSERT OR REPLACE INTO listings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )
        self.con.execute("COMMIT")
        self.pages += 1
        return item


def run(mirror: Path, port: int, mode: str, db: Path, concurrency: int) -> dict[str, Any]:
    manifest = json.loads((mirror / "manifest.json").read_text("utf-8"))
    starts = []
    for chain in manifest["chains"]:
        host, p = host_of(int(chain["index"]), port, mode)
        slot = f"{host}:{p}" if mode == "port" else None
        starts.append((f"chain-{chain['index']:03d}", f"http://{host}:{p}{chain['path']}", slot))
    settings = {
        "BOT_NAME": "bench",
        "USER_AGENT": "scrapy-bench (+https://github.com/asicmon/asicmon)",
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": 0,
        "DOWNLOAD_TIMEOUT": 30,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "ITEM_PIPELINES": {SqlitePipeline: 300},
        "BENCH_DB": str(db),
    }
    times: dict[str, float] = {}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ResultsSpider)

    def opened(spider: scrapy.Spider) -> None:
        times.setdefault("open", time.perf_counter())

    def closed(spider: scrapy.Spider, reason: str) -> None:
        times.setdefault("close", time.perf_counter())

    # (the dispatcher keeps weak references: the handlers must stay referenced, not lambdas)
    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    cpu0 = time.process_time()
    process.crawl(crawler, starts=starts)
    process.start()
    cpu = time.process_time() - cpu0
    stats = crawler.stats.get_stats() if crawler.stats else {}
    con = sqlite3.connect(db)
    listings = con.execute("SELECT count(*) FROM listings").fetchone()[0]
    con.close()
    return {
        "contestant": "scrapy",
        "pages": int(stats.get("item_scraped_count", 0)),
        "seconds": times["close"] - times["open"],
        "listings": listings,
        "observations": None,
        "process_cpu_s": round(cpu, 2),
        "errors": {k: v for k, v in stats.items() if "error" in k or "exception" in k},
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mirror", type=Path)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--hosts-mode", choices=("ip", "port"), default="ip")
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--concurrency", type=int, default=32)
    args = ap.parse_args(argv)
    out = run(args.mirror, args.port, args.hosts_mode, args.db, args.concurrency)
    print(json.dumps(out, default=str), flush=True)


if __name__ == "__main__":
    main()
