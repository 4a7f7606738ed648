"""The model catalog (``data/catalog.yaml``): facts as data, validated on load."""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt

from monitor import data_path
from monitor.normalise.facts import read_facts
from monitor.normalise.record import Cooling

UNITS: dict[str, float] = {  # native unit -> factor to the base unit (H/s or Sol/s)
    "PH/s": 1e15,
    "TH/s": 1e12,
    "GH/s": 1e9,
    "MH/s": 1e6,
    "KH/s": 1e3,
    "kSol/s": 1e3,
    "Sol/s": 1.0,
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Variant(_Strict):
    hashrate: PositiveFloat
    power_w: PositiveInt | None = None


class Example(_Strict):
    title: str
    hashrate: PositiveFloat | None = None


class Model(_Strict):
    name: str
    maker: str
    algorithm: str
    unit: Literal["PH/s", "TH/s", "GH/s", "MH/s", "KH/s", "kSol/s", "Sol/s"]
    cooling: Cooling = "air"
    released: Annotated[str, Field(pattern=r"^\d{4}-\d{2}$")] | None = None
    aliases: list[str] = []
    variants: Annotated[list[Variant], Field(min_length=1)]
    examples: list[Example] = []
    # where the specs came from: a short text ("Bitmain product page") or a URL
    source: Annotated[str, Field(min_length=3, max_length=200, pattern=r"^\S(?:.*\S)?$")] | None = (
        None
    )

    def to_ths(self, hashrate: float) -> float | None:
        """A hashrate in this model's native unit, in TH/s (SHA-256 only)."""
        if self.algorithm != "SHA-256":
            return None
        return hashrate * UNITS[self.unit] / 1e12

    def nearest_variant(self, hashrate: float) -> Variant:
        return min(self.variants, key=lambda v: abs(v.hashrate - hashrate))

    @cached_property
    def bins(self) -> tuple[float, ...]:
        """The hashrate bins, sorted, in the native unit."""
        return tuple(sorted({v.hashrate for v in self.variants}))

    @cached_property
    def watts(self) -> dict[float, int]:
        """Power in W of each bin whose power is known."""
        return {v.hashrate: v.power_w for v in self.variants if v.power_w}

    @cached_property
    def base(self) -> float:
        """H/s (or Sol/s) per native unit."""
        return UNITS[self.unit]


class CatalogFile(_Strict):
    version: Literal[1]
    models: list[Model]


def compact(text: str) -> str:
    """The matching key of a name or alias: case-folded, only letters, digits and '+'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^0-9a-z+\u0400-\u04ff\u4e00-\u9fff]", "", text)


# a short key that reads as a count ("x5") or a version ("v1") is never derived from a name
_COUNT_OR_VERSION = re.compile(r"[xv]\d+")


def _spelled(name: str, short: str) -> tuple[str, ...]:
    """The keys a name's cooling word is also written by: a "... Hyd" model as "... hydro"
    ("Bitdeer A3 Pro hydro"), an "... Air" model without the word ("A3 Pro": the air one)."""
    if name.endswith(" Hyd"):
        return (short[:-3] + "hydro", compact(name)[:-3] + "hydro")
    if name.endswith(" Air"):
        return (short[:-3], compact(name)[:-3])
    return ()


class Catalog:
    """Models by matching key. Names and aliases must be unique; a short key derived from a
    name ("S19j Pro" from "Antminer S19j Pro") may name several models ("KS3": Antminer and
    IceRiver), and the normaliser then decides by maker words and hashrate."""

    def __init__(self, models: list[Model]) -> None:
        self.models = models
        explicit: dict[str, Model] = {}
        problems = []
        for model in models:
            keys = {compact(model.name), *(compact(a) for a in model.aliases)} - {""}
            for key in keys:
                other = explicit.get(key)
                if other is not None and other.name != model.name:
                    problems.append(f"{key!r} names both {other.name!r} and {model.name!r}")
                explicit[key] = model
        if problems:
            raise ValueError("catalog aliases collide: " + "; ".join(problems))
        self.by_key: dict[str, tuple[Model, ...]] = {k: (m,) for k, m in explicit.items()}
        derived: dict[str, list[Model]] = {}
        for model in models:
            short = compact(model.name.split(" ", 1)[-1])
            if len(short) < 2 or not re.search(r"\d", short):
                continue
            for key in (short, *_spelled(model.name, short)):
                if key in explicit or _COUNT_OR_VERSION.fullmatch(key):  # "x5", "v1"
                    continue
                derived.setdefault(key, []).append(model)
        for key, owners in derived.items():
            self.by_key[key] = tuple(owners)
        self.prefixes = frozenset(k[:i] for k in self.by_key for i in range(1, len(k) + 1))
        self.makers = {compact(m.maker): m.maker for m in models}

    def __len__(self) -> int:
        return len(self.models)


def bundled_catalog_path() -> Path:
    return data_path("catalog.yaml")


@lru_cache(maxsize=8)
def load_catalog(path: Path | None = None) -> Catalog:
    """Load and validate the catalog; ``ValueError`` says which entry is wrong."""
    path = path or bundled_catalog_path()
    parsed = read_facts(path, CatalogFile)
    return Catalog(parsed.models)
