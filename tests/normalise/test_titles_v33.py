"""Title rules learnt from the thirty-third blind set (issue 13), each written for its whole
class of seller text: an empty carton or box with a few words between it and "empty" ("Original
carton for Whatsminer M50S, empty") is packaging, not the miner it names; a kit turning a miner
into a space heater is heat reuse (other), not a cooling part; and a unit that ran in a
warehouse, workshop, cellar or data centre is used, as one that ran in a garage. The titles are
invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Factory carton for Antminer S21 Pro, empty",
        "Box for Avalon A1566 - empty, foam inserts kept",
        "Karton für Antminer S19k Pro, leer",
    ],
)
def test_an_empty_carton_naming_a_model_is_packaging(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("other", None)


def test_a_box_that_is_not_empty_is_the_miner() -> None:
    assert normalise("Antminer S19 95T in original box, not empty, miner inside").kind == "miner"


@pytest.mark.parametrize(
    "title",
    ["Heater conversion kit for Antminer S19", "Antminer S21 space heater conversion kit"],
)
def test_a_space_heater_conversion_kit_is_heat_reuse(title: str) -> None:
    assert normalise(title).kind == "other"


def test_a_hydro_conversion_kit_stays_a_part() -> None:
    assert normalise("Hydro conversion kit for Antminer S19").kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19j Pro 104T, ran in our warehouse until October",
        "Whatsminer M30S++ 106T ran in a data center, pulled last month",
        "Antminer T21 190T, ran it in the workshop over winter",
    ],
)
def test_a_unit_that_ran_somewhere_is_used(title: str) -> None:
    assert normalise(title).condition == "used"
