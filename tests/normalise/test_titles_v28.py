"""Title rules learnt from the twenty-eighth blind set (issue 13), each written for its whole
class of seller text: a prop of a miner ("prop for trade show", "Requisite", "maqueta",
"бутафорский") is other; a Russian or Ukrainian control board ("плата контроля", "плата
керування", "керуюча плата") is a part; 比特小鹿 is Bitdeer and "Bitdeer A2 Pro" a SealMiner
A2 Pro; a pair sold together is a lot of 2; time in operation ("в работе 3 месяца", "у роботі",
"in operation for"), "removed from service", "still mines", "both run" and "only opened" say
the unit has run; building ventilation ("HVAC", "industrial exhaust fan") heading a title is
cooling plant, not a miner's fan. The titles are invented for these tests (none is a
labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M50S prop for exhibition booth",
        "Antminer S21 props x3 for photo shoot",
        "Whatsminer M30S Requisite für Messestand",
        "Maqueta Antminer S19 para exposición",
        "Бутафорский Antminer S19 для выставки",
    ],
)
def test_a_prop_of_a_miner_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "Плата контроля Antminer S19j Pro, б/у",
        "Продам плату контроля для Whatsminer M50",
        "Плата керування для Antminer S19",
        "Керуюча плата S19j Pro",
    ],
)
def test_a_russian_or_ukrainian_control_board_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("比特小鹿 A2 Pro 260T 二手", "SealMiner A2 Pro Air"),
        ("Bitdeer A2 Pro 255T used", "SealMiner A2 Pro Air"),
        ("Bitdeer A2 Pro 530T Hydro", "SealMiner A2 Pro Hyd"),
    ],
)
def test_bitdeer_a2_pro_is_a_sealminer_a2_pro(title: str, model: str) -> None:
    assert normalise(title).model == model


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T pair - sold together only",
        "Whatsminer M30S 88T pair, both hashing",
        "Пара Antminer S19 95T, продаю только вместе",
    ],
)
def test_a_pair_sold_together_is_a_lot_of_two(title: str) -> None:
    assert normalise(title).quantity == 2


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T в работе 5 месяцев",
        "Whatsminer M50 118T, в работе с весны",
        "Antminer S19 95T у роботі 4 місяці",
        "Antminer S21 200T in operation for 6 months",
        "Whatsminer M30S 88T removed from service, lot of 10",
        "Antminer S19j Pro 104T retired from the farm",
        "Antminer L7 9500M still mining",
        "Antminer S9 13.5T, still mines BTC",
        "Antminer S19 95T x2, both work",
        "Goldshell KD Box 1.6T, only opened",
    ],
)
def test_a_time_in_operation_or_a_working_claim_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    [
        "HVAC fan for container",
        "Industrial exhaust fan for container farm",
        "Exhaust fan 36 inch for mining barn",
        "Abluftventilator Lüfter 600mm für Mining-Halle",
        "Extractor de aire industrial, ventilador 50cm",
        "Exaustor ventilador industrial 50cm",
        "Вытяжной вентилятор для майнинг фермы",
    ],
)
def test_building_ventilation_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


# (a guard: a miner's own fan, sized in mm or for a model, stays a part)
@pytest.mark.parametrize("title", ["12038 fan for S19", "Antminer S19 fan 12038, new"])
def test_a_miners_fan_stays_a_part(title: str) -> None:
    assert normalise(title).kind == "part"
