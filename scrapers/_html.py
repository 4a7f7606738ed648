"""Helpers shared by the HTML scrapers (``jsonld``, ``css``): soup, text, links, JSON-LD, bot walls.

A bot wall (Cloudflare, Akamai, Imperva, PerimeterX, DataDome) answers with a small challenge page
instead of content, often with status 200. Parsing it as a shop would report "no listings" and
hide the real problem, so the scrapers call :func:`check_blocked` first and raise
:class:`scrapers.base.BlockedError`. The signs it looks for are the site-less title, id and
script signs of :mod:`scrapers._walls`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, cast

from bs4 import BeautifulSoup, Tag
from bs4.filter import ElementFilter, SoupStrainer

from scrapers._text import page_text
from scrapers._walls import signs, title_sign
from scrapers.base import BlockedError, absolute

# "<!-- ... -->" and "//<![CDATA[ ... //]]>" (or "/*<![CDATA[*/ ... /*]]>*/") around JSON-LD
_WRAPPER = re.compile(
    r"^\s*(?:<!--|(?://|/\*)?\s*<!\[CDATA\[\s*(?:\*/)?)|(?:-->|(?://|/\*)?\s*\]\]>\s*(?:\*/)?)\s*$"
)
_LD_JSON = re.compile(r"^\s*application/ld\+json", re.I)


def make_soup(text: str, parse_only: ElementFilter | None = None) -> BeautifulSoup:
    """Parse a page with lxml. Text without a single tag parses as an empty page (bs4 would warn
    that a short one looks like a URL or a file name)."""
    text = page_text(text)
    # bs4's hint says SoupStrainer, but it takes any ElementFilter (it only calls its methods)
    strainer = cast("SoupStrainer | None", parse_only)
    return BeautifulSoup(text if "<" in text else "", "lxml", parse_only=strainer)


def clean(text: str | None) -> str:
    """Collapse runs of whitespace (including no-break spaces) to one space and strip."""
    return " ".join((text or "").split())


def title_of(soup: BeautifulSoup) -> str:
    """The page's ``<title>`` text, cleaned; empty when there is none."""
    tag = soup.find("title")
    return clean(tag.get_text()) if isinstance(tag, Tag) else ""


def check_blocked(soup_or_html: BeautifulSoup | str, url: str, source: str | None = None) -> None:
    """Raise :class:`BlockedError` when the page is a bot wall or challenge page."""
    sign = wall_sign(soup_or_html, source)
    if sign is not None:
        raise BlockedError(f"bot wall instead of content on {url} ({sign})")


def wall_sign(soup_or_html: BeautifulSoup | str, source: str | None = None) -> str | None:
    """What shows that the page is a bot wall or challenge page, or None.

    ``source`` is the page's text when the caller has it: a marker that is not in it is not
    looked for in the tree, which saves a walk over every element of a large page."""
    if isinstance(soup_or_html, str):
        source, soup = soup_or_html, make_soup(soup_or_html)
    else:
        soup = soup_or_html
    title = title_of(soup)
    if title_sign(title) is not None:
        return f"page title {title!r}"
    for wall_id in (sign.text for sign in signs("id")):
        if (source is None or wall_id in source) and soup.find(id=wall_id) is not None:
            return f"element #{wall_id}"
    markers = [s.text for s in signs("script") if source is None or s.text in source]
    for tag in soup.find_all(["script", "iframe"]) if markers else ():
        text = f"{tag.get('src') or ''} {tag.string or ''}"
        for marker in markers:
            if marker in text:
                return marker
    return None


_HTTP = re.compile(r"https?://", re.I)
_JS_HREF = re.compile(r"^\s*(?:javascript:|#\s*$)", re.I)


def link(base: str, href: object) -> str | None:
    """``href`` made absolute against ``base``; ``None`` for empty, ``#``, ``javascript:`` and
    anything else that is not an http(s) URL once joined (``data:``, ``mailto:``...)."""
    if isinstance(href, list):  # bs4 returns multi-valued attributes as lists
        href = " ".join(h for h in href if isinstance(h, str))
    if not isinstance(href, str) or not href.strip() or _JS_HREF.match(href):
        return None
    url = absolute(base, href.strip())
    return url if _HTTP.match(url) else None


def json_ld(soup: BeautifulSoup) -> Iterator[Any]:
    """The parsed JSON of every ``application/ld+json`` script; invalid JSON is skipped."""
    for script in soup.find_all("script", type=_LD_JSON):
        text = _WRAPPER.sub("", _WRAPPER.sub("", script.string or script.get_text() or ""))
        if not text.strip():
            continue
        try:
            yield json.loads(text, strict=False)  # strict=False: raw newlines inside strings
        except (ValueError, RecursionError):  # invalid, nested too deep, a 5,000-digit number
            continue
