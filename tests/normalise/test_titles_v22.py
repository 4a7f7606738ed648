"""Title rules learnt from the twenty-second blind set (issue 13), each written for its whole
class of seller text: a noise-insulating cover ("кожух шумоизоляция", Ukrainian
"шумоізоляційний") as a part, a miners' maintenance service in Portuguese and Spanish as a
non-miner, a bracketed count sold together ("(6) sold together", "(3) juntos", "(2) вместе") as a
lot, a wholesale minimum ("оптом от 3 шт") as an order term, a bare "V9" with a rate that fits
it as that model, and "hashing fine" as used. The titles are invented for these tests (none is a
labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "кожух шумоизоляция для S19j Pro новый",
        "Шумоизоляционный кожух для Whatsminer M30S",
        "шумоізоляційний кожух для L9 Львів",
    ],
)
def test_a_noise_insulating_cover_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


def test_a_miner_with_noise_insulation_stays_a_miner() -> None:
    got = normalise("Antminer S21 200T с шумоизоляцией")
    assert (got.kind, got.model) == ("miner", "Antminer S21")


@pytest.mark.parametrize(
    "title",
    [
        "Serviço de manutenção de mineradoras Antminer S19 Curitiba",
        "Manutenção de mineradoras Whatsminer e Antminer",
        "Servicio de mantenimiento para Antminer L9 Medellín",
        "Mantenimiento de mineros ASIC S21 Lima",
    ],
)
def test_maintenance_of_miners_offered_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("Antminer S21 200TH (4) sold together price for all", 4),
        ("Whatsminer M50S 126T (3) juntos, precio por todos", 3),
        ("Antminer L9 16G (2) вместе Казань", 2),
        ("Antminer S19 95T (5) together pickup only", 5),
    ],
)
def test_a_bracketed_count_sold_together_is_a_lot(title: str, quantity: int) -> None:
    got = normalise(title)
    assert (got.kind, got.quantity) == ("miner", quantity)


def test_a_bracketed_year_sold_together_is_no_count() -> None:
    assert normalise("Antminer S19j Pro 100T (2022) sold together with PSU").quantity == 1


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T б/у оптом от 5 шт",
        "Whatsminer M30S 88T від 4 шт Київ",
    ],
)
def test_a_wholesale_minimum_is_no_lot(title: str) -> None:
    assert normalise(title).quantity == 1


@pytest.mark.parametrize("title", ["v9 4 th/s used heater", "V9 4.0TH bitcoin miner"])
def test_a_bare_v9_with_its_rate_is_the_antminer_v9(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model, got.hashrate_ths) == ("miner", "Antminer V9", 4.0)


def test_a_bare_code_with_a_rate_that_does_not_fit_is_not_that_model() -> None:
    assert normalise("V9 150TH used").model is None


@pytest.mark.parametrize(
    "title",
    ["Antminer S19 XP 140T hashing fine, pickup", "Whatsminer M30S++ 106T HASHING GREAT"],
)
def test_hashing_fine_is_used(title: str) -> None:
    assert normalise(title).condition == "used"
