"""The shape of ``config.yaml``, validated on load. The only package that reads it; each source
kind's own keys are declared beside its scraper (``scrapers/<kind>.py``) and found from there.

Owns: this module (the file, ``http``, error reports), ``sources`` (the ``sources:`` entries),
``notify`` (``alerts``, ``digest``, ``exports``).
May import: ``scrapers`` (the source kinds and their keys), ``monitor.redact``. No other stage.

Relative paths in the file are relative to the file's own folder, so the daemon and the CLI agree
wherever they are started from. Secrets never live in the file: where one is needed, the file
names an environment variable that holds it.

Every problem is reported as a key path (``sources[1] (name 'shop').delay_s``), what was expected,
and the line in the file. The value found is never repeated: a value in the wrong place may be
a secret, and config errors end up in terminals, CI logs and bug reports.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

import monitor
from monitor.config.notify import (
    AlertRuleConfig,
    DigestConfig,
    ExportJobConfig,
    MarketJobConfig,
)
from monitor.config.sources import (
    NAME_PATTERN,
    STRICT,
    AnySource,
    SourceConfig,
    http_url,
    source_kinds,
)
from monitor.redact import is_secret_name

DEFAULT_CONTACT = "https://github.com/asicmon/asicmon"
# Bounds on what a config file may cost to read. A real one is a few KB, nests 5 levels and holds
# ~10 values per source; PyYAML is pure Python (a 1 MB file of 500,000 values took 23 s and 1 GB)
# and composes recursively (500 levels were a RecursionError).
MAX_CONFIG_MB = 1  # a larger file is refused unread
MAX_VALUES = 50_000  # YAML nodes (scalars, lists, mappings): reading stops at the first past it
MAX_DEPTH = 64  # YAML nesting levels
MAX_ERRORS_SHOWN = 50  # a report shows this many errors, then how many more there are


class ConfigError(Exception):
    """An unreadable or invalid config file; ``errors`` holds ``(key path, message)`` pairs."""

    def __init__(self, path: Path, errors: list[tuple[str, str]]) -> None:
        self.path = path
        self.errors = errors
        super().__init__(self.report())

    def report(self) -> str:
        """``<path>: N error(s)`` and one indented ``key path: message`` line per error, the
        first :data:`MAX_ERRORS_SHOWN` of them, then ``... and M more``."""
        n = len(self.errors)
        lines = [f"{self.path}: invalid config, {n} error{'s' if n != 1 else ''}"]
        shown = self.errors[:MAX_ERRORS_SHOWN]
        lines += [f"  {where}: {msg}" if where else f"  {msg}" for where, msg in shown]
        if n > len(shown):
            lines.append(f"  ... and {n - len(shown)} more")
        return "\n".join(lines)


class _Strict(BaseModel):
    model_config = STRICT


def _contact_url(value: str) -> str:
    if value.lower().startswith("mailto:"):
        if "@" not in value:
            raise ValueError("a mailto: contact needs an address, e.g. mailto:me@example.org")
        return value
    return http_url(value)


class HttpConfig(_Strict):
    """How asicmon fetches: identify, be slow, obey robots.txt."""

    contact_url: Annotated[
        str,
        AfterValidator(_contact_url),
        Field(description="URL (or mailto:) in the User-Agent for site owners"),
    ] = DEFAULT_CONTACT
    user_agent: Annotated[
        str | None,
        Field(min_length=1, max_length=500, description="Full User-Agent; default names asicmon"),
    ] = None
    timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    delay_s: Annotated[
        float, Field(ge=0, le=3600, description="Minimum pause between requests per host")
    ] = 2.0
    jitter_s: Annotated[
        float, Field(ge=0, le=3600, description="Random extra pause, 0..jitter_s")
    ] = 1.0
    obey_robots: bool = True
    max_retries: Annotated[int, Field(ge=0, le=20)] = 3
    max_response_mb: Annotated[float, Field(gt=0, le=1024)] = 20.0
    max_crawl_delay_s: Annotated[
        float, Field(ge=0, le=3600, description="robots.txt Crawl-delay above this is capped")
    ] = 60.0

    def agent(self) -> str:
        return self.user_agent or f"asicmon/{monitor.__version__} (+{self.contact_url})"


def _duplicate(names: list[str], what: str) -> None:
    first: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in first:
            raise PydanticCustomError(
                "duplicate_name",
                "{message}",
                {"index": i, "message": f"the name is already used by {what}[{first[name]}]"},
            )
        first[name] = i


class EconomicsConfig(_Strict):
    """``economics:``: the running assumptions behind fair value and payback
    (``monitor.analysis.economics``); the defaults are stated in the README."""

    power_usd_kwh: Annotated[float, Field(ge=0, le=10, description="power price, USD/kWh")] = 0.06
    pool_fee_pct: Annotated[float, Field(ge=0, lt=100, description="pool fee, %")] = 2.0
    uptime_pct: Annotated[float, Field(gt=0, le=100, description="uptime, %")] = 97.0
    hosting_usd_month: Annotated[
        float | None,
        Field(ge=0, le=1_000_000, description="hosting fee per machine; replaces the power cost"),
    ] = None
    fmv_months: Annotated[
        float, Field(gt=0, le=240, description="payback horizon that defines fair market value")
    ] = 18.0


class Config(_Strict):
    database: Path = Field(Path("asicmon.db"), description="SQLite file")
    catalog: Path | None = Field(None, description="Model catalog; default: the bundled one")
    http: HttpConfig = HttpConfig()
    events: list[Path] = Field([], description="Extra event files (YAML or CSV) beside the bundled")
    sources: list[SourceConfig] = []
    alerts: list[AlertRuleConfig] = []
    digest: DigestConfig | None = None
    exports: list[ExportJobConfig] = []
    market: MarketJobConfig = Field(
        default_factory=MarketJobConfig,
        description="daemon's daily market data refresh (on by default)",
    )
    economics: EconomicsConfig = Field(
        default_factory=EconomicsConfig, description="fair value and payback assumptions"
    )

    @field_validator("market", "economics", mode="before")
    @classmethod
    def _market_defaults(cls, value: Any) -> Any:
        return {} if value is None else value  # `market:` with nothing under it: the defaults

    @field_validator("alerts")
    @classmethod
    def _unique_alert_names(cls, value: list[AlertRuleConfig]) -> list[AlertRuleConfig]:
        _duplicate([a.name for a in value], "alerts")
        return value

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, value: list[AnySource]) -> list[AnySource]:
        _duplicate([s.name for s in value], "sources")
        return value

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


# --- error reports ---------------------------------------------------------------------------

_KEY_RE = re.compile(r"[A-Za-z_][\w-]{0,63}")
_ALERT_NAME_RE = re.compile(r"[\w][\w .:/-]{0,63}")
_SECRET_HINT = (
    "unknown key; secrets never go in this file: put the value in an environment variable and "
    "name that variable with a key ending in _env (e.g. password_env, apprise_urls_env)"
)
_UNKNOWN = "unknown key (not allowed here; check the spelling against the README)"


def _named(item: Any, section: Any) -> str:
    """`` (name 'x')`` for a source or alert whose name is plainly a name, else ''."""
    name = item.get("name") if isinstance(item, dict) else None
    if not isinstance(name, str):
        return ""
    pattern = NAME_PATTERN if section == "sources" else _ALERT_NAME_RE.pattern
    if re.fullmatch(pattern.strip("^$"), name) and len(name) <= 64:
        return f" (name {name!r})"
    return ""


def key_path(loc: tuple[int | str, ...], data: Any) -> str:
    """A pydantic location as the user wrote it: ``sources[1] (name 'shop').delay_s``.

    Names of sources and alert rules come from ``data`` (the parsed file); a key that does not
    look like a key (it may be a pasted secret) is shown as ``<unreadable key>``."""
    out, node = "", data
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if depth == 1:
                out += _named(node, loc[0])
        else:
            shown = part if _KEY_RE.fullmatch(part) else "<unreadable key>"
            out += f".{shown}" if out else shown
            node = node.get(part) if isinstance(node, dict) else None
    return out


def line_of(loc: tuple[int | str, ...], root: yaml.Node | None) -> int | None:
    """The 1-based line in the file of the deepest node of ``loc`` that exists there."""
    node, line = root, None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    if line is None and root is not None and loc:
        line = root.start_mark.line + 1
    return line


def _plain(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    # a tagged union puts the tag in the path (sources.2.shopify.url); users wrote sources.2.url
    parts = list(loc)
    if len(parts) > 2 and parts[0] == "sources" and parts[2] in source_kinds():
        del parts[2]
    return tuple(parts)


def _message(err: Any, loc: tuple[int | str, ...]) -> str:
    kind, msg, last = err["type"], str(err["msg"]), loc[-1] if loc else ""
    if kind == "extra_forbidden":
        key = str(last)
        secret = is_secret_name(key) or "apprise" in key.lower() or "user" in key.lower()
        return _SECRET_HINT if secret else _UNKNOWN
    if kind == "missing":
        return "missing (required)"
    if kind == "union_tag_invalid":
        return f"unknown source kind; one of: {', '.join(source_kinds())}"
    if kind == "union_tag_not_found":
        return f"missing; one of: {', '.join(source_kinds())}"
    if kind == "string_pattern_mismatch" and last == "currency":
        return "must be a three-letter currency code in capitals, such as USD or EUR"
    if kind == "string_pattern_mismatch" and last == "name":
        return "must be lowercase letters, digits, '.', '_' or '-', starting with a letter or digit"
    if kind == "finite_number":
        return "must be a finite number"
    msg = msg.removeprefix("Value error, ")
    return msg.replace("Input should be", "should be")


def validation_errors(
    exc: ValidationError, data: Any = None, root: yaml.Node | None = None
) -> list[tuple[str, str]]:
    """``(key path, message)`` pairs, the message ending in the line when ``root`` is given."""
    out: list[tuple[int, str, str]] = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = _plain(err["loc"])
        ctx = err.get("ctx") or {}
        if err["type"] == "config_key":
            loc = (*loc, ctx["key"])
        elif err["type"] == "duplicate_name":
            loc = (*loc, ctx["index"], "name")
        elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, "kind")
        msg = _message(err, loc)
        line = line_of(loc, root)
        out.append((line or 0, key_path(loc, data), f"{msg} (line {line})" if line else msg))
    return [(where, msg) for _, where, msg in sorted(out, key=lambda e: e[0])]


def parse_config(data: Any, path: Path, root: yaml.Node | None = None) -> Config:
    if data is None:
        raise ConfigError(path, [("", "the file is empty: see config.yaml in the README")])
    if not isinstance(data, dict):
        got = "a list" if isinstance(data, list) else "a single value"
        raise ConfigError(path, [("", f"the top level must be a mapping of keys, not {got}")])
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(path, validation_errors(exc, data, root)) from None


# --- reading the file ------------------------------------------------------------------------


class _TooMuch(yaml.YAMLError):
    """Nesting past :data:`MAX_DEPTH` (PyYAML would recurse until a RecursionError) or more
    than :data:`MAX_VALUES` values; ``what`` says which."""

    def __init__(self, mark: yaml.Mark, what: str) -> None:
        super().__init__(what)
        self.mark = mark
        self.what = what


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping (PyYAML keeps the last
    silently, so a second ``sources:`` would drop the first one's sources), nesting deeper
    than :data:`MAX_DEPTH` levels and more than :data:`MAX_VALUES` values."""

    _depth = 0
    _values = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self._depth += 1
        self._values += 1
        try:
            if self._depth > MAX_DEPTH:
                what = f"nested more than {MAX_DEPTH} levels deep (the most a config file may nest)"
            elif self._values > MAX_VALUES:
                what = f"more than {MAX_VALUES:,} values (the most a config file may hold)"
            else:
                return super().compose_node(parent, index)
            raise _TooMuch(self.peek_event().start_mark, what)  # type: ignore[no-untyped-call]
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if key_node.value in seen:
                shown = repr(key_node.value) if _KEY_RE.fullmatch(key_node.value) else "a key"
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"{shown} is given twice (first on line {seen[key_node.value]})",
                    key_node.start_mark,
                )
            seen[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _yaml_error(exc: yaml.YAMLError, text: str) -> tuple[str, str]:
    """Where and what, without the snippet of the line PyYAML adds (it may hold a secret)."""
    if isinstance(exc, _TooMuch):
        return f"line {exc.mark.line + 1}, column {exc.mark.column + 1}", exc.what
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        return f"line {line}", f"not valid YAML: a control character (code {exc.character:#x})"
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or "not understood"
    if "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and context_mark and mark and context_mark.line != mark.line:
        problem += f" ({context} that starts on line {context_mark.line + 1})"
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return where, f"not valid YAML: {problem}"


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The file's data and its YAML node tree (for line numbers); raise :class:`ConfigError`."""
    limit = MAX_CONFIG_MB * 1024 * 1024
    try:
        with path.open("rb") as file:
            raw = file.read(limit + 1)  # never more: a huge file is refused, not read
    except FileNotFoundError:
        raise ConfigError(path, [("", "file not found (use --config or ASICMON_CONFIG)")]) from None
    except OSError as exc:
        raise ConfigError(path, [("", f"cannot read: {exc.strerror or exc}")]) from None
    if len(raw) > limit:
        msg = f"the file is larger than {MAX_CONFIG_MB} MB, the most a config file may be"
        raise ConfigError(path, [("", msg)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        msg = f"not UTF-8 text (byte {raw[exc.start]:#04x}); save the file as UTF-8"
        raise ConfigError(path, [(f"line {line}", msg)]) from None
    try:
        loader = _Loader(text)  # checks for control characters first
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        raise ConfigError(path, [_yaml_error(exc, text)]) from None
    return data, root


def _missing_files(cfg: Config, root: yaml.Node | None) -> list[tuple[str, str]]:
    """Files the config names that must already exist (the database is created if missing)."""
    named: list[tuple[tuple[int | str, ...], Path]] = [(("events", i), p) for i, p in
                                                       enumerate(cfg.events)]  # fmt: skip
    if cfg.catalog is not None:
        named.insert(0, (("catalog",), cfg.catalog))
    out = []
    for loc, file in named:
        if not file.is_file():
            line = line_of(loc, root)
            msg = f"no such file: {file}" + (f" (line {line})" if line else "")
            out.append((key_path(loc, None), msg))
    return out


def load_config(path: Path) -> Config:
    """Read, validate and resolve ``path``; raise :class:`ConfigError` with every problem."""
    data, root = read_yaml(path)
    cfg = parse_config(data, path, root).resolve(path.parent)
    if missing := _missing_files(cfg, root):
        raise ConfigError(path, missing)
    return cfg
