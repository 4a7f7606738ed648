"""A simple shop described entirely in ``config.yaml`` by CSS selectors.

Options (strings): ``item`` selects each listing element on the page; ``title``, ``price``,
``condition``, ``location`` and ``url`` are relative to the item; ``next`` is page-wide. A selector
ending in ``@attr`` reads that attribute instead of the text (``"meta[itemprop=price]@content"``);
a bare ``"@attr"`` reads it from the item itself. ``url`` and ``next`` read ``href`` unless told
otherwise. ``id`` names an attribute of the item that holds a stable id (``"data-id"``).
``currency`` (an ISO code) overrides the currency read from the price text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from bs4 import BeautifulSoup, Tag
from pydantic import BaseModel, Field

from scrapers._config import STRICT, Currency, SourceOptions
from scrapers._html import check_blocked, clean, link, make_soup
from scrapers.base import Page, RawListing, Source
from scrapers.money import find_currency, read_price

_ATTR = re.compile(r"^(?P<css>.*?)\s*@(?P<attr>[A-Za-z_][\w:.-]*)\s*$")
_REQUIRED = ("item", "title", "price")
_SELECTORS = ("item", "title", "price", "url", "link", "next", "condition", "location")


@dataclass(frozen=True, slots=True)
class Selector:
    """A CSS selector plus the attribute to read (``None``: the element's text)."""

    css: str  # empty: the item itself
    attr: str | None = None

    @classmethod
    def parse(cls, spec: str, default_attr: str | None = None) -> Selector:
        match = _ATTR.match(spec)
        if match:
            return cls(match["css"].strip(), match["attr"])
        return cls(spec.strip(), default_attr)

    def element(self, root: Tag) -> Tag | None:
        return root.select_one(self.css) if self.css else root

    def value(self, root: Tag) -> str | None:
        """The cleaned text or attribute of the first match; ``None`` when missing or empty."""
        found = self.element(root)
        if found is None:
            return None
        if self.attr is None:
            return clean(found.get_text(" ")) or None
        raw = found.get(self.attr)
        return clean(" ".join(raw) if isinstance(raw, list) else raw) or None


SelectorSpec = Annotated[str, Field(min_length=1, max_length=500)]


class CssSelectors(BaseModel):
    """Where a simple shop keeps its listings. A selector may end in ``@attr`` to read an
    attribute (``span.price@content``, ``a.card@href``) instead of the element's text."""

    model_config = STRICT

    item: SelectorSpec = Field(description="each listing element")
    title: SelectorSpec = Field(description="inside item")
    price: SelectorSpec = Field(description="inside item")
    url: SelectorSpec | None = Field(None, description="inside item; default: its first link")
    next: SelectorSpec | None = Field(None, description="the next-page link, on the page")
    id: SelectorSpec | None = Field(None, description="an attribute of item holding the listing id")
    condition: SelectorSpec | None = None
    location: SelectorSpec | None = None


class CssOptions(SourceOptions):
    selectors: CssSelectors
    currency: Currency | None = None

    def options(self) -> dict[str, Any]:
        """What :class:`Css` takes: the selectors flat, beside ``currency``."""
        return {**self.selectors.model_dump(), "currency": self.currency}


class Css(Source):
    kind = "css"
    options_model = CssOptions

    def __init__(self, url: str, options: dict[str, Any] | None = None) -> None:
        super().__init__(url, options)
        opts = {k: v for k, v in self.options.items() if v is not None}
        for key in _REQUIRED:
            if not isinstance(opts.get(key), str) or not opts[key].strip():
                raise ValueError(f"css source {url}: option {key!r} (a CSS selector) is required")
        probe = BeautifulSoup("<html></html>", "lxml")
        for key in _SELECTORS:
            if key in opts:
                css = Selector.parse(str(opts[key])).css
                try:
                    if css:
                        probe.css.compile(css)
                except Exception as exc:  # soupsieve.SelectorSyntaxError
                    raise ValueError(f"css source {url}: option {key!r}: {exc}") from None
        self.item = str(opts["item"])
        self.title = Selector.parse(opts["title"])
        self.price = Selector.parse(opts["price"])
        # ``url`` is also the source's own key in config.yaml, so ``link`` is accepted too
        href = opts.get("url") or opts.get("link")
        self.href = Selector.parse(href, "href") if href else None
        self.next = Selector.parse(opts["next"], "href") if opts.get("next") else None
        self.id_attr = str(opts["id"]).lstrip("@") if opts.get("id") else None
        self.currency = str(opts["currency"]).upper() if opts.get("currency") else None
        self.extra = {k: Selector.parse(opts[k]) for k in ("condition", "location") if opts.get(k)}

    def parse(self, text: str, url: str) -> Page:
        soup = make_soup(text)
        check_blocked(soup, url, text)
        items = soup.select(self.item)
        if not items:
            return Page([])  # the caller marks a large page without listings as suspect
        listings = [
            listing
            for index, item in enumerate(items, start=1)
            if (listing := self._listing(item, url, index)) is not None
        ]
        return Page(listings, self._next_url(soup, url))

    def _listing(self, item: Tag, page_url: str, index: int) -> RawListing | None:
        title = self.title.value(item)
        if not title:
            return None
        text = self.price.value(item)
        read = read_price(text)
        price, currency = self._money(read.amount, text)
        item_url = self._item_url(item, page_url)
        item_id = clean(str(item.get(self.id_attr) or "")) if self.id_attr else ""
        extra = {k: s.value(item) for k, s in self.extra.items()}
        return RawListing(
            listing_id=item_id or item_url or f"{page_url}#{index}",
            url=item_url or page_url,
            title=title,
            price=price,
            currency=currency,
            condition=extra.get("condition"),
            location=extra.get("location"),
            extra={"price_error": read.error} if read.error else {},
        )

    def _money(self, price: Decimal | None, text: str | None) -> tuple[Decimal | None, str | None]:
        """Price and currency; a missing or zero price ("call for price") is ``None``."""
        if price is None or price <= 0:
            return None, None
        return price, self.currency or find_currency(text or "") or "USD"

    def _item_url(self, item: Tag, page_url: str) -> str | None:
        if self.href is not None:
            return link(page_url, self.href.value(item))
        anchor = item if item.name == "a" and item.get("href") else item.select_one("a[href]")
        return link(page_url, anchor.get("href")) if anchor is not None else None

    def _next_url(self, soup: BeautifulSoup, url: str) -> str | None:
        if self.next is None:
            return None
        found = self.next.element(soup)
        if found is not None and self.next.attr == "href" and not found.get("href"):
            found = found.select_one("a[href]")  # the selector named a wrapper such as li.next
        href = link(url, Selector("", self.next.attr).value(found)) if found is not None else None
        return href if href != url else None
