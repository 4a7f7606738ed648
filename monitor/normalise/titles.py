"""Listing title -> model, hashrate, power, quantity, condition; or why it is not a miner.

Steps: fold case and width, translate the lexicon's non-English words, decide whether the
title's subject is a part or a non-hardware item (a part word that the title only mentions, as in
"with PSU" or "dead hashboard", or that comes after the title's hashrate, as in "M20S 65TH inc
PSU", does not count: the head-noun rule; one right after the rate that ends the title, as in
"S21 200T control board", does), find the catalog model by the longest key made of
adjacent tokens, read the number+unit tokens (hashrate, power, J/TH; a bare number right after the
model only where it is one of the model's bins), pick the hashrate nearest a catalog bin, then
quantity and condition. Every result has a ``confidence`` and, unless it is a
clean match, a ``reason``, so unmatched titles are stored and reviewed rather than dropped.
The words are data (``data/lexicon.yaml``); the models are data (``data/catalog.yaml``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache
from typing import Literal, TypedDict

from monitor.normalise import open_vocab
from monitor.normalise.catalog import _COUNT_OR_VERSION, Catalog, Model, compact, load_catalog
from monitor.normalise.lexicon import (
    ARABIC_TEXT,
    CJK_TEXT,
    CONDITION_VALUE,
    CYRILLIC_TEXT,
    Lexicon,
    Rule,
    _literal_trie,
    load_lexicon,
)
from monitor.normalise.record import Condition
from monitor.normalise.record import Normalised as Normalised  # re-exported for older imports
from scrapers import drop_invisible

VERSION = 10  # 3: catalog_match, open vocabulary; 4: services, availability, prices in titles;
# 5: the head-noun rule for part/plant words, algorithm names no count, bare hashrates at a bin;
# 6: "untested" alone states no condition, hosting/racks after the rate describe the miner, a part
# ending the title after the rate is sold, counts in words of more languages, far rates kept;
# 7: the blind sets v12-v21 learnt (network gear, replicas, empty boxes, tanks, cloud plans,
# Cyrillic С/т in codes, a count plus a whole-lot word, condition words in more languages);
# 8: working claims and age are used, preorders new, DOA warranties no fault, firmware services
# other, count nouns in Arabic/Vietnamese/Thai/Amharic, v23 learnt; 9: the blind sets v24-v30
# learnt (props, kits, cords and services, heading words, Swedish/Russian counts, more used words);
# 10: dummies are other, two models without a rate fit several machines (a part), a seller's "I
# have" sells the part, an air model at its hydro sibling's rate is that sibling, v31-v34 learnt

# A number with a unit: hashrate (p/t/g/m/k [h][/s], sol), power (w, kw) or efficiency (j/t).
# (the guard against a letter or digit before the number follows its first digit: a pattern
# starting with a digit is scanned for fast)
_MEASURE = re.compile(
    # (possessive: a unit never starts with a digit, so giving digits back never matches)
    r"(\d(?<![a-z0-9.,]\d)\d*+(?:[.,]\d++)?+)\s*-?\s*"  # ("95-TH")
    r"(?:(?P<eff>[jw]\s*/\s*t(?:h)?(?:/s)?|j(?:/th)?)|"
    r"(?P<kw>kw)|(?P<w>w|watts?)|"
    r"(?P<sol>k?sol(?:/s)?)|"
    r"(?P<hash>[ptgmk])(?:h(?:/s|s)?|/s|(?<=t)era|(?<=p)eta|(?<=g)iga)?)"  # ("128 tera")
    r"(?![a-z0-9])"
)
# a word and a bare number after it ("s9 13.5"), not a price, a percentage or a measure
_BARE_AFTER = re.compile(
    r"(?<![a-z0-9])([a-z0-9+]+)(?::\s*|\s+)(\d{1,5}(?:[.,]\d{1,2})?)(?![\w.%$€£¥₽/-]|,\d)"
    r"(?!\s*(?:(?:[$€£¥₽]|usdt|usd|eur|rub|руб)(?![a-z])(?!\s*\d)|元|k\b|pcs|units?\b|x\b))"
)
_RATE_WORDS = frozenset({"hashrate", "hash", "rate"})  # "Hashrate: 95": a bare rate's label
_MULTIPLIER = {"p": 1e15, "t": 1e12, "g": 1e9, "m": 1e6, "k": 1e3}
# a hashrate glued to the model before it, and perhaps to a power or J/TH after it
# ("m30s+100t34w")
_GLUED = re.compile(
    r"([a-z+])(\d+(?:\.\d+)?(?:th|t|gh|g|ph|mh)(?:/s)?)(?![a-z])(?=\d+(?:\.\d+)?(?:kw|w|j)|(?!\d))"
)
_GLUED_POWER = re.compile(  # "104t3068w": a hashrate glued to the power after it
    r"(?<![a-z0-9.,])(\d+(?:\.\d+)?(?:th|t|gh|g|ph)(?:/s)?)(?=\d+(?:\.\d+)?(?:kw|w|j)(?![a-z0-9]))"
)
_TOKEN = re.compile(r"[0-9a-z\u0400-\u04ff\u4e00-\u9fff]+\+*|\++")
# where CJK text and a Latin letter meet: a model code glued after a seller's words ("壳牌KD6",
# "卖KS3", "闲置S19") is read apart from them (tried only when the plain reading finds nothing)
_CJK_GLUE = re.compile(r"(?<=[\u4e00-\u9fff])(?=[a-z])")
# Quantity cues. Patterns lead with literal words: Python's re scans for those quickly.
_QUANTITY_CUE = re.compile(  # literal-led alternatives: Python's re finds these fast
    # "price per chip", "price per fan": the price buys one of whatever it names (not a lot word,
    # "price per pack", nor a rate, "price per TH")
    r"(?P<per>per\s+(?:unit|piece|machine|miner|pc|board|stuk|(?<=price\sper\s)(?!(?:the|an?|lot"
    r"|bundle|pallet|batch|set|pair|box|case|package|pack|kit|bag|th|t|kwh|month|day|week|year"
    r"|hour)(?![a-z]))[a-z]+)|por\s+unidade?|each|ea|a\s+piece|"
    r"/\s*(?:unit|pc|piece|ea|board|each|set))(?![a-z])"
    r"|(?:lot(?:e|to)?|bundle|bulk|pallet|set|batch|pack|kit|bag|qty|quantity)\s*"
    r"(?:of|de|di|com|con|c/|x|:)?\s*\(?\s*"
    r"(?P<lot>\d{1,5})\b(?!\s*(?:inch|mm|cm|zoll|дюйм|\"|″|”))"  # not "kit 6 inch": a size
    r"|x\s*(?P<x>\d{1,5})(?![\d.a-z-]|,\d)"
    r"|(?P<word>pcs|pieces|units|unit|pack|miners|machines|sets|set|pc|x|"
    r"stück|stk|sztuk|szt|pezzi|piezas|unidades|equipos|peças|pièces)(?![a-z0-9])"
)
# where a cue may start: plain literals, which Python's re scans for fast; each hit is then
# checked with _QUANTITY_CUE anchored there (grouped by first letter, which the regex engine then
# tries once per place, not once per word)
_CUE_START = re.compile(
    "p(?:er|or|allet|ack|cs|ieces|c|ezzi|iezas|eças|ièces)|e(?:ach|a|quipos)|/|lot|"
    "b(?:undle|ulk|atch|ag)|s(?:et|ets|tück|tk|ztuk|zt|t(?= ))|kit|q(?:ty|uantity)|"
    "u(?:nits|nit|nidades)|m(?:iners|achines)|x"
)
# Swedish "3 st Antminer T21" (3 pieces), read only where the cue scan finds " st " (a cue start
# no cue matches): a count before "st" and a word after it (not "1st", "St Louis", a street
# "Main st" or "42 st" at the end)
_SWEDISH_ST = re.compile(
    r"(?<![\d.,])(\d{1,5}) st(?=\s+[a-z0-9])(?!\s+(?:louis|paul|pete\w*|george|john|charles|"
    r"albert|catharines|kilda|moritz|gallen|maarten)(?![a-z]))"
)
_CODE = re.compile(r"\s*([a-z]+\d+[a-z]*)")  # "c13", "bm1366", "s19j": a code after "Nx"
# after "Nx", a connector or port: "12 x PCIe", "4x USB", "8x ports": what a part has, not a lot
_SPEC_WORD = re.compile(
    r"\s*(?:pci-?e|sata|usb|ports?|sockets?|outlets?|connectors?|slots?|pins?)(?![a-z])"
)
_DIGITS_BEFORE = re.compile(r"(?:^|[^a-z0-9.,])(\d{1,5})(?:er)?\s*-?\s*$")  # "2er Set": of 2
# a count of pieces before "set" or "pack": "10 piece set", "6-piece pack", "10-teiliges Set",
# "5 delige set" (a set of 10, of 6, ...)
_PIECES_BEFORE = re.compile(
    r"(?:^|[^a-z0-9.,])(\d{1,4})\s*-?\s*(?:piece|teilig\w*|delig\w*|częściow\w*)\s*-?\s*$"
)
_SET_WORDS = frozenset({"set", "sets", "pack"})
_HOSTED = ("hosting", "colocation")  # a hosting subject word: a service, sold with no condition
# "2 bitcoin miners", "3 used machines": a count, one describing word, a word for whole machines
_DIGITS_WORD_BEFORE = re.compile(
    r"(?:^|[^a-z0-9.,$€£¥])(\d{1,4})\s+(?!(?:[ptgmk]h?|[kmg]?w|j|th|sol)\s)[a-z]{2,12}\s+$"
)
# a rate or power right before "each": "36.7T each", "3600W each" measure each piece
_MEASURE_BEFORE = re.compile(r"\d\s*(?:[tgmkp]h?(?:/s)?|th/s|[km]?w|ksol(?:/s)?)\s*$")
_MACHINE_WORDS = frozenset({"miners", "machines", "units", "equipos"})
_CAPACITY_WORDS = _MACHINE_WORDS | {"x"}  # "hosting for 40x S19k": what it holds
_SIZE_WORDS = frozenset({"unit", "units", "miners", "machines"})  # "6-unit": a size
# a count heading the title and words saying the price is for them all, without a number ("3
# Antminer S19 95T used, sold as a lot", "Два Antminer S19 одним лотом", "2 S19 en un solo lote",
# "3 S19 als Paket"), or after a sale verb heading it ("Отдам три M31S+ по 82Th одним лотом",
# "Selling 3 S19 as one lot", "Vendo 2 S19 en un solo lote"; Russian numerals read as digits);
# "цена за все" (the price for them all) says it as a lot word does; tried only on a title whose
# first or second character is a digit or that opens with such a verb
_LOT_WORDS = ("lot", "bundle", "package", "batch", "paket", "konvolut", "blocco", "за вс")
_SALE_VERBS = ["отдам", "продам", "продаю", "віддам", "sell", "selling", "wts", "vendo", "verkaufe"]
_SALE_HEAD = tuple(w + " " for w in [*_SALE_VERBS, "sprzedam"])
_SALE_PAIRS = frozenset(w[:2] for w in _SALE_HEAD)  # its quick check: a title's first letters
_COUNT_THEN_LOT = re.compile(
    r"\W?(?:(?:отдам|продам|продаю|віддам|sell|selling|wts|vendo|verkaufe|sprzedam)\s+)?"
    r"(\d{1,3})\s+(?!(?:[ptgmk]h?|th|[km]?w|j|x|pcs|units?)\b)[a-z].*?"
    r"(?:\b(?:as|in)\s+(?:a|one|1)\s+(?:single\s+)?(?:lot|bundle|package|batch)\b|\bone\s+lot\b"
    r"|\bsingle\s+lot\b|\bwhole\s+lot\b|одним\s+lot\b|\ben\s+(?:un\s+(?:solo\s+)?)?lote\b"
    r"|\bem\s+(?:um\s+)?lote\b|\ben\s+lot\b|\bals\s+(?:paket|konvolut)\b|\bin\s+blocco\b"
    r"|(?<![а-яё])за\s+(?:все|всё|всех|всі)(?![а-яёі])(?!\s*\d))"
)
# a fault word after a count ("two dead chips", "3 bad boards", "2 битых чипа"): how many of its
# pieces are faulty, not a lot
_FAULTY = (
    r"\s+(?:dead|bad|broken|faulty|failed|burnt|burned|defective|damaged|missing"
    r"|битых|битые|мертвых|мёртвых|нерабочих|坏)(?![a-zа-яё])"
)
# a faulty piece right before "xN" ("dead board x2", "bad fans x3"): N counts the faulty pieces
_DEFECT_COUNT = re.compile(
    r"(?:dead|bad|broken|faulty|failed|missing|burnt|defective)\s+(?:hash\s*-?\s*)?(?:boards?|fans?|chains?|chips?)\s*$"
)
# a fan set and its count of fans: "fan set for A1466, 2 fans", "4 fans set" (a lot of the fans)
_FAN_SET = re.compile(
    r"\bfans?\s*(?:sets?|kits?)\b.{0,60}?(?<![\w.,$€£])(\d{1,3})\s*(?:x\s*)?fans\b"
    r"|(?<![\w.,$€£])(\d{1,3})\s*(?:x\s*)?fans\s+(?:sets?|kits?)\b"
)
_LEADING = re.compile(r"^\W*\(\s*(\d{1,5})\s*\)")
_LEADING_CODE = re.compile(r"([vx]\d{1,3})(?![\w.,])")  # "V9 4TH": a bare model code first
# a bracketed count the price is for: "(6) sold together", "(3) juntos", "(2) вместе"
_BRACKET_LOT = re.compile(
    r"\(\s*(\d{1,5})\s*\)\s*(?:(?:sold|priced|vendid[oa]s|vendues?)\s+)?"
    r"(?:together|junt[oa]s|ensemble|вместе|разом)(?!\w)"
)
_PACKED = re.compile(r"\s*(?:packs?|bags?|boxes|sets?)(?![a-z])")  # "x50 pack": N items packed
_ONE_WORDS = frozenset({"unit", "pc", "set"})  # a singular word: "2019 unit" is a year
_NOT_COUNT = re.compile(r"\s*(?:%|percent|pct)(?![a-z])")  # a percentage after a number
_YEAR = re.compile(r"(?:19[89]|20[0-4])\d")
_STOCK_BEFORE = re.compile(  # order terms, stock counts and capacities are not lots
    r"(?:moq|(?<!/)min(?:imum)?\.?\s*(?:order)?(?:\s*qty)?|stock|available|availability|"
    r"(?<![а-яё])(?:оптом\s+)?(?:от|від)|"  # "оптом от 3 шт": wholesale from 3, an order term
    r"for|holds?|fits?|up\s+to|capacity|\s[+&]|plus|with|w/|incl\.?|including|"
    r"(?<![a-z])(?:na|pod)|"  # (Polish "na 12 sztuk", "pod 4": for that many)
    # Indonesian, Malay: "rak besi untuk miner 12 unit", "muat 12 unit", "kapasitas 12 miner"
    # (for, fits, capacity: what a rack or shelf holds)
    r"(?<![a-z])(?:untuk|muat|kapasitas|kapasiti)(?:\s+(?:miners?|asics?|mesin))?)\W{0,3}$"
)  # (not "7500 U/min, 2 Stück": a speed; "+ 2x PSUs", "with 2 fans": pieces it includes)
_STOCK_AFTER = re.compile(
    r"\s*(?:(?:units?|pcs|pieces|machines|miners?|stück|stk|sztuk|szt\.?|unidades|piezas|pezzi|"
    r"peças|pièces|equipos)\s*)?(?:available|avail|in\s+stock|left|slots?|bays?|"
    r"on\s+hand|ready|moq|min|holds|per\s+(?:carton|ctn|box|case|pallet)|"
    r"verfügbar|vorrätig|auf\s+lager|disponibles?|dispon[ií]ve(?:l|is)|disponibili|dostępn\w*|"
    r"mevcut|stokta)"
    r"(?![a-z])"
)  # (whole words: "4 miners" is not "4 min"; "10 pieces per carton" is packing)
# a count of units, then where they are held: "8 pcs at Abu Dhabi bonded", "40 units Hong Kong"
# (stock at a place, not a lot; not "2 units at $500": a price)
_STOCK_WHERE = re.compile(
    r"\s*(?:units?|pcs|pieces|machines|miners)\s+(?:at\s+(?![$€£¥\d])[a-z]|(?:in\s+|ex\s+)?"
    r"(?:hong\s*kong|hk|shenzhen|dubai|abu\s+dhabi|bonded|warehouse)(?![a-z]))"
)
_WORD = re.compile(r"[^\W_]+")
# Arabic-Indic and Persian digits ("۲۴۵", "٢٤٥") as ASCII ones, on Arabic-script text
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DIGIT = re.compile(r"\d")
# a price of electricity: "$0.06/kWh", "7 ct/kWh", "6c per kWh", "0,05 € pro kWh", "0.05 USD
# por kWh", "4,5 руб за кВт", "0.35元/度", "kWh başı 0,071 $", "1kWhあたり 26円", "kWh당 120원"
_POWER_PRICE = re.compile(
    r"(?:/|\b(?:per|por|pro|par|le|al)\s+|(?<![а-яё])за\s+|每)\s*(?:kwh|квт)|/\s*度|每度"
    r"|kwh\s*(?:başı|basi|あたり|당)"
)
# a cooling word anywhere in a title, and the catalog name endings of that cooling's variant
_COOLING_WORD = re.compile(r"(?<![a-z])(?:(?P<hydro>hydro|hyd)|immersion|imm)(?![a-z])")
_COOLING_SUFFIXES = {"hydro": ("hyd", "hydro"), "immersion": ("immersion", "imm", "i")}
_LATIN = re.compile("[A-Za-z]")
# Cyrillic "С" (Es) before an Antminer S number: Russian writes the S of "S19", "S21 Pro" as "С"
# ("Антмайнер С21 Про", "С19j"), not as the Latin C it looks like (a connector, "C19-C20", is
# followed by its pair)
_CYRILLIC_S = re.compile(r"[Сс](?<![\w][Сс])(?=(?:9|1[1579]|2[13])(?:[a-zа-я+]|(?![\w-])))")
# the same for "т" before a T-series number ("асик т21", "т19 84т"): Antminer's T, not a tonne
_CYRILLIC_T = re.compile(r"[Тт](?<![\w][Тт])(?=(?:9|1[579]|21)(?:[a-zа-я+]|(?![\w-])))")
# Characters of a title that are read. Listing titles are capped at 500 when scraped (eBay
# allows 80); the cap bounds the work for a title from anywhere else.
MAX_CHARS = 500


def clean(title: str, lex: Lexicon) -> str:
    """Case-folded, width-folded text with the lexicon's translations applied.

    Hostile spellings read as the plain one: fullwidth and other compatibility forms by NFKC,
    invisible characters inside a word ("S1\u200b9") are removed (the scrapers' text cleaner,
    :func:`scrapers.drop_invisible`), and Cyrillic or Greek
    lookalike letters in a Latin word ("Аntminer", "Ѕ19") become Latin (the lexicon's
    ``homoglyphs``)."""
    if title.isascii():
        text = title.casefold()
    else:
        text = drop_invisible(title)
        if "，" in text:  # a CJK comma between clauses ("神马M50S，126T"): a comma and a space
            text = _CJK_COMMA.sub(", ", text)
        if ("С" in text or "с" in text) and _CYRILLIC_S.search(text) is not None:
            text = _CYRILLIC_S.sub("s", text)
        if ("Т" in text or "т" in text) and _CYRILLIC_T.search(text) is not None:
            text = _CYRILLIC_T.sub("t", text)
        mixed = lex.homoglyph_beside_latin
        if mixed is not None and mixed.search(text):
            text = _fold_homoglyphs(text, lex.homoglyphs)
        text = unicodedata.normalize("NFKC", text.casefold()).casefold()
        if "\u0307" in text:  # Turkish "İ" folds to "i" and a combining dot: "İkinci el"
            text = text.replace("i\u0307", "i")
        cjk = CJK_TEXT.search(text) is not None
        if cjk:
            text = _CJK_COUNT.sub(_cjk_count, text)
        cyrillic = CYRILLIC_TEXT.search(text) is not None
        arabic = not cjk and not cyrillic and ARABIC_TEXT.search(text) is not None
        if arabic:
            text = text.translate(_ARABIC_DIGITS)
        # the translations for any script, then CJK, Cyrillic, Arabic ones (indexed, _indexes)
        indexes = _indexes(lex)
        text = indexes[0].apply(text)
        if cjk:
            text = indexes[1].apply(text)
        if cyrillic:
            text = indexes[2].apply(text)
        if arabic:
            text = indexes[3].apply(text)
    if lex.words_gate.search(text):  # (the lexicon's words, or "each")
        if "each" in text and _RATE_EACH.search(text) is not None:
            text = _RATE_EACH.sub(r"\1", text)  # "(88T each)": each unit's rate, not a unit price
        text = lex.words.sub(lambda m: lex.word_map[m.group(1)], text)
    return text


# a CJK full-width comma (NFKC makes it "," glued to the next word, which hides "S19，95T"'s
# rate), but not one grouping thousands ("1，200元": a digit, then three and no more)
_CJK_COMMA = re.compile("，(?!(?<=\\d，)\\d{3}(?!\\d))")
# "each" after a rate and closing its clause ("Two T19 (88T each) - $500 takes both", "2x S19
# 95TH each, $900 for both"): the rate of each unit, not a price per unit
_RATE_EACH = re.compile(
    r"(\d\s*(?:[ptgm]h?(?:/s)?|th/s|ths|tera(?:hash)?|ksol(?:/s)?|sol/s))\s+each(?=\s*(?:[),;]|$))"
)


class _Translations:
    """One script's translations, run in the lexicon's order, each only where the text holds
    one of its literals (every match of it holds one). One scan finds the literals the text
    holds (a trie of them); the rules of no such literal are not looked at. Sound because the
    literals are of other scripts and every translation writes ASCII (tests/normalise/
    test_lexicon.py): a literal the text lacks never appears after another rule ran. A rule
    without literals, or with an ASCII one, is tried on every text of its script."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        literals = sorted({w for _, _, holds in rules for w in holds if not w.isascii()})
        self.finder = re.compile(_literal_trie(literals)) if literals else None
        # a literal the trie finds -> the literals starting with it (the trie finds the
        # shortest one at a place)
        self.longer = {w: [o for o in literals if o.startswith(w)] for w in literals}
        self.by_literal: dict[str, list[int]] = {}
        self.always: list[int] = []
        for i, (_, _, holds) in enumerate(rules):
            if not holds or any(w.isascii() for w in holds):
                self.always.append(i)
            for w in holds:
                self.by_literal.setdefault(w, []).append(i)

    def apply(self, text: str) -> str:
        chosen = set(self.always)
        if self.finder is not None:
            search, longer, by_literal = self.finder.search, self.longer, self.by_literal
            found = search(text)
            while found is not None:  # every place a literal starts (and inside another one)
                at = found.start()
                for w in longer[found.group(0)]:
                    if text.startswith(w, at):
                        chosen.update(by_literal[w])
                found = search(text, at + 1)
        rules = self.rules
        for i in sorted(chosen):
            pattern, repl, _ = rules[i]
            text = pattern.sub(repl, text)
        return text


@lru_cache(maxsize=4)
def _indexes(lex: Lexicon) -> tuple[_Translations, ...]:
    """The lexicon's translations for any script, CJK, Cyrillic and Arabic, indexed."""
    return tuple(
        _Translations(rules)
        for rules in (
            lex.translate,
            lex.translate_cjk,
            lex.translate_cyrillic,
            lex.translate_arabic,
        )
    )


# a count in Chinese numerals before a measure word ("五台", "十个一起", "四個一組", "二十颗"):
# written in digits, which the lexicon's measure-word rules ("(\\d)\\s*台") then read
_CJK_DIGIT = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
_CJK_DIGIT.update({"八": 8, "九": 9})
_CJK_COUNT = re.compile(
    "([一二两兩三四五六七八九十百]+)"  # (leftmost: the whole run of numerals)
    "(?=\\s*(?:台|个(?!月)|個(?!月)|颗|顆|根|片|块|塊|套|只))"  # (只: "四只", four of a part)
)


def _cjk_count(m: re.Match[str]) -> str:
    """The numeral as digits: "十二" 12, "二十" 20, "一百" 100; a string that is no number stays."""
    total, digit = 0, 0
    for ch in m.group(1):
        if ch == "百":
            total, digit = total + (digit or 1) * 100, 0
        elif ch == "十":
            total, digit = total + (digit or 1) * 10, 0
        elif digit:
            return m.group(1)  # two digits in a row ("一二"): not a numeral
        else:
            digit = _CJK_DIGIT[ch]
    return f" {total + digit}"


# a homoglyph table's id -> (that table, the same with Cyrillic "С" as "s", for model codes)
_CODE_TABLES: dict[int, tuple[dict[int, str], dict[int, str]]] = {}


def _fold_homoglyphs(text: str, table: dict[int, str]) -> str:
    """Lookalike letters read as Latin in a word that has Latin letters, or digits and Greek
    lookalikes, or digits after a Cyrillic lookalike ("Ѕ19"; but "100р" is 100 roubles). A word
    wholly in another script is left as written. In a word with digits (a model code: "М60С",
    "КС3М") Cyrillic "С" is the Latin S it transliterates, not the C it looks like."""
    known = _CODE_TABLES.get(id(table))
    if known is None or known[0] is not table:
        known = _CODE_TABLES[id(table)] = (table, table | {ord("С"): "s", ord("с"): "s"})
    code_table = known[1]

    def fold(m: re.Match[str]) -> str:
        word = m.group(0)
        folded = word.translate(code_table if _DIGIT.search(word) else table)
        if folded == word or not folded.isascii():
            return word  # no lookalike, or a letter only that script has: a word of it
        if _LATIN.search(word):
            return folded
        if not word.isalpha() and (not word[0].isascii() or not CYRILLIC_TEXT.search(word)):
            return folded
        return word

    return _WORD.sub(fold, text)


def _unglue(text: str) -> str:
    """ "s19jpro104t" -> "s19jpro 104t ", "m30s+100t34w" -> "m30s+ 100t 34w": only tried
    when the plain reading finds nothing."""
    return _GLUED_POWER.sub(r"\1 ", _GLUED.sub(r"\1 \2 ", text))


def _subject(
    text: str, lex: Lexicon, catalog: Catalog | None = None
) -> tuple[Literal["part", "other"], str] | None:
    """("part"|"other", word) when the title sells a part or a non-miner; else None. A service
    (repairing machines) wins over a part word anywhere in the title: it sells no goods."""
    first = lex.subject_padded.search(" " + text)  # (its start is the word's in text)
    if first is None:  # (every service phrase holds a word the subject pattern finds: "svc")
        return None
    hits = list(lex.subject.finditer(text, first.start()))
    if any(m.group("svc") for m in hits):
        at = next((m.start() for m in hits if not m.group("svc")), len(text))
        if (service := _service(text, lex, at)) is not None:
            return "other", service
    for m in hits:
        if m.group("svc"):
            continue
        before, after = text[max(0, m.start() - 40) : m.start()], text[m.end() : m.end() + 30]
        if lex.included_before.search(before) and not m.group(0).startswith(_WITHOUT):
            continue  # "with PSU", "+ APW12": the miner is the subject
        other = m.group("other") is not None
        if not other and _ONLY.match(after):
            return "part", m.group(0)  # "S19 Pro 110T hashboard only": the board is sold
        if lex.after.search(after) and not _heads_what_is_sold(text, m, before, other, catalog):
            continue  # "PSU included", "hashboard dead": the miner is the subject
        heading = other and (h := lex.heading_other) is not None and h.fullmatch(m.group(0))
        if (heading or not other) and _after_miner_head(text, m, lex, catalog, not other):
            continue  # "M50S+ 140T ..., power supply built in", "S19 191T, ran on dry cooler"
        # "dead hashboard", "one fan missing": the miner's fault (but "dead M60 hash board
        # (whatsminer) - parts": a faulty part heading a title with no hashrate is what is sold)
        if (
            not other
            and (d := lex.defect_before.search(before)) is not None
            and not (_opens_title(before, d.start(), m.start()) and not _measures(text)[0])
        ):
            continue
        if m.group("weak") and (_measures(text)[0] or _ends_alias(text, m.start(), catalog)):
            continue  # a chip code beside a hashrate, or in an alias ("Bitaxe BM1366"): a miner
        return ("other" if other else "part"), m.group(0)
    return None


def _opens_title(before: str, at: int, word_at: int) -> bool:
    """The defect word at ``at`` in ``before`` (the 40 characters before a part word starting at
    ``word_at``) opens the title: nothing but marks before it."""
    return word_at <= 40 and not any(c.isalnum() for c in before[:at])


_ONLY = re.compile(r"\W{0,3}only(?![a-z])")
# a non-miner phrase that is itself "without the machine" ("box with foam, ohne Gerät"): no
# "with ..." before it makes the machine the subject
_WITHOUT = ("without", "ohne", "sans", "sem ", "senza", "sin ", "без")
_NEW = re.compile(r"(?<![a-z])new\s+")


def _new_part(text: str, lex: Lexicon) -> Condition:
    """ "new" before a part word, in a title that sells a part ("APW17 new PSU", "12038 fan new
    fans x4"): the part sold is new (in a miner's title, "new PSU" is an accessory's state)."""
    for m in _NEW.finditer(text):
        if lex.subject.match(text, m.end()) is not None:
            return "new"
    return "unknown"


_SEPARATED = re.compile(r"\s*[-\u2013\u2014:]")  # a dash or colon: not ", dead fan"


def _heads_what_is_sold(
    text: str, m: re.Match[str], before: str, other: bool, catalog: Catalog | None
) -> bool:
    """A part or non-miner word whose following words ("available", "not hashing") would make
    it part of a miner listing, but that heads what is sold: a non-miner word opening the
    title ("Hosting available ..."), or a part word right after a model name in a title with no
    hashrate: a board ("S19 XP hash board faulty for repair", "Avalon A1466 control board dead"),
    or any part set off from the fault that follows ("Antminer KS5 Pro hashboard - not hashing",
    "Whatsminer M30S PSU: faulty"; "S19 fan broken" is a miner with a broken fan). With a
    hashrate the machine is named: "S19 95T hashboard dead" stays a miner with a dead board."""
    if other:
        return m.start() <= 40 and not any(c.isalnum() for c in before)
    if catalog is None or not ("board" in m.group(0) or _SEPARATED.match(text, m.end())):
        return False
    tokens = _TOKEN.findall(before)
    if not tokens or not any("".join(tokens[i:]) in catalog.by_key for i in range(len(tokens))):
        return False
    return not _measures(text)[0]


def _after_miner_head(
    text: str, word: re.Match[str], lex: Lexicon, catalog: Catalog | None, part: bool
) -> bool:
    """The head-noun rule: a part or plant word that comes after a hashrate (the title has
    already named the machine it sells: "M20S 65TH inc PSU", "S19j Pro 104T ... 带原装电源",
    "S19 Pro+ Hydro 191T, ran on dry cooler") describes that machine, unless it is itself for a
    model ("... 95TH, spare PSU for S19") or ends the title right after the rate ("Antminer
    S21 200T control board", "S19 XP 140T single hash board, tested"; not "..., original PSU")
    or, right after the rate, is followed by its own chip code ("S21 200T hash board BM1368 -
    faulty": the board is described; "S19 95T hashboard dead" stays a miner), or ends its own
    phrase there ("S21 200T hashboard, tested working": a comma, bracket or spaced dash after
    it), or is counted there and only words of the sale follow ("M60S 186T 3 hashboards set,
    used - price for the 3"). A
    part word heading the title, or one before any hashrate ("PSU for S19 95TH", "Placa
    controladora Antminer S19"), is the subject."""
    start, end = word.span()
    rate = None
    for m in _MEASURE.finditer(text, 0, start):
        if m.lastgroup in ("hash", "sol") and not (m.group("hash") == "p" and _nema_plug(text, m)):
            rate = m
    if rate is None:
        return False  # no hashrate before the word
    if catalog is not None and (f := lex.part_for.match(text, end)) is not None:
        nxt = _TOKEN.match(text, f.end())
        if nxt is not None and nxt.group(0)[0].isalpha() and nxt.group(0) in catalog.prefixes:
            return False  # "... fan for S19": a part for a model, wherever it stands
    if part and _BEFORE_SOLD_PART.fullmatch(text, rate.end(), start):
        if _SET_OFF.match(text, end):  # "S21 200T hash board BM1368 - faulty": the board's
            return False  # chip code: the board is what is sold
        if _OWN_RATE.match(text, end):  # "KS5 (20T) one hash board ~7T": the board's own rate
            return False
        if _COLON.match(text, end):
            return False  # "S19j Pro 104T shell: case + 4 fans": what follows describes the part
        if _SOLD_ALONE.match(text, end):  # "S19 95T 算力板 单板", "95T hashboard single unit":
            return False  # the one board named as what is sold
        if _SET_APART.match(text, end):  # "S21 200T hashboard, tested": the board's phrase ends
            return False  # (a fault right after it, "hashboard, dead", was read above)
        if text[rate.end() : start].isspace() and _STATED_APART.match(text, end):
            return False  # "S21 200T hashboard used, pulled from ...": the board's own state
        return _SALE_TAIL.fullmatch(text, end) is None  # the part ends the title: it is sold
    if part and _COUNTED_PART.fullmatch(text, rate.end(), start):
        # "M60S 186T 3 hashboards set, used": a count of the part, then only words of the sale
        return _SALE_TAIL.fullmatch(text, end) is None
    return True


# between the rate and a part word sold on its own: marks, or a word saying it is one piece
_BEFORE_SOLD_PART = re.compile(r"(?:[\W_]|(?:single|one|empty|spare|replacement|bare)\b)*")
# after a part word, its own chip code, then a mark or the end: the part is what is described
_SET_OFF = re.compile(r"\s*bm\d{4}\w*\s*(?:[-\u2013\u2014:,(/]|$)")
_COLON = re.compile(r"\s*:")
# after a part word, a word saying it is one piece on its own ("单板", "单块" read "single")
_SOLD_ALONE = re.compile(r"\s*(?:single|alone|by\s+itself)(?![a-z])")
# after a part word, a rate of its own: "one hash board ~7T", "hashboard 36T" (a piece's share)
_OWN_RATE = re.compile(r"\s*[~≈]?\s*\d+(?:\.\d+)?\s*t(?:h(?:/s)?)?(?![a-z0-9])")
# after a part word, a comma, bracket or spaced dash: the part's own phrase ends there
_SET_APART = re.compile(r"\s*(?:[,;(]|[-\u2013\u2014]\s)")
# after a part word right after the rate, the part's condition, then its phrase ends
_STATED_APART = re.compile(
    r"\s+(?:used|new|refurbished|pulled|b/u|gebraucht|usad[ao]|neuf|nuevo|novo)"
    r"\s*(?:[,;(]|[-\u2013\u2014]\s)"
)
# between the rate and a part word: a count of the part ("186T 3 hashboards", "95T 2x PSU")
_COUNTED_PART = re.compile(r"[\W_]*\d{1,2}\s*(?:x\s*)?")
# after a part word, nothing but words of the sale ("tested working, 1 pc", "used, working
# pull", "set, used - price for the 3")
_SALE_TAIL = re.compile(
    r"(?:[\W_]|\d|x\b|pcs?\b|pieces?\b|one\b|sets?\b|for\s+sale\b|wts\b|only\b|tested\b|"
    r"working\b|works\b|ok\b|pull(?:s|ed)?\b|new\b|used\b|sale\b|each\b|"
    r"replacement\b|spare\b|"  # ("S21 200TH hash board replacement - new": a board to fit)
    r"single\b|sold\b|together\b|x(?=\d)|"  # ("S19 95T 哈希板 单块", "hashboard x3 sold together")
    r"(?:antminer|whatsminer|avalon|bitmain|microbt|canaan)\b|"  # the maker named again
    r"(?:the\s+)?price(?:\s+for(?:\s+the)?)?\b)*"
)


_FOR_BUYER = re.compile(r"\bfor\W+(?:[\w+.-]+\W+){0,4}$")


def _service(text: str, lex: Lexicon, subject_at: int) -> str | None:
    """The words offering a service ("hashboard repair service", "will repair your miner",
    "矿机维修"), or None. "<a board> repair" only counts where it is the first thing the title
    names (``subject_at``: where its first part or other word starts) and no word before it
    makes it the item's use or need: "chips for hashboard repair", "needs repair" offer none.
    Called only on a title that holds one of the lexicon's ``service_gate`` words."""
    # ("chips ... for S21 board repair shops": shops named after "for" are who buys)
    if (
        lex.service is not None
        and (m := lex.service.search(text)) is not None
        and not (
            m.group(0).endswith(("shop", "shops"))
            and _FOR_BUYER.search(text, max(0, m.start() - 40), m.start())
        )
    ):
        return m.group(0)
    if lex.repair is not None:
        for m in lex.repair.finditer(text):
            if m.start() > subject_at:
                break
            if not lex.repair_not_before.search(text, max(0, m.start() - 40), m.start()):
                return m.group(0)
    return None


def _ends_alias(text: str, at: int, catalog: Catalog | None) -> bool:
    """The word at ``at`` ends a catalog alias with the tokens just before it."""
    if catalog is None or (word := _TOKEN.match(text, at)) is None:
        return False
    before = _TOKEN.findall(text, max(0, at - 24), at)
    return any("".join(before[i:]) + word.group(0) in catalog.by_key for i in range(len(before)))


def _find_model(tokens: list[str], text: str, catalog: Catalog) -> Model | None:
    """The longest catalog key made of adjacent tokens; ambiguous keys decided by maker word."""
    best: tuple[int, tuple[Model, ...]] | None = None
    best_len = 0
    prefixes, by_key = catalog.prefixes, catalog.by_key
    n = len(tokens)
    for i, key in enumerate(tokens):
        j = i
        while key in prefixes:
            if len(key) > best_len and (found := by_key.get(key)) is not None:
                best, best_len = (len(key), found), len(key)
            j += 1
            if j >= n:
                break
            key += tokens[j]
    if best is None:
        return None
    models = best[1]
    if len(models) > 1:
        named = [m for m in models if _maker_words(m) & set(tokens)]
        models = tuple(named) or models
    return models[0] if len(models) == 1 else _by_hashrate(models, text)


def _several_models(text: str, catalog: Catalog) -> tuple[str, str] | None:
    """Two catalog models the title names apart ("S19 XP, S21 or T21": the first two), each the
    longest key from where it starts; None when it names one (however often) or none."""
    tokens = _TOKEN.findall(text)
    prefixes, by_key = catalog.prefixes, catalog.by_key
    first: tuple[Model, ...] | None = None
    i, n = 0, len(tokens)
    while i < n:
        key, j, found, end = tokens[i], i, None, i
        while key in prefixes:
            if (hit := by_key.get(key)) is not None:
                found, end = hit, j
            j += 1
            if j >= n:
                break
            key += tokens[j]
        if found is None:
            i += 1
            continue
        if first is None:
            first = found
        elif not {m.name for m in found} & {m.name for m in first}:
            return first[0].name, found[0].name
        i = end + 1
    return None


@lru_cache(maxsize=8)
def _bare_codes(catalog: Catalog) -> dict[str, Model]:
    """Models whose name after the maker is count- or version-shaped ("x9", "v9"): the catalog
    keeps no such key (it would read "x9" as nine), so only :func:`_bare_code` reads them."""
    return {
        short: m
        for m in catalog.models
        if _COUNT_OR_VERSION.fullmatch(short := compact(m.name.split(" ", 1)[-1]))
    }


def _bare_code(code: str, text: str, catalog: Catalog) -> Model | None:
    """A title led by a bare "V9"/"X9" names that model when the title states one of its
    rates ("V9 4TH BTC miner"); without a rate that fits, the code may be a count."""
    model = _bare_codes(catalog).get(code)
    if model is None or not (readings := _measures(text)[0]):
        return None
    return model if _fit(model, readings)[0] <= 0.1 else None


def _cooled_variant(model: Model, text: str, catalog: Catalog) -> Model:
    """An air model named with a cooling word apart from its name ("S21 XP 473TH Hydro",
    "S21 200T 浸没式"): the catalog's model of that cooling ("... Hyd", "... Immersion", "...I"),
    when it has one; else the model as found."""
    m = _COOLING_WORD.search(text)
    if m is None:
        return model
    cooling = "hydro" if m.group("hydro") else "immersion"
    base = compact(model.name)
    if model.cooling == "air" and base.endswith("air"):  # "A2 Pro Air" -> "A2 Pro Hyd"
        base = base[:-3]
    for suffix in _COOLING_SUFFIXES[cooling]:
        found = catalog.by_key.get(base + suffix)
        if found is not None and len(found) == 1 and found[0].cooling == cooling:
            return found[0]
    return model


def _rate_sibling(
    model: Model, text: str, quantity: int, condition: Condition, catalog: Catalog
) -> Normalised | None:
    """The title read as the air model's hydro or immersion sibling ("A2 Pro Air" -> "A2 Pro
    Hyd"), where the title's rate, far from the air model's bins, is at one of the sibling's;
    None where no sibling fits better."""
    base = compact(model.name)
    base = base[:-3] if base.endswith("air") else base
    for cooling, suffixes in _COOLING_SUFFIXES.items():
        for suffix in suffixes:
            found = catalog.by_key.get(base + suffix)
            if found is None or len(found) != 1 or found[0].cooling != cooling:
                continue
            sibling = _miner(found[0], text, quantity, condition)
            if sibling.confidence >= 0.95:
                return sibling
    return None


def _maker_words(model: Model) -> set[str]:
    return {model.maker.casefold(), model.name.split(" ", 1)[0].casefold()}


def _by_hashrate(models: tuple[Model, ...], text: str) -> Model:
    readings = _measures(text)[0]
    if not readings:
        return models[0]
    return min(models, key=lambda m: _fit(m, readings)[0])


def _measures(text: str) -> tuple[list[float], int | None, float | None]:
    """Hashrates in H/s (or Sol/s), the power in W and the J/TH efficiency found in the text."""
    hashrates: list[float] = []
    power: int | None = None
    efficiency: float | None = None
    for m in _MEASURE.finditer(text):
        raw = m.group(1)
        if "," in raw:
            head, _, tail = raw.partition(",")
            raw = head + tail if len(tail) == 3 else f"{head}.{tail}"
        value = float(raw)
        unit = m.lastgroup  # the one unit group that matched
        if unit == "hash" and m.group("hash") == "p" and _nema_plug(text, m):
            continue  # a NEMA plug name ("L6-30P", "5-15P", "14-50R"), no 30 PH/s
        if unit == "hash":
            hashrates.append(value * _MULTIPLIER[m.group("hash")])
        elif unit == "sol":
            hashrates.append(value * (1e3 if m.group("sol").startswith("k") else 1.0))
        elif unit == "kw":
            power = power or round(value * 1000)
        elif unit == "w":
            if value >= 150:
                power = power or round(value)
            elif value >= 5:
                efficiency = efficiency or value  # "34W" in a title means 34 J/TH
        elif unit == "eff" and 5 <= value < 150:
            efficiency = efficiency or value
    return hashrates, power, efficiency


def _nema_plug(text: str, m: re.Match[str]) -> bool:
    """A bare "P" rate written as a NEMA plug's name: digits, a dash, digits, P ("L6-30P")."""
    at = m.start()
    return (
        m.end() - m.start("hash") == 1
        and text[at - 2 : at - 1].isdigit()
        and text[at - 1 : at] == "-"
    )


def _bare_hashrate(model: Model, text: str) -> float | None:
    """A number without a unit right after the model's name ("Антмайнер S9 13.5 на запчасти",
    "S19kpro 115 $310": the name's end, glued or not; a price sign after the number is the next
    number's) or after a word naming the rate ("Hashrate: 95") that is one of the model's
    catalog bins (within 2 %): its hashrate, in H/s. Any other bare number (a price, a count, a
    year) is not read."""
    last = model.name.rsplit(" ", 1)[-1].casefold()
    name = compact(model.name)
    for m in _BARE_AFTER.finditer(text):
        word = m.group(1)
        if word != last and word not in _RATE_WORDS and (len(word) < 2 or not name.endswith(word)):
            continue
        value = float(m.group(2).replace(",", "."))
        if any(abs(value - b) <= 0.02 * b for b in model.bins):
            return value * model.base
    return None


def _fit(model: Model, readings: list[float]) -> tuple[float, float | None]:
    """(relative distance, native hashrate) of the reading nearest one of the model's bins."""
    bins, base = model.bins, model.base
    best: tuple[float, float | None] = (float("inf"), None)
    last = len(bins) - 1
    if last < 0:
        return best
    for reading in readings:
        native = reading / base
        i = bisect_left(bins, native)
        for b in (bins[i - 1], bins[i]) if 0 < i <= last else (bins[min(i, last)],):
            distance = abs(native - b) / b
            if distance < best[0]:
                best = (distance, native)
    return best


def _price_slash(text: str, at: int) -> bool:
    """ "price/unit": the "/" at ``at`` follows "price"."""
    return text[at] == "/" and text.endswith("price", 0, at)


def quantity_of(
    text: str, catalog: Catalog | None = None, capacity: bool = False, lex: Lexicon | None = None
) -> int:
    """Units the listed price buys: "lot of 4" is 4; "x3 ... price per unit" is 1; "5 units
    available" is stock, not a lot, so 1. With ``capacity`` (the title sells an installation: a
    container, a farm, hosting), "210 units" and "40x S19k" are what it holds, not a lot."""
    candidates: list[tuple[int, int, int]] = []  # (position, end, n)
    if "(" in text[:4] and (m := _LEADING.match(text)) is not None:
        candidates.append((m.start(1), m.end(1), int(m.group(1))))
    swedish = True  # (" st " not read yet: read once, where the cue scan first finds it)
    for hit in _CUE_START.finditer(text):
        at = hit.start()
        if at and (c := text[at - 1]).isalpha() and (c != "e" or not _price_slash(text, at)):
            continue  # a cue inside a word (but "price/unit")
        if (m := _QUANTITY_CUE.match(text, at)) is None:
            if swedish and text.startswith("st ", at) and text[at - 1 : at] == " ":
                swedish = False
                for m in _SWEDISH_ST.finditer(text):
                    if not _YEAR.fullmatch(m.group(1)):  # (not "2019 st": a year)
                        candidates.append((m.start(1), m.end(1), int(m.group(1))))
            continue
        if m.group("per"):
            if text.startswith("e", at) and _MEASURE_BEFORE.search(text, max(0, at - 16), at):
                continue  # "3 hash boards 36.7T each": each board's rate, not a unit price
            if m.start() == 0 or not text[m.start() - 1].isalpha() or text.endswith("price", 0, at):
                return 1  # "$1,450 each", "price per unit", "price/unit": the price buys one
            continue
        if m.group("lot"):
            candidates.append((m.start("lot"), m.end("lot"), int(m.group("lot"))))
            if d := _DIGITS_BEFORE.search(text, max(0, at - 12), at):
                # "4 pack 12038 fans": the count is before the word, the number after a size
                candidates.append((d.start(1), d.end(1), int(d.group(1))))
            continue
        word, name = m.start("word"), m.group("word")
        if m.group("x"):
            if at and text[at - 1].isdigit() and text[at + 1] == " ":
                # "4x 12038 fans": "4x", then a fan's size (not "40x40", a size itself)
                word, name = at, "x"
            elif at and text[at - 1].isalnum():
                continue
            elif _DEFECT_COUNT.search(text, max(0, at - 24), at):
                continue  # "dead board x2": how many of its boards are dead, not a lot
            else:
                if capacity and not _PACKED.match(text, m.end()):
                    continue  # "hosting for x40 S19": what it holds (not "cables x50 pack")
                if _ends_alias(text, at, catalog) or "x" + m.group("x") in _algorithms(catalog):
                    continue  # "Antminer X5": a model name; "X11 DASH": an algorithm
                candidates.append((m.start("x"), m.end("x"), int(m.group("x"))))
                continue
        if word < 0 or capacity and name in _CAPACITY_WORDS:
            continue  # "container 210 units": what an installation holds, not a lot
        if d := _DIGITS_BEFORE.search(text, max(0, word - 12), word):
            if name == "x" and not _counts_things(text, word + 1, catalog):
                continue  # "6x BM1366", "12x C13 outlets": a spec, not a lot
            if "-" in text[d.end(1) : word] and name in _SIZE_WORDS:
                continue  # "immersion tank 6-unit", "4-miner rack": a size, not a count
            if name in _ONE_WORDS and _YEAR.fullmatch(d.group(1)):
                continue  # "2019 unit", "2021 model set": the year it was made, not a count
            candidates.append((d.start(1), d.end(1), int(d.group(1))))
        elif name in _MACHINE_WORDS and (
            d := _DIGITS_WORD_BEFORE.search(text, max(0, word - 20), word)
        ):
            candidates.append((d.start(1), d.end(1), int(d.group(1))))
        elif name in _SET_WORDS and (d := _PIECES_BEFORE.search(text, max(0, word - 24), word)):
            candidates.append((d.start(1), d.end(1), int(d.group(1))))  # "10 piece set"
    if "fan" in text and (f := _FAN_SET.search(text)) is not None:
        g = 1 if f.group(1) else 2
        candidates.append((f.start(g), f.end(g), int(f.group(g))))  # "fan set, 2 fans": 2 fans
    for start, end, n in sorted(candidates) if candidates else ():
        if (
            _STOCK_BEFORE.search(text, max(0, start - 24), start)
            or _STOCK_AFTER.match(text, end)
            or _STOCK_WHERE.match(text, end)
        ):
            continue  # "5 units available", "MOQ 20": stock and order terms, not a lot
        if text.startswith("%", end) or _NOT_COUNT.match(text, end):
            continue  # "15% deposit", "30 % upfront": a share of the price, never a count
        if start >= 3 and text.endswith(("sha-", "sha ", "sha"), 0, start):
            continue  # "sha-256 unit", "SHA 256 miners": the algorithm's name, never a count
        if 1 <= n <= 10_000:
            return n
    if ")" in text and (b := _BRACKET_LOT.search(text)) and not _YEAR.fullmatch(b.group(1)):
        return int(b.group(1)) if 1 <= int(b.group(1)) <= 10_000 else 1  # not "(2023)": a year
    lex = lex or load_lexicon()
    if lex.number_gate.search(text):
        w = _word_quantity(lex).search(text)
        if w is not None:
            number = next(g for g in w.groups() if g)
            if number.isdigit():
                return int(number) if 1 <= int(number) <= 10_000 else 1
            return 2 if number in ("pair", "both") else lex.number_words[number]
        if ("pair" in text or "both" in text or "пара" in text) and _PAIR_TOGETHER.search(text):
            return 2
    # a digit first, or after one space or mark (a title led by a letter fails the first compare)
    head = text[:2]
    if (
        (
            head < ":"
            and (head >= "0" or "0" <= head[1:] < ":")
            or head in _SALE_PAIRS
            and text.startswith(_SALE_HEAD)
        )
        and any(w in text for w in _LOT_WORDS)
        and (m := _COUNT_THEN_LOT.match(text))
    ):
        return int(m.group(1))  # "3 Antminer S19 95T, sold as a lot": the lot of 3
    return 1


# "T17 40T pair - both run, sold together", "both run, sold together", "пара S19, обе работают,
# продаю вместе": a pair sold together (tried only where "pair", "both" or "пара" stands)
_PAIR_TOGETHER = re.compile(
    r"\bpair\W+(?:[\w+.-]+\W+){0,4}?(?:both|together)\b|\bboth\W+(?:[\w+.-]+\W+){0,3}?together\b"
    r"|(?<![а-яё])пара\W+(?:[\w+.-]+\W+){0,6}?(?:вместе|обе|оба)(?![а-яё])"
)


@lru_cache(maxsize=4)
def _word_quantity(lex: Lexicon) -> re.Pattern[str]:
    """A count in the lexicon's number words: heading the title or after "lot of" ("Two S19
    95T", "Dois Antminer S19j Pro", "set of four"); a count packed as a reel, tray, tube, box,
    carton or crate of N ("reel of 100 BM1366"); before a word for machines ("three used
    miners"); the count the price is for ("price for the 3"); a count, in words or digits, that
    the price is for all of ("one price for all 20",
    "voor alle 4", "per tutti e 3", "за все 3", "all three for $2,400", "all 3 together"); or
    "pair of", "for the pair", "for both", "both for", "takes both", "price covers both", a
    title opening with "both" or "pair" or ending with "pair" ("power cable 16A pair"), or
    "por los dos", "pelas duas" (for the two), "com os dois", "con los dos" (with both). ("All 3
    boards hashing" counts nothing, nor does a count of faulty pieces heading the title: "Two
    dead chips on this hashboard" has one board.)"""
    words = "|".join(re.escape(w) for w in sorted(lex.number_words, key=len, reverse=True))
    return re.compile(
        rf"\b(?:(?:lot|bundle|pallet|set|pack)\s+of\s+|^\W*)({words})\b(?!{_FAULTY})"
        r"|\b(?:reel|tray|tube|box|carton|crate)\s+of\s+\(?\s*(\d{1,5})\b"
        rf"|\b({words})\s+(?:\w+\s+)?(?:miners|machines|units)\b"
        rf"|\b(?:for\s+all|voor\s+(?:alle|allemaal)|per\s+tutt[ie](?:\s+e)?)\s+(\d{{1,5}}|{words})\b"
        r"|(?<![а-яё])за\s+(?:все|всё|всех|всі)\s+(\d{1,5})\b"  # "цена за все 3" ("три": 3)
        # "цена за 4": the price is for 4
        r"|(?:цена|ціна|стоимость)\s+за\s+(\d{1,5})(?![\d.,]|\s*(?:т|th|%))"
        rf"|\ball\s+(\d{{1,5}}|{words})\s+(?:for|(?:[\w+.-]+\s+){{0,5}}together)\b"
        rf"|\btakes?\s+(?:it\s+)?all\s+(\d{{1,5}}|{words})\b"  # "one price takes all 4"
        # "ten sold as one lot", "three in a single bundle": a count in words, then a lot word
        rf"|\b({words})\s+(?:sold\s+)?(?:as|in)\s+(?:a|one)\s+(?:single\s+)?(?:lot|bundle|batch)\b"
        rf"|\bprice\s+(?:is\s+)?for\s+the\s+(\d{{1,5}}|{words})\b"
        r"|\b(pair)\s+of\b|\bfor\s+the\s+(pair)\b|\(\s*(?:a\s+)?(pair)\s*\)|\b(?:for|takes?)\s+(both)\b|\b(both)\s+for\b"
        r"|^\W*(both)\b|^\W*(pair)\b|\bcovers?\s+(both)\b|\b(pair)\W*$"
        r"|\bpor\s+l[oa]s\s+(dos)\b|\bpel[oa]s\s+(dois|duas)\b"  # "par, precio por los dos"
        # "preço é pelo kit com os dois", "precio del kit con los dos": the price is with both
        r"|\bcom\s+[oa]s\s+(dois|duas)\b|\bcon\s+l[oa]s\s+(dos)\b"
    )


@lru_cache(maxsize=8)
def _algorithms(catalog: Catalog | None) -> frozenset[str]:
    """The catalog's algorithm names, compacted ("x11", "sha256"): never a count."""
    return frozenset(compact(m.algorithm) for m in catalog.models) if catalog else frozenset()


def _counts_things(text: str, pos: int, catalog: Catalog | None) -> bool:
    """After "Nx": a word ("4x fan") or a model ("2x S19") is counted; a part code ("6x BM1366",
    "12x C13") or a connector ("12 x PCIe", "4x USB ports") is not."""
    if _SPEC_WORD.match(text, pos):
        return False
    nxt = _CODE.match(text, pos)
    if nxt is None:
        return True
    if nxt.group(1).startswith("apw"):
        return True  # "10x APW7 PSUs": a power supply's model, the things counted
    return catalog is not None and nxt.group(1) in catalog.prefixes


def condition_of(text: str, lex: Lexicon, part: bool = False) -> Condition:
    """The strongest condition the title states: for_parts > refurbished > used > new. A fault
    the title says the unit works despite ("broken fan, otherwise runs", "sold as is, hashing")
    is not for_parts; "not working", "for parts" always are. With ``part`` (the title sells a
    part or a non-miner), missing hashboards describe it ("case with fans, no hashboards", "heater
    built from an S19, no hashboards"): no condition; and a fault said of the machine the part
    was taken from (the lexicon's ``donor_before``: "hashboard pulled from a unit with a dead
    PSU", "fan off a broken S9") is that machine's, not the part's."""
    rank = lex.condition_rank
    first = lex.condition_padded.search(" " + text)  # (its start is the word's in text)
    if first is None:
        return "unknown"
    found = []
    gate = False  # a word of another language's conditions (the lexicon's conditions_more)
    for m in lex.condition.finditer(text, first.start()):
        if m.lastgroup == "more":
            gate = True
        else:
            found.append(rank[m.lastgroup or ""])
    if gate and lex.condition_more is not None:
        found += [rank[m.lastgroup or ""] for m in lex.condition_more.finditer(text)]
    if part and (rank["fault"] in found or rank["for_parts"] in found):
        found = _without_donors(text, lex, first.start(), gate)  # (only a part's title)
    if part and "lacks_boards" in rank:
        found = [r for r in found if r != rank["lacks_boards"]]
    if not found:
        return "unknown"
    best = min(found)
    if (
        lex.condition_names[best] == "fault"
        and lex.works_anyway is not None
        and lex.works_anyway.search(text)
    ):
        found = [r for r in found if r != best]
        if not found:
            return "unknown"
        best = min(found)
    return CONDITION_VALUE[lex.condition_names[best]]


_FAULTS = frozenset({"for_parts", "fault"})  # the condition groups a donor machine's fault is in


def _without_donors(text: str, lex: Lexicon, start: int, gate: bool) -> list[int]:
    """The ranks of the condition words found from ``start`` in a part's title, leaving out a
    fault said of the machine the part was taken from ("pulled from a unit with a dead PSU",
    "aus einem Miner mit defektem Netzteil"): the lexicon's ``donor_before`` before it."""
    rank, donor = lex.condition_rank, lex.donor_before
    matches = [m for m in lex.condition.finditer(text, start) if m.lastgroup != "more"]
    if gate and lex.condition_more is not None:
        matches += lex.condition_more.finditer(text)
    return [
        rank[m.lastgroup or ""]
        for m in matches
        if m.lastgroup not in _FAULTS or not donor.search(text, max(0, m.start() - 60), m.start())
    ]


class _Base(TypedDict):
    """The fields every answer has, whatever the title sells."""

    quantity: int
    condition: Condition


def normalise(title: str, catalog: Catalog | None = None) -> Normalised:
    """Normalise one listing title against the bundled (or given) catalog.

    Only the first :data:`MAX_CHARS` characters are read, which bounds the work (and the
    cache's memory) for any input."""
    return _normalise(title[:MAX_CHARS], catalog or load_catalog(), load_lexicon())


@lru_cache(maxsize=65536)
def _normalise(title: str, catalog: Catalog, lex: Lexicon) -> Normalised:
    text = clean(title, lex)
    quantity, condition = quantity_of(text, catalog, lex=lex), condition_of(text, lex)
    base = _Base(quantity=quantity, condition=condition)
    if not text.strip():
        return Normalised(kind="other", reason="empty title", **base)
    subject = _subject(text, lex, catalog)
    if subject is not None:
        kind, word = subject
        what = "part or accessory" if kind == "part" else "not a miner"
        if condition != "unknown" and kind == "other" and word.startswith(_HOSTED):
            # "Dubai hosting ... new containers": the site's condition, not the listing's (a
            # service sold has none)
            base["condition"] = "unknown"
        elif condition == "for_parts":  # (a heater "with no hashboards" lacks none)
            base["condition"] = condition_of(text, lex, part=True)
        elif kind == "part" and condition == "unknown" and "new" in text:
            base["condition"] = _new_part(text, lex)
        if kind == "other" and quantity > 1:  # "container ... 210 units": what it holds
            base["quantity"] = quantity_of(text, catalog, capacity=True, lex=lex)
        return Normalised(kind=kind, confidence=0.8, reason=f"{what}: {word!r}", **base)
    if (
        "kwh" in text or not text.isascii() and ("квт" in text or "度" in text)
    ) and _POWER_PRICE.search(text):
        # "Stellplätze für S19 Miner, 7 ct/kWh": a price of power is hosting or electricity sold
        base["quantity"] = quantity_of(text, catalog, capacity=True, lex=lex)
        base["condition"] = "unknown"  # "..., 6 ct/kWh, new containers": the site's, not sold
        return Normalised(kind="other", confidence=0.8, reason="a price per kWh", **base)
    model = _find_model(_TOKEN.findall(text), text, catalog)
    if model is None and (split := _unglue(text)) != text:
        text = split
        model = _find_model(_TOKEN.findall(text), text, catalog)
    if model is None and not text.isascii() and (split := _CJK_GLUE.sub(" ", text)) != text:
        text = split  # "壳牌kd6": the code apart from the CJK words before it
        model = _find_model(_TOKEN.findall(text), text, catalog)
    if model is None and text[:1] in "vx" and (code := _LEADING_CODE.match(text)):
        model = _bare_code(code.group(1), text, catalog)
    if model is not None:
        if model.cooling == "air" and ("hyd" in text or "imm" in text):
            model = _cooled_variant(model, text, catalog)
        miner = _miner(model, text, quantity, condition)
        if model.cooling == "air" and "far from the model" in (miner.reason or ""):
            # "SealMiner A2 Pro 530T": a rate only its hydro (or immersion) model is sold at
            miner = _rate_sibling(model, text, quantity, condition, catalog) or miner
        if miner.hashrate is None and (several := _several_models(text, catalog)) is not None:
            # "PSU for S19 XP, S21 or T21", "плата под M30S/M31S", "Прошивка асиков S19/S21":
            # what fits several machines, with no rate of its own, is no machine (no labelled
            # miner names two models without a rate; 195 parts and others do)
            reason = f"names {several[0]} and {several[1]} and no rate: fits several machines"
            return Normalised(kind="part", confidence=0.5, reason=reason, **base)
    elif (found := open_vocab.find(text)) is not None:
        # open vocabulary: a model name of a known family the catalog lacks (open_vocab.py)
        miner = open_vocab.miner(found, *_measures(text), quantity, condition)
    else:
        if lex.miner_signal.search(text) and _measures(text)[0]:
            return Normalised(
                kind="miner",
                confidence=0.3,
                reason="looks like a miner, but no catalog model matched",
                catalog_match=False,
                **base,
            )
        return Normalised(kind="other", confidence=0.5, reason="no catalog model in title", **base)
    if miner.quantity > 1:
        # a count with a price in the title: the price decides what it buys ("100pcs $560" is
        # stock priced per unit). Imported here: the quantity module builds on this one.
        from monitor.normalise.quantity import with_title_price

        return with_title_price(title, text, miner, catalog)
    return miner


# a rate in TH/s written out in words: "ninety-six TH", "seventy tera" (tried only on a miner
# title with no rate in figures)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS.update({"eighty": 80, "ninety": 90})
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_ONES.update({"eight": 8, "nine": 9})
_SPELLED_RATE = re.compile(
    rf"(?<![a-z])({'|'.join(_TENS)})(?:[\s-]({'|'.join(_ONES)}))?\s*-?\s*"
    r"(?:th(?:/s)?|t|tera(?:hash)?|terahash(?:es)?)(?![a-z])"
)


def _six(value: float) -> float:
    """``round(value, 6)``, without its cost (~0.2 us) for a whole number, which most rates are
    ("200T"): the same float either way."""
    return value if value.is_integer() else round(value, 6)


_J_TH: dict[tuple[int, float], float] = {}  # (W, TH/s) -> J/TH: a few hundred spec pairs


def _j_th(power: int, ths: float) -> float:
    """``round(power / ths, 2)``, remembered: most titles state (or their model gives) one of a
    few hundred spec pairs, and rounding to cents costs ~0.2 us."""
    if (got := _J_TH.get((power, ths))) is None:
        got = round(power / ths, 2)
        if len(_J_TH) < 4096:
            _J_TH[(power, ths)] = got
    return got


def _miner(model: Model, text: str, quantity: int, condition: Condition) -> Normalised:
    readings, title_power, title_eff = _measures(text)
    if not readings and (split := _unglue(text)) != text:
        readings, title_power, title_eff = _measures(split)
    if not readings and (bare := _bare_hashrate(model, text)) is not None:
        readings = [bare]
        if quantity > 1 and quantity * model.base == bare:
            quantity = 1  # "L7 9300 майнер": the bare number after the name is its rate
    if not readings and "ty" in text and (spelled := _SPELLED_RATE.search(text)) is not None:
        tens, ones = spelled.groups()  # "ninety-six TH": a rate written out in words
        readings = [(_TENS[tens] + (_ONES[ones] if ones else 0)) * 1e12]
    ths, hashrate, power, j_th, confidence, reason = _spec(model, readings, title_power, title_eff)
    return Normalised(
        "miner",
        model.maker,
        model.name,
        model.algorithm,
        ths,
        hashrate,
        model.unit,
        power,
        j_th,
        quantity,
        condition,
        model.cooling,
        confidence,
        reason,
        True,  # catalog_match
    )


# what a model's spec makes of a title's rates, power and J/TH: (TH/s, native rate, W, J/TH,
# confidence, reason), remembered per model and stated figures (titles state a few per model);
# the model is kept with its answer, so its id is never another model's
_SPEC = tuple[float | None, float | None, int | None, float | None, float, str | None]
_SPECS: dict[tuple[int, tuple[float, ...], int | None, float | None], tuple[Model, _SPEC]] = {}


def _spec(
    model: Model, readings: list[float], title_power: int | None, title_eff: float | None
) -> _SPEC:
    key = (id(model), tuple(readings), title_power, title_eff)
    if (got := _SPECS.get(key)) is not None and got[0] is model:
        return got[1]
    spec = _spec_of(model, readings, title_power, title_eff)
    if len(_SPECS) < 16384:
        _SPECS[key] = (model, spec)
    return spec


def _spec_of(
    model: Model, readings: list[float], title_power: int | None, title_eff: float | None
) -> _SPEC:
    distance, hashrate = _fit(model, readings)
    confidence, reason = 0.95, None
    if hashrate is None or distance > 0.35:
        if len(model.bins) == 1:
            hashrate, confidence = model.bins[0], 0.8
            reason = None if not readings else "hashrate in title far from the model's; used spec"
        elif hashrate is not None:
            confidence, reason = 0.5, "hashrate in title far from the model's bins"
        else:
            hashrate, confidence, reason = None, 0.6, "no hashrate in title"
    elif distance > 0.03:
        confidence = 0.85
    ths = hashrate * model.base / 1e12 if hashrate and model.algorithm == "SHA-256" else None
    power = title_power
    if power is None and hashrate:
        if title_eff and ths:
            power = round(title_eff * ths)
        elif watts := model.watts:
            if len(watts) == 1:  # most models: no search
                ((near, rated),) = watts.items()
            else:  # the nearest bin, the first of equals (as min() with a key, without its calls)
                near, gap = 0.0, float("inf")
                for b in watts:
                    if (d := abs(b - hashrate)) < gap:
                        near, gap = b, d
                rated = watts[near]
            power = round(rated / near * hashrate)
    return (
        _six(ths) if ths else None,
        _six(hashrate) if hashrate else None,
        power,
        _j_th(power, ths) if power and ths else None,
        confidence,
        reason,
    )
