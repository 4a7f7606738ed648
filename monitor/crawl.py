"""Walk a source's pages: fetch with :class:`monitor.http.Fetcher`, parse with its scraper."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from monitor.http import Fetcher
from scrapers.base import Page, Source

Parse = Callable[[Source, str, str], Page]


def parse_here(source: Source, text: str, url: str) -> Page:
    """Parse in this process (and thread): the default; also what a worker process runs."""
    return source.parse(text, url)


@dataclass(frozen=True, slots=True)
class CrawledPage:
    url: str
    bytes: int
    page: Page


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
    were yielded, so the caller keeps what was collected.
    """
    seen: set[str] = set()
    queue = list(source.start_urls())
    pages = 0
    while queue and pages < max_pages:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        fetched = fetcher.get(url, delay_s=delay_s)
        page = parse(source, fetched.text, fetched.url)
        pages += 1
        yield CrawledPage(url=fetched.url, bytes=fetched.bytes, page=page)
        if page.next_url:
            queue.insert(0, page.next_url)
