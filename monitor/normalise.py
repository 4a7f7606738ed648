"""Listing title -> model, hashrate, power, quantity, condition; or why it is not a miner.

Rules, in order: translate common non-English words, decide whether the title sells a part or a
non-hardware product, find the catalog model by the longest alias made of adjacent tokens, read
hashrate / power / efficiency tokens, pick the catalog variant nearest the hashrate read, then
quantity and condition. Every result carries a ``confidence`` and, when not a clean match, a
``reason``, so unmatched titles can be stored and reviewed rather than dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from monitor.catalog import UNITS, Catalog, Model, load_catalog

VERSION = 1

_TRANSLATE = [  # (pattern, replacement), applied to the case-folded title
    (r"蚂蚁矿机|蚂蚁", " antminer "),
    (r"神马矿机|神马", " whatsminer "),
    (r"阿瓦隆", " avalon "),
    (r"二手", " used "),
    (r"全新", " new "),
    (r"б/у|б\.у\.|\bбу\b", " used "),
    (r"новы[йе]", " new "),
    (r"\bwhatminer\b", " whatsminer "),
    (r"\bplus\b", "+"),
]
_INCLUDED = re.compile(
    r"\b(?:with|w/|w|incl\.?|including|includes|and|plus|\+|no|without|w/o)\s*"
    r"(?:original\s+|bitmain\s+|new\s+|a\s+)?"
    r"(?:psu|power\s*suppl(?:y|ies)|apw\s*[\w+]*|fans?|cables?|power\s*cords?)"
    r"(?:\s+power\s*supply|\s+psu)?"
)
_PART = re.compile(
    r"\b(?:psu|power\s*suppl(?:y|ies)|apw\s*\d+[\w+]*|hash\s*boards?|control\s*boards?|"
    r"controller\s*boards?|data\s*cables?|fans?|chips?|asic\s+chips|enclosures?|cases?|"
    r"shrouds?|water\s*blocks?|heat\s*sinks?|motherboards?|power\s*cords?|radiators?)\b"
)
_OTHER = re.compile(
    r"\b(?:hosting|cloud\s*mining|mining\s*contracts?|contracts?|colocation|hashrate\s*rental|"
    r"rental|subscription|course|ebook|t-?shirt|sticker)\b"
)
_EFFICIENCY = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:j|w)\s*/\s*t(?:h)?(?:/s)?\b")
_POWER = re.compile(r"(?<![\w.])(\d{3,5}(?:\.\d+)?)\s*(?:w|watts?)(?![a-z0-9])")
_HASHRATE = re.compile(
    r"(?<![a-z0-9.])(\d+(?:[.,]\d+)?)\s*(p|t|g|m|k)(?:h(?:/s|s)?|/s)?(?![a-z0-9])"
)
_GLUED = re.compile(r"([a-z+])(\d+(?:\.\d+)?(?:th|t|gh|g|ph|mh)(?:/s)?)(?![a-z0-9])")
_TOKEN = re.compile(r"[0-9a-z\u0400-\u04ff\u4e00-\u9fff]+\+*|\++")
_UNIT_OF = {"p": "PH/s", "t": "TH/s", "g": "GH/s", "m": "MH/s", "k": "KH/s"}
_QUANTITY = [
    re.compile(r"\b(?:lot|bundle|pallet|set|batch)\s+of\s+(\d{1,4})\b"),
    re.compile(r"\b(\d{1,4})\s*(?:x|pcs|pieces|units|unit|шт|台)(?![a-z0-9])"),
    re.compile(r"(?<![a-z0-9])x\s*(\d{1,4})\b"),
    re.compile(r"\b(\d{1,4})\s*-?\s*pack\b"),
]
_PER_UNIT = re.compile(r"\b(?:per\s+(?:unit|piece|machine|miner)|each)\b|/\s*(?:unit|pc|piece)\b")
_CONDITIONS = [
    (
        "for_parts",
        r"for\s+parts|parts\s+only|not\s+working|non[- ]working|as[- ]is|faulty|"
        r"broken|defective|dead|for\s+repair|not\s+hashing|не\s*рабоч",
    ),
    ("refurbished", r"refurb\w*|renewed|reconditioned"),
    ("used", r"used|pre-?owned|second[- ]hand|2nd\s+hand|like\s+new"),
    ("new", r"nib|new\s+in\s+box|brand\s+new|sealed|new"),
]


@dataclass(frozen=True, slots=True)
class Normalised:
    kind: str  # miner | part | other
    maker: str | None = None
    model: str | None = None
    algorithm: str | None = None
    hashrate_ths: float | None = None
    hashrate: float | None = None
    hashrate_unit: str | None = None
    power_w: int | None = None
    efficiency_j_th: float | None = None
    quantity: int = 1
    condition: str = "unknown"
    cooling: str | None = None
    confidence: float = 0.0
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean(title: str) -> str:
    text = unicodedata.normalize("NFKC", title).casefold()
    for pattern, repl in _TRANSLATE:
        text = re.sub(pattern, repl, text)
    text = _GLUED.sub(r"\1 \2", text)
    return " ".join(text.split())


def _find_model(text: str, catalog: Catalog) -> Model | None:
    tokens = _TOKEN.findall(text)
    best: tuple[int, int, Model] | None = None
    for i in range(len(tokens)):
        key = ""
        for j in range(i, min(i + 5, len(tokens))):
            key += tokens[j]
            if len(key) > catalog.max_key_len:
                break
            model = catalog.by_key.get(key)
            if model is not None and (best is None or len(key) > best[0]):
                best = (len(key), i, model)
    return best[2] if best else None


def _hashrates(text: str) -> list[tuple[float, str]]:
    text = _EFFICIENCY.sub(" ", text)
    found = []
    for m in _HASHRATE.finditer(text):
        value = float(m.group(1).replace(",", "."))
        if value > 0:
            found.append((value, _UNIT_OF[m.group(2)]))
    return found


def _pick_hashrate(model: Model, found: list[tuple[float, str]]) -> float | None:
    """The title's hashrate in the model's native unit: the reading nearest a catalog bin."""
    best: tuple[float, float] | None = None
    for value, unit in found:
        native = value * UNITS[unit] / UNITS[model.unit]
        variant = model.nearest_variant(native)
        distance = abs(native - variant.hashrate) / variant.hashrate
        if best is None or distance < best[0]:
            best = (distance, native)
    if best is None or best[0] > 0.5:
        return None
    return round(best[1], 6)


def _power(model: Model, hashrate: float, title_power: int | None) -> int | None:
    if title_power:
        return title_power
    variant = model.nearest_variant(hashrate)
    if variant.power_w is None:
        return None
    if abs(variant.hashrate - hashrate) / variant.hashrate <= 0.02:
        return variant.power_w
    return round(variant.power_w / variant.hashrate * hashrate)


def _quantity(text: str) -> int:
    if _PER_UNIT.search(text):
        return 1
    for pattern in _QUANTITY:
        m = pattern.search(text)
        if m and 1 <= int(m.group(1)) <= 5000:
            return int(m.group(1))
    return 1


def _condition(text: str) -> str:
    for name, pattern in _CONDITIONS:
        if re.search(rf"(?<![a-z])(?:{pattern})(?![a-z])", text):
            return name
    return "unknown"


def normalise(title: str, catalog: Catalog | None = None) -> Normalised:
    """Normalise one listing title against the bundled (or given) catalog."""
    return _normalise(title, catalog or load_catalog())


@lru_cache(maxsize=65536)
def _normalise(title: str, catalog: Catalog) -> Normalised:
    text = _clean(title)
    quantity, condition = _quantity(text), _condition(text)
    if not text:
        return Normalised(kind="other", quantity=quantity, reason="empty title")
    stripped = _INCLUDED.sub(" ", text)
    if (m := _OTHER.search(stripped)) is not None:
        return Normalised(
            kind="other",
            quantity=quantity,
            condition=condition,
            confidence=0.8,
            reason=f"not hardware: {m.group(0)!r}",
        )
    if (m := _PART.search(stripped)) is not None:
        return Normalised(
            kind="part",
            quantity=quantity,
            condition=condition,
            confidence=0.8,
            reason=f"part or accessory: {m.group(0)!r}",
        )
    model = _find_model(text, catalog)
    if model is None:
        return Normalised(
            kind="other", quantity=quantity, condition=condition, reason="no catalog model in title"
        )
    hashrate = _pick_hashrate(model, _hashrates(text))
    confidence = 0.9
    reason = None
    if hashrate is None:
        if len({v.hashrate for v in model.variants}) == 1:
            hashrate, confidence = model.variants[0].hashrate, 0.75
        else:
            confidence, reason = 0.5, "no hashrate in title"
    title_power = None
    if (pm := _POWER.search(_EFFICIENCY.sub(" ", text))) is not None:
        title_power = round(float(pm.group(1)))
    power = _power(model, hashrate, title_power) if hashrate else None
    ths = model.to_ths(hashrate) if hashrate else None
    return Normalised(
        kind="miner",
        maker=model.maker,
        model=model.name,
        algorithm=model.algorithm,
        hashrate_ths=round(ths, 6) if ths else None,
        hashrate=hashrate,
        hashrate_unit=model.unit,
        power_w=power,
        efficiency_j_th=round(power / ths, 2) if power and ths else None,
        quantity=quantity,
        condition=condition,
        cooling=model.cooling,
        confidence=confidence,
        reason=reason,
    )
