"""The ``sources`` entries of ``config.yaml``: common keys plus each kind's own keys."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveInt,
    field_validator,
    model_validator,
)

_INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


def parse_schedule(value: str) -> str:
    """Accept an interval ("30m", "6h", "10s", "1d") or a five-field crontab string (UTC)."""
    if _INTERVAL_RE.match(value):
        return value.strip()
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise ValueError(
            f"{value!r} is neither an interval like '30m'/'6h' nor a crontab: {exc}"
        ) from None
    return value


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^/\s]+", value):
        raise ValueError("must be an http(s) URL such as https://shop.example.com")
    return value


class SourceBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
    url: str | None = None
    urls: list[str] = []
    enabled: bool = True
    schedule: str = "6h"
    max_pages: PositiveInt = 20
    min_listings: NonNegativeInt = 1
    delay_s: NonNegativeFloat | None = Field(
        None, description="Overrides http.delay_s for this source"
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        return [_http_url(v) for v in value]

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return parse_schedule(value)

    @model_validator(mode="after")
    def _one_of_url_urls(self) -> SourceBase:
        if (self.url is None) == (not self.urls):
            raise ValueError("give either url or urls (a list), not both and not neither")
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


class CssSelectors(BaseModel):
    """Where a simple shop keeps its listings. A selector may end in ``@attr`` to read an
    attribute (``span.price@content``, ``a.card@href``) instead of the element's text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(description="each listing element")
    title: str = Field(description="inside item")
    price: str = Field(description="inside item")
    url: str | None = Field(None, description="inside item; default: its first link")
    next: str | None = Field(None, description="the next-page link, on the page")
    id: str | None = Field(None, description="an attribute of item holding the listing id")
    condition: str | None = None
    location: str | None = None


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
