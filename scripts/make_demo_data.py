"""Make the demo's shop snapshots in data/demo/: China 2021, generated from published levels.

Three fictional Shopify shops (Shopify's real ``products.json`` format) sell used miners, lots,
parts, units "for parts", a "call for price" item, one non-hardware item and, from June, one
machine well under its tier's price (a farm leaving China), in 22 weekly snapshots, Mondays
2021-04-05 to 2021-08-30. The listings are GENERATED: no shop listed these items. Their $/TH
follows the published Hashrate Index tier levels and the Antminer S19 path of spring and summer 2021
(``LEVELS`` below; each anchor names its published source), with per-listing markups and weekly
noise, over the real BTC/USD of the bundled ``data/market/btc_usd_daily.csv``:

- ``25to38`` (the Hashrate Index "<38 J/TH" tier at the time: S19, S19 Pro, M30S+, M30S++,
  S19j Pro): about $120/TH in April ("at the peak in April 2021, the most energy-efficient ASICs
  sold for $120 per TH/s", arcane.no citing Hashrate Index), peak $119.25/TH on 2021-05-07
  (watcher.guru citing Hashrate Index), then the Antminer S19's -41.7 % "between May and July
  2021" (thenextbitcoin.net) to $69.52/TH by 2021-07-12;
- ``38to68`` (mid-gen: S17 family, T17, M20S, M21S, M31S): peak $96.24/TH on 2021-05-07
  (watcher.guru), July-2021 low $43.20/TH (news.8btc.com citing Luxor/Hashrate Index);
- ``above68`` (old-gen: S9 family): 2021 high $52.85/TH (date not stated: put at the other
  tiers' peak, 2021-05-07), 2021 low $21/TH (news.8btc.com; put in July with the other tiers).

Between anchors the level is interpolated in logs, day by day; the fall starts on 2021-05-12
(BTC/USD's May crash; the tiers' published peak is 2021-05-07) and the July dates of the lows are
not published (2021-07-12 is assumed). No August level is published: from 2021-07-12 each tier
follows BTC/USD's 7-day mean with elasticity 0.5. Apart from that BTC/USD plays no part in the
prices: the analysis has to find how much of the fall it explains.

Deterministic (fixed seed; re-running rewrites identical files). Run from the repository root:

    python scripts/make_demo_data.py
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import shutil
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "demo"
BTC_CSV = ROOT / "data" / "market" / "btc_usd_daily.csv"
START = date(2021, 4, 5)  # a Monday
WEEKS = 22  # to 2021-08-30
SEED = 2021

# Published tier levels in USD/TH (reference_points_asic_prices_news_2021-2024.csv, module doc).
# (day, level): 2021-04-05 is "about $120 in April", 2021-05-12 holds the peak until BTC's crash.
S19_MAY_TO_JULY = -0.417
LEVELS: dict[str, list[tuple[date, float]]] = {
    "25to38": [
        (date(2021, 4, 5), 117.0),
        (date(2021, 5, 7), 119.25),
        (date(2021, 5, 12), 119.25),
        (date(2021, 7, 12), round(119.25 * (1 + S19_MAY_TO_JULY), 2)),  # 69.52
    ],
    "38to68": [
        (date(2021, 4, 5), 94.0),
        (date(2021, 5, 7), 96.24),
        (date(2021, 5, 12), 96.24),
        (date(2021, 7, 12), 43.20),
    ],
    "above68": [
        (date(2021, 4, 5), 51.0),
        (date(2021, 5, 7), 52.85),
        (date(2021, 5, 12), 52.85),
        (date(2021, 7, 12), 21.0),
    ],
}
AFTER_LOW_BTC_ELASTICITY = 0.5

# (title, vendor, type, tier or None, [(variant title, TH/s per unit, units, $/TH premium)],
#  first week listed). Tier None: parts and services, priced in USD per item (units = price).
Item = tuple[str, str, str, str | None, list[tuple[str, float, int, float]], int]
HASHSUPPLY: list[Item] = [
    (
        "Bitmain Antminer S19 Pro 110TH/s 3250W (Used, Tested)",
        "Bitmain",
        "ASIC Miner",
        "25to38",
        [("", 110, 1, 1.08)],
        0,
    ),
    ("Bitmain Antminer S19 95T - Used", "Bitmain", "ASIC Miner", "25to38", [("", 95, 1, 0.97)], 0),
    (
        "Bitmain Antminer S19",
        "Bitmain",
        "ASIC Miner",
        "25to38",
        [("86TH", 86, 1, 0.95), ("90TH", 90, 1, 0.96), ("95TH", 95, 1, 0.98)],
        0,
    ),
    ("Whatsminer M30S++ 112TH", "MicroBT", "ASIC Miner", "25to38", [("", 112, 1, 1.04)], 0),
    (
        "LOT OF 10 - Whatsminer M30S+ 100T used (price per lot)",
        "MicroBT",
        "ASIC Miner Lot",
        "25to38",
        [("", 100, 10, 0.94)],
        0,
    ),
    (
        "Bitmain Antminer S19j Pro",
        "Bitmain",
        "ASIC Miner",
        "25to38",
        [("96TH", 96, 1, 1.03), ("100TH", 100, 1, 1.05), ("104TH", 104, 1, 1.06)],
        9,
    ),
    ("Antminer S17 Pro 53T Used", "Bitmain", "ASIC Miner", "38to68", [("", 53, 1, 1.05)], 0),
    ("Antminer S17+ 73TH 2920W", "Bitmain", "ASIC Miner", "38to68", [("", 73, 1, 1.06)], 0),
    ("Whatsminer M20S 68T Used", "MicroBT", "ASIC Miner", "38to68", [("", 68, 1, 0.97)], 0),
    ("Whatsminer M31S 70T", "MicroBT", "ASIC Miner", "38to68", [("", 70, 1, 1.0)], 0),
    (
        "Bitmain Antminer S9 13.5TH/s with APW3++ Power Supply",
        "Bitmain",
        "ASIC Miner",
        "above68",
        [("", 13.5, 1, 1.0)],
        0,
    ),
    ("Antminer S9j 14.5T", "Bitmain", "ASIC Miner", "above68", [("", 14.5, 1, 1.04)], 0),
    ("APW12 Power Supply for Antminer S19", "Bitmain", "Parts", None, [("", 1, 1, 210.0)], 0),
    ("Antminer S19 Hashboard 32T (Replacement)", "Bitmain", "Parts", None, [("", 1, 1, 640.0)], 0),
    ("12038 Fan 4-Pack for Antminer S17/S19", "Generic", "Parts", None, [("", 1, 1, 48.0)], 0),
]
RIGXCHANGE: list[Item] = [
    (
        "Used Antminer S19 95TH SHA256 BTC Miner",
        "Bitmain",
        "Used Miners",
        "25to38",
        [("", 95, 1, 0.99)],
        0,
    ),
    (
        "Antminer S19 Pro 110T Used - Tested Working",
        "Bitmain",
        "Used Miners",
        "25to38",
        [("", 110, 1, 1.07)],
        0,
    ),
    ("Whatsminer M30S++ 106T Used", "MicroBT", "Used Miners", "25to38", [("", 106, 1, 1.02)], 0),
    ("Whatsminer M30S+ 100T used", "MicroBT", "Used Miners", "25to38", [("", 100, 1, 0.96)], 0),
    (
        "Bitmain Antminer S19j Pro 100T (used)",
        "Bitmain",
        "Used Miners",
        "25to38",
        [("", 100, 1, 1.05)],
        10,
    ),
    ("Lot of 5 Antminer S19 95T", "Bitmain", "Lots", "25to38", [("", 95, 5, 0.95)], 0),
    ("Antminer S17 56TH Used", "Bitmain", "Used Miners", "38to68", [("", 56, 1, 0.98)], 0),
    ("Antminer T17 40T Used", "Bitmain", "Used Miners", "38to68", [("", 40, 1, 0.92)], 0),
    ("Whatsminer M21S 56T", "MicroBT", "Used Miners", "38to68", [("", 56, 1, 0.9)], 0),
    (
        "Antminer S17 Pro 53T (for parts, not hashing)",
        "Bitmain",
        "Used Miners",
        "38to68",
        [("", 53, 1, 0.3)],
        0,
    ),
    ("Antminer S9i 14T Used", "Bitmain", "Used Miners", "above68", [("", 14, 1, 0.98)], 0),
    (
        "Antminer S9 13.5T - as is, untested",
        "Bitmain",
        "Used Miners",
        "above68",
        [("", 13.5, 1, 0.45)],
        0,
    ),
    (
        "Hosting Deposit - 1 Month, per machine",
        "RigXchange",
        "Service",
        None,
        [("", 1, 1, 150.0)],
        0,
    ),
    ("Whatsminer M20S 68T - call for price", "MicroBT", "Used Miners", None, [("", 68, 1, 0.0)], 0),
]
BLOCKBAY: list[Item] = [
    ("Antminer S19 Pro 110TH", "Bitmain", "Miners", "25to38", [("", 110, 1, 1.09)], 0),
    (
        "Antminer S19",
        "Bitmain",
        "Miners",
        "25to38",
        [("90TH", 90, 1, 0.97), ("95TH", 95, 1, 0.99)],
        0,
    ),
    ("Whatsminer M30S++ 110TH/s (Used)", "MicroBT", "Miners", "25to38", [("", 110, 1, 1.03)], 0),
    ("Whatsminer M30S+ 98T", "MicroBT", "Miners", "25to38", [("", 98, 1, 0.95)], 0),
    ("Antminer S19j Pro 104T - pre-owned", "Bitmain", "Miners", "25to38", [("", 104, 1, 1.06)], 11),
    ("Antminer S17+ 73T Used", "Bitmain", "Miners", "38to68", [("", 73, 1, 1.04)], 0),
    ("Antminer S17 Pro 53TH/s", "Bitmain", "Miners", "38to68", [("", 53, 1, 1.03)], 0),
    ("Whatsminer M20S 68T", "MicroBT", "Miners", "38to68", [("", 68, 1, 0.96)], 0),
    ("Canaan Avalon A1066 50T", "Canaan", "Miners", "38to68", [("", 50, 1, 0.88)], 0),
    ("Antminer S9 13.5T Used", "Bitmain", "Miners", "above68", [("", 13.5, 1, 1.0)], 0),
    ("Antminer S9j 14.5TH/s (Used)", "Bitmain", "Miners", "above68", [("", 14.5, 1, 1.03)], 0),
    (
        "Antminer S19 90T - ex-China farm, quick sale",
        "Bitmain",
        "Miners",
        "25to38",
        [("", 90, 1, 0.62)],
        8,
    ),  # a seller leaving China: a deal for the digest
    ("Control board for Antminer S19 (Xilinx)", "Bitmain", "Parts", None, [("", 1, 1, 160.0)], 0),
]
SHOPS = {"hashsupply": HASHSUPPLY, "rigxchange": RIGXCHANGE, "blockbay": BLOCKBAY}


def btc_week_means() -> dict[date, float]:
    """BTC/USD's trailing 7-day mean per day (bundled, real)."""
    daily: dict[date, float] = {}
    with BTC_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            day = date.fromisoformat(row["date"])
            if date(2021, 3, 1) <= day <= date(2021, 9, 30):
                daily[day] = float(row["btc_usd"])
    days = sorted(daily)
    return {d: sum(daily[x] for x in days[max(0, i - 6) : i + 1]) / min(7, i + 1)
            for i, d in enumerate(days)}  # fmt: skip


def level(tier: str, day: date, btc: dict[date, float]) -> float:
    """The tier's generated $/TH level on ``day`` (module doc)."""
    points = LEVELS[tier]
    if day <= points[0][0]:
        return points[0][1]
    low_day, low = points[-1]
    if day >= low_day:
        return low * (btc[day] / btc[low_day]) ** AFTER_LOW_BTC_ELASTICITY
    for (d0, v0), (d1, v1) in zip(points, points[1:], strict=False):
        if d0 <= day <= d1:
            f = (day - d0).days / (d1 - d0).days
            return math.exp(math.log(v0) + f * (math.log(v1) - math.log(v0)))
    raise AssertionError(day)


def handle(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def money(value: float) -> str:
    if value <= 0:
        return "0.00"
    exact = Decimal(str(round(value, 2)))
    if value >= 100:  # shop-style prices: 2,499.00 -> 2,499.99 below the round figure
        return str(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP) - Decimal("0.01"))
    return str(exact.quantize(Decimal("0.01")))


def product(pid: int, title: str, vendor: str, ptype: str, created: date, stamp: str,
            variants: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    values = [v["option1"] for v in variants]
    return {
        "id": pid,
        "title": title,
        "handle": handle(title) + (f"-{pid % 1000}" if pid % 1000 else ""),
        "body_html": f"<p>{title}. Ships from our warehouse.</p>",
        "published_at": f"{created.isoformat()}T10:15:00-04:00",
        "created_at": f"{created.isoformat()}T10:15:00-04:00",
        "updated_at": stamp,
        "vendor": vendor,
        "product_type": ptype,
        "tags": [t for t in ("Used" if "used" in title.lower() else "", ptype) if t],
        "variants": variants,
        "images": [],
        "options": [
            {
                "name": "Title" if values == ["Default Title"] else "Option",
                "position": 1,
                "values": values,
            }
        ],
    }


def build() -> list[date]:
    rng = random.Random(SEED)
    btc = btc_week_means()
    if OUT.exists():
        for child in OUT.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
    weeks = [START + timedelta(weeks=k) for k in range(WEEKS)]
    for shop_no, (shop, items) in enumerate(SHOPS.items()):
        # each item: a seller's markup; a listing life: it sells out (shown unavailable for a
        # week, then gone) and some are relisted a week or two later as a new product
        lives: list[tuple[int, int | None, int, Item, float]] = []
        for i, item in enumerate(items):
            markup = rng.uniform(0.93, 1.07)
            first = item[5] + (rng.choice([0, 0, 0, 1]) if item[5] == 0 and i % 4 == 3 else 0)
            pid = 6_600_000_000_000 + shop_no * 10**9 + i * 7919
            if item[3] is not None and rng.random() < 0.35:
                sold_at = rng.randint(first + 4, WEEKS - 6)
                lives.append((first, sold_at, pid, item, markup))
                relist = sold_at + rng.choice([2, 3])
                lives.append((relist, None, pid + 1, item, markup * rng.uniform(0.97, 1.03)))
            else:
                lives.append((first, None, pid, item, markup))
        for week, day in enumerate(weeks):
            stamp = f"{day.isoformat()}T08:00:00-04:00"
            products = []
            for first, sold_at, pid, (title, vendor, ptype, tier, variants, _), markup in lives:
                if week < first or (sold_at is not None and week > sold_at):
                    continue
                vlist = []
                for pos, (vtitle, ths, units, premium) in enumerate(variants, start=1):
                    noise = math.exp(rng.gauss(0.0, 0.035))
                    if tier is None:  # parts, services: their own price, not the tiers'
                        price = premium * noise if premium else 0.0
                    else:
                        price = units * ths * level(tier, day, btc) * premium * markup * noise
                    vlist.append(
                        {
                            "id": 40_000_000_000_000 + pid % 10**9 * 10 + pos,
                            "title": vtitle or "Default Title",
                            "option1": vtitle or "Default Title",
                            "option2": None,
                            "option3": None,
                            "sku": f"{shop[:3].upper()}-{pid % 100000}-{pos}",
                            "requires_shipping": ptype != "Service",
                            "taxable": True,
                            "featured_image": None,
                            "available": sold_at is None or week < sold_at,
                            "price": money(price),
                            "grams": 0 if ptype == "Service" else 14500,
                            "compare_at_price": None,
                            "position": pos,
                            "product_id": pid,
                            "created_at": f"{weeks[first] - timedelta(days=3)}T10:15:00-04:00",
                            "updated_at": stamp,
                        }
                    )
                created = weeks[first] - timedelta(days=3)
                products.append(product(pid, title, vendor, ptype, created, stamp, vlist))
            folder = OUT / day.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            lines = ",\n".join(json.dumps(p, ensure_ascii=False, separators=(",", ":"))
                               for p in products)  # fmt: skip
            (folder / f"{shop}.json").write_text(
                '{"products":[\n' + lines + "\n]}\n", encoding="utf-8"
            )
    return weeks


if __name__ == "__main__":
    made = build()
    print(f"wrote {len(made)} weekly snapshots ({made[0]} to {made[-1]}) of {len(SHOPS)} shops "
          f"to {OUT}")  # fmt: skip
