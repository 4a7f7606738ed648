"""Golden-file tests: each saved page in fixtures/sources/shopify parses to its .expected.json."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

import scrapers
from scrapers.base import ParseError

CASES = sorted((Path(__file__).parent / "fixtures" / "sources" / "shopify").glob("*.input.*"))


def _as_json(listing: object) -> dict:
    out = asdict(listing)  # type: ignore[call-overload]
    out["price"] = None if out["price"] is None else str(out["price"])
    return out


@pytest.mark.parametrize("page", CASES, ids=lambda p: p.name.split(".")[0])
def test_parse_matches_golden(page: Path) -> None:
    want = json.loads(page.with_name(page.name.split(".")[0] + ".expected.json").read_text())
    source = scrapers.get("shopify")(want["shop"], want["options"])
    text = page.read_text(encoding="utf-8")
    if "error" in want:
        with pytest.raises(ParseError) as err:
            source.parse(text, want["url"])
        assert str(err.value) == want["error"]
        return
    got = source.parse(text, want["url"])
    assert [_as_json(x) for x in got.listings] == want["listings"]
    assert got.next_url == want["next_url"]


def test_there_are_golden_cases_for_each_kind() -> None:
    for kind in scrapers.kinds():
        folder = Path(__file__).parent / "fixtures" / "sources" / kind
        assert len(list(folder.glob("*.input.*"))) >= 2, kind


def test_start_url_and_paging_follow_shopify() -> None:
    shop = scrapers.get("shopify")("https://shop.example.com/", {"page_size": 2})
    assert shop.start_urls() == ["https://shop.example.com/products.json?limit=2&page=1"]
    full = json.dumps({"products": [{"id": 1, "variants": []}, {"id": 2, "variants": []}]})
    page = shop.parse(full, "https://shop.example.com/products.json?limit=2&page=1")
    assert page.next_url == "https://shop.example.com/products.json?limit=2&page=2"
    short = json.dumps({"products": [{"id": 3, "variants": []}]})
    assert (
        shop.parse(short, "https://shop.example.com/products.json?limit=2&page=2").next_url is None
    )


def test_json_without_products_is_an_error() -> None:
    shop = scrapers.get("shopify")("https://shop.example.com", {})
    with pytest.raises(ParseError, match="no 'products' list"):
        shop.parse('{"errors": "Not Found"}', "https://shop.example.com/products.json")
