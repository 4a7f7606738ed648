"""What a listed price buys: one unit of a stock count, or the whole lot.

"10台 ... 250元", "2шт ... 2550 usdt", "Куплю 20 шт ... по 220" and "5 units available $2,100"
count the seller's stock and price one unit; "lot of 4 ... $6,000", "bundle of 10 for $25,000"
and "x4 S19 $6000 total" price the lot. The title parser (:func:`titles.quantity_of`) reads a
count without its price; :func:`price_quantity` decides, where a price meets a normalised title,
how many machines the price buys:

1. **Words.** A per-unit word ("each", "per unit", "@", "по 220", "за шт", "单价", "/台") makes the
   price per unit; a lot word ("lot", "bundle", "total", "for all", "за все", "всего", "共计",
   "打包") makes it the lot's. Either decides.
2. **Plausibility**, when no such word decides (and the machines work: not ``for_parts``): the
   implied unit price under each reading, in USD per TH/s, against the model's band. Where the
   store has seen the model priced recently (:func:`model_levels`: at least
   :data:`MIN_SIGHTINGS` priced listing-weeks of working units in the last
   :data:`RECENT_DAYS` days), the band is its median $/TH divided and multiplied by
   :data:`LEVEL_SPREAD`; otherwise the band of the model's efficiency tier
   (``data/price_bands.yaml``, derived from published price levels); without a TH/s, the price
   of one machine against a per-machine band. The reading that fits wins when the other does
   not.
3. **Leaning**, when both or neither fit: a count written with a stock word (台, шт, pcs, units,
   available, in stock) is stock; a bare count ("x4", "4x S19", "(4)") is a lot.

A price written in the title itself ("🔹$560 🔹100pcs", "$11.8/T, qty 200": a price per TH/s is a
per-unit word) is read by the title normaliser (:func:`with_title_price`), so the title alone
already says what its price buys; a price given beside the title (an import's column) decides
again, in its place. A stock count prices one unit (quantity 1) and is kept in ``reason``; the
reason always says which rule decided. The one $/TH definition is
:mod:`monitor.analysis.unit_price`; the implied figures here only test plausibility.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat

from monitor import data_path
from monitor.normalise.amounts import PER_TH_MARK
from monitor.normalise.catalog import Catalog, Model, compact, load_catalog
from monitor.normalise.facts import read_facts
from monitor.normalise.lexicon import load_lexicon
from monitor.normalise.record import Normalised
from monitor.normalise.titles import MAX_CHARS, clean, quantity_of
from scrapers.money import currency_code, yen_code

# the price buys one unit (matched on the cleaned title: 台 is "units", "за шт"/"单价" "each"; not
# "price per lot", "price per bundle": a lot word)
_PER_UNIT = re.compile(
    r"\beach\b|\bea\b|\bper\s+(?:unit|piece|pc|machine|miner|item|stuk)\b|\bunit\s+price\b"
    r"|\bpor\s+unidade?\b|\bpar\s+unite\b|\bpro\s+(?:stk|stuck|stueck)\b"
    r"|\bprice\s+per\b(?!\s+(?:the\s+)?(?:lot|bundle|pallet|batch|set|pair|box|case|package)\b)"
    r"|/\s*(?:units?|pcs?|pieces?|sets?|ea|each|шт|штук\w*)(?![a-z])|@(?=\s*[$€£¥]?\d)"
    r"|(?<![а-яё])по(?=\s*[$€£¥]?\d)|цена\s+за\s+(?:1|одну|один)"
)
# the price is per TH/s of one machine ("$11.8/T", "14 U/T", "$14/TH"): so it prices one unit
_PER_TH = re.compile(r"(?<=\d)\s*(?:usdt|usd|u|\$)?" + PER_TH_MARK)
# the price buys them all
_PER_LOT = re.compile(
    r"\blot\b|\bbundle\b|\bpallet\b|\btotal\b(?<!mati\stotal)|\bfor\s+(?:all|the\s+lot|everything|both)\b"
    r"|\b(?:för\s+all[ae]|für\s+alle|pour\s+(?:les|tous)|voor\s+(?:alle|allemaal)|por\s+todos)\b"
    r"|\b(?:all|both)\s+for\b|\btakes?\s+(?:them\s+)?all\b|\bwhole\s+lot\b|\bone\s+price\b"
    r"|\ball\s+\w+\s+for\b|\btakes?\s+both\b|\bfor\s+the\s+pair\b"
    r"|\bfor\s+(?:the\s+)?(?:two|three|four|five|six|seven|eight|nine|ten|\d+|pack|set)\b"
    # (not a time: "used on my desk for 3 months")
    r"(?!\s*(?:months?|mos?|weeks?|wks?|days?|years?|yrs?|hours?|hrs?|minutes?|mins?)\b)"
    r"|\btogether\b|\bjunt[oa]s\b|\bpor\s+(?:l[oa]s\s+(?:dos|tres|cuatro|cinco|seis)|tod[oa]s)\b"
    r"|\bpel[oa]s\s+(?:dois|duas|tr[eê]s|quatro|cinco|seis)\b"
    r"|(?<![а-яё])разом(?![а-яё])"
    r"|за\s+(?:вс[её]|всю|весь|вс[іi]|ус[іi]|лот|партию|комплект|пачку)"
    r"|(?<![а-яё])(?:всего|итого|оптом)(?![а-яё])"
    r"|共计|合计|总价|总共|打包|一起|整批|全部|一式|セット|일괄|전체"
    r"|\bset\s+of\b|\bcombo\b|\bcả\s+\d|\bkwa\s+zote\b|\bborong\b|\bhepsi\b"
    r"|للكل|الكل|لوط|เหมา|ทั้ง"
)
# a count written as stock: "10 units" (10台, 10шт), "10pcs", "available: 5", "5 in stock"
_STOCK_COUNT = re.compile(
    r"(?<![a-z0-9.,$€£¥])(\d{1,5})\s*(?:units?|pcs|pc|pieces|sets|machines|miners)(?![a-z0-9])"
    r"|(?:available|avail|in\s+stock|stock|qty|quantity)\s*[:=]?\s*(\d{1,5})(?![\d.,]\d|[a-z])"
    r"|(?<![a-z0-9.,$€£¥])(\d{1,5})\s*(?:available|avail|in\s+stock|left|on\s+hand)\b"
)
# a price written in a title: "$1,500", "€900", "$4.5k", "2550 usdt", "250元", "₹5,40,000" (lakhs)
_TITLE_PRICE = re.compile(
    r"(?:(?P<sym>[$€£¥₽₺₹₩])\s*(?P<a>\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?P<af>\.\d+)?"
    r"(?P<ak>k)?(?![\d,]))"
    r"|(?:(?<![\w.,])(?P<b>\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:,\d{3})+|\d+)(?P<bf>\.\d+)?(?P<bk>k)?\s*"
    r"(?P<code>usdt|usd|eur|rub|руб|rmb|cny|元|円|jpy|tl|inr|krw|원|[$€£₽₺₹₩]|u(?=\s*/\s*th?(?![a-z])))"
    r"(?![a-z]))"
)
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₽": "RUB", "руб": "RUB"}
_CURRENCY.update({"元": "CNY", "rmb": "CNY", "usdt": "USDT", "u": "USDT"})
# Every word a count above 1 or a per-unit price is written with in a cleaned title: the words
# of _STOCK_COUNT and _PER_UNIT (a superset: "ea" without its leading boundary, "per" without
# what follows), and "/" before "t" (_PER_TH). A title holding none of them, whose own count is
# at most 1, has nothing for a price to decide: one scan, not three.
_COUNT_GATE = re.compile(
    r"unit|unidad|pc|piece|set|machine|miners|avail|stock|qty|quantity|left|hand|each|ea\b|per"
    r"|stk|stuck|stueck|шт|по|цена|@|/\s*t"
)
# the start of a reason :func:`price_quantity` wrote
_DECIDED = re.compile(r"(?:lot of \d+|quantity \d+ is stock) \(")
_STOCK_WORD = re.compile(r"\b(?:available|avail|in\s+stock|left|on\s+hand|qty|quantity)\b")
_ORDER_TERM = re.compile(r"(?:moq|min(?:imum)?\.?\s*(?:order)?(?:\s*qty)?)\W{0,3}$")


class Tier(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    max_j_th: PositiveFloat | None
    observed_low: PositiveFloat
    observed_high: PositiveFloat
    low: PositiveFloat
    high: PositiveFloat


class ReleasedTier(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_year: int
    tier: str


class PriceBands(BaseModel):
    """``data/price_bands.yaml``: USD/TH bands by efficiency tier (see its provenance note)."""

    model_config = ConfigDict(extra="forbid")
    version: int
    tiers: Annotated[list[Tier], Field(min_length=1)]
    released_tier: list[ReleasedTier]
    per_machine_usd: tuple[PositiveFloat, PositiveFloat]

    def tier(self, efficiency_j_th: float | None, released: str | None) -> Tier | None:
        if efficiency_j_th:
            for tier in self.tiers:
                if tier.max_j_th is None or efficiency_j_th <= tier.max_j_th:
                    return tier
        if released:
            year = int(released[:4])
            names = {t.name: t for t in self.tiers}
            for rule in self.released_tier:
                if year >= rule.from_year:
                    return names.get(rule.tier)
        return None


@lru_cache(maxsize=4)
def load_bands(path: Path | None = None) -> PriceBands:
    return read_facts(path or data_path("price_bands.yaml"), PriceBands)


# a model's recent price level: the median $/TH of its priced working listings in the store
RECENT_DAYS = 90  # how far back a level looks
MIN_SIGHTINGS = 5  # priced listing-weeks a level needs (fewer: the tier band decides)
LEVEL_SPREAD = 3.0  # the band around a level: median / 3 to median * 3 (a stock count of 2
# or more divides a price by at least 2, so a wrong reading still leaves the band in most cases)


class Level(NamedTuple):
    """A model's recent price level: the median USD per TH/s of ``sightings`` priced
    listing-weeks of working units."""

    usd_per_th: float
    sightings: int


def model_levels(rows: Iterable[Mapping[str, Any]]) -> dict[str, Level]:
    """Each model's :class:`Level` from ``Store.recent_prices`` rows (``model``,
    ``hashrate_ths``, ``quantity``, ``usd_minor``, ``price_basis``, ``condition``): one unit
    price per row, as :func:`monitor.analysis.unit_price.usd_per_th` defines it (the listed
    price over its quantity and hashrate; a per-TH quote as it is), working units only (not
    ``for_parts``). A model with fewer than :data:`MIN_SIGHTINGS` rows gets no level. Plain
    Python: collecting does not import pandas."""
    prices: dict[str, list[float]] = {}
    for row in rows:
        ths, qty = float(row["hashrate_ths"] or 0), max(int(row["quantity"] or 1), 1)
        if not row["model"] or ths <= 0 or row["usd_minor"] is None or row["usd_minor"] <= 0:
            continue
        if (row["condition"] or "").strip().lower() == "for_parts":
            continue
        usd = row["usd_minor"] / 100.0
        unit = usd if row["price_basis"] == "per_th" else usd / qty / ths
        prices.setdefault(str(row["model"]), []).append(unit)
    return {
        model: Level(statistics.median(values), len(values))
        for model, values in prices.items()
        if len(values) >= MIN_SIGHTINGS
    }


class PriceQuantity(NamedTuple):
    """How many machines a listed price buys, the seller's stock count when it is one (else
    None), and which rule decided (None when there was nothing to decide)."""

    quantity: int
    stock: int | None
    reason: str | None


def _count(text: str, parsed: int) -> tuple[int, str | None]:
    """(the title's count, the stock words it is written with, if any)."""
    for m in _STOCK_COUNT.finditer(text):
        if _ORDER_TERM.search(text, max(0, m.start() - 24), m.start()):
            continue  # "MOQ 20 units": an order term, not stock
        n = int(next(g for g in m.groups() if g))
        if n > 1 and (parsed <= 1 or n == parsed):
            return n, " ".join(m.group().split())
    word = _STOCK_WORD.search(text) if parsed > 1 else None
    return parsed, None if word is None else word.group()


def usd_of(price: float | Decimal, currency: str | None, when: dt.date | None) -> float | None:
    """``price`` in USD at the bundled reference rate of ``when`` (else the latest), for
    plausibility checks only; None when the currency has no rate."""
    if currency is None:
        return None
    from monitor.normalise.fx import USD_ALIASES, bundled_rates

    code = currency.strip().upper()
    try:
        if code in USD_ALIASES:
            return float(price)
        rates = bundled_rates()
        day = when or rates.bounds(code)[1]
        return float(rates.to_usd(Decimal(str(price)), code, day, max_age_days=3650).usd)
    except (ValueError, InvalidOperation):
        return None


def _model(norm: Normalised, catalog: Catalog) -> Model | None:
    if norm.model is None:
        return None
    for model in catalog.by_key.get(compact(norm.model), ()):
        if model.name == norm.model:
            return model
    return None


def _money(usd: float) -> str:
    return f"${usd:,.0f}" if usd >= 100 else f"${usd:,.2f}"


def lot_words(text: str) -> re.Match[str] | None:
    """The first word of a cleaned title or line saying its price buys the lot ("lot", "for
    all", "за всю партию", "打包", "일괄", "للكل"), if any."""
    return _PER_LOT.search(text)


def price_quantity(
    title: str,
    norm: Normalised,
    price: float | Decimal | None,
    currency: str | None,
    *,
    usd: float | None = None,
    when: dt.date | None = None,
    catalog: Catalog | None = None,
    bands: PriceBands | None = None,
    levels: Mapping[str, Level] | None = None,
) -> PriceQuantity:
    """How many machines ``price`` (in ``currency``, or ``usd`` when already converted) buys
    for the listing ``title`` normalised as ``norm``, checked against the model's recent price
    level in ``levels`` (:func:`model_levels`) where it has one, else its tier's band.
    Unchanged (``norm.quantity``, reason None) when the title states no count above 1."""
    text = clean(title[:MAX_CHARS], load_lexicon())
    decided = norm.reason is not None and _DECIDED.search(norm.reason) is not None
    if norm.quantity <= 1 and not decided and _COUNT_GATE.search(text) is None:
        return PriceQuantity(norm.quantity, None, None)  # no count, no per-unit word: nothing
    catalog = catalog or load_catalog()
    unit_word = _PER_UNIT.search(text)
    per_th = _PER_TH.search(text) if unit_word is None else None
    unit_word = unit_word or per_th
    parsed = norm.quantity
    if decided:
        parsed = quantity_of(text, catalog)  # the title's own count, before its price decided
    if parsed <= 1 and unit_word is not None:  # "3 x S19 $1,500 each": the count, unpriced
        parsed = quantity_of(_PER_UNIT.sub(" ", text), catalog)
    n, stock_words = _count(text, parsed)
    if n <= 1:
        return PriceQuantity(norm.quantity, None, None)
    bands = bands or load_bands()
    if usd is None and price is not None:
        usd = usd_of(price, currency, when)

    # the implied unit price of each reading, and whether it is plausible
    per_unit = per_lot = None
    fits_unit = fits_lot = None
    what = ""
    model = _model(norm, catalog)
    ths = norm.hashrate_ths
    if ths is None and model is not None and model.bins:
        ths = model.to_ths(model.bins[len(model.bins) // 2])
    if usd is not None and usd > 0:
        tier = None
        if ths:
            eff = norm.efficiency_j_th
            if eff is None and model is not None and model.watts:  # the spec's J/TH
                native, watts = next(iter(model.watts.items()))
                eff = watts / (model.to_ths(native) or ths)
            tier = bands.tier(eff, model.released if model else None)
        level = levels.get(norm.model) if levels and norm.model and ths else None
        if (tier is not None or level is not None) and ths:
            per_unit, per_lot = usd / ths, usd / n / ths
            if per_th is not None:  # the price is already per TH/s
                per_unit, per_lot = usd, usd / n
            if level is not None:
                lo, hi = level.usd_per_th / LEVEL_SPREAD, level.usd_per_th * LEVEL_SPREAD
                what = (
                    f"/TH ({norm.model} band ${lo:.3g}-{hi:.3g}/TH,"
                    f" from {level.sightings} recent sightings)"
                )
            else:
                assert tier is not None
                lo, hi = tier.low, tier.high
                what = f"/TH ({tier.name} band ${lo:g}-{hi:g}/TH)"
        else:
            per_unit, per_lot = usd, usd / n
            lo, hi = bands.per_machine_usd
            what = f" a machine (band ${lo:g}-{hi:g})"
        fits_unit, fits_lot = lo <= per_unit <= hi, lo <= per_lot <= hi

    def implied(lot: bool) -> str:
        value, fits = (per_lot, fits_lot) if lot else (per_unit, fits_unit)
        if value is None:
            return "no unit price to check"
        return f"{_money(value)}{what}, {'plausible' if fits else 'implausible'}"

    lot_word = _PER_LOT.search(text)
    if unit_word is not None:
        rule = f"words ({unit_word.group().strip()!r}{': a price per TH/s' if per_th else ''})"
        lot = False
    elif lot_word is not None:
        rule = f"words ({lot_word.group().strip()!r})"
        lot = True
    elif fits_unit is not None and fits_unit != fits_lot and norm.condition != "for_parts":
        # (a machine sold for parts is priced below any working machine's band: not checked)
        lot = bool(fits_lot)
        rule = f"plausibility: per {'unit' if lot else 'lot'} would be {implied(not lot)}"
    else:
        lot = not stock_words
        why = f"stock word {stock_words!r}" if stock_words else "bare count"
        checked = ""
        if fits_unit is not None:
            checked = ", both readings plausible" if fits_unit else ", neither reading plausible"
        rule = f"{why}{checked}"
    if lot:
        return PriceQuantity(n, None, f"lot of {n} ({rule}): price per lot = {implied(True)}")
    return PriceQuantity(
        1, n, f"quantity {n} is stock ({rule}): price is per unit = {implied(False)}"
    )


def title_price(text: str) -> tuple[Decimal, str] | None:
    """The first price written in a cleaned title, and its currency code; None if none."""
    m = _TITLE_PRICE.search(text)
    if m is None:
        return None
    whole, frac, k, sign = (
        m.group("a", "af", "ak", "sym") if m.group("sym") else m.group("b", "bf", "bk", "code")
    )
    if frac and len(frac) == 4 and not k and "," not in whole and whole[0] != "0":
        whole, frac = whole + frac[1:], None  # "330.000 TL", "€2.900": European thousands
    amount = Decimal(whole.replace(",", "") + (frac or "")) * (1000 if k else 1)
    if sign == "¥":  # the yen in a Japanese title, else the yuan (scrapers.money.yen_code)
        return amount, yen_code(text)
    return amount, _CURRENCY.get(sign) or currency_code(sign) or sign.upper()


def with_title_price(title: str, text: str, norm: Normalised, catalog: Catalog) -> Normalised:
    """``norm`` with the quantity the price written in its title buys (``text`` is the cleaned
    title): "M30S++ 106T 🔹$560 🔹100pcs" is one machine of a stock of 100; "2 miners S19 Pro
    both for $1500" a lot of 2. ``norm`` itself when the title states no price."""
    found = title_price(text)
    if found is None:
        return norm
    return with_price(title, norm, found[0], found[1], catalog=catalog)


def with_price(
    title: str,
    norm: Normalised,
    price: float | Decimal | None,
    currency: str | None,
    *,
    usd: float | None = None,
    when: dt.date | None = None,
    catalog: Catalog | None = None,
    levels: Mapping[str, Level] | None = None,
) -> Normalised:
    """``norm`` with the quantity ``price`` buys (:func:`price_quantity`, against the models'
    recent ``levels`` where given) and its reason appended to ``norm.reason``; ``norm`` itself
    when nothing was decided."""
    if price is None:
        return norm
    decided = price_quantity(
        title, norm, price, currency, usd=usd, when=when, catalog=catalog, levels=levels
    )
    if decided.reason is None:
        return norm
    # this price decides in place of one written in the title (:func:`with_title_price`)
    kept = [r for r in (norm.reason or "").split("; ") if r and not _DECIDED.match(r)]
    reason = "; ".join([*kept, decided.reason])
    return norm._replace(quantity=decided.quantity, reason=reason)
