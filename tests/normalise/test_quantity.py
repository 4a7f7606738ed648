"""What a listed price buys: a stock count priced per unit, or a lot (normalise.quantity)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitor.normalise.quantity import load_bands, price_quantity, title_price, with_price
from monitor.normalise.titles import normalise

LOT, STOCK = "lot", "stock"

# (title, price, currency, what the price buys, the count, a phrase of the deciding rule)
CASES = [
    # the examples
    ("10台 Antminer S19j Pro 100T 250元", 250, "CNY", STOCK, 10, "stock word"),
    ("2шт Antminer S19 95T 2550 usdt", 2550, "USDT", STOCK, 2, "stock word"),
    ("Куплю 20 шт Antminer S19j Pro 100T по 220", 220, "USD", STOCK, 20, "words ('по')"),
    ("5 units available Antminer S19 95T $2,100", 2100, "USD", STOCK, 5, "stock word"),
    ("lot of 4 Antminer S19 95T $6,000", 6000, "USD", LOT, 4, "words ('lot')"),
    ("bundle of 10 Antminer S19 95T for $25,000", 25000, "USD", LOT, 10, "words ('bundle')"),
    ("x4 Antminer S19 95T $6000 total", 6000, "USD", LOT, 4, "words ('total')"),
    # words: per unit
    ("蚂蚁S19 95T 现货 10台 单价2500", 2500, "CNY", STOCK, 10, "words ('each')"),
    ("蚂蚁矿机 S19j Pro 100T 20台 3000元/台", 3000, "CNY", STOCK, 20, "words ('/ units')"),
    ("Whatsminer M30S 88T 20 шт цена за шт 40000 руб", 40000, "RUB", STOCK, 20, "each"),
    ("Antminer S19 95T 5 units @ $1,200", 1200, "USD", STOCK, 5, "words ('@')"),
    ("3 x Antminer S19 95T $1,500 each", 1500, "USD", STOCK, 3, "words ('each')"),
    ("Antminer S19 95T 8pcs price per unit $900", 900, "USD", STOCK, 8, "per unit"),
    ("Antminer S19 95T in stock: 12, $950", 950, "USD", STOCK, 12, "plausibility"),
    # words: per lot
    ("Antminer S19 95T 10 шт за все 20000 usdt", 20000, "USDT", LOT, 10, "за все"),
    ("Antminer S19 95T 打包 10台 15000 USDT", 15000, "USDT", LOT, 10, "words ('打包')"),
    ("Antminer S19 95T 10台 共计 12000 USDT", 12000, "USDT", LOT, 10, "words ('共计')"),
    ("Antminer S19 95T всего 5 шт 6000 usdt", 6000, "USDT", LOT, 5, "words ('всего')"),
    ("6x Antminer S19 95T, $7,200 for all", 7200, "USD", LOT, 6, "for all"),
    # words leave it open: plausibility decides, both ways
    ("10pcs Antminer S19 95T $30,000", 30000, "USD", LOT, 10, "plausibility"),
    ("Antminer S19 95T 20 units $120,000", 120000, "USD", LOT, 20, "plausibility"),
    ("20 шт Antminer S19j Pro 100T 7000 CNY", 7000, "CNY", STOCK, 20, "plausibility"),
    ("(10) Antminer S19 95T $500", 500, "USD", STOCK, 10, "plausibility"),
    ("Antminer S19 95T x10 $400", 400, "USD", STOCK, 10, "plausibility"),
    ("8 units Antminer L7 9500M $32,000", 32000, "USD", LOT, 8, "plausibility"),
    ("Antminer L7 9500M x8 $150", 150, "USD", STOCK, 8, "plausibility"),
    # both readings plausible: the count's own words lean
    ("8 units Antminer L7 9500M $1,800", 1800, "USD", STOCK, 8, "both readings plausible"),
    ("4x Antminer S19 95T $6,000", 6000, "USD", LOT, 4, "bare count, both"),
    ("Whatsminer M30S 88T 3шт 1500 usdt", 1500, "USDT", STOCK, 3, "stock word '3 units'"),
]


@pytest.mark.parametrize(("title", "price", "currency", "buys", "count", "rule"), CASES)
def test_the_count_is_stock_or_a_lot(
    title: str, price: float, currency: str, buys: str, count: int, rule: str
) -> None:
    norm = normalise(title)
    assert norm.kind == "miner", norm
    decided = price_quantity(title, norm, price, currency)
    assert decided.reason is not None, decided
    assert rule in decided.reason, decided
    if buys == LOT:
        assert (decided.quantity, decided.stock) == (count, None), decided
        assert decided.reason.startswith(f"lot of {count} ("), decided
    else:
        assert (decided.quantity, decided.stock) == (1, count), decided
        assert decided.reason.startswith(f"quantity {count} is stock ("), decided
        assert "price is per unit" in decided.reason


def test_the_reason_states_the_implied_unit_price() -> None:
    title = "lot of 4 Antminer S19 95T $6,000"
    reason = price_quantity(title, normalise(title), 6000, "USD").reason
    assert reason == (
        "lot of 4 (words ('lot')): price per lot = $15.79/TH (new-gen band $0.9-180/TH), plausible"
    )
    title = "10台 Antminer S19j Pro 100T 2500元"
    reason = price_quantity(title, normalise(title), 2500, "CNY").reason or ""
    assert reason.startswith("quantity 10 is stock (plausibility: per lot would be $0.")
    assert "implausible): price is per unit = $3." in reason


@pytest.mark.parametrize(
    ("title", "price"),
    [
        ("Antminer S19 95T $900", 900),  # no count
        ("MOQ 20 units Antminer S19 95T $900", 900),  # an order term, not a count
        ("Antminer S19 95T min order 5 pcs $900", 900),
        ("Antminer S19 95T 3 x BM1398 spare $900", 900),  # a spec, not a lot
    ],
)
def test_without_a_count_nothing_is_decided(title: str, price: float) -> None:
    norm = normalise(title)
    assert price_quantity(title, norm, price, "USD") == (norm.quantity, None, None)
    assert with_price(title, norm, price, "USD") is norm


def test_without_a_price_the_words_still_decide() -> None:
    title = "lot of 3 Antminer S19 95T"
    assert price_quantity(title, normalise(title), None, None)[:2] == (3, None)
    title = "Куплю 20 шт Antminer S19j Pro"
    decided = price_quantity(title, normalise(title), None, None)
    assert decided[:2] == (1, 20)
    assert decided.reason
    assert "no unit price to check" in decided.reason
    assert with_price(title, normalise(title), None, None) is normalise(title)


def test_an_unknown_currency_skips_the_plausibility_check() -> None:
    title = "10pcs Antminer S19 95T 30000 XYZ"
    decided = price_quantity(title, normalise(title), 30000, "XYZ")
    assert decided[:2] == (1, 10)
    assert decided.reason
    assert "no unit price to check" in decided.reason


def test_a_converted_usd_amount_is_used_as_given() -> None:
    title = "10pcs Antminer S19 95T"
    assert price_quantity(title, normalise(title), 1, "XYZ", usd=30000.0).quantity == 10


def test_with_price_keeps_the_title_reason_and_appends_the_decision() -> None:
    title = "10台 Antminer S19j Pro"  # no hashrate: the catalog's middle bin is checked
    norm = normalise(title)
    assert norm.reason == "no hashrate in title"
    out = with_price(title, norm, 2500, "CNY")
    assert out.quantity == 1
    assert out.reason
    assert out.reason.startswith("no hashrate in title; quantity 10 is stock (")
    assert out._replace(quantity=norm.quantity, reason=norm.reason) == norm


def test_the_bands_cover_the_published_figures_they_come_from() -> None:
    bands = load_bands()
    for tier in bands.tiers:
        assert tier.low <= tier.observed_low < tier.observed_high <= tier.high
    assert [t.max_j_th for t in bands.tiers][-1] is None
    assert bands.tier(30.5, None).name == "new-gen"  # type: ignore[union-attr]
    assert bands.tier(50, None).name == "mid-gen"  # type: ignore[union-attr]
    assert bands.tier(98, None).name == "old-gen"  # type: ignore[union-attr]
    assert bands.tier(None, "2017-06").name == "old-gen"  # type: ignore[union-attr]
    assert bands.tier(None, None) is None


# A price written in the title decides what it buys already in the title normaliser; a price
# given beside the title (an import's column) then decides again, in its place.
@pytest.mark.parametrize(
    ("title", "quantity", "rule"),
    [
        ("10台 Antminer S19j Pro 2500元", 1, "quantity 10 is stock (plausibility"),
        ("📍Ethiopia 🔹M30S++ 106T used 🔹$560 🔹100pcs", 1, "quantity 100 is stock (plausibility"),
        ("WTS: S19k Pro 120T used, $11.8/T, qty 200", 1, "quantity 200 is stock (words ('/t'"),
        ("WTS M50S 126T used 13.5 U/T qty 50", 1, "quantity 50 is stock (words ('u/t'"),
        # a price per TH written in words, as broker lines write it (one pattern reads both)
        ("WTS S21 200T 14.5$ за т, 30 шт", 1, "quantity 30 is stock (words ('$ за т'"),
        ("Antminer S19 95T 13 USD pro TH, 20 Stück", 1, "quantity 20 is stock (words ('usd pro"),
        ("2 bitcoin miners S19 Pro 110th both for $1500", 2, "lot of 2 (words ('both for'"),
        ("[WTS] S17+ 73T x4 for parts, $200 takes all", 4, "lot of 4 (words ('takes all'"),
        ("Продам 3 асика Antminer S19 95T за все 150000 руб", 3, "lot of 3 (words ('за все'"),
        ("S19 95T 10pcs $4,500 total", 10, "lot of 10 (words ('total'"),
        # "together", Ukrainian "разом", Spanish "por los tres"/"juntos": the price buys them all
        ("Whatsminer M30S 88T, 3 pcs together $1,900", 3, "lot of 3 (words ('together'"),
        ("Antminer S19j Pro 100T б/в, 4 шт разом за 1200$", 4, "lot of 4 (words ('разом'"),
        ("Vendo 2 equipos M30S++ 106T, $900 por los dos", 2, "lot of 2 (words ('por los dos'"),
        ("Duas Whatsminer M30S++ 106T, $1800 pelas duas", 2, "lot of 2 (words ('pelas duas'"),
    ],
)
def test_a_price_in_the_title_decides_what_it_buys(title: str, quantity: int, rule: str) -> None:
    norm = normalise(title)
    assert norm.kind == "miner"
    assert norm.quantity == quantity
    assert norm.reason is not None
    assert rule in norm.reason, norm.reason


def test_a_price_beside_the_title_decides_in_place_of_the_titles() -> None:
    title = "10台 Antminer S19j Pro 2500元"
    norm = normalise(title)
    assert norm.quantity == 1
    again = with_price(title, norm, 2500, "CNY")
    assert again.reason == norm.reason  # the same decision, not written twice
    lot = with_price(title, norm, 25000 * 7, "CNY")  # a lot's price: the plausible reading
    assert lot.quantity == 10
    assert lot.reason is not None
    assert lot.reason.startswith("no hashrate in title; lot of 10 (")
    assert lot.reason.count("; ") == 1


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("s19 95t $1,500", "1500", "USD"),
        ("s19 95t €900.50 each", "900.50", "EUR"),
        ("s19 95t $4.5k", "4500", "USD"),
        ("s19 95t 2550 usdt", "2550", "USDT"),
        ("s19 95t 250元", "250", "CNY"),
        ("s19 95t 150000 руб", "150000", "RUB"),
        ("m50s 126t 13.5 u/t", "13.5", "USDT"),
        # the currencies and groupings of the ninth blind set's kinds, through the one table
        ("s21 200t 3 pcs 330.000 tl", "330000", "TRY"),
        ("s21 200t x2 €2.900", "2900", "EUR"),
        ("s21 200t x3 ₹5,40,000", "540000", "INR"),
        ("s21 200t used まとめて 900,000円", "900000", "JPY"),
        ("s21 200t used まとめて ¥900,000", "900000", "JPY"),  # a Japanese title: the yen
        ("s21 200t 2 units ¥42000", "42000", "CNY"),
    ],
)
def test_title_price_reads_the_first_price(text: str, amount: str, currency: str) -> None:
    assert title_price(text) == (Decimal(amount), currency)


@pytest.mark.parametrize("text", ["s19 95t 3250w", "s19 95t 4u rack", "s19 95t 10 units"])
def test_title_price_reads_no_price_where_there_is_none(text: str) -> None:
    assert title_price(text) is None


# issue 13 (dev-v2): "X<digits>" that ends a catalog model name is the model, not "x N" units
@pytest.mark.parametrize(
    ("title", "model", "quantity"),
    [
        ("Antminer X5 212KH/s", "Antminer X5", 1),
        ("Jasminer X4 2500MH/s", "Jasminer X4", 1),
        ("Antminer X9 1000KH/s", "Antminer X9", 1),
        ("Antminer S19 95T x5", "Antminer S19", 5),  # still a count after a model
        ("x3 Jasminer X4 2500MH/s", "Jasminer X4", 3),
    ],
)
def test_a_model_name_like_x5_is_not_a_count(title: str, model: str, quantity: int) -> None:
    got = normalise(title)
    assert (got.model, got.quantity) == (model, quantity)


# "price per lot" says the lot's price, although it holds "price per": the count is the lot size
# (a unit reading would be a per-unit price the seller never wrote).
@pytest.mark.parametrize(
    "title",
    [
        "LOT OF 10 - Whatsminer M30S+ 100T used (price per lot)",
        "Lot of 10 Whatsminer M30S+ 100T used - price per the lot",
        "10x Whatsminer M30S+ 100T used, price per lot, pickup only",
        "10x Whatsminer M30S+ 100T used, per lot",
        "10x Whatsminer M30S+ 100T used, lot price",
        "10x Whatsminer M30S+ 100T used, asking for the lot",
        "bundle of 10 Whatsminer M30S+ 100T used, price per bundle",
        "pallet of 10 Whatsminer M30S+ 100T used (price per pallet)",
    ],
)
def test_a_price_per_lot_buys_the_lot(title: str) -> None:
    got = with_price(title, normalise(title), 79700, "USD")
    assert got.quantity == 10, got.reason


def test_a_price_per_unit_still_buys_one() -> None:
    title = "Lot of 10 Whatsminer M30S+ 100T used, price per unit"
    assert with_price(title, normalise(title), 797, "USD").quantity == 1


# The early exit (a title whose own count is at most 1 and that holds no count or per-unit word
# skips the price's reading) changes no answer: every labelled title, at prices each reading of
# a count would find plausible or not, gives what the full reading gives.
def test_the_count_gate_changes_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    import csv
    import re
    from pathlib import Path

    from monitor.normalise import quantity

    titles = Path(__file__).resolve().parents[1] / "fixtures" / "titles"
    rows = []
    for path in sorted(titles.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += [(t, normalise(t)) for r in csv.DictReader(fh) if (t := r.get("title"))]
    prices = [(Decimal(1500), "USD"), (Decimal(250), "CNY"), (Decimal(60000), "USD")]
    gated = [with_price(t, n, p, c) for t, n in rows for p, c in prices]
    assert sum(quantity._COUNT_GATE.search(t.casefold()) is None for t, _ in rows) > len(rows) // 10
    monkeypatch.setattr(quantity, "_COUNT_GATE", re.compile(""))
    assert gated == [with_price(t, n, p, c) for t, n in rows for p, c in prices]


# --- a model's recent price level (from the store's sightings) narrows its band


def _rows(model: str, usd_per_th: list[float], ths: float = 200.0) -> list[dict[str, object]]:
    return [
        {"model": model, "hashrate_ths": ths, "quantity": 1, "usd_minor": round(p * ths * 100),
         "price_basis": "unit", "condition": "used"}
        for p in usd_per_th
    ]  # fmt: skip


def test_a_models_recent_level_decides_where_the_tier_band_cannot() -> None:
    from monitor.normalise.quantity import model_levels

    title = "x12 Antminer S21 200T"
    norm = normalise(title)
    # the tier band ($0.9-180/TH for new-gen) fits $2,900 as one machine and as twelve
    wide = price_quantity(title, norm, 2900, "USD")
    assert (wide.quantity, wide.stock) == (12, None)
    assert "both readings plausible" in (wide.reason or "")
    # S21s were seen at $13-17/TH: $2,900 for twelve ($1.21/TH) is not a price anyone asks
    levels = model_levels(_rows("Antminer S21", [13, 14, 15, 16, 17]))
    got = price_quantity(title, norm, 2900, "USD", levels=levels)
    assert (got.quantity, got.stock) == (1, 12)
    assert got.reason == (
        "quantity 12 is stock (plausibility: per lot would be $1.21/TH (Antminer S21 band"
        " $5-45/TH, from 5 recent sightings), implausible): price is per unit = $14.50/TH"
        " (Antminer S21 band $5-45/TH, from 5 recent sightings), plausible"
    )
    # a real lot price still reads as a lot against the same level
    lot = price_quantity(title, norm, 36000, "USD", levels=levels)
    assert (lot.quantity, lot.stock) == (12, None)
    assert "per unit would be $180/TH (Antminer S21 band" in (lot.reason or "")
    # another model's level does not apply
    other = price_quantity(
        title, norm, 2900, "USD", levels=model_levels(_rows("Antminer S19", [5] * 5))
    )
    assert other == wide


def test_a_level_needs_enough_working_priced_sightings() -> None:
    from monitor.normalise.quantity import MIN_SIGHTINGS, model_levels

    assert model_levels(_rows("Antminer S21", [15] * (MIN_SIGHTINGS - 1))) == {}
    broken = [{**r, "condition": "for_parts"} for r in _rows("Antminer S21", [2] * 10)]
    unpriced = [{**r, "usd_minor": None} for r in _rows("Antminer S21", [15] * 10)]
    assert model_levels([*broken, *unpriced, *_rows("Antminer S21", [15] * 4)]) == {}
    (level,) = model_levels([*broken, *_rows("Antminer S21", [10, 12, 15, 20, 40])]).values()
    assert (level.usd_per_th, level.sightings) == (15, 5)


def test_a_level_prices_rows_as_the_analysis_unit_price_does() -> None:
    """The level's unit prices are the analysis's $/TH (monitor.analysis.unit_price), computed
    in plain Python so collecting does not import pandas: the twins must agree."""
    from monitor.analysis.unit_price import usd_per_th
    from monitor.normalise.quantity import model_levels

    rows = [
        {"model": "M", "hashrate_ths": 100.0, "quantity": 4, "usd_minor": 600_000,
         "price_basis": "unit", "condition": "used"},
        {"model": "M", "hashrate_ths": 95.0, "quantity": 1, "usd_minor": 140_000,
         "price_basis": "unit", "condition": None},
        {"model": "M", "hashrate_ths": 110.0, "quantity": 1, "usd_minor": 1_450,
         "price_basis": "per_th", "condition": "new"},
        {"model": "M", "hashrate_ths": 104.0, "quantity": 0, "usd_minor": 170_000,
         "price_basis": "unit", "condition": "unknown"},
        {"model": "M", "hashrate_ths": 90.0, "quantity": 2, "usd_minor": 250_000,
         "price_basis": "unit", "condition": "refurbished"},
    ]  # fmt: skip
    expected = sorted(
        usd_per_th(r["usd_minor"] / 100, r["quantity"], r["hashrate_ths"], r["price_basis"])
        for r in rows
    )
    (level,) = model_levels(rows).values()
    assert level.usd_per_th == pytest.approx(expected[2])
