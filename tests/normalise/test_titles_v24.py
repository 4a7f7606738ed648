"""Title rules learnt from the twenty-fourth blind set (issue 13), each written for its whole
class of seller text: a faulty part heading a title with no hashrate ("dead <model> hash board")
as the part sold; furniture that holds miners (a shelf, a shelving rack) as a non-miner, its
capacity no count ("влезает 12 асиков"); a German noise-insulating box or hood ("Dämmbox",
"Dämmhaube") as a part; a box "without the machine" in Portuguese, Spanish, German and Polish
as a non-miner; repairs offered ("修算力板", "都修", "Terima service", "we service") as a
service; Polish "używaną" as used, and Polish places named "Nowa"/"Nowy" no condition; "runs
24/7" and "does power on" as working claims; "per pcs" as a unit price and "цена за 4" as the
lot the price buys; Russian "новых" as new; the condition words of Scandinavian, German, Korean
and Turkish price-list headings; and the Swedish count noun "st". The titles are invented for
these tests (none is a labelled-set line).
"""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    "title",
    [
        "dead L7 control board (bitmain) - for repair",
        "dead S21 hashboard (antminer) - parts",
        "faulty M50S hashboard [whatsminer]",
    ],
)
def test_a_faulty_part_heading_a_title_without_a_rate_is_the_part_sold(title: str) -> None:
    got = normalise(title)
    assert got.kind == "part"
    assert got.condition == "for_parts"
    # with a hashrate the machine is named: its dead board is the machine's
    assert normalise("Antminer S19 95TH, dead hashboard").kind == "miner"


@pytest.mark.parametrize(
    "title",
    [
        "Полка сварная, влезает 6 асиков M30S, Казань",
        "Стеллаж металлический, помещается 10 асиков S21",
        "Regal für 8 Antminer S19, Eigenbau",
        "Estantería metálica para mineros S19",
        "Prateleira de aço para S19, 4 níveis",
    ],
)
def test_a_shelf_that_holds_miners_is_other_and_its_capacity_no_count(title: str) -> None:
    got = normalise(title)
    assert got.kind == "other"
    assert got.quantity == 1


@pytest.mark.parametrize(
    "title",
    [
        "Dämmhaube für Whatsminer M50S, selbst gebaut",
        "Dämmbox Eigenbau passend für Antminer S21",
        "Geräuschdämmung Box für S19j Pro",
    ],
)
def test_a_german_noise_insulating_box_is_a_part(title: str) -> None:
    assert normalise(title).kind == "part"


@pytest.mark.parametrize(
    "title",
    [
        "Caixa original do Antminer S21 com isopor (sem a máquina)",
        "Caja original de Whatsminer M50 con espuma, sin la máquina",
        "Karton für M50 mit Schaumstoff, ohne die Maschine",
        "Opakowanie po S19j Pro bez maszyny",
    ],
)
def test_a_box_without_the_machine_is_other(title: str) -> None:
    got = normalise(title)
    assert got.kind == "other"
    assert got.model is None


@pytest.mark.parametrize(
    "title",
    [
        "修电源 修控制板 华强北实体店",
        "蚂蚁S19 神马M30 都修 价格优惠",
        "Terima servis PSU Whatsminer, bergaransi, Surabaya",
        "We service Whatsminer M30S hashboards, fast turnaround",
    ],
)
def test_a_repair_offered_is_a_service(title: str) -> None:
    assert normalise(title).kind == "other"


def test_polish_used_in_the_accusative_and_places_named_new() -> None:
    assert normalise("Sprzedam używaną koparkę M30S 88TH, Gdańsk").condition == "used"
    assert normalise("Koparka Antminer S19 95TH, odbiór Nowy Sącz").condition == "unknown"
    assert normalise("Koparka Antminer S19 95TH nowa").condition == "new"


@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19j Pro 104TH running 24/7 in my garage, $700",
        "Whatsminer M30S 88TH runs 24x7, moving sale",
        "Avalon 1246 90TH, does power on, pick up only",
        "Antminer S9 13.5TH still power up, cheap",
    ],
)
def test_running_around_the_clock_and_powering_on_are_working_claims(title: str) -> None:
    assert normalise(title).condition == "used"
    # a spec of how it runs is still no claim
    assert normalise("Antminer S19 95TH runs on 220v, $300").condition == "unknown"


def test_per_pcs_is_a_unit_price_and_price_for_n_is_the_lot() -> None:
    assert normalise("APW12 PSU for Antminer, price per pcs, 10 pcs ready").quantity == 1
    assert normalise("Kipas 12038 Antminer, Rp 150rb per pcs, stok 8 pcs").quantity == 1
    lot = normalise("Продаю 3 блока питания APW12, отдаю вместе, цена за 3")
    assert (lot.kind, lot.quantity) == ("part", 3)
    assert normalise("Продаю Antminer S19 95TH, цена за 1").quantity == 1


def test_russian_new_in_the_genitive_plural_is_new() -> None:
    assert normalise("Продам 2 новых блока питания APW12").condition == "new"


@pytest.mark.parametrize(
    ("heading", "condition"),
    [
        ("NYA", "new"),
        ("nytt", "new"),
        ("NYE", "new"),
        ("NY:", "new"),
        ("BEGAGNADE", "used"),
        ("BRUKTE", "used"),
        ("brugte", "used"),
        ("NEUWARE", "new"),
        ("신품", "new"),
        ("SIFIR", "new"),
    ],
)
def test_price_list_heading_condition_words(heading: str, condition: str) -> None:
    assert normalise(heading).condition == condition


def test_ny_after_a_rate_is_new_but_new_york_is_no_condition() -> None:
    assert normalise("Antminer S21 190 TH, ny").condition == "new"
    assert normalise("Whatsminer M50S 126T ny, 3 år garanti").condition == "new"
    assert normalise("Antminer S19 95TH, Buffalo, NY").condition == "unknown"
    assert normalise("Antminer S19 95TH NY warehouse").condition == "unknown"


def test_swedish_st_is_a_count_noun() -> None:
    assert normalise("4 st Whatsminer M50S 126 TH, säljes tillsammans").quantity == 4
    assert normalise("2 st Antminer S21 200TH").quantity == 2
    # not an ordinal, a saint or a street
    assert normalise("Antminer S9 13.5TH 1st gen").quantity == 1
    assert normalise("Antminer S19 95TH, pickup 2 St Louis").quantity == 1
    assert normalise("Antminer S19 95TH, 123 Main st").quantity == 1
