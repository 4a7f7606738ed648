"""Bot walls: the one list of signs that a page is a challenge or block page, not content.

A bot wall (Cloudflare, Akamai, Imperva, PerimeterX, DataDome, eBay's own) answers with a small
challenge page instead of content, often with status 200. Parsing it as a shop would report "no
listings" and hide the real problem, so every place that can meet one asks this list:

- the HTML scrapers, through :func:`scrapers._html.check_blocked` (title, id and script signs);
- eBay (:mod:`scrapers.ebay`) for its own wall, and WooCommerce (:mod:`scrapers.woocommerce`)
  when its JSON API answers with an HTML page;
- the fetcher (``monitor.fetch.http``): an error status whose page is a wall, and a redirect to
  a challenge page; ``monitor.fetch.crawl``: a wall where JSON was expected.

A :class:`Sign` says where it shows (``where``) and what shows there (``text``):

``title``
    the page's title starts with it (compared lower-cased); only challenge and block pages use
    these titles.
``id``
    an element with this id.
``script``
    in the ``src`` or inline code of a script or iframe.
``text``
    anywhere in the page source, in any case. These also occur on ordinary pages (Cloudflare
    injects its ``/cdn-cgi/challenge-platform/`` script into ordinary pages too), so they only
    say which failure it is on a page that is not content anyway: an API that answered HTML, a
    results page without results.
``path``
    a redirect's target has a path segment ending in it (``/splashui/captcha``).

``site`` is ``None`` for a sign any site can show, or the name of the one site whose pages show
it. Each check reads the signs of one site: the generic HTML check the site-less ones, eBay only
eBay's (its search pages are titled with the search words, so a generic title prefix such as
"access denied" could be a search). The fetcher's redirect check reads every path sign.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

Where = Literal["title", "id", "script", "text", "path"]


@dataclass(frozen=True, slots=True)
class Sign:
    where: Where
    text: str  # lower case for "title", "text" and "path" signs
    note: str = ""  # who serves it
    site: str | None = None  # None: any site


SIGNS: tuple[Sign, ...] = (
    # page titles: prefixes, lower-cased
    Sign("title", "just a moment", "Cloudflare JS challenge"),
    Sign("title", "attention required! | cloudflare", "Cloudflare block / captcha"),
    Sign("title", "please wait... | cloudflare", "Cloudflare"),
    Sign("title", "access denied", "Akamai; Cloudflare's 'Access denied | site used Cloudflare'"),
    Sign("title", "pardon our interruption", "Imperva / Distil"),
    Sign("title", "ddos-guard", "DDoS-Guard"),
    Sign("title", "robot check", "Amazon"),
    Sign("title", "are you a robot", "various"),
    Sign("title", "verify you are human", "various"),
    Sign("title", "human verification", "various"),
    Sign("title", "pardon our interruption", "eBay's wall, served by splashui", site="ebay"),
    Sign("title", "security measure", "eBay", site="ebay"),
    # element ids (Cloudflare's "/cdn-cgi/challenge-platform/" script and Imperva's
    # "_Incapsula_Resource" are injected into ordinary pages too: not signs of this kind)
    Sign("id", "challenge-form", "Cloudflare"),
    Sign("id", "cf-browser-verification", "Cloudflare"),
    Sign("id", "px-captcha", "PerimeterX"),
    Sign("id", "cf-chl-widget", "Cloudflare Turnstile"),
    # script / iframe src or inline code
    Sign("script", "window._cf_chl_opt", "Cloudflare challenge"),
    Sign("script", "geo.captcha-delivery.com", "DataDome"),
    # anywhere in the page (only on a page that is not content anyway)
    Sign("text", "just a moment", "Cloudflare"),
    Sign("text", "attention required", "Cloudflare"),
    Sign("text", "cf-chl", "Cloudflare"),
    Sign("text", "challenge-platform", "Cloudflare"),
    Sign("text", "cf_chl_opt", "Cloudflare"),
    Sign("text", "splashui", "eBay's wall", site="ebay"),
    Sign("text", "captcha_form", "eBay", site="ebay"),
    Sign("text", "/captcha", "eBay", site="ebay"),
    Sign("text", "checking your browser before you access ebay", "eBay", site="ebay"),
    # redirect targets: a path segment ending in it
    Sign("path", "challenge", "Cloudflare /cdn-cgi/challenge..., PerimeterX, others"),
    Sign("path", "captcha", "many"),
    Sign("path", "splashui", "eBay's wall", site="ebay"),
)


@cache
def signs(where: Where, site: str | None = None) -> tuple[Sign, ...]:
    """The signs of one kind for one site (``None``: the signs any site can show)."""
    return tuple(s for s in SIGNS if s.where == where and s.site == site)


def title_sign(title: str, site: str | None = None) -> Sign | None:
    """The sign a page title starts with, or None."""
    low = title.lower()
    return next((s for s in signs("title", site) if low.startswith(s.text)), None)


def text_sign(text: str, site: str | None = None) -> Sign | None:
    """The first loose sign found anywhere in ``text`` (any case), or None. Only meaningful on
    a page that is not content anyway: see the module's docstring."""
    pattern = _text_pattern(site)
    match = pattern.search(text) if pattern is not None else None
    if match is None:
        return None
    found = match.group(0).lower()
    return next(s for s in signs("text", site) if s.text == found)


def path_sign(path: str) -> Sign | None:
    """The sign a redirect's target path shows (every site's), or None."""
    match = _path_pattern().search(path)
    if match is None:
        return None
    segment = match.group(1).lower()
    return next(s for s in SIGNS if s.where == "path" and segment.endswith(s.text))


@cache
def _text_pattern(site: str | None) -> re.Pattern[str] | None:
    texts = [re.escape(s.text) for s in signs("text", site)]
    return re.compile("|".join(texts), re.I) if texts else None


@cache
def _path_pattern() -> re.Pattern[str]:
    ends = "|".join(re.escape(s.text) for s in SIGNS if s.where == "path")
    return re.compile(rf"/([\w-]*(?:{ends}))(?:[/?.#_-]|$)", re.I)
