"""Title rules learnt from the thirty-first blind set (issue 13), each written for its whole
class of seller text: a sticker, seal or label said to be intact, original or on describes the
miner ("serial sticker intact", "QR sticker on"), not a sticker sold; a cable run ("for network
runs", "long cable runs") is a noun, not a working claim; a set of N in Chinese ("一套四个",
"一组4个", "4个一套", "一套四只", "一組") is a lot of N; a jig, fixture or test stand to repair
or test hashboards is a tool sold (a part), while a repair service stays other; a rack saying how
many machines it takes in Chinese ("能摆二十台", "放得下8台", "能放下") states capacity, not a
lot; a working claim the seller is unsure of ("no idea if works", "not sure if it works", "no sé
si funciona", "работает ли", "不知道能不能用") is no claim; a model code glued after CJK text
("壳牌KD6", "卖KS3", "闲置S19") is still found; and a unit running on a site with "the" or no
determiner ("running on site right now", "runs at the site") is used, while "runs on 220V" or
"runs on solar" stays a spec. The titles are invented for these tests (none is a labelled-set
line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("Antminer S19 95T, warranty sticker intact, used", "Antminer S19"),
        ("Antminer S21 200T NIB, QR sticker on", "Antminer S21"),
        ("Whatsminer M50 118T, original stickers, used", "Whatsminer M50"),
        ("Antminer S19j Pro 104T, serial stickers still on, tested", "Antminer S19j Pro"),
        ("Whatsminer M30S++ 106T, stickers untouched, warranty seal unbroken", "Whatsminer M30S++"),
        ("Antminer S19 XP 141T, factory sticker present, original labels", "Antminer S19 XP"),
    ],
)
def test_a_sticker_described_as_intact_is_the_miners(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)


@pytest.mark.parametrize(
    "title",
    ["Bitcoin miner vinyl sticker pack, 20 pcs", "Antminer logo stickers x10", "Stickers for S19"],
)
def test_stickers_sold_stay_other(title: str) -> None:
    assert normalise(title).kind == "other"


def test_a_rate_written_t_slash_h_reads_as_th() -> None:
    got = normalise("Whatsminer M60S 180 T/H, serial sticker intact")
    assert (got.model, got.hashrate_ths) == ("Whatsminer M60S", 180.0)


@pytest.mark.parametrize(
    "title",
    [
        "Cat6 ethernet cable 1000ft box, for long runs",
        "Ethernet patch cords for farm cable runs, 50 pcs",
        "Cat 5e network cable 50m for rack network runs",
        "Outdoor ethernet cable, good for runs between containers",
        "Cat6 LAN cable 305m, ethernet runs to miner shelves",
    ],
)
def test_a_cable_run_is_no_working_claim(title: str) -> None:
    assert normalise(title).condition == "unknown"


@pytest.mark.parametrize(
    "title", ["Antminer S19 95T runs great", "L7 9500M runs 24/7", "S9 13.5T running fine"]
)
def test_runs_as_a_claim_stays_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("S19 散热风扇 一套四个 12038", 4),
        ("14038 风扇 一组4个 全新", 4),
        ("矿机风扇 4个一套 大风量", 4),
        ("12038风扇 一套四只 S19用", 4),
        ("礦機風扇 一組四個", 4),
        ("风扇 两个一组 二手", 2),
    ],
)
def test_a_chinese_set_of_n_is_a_lot(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


@pytest.mark.parametrize(
    ("title", "quantity"),
    [("风扇 4个装 12038", 4), ("12038风扇 单个", 1), ("S19 95T 10台打包", 10)],
)
def test_other_chinese_counts_stay_put(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


@pytest.mark.parametrize(
    "title",
    [
        "S19 hashboard test stand, new",
        "Repair fixture for Antminer hashboards, BM1362",
        "Hashboard repair jig with cables for S21",
        "Hashboard repair tools kit, 12 pcs",
        "算力板维修治具 S19",
        "S19 算力板测试架 二手",
    ],
)
def test_a_hashboard_jig_or_fixture_is_a_part(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("part", None)


@pytest.mark.parametrize(
    "title",
    [
        "Hashboard repair service, fast turnaround",
        "We repair hashboards S19 S21 T21",
        "Antminer S19j Pro repair, any fault",
        "专业维修算力板 蚂蚁神马都修",
    ],
)
def test_a_repair_service_stays_other(title: str) -> None:
    assert normalise(title).kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "矿机货架 可摆12台 角钢",
        "角钢架 放得下8台 自提",
        "铁架子 能放下十台 矿机用",
        "礦機架 擺得下六台",
        "矿机架子 能摆二十台",
    ],
)
def test_a_chinese_rack_capacity_is_no_lot(title: str) -> None:
    got = normalise(title)
    assert (got.kind, got.quantity) == ("other", 1)


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S9 13.5T, no idea if it works",
        "S19 95T, attic find, not sure if it works",
        "L3+ 504M don't know if it's working",
        "Antminer S17 56T unknown if working",
        "Whatsminer M20S 68T, can't say whether it runs",
        "Antminer S19 95T, no sé si funciona",
        "Antminer S19 95T, não sei se funciona",
        "Antminer S19 95T, не знаю работает ли",
        "蚂蚁S19 95T 不知道能不能用",
    ],
)
def test_an_uncertain_working_claim_is_no_claim(title: str) -> None:
    assert normalise(title).condition == "unknown"


@pytest.mark.parametrize(
    ("title", "condition"),
    [
        ("Antminer S19 95T works", "used"),
        ("Antminer S19 95T, funciona", "used"),
        ("Antminer S19 95T, работает", "used"),
        ("蚂蚁S19 95T 能用", "used"),
        ("蚂蚁S19 95T 不能用", "for_parts"),
        ("S19 95T, not sure if it works, used", "used"),
    ],
)
def test_certain_claims_stay_put(title: str, condition: str) -> None:
    assert normalise(title).condition == condition


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("壳牌KD6 二手", "Goldshell KD6"),
        ("卖KS3 9.4T 二手", "Antminer KS3"),
        ("闲置S19 95T 九成新", "Antminer S19"),
        ("转让L7 9500M 二手", "Antminer L7"),
        ("自用M30S 88T 在跑", "Whatsminer M30S"),
    ],
)
def test_a_model_code_glued_after_cjk_is_found(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("蚂蚁S19 95T", "Antminer S19"),
        ("神马M50S 126T", "Whatsminer M50S"),
        ("出S21 200T", "Antminer S21"),
    ],
)
def test_maker_names_glued_to_a_code_stay_put(title: str, model: str) -> None:
    assert normalise(title).model == model


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T running on site right now",
        "S21 200T runs at the site in Texas",
        "Whatsminer M30S 88T, running at site till Friday",
        "L7 9500M running on the farm, pickup",
    ],
)
def test_running_on_a_site_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title", ["Antminer S19 95T runs on 220V", "S9 13.5T runs on 110V", "S9 14T runs on solar"]
)
def test_a_spec_of_how_it_runs_stays_unknown(title: str) -> None:
    assert normalise(title).condition == "unknown"
