"""The shape of ``config.yaml``, validated on load. The only module that knows it.

Relative paths in the file are relative to the file's own folder, so the daemon and the CLI agree
wherever they are started from. Secrets never live in the file: where one is needed, the file
names an environment variable that holds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    ValidationError,
    model_validator,
)

from monitor import __version__
from monitor.notify_config import AlertRuleConfig, DigestConfig, ExportJobConfig
from monitor.source_config import SOURCE_KINDS, AnySource, SourceConfig

DEFAULT_CONTACT = "https://github.com/asicmon/asicmon"


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


class Config(_Strict):
    database: Path = Field(Path("asicmon.db"), description="SQLite file")
    catalog: Path | None = Field(None, description="Model catalog; default: the bundled one")
    http: HttpConfig = HttpConfig()
    events: list[Path] = Field([], description="Extra event files (YAML or CSV) beside the bundled")
    sources: list[SourceConfig] = []
    alerts: list[AlertRuleConfig] = []
    digest: DigestConfig | None = None
    exports: list[ExportJobConfig] = []

    @model_validator(mode="after")
    def _unique_alert_names(self) -> Config:
        names = [a.name for a in self.alerts]
        if len(names) != len(set(names)):
            raise ValueError("alert rule names must be unique")
        return self

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        seen: set[str] = set()
        for src in self.sources:
            if src.name in seen:
                raise ValueError(f"source name {src.name!r} is used twice")
            seen.add(src.name)
        return self

    def source(self, name: str) -> AnySource:
        for src in self.sources:
            if src.name == name:
                return src
        known = ", ".join(s.name for s in self.sources) or "none"
        raise KeyError(f"no source named {name!r} in config (known: {known})")

    def resolve(self, base: Path) -> Config:
        """Make relative paths relative to ``base`` (the config file's folder)."""
        update: dict[str, Any] = {
            "database": base / self.database,
            "events": [base / p for p in self.events],
            "exports": [e.model_copy(update={"path": str(base / e.path)}) for e in self.exports],
        }
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
