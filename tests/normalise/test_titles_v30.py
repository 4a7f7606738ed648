"""Title rules learnt from the thirtieth blind set (issue 13), each written for its whole
class of seller text: a PSU named by its code glued to its rating ("PSU1800") is a part;
"<model> compatible" marks an accessory, never the miner;
heat-recovery / heat-reuse kits are plant, and a heater built into a miner's shell is no miner;
firmware put on fleets by the seller ("we install ... on ... fleets") is a service; a power cable
in Russian ("силовой кабель": its "с" is no "with") and a Portuguese "cooler" (a fan) are parts;
a chip count ("6 chip", "six chip") describes the miner; a bare rate after the model's name is no
count; "running on my farm", "自用" and "в работе" say the unit has run. The titles are invented
for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    ["PSU1800 pulled from Antminer S19j Pro, works", "Spare psu3300w for Whatsminer M30S"],
)
def test_a_psu_named_by_its_glued_code_is_a_part(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("part", None)


@pytest.mark.parametrize(
    "title",
    [
        "Heat reuse system for pool water, fits S21 Hyd",
        "Heat-recovery module for home heating, M30S compatible",
    ],
)
def test_heat_recovery_plant_is_other(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("other", None)


@pytest.mark.parametrize(
    "title", ["Smart plug, S19 compatible", "Wi-Fi power switch - M30S++ compatible, new"]
)
def test_a_model_compatible_accessory_is_no_miner(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("part", None)


def test_a_miner_naming_a_compatible_psu_stays_a_miner() -> None:
    got = normalise("Antminer S19 95T, APW12 compatible")
    assert (got.kind, got.model) == ("miner", "Antminer S19")


@pytest.mark.parametrize(
    "title",
    ["Room heater inside an Antminer S17 case, 900W", "Quiet heater in L3+ shell for the garage"],
)
def test_a_heater_in_a_miners_shell_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "We flash VNish onto customer M30S fleets",
        "We install Braiins OS+ on client S21 fleets",
    ],
)
def test_firmware_put_on_fleets_is_a_service(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("other", None)


def test_a_miner_whose_firmware_was_installed_stays_a_miner() -> None:
    got = normalise("Antminer S19 95T, we installed Braiins OS on all miners")
    assert (got.kind, got.model) == ("miner", "Antminer S19")


@pytest.mark.parametrize(
    "title",
    ["Силовой кабель C13-C14 2 м для S21", "Силовые кабели 16А на асики"],
)
def test_a_russian_power_cable_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title", ["Cooler 14038 para Antminer, usado", "Cooler para mineradora Whatsminer M50"]
)
def test_a_portuguese_cooler_is_a_fan_part(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("part", None)


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("Bitaxe Gamma two chip edition", "Bitaxe Gamma"),
        ("Bitaxe Hex 6 chip, used", "Bitaxe Hex"),
        ("Bitaxe Hex 6-chip 3TH home miner", "Bitaxe Hex"),
    ],
)
def test_a_chip_count_describes_the_miner(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)


def test_chips_sold_are_still_parts() -> None:
    assert normalise("BM1366 chips, 6 chips per tray").kind == "part"


def test_a_bare_rate_after_the_name_is_no_count() -> None:
    got = normalise("Antminer L7 9500 майнер для лайткоина")
    assert (got.hashrate, got.quantity) == (9500.0, 1)


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S21 200T, runs at our site until sold",
        "Whatsminer M50 118T running on our farm, pickup",
        "神马 M30S 88T 家里自用",
        "Whatsminer M30S 88T, в работе",
        "Асики S19j Pro 104T на площадке, в работе, Иркутск",
    ],
)
def test_the_sellers_own_running_says_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title", ["Antminer S19 95T не в работе, на складе", "Antminer S19 95T, runs on 220V"]
)
def test_no_running_claim_stays_unknown(title: str) -> None:
    assert normalise(title).condition == "unknown"
