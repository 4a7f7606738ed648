"""Make the demo's shop snapshots in data/demo/ (synthetic, deterministic, Shopify's real format).

Three fictional Shopify shops sell used miners, lots, parts and one non-hardware item. Six weekly
snapshots follow a market path with a sharp fall in week four, per-shop noise, items selling out,
new items appearing and one "call for price" item at 0.00. Run from the repository root:

    python scripts/make_demo_data.py
"""

from __future__ import annotations

import json
import random
import re
import shutil
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "demo"
START = date(2026, 9, 1)
WEEKS = 6
MARKET = [1.00, 0.99, 0.97, 0.83, 0.75, 0.77]  # the used-rig price level each week

# (product title, vendor, type, [(variant title, hashrate in TH/s or unit count, $ per TH or unit)])
# A variant title "" is Shopify's "Default Title".
HASHSUPPLY = [
    (
        "Bitmain Antminer S21 XP 270TH/s Air-Cooled (Used, Tested)",
        "Bitmain",
        "ASIC Miner",
        [("", 270, 17.5)],
    ),
    ("Bitmain Antminer S21 200T - Used", "Bitmain", "ASIC Miner", [("", 200, 13.0)]),
    ("Antminer S21 Pro 234TH Bitcoin Miner", "Bitmain", "ASIC Miner", [("", 234, 15.0)]),
    (
        "Bitmain Antminer S19j Pro",
        "Bitmain",
        "ASIC Miner",
        [("96TH", 96, 3.9), ("100TH", 100, 4.0), ("104TH", 104, 4.1)],
    ),
    (
        "Bitmain Antminer S19 XP 141TH/s",
        "Bitmain",
        "ASIC Miner",
        [("Used", 141, 9.0), ("Refurbished", 141, 9.6)],
    ),
    ("Antminer S19k Pro 120T Used Miner w/ PSU", "Bitmain", "ASIC Miner", [("", 120, 7.0)]),
    ("Bitmain Antminer S19 Pro 110TH/s 3250W", "Bitmain", "ASIC Miner", [("", 110, 3.5)]),
    ("Antminer T21 190TH Used", "Bitmain", "ASIC Miner", [("", 190, 10.0)]),
    ("Whatsminer M60S 186T 18.5J/T Used", "MicroBT", "ASIC Miner", [("", 186, 11.0)]),
    ("MicroBT Whatsminer M50S", "MicroBT", "ASIC Miner", [("122T", 122, 6.8), ("126T", 126, 7.0)]),
    ("Whatsminer M30S++ 112TH", "MicroBT", "ASIC Miner", [("", 112, 4.0)]),
    (
        "LOT OF 10 - Whatsminer M30S+ 100T used (price per lot)",
        "MicroBT",
        "ASIC Miner Lot",
        [("", 100 * 10, 2.9)],
    ),
    ("Canaan Avalon A1366 130TH Used", "Canaan", "ASIC Miner", [("", 130, 6.0)]),
    ("Bitmain Antminer L7 9500MH/s Scrypt Miner (Used)", "Bitmain", "ASIC Miner", [("", 1, 2300)]),
    ("APW12 Power Supply for Antminer S19 / S21", "Bitmain", "Parts", [("", 1, 95)]),
    ("Antminer S19j Pro Hashboard 104T (Replacement)", "Bitmain", "Parts", [("", 1, 180)]),
    ("12038 Fan 4-Pack for Antminer S19/S21", "Generic", "Parts", [("", 1, 48)]),
]
RIGXCHANGE = [
    ("Used Antminer S19 95TH SHA256 BTC Miner", "Bitmain", "Used Miners", [("", 95, 2.8)]),
    ("Antminer S19 Pro 110T Used - Tested Working", "Bitmain", "Used Miners", [("", 110, 3.4)]),
    ("Bitmain Antminer S19j Pro 100T (used)", "Bitmain", "Used Miners", [("", 100, 3.8)]),
    (
        "Bitmain Antminer S19j Pro 104TH/s - 90 day warranty",
        "Bitmain",
        "Used Miners",
        [("Used", 104, 4.0), ("Refurbished", 104, 4.4)],
    ),
    ("Whatsminer M30S++ 106T Used", "MicroBT", "Used Miners", [("", 106, 3.7)]),
    ("Whatsminer M31S+ 82TH/s 42J/TH", "MicroBT", "Used Miners", [("", 82, 2.1)]),
    ("MicroBT Whatsminer M50S+ 136T", "MicroBT", "Used Miners", [("", 136, 8.0)]),
    ("Avalon A1246 90T used bitcoin miner", "Canaan", "Used Miners", [("", 90, 3.0)]),
    ("Canaan AvalonMiner 1166 Pro 81T", "Canaan", "Used Miners", [("", 81, 1.9)]),
    (
        "Bitmain Antminer S9 13.5TH/s with APW3++ Power Supply",
        "Bitmain",
        "Used Miners",
        [("", 13.5, 2.6)],
    ),
    ("Antminer S21 Hyd 335TH Hydro-Cooled (Used)", "Bitmain", "Used Miners", [("", 335, 14.0)]),
    ("Antminer S19 XP Hyd 255TH", "Bitmain", "Used Miners", [("", 255, 8.5)]),
    ("Lot of 5 Antminer S19j Pro 96T", "Bitmain", "Lots", [("", 96 * 5, 3.7)]),
    ("Whatsminer M30S 88T", "MicroBT", "Used Miners", [("", 88, 2.5)]),
    ("Antminer S17 Pro 53T (for parts, not hashing)", "Bitmain", "Used Miners", [("", 53, 0.9)]),
    ("Hosting Deposit - 1 Month, per machine", "RigXchange", "Service", [("", 1, 150)]),
    ("Whatsminer M20S 68T - call for price", "MicroBT", "Used Miners", [("", 68, 0)]),
]
BLOCKBAY = [
    ("Bitmain Antminer S21+ 216T New in Box", "Bitmain", "Miners", [("", 216, 15.5)]),
    ("Antminer S21 XP Hyd 473TH", "Bitmain", "Miners", [("", 473, 18.0)]),
    ("Bitmain Antminer S19j Pro+ 120T", "Bitmain", "Miners", [("", 120, 5.0)]),
    ("Antminer S19", "Bitmain", "Miners", [("90TH", 90, 2.7), ("95TH", 95, 2.8)]),
    ("Antminer S19a Pro 110TH", "Bitmain", "Miners", [("", 110, 3.6)]),
    ("Whatsminer M56S++ 254T Immersion", "MicroBT", "Miners", [("", 254, 10.5)]),
    ("Whatsminer M63S 390TH Hydro", "MicroBT", "Miners", [("", 390, 14.5)]),
    ("Whatsminer M30S++ 110TH/s (Used)", "MicroBT", "Miners", [("", 110, 3.9)]),
    ("Canaan Avalon A1466 150T", "Canaan", "Miners", [("", 150, 9.5)]),
    ("Avalon A1346 110T Used", "Canaan", "Miners", [("", 110, 4.2)]),
    ("Antminer S19 XP 134TH Used", "Bitmain", "Miners", [("", 134, 8.8)]),
    ("Bitmain Antminer KS5 Pro 21TH kHeavyHash", "Bitmain", "Miners", [("", 1, 1800)]),
    ("Antminer S19 Hydro 158T", "Bitmain", "Miners", [("", 158, 5.5)]),
    ("Whatsminer M50 114T used", "MicroBT", "Miners", [("", 114, 5.8)]),
    ("Antminer S19j Pro 92T - pre-owned", "Bitmain", "Miners", [("", 92, 3.6)]),
    ("Whatsminer M30S+ 98T", "MicroBT", "Miners", [("", 98, 2.9)]),
    ("Control board for Antminer S19 (Xilinx)", "Bitmain", "Parts", [("", 1, 110)]),
]
SHOPS = {"hashsupply": HASHSUPPLY, "rigxchange": RIGXCHANGE, "blockbay": BLOCKBAY}


def handle(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def money(value: float) -> str:
    return str(
        Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP) - Decimal("0.01")
        if value >= 100
        else Decimal(value).quantize(Decimal("0.01"))
    )


def build() -> None:
    rng = random.Random(2026)
    if OUT.exists():
        for child in OUT.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
    for shop_no, (shop, items) in enumerate(SHOPS.items()):
        # each product: the week it appears and the week it sells out (if ever)
        plan = []
        for i, item in enumerate(items):
            appears = 0 if i % 7 else rng.choice([0, 1, 2])
            sells_out = rng.choice([None, None, None, None, appears + 3])
            plan.append((appears, sells_out, 7_100_000_000_000 + shop_no * 10**9 + i * 7919, item))
        for week in range(WEEKS):
            day = START + timedelta(weeks=week)
            stamp = f"{day.isoformat()}T08:00:00-04:00"
            products = []
            for appears, sells_out, pid, (title, vendor, ptype, variants) in plan:
                if week < appears:
                    continue
                created = (START + timedelta(weeks=appears) - timedelta(days=3)).isoformat()
                vlist = []
                for pos, (vtitle, units, unit_price) in enumerate(variants, start=1):
                    noise = 1 + rng.uniform(-0.03, 0.03)
                    level = MARKET[week] if ptype not in ("Parts", "Service") else 1.0
                    price = units * unit_price * level * noise if unit_price else 0
                    vid = 40_000_000_000_000 + pid % 10**9 * 10 + pos
                    vlist.append(
                        {
                            "id": vid,
                            "title": vtitle or "Default Title",
                            "option1": vtitle or "Default Title",
                            "option2": None,
                            "option3": None,
                            "sku": f"{shop[:3].upper()}-{pid % 100000}-{pos}",
                            "requires_shipping": ptype != "Service",
                            "taxable": True,
                            "featured_image": None,
                            "available": sells_out is None or week < sells_out,
                            "price": money(price),
                            "grams": 0 if ptype == "Service" else 14500,
                            "compare_at_price": None,
                            "position": pos,
                            "product_id": pid,
                            "created_at": f"{created}T10:15:00-04:00",
                            "updated_at": stamp,
                        }
                    )
                option_values = [v["option1"] for v in vlist]
                products.append(
                    {
                        "id": pid,
                        "title": title,
                        "handle": handle(title),
                        "body_html": f"<p>{title}. Ships from our warehouse, tested.</p>",
                        "published_at": f"{created}T10:15:00-04:00",
                        "created_at": f"{created}T10:15:00-04:00",
                        "updated_at": stamp,
                        "vendor": vendor,
                        "product_type": ptype,
                        "tags": [
                            t for t in ("Used" if "used" in title.lower() else "", ptype) if t
                        ],
                        "variants": vlist,
                        "images": [],
                        "options": [
                            {
                                "name": "Title" if option_values == ["Default Title"] else "Option",
                                "position": 1,
                                "values": option_values,
                            }
                        ],
                    }
                )
            folder = OUT / day.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps({"products": products}, indent=1, ensure_ascii=False)
            (folder / f"{shop}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    build()
    print(f"wrote {WEEKS} snapshots of {len(SHOPS)} shops to {OUT}")
