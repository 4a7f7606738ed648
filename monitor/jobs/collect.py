"""Jobs shared by the CLI, the demo and the daemon: one source run, one collection cycle."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import scrapers
from monitor.config import Config
from monitor.config.sources import AnySource
from monitor.fetch.crawl import PaginationLoop, Parse, crawl
from monitor.fetch.http import Fetcher, FetchError, Stopped
from monitor.fetch.workers import parse_here, warm
from monitor.jobs.locks import Busy, locks_dir, source_lock
from monitor.normalise.catalog import Catalog, load_catalog
from monitor.normalise.offers import parse_offers
from monitor.normalise.quantity import RECENT_DAYS, Level, model_levels, with_price
from monitor.normalise.record import Normalised
from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store, StoreError
from scrapers.base import ParseError, RawListing

log = logging.getLogger("asicmon.jobs")

Clock = Callable[[], datetime]
LARGE_PAGE_BYTES = 50_000


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class RunResult:
    run_id: int
    source: str
    status: str  # ok | suspect | failed | interrupted | skipped (no run row: see run_source)
    pages: int
    listings: int
    new_listings: int
    observations: int
    reason: str | None


def recent_levels(store: Store, now: datetime) -> dict[str, Level]:
    """The models' recent price levels in ``store`` (:func:`quantity.model_levels`): what a
    listed price is checked against to tell a stock count from a lot."""
    return model_levels(store.recent_prices((now - timedelta(days=RECENT_DAYS)).date()))


def expand(
    raw: RawListing, catalog: Catalog | None, levels: Mapping[str, Level] | None = None
) -> list[tuple[RawListing, Normalised]]:
    """A listing and its normalised reading; a broker's multi-offer post becomes its offers.
    ``levels``: the models' recent price levels (:func:`recent_levels`), if known."""
    if not raw.message:  # the count a price buys: stock (per unit) or lot (normalise.quantity)
        norm = normalise(raw.title, catalog)
        priced = with_price(raw.title, norm, raw.price, raw.currency, catalog=catalog,
                            levels=levels)  # fmt: skip
        return [(raw, priced)]
    out = []
    bids = 0
    for offer in parse_offers(raw.title, catalog):
        if offer.side == "bid":  # wanted-to-buy: a buyer's price, never an ask sighting
            bids += 1
            continue
        if offer.price is None:
            continue
        extra = {**raw.extra, "price_basis": offer.price_basis, "post": raw.listing_id}
        if offer.moq:
            extra["moq"] = str(offer.moq)
        derived = replace(
            raw,
            listing_id=f"{raw.listing_id}#{offer.line}",
            title=offer.text,
            price=offer.price,
            currency=offer.currency,
            location=offer.location or raw.location,
            message=False,
            extra=extra,
        )
        norm = offer.normalised
        if offer.price_basis == "unit":  # "10台 ... 2500元": stock priced per unit, or a lot
            norm = with_price(offer.text, norm, offer.price, offer.currency, catalog=catalog,
                              levels=levels)  # fmt: skip
        out.append((derived, norm))
    if bids:
        log.info("%s: %d wanted-to-buy bid(s) not stored as sightings", raw.listing_id, bids)
    if not out:  # kept, never dropped: a post without priced offers is stored as "other"
        first = next((line for line in raw.title.splitlines() if line.strip()), raw.title)
        reason = "message without priced offers"
        out.append((replace(raw, title=first[:300]), Normalised(kind="other", reason=reason)))
    return out


def observed_at(raw: RawListing, fetched: datetime) -> datetime:
    """When the price was true: the sale date of a sold item, a broker post's date, else now."""
    for stamp in (raw.sold_at if raw.sold else None, raw.posted_at):
        if stamp:
            try:
                when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            except ValueError:
                continue
            when = when if when.tzinfo else when.replace(tzinfo=UTC)
            return min(when, fetched)
    return fetched


_UNCONVERTED: set[tuple[str, object]] = set()  # (currency, day) already warned about


def usd_value(raw: RawListing, when: datetime) -> Any:
    """The listing's price in USD at ``when``'s reference rate (None without a price, or for a
    currency the rate table does not know: the original price is stored either way). Why a
    currency cannot be converted is logged once per currency and day, not once per listing (a
    stale rate file would otherwise log every GBP listing of every page)."""
    if raw.price is None or raw.currency is None:
        return None
    from monitor.normalise.fx import to_usd

    try:
        return to_usd(raw.price, raw.currency, when.date())
    except ValueError as exc:
        said = (raw.currency, when.date())
        if said not in _UNCONVERTED:
            _UNCONVERTED.add(said)
            log.warning("no USD rate for %s %s: %s (said once per currency and day)",
                        raw.currency, when.date(), exc)  # fmt: skip
        return None


def run_source(
    cfg: Config,
    src: AnySource,
    store: Store,
    fetcher: Fetcher,
    *,
    clock: Clock = utcnow,
    options: dict[str, Any] | None = None,
    max_pages: int | None = None,
    parse: Parse = parse_here,
    on_page: Callable[[str, int, int], None] | None = None,
    levels: Mapping[str, Level] | None = None,
) -> RunResult:
    """Collect one source now: crawl, normalise, store page by page, record the run.
    ``on_page(source, pages, listings)`` is called after each page is stored (progress).
    ``levels``: the models' recent price levels a listed count is checked against (read from
    ``store`` when not given: :func:`recent_levels`).

    Every page is committed as it arrives, so a failure on page 3 keeps pages 1-2. The run row
    says what happened: ``failed`` with the reason on an error, ``suspect`` when fewer than
    ``min_listings`` listings were found or a large page parsed to nothing, ``interrupted`` when
    the process was told to stop (SIGTERM, Ctrl-C: not a failure of the source), else ``ok``.

    Runs of one source never overlap, in any process using the same database: each holds the
    source's lock file (:mod:`monitor.jobs.locks`). A run that finds it taken does not wait: it
    is ``skipped`` (``already running in pid N``), records no run row and is not a failure.
    """
    try:
        lock = source_lock(store.path, src.name)
    except Busy as exc:
        pid = exc.pid if exc.pid is not None else "?"
        reason = f"already running in pid {pid}"
        log.warning("source %s skipped: %s", src.name, reason)
        return RunResult(0, src.name, "skipped", 0, 0, 0, 0, reason)
    try:
        return _run_source(cfg, src, store, fetcher, clock=clock, options=options,
                           max_pages=max_pages, parse=parse, on_page=on_page,
                           levels=levels)  # fmt: skip
    finally:
        lock.release()


def _run_source(
    cfg: Config,
    src: AnySource,
    store: Store,
    fetcher: Fetcher,
    *,
    clock: Clock,
    options: dict[str, Any] | None,
    max_pages: int | None,
    parse: Parse,
    on_page: Callable[[str, int, int], None] | None = None,
    levels: Mapping[str, Level] | None = None,
) -> RunResult:
    catalog = load_catalog(cfg.catalog) if cfg.catalog is not None else None
    kind = scrapers.get(src.kind)
    run_id = store.start_run(src.name, src.kind, clock())
    levels = recent_levels(store, clock()) if levels is None else levels
    pages = listings = new = observations = bad_bytes = 0
    unpriced: list[str] = []  # why a listing's price text was no price (scrapers.money)
    status, reason = "ok", None
    try:
        for start in src.start_urls():
            scraper = kind(start, {**src.options(), **(options or {})})
            left = (max_pages or src.max_pages) - pages
            if left <= 0:
                break
            for crawled in crawl(
                scraper, fetcher, max_pages=left, delay_s=src.delay_s, parse=parse
            ):
                now = clock()
                items = []
                for raw in crawled.page.listings:
                    for item, norm in expand(raw, catalog, levels):
                        when = observed_at(item, now)
                        items.append(Sighting(item, norm, when, usd_value(item, when)))
                saved = store.save_page(run_id, src.name, items, now)
                pages += 1
                listings += saved.listings
                new += saved.new_listings
                observations += saved.observations
                bad_bytes += crawled.bad_bytes
                unpriced += [e for r in crawled.page.listings if (e := r.extra.get("price_error"))]
                if on_page:
                    on_page(src.name, pages, listings)
                if not crawled.page.listings and crawled.bytes > LARGE_PAGE_BYTES:
                    status = "suspect"
                    reason = f"{crawled.url}: a {crawled.bytes:,}-byte page parsed to no listings"
    except PaginationLoop as exc:  # the pages before the loop are good and saved
        status, reason = "suspect", str(exc)
    except Stopped:  # SIGTERM or Ctrl-C: the source did nothing wrong
        status, reason = "interrupted", f"stopped by shutdown after {pages} page(s)"
    except (FetchError, ParseError) as exc:
        status, reason = "failed", str(exc)
    except StoreError:  # the database, not the source: the caller reports it in one line
        raise
    except Exception as exc:  # a scraper bug must not stop other sources; record it
        log.exception("source %s crashed (its other pages are kept)", src.name)
        status, reason = "failed", f"crashed: {type(exc).__name__}: {exc} (traceback in the log)"
    except BaseException as exc:  # Ctrl-C or shutdown: committed pages stay, the run says so
        why = "Ctrl-C" if isinstance(exc, KeyboardInterrupt) else type(exc).__name__
        store.finish_run(run_id, clock(), status="interrupted",
                         reason=f"interrupted ({why}) after {pages} page(s)", pages=pages,
                         listings=listings, new_listings=new, observations=observations,
                         errors=0)  # fmt: skip
        raise
    if bad_bytes and reason is None:
        reason = f"{bad_bytes} invalid byte sequence(s) in the pages' encoding were replaced"
        log.warning("source %s: %s", src.name, reason)
    if unpriced:  # kept without a price, never read as a wrong one
        note = f"{len(unpriced)} price(s) unreadable, kept without a price (first: {unpriced[0]})"
        log.warning("source %s: %s", src.name, note)
        reason = note if reason is None else reason
    if status == "ok" and listings < src.min_listings:
        status = "suspect"
        reason = f"{listings} listings, fewer than min_listings={src.min_listings}"
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
    log.info("source %s: %s, %d pages, %d listings, %d new observations",
             src.name, status, pages, listings, observations)  # fmt: skip
    return RunResult(run_id, src.name, status, pages, listings, new, observations, reason)


def host_of(src: AnySource) -> str:
    return urlsplit(src.start_urls()[0]).netloc.lower()


class ParsePool:
    """Parsing in worker processes: bs4 holds the GIL, so crawl threads cannot parse in
    parallel. Workers are spawned (not forked: the crawler has threads) and warmed up first."""

    def __init__(
        self, workers: int, stop: threading.Event | None = None, kinds: tuple[str, ...] = ()
    ) -> None:
        self.workers = workers
        self.stop = stop
        self.kinds = kinds  # the scraper kinds to import before the first page (all if none)
        self.lock = threading.Lock()
        self.pool: Executor = self._start()

    def _start(self) -> Executor:
        ctx = multiprocessing.get_context(os.environ.get("ASICMON_MP_START", "spawn"))
        pool = ProcessPoolExecutor(
            self.workers, mp_context=ctx, initializer=warm, initargs=(os.getpid(), self.kinds)
        )
        for future in [pool.submit(warm, None, self.kinds) for _ in range(self.workers)]:
            future.result()  # every worker started (and its imports done) before the crawl
        return pool

    def __call__(self, source: scrapers.Source, text: str, url: str) -> scrapers.Page:
        pool = self.pool
        try:
            return pool.submit(parse_here, source, text, url).result()
        except BrokenProcessPool:
            if self.stop is not None and self.stop.is_set():  # killed by the same shutdown
                raise Stopped(url, "stopped by shutdown") from None
            # a worker died (killed, out of memory, a crash in C code): the page is lost, the
            # pool is replaced (once, by the first thread to notice) so other sources still parse
            with self.lock:
                if self.pool is pool:
                    pool.shutdown(wait=False)
                    self.pool = self._start()
            raise ParseError(f"{url}: the parser process died while reading this page") from None

    def close(self) -> None:
        self.pool.shutdown()


def run_cycle(
    cfg: Config,
    *,
    names: list[str] | None = None,
    clock: Clock = utcnow,
    on_result: Callable[[RunResult], None] | None = None,
    options: dict[str, Any] | None = None,
    max_pages: int | None = None,
    max_workers: int = 8,
    stop: threading.Event | None = None,
    parse_workers: int | None = None,
    on_page: Callable[[str, int, int], None] | None = None,
) -> list[RunResult]:
    """Run each enabled source once (or only ``names``).

    Sources on different hosts run concurrently; sources on one host run one after another, so
    a host never has more than one request in flight. Each worker has its own fetcher and its
    own database connection (SQLite in WAL mode takes one writer at a time). The fetchers share
    the per-host pacing files beside the database, so the per-host delay also holds against
    other processes (``asicmon run`` beside ``asicmon scrape``).

    ``stop`` (or Ctrl-C, which only the main thread sees) ends every run at its next request
    as ``interrupted``; the pages committed so far are kept.
    """
    stop = stop if stop is not None else threading.Event()
    selected = [cfg.source(n) for n in names] if names else [s for s in cfg.sources if s.enabled]
    groups: dict[str, list[AnySource]] = {}
    for src in selected:
        groups.setdefault(host_of(src), []).append(src)
    results: dict[str, RunResult] = {}
    lock = threading.Lock()

    def work(group: list[AnySource]) -> None:
        with (
            Store(cfg.database) as store,
            Fetcher(cfg.http, cache=store, stop=stop, pace_dir=locks_dir(store.path)) as fetcher,
        ):
            for src in group:
                try:
                    result = run_source(
                        cfg, src, store, fetcher, clock=clock, options=options,
                        max_pages=max_pages, parse=parse, on_page=on_page, levels=levels,
                    )  # fmt: skip
                except StoreError as exc:  # deleted, replaced, full: one line says it all
                    log.error("source %s could not run: %s", src.name, exc)
                    result = RunResult(0, src.name, "failed", 0, 0, 0, 0, str(exc))
                except Exception as exc:  # e.g. the database: the other sources still run
                    log.exception("source %s could not run", src.name)
                    why = f"could not run: {type(exc).__name__}: {exc}"
                    result = RunResult(0, src.name, "failed", 0, 0, 0, 0, why)
                with lock:
                    results[src.name] = result
                    if on_result:
                        on_result(result)

    with Store(cfg.database) as store:  # migrations once; runs of dead processes marked failed
        for run in store.recover_interrupted_runs():
            log.warning("run %d (%s) marked failed: %s", run["id"], run["source"], run["reason"])
        levels = recent_levels(store, clock())  # once a cycle, not once a source
    # load the shared tables once, here: threads that miss an lru_cache at the same moment
    # would each parse the YAML files and the ECB rates file
    load_catalog(cfg.catalog) if cfg.catalog is not None else load_catalog()
    from monitor.normalise.fx import bundled_rates
    from monitor.normalise.lexicon import load_lexicon

    load_lexicon()
    bundled_rates()
    if parse_workers is None:
        parse_workers = int(os.environ.get("ASICMON_PARSE_WORKERS", os.cpu_count() or 1))
    # several hosts at once: parse in worker processes, or the threads queue on the GIL
    kinds = tuple(sorted({s.kind for s in selected}))
    pool = ParsePool(parse_workers, stop, kinds) if parse_workers > 1 and len(groups) > 1 else None
    parse: Parse = pool or parse_here
    try:
        if len(groups) <= 1:
            for group in groups.values():
                work(group)
        else:
            with ThreadPoolExecutor(max_workers=min(max_workers, len(groups))) as threads:
                futures = [threads.submit(work, g) for g in groups.values()]
                try:
                    for future in futures:
                        future.result()
                except (KeyboardInterrupt, SystemExit):
                    stop.set()  # the workers end their runs as interrupted; then re-raise
                    raise
    finally:
        if pool is not None:
            pool.close()
    return [results[s.name] for s in selected if s.name in results]
