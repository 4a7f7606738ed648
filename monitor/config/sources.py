"""The ``sources`` entries of ``config.yaml``: common keys plus each kind's own keys.

The common keys are :class:`SourceBase`. Each kind's own keys live beside its scraper (its
``Source.options_model``, see :mod:`scrapers._config`); the kinds are the ones
:func:`scrapers.discover` finds, looked up when a config is validated, so adding a kind needs
no edit here.

Error messages written here never repeat the offending value: a value in the wrong place may
be a secret (a password pasted into a URL, a token into a name), and errors end up in logs.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any, Literal, Union, cast
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PlainValidator,
    SerializeAsAny,
    TypeAdapter,
    create_model,
    model_validator,
)

import scrapers
from scrapers import STRICT, Currency, key_error

__all__ = [
    "NAME_PATTERN",
    "STRICT",
    "AnySource",
    "Currency",
    "HttpUrl",
    "Schedule",
    "SourceBase",
    "SourceConfig",
    "entry_model",
    "http_url",
    "key_error",
    "parse_schedule",
    "source_kinds",
]

_INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]{0,15}$")


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
    """The keys of every ``sources:`` entry, whatever its kind."""

    model_config = STRICT

    kind: str  # each kind's entry narrows it to its own name
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
        """The kind-specific keys, as the scraper receives them (a kind's options model may
        define its own ``options()``: it comes first in its entry's bases)."""
        common = set(SourceBase.model_fields)
        return {k: v for k, v in self.model_dump().items() if k not in common}


# The order kinds are listed in (error messages, the README). A kind added later needs no
# entry: it is listed after these, by name.
_LISTED = ("ebay", "telegram", "shopify", "woocommerce", "jsonld", "css")


def _kinds() -> list[type[scrapers.Source]]:
    """The scraper class of every kind, in listing order."""
    known = scrapers.discover()
    rank = {kind: i for i, kind in enumerate(_LISTED)}
    return [known[k] for k in sorted(known, key=lambda k: (rank.get(k, len(rank)), k))]


def source_kinds() -> tuple[str, ...]:
    """The names of the source kinds the scrapers define, in listing order."""
    return tuple(source.kind for source in _kinds())


_ENTRIES: dict[type[scrapers.Source], type[SourceBase]] = {}


def entry_model(source: type[scrapers.Source]) -> type[SourceBase]:
    """The model of a ``sources:`` entry of ``source``'s kind: its options model's keys (first
    in its bases, so that its ``options()`` wins), the common keys and ``kind``; named like
    ``ShopifySource``, as pydantic's messages show it."""
    if source not in _ENTRIES:
        # the options model is no SourceBase, but the model made from both is one
        bases = cast("tuple[type[SourceBase], ...]", (source.options_model, SourceBase))
        kind: Any = Literal[source.kind]
        _ENTRIES[source] = create_model(
            f"{source.__name__}Source", __base__=bases, __module__=__name__, kind=(kind, ...)
        )
    return _ENTRIES[source]


@cache
def _union(models: tuple[type[SourceBase], ...]) -> TypeAdapter[SourceBase]:
    union: Any = Annotated[Union[models], Field(discriminator="kind")]  # noqa: UP007
    return TypeAdapter(union)


def _validate_source(value: Any) -> SourceBase:
    """One ``sources:`` entry, validated as its ``kind`` says (against the kinds known now)."""
    return _union(tuple(entry_model(source) for source in _kinds())).validate_python(value)


AnySource = SourceBase  # an entry of any kind, for type checks
SourceConfig = Annotated[SerializeAsAny[SourceBase], PlainValidator(_validate_source)]


def __getattr__(name: str) -> Any:
    """``SOURCE_KINDS`` (for older imports: :func:`source_kinds` also sees kinds added since)
    and the entry models by name, ``EbaySource`` (older imports, pickle). Dunder names are
    never ours: the import system asks for ``__path__`` on every ``from ... import``, and
    answering it by importing every scraper (bs4, lxml) would load them on any config import."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name == "SOURCE_KINDS":
        return source_kinds()
    for source in _kinds():
        if f"{source.__name__}Source" == name:
            return entry_model(source)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
