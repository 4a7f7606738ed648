"""Open vocabulary: a model name of a known maker family that the catalog lacks.

"Whatsminer M67S 250T", "Antminer S23 Hyd 580T", "Avalon A1766": the title names a maker's family
word followed by a code of that family's shape (``data/families.yaml``), but no catalog model.
Such a title is still a miner of that maker, with the model as written (canonically spaced and
cased: "Antminer S21e XP Hyd"), the hashrate, power and J/TH the title states, and
``catalog_match: false``, a lower ``confidence`` and a ``reason`` saying it is not in the
catalog. Nothing here guesses a spec: without a hashrate in the title the hashrate is unknown.

Pure functions; the family patterns are compiled once (:func:`load_families`). The normaliser
calls :func:`find` only where no catalog model matched, and only after it decided the title's
subject is not a part or a non-hardware item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from monitor import data_path
from monitor.normalise.facts import read_facts
from monitor.normalise.record import Condition, Cooling, Normalised

# a hashrate unit -> H/s (or Sol/s) per unit, as the normaliser reads title measures
UNITS: dict[str, float] = {
    "PH/s": 1e15,
    "TH/s": 1e12,
    "GH/s": 1e9,
    "MH/s": 1e6,
    "kH/s": 1e3,
    "kSol/s": 1e3,
    "Sol/s": 1.0,
}
CONFIDENCE = 0.6  # a model read from its shape, with its hashrate from the title
CONFIDENCE_NO_HASHRATE = 0.45


class ShapeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    sub: str = ""
    sub_case: Literal["lower", "upper"] = "upper"
    lead: str | None = Field(default=None, pattern="^[A-Z]$")
    prefix: str | None = None
    algorithm: str
    unit: str
    range: tuple[float, float]

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, value: str) -> str:
        if value not in UNITS:
            raise ValueError(f"unit must be one of {sorted(UNITS)}")
        return value

    @model_validator(mode="after")
    def _range(self) -> ShapeFile:
        low, high = self.range
        if not 0 < low < high:
            raise ValueError("range must be [low, high] with 0 < low < high")
        return self


class FamilyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    maker: str
    name: str
    words: list[str] = Field(min_length=1)
    variants: dict[str, str] = {}
    # cooling words read after the code but not named ("M53S++ hydro" is the M53S++)
    unnamed: dict[str, Cooling] = {}
    shapes: list[ShapeFile] = Field(min_length=1)


class FamiliesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    cooling: dict[str, Cooling] = {}
    families: list[FamilyFile] = Field(min_length=1)


@dataclass(frozen=True)
class Shape:
    family: FamilyFile
    shape: ShapeFile
    pattern: re.Pattern[str]
    variant_token: re.Pattern[str]


@dataclass(frozen=True, eq=False)
class Families:
    gate: re.Pattern[str]  # any family word (group f<i>: family i): one search decides
    shapes: tuple[tuple[Shape, ...], ...]  # per family, in the file's order
    cooling: dict[str, Cooling]


@dataclass(frozen=True)
class Found:
    """A family model read from a title."""

    maker: str
    model: str  # canonical: "Antminer S23 Hyd"
    algorithm: str
    unit: str
    per_unit: float  # H/s (or Sol/s) per ``unit``
    low: float
    high: float
    cooling: Cooling | None


def _variant_alternation(variants: dict[str, str]) -> str:
    words = sorted(variants, key=len, reverse=True)
    return "|".join(re.escape(w) + ("" if not w[-1].isalnum() else "(?![a-z])") for w in words)


def compile_families(data: FamiliesFile) -> Families:
    shapes: list[tuple[Shape, ...]] = []
    gate: list[str] = []
    for i, family in enumerate(data.families):
        words = "|".join(f"(?:{w})" for w in sorted(family.words, key=len, reverse=True))
        gate.append(f"(?P<f{i}>{words})")
        own: list[Shape] = []
        read = {**family.variants, **dict.fromkeys(family.unnamed, "")}
        variants = _variant_alternation(read) if read else None
        tail = rf"(?P<var>(?:\s*-?\s*(?:{variants}))*)" if variants else "(?P<var>)"
        for shape in family.shapes:
            pattern = (
                rf"(?<![a-z0-9])(?:{words})\s*-?\s*(?P<code>{shape.code})(?P<sub>{shape.sub})"
                rf"{tail}(?![a-z0-9])"
            )
            own.append(
                Shape(
                    family,
                    shape,
                    re.compile(pattern),
                    re.compile(rf"\s*-?\s*({variants})") if variants else re.compile("(?!)"),
                )
            )
        shapes.append(tuple(own))
    return Families(
        gate=re.compile("|".join(gate)), shapes=tuple(shapes), cooling=dict(data.cooling)
    )


@lru_cache(maxsize=4)
def load_families(path: Path | None = None) -> Families:
    path = path or data_path("families.yaml")
    data = read_facts(path, FamiliesFile)
    try:
        return compile_families(data)
    except re.error as exc:
        raise ValueError(f"{path}: bad pattern: {exc}") from None


def _canonical(shape: Shape, m: re.Match[str]) -> str:
    """The model name as written, canonically spaced and cased: "Antminer S21e XP Hyd"."""
    spec = shape.shape
    code = re.sub(r"[\s-]+", "", m.group("code"))
    if spec.prefix is not None:  # "Nano 3S"; a prefix ending in "-" is joined: "E-DG1M"
        written = re.sub(r"[\s-]+", "", spec.prefix)
        joiner = "" if spec.prefix.endswith("-") else " "
        code = spec.prefix + joiner + code[len(written) :].upper()
    else:
        if spec.lead is not None and not code.startswith(spec.lead.casefold()):
            code = spec.lead.casefold() + code
        code = code.upper()
    sub = m.group("sub")
    name = f"{shape.family.name} {code}{sub.upper() if spec.sub_case == 'upper' else sub}"
    for v in shape.variant_token.finditer(m.group("var")):
        word = shape.family.variants.get(v.group(1))
        if word is not None:  # (an unnamed cooling word adds nothing to the name)
            name += word if word.startswith("+") else f" {word}"
    return name


def find(text: str, families: Families | None = None) -> Found | None:
    """The first family model named in ``text`` (the normaliser's cleaned text), or None."""
    fam = families or load_families()
    first = fam.gate.search(text)
    if first is None:
        return None
    named = {int(w.lastgroup[1:]) for w in fam.gate.finditer(text, first.start()) if w.lastgroup}
    best: tuple[int, Shape, re.Match[str]] | None = None
    for i in sorted(named):
        for shape in fam.shapes[i]:
            m = shape.pattern.search(text, first.start())
            if m is not None and (best is None or m.start() < best[0]):
                best = (m.start(), shape, m)
    if best is None:
        return None
    _, shape, m = best
    name = _canonical(shape, m)
    words = name.split()
    cooling = next((c for word, c in fam.cooling.items() if word in words), None)
    if cooling is None and shape.family.unnamed:
        tokens = (v.group(1) for v in shape.variant_token.finditer(m.group("var")))
        cooling = next((shape.family.unnamed[t] for t in tokens if t in shape.family.unnamed), None)
    spec = shape.shape
    low, high = spec.range
    return Found(
        shape.family.maker, name, spec.algorithm, spec.unit, UNITS[spec.unit], low, high, cooling
    )


def miner(
    found: Found,
    readings: list[float],
    title_power: int | None,
    title_eff: float | None,
    quantity: int,
    condition: Condition,
) -> Normalised:
    """The record of a family model: the hashrate is the first reading in the shape's range
    (``readings`` in H/s or Sol/s, as the normaliser measures them), power as written, or from
    the J/TH written and the hashrate."""
    hashrate = next(
        (r / found.per_unit for r in readings if found.low <= r / found.per_unit <= found.high),
        None,
    )
    sha = found.algorithm == "SHA-256"
    ths = hashrate * found.per_unit / 1e12 if hashrate and sha else None
    power = title_power
    if power is None and title_eff and ths:
        power = round(title_eff * ths)
    reason = f"not in the catalog: {found.model!r} read as a {found.maker} model name"
    if hashrate is None:
        reason += "; no hashrate in title"
    return Normalised(
        kind="miner",
        maker=found.maker,
        model=found.model,
        algorithm=found.algorithm,
        hashrate_ths=round(ths, 6) if ths else None,
        hashrate=round(hashrate, 6) if hashrate else None,
        hashrate_unit=found.unit,
        power_w=power,
        efficiency_j_th=round(power / ths, 2) if power and ths else None,
        quantity=quantity,
        condition=condition,
        cooling=found.cooling,
        confidence=CONFIDENCE if hashrate else CONFIDENCE_NO_HASHRATE,
        reason=reason,
        catalog_match=False,
    )
