"""Any Shopify shop, through the public storefront catalog ``/products.json``.

Shopify serves ``{shop}/products.json?limit=N&page=P`` (N at most 250) without a key. Each product
has one or more variants; a variant is what a buyer orders (often a hashrate bin or a condition),
so each variant is one listing. Prices are decimal strings in the shop's currency, which the JSON
does not state: it comes from the source's ``currency`` option.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from pydantic import Field

from scrapers._config import Currency, SourceOptions
from scrapers._text import as_text
from scrapers.base import Page, ParseError, RawListing, Source, next_page_url
from scrapers.money import read_price

_CONDITIONS = ("new", "used", "refurbished", "refurb", "pre-owned", "for parts")


class ShopifyOptions(SourceOptions):
    currency: Currency = "USD"  # the JSON does not say
    page_size: Annotated[int, Field(ge=1, le=250)] = 250


class Shopify(Source):
    kind = "shopify"
    accepts = "json"
    options_model = ShopifyOptions

    @property
    def page_size(self) -> int:
        return int(self.options.get("page_size", 250))

    @property
    def currency(self) -> str:
        return str(self.options.get("currency", "USD")).upper()

    def start_urls(self) -> list[str]:
        return [self._page_url(1)]

    def _page_url(self, page: int) -> str:
        base = self.url.rstrip("/")
        return f"{base}/products.json?{urlencode({'limit': self.page_size, 'page': page})}"

    def parse(self, text: str, url: str) -> Page:
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError) as exc:  # also: too deep, a 5,000-digit number
            if text.lstrip()[:1] == "<":
                title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
                name = " ".join(title.group(1).split())[:80] if title else "no title"
                raise ParseError(
                    f"expected Shopify products.json, got an HTML page ({name!r}): the shop may "
                    "be password-protected, behind a bot wall, or not a Shopify shop"
                ) from None
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            if isinstance(exc, ValueError) and not isinstance(exc, json.JSONDecodeError):
                why = "a number too long"
            raise ParseError(f"not a Shopify products.json (invalid JSON: {why})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("products"), list):
            raise ParseError("not a Shopify products.json (no 'products' list)")
        shop = self.url.rstrip("/")
        listings = [
            listing
            for product in doc["products"]
            if isinstance(product, dict)
            for listing in self._listings(product, shop)
        ]
        return Page(listings, self._next_url(url, len(doc["products"])))

    def _listings(self, product: dict[str, Any], shop: str) -> list[RawListing]:
        title = " ".join(as_text(product.get("title")).split())
        handle = as_text(product.get("handle"))
        tags = product.get("tags") or []
        if isinstance(tags, str):  # older shops send "a, b, c"
            tags = [t.strip() for t in tags.split(",")]
        if not isinstance(tags, list):
            tags = []
        condition = next((t for t in map(as_text, tags) if t.strip().lower() in _CONDITIONS), None)
        out = []
        variants = product.get("variants")
        for variant in variants if isinstance(variants, list) else []:
            if not isinstance(variant, dict) or not (variant_id := as_text(variant.get("id"))):
                continue
            vtitle = " ".join(as_text(variant.get("title")).split())
            full = title if vtitle in ("", "Default Title") else f"{title} - {vtitle}"
            read = read_price(variant.get("price"))
            price = read.amount
            if price is not None and price <= Decimal(0):  # 0.00 means "call for price"
                price = None
            extra = {k: v for k in ("vendor", "product_type") if (v := as_text(product.get(k)))}
            if read.error:
                extra["price_error"] = read.error
            out.append(
                RawListing(
                    listing_id=variant_id,
                    url=f"{shop}/products/{quote(handle)}?{urlencode({'variant': variant_id})}",
                    title=full,
                    price=price,
                    currency=self.currency if price is not None else None,
                    available=_flag(variant.get("available")),
                    condition=condition,
                    extra=extra,
                )
            )
        return out

    def _next_url(self, url: str, count: int) -> str | None:
        """Shopify pages by ``page=``; a short page is the last one."""
        return next_page_url(url, count, "limit", self.page_size)


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None
