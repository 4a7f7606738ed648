"""The bundled event catalog validates; user files add to it; bad files fail with a clear error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from monitor.analysis.events import (
    KINDS,
    EventError,
    bundled_events_path,
    load_events,
    read_event_file,
)

CSV_HEADER = (
    "id,date,date_precision,end_date,jurisdiction,kind,description,expected_direction,"
    "direction_note,scope,confidence,sources,notes\n"
)
GOOD = """\
version: 1
events:
  - id: "ZZ-2026-01"
    date: "2026-03-02"
    jurisdiction: "ZZ"
    kind: "ban"
    title: "A test ban"
    description: "A made-up event for the tests"
    expected_direction: "down"
    scope: "local"
    confidence: "low"
    sources: ["https://example.org/a"]
"""


def bundled_entries() -> list[dict[str, object]]:
    raw = yaml.safe_load(bundled_events_path().read_text(encoding="utf-8"))
    return list(raw["events"])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_catalog_validates() -> None:
    frame = load_events()
    assert len(frame) == len(bundled_entries())  # every entry of the file, none lost
    assert frame["id"].is_unique
    assert list(frame.columns[:11]) == [
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
    ]
    assert frame["date"].dtype == "datetime64[ns]"
    assert frame["end_date"].dtype == "datetime64[ns]"
    assert frame["date"].min() == pd.Timestamp("2017-09-04")
    assert frame["date"].max() == pd.Timestamp("2026-02-06")
    assert frame["date"].is_monotonic_increasing
    assert set(frame["kind"]) <= set(KINDS)
    assert frame["title"].str.len().max() <= 90
    assert all(src and all(u.startswith("http") for u in src) for src in frame["sources"])
    assert (frame["end_date"].dropna() >= frame.loc[frame["end_date"].notna(), "date"]).all()
    china = frame.set_index("id").loc["CN-2021-04"]
    assert china["date"] == pd.Timestamp("2021-05-21")
    assert china["jurisdiction"] == "CN"
    assert china["confidence"] == "high"


def test_bundled_file_quotes_its_dates() -> None:
    text = bundled_events_path().read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    assert raw["version"] == 1
    assert all(isinstance(e["date"], str) for e in raw["events"])  # quoted, not YAML dates
    assert all(e["jurisdiction"] != "false" for e in raw["events"])
    assert any(e["jurisdiction"] == "NO" for e in raw["events"])  # Norway stays a string


def test_user_yaml_file_adds_events(tmp_path: Path) -> None:
    extra = write(tmp_path, "mine.yaml", GOOD)
    frame = load_events([extra])
    assert len(frame) == len(bundled_entries()) + 1
    row = frame.set_index("id").loc["ZZ-2026-01"]
    assert row["date"] == pd.Timestamp("2026-03-02")
    assert pd.isna(row["end_date"])
    assert row["file"] == str(extra)
    assert row["sources"] == ["https://example.org/a"]


def test_user_csv_file_in_events_csv_format(tmp_path: Path) -> None:
    extra = write(
        tmp_path,
        "mine.csv",
        CSV_HEADER
        + "ZZ-2026-02,2026-04-01,month,2026-05-01,ZZ-AB,tariff,"
        + '"New duty on imported miners; applies to used units too",up,,regional,medium,'
        + "https://example.org/a | https://example.org/b,Only month known\n",
    )
    frame = load_events([extra])
    row = frame.set_index("id").loc["ZZ-2026-02"]
    assert row["title"] == "New duty on imported miners"  # derived: the first clause
    assert row["end_date"] == pd.Timestamp("2026-05-01")
    assert row["sources"] == ["https://example.org/a", "https://example.org/b"]
    assert row["notes"] == "Only month known"


def test_bad_date_names_file_and_event(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", GOOD.replace('"2026-03-02"', '"2026-02-30"'))
    with pytest.raises(EventError, match=r"bad\.yaml: event 'ZZ-2026-01' \(entry 1\): date"):
        load_events([bad])


def test_date_in_another_layout_is_refused(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", GOOD.replace('"2026-03-02"', '"02/03/2026"'))
    with pytest.raises(EventError, match="YYYY-MM-DD"):
        read_event_file(bad)


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", GOOD + '    colour: "red"\n')
    with pytest.raises(EventError, match=r"ZZ-2026-01.*colour: Extra inputs are not permitted"):
        load_events([bad])


def test_value_outside_closed_list_is_rejected(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", GOOD.replace('kind: "ban"', 'kind: "bann"'))
    with pytest.raises(EventError, match="kind"):
        load_events([bad])


def test_unquoted_norway_gets_a_hint(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", GOOD.replace('jurisdiction: "ZZ"', "jurisdiction: NO"))
    with pytest.raises(EventError, match="quote the code"):
        load_events([bad])


def test_end_before_start_is_rejected(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", GOOD + '    end_date: "2026-01-01"\n')
    with pytest.raises(EventError, match="before date"):
        load_events([bad])


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    first = write(tmp_path, "one.yaml", GOOD)
    second = write(tmp_path, "two.yaml", GOOD)
    with pytest.raises(EventError, match=r"'ZZ-2026-01' is defined in both .*one\.yaml and .*two"):
        load_events([first, second])


def test_user_file_cannot_reuse_a_bundled_id(tmp_path: Path) -> None:
    clash = write(tmp_path, "clash.yaml", GOOD.replace("ZZ-2026-01", "CN-2021-04"))
    with pytest.raises(EventError, match=r"events\.yaml and .*clash\.yaml"):
        load_events([clash])


def test_duplicate_id_within_a_file(tmp_path: Path) -> None:
    entry = GOOD.split("events:\n", 1)[1]
    bad = write(tmp_path, "bad.yaml", GOOD + entry)
    with pytest.raises(EventError, match="used twice in this file"):
        read_event_file(bad)


def test_file_without_version_or_missing_file(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", GOOD.replace("version: 1\n", ""))
    with pytest.raises(EventError, match="version"):
        load_events([bad])
    with pytest.raises(EventError, match="no such event file"):
        load_events([tmp_path / "missing.yaml"])


def test_event_error_is_a_value_error() -> None:
    assert issubclass(EventError, ValueError)
