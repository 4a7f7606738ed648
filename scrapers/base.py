"""The contract between fetching (in ``monitor``) and parsing (here).

A scraper receives the text of one fetched page and its URL and returns a :class:`Page`: the
listings found and the URL of the next page, if any. It never fetches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

from scrapers._config import SourceOptions
from scrapers._text import URL_MAX, clean_line, clean_message, clean_title, clean_url
from scrapers.money import plausible


class ParseError(ValueError):
    """The page is not what the scraper expects (wrong format, broken markup, layout change)."""


class BlockedError(ParseError):
    """The site answered with a bot wall or challenge page instead of content."""


@dataclass(frozen=True, slots=True)
class RawListing:
    """One offer as the marketplace shows it: parsed, not normalised, not converted.

    ``price`` is the (lowest) price in ``currency``; ``price_max`` the top of a price range.
    ``sold`` marks a completed sale (eBay sold search) and ``sold_at`` its date (YYYY-MM-DD).
    ``posted_at`` is when the listing or post was published (ISO 8601, UTC when known).
    ``message`` says ``title`` is a whole multi-offer text (a broker's Telegram post): the
    caller splits it into offers, each with its own price.
    """

    listing_id: str
    url: str
    title: str
    price: Decimal | None
    currency: str | None
    available: bool | None = None
    condition: str | None = None
    location: str | None = None
    quantity: int | None = None
    seller: str | None = None
    price_max: Decimal | None = None
    shipping: Decimal | None = None
    best_offer: bool = False
    sold: bool = False
    sold_at: str | None = None
    posted_at: str | None = None
    message: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _clean_listing(self)  # scraped text is hostile: cleaned here, whoever built the listing


@dataclass(frozen=True, slots=True)
class Page:
    listings: list[RawListing]
    next_url: str | None = None

    def __post_init__(self) -> None:
        if self.next_url is not None:  # only an http(s) URL is a page the crawler can fetch
            url = clean_url(self.next_url)
            object.__setattr__(self, "next_url", url if _HTTP.match(url) else None)


class Source:
    """Base class of every scraper kind.

    Subclasses set ``kind`` and implement :meth:`start_urls` and :meth:`parse`. ``options`` are the
    kind-specific keys of the source's entry in ``config.yaml``, declared by ``options_model``
    and validated there (:mod:`scrapers._config`).
    """

    kind: ClassVar[str]
    accepts: ClassVar[str] = "html"  # what its pages are: "html" or "json"
    options_model: ClassVar[type[SourceOptions]] = SourceOptions  # its own keys in config.yaml
    registry: ClassVar[dict[str, type[Source]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" not in vars(cls):
            return  # shared helper bases stay unregistered
        if cls.kind in Source.registry:
            raise ValueError(f"duplicate source kind {cls.kind!r}")
        Source.registry[cls.kind] = cls

    def __init__(self, url: str, options: dict[str, Any] | None = None) -> None:
        self.url = url
        self.options = dict(options or {})

    def start_urls(self) -> list[str]:
        return [self.url]

    def parse(self, text: str, url: str) -> Page:
        raise NotImplementedError


def _clean_listing(listing: RawListing) -> None:
    """Every text field through :mod:`scrapers._text`; prices that are not a plausible amount
    (negative, NaN, infinite, a trillion or more) become ``None``."""
    put = object.__setattr__  # the dataclass is frozen
    put(listing, "listing_id", clean_line(listing.listing_id, URL_MAX))
    put(listing, "url", clean_url(listing.url))
    put(listing, "title", (clean_message if listing.message else clean_title)(listing.title))
    for name in ("currency", "condition", "location", "seller", "sold_at", "posted_at"):
        value = getattr(listing, name)
        if value is not None:
            put(listing, name, clean_line(value) or None)
    for name in ("price", "price_max", "shipping"):
        value = getattr(listing, name)
        if value is not None and not plausible(value):
            put(listing, name, None)
    if listing.extra:
        put(listing, "extra", {clean_line(k): clean_line(v) for k, v in listing.extra.items()})


_HTTP = re.compile(r"https?://[^/\s]", re.I)


def next_page_url(url: str, count: int, size_param: str, default_size: int) -> str | None:
    """For APIs that page by ``page=``: the next page's URL, or None after a short page."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    size = int(query.get(size_param, default_size))
    if count == 0 or count < size:
        return None
    query["page"] = str(int(query.get("page", "1")) + 1)
    return urlunsplit(parts._replace(query=urlencode(query)))


def absolute(base: str, href: str) -> str:
    """``href`` resolved against ``base``; ``""`` when it is malformed (``http://[x``)."""
    try:
        return urljoin(base, href)
    except ValueError:
        return ""
