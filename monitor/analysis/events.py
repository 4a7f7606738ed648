"""The event catalog (``data/events.yaml``): policy and market-structure events, validated on load.

The bundled catalog is always read; a user may add files of the same shape (YAML with
``version: 1`` and ``events: [...]``) or CSV files in the research ``events.csv`` format (same
columns, ``sources`` joined by ``" | "``, ``title`` optional). Every entry is checked with pydantic:
unknown keys, impossible dates and values outside the closed lists are errors that name the file
and the entry's id. An id used twice, in one file or across files, is an error naming both files.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from monitor import data_path
from monitor.normalise.facts import read_facts

Kind = Literal[
    "ban",
    "ban-announcement",
    "ban-proposal",
    "energy-restriction",
    "energy-curtailment",
    "internet-outage",
    "tax",
    "tariff",
    "tariff-enforcement",
    "import-restriction",
    "regulation",
    "legalization",
    "enforcement",
    "halving",
    "protocol-change",
    "exchange-collapse",
    "lender-collapse",
    "miner-bankruptcy",
    "supply-shock",
    "market-structure",
]
KINDS: tuple[str, ...] = get_args(Kind)
Precision = Literal["day", "day+/-1", "day+/-3", "approx", "month", "planned"]
Direction = Literal["down", "up", "mixed", "neutral"]
Scope = Literal["global", "regional", "local"]
Confidence = Literal["high", "medium", "low"]

# ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision (CN-NM, US-TX, RU-IRK), or GLOBAL;
# several joined by "/" (CN/GLOBAL, RU-BU/RU-ZAB)
_PLACE = r"(?:[A-Z]{2}(?:-[A-Z0-9]{1,3})?|GLOBAL)"
JURISDICTION_RE = rf"^{_PLACE}(?:/{_PLACE})*$"

COLUMNS = [
    "id",
    "date",
    "end_date",
    "jurisdiction",
    "kind",
    "title",
    "description",
    "expected_direction",
    "scope",
    "confidence",
    "sources",
    # beyond the core columns: kept so nothing in the catalog is lost
    "date_precision",
    "direction_note",
    "notes",
    "file",
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class EventError(ValueError):
    """An event file that cannot be read or does not validate; the message names the file."""


class Event(BaseModel):
    """One catalog entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    date: dt.date
    date_precision: Precision = "day"
    end_date: dt.date | None = None
    jurisdiction: Annotated[str, StringConstraints(pattern=JURISDICTION_RE)]
    kind: Kind
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=90)]
    description: Text
    expected_direction: Direction
    direction_note: Text | None = None
    scope: Scope
    confidence: Confidence
    sources: Annotated[
        list[Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]], Field(min_length=1)
    ]
    notes: Text | None = None

    @field_validator("date", "end_date", mode="before")
    @classmethod
    def _iso_day(cls, value: Any) -> Any:
        """Dates are ``YYYY-MM-DD`` (quoted in YAML); another layout (02/03/2026) is refused."""
        if value is None or value == "":
            return None
        if isinstance(value, dt.date):  # an unquoted YAML date; accepted, the day is the same
            return value
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
        return value

    @field_validator("jurisdiction", mode="before")
    @classmethod
    def _not_yaml_boolean(cls, value: Any) -> Any:
        if isinstance(value, bool):  # YAML 1.1 reads an unquoted NO (Norway) as false
            raise ValueError('got a YAML boolean: quote the code, e.g. "NO"')
        return value

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value:
            raise ValueError("title must be a single line")
        return value

    @model_validator(mode="after")
    def _ends_after_start(self) -> Event:
        if self.end_date is not None and self.end_date < self.date:
            raise ValueError(f"end_date {self.end_date} is before date {self.date}")
        return self


class _EventFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1]
    events: list[dict[str, Any]]


def bundled_events_path() -> Path:
    return data_path("events.yaml")


def _title_from(description: str) -> str:
    """A title for a CSV row that has none: the description's first clause, cut to 90 chars."""
    first = re.split(r"[;:]\s", description, maxsplit=1)[0].strip()
    if len(first) <= 90:
        return first
    cut = first[:89].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


def _read_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    entries = []
    for row in rows:
        entry: dict[str, Any] = {
            (k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None
        }
        entry = {k: v for k, v in entry.items() if v != ""}
        if "sources" in entry:
            entry["sources"] = [u.strip() for u in entry["sources"].split(" | ") if u.strip()]
        if "title" not in entry and "description" in entry:
            entry["title"] = _title_from(entry["description"])
        entries.append(entry)
    return entries


def _read_yaml(path: Path) -> list[dict[str, Any]]:
    hint = "expected `version: 1` and an `events:` list"
    return read_facts(path, _EventFile, error=EventError, hint=hint).events


def read_event_file(path: Path) -> list[Event]:
    """Validate one file (YAML, or CSV by its ``.csv`` suffix); ids must be unique within it."""
    if not path.is_file():
        raise EventError(f"{path}: no such event file")
    raw = _read_csv(path) if path.suffix.lower() == ".csv" else _read_yaml(path)
    events: list[Event] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        label = f"entry {i + 1}"
        if isinstance(entry, dict) and entry.get("id"):
            label = f"event {entry['id']!r} ({label})"
        try:
            event = Event.model_validate(entry)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors()
            )
            raise EventError(f"{path}: {label}: {problems}") from None
        if event.id in seen:
            raise EventError(f"{path}: event id {event.id!r} is used twice in this file")
        seen.add(event.id)
        events.append(event)
    return events


def load_events(paths: list[Path] | None = None) -> pd.DataFrame:
    """The bundled catalog plus any user files, one row per event, sorted by date then id.

    Columns: ``id, date, end_date`` (both ``datetime64``; ``end_date`` is NaT when open),
    ``jurisdiction, kind, title, description, expected_direction, scope, confidence, sources``
    (a list of URLs), then ``date_precision, direction_note, notes`` and ``file`` (where the
    event came from). Raises :class:`EventError` (a ``ValueError``) naming the file and entry.
    """
    files = [bundled_events_path(), *(paths or [])]
    owner: dict[str, Path] = {}
    rows: list[dict[str, Any]] = []
    for path in files:
        for event in read_event_file(Path(path)):
            if event.id in owner:
                raise EventError(
                    f"event id {event.id!r} is defined in both {owner[event.id]} and {path}"
                )
            owner[event.id] = Path(path)
            rows.append({**event.model_dump(), "file": str(path)})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("date", "end_date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)
