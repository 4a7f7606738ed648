"""Jobs shared by the CLI, the demo and (later) the daemon: one source run, one cycle."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import scrapers
from monitor.config import Config, ShopifySource
from monitor.crawl import crawl
from monitor.http import Fetcher, FetchError
from monitor.normalise import normalise
from monitor.store import Store
from scrapers.base import ParseError

log = logging.getLogger("asicmon.jobs")

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: int
    source: str
    status: str  # ok | suspect | failed
    pages: int
    listings: int
    new_listings: int
    observations: int
    reason: str | None


def run_source(
    cfg: Config,
    src: ShopifySource,
    store: Store,
    fetcher: Fetcher,
    *,
    clock: Clock = utcnow,
) -> RunResult:
    """Collect one source now: crawl, normalise, store page by page, record the run.

    Every page is committed as it arrives, so a failure on page 3 keeps pages 1-2. The run row
    says what happened: ``failed`` with the reason on an error, ``suspect`` when fewer than
    ``min_listings`` listings were found, else ``ok``.
    """
    catalog = None
    if cfg.catalog is not None:
        from monitor.catalog import load_catalog

        catalog = load_catalog(cfg.catalog)
    scraper = scrapers.get(src.kind)(src.url, src.options())
    run_id = store.start_run(src.name, src.kind, clock())
    pages = listings = new = observations = 0
    status, reason = "ok", None
    try:
        for crawled in crawl(scraper, fetcher, max_pages=src.max_pages, delay_s=src.delay_s):
            items = [(raw, normalise(raw.title, catalog)) for raw in crawled.page.listings]
            saved = store.save_page(run_id, src.name, items, clock())
            pages += 1
            listings += saved.listings
            new += saved.new_listings
            observations += saved.observations
            if not crawled.page.listings and crawled.bytes > 50_000:
                status, reason = "suspect", f"{crawled.url}: large page parsed to no listings"
    except (FetchError, ParseError) as exc:
        status, reason = "failed", str(exc)
    except Exception as exc:  # a scraper bug must not stop other sources; record it
        log.exception("source %s crashed", src.name)
        status, reason = "failed", f"{type(exc).__name__}: {exc}"
    except BaseException:  # Ctrl-C or shutdown: committed pages stay, the run says so
        store.finish_run(
            run_id,
            clock(),
            status="failed",
            reason="interrupted",
            pages=pages,
            listings=listings,
            new_listings=new,
            observations=observations,
            errors=1,
        )
        raise
    if status == "ok" and listings < src.min_listings:
        status, reason = (
            "suspect",
            f"{listings} listings, fewer than min_listings={src.min_listings}",
        )
    store.finish_run(
        run_id,
        clock(),
        status=status,
        reason=reason,
        pages=pages,
        listings=listings,
        new_listings=new,
        observations=observations,
        errors=int(status == "failed"),
    )
    log.info(
        "source %s: %s, %d pages, %d listings, %d new observations",
        src.name,
        status,
        pages,
        listings,
        observations,
    )
    return RunResult(run_id, src.name, status, pages, listings, new, observations, reason)


def run_cycle(
    cfg: Config,
    *,
    names: list[str] | None = None,
    clock: Clock = utcnow,
    fetcher: Fetcher | None = None,
    on_result: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Run each enabled source once (or only ``names``), one after another."""
    selected = [cfg.source(n) for n in names] if names else [s for s in cfg.sources if s.enabled]
    own = fetcher is None
    fetcher = fetcher or Fetcher(cfg.http)
    results = []
    try:
        with Store(cfg.database) as store:
            for src in selected:
                result = run_source(cfg, src, store, fetcher, clock=clock)
                results.append(result)
                if on_result:
                    on_result(result)
    finally:
        if own:
            fetcher.close()
    return results
