"""Live smoke tests against real sites: `pytest -m network` (never in CI; needs internet).

They check that the parsers still read today's real pages. A site that blocks us, or whose
robots.txt disallows the page, is reported as a skip with the reason, not a failure.
"""

from __future__ import annotations

import pytest

import scrapers
from monitor.config import HttpConfig
from monitor.fetch.crawl import crawl
from monitor.fetch.http import Fetcher, FetchError
from scrapers.base import BlockedError

pytestmark = pytest.mark.network

LIVE = [
    ("ebay", "https://www.ebay.com/sch/i.html?_nkw=antminer+s19&_sacat=0", {}),
    ("ebay", "https://www.ebay.com/sch/i.html?_nkw=antminer&LH_Sold=1&LH_Complete=1", {}),
    ("telegram", "https://t.me/s/telegram", {}),
    ("shopify", "https://www.allbirds.com", {"page_size": 30}),  # a large public Shopify shop
]


@pytest.mark.parametrize(("kind", "url", "options"), LIVE, ids=[f"{k}:{u}" for k, u, _ in LIVE])
def test_live_page_parses(kind: str, url: str, options: dict) -> None:
    source = scrapers.get(kind)(url, options)
    with Fetcher(HttpConfig(delay_s=2, timeout_s=30, max_retries=1)) as fetcher:
        try:
            pages = list(crawl(source, fetcher, max_pages=1))
        except BlockedError as exc:
            pytest.skip(f"blocked: {exc}")
        except FetchError as exc:
            pytest.skip(f"not fetched: {exc}")
    assert pages
    assert pages[0].page.listings, f"{url}: a live page parsed to no listings (layout change?)"
    first = pages[0].page.listings[0]
    assert first.title
    assert first.url.startswith("http")
