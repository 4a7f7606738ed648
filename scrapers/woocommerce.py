"""Any WooCommerce shop, through the public Store API ``/wp-json/wc/store/v1/products``.

The Store API needs no key: ``{shop}/wp-json/wc/store/v1/products?per_page=N&page=P`` (N at most
100) returns a JSON list of products, one listing each.

Page quirks:

- Prices are integer strings in minor units: ``"449900"`` with ``currency_minor_unit: 2`` is
  4499.00 in ``currency_code``. An empty price (no price set) or ``"0"`` means "ask": no price.
- A variable product (hashrate bins, conditions) is one product with ``price_range``
  (``min_amount``/``max_amount``) when its variations differ in price; ``variations`` holds ids
  (or ``{id, attributes}`` objects on newer versions), not prices, so it is one listing with
  ``price``..``price_max``.
- ``name`` keeps WordPress HTML entities (``&#8211;``, ``&amp;``): unescaped here.
- The condition, when the shop states it, is a category or tag such as "Used Miners" or
  "Refurbished"; the name is kept as the shop wrote it ("New Arrivals" is not a condition).
- Totals are in the X-WP-Total / X-WP-TotalPages headers, which a parser does not see: a page
  with exactly ``per_page`` products has a next page; a shorter one is the last.
- A shop without the Store API (WooCommerce missing or too old, REST API disabled) answers
  ``{"code": "rest_no_route", ...}``; a bot wall answers HTML (Cloudflare "Just a moment...").
"""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import Field

from scrapers._config import SourceOptions
from scrapers._text import as_text
from scrapers._walls import text_sign
from scrapers.base import BlockedError, Page, ParseError, RawListing, Source, next_page_url

_CONDITION = re.compile(
    r"(?<![a-z])(used|new|refurbished|refurb|renewed|pre-?owned|second[- ]?hand|open[- ]box"
    r"|for parts)(?![a-z])",
    re.IGNORECASE,
)
_NOT_CONDITION = re.compile(
    r"new\s+(?:arrivals?|in|releases?|products?|models?)|what'?s\s+new", re.I
)
_PATH = "/wp-json/wc/store/v1/products"
_DIGITS = re.compile(r"[0-9]{1,15}")  # ASCII digits, and no more than a price can have
_PLACES = re.compile(r"[0-9]")
_HTTP = re.compile(r"https?://[^/\s]", re.I)


class WooCommerceOptions(SourceOptions):
    page_size: Annotated[int, Field(ge=1, le=100)] = 100


class WooCommerce(Source):
    kind = "woocommerce"
    accepts = "json"
    options_model = WooCommerceOptions

    @property
    def page_size(self) -> int:
        return max(1, min(int(self.options.get("page_size", 100)), 100))

    def start_urls(self) -> list[str]:
        base = self.url.rstrip("/")
        return [f"{base}{_PATH}?{urlencode({'per_page': self.page_size, 'page': 1})}"]

    def parse(self, text: str, url: str) -> Page:
        doc = _load(text)
        if isinstance(doc, dict) and "code" in doc:
            code, message = as_text(doc.get("code")), " ".join(as_text(doc.get("message")).split())
            message = message[:200]
            hint = (
                ": the shop has no WooCommerce Store API at this URL (not WooCommerce, too old, "
                "or the REST API is disabled)"
                if code == "rest_no_route"
                else ""
            )
            raise ParseError(f"WooCommerce Store API error {code!r} ({message}){hint}")
        if not isinstance(doc, list):
            raise ParseError(
                f"expected WooCommerce Store API JSON (a list of products), got a JSON "
                f"{type(doc).__name__}"
            )
        listings = [self._listing(p) for p in doc if isinstance(p, dict) and as_text(p.get("id"))]
        return Page(listings, self._next_url(url, len(doc)))

    def _listing(self, product: dict[str, Any]) -> RawListing:
        prices = product.get("prices")
        prices = prices if isinstance(prices, dict) else {}
        unit = prices.get("currency_minor_unit", 2)
        span = prices.get("price_range") if isinstance(prices.get("price_range"), dict) else {}
        price = _minor(span.get("min_amount") if span else prices.get("price"), unit)
        top = _minor(span.get("max_amount"), unit) if span else None
        names = [
            html.unescape(as_text(term.get("name")))
            for key in ("categories", "tags")
            for term in _list(product.get(key))
            if isinstance(term, dict)
        ]
        condition = next(
            (n for n in names if _CONDITION.search(n) and not _NOT_CONDITION.search(n)), None
        )
        extra = {k: v for k in ("type", "sku") if (v := as_text(product.get(k)))}
        categories = [
            html.unescape(name)
            for c in _list(product.get("categories"))
            if isinstance(c, dict) and (name := as_text(c.get("name")))
        ]
        if categories:
            extra["categories"] = ", ".join(categories)
        base = self.url.rstrip("/")
        currency = as_text(prices.get("currency_code")).upper() or None
        listing_id = as_text(product["id"])
        permalink = as_text(product.get("permalink")).strip()
        if not _HTTP.match(permalink):  # missing, or a javascript: / data: link
            permalink = f"{base}/?{urlencode({'p': listing_id})}"
        return RawListing(
            listing_id=listing_id,
            url=permalink,
            title=" ".join(html.unescape(as_text(product.get("name"))).split()),
            price=price,
            currency=currency if price is not None else None,
            available=_flag(product.get("is_in_stock")),
            condition=" ".join(condition.split()) if condition else None,
            price_max=top if top is not None and price is not None and top > price else None,
            extra=extra,
        )

    def _next_url(self, url: str, count: int) -> str | None:
        """The Store API pages by ``page=``; a short page is the last one."""
        return next_page_url(url, count, "per_page", self.page_size)


def _load(text: str) -> Any:
    """The JSON body; an HTML page is a bot wall (:class:`BlockedError`) or a wrong URL."""
    body = text.lstrip("\ufeff \t\r\n")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # also: too deep, a 5,000-digit number
        if body[:1] != "<":
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            if isinstance(exc, ValueError) and not isinstance(exc, json.JSONDecodeError):
                why = "a number too long"
            raise ParseError(
                f"expected WooCommerce Store API JSON, got invalid JSON ({why})"
            ) from None
        title = re.search(r"<title[^>]*>(.*?)</title>", body, re.I | re.S)
        name = " ".join(html.unescape(title.group(1)).split())[:80] if title else "no title"
        if (sign := text_sign(body)) is not None:  # HTML is no JSON: a loose sign will do
            raise BlockedError(
                f"{sign.note} challenge page ({name!r}) instead of WooCommerce Store API JSON: "
                "the shop blocks automated clients"
            ) from None
        raise ParseError(
            f"expected WooCommerce Store API JSON, got an HTML page ({name!r}): the URL may "
            "not be a WooCommerce shop, or the Store API is redirected to a page"
        ) from None


def _minor(amount: object, unit: object) -> Decimal | None:
    """``"449900"`` with minor unit 2 -> ``Decimal("4499.00")``; empty or zero -> ``None``."""
    digits = as_text(amount).strip()
    if not _DIGITS.fullmatch(digits) or int(digits) == 0:  # str.isdigit() also takes "²"
        return None
    places = int(as_text(unit)) if _PLACES.fullmatch(as_text(unit)) else 2
    return Decimal(int(digits)).scaleb(-places)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None
