"""Title rules learnt from the twentieth blind set (issue 13), each written for its whole class
of seller text: a miner-shaped USB stick or novelty as a non-miner, a bare voltage adapter as a
part, a machine's chip count written with a space ("quad chip"), a count in words sold as one
lot, a Chinese capacity in places ("8台位"), the maker's own refurbishing ("官翻") and a "parts
machine". The titles are invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M30S style USB flash drive 64GB",
        "Antminer S19 usb stick 16gb gift",
        "S21 miniature novelty paperweight",
    ],
)
def test_a_miner_shaped_keepsake_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    ["12V adapter for Bitaxe Gamma 1.2TH", "replacement 24 v adapter Avalon Nano 3S 6TH"],
)
def test_a_voltage_adapter_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("NerdQAxe++ quad chip 4.8TH solo miner, new", "NerdQAxe++"),
        ("Bitaxe Hex hex chip 3TH open source miner", "Bitaxe Hex"),
    ],
)
def test_a_chip_count_with_a_space_names_a_miner(title: str, model: str) -> None:
    r = normalise(title)
    assert (r.kind, r.model) == ("miner", model)


@pytest.mark.parametrize(
    ("title", "n"),
    [
        ("Antminer S19 95T used, (6) six sold as one lot", 6),
        ("Whatsminer M50 114T, three in a single bundle", 3),
    ],
)
def test_a_count_in_words_sold_as_one_lot(title: str, n: int) -> None:
    assert normalise(title).quantity == n


@pytest.mark.parametrize("title", ["二手 12台位 液冷机柜 含泵", "6台位 矿机机柜 自提"])
def test_a_chinese_capacity_in_places_is_not_a_lot(title: str) -> None:
    assert normalise(title).quantity == 1


@pytest.mark.parametrize("title", ["神马M50S 126T 官翻 带保", "蚂蚁S21 200T 官翻机 现货"])
def test_the_makers_refurbishing_is_refurbished(title: str) -> None:
    assert normalise(title).condition == "refurbished"


@pytest.mark.parametrize(
    "title", ["Antminer S19j Pro 104T parts unit", "Avalon 1246 90T parts machines x2"]
)
def test_a_parts_machine_is_for_parts(title: str) -> None:
    r = normalise(title)
    assert (r.kind, r.condition) == ("miner", "for_parts")
