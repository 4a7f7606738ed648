"""Walk a source's pages: fetch with :class:`monitor.fetch.http.Fetcher`, parse with its scraper."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from monitor.fetch.http import Fetched, Fetcher, FetchError, is_binary, site_of, wall_marker
from monitor.fetch.workers import parse_here
from monitor.redact import redact_url
from scrapers.base import BlockedError, Page, ParseError, Source

Parse = Callable[[Source, str, str], Page]
_PASSWORD_FIELD = re.compile(r"<input[^>]{0,200}type=[\"']?password", re.I)


@dataclass(frozen=True, slots=True)
class CrawledPage:
    url: str
    bytes: int
    page: Page
    bad_bytes: int = 0  # invalid byte sequences replaced while decoding


class PaginationLoop(FetchError):
    """The site's "next page" led back to a page already read: the crawl stopped there.

    Raised after the pages before it were yielded (and saved): they are good data.
    """


def check_content(source: Source, fetched: Fetched) -> None:
    """Refuse a body the source's scraper cannot read, saying what came instead."""
    media = fetched.content_type
    wanted = getattr(source, "accepts", "html")
    if not media:
        return  # no Content-Type: let the scraper judge the body
    if is_binary(media):
        raise ParseError(f"{fetched.url}: expected {wanted.upper()}, got {media}")
    if wanted == "json" and "html" in media:
        marker = wall_marker(fetched.text)
        if marker:
            raise BlockedError(f"{fetched.url}: a bot wall answered instead of JSON ({marker})")
        if "json" not in media and not fetched.text.lstrip().startswith(("{", "[")):
            raise ParseError(f"{fetched.url}: expected JSON, got an HTML page ({media})")
    if wanted == "html" and "json" in media and not fetched.text.lstrip().startswith("<"):
        raise ParseError(f"{fetched.url}: expected an HTML page, got {media}")


def crawl(
    source: Source,
    fetcher: Fetcher,
    *,
    max_pages: int,
    delay_s: float | None = None,
    parse: Parse = parse_here,
) -> Iterator[CrawledPage]:
    """Yield each parsed page in order, following ``next_url`` up to ``max_pages`` pages.

    Fetch and parse errors propagate (``FetchError``, ``ParseError``) after the pages before them
    were yielded, so the caller keeps what was collected. A next page on another site is never
    fetched (``FetchError``); one that repeats an earlier page (by URL or by its listings) ends
    the crawl with :class:`PaginationLoop`.
    """
    sites = {site_of(u) for u in source.start_urls()}
    seen: set[str] = set()
    seen_pages: dict[frozenset[str], str] = {}
    queue = list(source.start_urls())
    pages = 0
    while queue and pages < max_pages:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        fetched = fetcher.get(url, delay_s=delay_s)
        check_content(source, fetched)
        try:
            page = parse(source, fetched.text, fetched.url)
        except ParseError as exc:
            if fetched.url in str(exc) or url in str(exc):
                raise
            raise type(exc)(f"{redact_url(fetched.url)}: {exc}") from exc  # say which page
        if not page.listings and _PASSWORD_FIELD.search(fetched.text):
            raise FetchError(url, "login required: the site answered with a login form")
        ids = frozenset(item.listing_id for item in page.listings)
        if ids and ids in seen_pages:
            raise PaginationLoop(
                url, f"pagination loop: this page repeats {seen_pages[ids]}; stopped after "
                f"{pages} page(s)"
            )  # fmt: skip
        if ids:
            seen_pages[ids] = url
        pages += 1
        yield CrawledPage(
            url=fetched.url, bytes=fetched.bytes, page=page, bad_bytes=fetched.bad_bytes
        )
        nxt = page.next_url
        if not nxt:
            continue
        if site_of(nxt) not in sites:
            raise FetchError(
                url, f"the next-page link points to another host ({redact_url(nxt)}): not followed"
            )
        if nxt in seen or nxt == fetched.url:
            raise PaginationLoop(
                url, f"pagination loop: the next-page link points back to {redact_url(nxt)};"
                f" stopped after {pages} page(s)"
            )  # fmt: skip
        queue.insert(0, nxt)
