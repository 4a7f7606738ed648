from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import ConfigError, load_config

ROOT = Path(__file__).parent.parent.parent

GOOD = """
database: data/monitor.db
http:
  contact_url: https://example.org/me
  delay_s: 3
sources:
  - name: shop-a
    kind: shopify
    url: https://shop-a.example.com
    currency: EUR
    schedule: "*/30 * * * *"
  - name: shop-b
    kind: shopify
    url: https://shop-b.example.com
    schedule: 6h
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[tuple[str, str]]:
    with pytest.raises(ConfigError) as err:
        load_config(path)
    return err.value.errors


def test_committed_config_is_valid() -> None:
    cfg = load_config(ROOT / "config.yaml")
    assert cfg.database.is_absolute()
    from monitor.config.sources import SOURCE_KINDS

    assert sorted({s.kind for s in cfg.sources}) == sorted(SOURCE_KINDS)  # an example of each
    assert not any(s.enabled for s in cfg.sources)  # nothing is crawled until the user says so


def test_valid_config_and_relative_paths(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD))
    assert cfg.database == tmp_path / "data" / "monitor.db"
    assert [s.name for s in cfg.sources] == ["shop-a", "shop-b"]
    assert cfg.sources[0].options() == {"currency": "EUR", "page_size": 250}
    assert cfg.http.agent().startswith("asicmon/")
    assert "https://example.org/me" in cfg.http.agent()


def test_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    errs = errors_of(write(tmp_path, GOOD + "colour: blue\n"))
    assert errs == [
        (
            "colour",
            "unknown key (not allowed here; check the spelling against the README) (line 16)",
        )
    ]


def test_errors_carry_key_paths(tmp_path: Path) -> None:
    text = (
        GOOD
        + """  - name: shop-c
    kind: shopify
    url: ftp://nope
    max_pages: many
    colour: red
"""
    )
    where = [w for w, _ in errors_of(write(tmp_path, text))]
    assert where == [
        "sources[2] (name 'shop-c').url",
        "sources[2] (name 'shop-c').max_pages",
        "sources[2] (name 'shop-c').colour",
    ]


def test_wrong_type_and_bad_schedule(tmp_path: Path) -> None:
    text = GOOD.replace("delay_s: 3", "delay_s: soon").replace("schedule: 6h", "schedule: often")
    errs = dict(errors_of(write(tmp_path, text)))
    assert "http.delay_s" in errs
    assert "neither an interval" in errs["sources[1] (name 'shop-b').schedule"]


def test_unknown_kind_duplicate_name_and_yaml_syntax(tmp_path: Path) -> None:
    errs = dict(errors_of(write(tmp_path, GOOD.replace("kind: shopify", "kind: amazon", 1))))
    assert "unknown source kind" in errs["sources[0] (name 'shop-a').kind"]
    errs = dict(errors_of(write(tmp_path, GOOD.replace("shop-b", "shop-a"))))
    assert "already used by sources[0]" in errs["sources[1] (name 'shop-a').name"]
    errs = dict(errors_of(write(tmp_path, "sources: [\n")))
    assert any("not valid YAML" in m for m in errs.values())
    assert errors_of(tmp_path / "missing.yaml")[0][1].startswith("file not found")


def test_check_config_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = write(tmp_path, GOOD)
    result = runner.invoke(cli, ["--config", str(good), "check-config"])
    assert result.exit_code == 0, result.output
    assert "valid (2 sources" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD + "colour: blue\n", encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(bad), "check-config"])
    assert result.exit_code == 2
    assert "colour: unknown key" in result.output


def test_config_from_environment(tmp_path: Path) -> None:
    good = write(tmp_path, GOOD)
    result = CliRunner().invoke(cli, ["check-config"], env={"ASICMON_CONFIG": str(good)})
    assert result.exit_code == 0, result.output


def test_a_new_kind_needs_only_its_scraper(tmp_path: Path) -> None:
    """A kind declares its own keys beside its scraper; config.yaml takes it, checks its keys
    with the same messages, and lists it among the kinds, with no edit in monitor.config."""
    from typing import Annotated, Literal

    from pydantic import Field

    from scrapers import Page, Source, SourceOptions

    class ToyOptions(SourceOptions):
        colour: Literal["red", "blue"]
        rows: Annotated[int, Field(ge=1, le=10)] = 3

    class Toy(Source):
        kind = "toy-market"
        options_model = ToyOptions

        def parse(self, text: str, url: str) -> Page:
            return Page([])

    entry = "  - {name: toy, kind: toy-market, url: https://toy.example.com, colour: red}\n"
    try:
        cfg = load_config(write(tmp_path, GOOD + entry))
        toy = cfg.source("toy")
        assert toy.kind == "toy-market"
        assert toy.options() == {"colour": "red", "rows": 3}
        assert toy.start_urls() == ["https://toy.example.com"]
        bad = entry.replace("colour: red", "colour: green, rows: 11, size: 2")
        assert errors_of(write(tmp_path, GOOD + bad)) == [
            ("sources[2] (name 'toy').colour", "should be 'red' or 'blue' (line 16)"),
            ("sources[2] (name 'toy').rows", "should be less than or equal to 10 (line 16)"),
            (
                "sources[2] (name 'toy').size",
                "unknown key (not allowed here; check the spelling against the README) (line 16)",
            ),
        ]
        unknown = dict(errors_of(write(tmp_path, GOOD.replace("kind: shopify", "kind: x", 1))))
        assert unknown["sources[0] (name 'shop-a').kind"].startswith(
            "unknown source kind; one of: ebay, telegram, shopify, woocommerce, jsonld, css, "
            "toy-market (line"
        )
    finally:
        del Source.registry["toy-market"]
    errs = dict(errors_of(write(tmp_path, GOOD + entry)))
    assert "unknown source kind" in errs["sources[2] (name 'toy').kind"]
