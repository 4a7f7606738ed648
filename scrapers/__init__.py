"""Marketplace parsers: page text in, listings out. No I/O happens in this package.

Each kind of source is one module that defines a :class:`scrapers.base.Source` subclass with a
``kind`` name and, when the kind has keys of its own in ``config.yaml``, their model
(``options_model``, see :mod:`scrapers._config`). :func:`discover` imports every public module
of the package, and ``monitor.config`` takes the kinds and their keys from it, so a new kind is
one module (plus its fixtures) and no edit elsewhere; import errors propagate so a broken
scraper never vanishes quietly.

Also here, for ``monitor``: the text cleaner (:func:`tidy_text`, :func:`drop_invisible`) and the
bot-wall signs of redirects (:func:`path_sign`).
"""

from __future__ import annotations

import importlib
import pkgutil

from scrapers._config import STRICT, Currency, SourceOptions, key_error
from scrapers._text import drop_invisible, tidy_text
from scrapers._walls import path_sign
from scrapers.base import Page, RawListing, Source

__all__ = [
    "STRICT",
    "Currency",
    "Page",
    "RawListing",
    "Source",
    "SourceOptions",
    "discover",
    "drop_invisible",
    "get",
    "key_error",
    "kinds",
    "path_sign",
    "tidy_text",
]

_discovered = False


def discover() -> dict[str, type[Source]]:
    """Import every scraper module once and return the registry ``{kind: class}``."""
    global _discovered
    if not _discovered:
        for info in pkgutil.iter_modules(__path__):
            if not info.name.startswith("_") and info.name != "base":
                importlib.import_module(f"{__name__}.{info.name}")
        _discovered = True
    return dict(Source.registry)


def get(kind: str) -> type[Source]:
    """The scraper class for ``kind``; ``KeyError`` names the known kinds."""
    registry = discover()
    try:
        return registry[kind]
    except KeyError:
        raise KeyError(
            f"unknown source kind {kind!r}; known: {', '.join(sorted(registry))}"
        ) from None


def kinds() -> list[str]:
    return sorted(discover())
