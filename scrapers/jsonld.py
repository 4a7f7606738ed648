"""Any product or category page that describes its products as schema.org JSON-LD.

Shops built on WooCommerce, Shopify, Magento, PrestaShop and most SEO plug-ins embed
``<script type="application/ld+json">`` with a ``Product`` and its ``offers`` so search engines
can show prices. Every such block is read; a block that is not valid JSON is skipped so the
others still count. Products are found at the top level, in a list, in ``@graph``, as
``mainEntity``, as ``ItemList.itemListElement[]`` (directly or wrapped in ``ListItem.item``) and
as ``ProductGroup.hasVariant[]``. Each Product with a name is one listing. Seller names are not
kept (they can be a person's name).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from bs4 import BeautifulSoup

from scrapers._config import Currency, SourceOptions
from scrapers._html import check_blocked, clean, json_ld, link, make_soup
from scrapers._text import as_text
from scrapers.base import Page, ParseError, RawListing, Source, absolute
from scrapers.money import Price, read_price

_PRODUCT_TYPES = {"product", "individualproduct", "productmodel", "productgroup"}
_NESTED = ("@graph", "mainEntity", "itemListElement", "item", "hasVariant")
_CONDITIONS = {
    "usedcondition": "used",
    "newcondition": "new",
    "refurbishedcondition": "refurbished",
    "damagedcondition": "for parts",
}
_IN_STOCK = {"instock", "instoreonly", "onlineonly", "limitedavailability"}
_OUT_OF_STOCK = {"outofstock", "soldout", "discontinued"}


def _term(value: Any) -> str:
    """``"https://schema.org/InStock"`` or ``"schema:InStock"`` -> ``"instock"``."""
    return re.split(r"[/:#]", as_text(value).strip())[-1].lower()


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _types(node: dict[str, Any]) -> set[str]:
    return {_term(t) for t in _listify(node.get("@type")) if t}


def _text(value: Any) -> str:
    """A plain string from a JSON-LD value (unescapes the HTML entities templates leave in)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    return clean(html.unescape(as_text(value)))


def products(node: Any) -> Iterator[dict[str, Any]]:
    """Every Product node in a JSON-LD document, in document order (walked with a stack, not
    recursion: a hostile page can nest ``@graph`` as deep as the JSON parser allows)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        types = _types(node)
        if types & _PRODUCT_TYPES and not ("productgroup" in types and node.get("hasVariant")):
            yield node
            continue
        stack.extend(node[key] for key in reversed(_NESTED) if key in node)


def _offers(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The product's offers, flattened (an AggregateOffer without lowPrice yields its offers)."""
    out: list[dict[str, Any]] = []
    for offer in _listify(node.get("offers")):
        if not isinstance(offer, dict):
            continue
        inner = offer.get("offers")
        if "aggregateoffer" in _types(offer) and offer.get("lowPrice") is None and inner:
            out.extend(o for o in _listify(inner) if isinstance(o, dict))
        else:
            out.append(offer)
    return out


def _price(offer: dict[str, Any], key: str = "price") -> Price:
    """The offer's ``key`` (``price``, ``lowPrice``, ``highPrice``; ``price`` also from its
    ``priceSpecification``); zero means "call for price": no amount."""
    value = offer.get(key)
    if value is None and key == "price":
        spec = offer.get("priceSpecification")
        spec = spec[0] if isinstance(spec, list) and spec else spec
        value = spec.get("price") if isinstance(spec, dict) else None
    read = read_price(value)
    return Price() if read.amount is not None and read.amount <= 0 else read


def _each(offers: list[dict[str, Any]], key: str) -> list[Any]:
    return [o[key] for o in offers if o.get(key)]


def _prices(
    offers: list[dict[str, Any]], forced: str | None
) -> tuple[Decimal | None, Decimal | None, str | None, str | None]:
    """(lowest price, top of the range or None, currency, why a price was unreadable or None)
    over the offers in one currency.

    The currency is ``forced`` (the source's option) or the first offer's ``priceCurrency``;
    offers in another currency are left out rather than mixed into the range, and so are
    out-of-stock offers when some offer is in stock. A price that is there but unreadable
    (``"-5"``, ``"1e3"``) leaves the listing without a price: the range is not known exactly.
    """
    currency = forced or next((_text(c).upper() for c in _each(offers, "priceCurrency")), None)
    same = [o for o in offers if forced or _text(o.get("priceCurrency")).upper() in ("", currency)]
    in_stock = [o for o in same if _term(o.get("availability")) in _IN_STOCK]
    same = in_stock or same  # a sold-out variant's price is no longer an asking price
    reads = [(_price(o), _price(o, "lowPrice"), _price(o, "highPrice")) for o in same]
    error = next((r.error for trio in reads for r in trio if r.error), None)
    if error:
        return None, None, currency, error
    lows = [p for price, low, _ in reads if (p := price.amount or low.amount) is not None]
    highs = [p for price, _, high in reads if (p := high.amount or price.amount) is not None]
    low, high = (min(lows) if lows else None), (max(highs) if highs else None)
    top = high if low is not None and high is not None and high > low else None
    return low, top, currency, None


def _available(terms: list[str]) -> bool | None:
    """In stock if any offer is; out of stock if all are; else (PreOrder, BackOrder...) unknown."""
    if any(t in _IN_STOCK for t in terms):
        return True
    return False if terms and all(t in _OUT_OF_STOCK for t in terms) else None


class JsonLdOptions(SourceOptions):
    currency: Currency | None = None
    follow_next: bool = True


class JsonLd(Source):
    kind = "jsonld"
    options_model = JsonLdOptions

    @property
    def currency(self) -> str | None:
        value = self.options.get("currency")
        return str(value).upper() if value else None

    @property
    def follow_next(self) -> bool:
        return bool(self.options.get("follow_next", True))

    def parse(self, text: str, url: str) -> Page:
        soup = make_soup(text)
        check_blocked(soup, url, text)
        found = [p for doc in json_ld(soup) for p in products(doc)]
        if not found:
            raise ParseError(f"no schema.org Product in JSON-LD on {url}")
        listings: dict[str, RawListing] = {}  # the same product twice (two plug-ins): keep one
        for index, product in enumerate(found, start=1):
            if (listing := self._listing(product, url, index)) is not None:
                listings.setdefault(listing.listing_id, listing)
        return Page(list(listings.values()), self._next_url(soup, url))

    def _listing(self, node: dict[str, Any], page_url: str, index: int) -> RawListing | None:
        title = _text(node.get("name"))
        if not title:
            return None
        offers = _offers(node)
        price, top, currency, error = _prices(offers, self.currency)
        product_url = link(page_url, node.get("url")) or next(
            (u for o in offers if (u := link(page_url, o.get("url")))), None
        )
        node_id = node.get("@id")
        skus = [node.get("sku"), node.get("productID")] + [o.get("sku") for o in offers]
        listing_id = (
            next((s for s in map(_text, skus) if s), "")
            or product_url
            or (absolute(page_url, node_id) if isinstance(node_id, str) and node_id else "")
            or f"{page_url}#{index}"
        )
        conditions = [
            _term(c) for c in [node.get("itemCondition")] + _each(offers, "itemCondition")
        ]
        brand = _text(node.get("brand"))
        extra = {"brand": brand} if brand else {}
        if error:
            extra["price_error"] = error
        return RawListing(
            listing_id=listing_id,
            url=product_url or page_url,
            title=title,
            price=price,
            currency=currency if price is not None else None,
            available=_available([_term(t) for t in _each(offers, "availability")]),
            condition=next((_CONDITIONS[c] for c in conditions if c in _CONDITIONS), None),
            price_max=top,
            extra=extra,
        )

    def _next_url(self, soup: BeautifulSoup, url: str) -> str | None:
        if not self.follow_next:
            return None
        for tag in soup.select("link[rel~=next][href], a[rel~=next][href]"):
            href = link(url, tag.get("href"))
            if href and href != url:
                return href
        return None
