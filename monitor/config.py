"""The shape of ``config.yaml``, validated on load. The only module that knows it.

Relative paths in the file are relative to the file's own folder, so the daemon and the CLI agree
wherever they are started from. Secrets never live in the file: where one is needed, the file
names an environment variable that holds it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor import __version__

DEFAULT_CONTACT = "https://github.com/asicmon/asicmon"
_INTERVAL_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d)\s*$")


class ConfigError(Exception):
    """An unreadable or invalid config file; ``errors`` holds ``(key path, message)`` pairs."""

    def __init__(self, path: Path, errors: list[tuple[str, str]]) -> None:
        self.path = path
        self.errors = errors
        lines = "\n".join(f"  {where}: {msg}" if where else f"  {msg}" for where, msg in errors)
        super().__init__(f"invalid config {path}:\n{lines}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HttpConfig(_Strict):
    """How asicmon fetches: identify, be slow, obey robots.txt."""

    contact_url: str = Field(DEFAULT_CONTACT, description="URL in the User-Agent for site owners")
    user_agent: str | None = Field(None, description="Full User-Agent; default names asicmon")
    timeout_s: PositiveFloat = 30.0
    delay_s: NonNegativeFloat = Field(2.0, description="Minimum pause between requests per host")
    jitter_s: NonNegativeFloat = Field(1.0, description="Random extra pause, 0..jitter_s")
    obey_robots: bool = True
    max_retries: NonNegativeInt = 3
    max_response_mb: PositiveFloat = 20.0

    def agent(self) -> str:
        return self.user_agent or f"asicmon/{__version__} (+{self.contact_url})"


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


class _SourceBase(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
    url: str
    enabled: bool = True
    schedule: str = "6h"
    max_pages: PositiveInt = 20
    min_listings: NonNegativeInt = 1
    delay_s: NonNegativeFloat | None = Field(
        None, description="Overrides http.delay_s for this source"
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) URL such as https://shop.example.com")
        return value

    @field_validator("schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        return parse_schedule(value)

    def options(self) -> dict[str, Any]:
        """The kind-specific keys, as the scraper receives them."""
        common = set(_SourceBase.model_fields)
        return {k: v for k, v in self.model_dump().items() if k not in common | {"kind"}}


class ShopifySource(_SourceBase):
    kind: Literal["shopify"]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    page_size: Annotated[int, Field(ge=1, le=250)] = 250


SourceConfig = Annotated[ShopifySource, Field(discriminator="kind")]
SOURCE_KINDS = ("shopify",)


class Config(_Strict):
    database: Path = Field(Path("asicmon.db"), description="SQLite file")
    catalog: Path | None = Field(None, description="Model catalog; default: the bundled one")
    http: HttpConfig = HttpConfig()
    sources: list[SourceConfig] = []

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        seen: set[str] = set()
        for src in self.sources:
            if src.name in seen:
                raise ValueError(f"source name {src.name!r} is used twice")
            seen.add(src.name)
        return self

    def source(self, name: str) -> ShopifySource:
        for src in self.sources:
            if src.name == name:
                return src
        known = ", ".join(s.name for s in self.sources) or "none"
        raise KeyError(f"no source named {name!r} in config (known: {known})")

    def resolve(self, base: Path) -> Config:
        """Make relative paths relative to ``base`` (the config file's folder)."""
        update: dict[str, Any] = {"database": base / self.database}
        if self.catalog is not None:
            update["catalog"] = base / self.catalog
        return self.model_copy(update=update)


def _where(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc]
    # a tagged union puts the tag in the path (sources.2.shopify.url); users wrote sources.2.url
    if len(parts) > 2 and parts[0] == "sources" and parts[2] in SOURCE_KINDS:
        del parts[2]
    return ".".join(parts)


def validation_errors(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for err in exc.errors():
        where, msg = _where(err["loc"]), err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not allowed here; check the spelling against the README)"
        elif err["type"] == "union_tag_invalid":
            where = f"{where}.kind"
            kind = err["input"].get("kind")
            msg = f"unknown source kind {kind!r}; known: {', '.join(SOURCE_KINDS)}"
        elif err["type"] == "union_tag_not_found":
            where = f"{where}.kind"
            msg = f"missing; one of: {', '.join(SOURCE_KINDS)}"
        out.append((where, msg))
    return out


def parse_config(data: Any, path: Path) -> Config:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(path, [("", "the top level must be a mapping of keys")])
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, validation_errors(exc)) from None


def load_config(path: Path) -> Config:
    """Read, validate and resolve ``path``; raise :class:`ConfigError` with every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, [("", "file not found (use --config or ASICMON_CONFIG)")]) from None
    except OSError as exc:
        raise ConfigError(path, [("", f"cannot read: {exc.strerror}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(
            path, [(where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]
        ) from None
    return parse_config(data, path).resolve(path.parent)
