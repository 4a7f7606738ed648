"""Title rules learnt from the thirty-fifth and thirty-sixth blind sets (issue 13), each written
for its whole class of seller text: a space heater built or housed in a miner's case ("heater
built in an S19 case", "обігрівач у корпусі асика") and a shell or case that is a replica
("heater shell replica for display") are other, while a "heater shell" alone stays a part;
firmware or autotuning set up on the buyer's fleets ("setup (Braiins) on S19 fleets", "priced
per machine") and repair work by its depth or its turnaround ("chip-level repair", "2 week
turnaround") are services; an immersion or liquid-cooling cabinet ("浸没液冷柜") and plumbing
said to be the site's ("site plumbing") are plant, while a manifold for one rack stays a part;
a board named after the rate as the one piece sold ("95T算力板 单板") is a part; makers and
models written in Cyrillic, Japanese and Korean script ("Антмайнер", "Вотсмайнер", "Авалон
Нано", "Битакс", "ビットアクセ", "アントマイナー") are the catalog's; a time in work at a farm
("в работе на майнинг-ферме") is where a miner ran, not a farm sold; the algorithm's name
("sha-256") and a percentage ("15% deposit") are never a count; and conditions: Portuguese "pra
peças" is for parts; French "tourne en continu/depuis", Polish "pracowała", "heavy use",
"unboxed once to check", "opened box", "ran on <a place> <a time>", "moved to hydro" and
"hashboard pulls" are used; a deposit paid ahead ("15% deposit", "ETA ~6 weeks after deposit")
is new, as a preorder. The titles are invented for these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "Space heater built into an Antminer S9 case, no boards inside",
        "Room heater housed in a Whatsminer M30S case, 1200W",
        "Miner-look heater fitted inside an S19 chassis, quiet",
        "Обогреватель в корпусе асика S19, без плат, 1000 Вт",
        "Обігрівач у корпусі Antminer L3, 800 Вт",
        "S9 shell replica for a shop window, not a miner",
        "Antminer S19 case dummy for trade shows",
    ],
)
def test_a_heater_in_a_miners_case_or_a_replica_shell_is_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "Heater shell for S19 boards, fits 3 boards, empty",
        "Antminer S9 shell only, no hashboards",
        "Корпус Antminer S19 с вентиляторами, без плат",
    ],
)
def test_an_empty_shell_or_case_stays_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "Autotuning setup (LuxOS) on Whatsminer fleets, remote",
        "Vnish tuning done on entire S21 farms",
        "Firmware install (Braiins OS+) for big fleets, priced per machine",
        "Flashing any S19 model, charged per unit",
        "Chip-level repair for Whatsminer M30S/M50 series",
        "Board-level repairs, Antminer S19 and T21, fast turnaround",
        "Hashboard repair for Avalon 12xx series, 10 day turnaround",
    ],
)
def test_tuning_setup_on_fleets_and_repair_work_are_services(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("Antminer S19 95T, repaired hashboard, runs fine", "Antminer S19"),
        ("Antminer S21 200T, Braiins OS+ installed, used", "Antminer S21"),
    ],
)
def test_a_miner_repaired_or_tuned_stays_a_miner(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)


@pytest.mark.parametrize(
    "title",
    [
        "双相浸没液冷柜 可装12台S19 含泵",
        "液冷机柜 放6台S21 Hyd 全新",
        "油冷柜 可放4台 带循环泵和换热器",
        "Hoses and valves for the hydro room, 40 ports, site plumbing",
        "Farm plumbing: manifold and hoses for S21 Hyd rows",
    ],
)
def test_an_immersion_cabinet_and_site_plumbing_are_plant(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "Water manifold for one S21 Hyd, 4 ports",
        "Hydro manifold for S19 Hyd racks, 10 port",
        "Water block for S21 Hyd hashboard, copper",
    ],
)
def test_one_miners_manifold_or_block_stays_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "二手 蚂蚁S19j Pro 104T算力板 单板 测试好",
        "蚂蚁S21 200T 哈希板 单块 拆机",
        "神马M30S 88T算力板 单片 正常",
    ],
)
def test_a_board_named_as_the_one_piece_sold_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("拆机 蚂蚁S19 95T 测试正常 包好", "Antminer S19"),
        ("Antminer S19 95T hashboard dead, rest fine", "Antminer S19"),
    ],
)
def test_a_board_word_about_the_miner_stays_a_miner(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)


@pytest.mark.parametrize(
    ("title", "model", "ths"),
    [
        ("Антмайнер S21 200T, новый", "Antminer S21", 200.0),
        ("Продам Антмайнеры S19j Pro 104T", "Antminer S19j Pro", 104.0),
        ("Вотсмайнер M50S 126T б/у", "Whatsminer M50S", 126.0),
        ("Ватсмайнер M30S++ 112T, рабочий", "Whatsminer M30S++", 112.0),
        ("Авалон Нано 3 4T, новый", "Avalon Nano 3", 4.0),
        ("Битакс Гамма 1.2TH, новый", "Bitaxe Gamma", 1.2),
        ("Бітакс Gamma 1.2TH, вживаний", "Bitaxe Gamma", 1.2),
        ("ビットアクセ Gamma 1.2TH 中古", "Bitaxe Gamma", 1.2),
        ("アントマイナー S21 200T 新品", "Antminer S21", 200.0),
        ("アバロン Nano 3S 6T 新品", "Avalon Nano 3S", 6.0),
    ],
)
def test_makers_and_models_in_other_scripts(title: str, model: str, ths: float) -> None:
    got = normalise(title)
    assert (got.kind, got.model, got.hashrate_ths) == ("miner", model, ths)


@pytest.mark.parametrize(
    "title",
    [
        "Антмайнер S19 95T, два года в работе на майнинг-ферме",
        "Antminer S19j Pro 104T, работал на ферме полгода",
        "Вотсмайнер M30S 88T, стоял на майнинг-ферме, Иркутск",
        "Antminer S19 Pro 110T, працював на фермі рік",
    ],
)
def test_a_miner_that_ran_at_a_farm_is_a_used_miner(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == ("miner", "used")


@pytest.mark.parametrize(
    "title",
    [
        "Место на майнинг-ферме под S19, 5 руб/кВт",
        "Майнинг-ферма под ключ, 200 асиков",
    ],
)
def test_a_farm_sold_stays_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T SHA-256 miner, used",
        "Whatsminer M50 114T sha256 unit",
        "Avalon 1246 90T sha 256 asic, works",
        "Antminer S21 200T preorder, 30% deposit",
        "Whatsminer M60S 186T futures, 20 % upfront",
        "Antminer S19k Pro 120T 100% working",
    ],
)
def test_an_algorithm_name_or_a_percentage_is_no_count(title: str) -> None:
    assert normalise(title).quantity == 1


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("Lot of 3 Antminer S19 95T SHA-256 miners", 3),
        ("Antminer S19 95T x4, price for all, 50% deposit", 4),
    ],
)
def test_a_lot_beside_them_stays_counted(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


@pytest.mark.parametrize(
    ("title", "condition"),
    [
        ("Antminer S19 90T, 3 placas queimadas, vendo pra peças", "for_parts"),
        ("Whatsminer M30S pra peças, não liga", "for_parts"),
        ("Fonte APW12 p/ peças", "for_parts"),
        ("Antminer S19j Pro 100T, tourne en continu depuis mars", "used"),
        ("Whatsminer M50 118T, tourne depuis un an, Lyon", "used"),
        ("Antminer S21 200T, a tourné 6 mois", "used"),
        ("Koparka Antminer S19 95T, pracował na farmie pół roku", "used"),
        ("Whatsminer M30S 88T, kopała dwa lata", "used"),
        ("Antminer S19 Pro 110T, heavy use, all boards hash", "used"),
        ("Avalon 1366 130T, light usage only", "used"),
        ("Antminer KS5 Pro 21T, unboxed once to test", "used"),
        ("Bitaxe Gamma 1.2TH, unboxed for photos", "used"),
        ("Antminer L7 9500M opened box, complete", "used"),
        ("Whatsminer M53S 260T, ran in a container 8 months", "used"),
        ("Antminer S21 Hyd 335T, ran on drycooler for 2 yrs", "used"),
        ("Antminer S19 XP 141T, moved the farm to immersion, selling", "used"),
        ("Antminer S19j Pro 104T, switched to hydro, selling air units", "used"),
        ("Antminer S21 hash board pulls, tested, $300 each", "used"),
        ("APW12 PSU pulls x10, $40 each", "used"),
        ("Antminer S23 318T, 25% deposit, ships March", "new"),
        ("Whatsminer M66S 298T, ETA 8 weeks after deposit", "new"),
        ("Antminer S21 XP 270T, ETA ~2 months", "new"),
    ],
)
def test_conditions_of_the_class(title: str, condition: str) -> None:
    assert normalise(title).condition == condition


@pytest.mark.parametrize(
    ("title", "condition"),
    [
        ("Antminer S19 95T, runs on 220V", "unknown"),
        ("Antminer S19 95T, PSU pulls 3250W from the wall", "unknown"),
        ("Antminer S19 95T, never opened box", "new"),
        ("Antminer S9 13.5T, tourne sur 220V", "unknown"),
        ("Antminer S19 95T, deposit to hold", "unknown"),
    ],
)
def test_specs_and_unopened_stay_put(title: str, condition: str) -> None:
    assert normalise(title).condition == condition


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19j Pro 100T, полтора года в работе",
        "Whatsminer M30S 88T, півтора року в роботі",
        "Antminer S19 95T, год в работе, Казань",
    ],
)
def test_a_time_in_work_is_used(title: str) -> None:
    assert normalise(title).condition == "used"
