"""The title lexicon (``data/lexicon.yaml``): the words the normaliser reads, compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, field_validator

from monitor import data_path
from monitor.normalise.facts import read_facts
from monitor.normalise.record import Condition

CJK_TEXT = re.compile(r"[\u3000-\u9fff\uac00-\ud7af]")
CYRILLIC_TEXT = re.compile(r"[\u0400-\u04ff]")
_CJK, _CYRILLIC = CJK_TEXT, CYRILLIC_TEXT
ARABIC_TEXT = re.compile(r"[\u0600-\u06ff]")  # Arabic and Persian
FLAG_EMOJI = re.compile(r"[\U0001F1E6-\U0001F1FF]{2}")  # a flag: two regional indicators
_NOT_ARABIC = re.compile(r"[^\x00-\x7f\u0600-\u06ff]")  # a letter of a third script
# the lexicon's condition groups, strongest first
# ("fault": a faulty piece, "broken fan"; for_parts unless the title says the unit works anyway;
# "lacks_boards": "no hashboards", for_parts for a miner, but what a part is, not its condition)
ConditionGroup = Literal[
    "for_parts", "lacks_boards", "fault", "refurbished", "used", "new", "weak_used", "weak_new"
]
CONDITION_ORDER: tuple[ConditionGroup, ...] = get_args(ConditionGroup)
# what each condition group reports: "weak" evidence maps onto the plain condition
CONDITION_VALUE: dict[ConditionGroup, Condition] = {
    "for_parts": "for_parts",
    "lacks_boards": "for_parts",
    "fault": "for_parts",
    "refurbished": "refurbished",
    "used": "used",
    "new": "new",
    "weak_used": "used",
    "weak_new": "new",
}


class Place(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    pattern: str
    flag: str | None = None  # ISO 3166 alpha-2 code of its flag emoji
    within: str | None = None  # the wider place it is in ("Shenzhen" in "China")


class LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    # [pattern, replacement] or [pattern, replacement, [literals one of which every match holds]]
    translate: list[tuple[str, str] | tuple[str, str, list[str]]]
    words: dict[str, str]
    # number words a title counts a lot with ("Two S19", "lot of six", "Dois Antminer"): -> count
    number_words: dict[str, int] = {}
    conditions: dict[ConditionGroup, list[str]]
    # the same groups in other Latin-script languages: read only where a gate literal is found
    conditions_more: dict[ConditionGroup, list[str]] = {}
    parts: list[str]
    weak_parts: list[str]
    other: list[str]
    heading_other: list[str] = []  # other only where it heads the title (titles.py)
    included_before: str
    defect_before: str
    # before a fault word in a part's title: the words naming the machine it was taken from
    # ("pulled from a unit with a dead PSU"): the fault is that machine's, not the part's
    donor_before: str = "(?!)"
    after: str
    # after a part word: the word saying what it is for ("for", "für", "pour", "для"), with the
    # words that may stand between (read right after the part word; a model must follow)
    part_for: str = "(?!)"
    miner_signals: list[str]
    works_anyway: list[str] = []
    services: list[str] = []
    service_gate: list[str] = []
    repairs: list[str] = []
    repair_not_before: str = "(?!)"
    homoglyphs: dict[str, str] = {}
    places: list[Place] = []
    # currency words a price list names its prices in ("Цены в рублях"): ISO code -> patterns
    currencies: dict[str, list[str]] = {}
    # words opening the exceptions to a named currency ("кроме отмеченных USDT", "except where
    # marked EUR"): the clause they open names no message currency
    currency_except: list[str] = []

    @field_validator("homoglyphs")
    @classmethod
    def _one_letter_each(cls, value: dict[str, str]) -> dict[str, str]:
        for char, latin in value.items():
            if len(char) != 1 or char.isascii() or not (latin.isascii() and latin.isalpha()):
                raise ValueError(f"{char!r}: {latin!r} is not one non-ASCII letter to ASCII")
        return value


Rule = tuple[re.Pattern[str], str, tuple[str, ...]]
_META = frozenset("\\.[](){}|*+?^$")


def _branches(pattern: str) -> list[str]:
    """``pattern``'s top-level alternatives ("a|b(?:c|d)" -> ["a", "b(?:c|d)"])."""
    branches: list[str] = []
    depth, start, i = 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":  # skip a class: "|" and ")" inside it are plain
            i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def _plain_head(branch: str) -> int:
    """How many of ``branch``'s first characters are plain text every match starts with."""
    n = 0
    while n < len(branch) and branch[n] not in _META:
        n += 1
    if n < len(branch) and branch[n] in "*?{":
        n -= 1  # the last letter is optional or repeated: not required
    return max(n, 0)


def literal_starts(pattern: str) -> tuple[str, ...]:
    """The plain text every match of ``pattern`` starts with, one string per top-level
    alternative ("ремонт\\w*|диагностик\\w*" -> ("ремонт", "диагностик")); () when some
    alternative starts with no plain text (a class, group, escape or lookaround). A translation
    runs only on text holding one of them: a substring test is cheaper than a regex scan."""
    starts: list[str] = []
    for branch in _branches(pattern):
        if not (n := _plain_head(branch)):
            return ()
        starts.append(branch[:n])
    return tuple(starts)


def _first_chars(fragments: list[str]) -> str:
    """A lookahead for the characters a match of any of ``fragments`` starts with
    ("(?=[abf])"), from each one's plain start or, for one opening with a group or lookahead
    ("(?:missing|no)...", "(?=faulty|broken)..."), that group's; "" when some fragment's first
    character is unknown. Put before a long alternation behind a lookbehind, it rejects most
    places at once: the regex engine scans a pattern led by a lookbehind at every place."""
    chars: set[str] = set()
    for fragment in fragments:
        starts = literal_starts(fragment)
        if not starts and fragment.startswith(("(?:", "(?=")):
            depth = 0
            for i, c in enumerate(fragment):
                depth += (c == "(") - (c == ")")
                if depth == 0:
                    starts = literal_starts(fragment[3:i])
                    break
        if not starts:
            return ""
        chars.update(start[0] for start in starts)
    return "(?=[" + "".join(re.escape(c) for c in sorted(chars)) + "])"


def _alternation(fragments: list[str]) -> str:
    """The fragments as one alternation, those starting with the same plain letter factored
    under it ("psus?", "power...": "p(?:(?:sus?)|(?:ower...))"): at each place the regex engine
    then tries one branch per first letter, not every fragment, which keeps long word lists
    cheap. Same-letter fragments keep their order; fragments without a plain first letter stay
    whole, in their place."""
    branches: dict[str, list[str]] = {}  # first letter (or "\0<i>" for a whole one) -> rests
    for i, fragment in enumerate(fragments):
        starts = literal_starts(fragment)
        if len(starts) == 1:
            branches.setdefault(starts[0][0], []).append(fragment[1:])
        else:
            branches[f"\0{i}"] = [fragment]
    out = []
    for head, rests in branches.items():
        if head.startswith("\0"):
            out.append(f"(?:{rests[0]})")
        else:
            out.append(re.escape(head) + "(?:" + "|".join(f"(?:{r})" for r in rests) + ")")
    return "|".join(out)


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the normaliser's cache
class Lexicon:
    # (pattern, replacement, literals one of which every match holds, or () if unknown)
    translate: list[Rule]  # rules for any script
    translate_cjk: list[Rule]  # rules only tried on Chinese text
    translate_cyrillic: list[Rule]  # only tried on Cyrillic text
    words: re.Pattern[str]
    words_gate: re.Pattern[str]  # the same words (and "each") as plain literals: a fast check
    word_map: dict[str, str]
    condition: re.Pattern[str]
    condition_names: tuple[ConditionGroup, ...]  # group names, strongest first
    condition_rank: dict[str, int]
    # conditions_more, read where ``condition`` finds one of their plain starts (group "more")
    condition_more: re.Pattern[str] | None
    subject: re.Pattern[str]  # part, weak part, other or service-gate words; the group tells
    # which "other" words count only where they head the title (plant, warnings); None: none
    heading_other: re.Pattern[str] | None
    included_before: re.Pattern[str]
    defect_before: re.Pattern[str]
    donor_before: re.Pattern[str]
    after: re.Pattern[str]
    part_for: re.Pattern[str]
    miner_signal: re.Pattern[str]
    works_anyway: re.Pattern[str] | None  # "broken fan, otherwise runs": the fault is no fault
    service_gate: tuple[str, ...]  # literals, one of which every service match has
    service: re.Pattern[str] | None  # "hashboard repair service", "will repair your miner"
    repair: re.Pattern[str] | None  # "<a machine or board> repair", unless repair_not_before
    repair_not_before: re.Pattern[str]
    homoglyphs: dict[int, str]  # a str.translate table: lookalike letter -> Latin letter
    homoglyph_beside_latin: re.Pattern[str] | None  # a lookalike next to a Latin letter or digit
    places: tuple[tuple[str, re.Pattern[str]], ...]  # (name, pattern), in the file's order
    flag_places: dict[str, str]  # flag code -> place name
    place_within: dict[str, str] = field(default_factory=dict)  # place -> the wider place
    currency_words: tuple[tuple[str, re.Pattern[str]], ...] = ()  # (ISO code, its words)
    number_words: dict[str, int] = field(default_factory=dict)  # "two": 2, "dois": 2
    # an exception clause to a named currency, to its end ("кроме отмеченных USDT"); None: none
    currency_except: re.Pattern[str] | None = None
    # the number words, "pair", "both", "all" ("alle", "tutt"), "of" as plain literals: the
    # quantity rule's fast check
    number_gate: re.Pattern[str] = re.compile("(?!)")
    # ``condition`` and ``subject`` without their named groups (found faster: the first search
    # of most titles finds none; only a title with one reads the groups), led by the character
    # before the word, not a lookbehind (_padded): searched in " " + text, a match starts where
    # the grouped one does in text, and the regex engine skips every place not after such a
    # character without trying the pattern there
    condition_padded: re.Pattern[str] = re.compile("(?!)")
    subject_padded: re.Pattern[str] = re.compile("(?!)")
    # translate rules only tried on Arabic-script text (Arabic, Persian)
    translate_arabic: list[Rule] = field(default_factory=list)


def compile_lexicon(data: LexiconFile) -> Lexicon:
    names = tuple(
        n for n in CONDITION_ORDER if data.conditions.get(n) or data.conditions_more.get(n)
    )
    groups = _condition_groups(data.conditions)
    more = _condition_groups(data.conditions_more)
    starts: list[str] = []
    for fragments in data.conditions_more.values():
        for fragment in fragments:
            if not (plain := literal_starts(fragment)):
                raise ValueError(f"conditions_more: {fragment!r} does not start with plain text")
            starts.extend(plain)
    # the characters a condition or subject match starts with, checked first (_first_chars)
    condition_first = _first_chars([*_all(data.conditions), *starts])
    subject_words = [*data.other, *data.heading_other, *data.parts, *data.weak_parts]
    subject_first = _first_chars([*subject_words, *map(re.escape, data.service_gate)])
    rules: dict[str, list[Rule]] = {"cjk": [], "cyr": [], "arabic": [], "any": []}
    for pattern, repl, *given in data.translate:
        script = "cjk" if _CJK.search(pattern) else "cyr" if _CYRILLIC.search(pattern) else "any"
        if script == "any" and ARABIC_TEXT.search(pattern) and not _NOT_ARABIC.search(pattern):
            script = "arabic"  # (a rule naming Arabic and Thai words stays one for any script)
        holds = tuple(given[0]) if given else literal_starts(pattern)
        rules[script].append((re.compile(pattern), repl, holds))
    condition = re.compile(
        rf"(?<![a-z0-9]){condition_first}(?:(?:{groups})(?![a-z0-9])"
        + (f"|(?P<more>{_literal_trie(starts)}))" if starts else ")")
    )
    subject = re.compile(
        rf"(?<![a-z0-9]){subject_first}"
        rf"(?:(?P<other>{_alternation(data.other + data.heading_other)})|"
        rf"(?P<part>{_alternation(data.parts)})|"
        rf"(?P<weak>{_alternation(data.weak_parts)})"
        # a word a service phrase holds ("repair", "service"): only marks where to look
        rf"|(?P<svc>(?:{'|'.join(map(re.escape, data.service_gate)) or '(?!)'})[^\W\d_]*))"
        r"(?![a-z0-9])"
    )
    return Lexicon(
        translate=rules["any"],
        translate_cjk=rules["cjk"],
        translate_cyrillic=rules["cyr"],
        translate_arabic=rules["arabic"],
        words=re.compile(r"\b(" + "|".join(re.escape(w) for w in data.words) + r")\b"),
        # (and "each", which clean() reads after a rate: one scan for both)
        words_gate=re.compile(_literal_trie([*data.words, "each"])),
        word_map=dict(data.words),
        # (a match of the last group, "more", is only the gate of ``condition_more``)
        condition=condition,
        condition_padded=_padded(
            condition_first,
            [(f, _END) for fragments in data.conditions.values() for f in fragments]
            + [(re.escape(start), "") for start in starts],
        ),
        condition_more=re.compile(rf"(?<![a-z0-9])(?:{more})(?![a-z0-9])") if more else None,
        condition_names=names,
        condition_rank={n: i for i, n in enumerate(names)},
        subject=subject,
        subject_padded=_padded(
            subject_first,
            [(f, _END) for f in subject_words]
            + [(re.escape(g) + r"[^\W\d_]*", _END) for g in data.service_gate],
        ),
        heading_other=(
            re.compile(_alternation(data.heading_other)) if data.heading_other else None
        ),
        included_before=re.compile(data.included_before),
        defect_before=re.compile(data.defect_before),
        donor_before=re.compile(data.donor_before),
        after=re.compile(data.after),
        part_for=re.compile(data.part_for),
        miner_signal=re.compile(
            rf"(?<![a-z0-9])(?:{_alternation(data.miner_signals)})(?![a-z0-9])"
        ),
        works_anyway=_words(data.works_anyway),
        service_gate=tuple(data.service_gate),
        service=_words(data.services),
        repair=_words(data.repairs),
        repair_not_before=re.compile(data.repair_not_before),
        homoglyphs=str.maketrans(data.homoglyphs) if data.homoglyphs else {},
        homoglyph_beside_latin=_beside_latin("".join(data.homoglyphs)),
        places=tuple((p.name, re.compile(p.pattern, re.IGNORECASE)) for p in data.places),
        flag_places={p.flag: p.name for p in data.places if p.flag},
        place_within={p.name: p.within for p in data.places if p.within},
        currency_words=tuple(
            (code, re.compile(_alternation(words), re.IGNORECASE))
            for code, words in data.currencies.items()
        ),
        number_words=dict(data.number_words),
        currency_except=(
            re.compile(rf"(?<!\w)(?:{_alternation(data.currency_except)})[^.;,:!?\n]*", re.I)
            if data.currency_except
            else None
        ),
        number_gate=re.compile(
            _literal_trie(
                [
                    *data.number_words,
                    "pair",
                    "both",
                    "all ",
                    "alle",
                    "tutt",
                    "of ",
                    "for the ",
                    "за ",  # "за все 3", "цена за 4"
                    "пара",  # "пара S19 ..., вместе": a pair sold together
                ]
            )
        ),
    )


def _all(groups: dict[ConditionGroup, list[str]]) -> list[str]:
    return [fragment for fragments in groups.values() for fragment in fragments]


def _literal_trie(words: list[str]) -> str:
    """A regex finding any of ``words`` (plain text), as a trie: "c(?:om\\ defeito|on\\ defecto)"
    tries one branch per letter where a flat alternation tries every word. A word that another
    word starts with stands for both (a match of either is all a gate needs)."""
    kept = sorted({w for w in words if w and not any(o != w and w.startswith(o) for o in words)})
    tree: dict[str, Any] = {}
    for word in kept:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(sub) for ch, sub in node.items()]
        if not alts:
            return ""
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree)


def _condition_groups(conditions: dict[ConditionGroup, list[str]]) -> str:
    """The condition fragments as one alternation of named groups, strongest first."""
    return "|".join(
        f"(?P<{name}>{_alternation(conditions[name])})"
        for name in CONDITION_ORDER
        if conditions.get(name)
    )


_END = "(?![a-z0-9])"  # the end of a word


def _padded(first: str, items: list[tuple[str, str]]) -> re.Pattern[str]:
    """Where any of ``items`` (a fragment and what must follow it) starts a word: searched in
    " " + text, a match starts where the lexicon's grouped pattern (its fragments led by
    ``(?<![a-z0-9])``) first matches in text. Led by the character before the word, not a
    lookbehind: the regex engine scans for that class and skips every other place. Only where
    a match starts counts here, not which fragment matched, so all fragments share one trie of
    their plain starts ("no power", "not working", "new": "n(?:o(?:...)|e(?:...))"): at each
    word the engine follows the letters it reads, not one trie per group."""
    tree: dict[str, Any] = {}
    whole: list[str] = []  # alternatives with no plain start
    for fragment, after in items:
        for branch in _branches(fragment):
            n = _plain_head(branch)
            n -= n and branch[n : n + 1] == "+"  # (the last letter, repeated: in the rest)
            if not n:
                whole.append(f"(?:{branch}){after}")
                continue
            node = tree
            for ch in branch[:n]:
                node = node.setdefault(ch, {})
            node.setdefault("", []).append(branch[n:] + after)

    def emit(node: dict[str, Any]) -> str:
        rests = node.get("", [])
        if "" in rests:  # a fragment matching here with nothing more: the node matches
            return ""
        alts = [f"(?:{r})" for r in rests]
        alts += [re.escape(ch) + emit(sub) for ch, sub in node.items() if ch]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    alternatives = ([emit(tree)] if tree else []) + whole
    return re.compile(f"[^a-z0-9]{first}(?:" + ("|".join(alternatives) or "(?!)") + ")")


def _words(fragments: list[str]) -> re.Pattern[str] | None:
    """The fragments as one pattern on word boundaries; None when there are none."""
    if not fragments:
        return None
    return re.compile(rf"(?<![a-z0-9])(?:{_alternation(fragments)})(?![a-z0-9])")


def _beside_latin(letters: str) -> re.Pattern[str] | None:
    """Two characters: a lookalike and a Latin letter or digit, either way round. Every word the
    normaliser folds has such a pair, so one search decides whether a title needs folding."""
    if not letters:
        return None
    look = "[" + re.escape(letters) + "]"
    return re.compile(f"[A-Za-z0-9]{look}|{look}[A-Za-z0-9]")


@lru_cache(maxsize=4)
def load_lexicon(path: Path | None = None) -> Lexicon:
    path = path or data_path("lexicon.yaml")
    data = read_facts(path, LexiconFile)
    try:
        return compile_lexicon(data)
    except re.error as exc:
        raise ValueError(f"{path}: bad pattern: {exc}") from None


def place_of(text: str, raw: str) -> str | None:
    """The canonical place named earliest in ``text`` (a place wins over the wider place it is
    in: "国内 ... 深圳自提" is Shenzhen), else the first known flag emoji."""
    lexicon = load_lexicon()
    hits = [(m.start(), name) for name, rx in lexicon.places if (m := rx.search(text))]
    if hits:
        wider = {lexicon.place_within.get(name) for _, name in hits}
        return min(hit for hit in hits if hit[1] not in wider)[1]
    for m in FLAG_EMOJI.finditer(raw):
        code = "".join(chr(ord(c) - 0x1F1E6 + 65) for c in m.group(0))
        return lexicon.flag_places.get(code, code)
    return None
