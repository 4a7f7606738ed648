"""Title rules learnt from the twelfth and thirteenth blind sets (issue 13), each written for its
whole class of seller text over the languages the lexicon reads: network gear and likenesses of
miners are not miners, empty boxes and cases, rack-mount machines, model words and rates in
Korean, Japanese, Arabic, Persian and Cyrillic script, capacities and per-unit prices, written-
out rates, a new part. The titles are invented for these tests (none is a labelled-set line)."""

from __future__ import annotations

import pytest

from monitor.normalise.catalog import load_catalog
from monitor.normalise.titles import normalise


# Network gear sold by farms (a switch, a router, by its maker) is not a miner, even with a port
# count that reads like a rate ("24p") and ASIC words around it.
@pytest.mark.parametrize(
    "title",
    [
        "Cisco Catalyst 24p switch from our ASIC site, used",
        "Juniper EX 48 port switch, was in a bitcoin farm",
        "MikroTik router for miner farm, 8 ports",
        "PoE switch 16 ports for antminer racks",
        "Unmanaged switch 24x gigabit, mining farm surplus",
        "Коммутатор 48 портов для фермы асиков, б/у",
        "矿场用 交换机 48口 二手",
        "Switch de red 24 puertos para mineros ASIC",
    ],
)
def test_network_gear_is_not_a_miner(title: str) -> None:
    assert normalise(title).kind == "other"


# A likeness of a miner (a replica, a dummy, a miner-shaped heater, "not a miner") is not one.
@pytest.mark.parametrize(
    "title",
    [
        "Antminer S21 replica for shop display, 200T sticker",
        "Dummy Whatsminer M50S case, display prop",
        "Miner-shaped space heater, styled like an S19, no hashing",
        "ASIC shaped bluetooth speaker, looks like Antminer",
        "Heater that looks like an Antminer S19 (not a real miner)",
        "S19 95T deco piece - not an ASIC, empty shell",
        "Муляж асика Antminer S19 для витрины",
        "蚂蚁矿机模型 S21 摆件",
        "Attrappe Antminer S19 Deko",
        "Réplica de Antminer S19, no es un minero",
    ],
)
def test_a_likeness_of_a_miner_is_not_one(title: str) -> None:
    got = normalise(title)
    assert got.kind in ("other", "part")
    assert got.model is None


# An empty box in CJK script ("空箱", "空盒", "빈 박스") is not the machine; a Turkish
# "kasası" (its case) is a part.
@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("蚂蚁S19 空盒子 原装", "other"),
        ("神马M30S 空纸箱 带泡沫", "other"),
        ("앤트마이너 S21 빈 박스", "other"),
        ("S19j Pro 空箱", "other"),
        ("Whatsminer kasası, fanlar dahil", "part"),
        ("Antminer S19 kasasi boş", "part"),
    ],
)
def test_empty_boxes_and_cases(title: str, kind: str) -> None:
    assert normalise(title).kind == kind


# A rack-mount machine ("2U rack miner", "rack-mount") is a miner; a rack heading the title
# is still what is sold.
@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Antminer S21e XP Hyd 3U rack miner 860T used", "miner"),
        ("S21 XP Hyd 2U rack-mount 473T new", "miner"),
        ("Rack for 16 S19 miners, steel", "other"),
    ],
)
def test_a_rack_mount_miner_is_a_miner(title: str, kind: str) -> None:
    assert normalise(title).kind == kind


# A model's words and rate in other scripts: Korean/Japanese "프로"/"プロ", Arabic/Persian
# "برو"/"پرو" and "تيرا"/"تراهش", Cyrillic "С21 Про" (Russian writes the S as "С").
@pytest.mark.parametrize(
    ("title", "model", "ths"),
    [
        ("앤트마이너 S21 프로 234T 새제품", "Antminer S21 Pro", 234),
        ("アントマイナー S19 プロ 110T 中古", "Antminer S19 Pro", 110),
        ("S19j 프로 플러스 120T", "Antminer S19j Pro+", 120),
        ("للبيع S19 برو 110 تيرا مستعمل", "Antminer S19 Pro", 110),
        ("Antminer S21 پرو 234 تراهش آکبند", "Antminer S21 Pro", 234),
        ("S19 XP 140 تيرا هاش", "Antminer S19 XP", 140),
        ("Продам С19j Про 104 тх", "Antminer S19j Pro", 104),
        ("Асик С21 200т новый", "Antminer S21", 200),
        ("Antminer С19 Про плюс 120т б/у", "Antminer S19 Pro+", 120),
    ],
)
def test_model_words_and_rates_in_other_scripts(title: str, model: str, ths: float) -> None:
    got = normalise(title)
    assert (got.kind, got.model, got.hashrate_ths) == ("miner", model, ths)


def test_a_cyrillic_connector_pair_is_not_read_as_a_model() -> None:
    got = normalise("Кабель С19-С20 для асиков 16А")
    assert got.kind == "part"


# A "... Hyd" model written "hydro" and an "... Air" model written without "Air".
@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("Bitdeer A3 Pro hydro 660T", "SealMiner A3 Pro Hyd"),
        ("Sealminer A3 Pro 290T air cooled", "SealMiner A3 Pro Air"),
        ("A3 Pro hydro Bitdeer used 660 TH", "SealMiner A3 Pro Hyd"),
    ],
)
def test_cooling_words_written_out(title: str, model: str) -> None:
    assert normalise(title).model == model


def test_every_hyd_model_answers_to_hydro() -> None:
    """Every catalog "... Hyd" model found written with "hydro" is that model (or, for a name
    shared by several makers, one of that name)."""
    for model in load_catalog().models:
        if model.name.endswith(" Hyd") and model.algorithm == "SHA-256" and model.bins:
            written = model.name[: -len("Hyd")] + "hydro"
            got = normalise(f"{written} {model.bins[-1]:g}T")
            assert got.model == model.name, (written, got.model)


# Capacities and per-unit prices are not lots: "12台収納" (holds 12), "под 20 асиков", "na 12
# sztuk", "цена за 1 шт"; "4x 12038 fans" counts four fans (a count, then a size).
@pytest.mark.parametrize(
    ("title", "quantity"),
    [
        ("マイニングラック 8台収納 新品", 1),
        ("矿机架 20台容纳 二手", 1),
        ("Стойка под 16 асиков металл", 1),
        ("Regał na 8 sztuk koparek ASIC", 1),
        ("Whatsminer M50S 126T б/у, 10 шт в партии, цена за 1 шт", 1),
        ("2x 14038 fans for Whatsminer, price for both", 2),
        ("6x 12038 fans Antminer S19 set", 6),
        ("Heatsink 40x40 for Bitaxe", 1),
    ],
)
def test_capacities_and_unit_prices_are_not_lots(title: str, quantity: int) -> None:
    assert normalise(title).quantity == quantity


# A hashboard named right after the rate as a replacement is the part sold.
@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("S19 Pro 110T hashboard replacement, tested", "part"),
        ("Antminer S21 200T control board spare", "part"),
        ("S19 95T hashboard replacement done, hashing fine", "miner"),
    ],
)
def test_a_replacement_board_after_the_rate_is_sold(title: str, kind: str) -> None:
    assert normalise(title).kind == kind


# A rate written out in words ("ninety-six TH", "seventy five tera").
@pytest.mark.parametrize(
    ("title", "ths"),
    [
        ("Antminer S19 ninety-five TH, used", 95),
        ("Whatsminer M30S eighty-eight terahash", 88),
        ("S19j Pro one hundred four TH", None),  # (hundreds are not read)
    ],
)
def test_a_rate_written_in_words(title: str, ths: float | None) -> None:
    assert normalise(title).hashrate_ths == ths


# "new" before the part word of a part title is the part's condition; a miner's "new PSU" is not
# the miner's.
@pytest.mark.parametrize(
    ("title", "kind", "condition"),
    [
        ("APW12 new PSU 3000W", "part", "new"),
        ("BM1368 chips, new chips, 100 pcs", "part", "new"),
        ("Antminer S19 95T with new PSU", "miner", "unknown"),
    ],
)
def test_new_before_a_part_word(title: str, kind: str, condition: str) -> None:
    got = normalise(title)
    assert (got.kind, got.condition) == (kind, condition)


# Used in other words: Polish "po kopaniu" (after mining), Russian "после майнинга".
@pytest.mark.parametrize(
    "title",
    [
        "Antminer S19 95TH po kopaniu, sprawny",
        "Whatsminer M30S 88T после майнинга",
        "Antminer S19j Pro 104T після майнінгу",
    ],
)
def test_after_mining_is_used(title: str) -> None:
    assert normalise(title).condition == "used"


def test_network_gear_in_cjk_is_translated() -> None:
    """A switch or router named in Chinese beside a model name ("S19 farm switch") is network
    gear, not the model."""
    assert normalise("蚂蚁S19矿场 交换机 二手").kind == "other"
    assert normalise("神马M30S 矿场 路由器").kind == "other"


def test_arabic_script_rules_are_tried_only_on_arabic_text() -> None:
    """Translations naming only Arabic-script words are kept apart (tried only on text that
    has that script); one naming Thai words too stays a rule for any script."""
    from monitor.normalise.lexicon import ARABIC_TEXT, load_lexicon

    lex = load_lexicon()
    assert lex.translate_arabic
    assert all(ARABIC_TEXT.search(p.pattern) for p, _, _ in lex.translate_arabic)
    assert any("มือสอง" in p.pattern for p, _, _ in lex.translate)
    assert not any(ARABIC_TEXT.search(p.pattern) for p, _, _ in lex.translate_cjk)


def test_translations_write_ascii() -> None:
    """The translation index (titles._Translations) skips a rule whose literals the text lacks
    before any rule ran: sound only while every translation writes ASCII (no rule can then make
    a literal of another script appear). Each replacement is ASCII, and what it writes for each
    of its matches in the labelled sets (back-references included) is too."""
    import csv
    from pathlib import Path

    from monitor.normalise.lexicon import load_lexicon

    lex = load_lexicon()
    rules = [
        *lex.translate,
        *lex.translate_cjk,
        *lex.translate_cyrillic,
        *lex.translate_arabic,
    ]
    assert all(repl and repl.isascii() for _, repl, _ in rules)
    folder = Path(__file__).resolve().parent.parent / "fixtures" / "titles"
    expanded = 0
    for path in sorted(folder.glob("dev*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = row["title"].casefold()
                for pattern, repl, _ in rules:
                    for m in pattern.finditer(text):
                        assert m.expand(repl).isascii(), (pattern.pattern, row["title"])
                        expanded += 1
    assert expanded > 100


def test_the_translation_index_runs_what_the_plain_loop_runs() -> None:
    """clean() through the index equals clean() trying every rule in turn, on titles where
    several rules of several scripts apply, one after another."""
    import unicodedata

    from monitor.normalise.lexicon import CJK_TEXT, CYRILLIC_TEXT, load_lexicon
    from monitor.normalise.titles import _CJK_COUNT, _cjk_count, clean

    lex = load_lexicon()

    def plain(title: str) -> str:
        text = unicodedata.normalize("NFKC", title.casefold()).casefold()
        rules = list(lex.translate)
        if CJK_TEXT.search(text):
            rules += lex.translate_cjk
            text = _CJK_COUNT.sub(_cjk_count, text)
        if CYRILLIC_TEXT.search(text):
            rules += lex.translate_cyrillic
        for pattern, repl, holds in rules:
            if not holds or any(w in text for w in holds):
                text = pattern.sub(repl, text)
        if lex.words_gate.search(text):
            text = lex.words.sub(lambda m: lex.word_map[m.group(1)], text)
        return text

    for title in [
        "蚂蚁矿机 S19j Pro 104T 二手 带电源 十台打包 单价",
        "神马M50S 126T 全新未拆封 现货5台 质保3个月",
        "Продам асик Antminer S19 95т б/у, 3 шт, цена за шт, блок питания в комплекте",
        "Вотсмайнер M30S++ 112 тх нерабочий, на запчасти, без проверки",
        "앤트마이너 S21 200테라 중고 3대 파워 포함",
        "Lüfter für alle 4 Antminer, Preis pro Stück",
    ]:
        assert clean(title, lex) == plain(title), title
