"""Marketplace parsers: page text in, listings out. No I/O happens in this package.

Each kind of source is one module that defines a :class:`scrapers.base.Source` subclass with a
``kind`` name. :func:`discover` imports every public module of the package, so a new kind needs
no registry edit; import errors propagate so a broken scraper never vanishes quietly.
"""

from __future__ import annotations

import importlib
import pkgutil

from scrapers.base import Page, RawListing, Source

__all__ = ["Page", "RawListing", "Source", "discover", "get", "kinds"]

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
