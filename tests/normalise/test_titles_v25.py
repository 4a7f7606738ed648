"""Title rules learnt from the twenty-fifth blind set (issue 13), each written for its whole
class of seller text: a CJK full-width comma before a rate; a repair denied ("в ремонте не
был", "без ремонта") as no repair service; Jasminer's Chinese nickname "茄子"; "almost new" in
several languages as "like new" (used); Indonesian "second" alone as used (not "per second");
an explicit "new" before "open box" as new; "each" after a rate as each unit's rate, not a unit
price; and "com os dois" / "con los dos" as the lot the price buys. The titles are invented for
these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    ("title", "ths"),
    [
        ("出一台蚂蚁S19，95T，成色好", 95.0),
        ("阿瓦隆A1246，90T，带电源", 90.0),
        ("神马M30S++，112T，深圳自提", 112.0),
    ],
)
def test_a_cjk_comma_before_the_rate_keeps_the_rate(title: str, ths: float) -> None:
    got = normalise(title)
    assert got.kind == "miner"
    assert got.hashrate_ths == ths


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19j Pro 100T, не был в ремонте, Омск",
        "Whatsminer M30S 88T б/у, без ремонта",
        "Antminer T19 84T, в ремонті не був, Київ",
        "Асик Antminer S19 95T, ремонта не было",
    ],
)
def test_a_repair_denied_is_no_repair_service(title: str) -> None:
    got = normalise(title)
    assert got.kind == "miner"
    assert got.hashrate_ths is not None
    # a repair offered still is a service
    assert normalise("Ремонт асиков Antminer S19, диагностика").kind == "other"


@pytest.mark.parametrize("title", ["茄子X16-Q 1950M 家用静音", "二手茄子X16-P 5800M 自提"])
def test_qiezi_is_jasminer(title: str) -> None:
    got = normalise(title)
    assert got.kind == "miner"
    assert got.maker == "Jasminer"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T casi nueva, Lima",
        "Whatsminer M50 118T quase novo",
        "Antminer S19 Pro 110T almost new",
        "Avalon 1246 90T nearly new, pickup only",
        "Antminer S19j Pro 104T fast neu",
        "Antminer S19 95T presque neuf",
    ],
)
def test_almost_new_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M30S 88T second, Surabaya",
        "Antminer S19 95T barang second, nego",
        "Antminer KS3 9.4T second",
    ],
)
def test_indonesian_second_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T, 95 TH per second",
        "Antminer S19 95T second batch in stock",
        "Antminer S19 95T, ships in 1 second",
    ],
)
def test_second_as_a_time_or_an_order_is_no_condition(title: str) -> None:
    assert normalise(title).condition == "unknown"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S21 200T - new, open box",
        "Whatsminer M60 172T brand new / open box, photos",
        "Antminer S19k Pro 120T NEW - open-box for inspection",
    ],
)
def test_an_explicit_new_before_open_box_is_new(title: str) -> None:
    assert normalise(title).condition == "new"
    assert normalise("Antminer S21 200T open box, tested").condition == "used"


@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("Three S19 Antminers (95T each) - $1200 takes all 3", 3),
        ("Two Whatsminer M30S (88TH each), $700 for both", 2),
    ],
)
def test_each_after_a_rate_is_each_units_rate(title: str, quantity: int) -> None:
    got = normalise(title)
    assert got.quantity == quantity
    # "each" after the price still prices one unit
    assert normalise("Two Whatsminer M30S 88TH, $350 each").quantity == 1


@pytest.mark.parametrize(
    "title",
    [
        "Vendo Antminer S19 95T (tenho 2), preço é com os dois",
        "Vendo dos Whatsminer M30S 88T, precio del lote con los dos",
    ],
)
def test_with_both_is_a_lot_of_two(title: str) -> None:
    assert normalise(title).quantity == 2
