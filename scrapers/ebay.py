"""eBay search results pages (``/sch/i.html?_nkw=...``), active or sold (``LH_Sold=1``).

Page quirks handled here:

- Two layouts: the legacy ``li.s-item`` list (until ~mid 2025) and the 2025 ``li.s-card`` cards.
  The s-card facts are untyped ``div.s-card__attribute-row``s, so both layouts are read the same
  way: small text rows classified by wording ("+$45.00 shipping", "Free delivery", "from China",
  "Located in United States", "or Best Offer", "Sold  Jun 1, 2024", "3 bids").
- The first legacy item is a hidden "Shop on eBay" placeholder with the fake item id 123456:
  cards without a real (9+ digit) item id are skipped.
- After ``li.srp-river-answer--REWRITE_START`` ("Results matching fewer words") the items do not
  match the query: parsing stops there and no next page is returned.
- Item links carry tracking queries (``hash=``, ``_skw=``, ``amdata=``): the URL is rebuilt as
  ``<scheme>://<host>/itm/<id>`` on the link's host.
- Prices may be ranges ("$1.00 to $3.00"); on sold pages a struck-through price next to
  "Best offer accepted" is the asking price, not the sale price (``extra["best_offer_accepted"]``).
- A bare "$" means USD (ebay.com); other eBay sites write "C $", "AU $", "US $", "£", "EUR".
- The bot wall ("Pardon Our Interruption...", served by ``splashui``) is an HTTP 200 page with no
  results: it raises :class:`BlockedError`, never "0 results". Its signs are eBay's entries in
  :mod:`scrapers._walls`. "No exact matches found" is empty.
- Sellers are not read (``seller`` is always None): the cards mix shop names with feedback data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag
from bs4.filter import SoupStrainer
from lxml import etree  # type: ignore[import-untyped]
from pydantic import Field

from scrapers._config import Currency, SourceOptions
from scrapers._html import make_soup
from scrapers._text import page_text
from scrapers._walls import text_sign, title_sign
from scrapers.base import (
    BlockedError,
    Page,
    ParseError,
    RawListing,
    Source,
    absolute,
)
from scrapers.money import find_currency, parse_decimal, read_price

_KEEP = re.compile(
    r"(?:^|\s)(?:s-item|s-card|srp-river-answer|srp-results|pagination__next"
    r"|srp-controls__count-heading|srp-save-null-search__heading)(?:\s|$)"
)
_ITEM = re.compile(r"(?:^|\s)s-(?:item|card)(?:\s|$)")
_ITEM_ID = re.compile(r"/itm/(?:[^/?#]+/)?(\d{9,})(?:[/?#]|$)")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_NEXT_TAG = re.compile(
    r"<(?:link|a)\b[^>]*(?:\brel=[\"']?next\b|aria-label=[\"']Go to next search page)[^>]*>", re.I
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_SOLD_US = re.compile(r"^Sold\s+([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})")
_SOLD_UK = re.compile(r"^Sold\s+(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})")
_SHIP = re.compile(r"\b(?:shipping|delivery|postage)\b", re.I)
_PLACE = re.compile(r"^(?:from|Located in:?)\s+(.+)$", re.I)
_BIDS = re.compile(r"^(\d+)\s+bids?\b", re.I)


# -- the fast path: only the result list, only the elements the fields come from ----------------
_RESULTS_UL = re.compile(r"<ul\b[^>]*\bclass=[\"'][^\"']*\bsrp-results\b", re.I)
_UL_TAG = re.compile(r"<(/?)ul\b", re.I)
_PAGINATION_NEXT = re.compile(
    r"<(?:a|button|link)\b[^>]*\bclass=[\"'][^\"']*\bpagination__next\b[^>]*>", re.I
)
# whole class names: a card's li, the rows its facts are read from, the elements fields come from
_CARD_LI = frozenset(("s-item", "s-card"))
_ROW = frozenset(
    f"{p}__{f}" for p in ("s-item", "s-card") for f in ("detail", "caption", "title--tagblock")
) | {"s-item__location", "s-item__shipping", "s-card__attribute-row"}
_FIELD = (
    frozenset(
        f"{p}__{f}"
        for p in ("s-item", "s-card")
        for f in ("title", "price", "subtitle", "detail", "caption", "title--tagblock")
    )
    | _ROW
    | {"SECONDARY_INFO", "srp-river-answer"}
)


def _pagination_next(text: str) -> re.Match[str] | None:
    """The first ``<a|button|link ... class="... pagination__next ...">`` tag. The pattern is tried
    only at the tags around the class name (a search of the whole page costs ~2 ms); the name is
    matched as written, as a class is (the tag and attribute names in any case)."""
    at = text.find("pagination__next")
    while at >= 0:
        start = text.rfind("<", 0, at)
        tag = _PAGINATION_NEXT.match(text, start) if start >= 0 else None
        if tag is not None and tag.end() > at:
            return tag
        at = text.find("pagination__next", at + 1)
    return None


def _results_html(text: str) -> str | None:
    """The ``<ul class="srp-results ...">...</ul>`` element's source, found by counting ``<ul``."""
    start = _RESULTS_UL.search(text)
    if start is None:
        return None
    depth = 0
    for tag in _UL_TAG.finditer(text, start.start()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return text[start.start() : text.find(">", tag.end()) + 1]
    return text[start.start() :]


_NO_TEXT = frozenset(("script", "style", "template", "rt", "rp"))  # bs4's get_text skips these


def _card_elements(root: Any) -> tuple[list[dict[str, str]], list[list[Any]], bool]:
    """The result list's cards, read from its lxml tree: each card's ``li`` attributes, the
    elements its fields come from (outside each other, in document order), and whether
    "Results matching fewer words" cut the list.

    An element is kept when it has a field's class, or it is the card's first ``/itm/`` link; a
    kept element is not looked into (its fields are read from it as a whole). A card's ``li`` is
    never kept, but seeing it start tells which card the following kept elements belong to.
    """
    cards: list[dict[str, str]] = []
    groups: list[list[Any]] = []
    cut = False
    link_of = -1  # the card whose first /itm/ link is kept already

    def visit(parent: Any) -> None:
        nonlocal cut, link_of
        for el in parent:
            tag = el.tag
            if not isinstance(tag, str):  # a comment or a processing instruction
                continue
            classes = (el.get("class") or "").split()
            if tag == "li":
                if "srp-river-answer--REWRITE_START" in classes:
                    cut = True
                    return
                if not _CARD_LI.isdisjoint(classes):
                    # the two attributes read (a mangled attribute name breaks lxml's dict view)
                    cards.append({a: el.get(a) or "" for a in ("class", "data-listingid")})
                    groups.append([])
                    visit(el)
                    if cut:
                        return
                    continue
            if cards:
                keep = not _FIELD.isdisjoint(classes)
                card = len(cards) - 1
                if (keep or link_of != card) and tag == "a" and "/itm/" in (el.get("href") or ""):
                    keep = True
                    link_of = card
                if keep:
                    groups[-1].append(el)
                    continue
            visit(el)
            if cut:
                return

    visit(root)
    return cards, groups, cut


def _el_text(el: Any, junk: set[Any] | None = None) -> str:
    """:func:`_text` of an lxml element: its strings joined by spaces, whitespace collapsed,
    leaving out the ``junk`` elements (not their tails), comments and script-like elements."""
    parts: list[str] = []

    def add(e: Any) -> None:
        if e.text and e.tag not in _NO_TEXT:
            parts.append(e.text)
        for child in e:
            tag = child.tag
            if isinstance(tag, str) and tag not in _NO_TEXT and not (junk and child in junk):
                add(child)
            if child.tail:
                parts.append(child.tail)

    if el is not None and el.tag not in _NO_TEXT:
        add(el)
    return " ".join(" ".join(parts).split())


def _text(node: Tag | None) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""


def _item_href(url: str, link: str | None) -> str:
    """The card link's href made absolute; the page's URL when there is none or it is not http(s)
    (``javascript:/itm/...``, a malformed host): the id must then come from the card."""
    if link is not None and link.startswith(("https://", "http://")):
        href = link  # absolute already (eBay's are): urljoin gives the same scheme, host and path
    else:
        href = absolute(url, link) if link is not None else ""
    try:
        parts = urlsplit(href)
    except ValueError:  # a malformed host ("http://[x/itm/1")
        return url
    return href if parts.scheme in ("http", "https") and parts.netloc else url


def _sold_date(text: str) -> str | None:
    if m := _SOLD_US.match(text):
        month, day, year = m.group(1), m.group(2), m.group(3)
    elif m := _SOLD_UK.match(text):
        day, month, year = m.group(1), m.group(2), m.group(3)
    else:
        return None
    num = _MONTHS.get(month[:3].lower())
    return f"{year}-{num:02d}-{int(day):02d}" if num else None


class EbayOptions(SourceOptions):
    sold: bool | None = Field(None, description="sold/completed search; default: from the URL")
    currency: Currency | None = None


class Ebay(Source):
    kind = "ebay"
    options_model = EbayOptions

    @cached_property  # per source, not per card
    def sold_search(self) -> bool:
        sold = self.options.get("sold")
        if sold is not None:
            return bool(sold)
        return parse_qs(urlsplit(self.url).query).get("LH_Sold", [""])[-1] == "1"

    def parse(self, text: str, url: str) -> Page:
        # lone surrogates: lxml takes them as they are (the listing fields drop them), bs4 does
        # not: only what bs4 parses goes through page_text (a scan of the page costs ~1.5 ms)
        title_match = _TITLE.search(text)
        title = " ".join(title_match.group(1).split()) if title_match else ""
        if title_sign(title, site="ebay") is not None:
            raise BlockedError(
                f"eBay bot wall ({title[:60]!r}): the request was blocked, not 0 results"
            )
        fast = self._parse_fast(text, url)
        if fast is not None:
            return fast
        soup = make_soup(text, parse_only=SoupStrainer(class_=_KEEP))
        listings: list[RawListing] = []
        cut = found = False
        scope = soup.find(class_="srp-results") or soup  # not carousels elsewhere on the page
        for node in scope.find_all("li", class_=re.compile(r"s-item|s-card|srp-river-answer")):
            if node.decomposed:  # it was inside a title's junk that an earlier card removed
                continue
            classes: str | list[str] = node.get("class") or []
            if "srp-river-answer--REWRITE_START" in classes:
                cut = True
                break
            if _ITEM.search(" ".join(classes)) and not node.find_parent("li"):
                found = True
                if (listing := self._listing(node, url)) is not None:
                    listings.append(listing)
        if found and listings:
            return Page(listings, None if cut else self._next_url(soup, text, url))
        if self._is_empty(soup):
            return Page([])
        if found:  # only placeholder cards
            return Page([], None if cut else self._next_url(soup, text, url))
        if text_sign(text, site="ebay") is not None:
            raise BlockedError(
                f"eBay bot wall or captcha ({title[:60]!r}): the request was blocked, not 0 results"
            )
        raise ParseError("no eBay result list found: layout changed?")

    def _parse_fast(self, text: str, url: str) -> Page | None:
        """The result list parsed alone with lxml (bs4's own parser, without building bs4's tree
        of the whole list), read from the elements the fields come from; None when it yields no
        listing (empty results, bot wall, layout change): the full parse decides."""
        results = _results_html(text)
        if results is None:
            return None
        root = etree.fromstring(results, etree.HTMLParser())
        if root is None:
            return None
        cards, groups, cut = _card_elements(root)
        listings = [
            listing
            for attrs, tags in zip(cards, groups, strict=True)
            if (listing := self._listing_of(attrs, tags, url)) is not None
        ]
        if not listings:
            return None
        return Page(listings, None if cut else self._next_url_fast(text, url))

    def _next_url_fast(self, text: str, url: str) -> str | None:
        tag = _pagination_next(text) or _NEXT_TAG.search(text)
        if tag is None:
            return None
        link = BeautifulSoup(page_text(tag.group(0)), "lxml").find(["a", "link", "button"])
        if not isinstance(link, Tag) or link.name not in ("a", "link"):
            return None
        href = str(link.get("href") or "").strip()
        if link.get("aria-disabled") == "true" or not href or href.startswith(("#", "javascript")):
            return None
        return absolute(url, href)

    def _listing_of(self, attrs: dict[str, str], tags: list[Any], url: str) -> RawListing | None:
        """:meth:`_listing` for a card known by its li's attributes and its kept lxml elements
        (walked once, in document order)."""
        classes = str(attrs.get("class") or "").split()
        legacy = "s-item" in classes
        prefix = "s-item" if legacy else "s-card"
        price_class = f"{prefix}__price"
        title_class = f"{prefix}__title"
        cond_class = "SECONDARY_INFO" if legacy else "s-card__subtitle"
        first: dict[str, Any] = {}  # the first element with each of those three classes
        rows: list[Any] = []
        prices: list[Any] = []
        link: str | None = None
        for top in tags:
            for el in top.iter(etree.Element):  # elements only: no comments, no PIs
                if link is None and el.tag == "a" and "/itm/" in (href := el.get("href") or ""):
                    link = href
                attr = el.get("class")
                if not attr:
                    continue
                cls = attr.split()
                for c in (title_class, price_class, cond_class):
                    if c in cls and c not in first:
                        first[c] = el
                if price_class in cls:
                    prices.append(el)
                if not _ROW.isdisjoint(cls):
                    rows.append(el)
        href = _item_href(url, link)
        match = _ITEM_ID.search(urlsplit(href).path + "/")
        item_id = str(attrs.get("data-listingid") or "") or (match.group(1) if match else "")
        title_node = first.get(title_class)
        junk: set[Any] = set()
        if title_node is not None:
            for el in title_node.iterdescendants():
                cls = (el.get("class") or "").split() if isinstance(el.tag, str) else ()
                if "clipped" in cls or "LIGHT_HIGHLIGHT" in cls:
                    junk.add(el)

        def facts() -> dict[str, Any]:
            holding_price = {p for price in prices for p in price.iterancestors()}
            in_junk = {e for j in junk for e in j.iter()}  # a junk element and what it holds
            texts = [_el_text(r, junk) for r in rows if r not in holding_price and r not in in_junk]
            return self._facts_of(texts)

        return self._card(
            item_id, href, _el_text(title_node, junk), _el_text(first.get(price_class)),
            _el_text(first.get(cond_class)), legacy, facts,
        )  # fmt: skip

    def _card(
        self, item_id: str, href: str, title_text: str, price_text: str,
        condition_text: str, legacy: bool, facts_of: Callable[[], dict[str, Any]],
    ) -> RawListing | None:  # fmt: skip
        """The listing of one result card, from what either parse path found in it; None for a
        card that is not an item (an ad, "Shop on eBay"). ``title_text`` leaves out the title's
        hidden parts ("clipped", "LIGHT_HIGHLIGHT"). ``facts_of`` runs only for items."""
        title = re.sub(r"^New Listing\s*", "", title_text)
        if not re.fullmatch(r"\d{9,}", item_id) or title.lower().startswith("shop on ebay"):
            return None
        parts = urlsplit(href)
        facts = facts_of()
        low, high = (read_price(end) for end in price_text.partition(" to ")[::2])
        error = low.error or high.error  # "$1.00 to $-3": neither end is trusted
        price = None if error else low.amount
        price_max = None if error else high.amount
        currency = None
        if price is not None:
            currency = self.options.get("currency") or find_currency(price_text)
        if legacy:
            condition = condition_text or None
        else:
            condition = condition_text.split("·")[0].strip() or None
        sold_at = facts.pop("sold_at", None)
        if error:
            facts["price_error"] = error
        return RawListing(
            listing_id=item_id,
            url=urlunsplit((parts.scheme, parts.netloc, f"/itm/{item_id}", "", "")),
            title=title,
            price=price,
            currency=str(currency).upper() if currency else None,
            condition=condition,
            location=facts.pop("location", None),
            price_max=price_max,
            shipping=facts.pop("shipping", None),
            best_offer=bool(facts.pop("best_offer", False)),
            sold=self.sold_search or sold_at is not None,
            sold_at=sold_at,
            extra={k: str(v) for k, v in facts.items()},
        )

    @staticmethod
    def _is_empty(soup: BeautifulSoup) -> bool:
        heading = soup.find(class_="srp-save-null-search__heading")
        if heading is not None and "no exact matches" in _text(heading).lower():
            return True
        count = soup.find(class_="srp-controls__count-heading")
        return bool(count) and re.match(r"0\s+results?\b", _text(count)) is not None

    def _next_url(self, soup: BeautifulSoup, text: str, url: str) -> str | None:
        link = soup.find(class_=re.compile(r"(?:^|\s)pagination__next(?:\s|$)"))
        if link is None:
            tag = _NEXT_TAG.search(text)
            one = BeautifulSoup(page_text(tag.group(0)), "lxml") if tag else None
            link = one.find(["a", "link"]) if one is not None else None
        if not isinstance(link, Tag) or link.name not in ("a", "link"):
            return None  # absent, or a disabled <button>
        href = str(link.get("href") or "").strip()
        if link.get("aria-disabled") == "true" or not href or href.startswith(("#", "javascript")):
            return None
        return absolute(url, href)

    def _listing(self, node: Tag, url: str) -> RawListing | None:
        legacy = "s-item" in (node.get("class") or [])
        prefix = "s-item" if legacy else "s-card"
        link = node.find("a", href=re.compile(r"/itm/"))
        href = _item_href(url, str(link.get("href") or "") if link is not None else None)
        match = _ITEM_ID.search(urlsplit(href).path + "/")
        item_id = str(node.get("data-listingid") or "") or (match.group(1) if match else "")
        cond = node.find(class_="SECONDARY_INFO" if legacy else "s-card__subtitle")
        title_node = node.find(class_=f"{prefix}__title")
        for junk in (
            title_node.find_all(class_=["clipped", "LIGHT_HIGHLIGHT"]) if title_node else ()
        ):
            junk.decompose()  # hidden parts of the title ("New listing", a screen reader's words)
        return self._card(
            item_id, href, _text(title_node),
            _text(node.find(class_=f"{prefix}__price")), _text(cond), legacy,
            lambda: self._facts(node, prefix),
        )  # fmt: skip

    @staticmethod
    def _facts(node: Tag, prefix: str) -> dict[str, Any]:
        """Classify the card's small text rows (not its title or price) by their wording."""
        rows = node.select(
            f".{prefix}__detail, .{prefix}__caption, .{prefix}__title--tagblock, "
            f".s-item__location, .s-item__shipping, .s-card__attribute-row"
        )
        price = f"{prefix}__price"
        return Ebay._facts_of([_text(r) for r in rows if r.find(class_=price) is None])

    @staticmethod
    def _facts_of(texts: list[str]) -> dict[str, Any]:
        """Classify a card's row texts by their wording."""
        facts: dict[str, Any] = {}
        for text in texts:
            lower = text.lower()
            if (date := _sold_date(text)) is not None:
                facts.setdefault("sold_at", date)
            elif "best offer" in lower:
                facts["best_offer"] = True
                if "accepted" in lower:
                    facts["best_offer_accepted"] = "true"
            elif _SHIP.search(text) and "shipping" not in facts:
                if re.search(r"\bfree\b", lower):
                    facts["shipping"] = Decimal(0)
                elif text.startswith("+") and (cost := parse_decimal(text[1:])) is not None:
                    facts["shipping"] = cost
            elif m := _PLACE.match(text):
                facts.setdefault("location", m.group(1).strip())
            elif m := _BIDS.match(text):
                facts["bids"] = m.group(1)
        return facts
