"""Title rules learnt from the twenty-third blind set (issue 13), each written for its whole
class of seller text: a firmware service offered (flashing, overclocking, remote work on the
buyer's machines, in Russian, Ukrainian, Chinese and English) as a non-miner, a farm selling its
machines ("矿场转让", "矿场出售") as a miner listing, Turkish "İ" folded so "İkinci el" reads as
used, "parts" set off at the end of a title as for parts, and a time it ran given roughly
("ran about 14 months") as used; and count nouns of other languages read as a count, as "台"
and "шт" are: Arabic "أجهزة"/"جهاز" (devices), Vietnamese "máy" (machines), Thai "เครื่อง"
(machines), Amharic "ፍሬ" (pieces). The titles are invented for these tests (none is a
labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.catalog import load_catalog
from monitor.normalise.lexicon import load_lexicon
from monitor.normalise.titles import clean, normalise, quantity_of


@pytest.mark.parametrize(
    "title",
    [
        "Прошивка асиков Whatsminer M30S, выезд на ферму",
        "Перепрошивка майнеров Antminer S19j Pro под ключ",
        "Разгон асиков Antminer S21, удаленно",
        "Прошивка и разгон асиков S19 XP",
        "Розгін асиків Antminer S19",
        "远程刷机 蚂蚁S19 S21 全系列",
        "代刷固件 神马M50 M60",
        "Remote flashing for Antminer S19 and S21 fleets",
        "Antminer S21 overclocking, done remotely",
        "Whatsminer M50 overclocking service",
    ],
)
def test_a_firmware_service_is_other(title: str) -> None:
    got = normalise(title)
    assert got.kind == "other"
    assert got.model is None


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19j Pro 100T, прошивка Vnish, рабочий",
        "Whatsminer M30S 88T with Braiins firmware installed",
    ],
)
def test_a_miners_own_firmware_is_no_service(title: str) -> None:
    assert normalise(title).kind == "miner"


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("神马M50S 126T 九成新 矿场出售", "Whatsminer M50S"),
        ("蚂蚁S19 XP 141T 矿场转让 二手", "Antminer S19 XP"),
        ("蚂蚁S21 200T 矿场清仓 现货", "Antminer S21"),
    ],
)
def test_a_farm_selling_its_machines_is_a_miner_listing(title: str, model: str) -> None:
    got = normalise(title)
    assert got.kind == "miner"
    assert got.model == model


def test_a_whole_farm_is_still_other() -> None:
    assert normalise("矿场整体出售 2MW 水电").kind == "other"


@pytest.mark.parametrize(
    "title",
    [
        "İkinci el Whatsminer M30S 88TH, İstanbul",
        "Antminer S19 95TH İKİNCİ EL",
    ],
)
def test_turkish_dotted_capital_i_reads_as_i(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    "title",
    [
        "Whatsminer M30S 88T, sold cheap - parts",
        "Antminer S17 56T no boot, parts",
        "Antminer S9 13.5T (parts)",
        "Avalon A1246 hashboard, chips shorted, parts",
    ],
)
def test_parts_set_off_at_the_end_is_for_parts(title: str) -> None:
    assert normalise(title).condition == "for_parts"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95T parts included",  # parts described, not the condition
        "Antminer S19 95T, spare parts available separately",
    ],
)
def test_parts_elsewhere_is_no_condition(title: str) -> None:
    assert normalise(title).condition != "for_parts"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19k Pro 120T ran about 10 months, basement",
        "Whatsminer M50 118T, ran around 6 months in a container",
        "Avalon A1346 110T ran nearly 2 years",
    ],
)
def test_a_rough_time_it_ran_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


@pytest.mark.parametrize(
    ("title", "count"),
    [
        ("لوط 5 أجهزة Antminer S19j Pro 96T", 5),
        ("بيع 3 اجهزة Whatsminer M30S 88T دفعة واحدة", 3),
        ("2 جهاز Antminer S19 95T", 2),
        ("Bán cả 3 máy Antminer S19j Pro 96T", 3),
        ("Whatsminer M50 118T, 6 máy giá trọn gói", 6),
        ("ขาย 4 เครื่อง Antminer S19k Pro 120T ยกล็อต", 4),
        ("Antminer S19 95T 3 ፍሬ", 3),
        ("Jual 3 unit Antminer S19j Pro 96T", 3),
        ("Antminer S19j Pro 96T 2대 일괄", 2),
    ],
)
def test_a_count_noun_gives_the_count(title: str, count: int) -> None:
    lexicon, catalog = load_lexicon(), load_catalog()
    assert quantity_of(clean(title, lexicon), catalog) == count
    assert normalise(title).quantity == count


@pytest.mark.parametrize(
    "title",
    [
        "جهاز Antminer S19j Pro 100 تيرا",  # "a device": no count
        "Antminer S19 95T máy đào cũ",  # "mining machine", no number before it
        "เครื่องขุด Antminer S19 95T มือสอง",
    ],
)
def test_a_count_noun_without_a_number_is_one(title: str) -> None:
    assert normalise(title).quantity == 1
