"""The title lexicon (``data/lexicon.yaml``): the words the normaliser reads, compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, field_validator

from monitor import data_path
from monitor.normalise.facts import read_facts
from monitor.normalise.record import Condition

CJK_TEXT = re.compile(r"[\u3000-\u9fff\uac00-\ud7af]")
CYRILLIC_TEXT = re.compile(r"[\u0400-\u04ff]")
_CJK, _CYRILLIC = CJK_TEXT, CYRILLIC_TEXT
# the lexicon's condition groups, strongest first
ConditionGroup = Literal["for_parts", "refurbished", "used", "new", "weak_used", "weak_new"]
CONDITION_ORDER: tuple[ConditionGroup, ...] = get_args(ConditionGroup)
# what each condition group reports: "weak" evidence maps onto the plain condition
CONDITION_VALUE: dict[ConditionGroup, Condition] = {
    "for_parts": "for_parts",
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


class LexiconFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    translate: list[tuple[str, str]]
    words: dict[str, str]
    conditions: dict[ConditionGroup, list[str]]
    parts: list[str]
    weak_parts: list[str]
    other: list[str]
    included_before: str
    defect_before: str
    after: str
    miner_signals: list[str]
    homoglyphs: dict[str, str] = {}
    places: list[Place] = []

    @field_validator("homoglyphs")
    @classmethod
    def _one_letter_each(cls, value: dict[str, str]) -> dict[str, str]:
        for char, latin in value.items():
            if len(char) != 1 or char.isascii() or not (latin.isascii() and latin.isalpha()):
                raise ValueError(f"{char!r}: {latin!r} is not one non-ASCII letter to ASCII")
        return value


def _alternation(fragments: list[str]) -> str:
    return "|".join(f"(?:{f})" for f in fragments)


@dataclass(frozen=True, eq=False)  # hashed by identity: it keys the normaliser's cache
class Lexicon:
    translate: list[tuple[re.Pattern[str], str]]  # rules for any script
    translate_cjk: list[tuple[re.Pattern[str], str]]  # rules only tried on Chinese text
    translate_cyrillic: list[tuple[re.Pattern[str], str]]  # only tried on Cyrillic text
    words: re.Pattern[str]
    words_gate: re.Pattern[str]  # the same words as plain literals: a fast first check
    word_map: dict[str, str]
    condition: re.Pattern[str]
    condition_names: tuple[ConditionGroup, ...]  # group names, strongest first
    condition_rank: dict[str, int]
    subject: re.Pattern[str]  # part, weak part or other words; the group tells which
    included_before: re.Pattern[str]
    defect_before: re.Pattern[str]
    after: re.Pattern[str]
    miner_signal: re.Pattern[str]
    homoglyphs: dict[int, str]  # a str.translate table: lookalike letter -> Latin letter
    homoglyph_beside_latin: re.Pattern[str] | None  # a lookalike next to a Latin letter or digit
    places: tuple[tuple[str, re.Pattern[str]], ...]  # (name, pattern), in the file's order
    flag_places: dict[str, str]  # flag code -> place name


def compile_lexicon(data: LexiconFile) -> Lexicon:
    names = tuple(n for n in CONDITION_ORDER if data.conditions.get(n))
    groups = "|".join(
        f"(?P<{name}>{_alternation(data.conditions.get(name, []))})"
        for name in CONDITION_ORDER
        if data.conditions.get(name)
    )
    rules: dict[str, list[tuple[re.Pattern[str], str]]] = {"cjk": [], "cyr": [], "any": []}
    for pattern, repl in data.translate:
        script = "cjk" if _CJK.search(pattern) else "cyr" if _CYRILLIC.search(pattern) else "any"
        rules[script].append((re.compile(pattern), repl))
    return Lexicon(
        translate=rules["any"],
        translate_cjk=rules["cjk"],
        translate_cyrillic=rules["cyr"],
        words=re.compile(r"\b(" + "|".join(re.escape(w) for w in data.words) + r")\b"),
        words_gate=re.compile("|".join(re.escape(w) for w in data.words)),
        word_map=dict(data.words),
        condition=re.compile(rf"(?<![a-z0-9])(?:{groups})(?![a-z0-9])"),
        condition_names=names,
        condition_rank={n: i for i, n in enumerate(names)},
        subject=re.compile(
            rf"(?<![a-z0-9])(?:(?P<other>{_alternation(data.other)})|"
            rf"(?P<part>{_alternation(data.parts)})|"
            rf"(?P<weak>{_alternation(data.weak_parts)}))(?![a-z0-9])"
        ),
        included_before=re.compile(data.included_before),
        defect_before=re.compile(data.defect_before),
        after=re.compile(data.after),
        miner_signal=re.compile(
            rf"(?<![a-z0-9])(?:{_alternation(data.miner_signals)})(?![a-z0-9])"
        ),
        homoglyphs=str.maketrans(data.homoglyphs) if data.homoglyphs else {},
        homoglyph_beside_latin=_beside_latin("".join(data.homoglyphs)),
        places=tuple((p.name, re.compile(p.pattern, re.IGNORECASE)) for p in data.places),
        flag_places={p.flag: p.name for p in data.places if p.flag},
    )


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
