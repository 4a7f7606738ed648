"""Title rules learnt from the twenty-first blind set (issue 13), each written for its whole class
of seller text: a lowercase Cyrillic "т" before a T-series number ("асик т21"), a count before a
PSU's model code ("10x APW12 ... for all"), a size after a lot word ("kit 6 inch"), the site's
power distribution (breaker panels, fuse boxes) as a non-miner like a PDU, and condition words
("新" on its own, Indonesian "second normal", "б.у" without its last dot). The titles are
invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    ("title", "model", "ths"),
    [
        ("продам т19 84т б/у", "Antminer T19", 84.0),
        ("асик т21 186т москва", "Antminer T21", 186.0),
        ("майнер т9+ 10т рабочий", "Antminer T9+", 10.0),
    ],
)
def test_cyrillic_t_before_a_t_series_number_is_antminer_t(
    title: str, model: str, ths: float
) -> None:
    got = normalise(title)
    assert (got.kind, got.model, got.hashrate_ths) == ("miner", model, ths)


def test_cyrillic_t_before_another_number_stays_cyrillic() -> None:
    assert normalise("асик т210").model is None


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("8x APW12 power supplies, price for all", 8),
        ("5x APW3++ psu bundle total", 5),
    ],
)
def test_a_count_before_a_psu_code_is_a_lot(title: str, quantity: int) -> None:
    got = normalise(title)
    assert (got.kind, got.quantity) == ("part", quantity)


@pytest.mark.parametrize(
    "title", ["exhaust duct kit 8 inch for Whatsminer", 'air filter kit 12" for antminer S19']
)
def test_a_size_after_a_lot_word_is_not_a_count(title: str) -> None:
    assert normalise(title).quantity == 1


@pytest.mark.parametrize(
    "title",
    [
        "breaker panel 400A for a mining farm",
        "distribution box for Antminer S19 farm",
        "Sicherungskasten mit Sicherungen für S19",
        "электрощит с автоматами для S19",
        "配电箱 S19 专用",
    ],
)
def test_power_distribution_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    ("title", "condition"),
    [
        ("Whatsminer M50 118T 新 现货", "new"),
        ("Antminer S19k Pro 120T second normal", "used"),
        ("Antminer S19 95T second ori mulus", "used"),
        ("Whatsminer M30S 88Т б.у", "used"),
    ],
)
def test_condition_words(title: str, condition: str) -> None:
    assert normalise(title).condition == condition


def test_new_inside_a_word_is_not_new() -> None:
    assert normalise("Antminer S21 200T 新款 现货").condition == "unknown"
