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
from decimal import Decimal
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


def test_ebay_fast_path_reads_text_as_the_full_parse_does() -> None:
    """The lxml fast path leaves out what bs4's text leaves out: a title's hidden parts (not the
    text after them), comments and scripts; a row holding the price is not a fact."""
    from scrapers.ebay import Ebay

    card = """
<li class="s-item" data-listingid="{id}">
 <a href="https://www.ebay.com/itm/{id}?hash=x" class="s-item__link"><div class="s-item__title">
  <span role="heading"><span class="LIGHT_HIGHLIGHT">New Listing</span>Antminer<!-- c -->S19
  <span class="clipped">Opens in a new window</span> 95TH<script>var x = 1;</script></span>
 </div></a>
 <div class="s-item__subtitle"><span class="SECONDARY_INFO">Pre-Owned</span></div>
 <div class="s-item__detail"><span class="s-item__price">$1,250.00</span> or Best Offer</div>
 <div class="s-item__detail"><span class="s-item__shipping">+$45.00 <b>shipping</b></span></div>
 <div class="s-item__detail"><span class="s-item__location">from <!-- x -->China</span></div>
</li>"""
    items = "".join(card.format(id=296831045510 + i) for i in range(3))
    text = (
        "<html><head><title>antminer | eBay</title></head><body>"
        f'<ul class="srp-results srp-list">{items}</ul></body></html>'
    )
    url = "https://www.ebay.com/sch/i.html?_nkw=antminer"
    fast = Ebay(url, {})._parse_fast(text, url)
    assert fast is not None
    full = Ebay(url, {})
    full._parse_fast = lambda text, url: None  # type: ignore[method-assign]
    assert full.parse(text, url) == fast
    first = fast.listings[0]
    assert first.title == "Antminer S19 95TH"
    assert (first.shipping, first.location, first.condition) == (45, "China", "Pre-Owned")
    assert not first.best_offer  # read from the row that holds the price: not a fact


def test_ebay_fast_path_finds_the_next_page_link_past_other_mentions() -> None:
    """The next-page tag is looked for only where its class name occurs: mentions of the name in
    CSS, a script or another attribute come first and are passed over."""
    from scrapers.ebay import Ebay

    card = (
        '<li class="s-item" data-listingid="296831045510"><a class="s-item__link"'
        ' href="https://www.ebay.com/itm/296831045510"><div class="s-item__title">S19</div></a>'
        '<span class="s-item__price">$900.00</span></li>'
    )
    text = (
        "<html><head><style>.PAGINATION__NEXT { color: red }</style></head><body>"
        f'<ul class="srp-results">{card}</ul><script>var c = "pagination__next";</script>'
        '<a data-x="pagination__next" href="/wrong">x</a>'
        '<A href="/sch/i.html?_nkw=s19&amp;_pgn=2" CLASS="icon-link pagination__next">next</A>'
        "</body></html>"
    )
    url = "https://www.ebay.com/sch/i.html?_nkw=s19"
    page = Ebay(url, {})._parse_fast(text, url)
    assert page is not None
    assert page.next_url == "https://www.ebay.com/sch/i.html?_nkw=s19&_pgn=2"


def test_ebay_fast_path_reads_a_card_with_a_mangled_attribute_name() -> None:
    """An attribute whose name lxml keeps but cannot look up (a quote lost before a JSON value)
    does not stop the fast path: it reads only the card's class and listing id."""
    from scrapers.ebay import Ebay

    text = (
        '<html><body><ul class="srp-results"><li {"trackableid":"01"}\' class="s-item">'
        '<a href="https://www.ebay.com/itm/296831045510"><div class="s-item__title">S19</div></a>'
        '<span class="s-item__price">$900.00</span></li></ul></body></html>'
    )
    url = "https://www.ebay.com/sch/i.html?_nkw=s19"
    page = Ebay(url, {})._parse_fast(text, url)
    assert page is not None
    assert [(x.listing_id, x.title, x.price) for x in page.listings] == [
        ("296831045510", "S19", Decimal("900.00"))
    ]
