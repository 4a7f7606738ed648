"""A source kind's own keys in ``config.yaml``, declared beside its scraper.

An entry of ``sources:`` holds the keys every source has (``name``, ``url`` or ``urls``,
``schedule``, ``max_pages``...: ``monitor.config.sources.SourceBase``), its ``kind``, and that
kind's own keys. A scraper module declares its own keys as a subclass of :class:`SourceOptions`
and names it on its :class:`scrapers.base.Source` subclass::

    class ShopOptions(SourceOptions):
        currency: Currency = "USD"

    class Shop(Source):
        kind = "shop"
        options_model = ShopOptions

``monitor.config`` finds every kind through :func:`scrapers.discover` and makes each kind's
entry from the common keys plus its ``options_model``, so a new kind needs no edit there. A kind
without own keys keeps the default, :class:`SourceOptions` itself.

The scraper receives the own keys as ``Source.options`` (a dict); a model whose keys are shaped
differently from what its scraper takes (``css`` nests ``selectors:``) defines ``options()``
returning that dict. Config errors never repeat the value found (it may be a secret pasted into
the wrong key): constrain values with types and ``Field`` limits, and report a problem that
involves several keys by raising :func:`key_error` from a model validator.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

STRICT = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


def key_error(key: str, message: str) -> PydanticCustomError:
    """An error a model validator raises about one of its keys: shown as ``<model>.<key>``."""
    return PydanticCustomError("config_key", "{message}", {"key": key, "message": message})


class SourceOptions(BaseModel):
    """A kind's own keys in its ``sources:`` entry (none, unless a subclass declares some)."""

    model_config = STRICT
