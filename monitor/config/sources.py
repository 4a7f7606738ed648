"""The ``sources`` entries of ``config.yaml``: common keys plus each kind's own keys.

Error messages written here never repeat the offending value: a value in the wrong place may
be a secret (a password pasted into a URL, a token into a name), and errors end up in logs.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic_core import PydanticCustomError

_INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]{0,15}$")
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def key_error(key: str, message: str) -> PydanticCustomError:
    """An error a model validator raises about one of its keys: shown as ``<model>.<key>``."""
    return PydanticCustomError("config_key", "{message}", {"key": key, "message": message})


def parse_schedule(value: str) -> str:
    """Accept an interval ("30m", "6h", "10s", "1d") or a five-field crontab string (UTC)."""
    if m := _INTERVAL_RE.match(value):
        if int(m.group(1)) == 0:
            raise ValueError("an interval must be longer than 0")
        return value.strip()
    fields = value.split()
    if len(fields) != 5:
        raise ValueError(
            f"neither an interval like '30m', '6h', '1d' nor a crontab: a crontab has 5 fields "
            f"(minute hour day month weekday, UTC), this has {len(fields)}"
        )
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError:
        raise ValueError(
            "not a valid crontab: a field is out of range or not understood (minute 0-59, "
            "hour 0-23, day 1-31, month 1-12 or jan-dec, weekday 0-6 or mon-sun)"
        ) from None
    return value


def http_url(value: str) -> str:
    """An absolute http(s) URL with a host and no credentials in it."""
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValueError("not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        got = f" (this one is {scheme}:)" if _SCHEME_RE.match(scheme) else ""
        raise ValueError(f"must be an http(s) URL such as https://shop.example.com{got}")
    if "@" in parts.netloc:
        raise ValueError(
            "must not hold a user name or password (user:pass@host): credentials never go "
            "in the config file"
        )
    if not parts.hostname:
        raise ValueError("has no host name; write it like https://shop.example.com")
    if any(c.isspace() for c in value):
        raise ValueError("contains white space; encode spaces as %20")
    return value


HttpUrl = Annotated[str, AfterValidator(http_url)]
Schedule = Annotated[str, AfterValidator(parse_schedule)]
NAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


class SourceBase(BaseModel):
    model_config = STRICT

    name: Annotated[str, Field(pattern=NAME_PATTERN, max_length=64)]
    url: HttpUrl | None = None
    urls: list[HttpUrl] = []
    enabled: bool = True
    schedule: Schedule = "6h"
    max_pages: Annotated[int, Field(ge=1, le=10_000)] = 20
    min_listings: Annotated[int, Field(ge=0, le=1_000_000)] = 1
    delay_s: Annotated[float, Field(ge=0, le=3600)] | None = Field(
        None, description="Overrides http.delay_s for this source"
    )

    @model_validator(mode="after")
    def _one_of_url_urls(self) -> SourceBase:
        if self.url is None and not self.urls:
            raise key_error("url", "missing: give url (one start page) or urls (a list)")
        if self.url is not None and self.urls:
            raise key_error("urls", "give either url or urls (a list), not both")
        return self

    def start_urls(self) -> list[str]:
        return [self.url] if self.url else list(self.urls)

    def options(self) -> dict[str, Any]:
        """The kind-specific keys, as the scraper receives them."""
        common = set(SourceBase.model_fields) | {"kind"}
        return {k: v for k, v in self.model_dump().items() if k not in common}


class ShopifySource(SourceBase):
    kind: Literal["shopify"]
    currency: Currency = "USD"
    page_size: Annotated[int, Field(ge=1, le=250)] = 250


class WooCommerceSource(SourceBase):
    kind: Literal["woocommerce"]
    page_size: Annotated[int, Field(ge=1, le=100)] = 100


class EbaySource(SourceBase):
    kind: Literal["ebay"]
    sold: bool | None = Field(None, description="sold/completed search; default: from the URL")
    currency: Currency | None = None


class TelegramSource(SourceBase):
    kind: Literal["telegram"]


class JsonLdSource(SourceBase):
    kind: Literal["jsonld"]
    currency: Currency | None = None
    follow_next: bool = True


Selector = Annotated[str, Field(min_length=1, max_length=500)]


class CssSelectors(BaseModel):
    """Where a simple shop keeps its listings. A selector may end in ``@attr`` to read an
    attribute (``span.price@content``, ``a.card@href``) instead of the element's text."""

    model_config = STRICT

    item: Selector = Field(description="each listing element")
    title: Selector = Field(description="inside item")
    price: Selector = Field(description="inside item")
    url: Selector | None = Field(None, description="inside item; default: its first link")
    next: Selector | None = Field(None, description="the next-page link, on the page")
    id: Selector | None = Field(None, description="an attribute of item holding the listing id")
    condition: Selector | None = None
    location: Selector | None = None


class CssSource(SourceBase):
    kind: Literal["css"]
    selectors: CssSelectors
    currency: Currency | None = None

    def options(self) -> dict[str, Any]:
        return {**self.selectors.model_dump(), "currency": self.currency}


AnySource = (
    ShopifySource | WooCommerceSource | EbaySource | TelegramSource | JsonLdSource | CssSource
)
SourceConfig = Annotated[AnySource, Field(discriminator="kind")]
SOURCE_KINDS = ("ebay", "telegram", "shopify", "woocommerce", "jsonld", "css")
