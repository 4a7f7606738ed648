"""The lexicon file (data/lexicon.yaml): what the normaliser's fast checks rely on."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pytest

from monitor import data_path
from monitor.normalise.facts import read_facts
from monitor.normalise.lexicon import (
    LexiconFile,
    _alternation,
    _first_chars,
    _literal_trie,
    compile_lexicon,
    literal_starts,
    load_lexicon,
)
from monitor.normalise.titles import normalise


def test_every_service_word_passes_the_fast_check() -> None:
    """``service_gate`` is tried first: a service word none of its literals is in is never read."""
    data = read_facts(data_path("lexicon.yaml"), LexiconFile)
    assert data.service_gate
    for fragment in [*data.services, *data.repairs]:
        assert any(word in fragment for word in data.service_gate), fragment


def test_a_lexicon_without_the_service_and_works_anyway_keys_still_loads() -> None:
    data = read_facts(data_path("lexicon.yaml"), LexiconFile)
    bare = data.model_copy(
        update={"services": [], "repairs": [], "service_gate": [], "works_anyway": []}
    )
    lex = compile_lexicon(bare)
    assert lex.service is None
    assert lex.repair is None
    assert lex.works_anyway is None
    assert lex.service_gate == ()


def test_service_words_are_read_from_the_lexicon() -> None:
    lex = load_lexicon()
    assert lex.service is not None
    assert lex.service.search("hashboard repair service")
    assert normalise("[SERVICE] Antminer hashboard repair").kind == "other"


FIXTURES = Path(__file__).parent.parent / "fixtures" / "titles"


def _fixture_texts() -> list[str]:
    texts = []
    for name in ("dev-2026-12.csv", "titles-dev.csv", "styles.csv"):
        with (FIXTURES / name).open(encoding="utf-8", newline="") as fh:
            texts += [r["title"] for r in csv.DictReader(fh)]
    return [unicodedata.normalize("NFKC", t.casefold()).casefold() for t in texts]


def test_every_translation_match_holds_one_of_its_literals() -> None:
    """A rule is skipped on text without its literals: so every match must hold one."""
    lex = load_lexicon()
    checked = 0
    for rules in (lex.translate, lex.translate_cjk, lex.translate_cyrillic):
        for pattern, _, holds in rules:
            for text in _fixture_texts():
                for m in pattern.finditer(text) if holds else ():
                    assert any(h in m.group() for h in holds), (pattern.pattern, m.group())
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"ремонт\w*|диагностик\w*", ("ремонт", "диагностик")),
        (r"б/у|б\.у\.|бу(?![а-я])|подержан\w*", ("б/у", "б", "бу", "подержан")),
        (r"нов(?:ый|ые|ая|ое)", ("нов",)),
        (r"блок(?:и)? питания", ("блок",)),
        (r"mined?", ("mine",)),  # the "d" is optional
        (r"x[a|b]c|y", ("x", "y")),  # a "|" inside a class is plain
        (r"(\d)\s*台", ()),
        (r"(?<![а-я])ремонт", ()),
        (r"a|(?:b)", ()),
        (r"\d+", ()),
    ],
)
def test_literal_starts(pattern: str, starts: tuple[str, ...]) -> None:
    assert literal_starts(pattern) == starts


# issue 13: word lists factored by first letter, and other languages' conditions behind a gate
@pytest.mark.parametrize(
    "fragments",
    [
        ["psus?", "power\\s*suppl(?:y|ies)", "pdus?", "fans?", "(?=bad)bad\\s+boards?", "f"],
        ["hash\\s*-?\\s*boards?", "x?fans?", "a|b", "[ab]c", "hose", "hoses?\\s*kits?"],
    ],
)
def test_a_factored_alternation_matches_as_the_flat_one(fragments: list[str]) -> None:
    flat = re.compile("|".join(f"(?:{f})" for f in fragments))
    factored = re.compile(_alternation(fragments))
    texts = ["psu", "power supplies", "pdu", "fan", "bad board", "f", "hash - boards", "xfans",
             "a", "b", "ac", "hose", "hoses kit", "hose kits", "no", "ps", "boards"]  # fmt: skip
    for text in texts:
        got, want = factored.fullmatch(text), flat.fullmatch(text)
        assert (got is None) == (want is None), text
        got, want = factored.match(text), flat.match(text)
        assert (got and got.group(0)) == (want and want.group(0)), text


# The first-character lookahead before the condition and subject patterns (a fast reject at every
# place): taken from plain starts and from a leading group or lookahead; none when unknown.
def test_first_chars_of_fragments() -> None:
    assert _first_chars(["psus?", "(?:missing|no)\\s+x", "(?=faulty|dead)x", "über"]) == (
        "(?=[dfmnpü])"
    )
    assert _first_chars(["psus?", "[ab]c"]) == ""
    lex = load_lexicon()
    for pattern in (lex.condition, lex.subject):
        assert pattern.pattern.startswith("(?<![a-z0-9])(?=[")  # every word's start is known
    # and the words still match where they start: a gated pattern finds what the plain one does
    plain = re.compile(lex.subject.pattern.replace(_lookahead(lex.subject.pattern), "", 1))
    for title in ["Antminer S19 PSU", "hosting in Texas", "BM1366 chips", "s19 fan", "Ремонт"]:
        text = title.casefold()
        assert [m.span() for m in lex.subject.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], title


def _lookahead(pattern: str) -> str:
    start = len("(?<![a-z0-9])")
    return pattern[start : pattern.index("])", start) + 2]


def test_literal_trie_finds_exactly_its_words() -> None:
    trie = re.compile(_literal_trie(["neu", "neuf", "no funciona", "novo", "cũ", "arızalı"]))
    for word in ["neu", "neuf", "no funciona", "novo", "cũ", "arızalı", "x neuwertig"]:
        assert trie.search(word), word
    for text in ["new", "no", "nov", "cu", "funciona", "arizali"]:
        assert trie.search(text) is None, text


def test_conditions_in_other_languages_are_read_behind_their_gate() -> None:
    lex = load_lexicon()
    assert lex.condition_more is not None
    gated = re.compile(lex.condition.pattern)
    # the gate finds every entry's plain start (a title holding none skips those words)
    data = read_facts(data_path("lexicon.yaml"), LexiconFile)
    for fragments in data.conditions_more.values():
        for fragment in fragments:
            (start,) = literal_starts(fragment)
            assert any(m.lastgroup == "more" for m in gated.finditer(f" {start} ")), fragment
    bad = data.model_copy(update={"conditions_more": {"used": ["(?:usad[oa])"]}})
    with pytest.raises(ValueError, match="does not start with plain text"):
        compile_lexicon(bad)
    # the strongest condition still wins across the two lists
    assert normalise("Antminer S19 95TH used, no funciona").condition == "for_parts"
    assert normalise("Antminer S19 95TH usado, not working").condition == "for_parts"


# The condition and subject patterns without their named groups, led by the character before
# the word (searched in " " + text), find each title's first match where the grouped ones do
# (the normaliser's first search uses them; a title with a match is then read with the groups).
def test_padded_patterns_find_the_first_match_where_the_grouped_ones_do() -> None:
    from monitor.normalise.titles import clean

    lex = load_lexicon()
    assert "(?P<" not in lex.condition_padded.pattern + lex.subject_padded.pattern
    folder = Path(__file__).resolve().parents[1] / "fixtures" / "titles"
    texts = [
        clean(row["title"], lex)
        for path in sorted(folder.glob("*.csv"))
        for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines())
        if row.get("title")
    ]
    texts += ["used s19", "s19\nused", "б/у-used", "xused used", "psu", "2psu psu", ""]
    pairs = ((lex.condition, lex.condition_padded), (lex.subject, lex.subject_padded))
    for grouped, padded in pairs:
        starts = [(m.start() if (m := grouped.search(t)) else None) for t in texts]
        assert starts == [(m.start() if (m := padded.search(" " + t)) else None) for t in texts]
        assert sum(s is not None for s in starts) > 100
