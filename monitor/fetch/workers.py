"""What a parse worker process runs: only ``scrapers`` and the kinds it will parse.

:class:`monitor.jobs.collect.ParsePool` spawns its workers with :func:`warm` as their
initializer and sends them :func:`parse_here` calls. A spawned process imports the module of
every function it is sent, so these live here, away from the fetcher (httpx, the config models),
the normaliser and the store: a worker that imported ``monitor.jobs.collect`` spent ~0.2 s of
CPU on modules it never uses, per worker and per crawl.
"""

from __future__ import annotations

import importlib
import os
import signal
import threading
import time

import scrapers
from scrapers.base import Page, Source


def parse_here(source: Source, text: str, url: str) -> Page:
    """Parse in this process (and thread): the default; also what a worker process runs."""
    return source.parse(text, url)


def warm(parent: int | None = None, kinds: tuple[str, ...] = ()) -> None:
    """Import the scraper modules of ``kinds`` (every one when none is named, or a kind is not
    its module's name) before the first page arrives, and tie this process to ``parent``."""
    try:
        for kind in kinds:
            importlib.import_module(f"scrapers.{kind}")
    except ImportError:
        pass  # a kind that is not its module's name: discovered below
    if not kinds or not set(kinds) <= set(scrapers.Source.registry):
        scrapers.discover()
    if parent is not None:
        # Ctrl-C (SIGINT to the terminal's process group) and systemd's SIGTERM (to the whole
        # unit) reach the workers too: they are the parent's to stop, or a page being parsed is
        # lost and the run reads "the parser process died" when it was only interrupted
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:
    """A parse worker outlives a parent killed with -9 (nothing tells it): poll, then go."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)
