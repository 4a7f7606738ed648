"""Scraped text made safe to store and show: applied once, to every :class:`RawListing` field.

A page is hostile input. Its text can carry NULs and other control characters (they break
SQLite text, terminals and email headers), zero-width and bidi-override characters (they hide or
reorder words: "S1\\u200b9" is not "S19" to a search, U+202E flips what a reader sees), lone
surrogates from JSON ``\\ud800`` escapes (not encodable as UTF-8, so the database write fails),
and strings of any length. :meth:`RawListing.__post_init__` runs each field through the helpers
here, so no scraper can forget it:

- C0/C1 control characters become a space; zero-width, bidi-control and other invisible format
  characters and lone surrogates are removed; whitespace runs collapse to one space.
- A Telegram message (``message=True``) keeps its line breaks (the offer parser reads it line by
  line): every line break form becomes ``"\\n"``, each line is tidied as above.
- Lengths are capped: titles :data:`TITLE_MAX`, messages :data:`MESSAGE_MAX`, URLs and ids
  :data:`URL_MAX`, other fields :data:`FIELD_MAX` characters.

Markup is not removed here: a title that says ``<script>`` is a title that says ``<script>``.
Escaping is the job of whatever renders it (``monitor.outputs.digest``).

This is the one text cleaner: ``monitor`` uses it too, by the public names ``scrapers.tidy_text``
(a display line in the digest) and ``scrapers.drop_invisible`` (before the title normaliser
folds case and width).
"""

from __future__ import annotations

import re
from urllib.parse import quote

TITLE_MAX = 500  # eBay allows 80, shops rarely pass 200
MESSAGE_MAX = 20_000  # a Telegram post is at most 4,096 characters
URL_MAX = 2_048
FIELD_MAX = 300

# C0 and C1 controls except \t \n \r (whitespace, handled by the split), and DEL
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# invisible: soft hyphen, zero-width space/non-joiner/joiner, LRM/RLM, bidi embeddings and
# overrides, word joiner and invisible operators, bidi isolates, BOM / zero-width no-break space,
# interlinear annotation marks, and lone surrogates
_INVISIBLE = (
    "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff"
)
_DROP = re.compile(f"[{_INVISIBLE}]+")
_SPACE = re.compile(f"[{_CONTROL}]+")
_INNER_SPACE = re.compile(r"\s")
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def page_text(text: str) -> str:
    """A page as the parsers can take it: lone surrogates (which lxml cannot encode) become
    U+FFFD. A decoded HTTP body never has them; a page read some other way might."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub("\ufffd", text)


def as_text(value: object) -> str:
    """A JSON value as text when it is a string or a number, else ``""``: ``str()`` of a nested
    list or object from hostile JSON is never a name, and one nested deep enough exceeds the
    recursion limit."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def drop_invisible(text: str) -> str:
    """``text`` without zero-width, bidi-control and other invisible format characters and lone
    surrogates: "S1\u200b9" reads "S19"."""
    return _DROP.sub("", text) if not text.isascii() else text


def tidy_text(text: str) -> str:
    """One line of any length: invisible characters removed, control characters and whitespace
    runs as one space, no space at either end. What every text that reaches a reader goes
    through (the listing fields here, ``monitor.outputs.digest`` for what it shows)."""
    return " ".join(_SPACE.sub(" ", drop_invisible(text)).split())


def clean_line(value: str, limit: int = FIELD_MAX) -> str:
    """A one-line field: tidied and cut to ``limit`` characters."""
    text = tidy_text(value[: limit * 4])  # a cheap first cut: tidying only ever shortens
    return text[:limit].rstrip() if len(text) > limit else text


def clean_title(value: str) -> str:
    return clean_line(value, TITLE_MAX)


def clean_message(value: str) -> str:
    """A multi-line text: ``"\\n"`` line breaks, each line tidied, no blank lines at either end,
    at most :data:`MESSAGE_MAX` characters (cut at a line break when there is one)."""
    lines = [tidy_text(line) for line in _BREAKS.split(value[: MESSAGE_MAX * 4])]
    text = "\n".join(lines).strip("\n")
    if len(text) > MESSAGE_MAX:
        text = text[:MESSAGE_MAX]
        cut = text.rfind("\n")
        text = (text[:cut] if cut > MESSAGE_MAX // 2 else text).rstrip()
    return text


def clean_url(value: str) -> str:
    """A URL without controls or invisible characters, as a browser reads an ``href``: tabs and
    line breaks dropped, the ends stripped, inner spaces percent-encoded; cut to
    :data:`URL_MAX` characters."""
    text = drop_invisible(value[: URL_MAX * 4])
    text = _SPACE.sub("", text.replace("\t", "").replace("\n", "").replace("\r", "")).strip()
    if _INNER_SPACE.search(text):
        text = _INNER_SPACE.sub(lambda m: quote(m.group(0)), text)
    return text[:URL_MAX]
