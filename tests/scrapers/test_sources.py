"""Golden-file tests: each saved page in fixtures/sources/<kind>/ parses to its .expected.json.

A case is ``<yyyy-mm-dd>-<case>.input.<ext>`` (the page as served) plus
``<yyyy-mm-dd>-<case>.expected.json``: ``{"url": page URL, "source_url": the source's configured
url, "options": kind-specific options, "listings": [...], "next_url": ...}``, or ``"error"``
(the exact message) and ``"error_type"`` (``ParseError`` or ``BlockedError``) for pages that
must fail. Decimals are written as strings.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

import scrapers
from scrapers.base import ParseError

SOURCES = Path(__file__).parent.parent / "fixtures" / "sources"
CASES = sorted(SOURCES.glob("*/*.input.*"))


def as_json(listing: object) -> dict:
    """A listing as the golden files store it (Decimals as strings)."""
    out = asdict(listing)  # type: ignore[call-overload]
    for key in ("price", "price_max", "shipping"):
        out[key] = None if out[key] is None else str(out[key])
    return out


@pytest.mark.parametrize("page", CASES, ids=lambda p: f"{p.parent.name}/{p.name.split('.')[0]}")
def test_parse_matches_golden(page: Path) -> None:
    want = json.loads(page.with_name(page.name.split(".")[0] + ".expected.json").read_text())
    source = scrapers.get(page.parent.name)(want["source_url"], want["options"])
    text = page.read_text(encoding="utf-8")
    if "error" in want:
        with pytest.raises(ParseError) as err:
            source.parse(text, want["url"])
        assert type(err.value).__name__ == want["error_type"]
        assert str(err.value) == want["error"]
        return
    got = source.parse(text, want["url"])
    assert [as_json(x) for x in got.listings] == want["listings"]
    assert got.next_url == want["next_url"]


def test_there_are_golden_cases_for_each_kind() -> None:
    for kind in scrapers.kinds():
        folder = SOURCES / kind
        assert len(list(folder.glob("*.input.*"))) >= 2, kind


def test_start_url_and_paging_follow_shopify() -> None:
    shop = scrapers.get("shopify")("https://shop.example.com/", {"page_size": 2})
    assert shop.start_urls() == ["https://shop.example.com/products.json?limit=2&page=1"]
    full = json.dumps({"products": [{"id": 1, "variants": []}, {"id": 2, "variants": []}]})
    page = shop.parse(full, "https://shop.example.com/products.json?limit=2&page=1")
    assert page.next_url == "https://shop.example.com/products.json?limit=2&page=2"
    short = json.dumps({"products": [{"id": 3, "variants": []}]})
    assert (
        shop.parse(short, "https://shop.example.com/products.json?limit=2&page=2").next_url is None
    )


def test_json_without_products_is_an_error() -> None:
    shop = scrapers.get("shopify")("https://shop.example.com", {})
    with pytest.raises(ParseError, match="no 'products' list"):
        shop.parse('{"errors": "Not Found"}', "https://shop.example.com/products.json")


def test_ebay_fast_and_full_parse_agree_on_every_fixture() -> None:
    """The strained fast path and the full parse build listings with one helper; on every
    saved eBay page where the fast path answers, both give the same listings."""
    from scrapers.ebay import Ebay

    compared = 0
    for page in sorted((SOURCES / "ebay").glob("*.input.html")):
        meta = json.loads(page.with_name(page.name.replace(".input.html", ".expected.json"))
                             .read_text(encoding="utf-8"))  # fmt: skip
        text = page.read_text(encoding="utf-8")
        fast = Ebay(meta["source_url"], meta.get("options") or {})._parse_fast(text, meta["url"])
        if fast is None:
            continue
        full = Ebay(meta["source_url"], meta.get("options") or {})
        full._parse_fast = lambda text, url: None  # type: ignore[method-assign]
        assert full.parse(text, meta["url"]) == fast, page.name
        compared += 1
    assert compared >= 4
