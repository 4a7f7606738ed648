"""A local mirror of realistic eBay search results pages, for the crawl benchmark.

    python -m benchmarks.crawl.make_pages [--pages 1000] [--hosts 32] [--out DIR] [--seed 1]

Writes ``DIR/<chain>/<page>.html`` (``chain`` 0..hosts-1, ``page`` 1..n), a gzipped copy of each
(``<page>.html.gz``, what the server sends) and ``DIR/manifest.json``.
The pages are split into ``hosts`` chains (one chain = one search = one asicmon source, served
from its own host); each page links to the next one of its chain, the last one has a disabled
"next" button.

Each page is ~400 KB and shaped like a real eBay results page (see the fixtures in
``tests/fixtures/sources/ebay``): a head with meta/preload tags, inline CSS and inline JSON/JS
configuration, the global header, the filter rail, the result list (``ul.srp-results``) of 60 cards
in either layout (legacy ``li.s-item`` with its hidden "Shop on eBay" placeholder, or 2025
``li.s-card``), the pagination, a "related" carousel outside the result list, the footer and the
trailing scripts. Chains vary: active or sold (``LH_Sold=1``) searches, ebay.com ($) or ebay.co.uk
(£), and some last pages end with "Results matching fewer words" (both contestants stop there).

Everything is derived from ``random.Random(seed)``: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import random
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote_plus

CARDS_PER_PAGE = 60
CURRENT = ' aria-current="page"'
DISABLED = ' aria-disabled="true"'
TARGET_BYTES = 400_000

# (maker, model, hashrates, unit, base price in USD per unit of hashrate at the first hashrate)
MODELS = [
    ("Bitmain", "Antminer S19", (86, 90, 95), "TH/s", 4.2),
    ("Bitmain", "Antminer S19 Pro", (104, 110), "TH/s", 4.6),
    ("Bitmain", "Antminer S19j Pro", (96, 100, 104), "TH/s", 4.4),
    ("Bitmain", "Antminer S19j Pro+", (117, 120, 122), "TH/s", 5.1),
    ("Bitmain", "Antminer S19k Pro", (115, 120), "TH/s", 6.3),
    ("Bitmain", "Antminer S19 XP", (134, 140, 141), "TH/s", 7.9),
    ("Bitmain", "Antminer S19 XP Hydro", (255, 257), "TH/s", 8.5),
    ("Bitmain", "Antminer S21", (188, 195, 200), "TH/s", 14.5),
    ("Bitmain", "Antminer S21 Pro", (225, 234), "TH/s", 17.2),
    ("Bitmain", "Antminer T21", (180, 190), "TH/s", 11.0),
    ("Bitmain", "Antminer S9", (13.5, 14), "TH/s", 3.0),
    ("Bitmain", "Antminer L7", (8800, 9050, 9500), "MH/s", 0.6),
    ("Bitmain", "Antminer L3+", (504,), "MH/s", 0.12),
    ("Bitmain", "Antminer KS3", (8.3, 9.4), "TH/s", 240.0),
    ("Bitmain", "Antminer K7", (58, 63.5), "TH/s", 19.0),
    ("Bitmain", "Antminer D7", (1286,), "GH/s", 0.9),
    ("MicroBT", "Whatsminer M30S", (86, 88), "TH/s", 3.6),
    ("MicroBT", "Whatsminer M30S+", (98, 100), "TH/s", 4.0),
    ("MicroBT", "Whatsminer M30S++", (104, 106, 110), "TH/s", 4.9),
    ("MicroBT", "Whatsminer M31S", (70, 74), "TH/s", 2.9),
    ("MicroBT", "Whatsminer M50", (114, 118), "TH/s", 9.5),
    ("MicroBT", "Whatsminer M50S", (126, 130), "TH/s", 11.4),
    ("MicroBT", "Whatsminer M60", (172,), "TH/s", 16.0),
    ("Canaan", "AvalonMiner 1246", (85, 90), "TH/s", 4.0),
    ("Canaan", "AvalonMiner 1366", (130,), "TH/s", 8.0),
    ("Canaan", "Avalon A1466", (150,), "TH/s", 11.0),
    ("Goldshell", "KD6", (29.2,), "TH/s", 35.0),
    ("Goldshell", "Mini-DOGE Pro", (205,), "MH/s", 1.1),
    ("IceRiver", "KS0 Pro", (200,), "GH/s", 1.4),
    ("IceRiver", "KS3M", (6,), "TH/s", 280.0),
]
WATTS = {"S19": 3250, "S21": 3500, "M30": 3400, "M50": 3300, "L7": 3425, "KS3": 3500, "S9": 1350}
PARTS = [
    ("Bitmain APW12 PSU power supply 12V 3600W for Antminer {m}", 38, 140),
    ("Hashboard for Antminer {m} tested working", 90, 420),
    ("Control board for Antminer {m} C52 Xilinx", 45, 120),
    ("4x 12038 cooling fans 6000RPM for {m}", 22, 60),
    ("Whatsminer P221B PSU for {m}", 40, 130),
    ("Hydro cooling plate kit for {m}", 60, 260),
]
PREFIXES = [
    "",
    "",
    "",
    "",
    "NEW ",
    "USED ",
    "Lot of 2 ",
    "Lot of 4 ",
    "2x ",
    "Bitmain ",
    "Tested ",
    "Refurbished ",
    "FAST SHIP ",
]
BITS = [
    "Bitcoin Miner",
    "BTC ASIC Miner",
    "ASIC Miner SHA-256",
    "SHA256 Bitcoin miner",
    "Crypto Miner",
    "ASIC",
    "Miner",
    "BTC/BCH Miner",
    "Litecoin Dogecoin Miner",
]
SUFFIXES = [
    "",
    "",
    "with PSU",
    "w/ APW12 PSU",
    "- tested, hashboards checked",
    "hosted farm pull",
    "USA Stock",
    "In Hand Ships Today",
    "EU stock, VAT invoice",
    "cleaned, new fans",
    "for parts or repair",
    "one hashboard down",
    "like new in box",
    "+ power cord",
    "free shipping",
    "warranty until 2026",
    "Canada stock",
    "ships from Texas",
    "100% working",
    "low hours",
    "original box",
]
CONDITIONS = [
    "Pre-Owned",
    "Pre-Owned",
    "Pre-Owned",
    "Used",
    "Brand New",
    "New (Other)",
    "Open Box",
    "For parts or not working",
    "Seller refurbished",
]
PLACES = [
    "United States",
    "United States",
    "United States",
    "China",
    "China",
    "Canada",
    "Hong Kong",
    "Germany",
    "United Kingdom",
    "Malaysia",
    "Russia",
    "Kazakhstan",
    "Paraguay",
    "Netherlands",
]
UK_PLACES = ["United Kingdom", "United Kingdom", "United Kingdom", "China", "Ireland", "Germany"]
SELLERS = [
    "asic-depot",
    "hashrate-shop",
    "miner-outlet",
    "btc-hardware-usa",
    "coldfarm-liquidation",
    "crypto-gear-direct",
    "shenzhen-mining",
    "blockparts",
    "hostedpull",
    "gpuandasic",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CATEGORIES = [
    "Antiques",
    "Art",
    "Baby",
    "Books",
    "Business & Industrial",
    "Cameras & Photo",
    "Cell Phones & Accessories",
    "Clothing, Shoes & Accessories",
    "Coins & Paper Money",
    "Collectibles",
    "Computers/Tablets & Networking",
    "Consumer Electronics",
    "Crafts",
    "Dolls & Bears",
    "Movies & TV",
    "eBay Motors",
    "Entertainment Memorabilia",
    "Gift Cards & Coupons",
    "Health & Beauty",
    "Home & Garden",
    "Jewelry & Watches",
    "Music",
    "Musical Instruments & Gear",
    "Pet Supplies",
    "Pottery & Glass",
    "Real Estate",
    "Specialty Services",
    "Sporting Goods",
    "Sports Mem, Cards & Fan Shop",
    "Stamps",
    "Tickets & Experiences",
    "Toys & Hobbies",
    "Travel",
    "Video Games & Consoles",
    "Everything Else",
]
CSS_BLOCKS = [
    "s-item",
    "s-card",
    "srp-controls",
    "srp-river",
    "srp-rail",
    "x-refine",
    "gh",
    "glbfooter",
    "pagination",
    "su-card-container",
    "su-styled-text",
    "s-pagination",
    "srp-main",
    "srp-format-tabs",
    "srp-save-search",
    "fake-tabs",
    "btn",
    "icon",
    "carousel",
    "x-flyout",
    "srp-carousel-list",
    "srp-multi-aspect",
    "clipped",
    "s-message",
]
CSS_ELEMS = [
    "",
    "__wrapper",
    "__image",
    "__info",
    "__title",
    "__subtitle",
    "__details",
    "__detail",
    "__price",
    "__shipping",
    "__location",
    "__caption",
    "__link",
    "__header",
    "__content",
    "__media",
    "__attributes",
    "__row",
    "__list",
    "__item",
    "__button",
    "__icon",
    "__label",
]
CSS_MODS = [
    "",
    "",
    "--primary",
    "--secondary",
    "--large",
    "--small",
    "--active",
    "--disabled",
    "--horizontal",
    "--dark",
    "--has-secondary",
    "--focus",
]
CSS_PROPS = [
    "display:block",
    "display:flex",
    "display:none",
    "display:inline-block",
    "margin:0",
    "margin:0 0 4px",
    "margin-top:8px",
    "padding:0 16px",
    "padding:4px 8px",
    "font-size:14px",
    "font-size:12px",
    "font-size:.875rem",
    "font-weight:700",
    "line-height:20px",
    "line-height:1.42857",
    "color:#191919",
    "color:#707070",
    "color:#0654ba",
    "background-color:#fff",
    "background-color:#f7f7f7",
    "border:1px solid #e5e5e5",
    "border-radius:8px",
    "border-radius:16px",
    "position:relative",
    "position:absolute",
    "overflow:hidden",
    "text-overflow:ellipsis",
    "white-space:nowrap",
    "width:100%",
    "max-width:225px",
    "height:auto",
    "flex-direction:column",
    "align-items:center",
    "justify-content:space-between",
    "cursor:pointer",
    "text-decoration:none",
    "vertical-align:middle",
    "transition:opacity .2s ease-in-out",
    "z-index:1",
    "box-sizing:border-box",
    "fill:currentColor",
    "outline-offset:4px",
    "word-break:break-word",
]
SCRIPT_SRCS = ["/rs/v/{h}.js", "/rs/c/srp-{h}.js", "/cr/v/c01/{h}.js", "/rs/c/highline/{h}.js"]


@dataclass(frozen=True)
class Chain:
    index: int
    query: str
    layout: str  # legacy | scard
    sold: bool
    site: str  # com | uk
    pages: int
    fewer_words: bool  # the last page ends with "Results matching fewer words"

    @property
    def path(self) -> str:
        q = f"/sch/i.html?_nkw={quote_plus(self.query)}&_sacat=0"
        return q + ("&LH_Sold=1&LH_Complete=1" if self.sold else "")

    def page_path(self, n: int) -> str:
        return self.path if n == 1 else f"{self.path}&_pgn={n}"


def chains(pages: int, hosts: int, seed: int = 1) -> list[Chain]:
    """Split ``pages`` into ``hosts`` chains of (almost) equal length."""
    if hosts < 1 or pages < hosts:
        raise ValueError("need at least one page per host")
    rng = random.Random(seed)
    out = []
    for i in range(hosts):
        maker, model, *_ = MODELS[i % len(MODELS)]
        query = model.replace("Antminer ", "antminer ").replace("Whatsminer ", "whatsminer ")
        query = query.lower() if rng.random() < 0.8 else f"{maker} {model}".lower()
        out.append(
            Chain(
                index=i,
                query=query,
                layout="legacy" if i % 2 == 0 else "scard",
                sold=i % 4 == 3,
                site="uk" if i % 8 == 5 else "com",
                pages=pages // hosts + (1 if i < pages % hosts else 0),
                fewer_words=i % 5 == 2,
            )
        )
    return out


class PageMaker:
    def __init__(self, chain: Chain, seed: int) -> None:
        self.chain = chain
        self.rng = random.Random(f"{seed}:{chain.index}")
        self.cur = "£" if chain.site == "uk" else "$"
        self.domain = "www.ebay.co.uk" if chain.site == "uk" else "www.ebay.com"
        self.ship_word = (
            "postage" if chain.site == "uk" else self.rng.choice(["shipping", "delivery"])
        )

    # -- small pieces ---------------------------------------------------------------------------
    def token(self, n: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def b64ish(self, n: int) -> str:
        return self.token(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%")

    def money(self, value: float) -> str:
        return f"{self.cur}{value:,.2f}"

    def title(self) -> tuple[str, float]:
        rng = self.rng
        maker, model, rates, unit, per = rng.choice(MODELS)
        if rng.random() < 0.12:
            text, lo, hi = rng.choice(PARTS)
            return text.format(m=model.split(" ", 1)[-1]), rng.uniform(lo, hi)
        rate = rng.choice(rates)
        rate_s = f"{rate:g}"
        style = rng.random()
        if style < 0.3:
            head = f"{maker} {model} {rate_s}{unit}"
        elif style < 0.55:
            head = f"{model} {rate_s}{unit[0]}"
        elif style < 0.75:
            head = f"{model.split(' ', 1)[-1]} {rate_s} {unit}"
        else:
            head = f"{maker} {model} {rate_s}{unit[:2]}"
        watts = next((w for k, w in WATTS.items() if k in model), None)
        parts = [rng.choice(PREFIXES) + head]
        if watts and rng.random() < 0.35:
            parts.append(f"{watts + rng.choice((-50, 0, 0, 60))}W")
        parts.append(rng.choice(BITS))
        if suffix := rng.choice(SUFFIXES):
            parts.append(suffix)
        price = rate * per * rng.uniform(0.7, 1.4)
        if parts[0].startswith(("Lot of 2", "2x")):
            price *= 2
        elif parts[0].startswith("Lot of 4"):
            price *= 4
        return " ".join(parts), max(price, 15.0)

    def item_id(self) -> str:
        return str(self.rng.randrange(110_000_000_000, 399_999_999_999))

    def item_href(self, item_id: str) -> str:
        q = quote_plus(self.chain.query)
        return (
            f"https://{self.domain}/itm/{item_id}?_skw={q}&amp;epid={self.rng.randrange(10**9, 10**10)}"
            f"&amp;hash=item{self.token(10, '0123456789abcdef')}:g:{self.b64ish(16)}"
            f"&amp;itmprp=enc%3AAQAKAAAA{self.b64ish(96)}"
        )

    def facts(self, price: float) -> dict[str, str | None]:
        """The card's wording: price text, purchase option, shipping, location, sold date..."""
        rng = self.rng
        if rng.random() < 0.07:
            price_text = f"{self.money(price)} to {self.money(price * rng.uniform(1.1, 1.6))}"
        else:
            price_text = self.money(price)
        r = rng.random()
        option = (
            "Buy It Now"
            if r < 0.5
            else "or Best Offer"
            if r < 0.8
            else f"{rng.randrange(1, 40)} bids"
        )
        r = rng.random()
        if r < 0.3:
            ship = f"Free {self.ship_word}"
        elif r < 0.9:
            ship = f"+{self.money(rng.uniform(9, 180))} {self.ship_word}"
        else:
            ship = f"{self.ship_word.capitalize()} not specified"
        places = UK_PLACES if self.chain.site == "uk" else PLACES
        sold = None
        if self.chain.sold:
            day, month, year = rng.randrange(1, 29), rng.randrange(12), rng.choice((2025, 2026))
            sold = (
                f"Sold  {day} {MONTHS[month]} {year}"
                if self.chain.site == "uk"
                else f"Sold  {MONTHS[month]} {day}, {year}"
            )
            if option.endswith("bids"):
                option = f"{rng.randrange(1, 40)} bids"
            elif option == "or Best Offer":
                option = "Best offer accepted"
        return {
            "price": price_text,
            "option": option,
            "ship": ship,
            "place": rng.choice(places),
            "condition": rng.choice(CONDITIONS),
            "sold": sold,
            "hot": f"{rng.randrange(2, 60)} sold" if rng.random() < 0.15 else None,
            "seller": f"{rng.choice(SELLERS)}-{rng.randrange(1, 99)}",
            "feedback": f"{rng.uniform(95, 100):.1f}%",
            "ratings": f"{rng.randrange(3, 25000):,}",
        }

    # -- cards ----------------------------------------------------------------------------------
    def legacy_card(self, item_id: str, title: str, f: dict[str, str | None], n: int) -> str:
        rng = self.rng
        href = self.item_href(item_id)
        img = self.b64ish(16)
        track = self.b64ish(14).upper()
        new = '<span class="LIGHT_HIGHLIGHT">New Listing</span>' if rng.random() < 0.1 else ""
        sold = ""
        if f["sold"]:
            sold = (
                '<div class="s-item__caption-section"><div class="s-item__caption">'
                '<span class="s-item__caption--row"><span class="s-item__caption--signal POSITIVE">'
                f"<span>{f['sold']}</span></span></span></div></div>"
            )
        price = f["price"] or ""
        if " to " in price:
            low, high = price.split(" to ")
            price = f'{low}<span class="DEFAULT"> to </span>{high}'
        if f["sold"]:
            strike = (
                "STRIKETHROUGH POSITIVE" if f["option"] == "Best offer accepted" else "POSITIVE"
            )
            price = f'<span class="{strike}">{price}</span>'
        option_cls = (
            "s-item__bids s-item__bidCount"
            if f["option"].endswith("bids")
            else "s-item__purchase-options s-item__purchaseOptions"
        )
        time_left = ""
        if f["option"].endswith("bids") and not f["sold"]:
            time_left = (
                f'<span class="s-item__time-left">{rng.randrange(1, 6)}d {rng.randrange(24)}h left</span>'
                f'<span class="s-item__time-end"> (Fri, 0{rng.randrange(1, 9)}:12 PM)</span>'
            )
        hot = ""
        if f["hot"]:
            hot = (
                '<div class="s-item__detail s-item__detail--primary"><span class="s-item__hotness '
                f's-item__itemHotness"><span class="BOLD">{f["hot"]}</span></span></div>'
            )
        interactions = html.escape(
            json.dumps([{"actionKind": "NAVSRC", "interaction": self.b64ish(120)}])
        )
        return f"""<li data-viewport="{html.escape(json.dumps({"trackableId": track}))}" data-view="mi:1686|iid:{n}" class="s-item s-item__pl-on-bottom" id="item{self.token(10, "0123456789abcdef")}">
<div class="s-item__wrapper clearfix"><div class="s-item__image-section"><div class="s-item__image"><a data-interactions="{interactions}" _sp="p2351460.m1686.l7400" tabindex="-1" aria-hidden="true" href="{href}"><div class="s-item__image-wrapper image-treatment"><div class="s-item__image-helper"></div><img alt="{html.escape(title)}" src="https://i.ebayimg.com/images/g/{img}/s-l500.webp" loading="{"eager" if n < 4 else "lazy"}" onload="SITE_SPEED.ATF_TIMER.measure(this); if (performance &amp;&amp; performance.mark) {{ performance.mark(&quot;first-meaningful-image-load&quot;); }}" data-defer-load="true"></div></a></div>
<div class="s-item__watchheart-container"><span class="s-item__watchheart s-item__watchheart--watch"><a aria-label="watch {html.escape(title[:60])}" href="https://{self.domain}/myb/WatchListAdd?item={item_id}&amp;pt=null&amp;srt={self.b64ish(80)}&amp;ru=https%3A%2F%2F{self.domain}%2Fsch%2Fi.html" _sp="p2351460.m4114.l8480" role="button"><span class="s-item__watchheart-icon"><svg class="icon icon--save-small" focusable="false" aria-hidden="true"><use href="#icon-save-small"></use></svg></span></a></span></div></div>
<div class="s-item__info clearfix">{sold}<a data-interactions="{interactions}" _sp="p2351460.m1686.l7400" href="{href}" class="s-item__link"><div class="s-item__title"><span role="heading" aria-level="3">{new}{html.escape(title)}</span></div></a>
<div class="s-item__subtitle"><span class="SECONDARY_INFO">{f["condition"]}</span></div>
<div class="s-item__reviews"><a aria-label="{rng.uniform(3, 5):.1f} out of 5 stars" href="https://{self.domain}/p/{rng.randrange(10**9)}#UserReviews" class="s-item__reviews-count"><div class="x-star-rating"><span class="clipped">{rng.uniform(3, 5):.1f} out of 5 stars.</span><svg class="icon icon--star-filled-small" focusable="false" aria-hidden="true"><use href="#icon-star-filled-small"></use></svg></div><span aria-hidden="false">{rng.randrange(1, 90)} product ratings</span></a></div>
<div class="s-item__details clearfix">
<div class="s-item__detail s-item__detail--primary"><span class="s-item__price">{price}</span></div>
<div class="s-item__detail s-item__detail--primary"><span class="{option_cls}">{f["option"]}</span>{time_left}</div>
<div class="s-item__detail s-item__detail--primary"><span class="s-item__shipping s-item__logisticsCost">{f["ship"]}</span></div>
{hot}<div class="s-item__detail s-item__detail--primary"><span class="s-item__location s-item__itemLocation">from {f["place"]}</span></div>
<div class="s-item__detail s-item__detail--primary"><span class="s-item__free-returns s-item__freeReturnsNoFee">{"Free returns" if rng.random() < 0.4 else "30-day returns"}</span></div>
<div class="s-item__detail s-item__detail--secondary"><span class="s-item__seller-info"><span class="s-item__seller-info-text">{f["seller"]} ({f["ratings"]}) {f["feedback"]}</span></span></div>
<div class="s-item__detail s-item__detail--secondary"><span class="s-item__etrs-badge-seller"><span class="s-item__etrs-badge"><svg class="icon icon--etrs-small" focusable="false" aria-hidden="true"><use href="#icon-etrs-small"></use></svg></span></span></div>
</div><div class="s-item__sep"><span aria-hidden="true" class="s-item__sep-text">{self.b64ish(24)}</span></div></div></div></li>
"""

    def scard_card(self, item_id: str, title: str, f: dict[str, str | None], n: int) -> str:
        rng = self.rng
        href = self.item_href(item_id)
        img = self.b64ish(16)
        track = self.b64ish(14).upper()
        caption = ""
        if f["sold"]:
            caption = (
                '<div class="s-card__caption"><span class="su-styled-text positive default">'
                f"{f['sold']}</span></div>"
            )
        strike = "strikethrough " if f["option"] == "Best offer accepted" else ""
        tone = "positive" if f["sold"] else "primary"
        brand = (
            ""
            if rng.random() < 0.4
            else (
                '<span class="su-styled-text secondary default"> · </span>'
                f'<span class="su-styled-text secondary default">{title.split(" ")[0]}</span>'
            )
        )
        new = (
            '<span class="su-styled-text primary default"><span class="LIGHT_HIGHLIGHT">New Listing</span></span>'
            if rng.random() < 0.1
            else ""
        )
        rows = [
            f'<span class="su-styled-text {strike}{tone} bold large-1 s-card__price">{f["price"]}</span>',
            f'<span class="su-styled-text secondary large">{f["option"]}</span>',
            f'<span class="su-styled-text secondary large">{f["ship"]}</span>',
            f'<span class="su-styled-text secondary large">Located in {f["place"]}</span>',
        ]
        if f["hot"]:
            rows.append(f'<span class="su-styled-text secondary bold large">{f["hot"]}</span>')
        if rng.random() < 0.4:
            rows.append('<span class="su-styled-text secondary large">Free returns</span>')
        primary = "\n".join(f'<div class="s-card__attribute-row">{r}</div>' for r in rows)
        interactions = html.escape(
            json.dumps([{"actionKind": "NAVSRC", "interaction": self.b64ish(120)}])
        )
        return f"""<li id="item{self.token(10, "0123456789abcdef")}" data-viewport="{html.escape(json.dumps({"trackableId": track}))}" data-view="mi:1686|iid:{n}" data-listingid="{item_id}" class="s-card s-card--horizontal s-card--dark-solt-links-blue">
<div class="su-card-container su-card-container--horizontal">
<div class="su-card-container__media"><div class="su-media su-media--image"><a class="su-link image-treatment" data-interactions="{interactions}" href="{href}" tabindex="-1" aria-hidden="true" target="_blank"><div class="s-card__image"><img class="s-card__image" src="https://i.ebayimg.com/images/g/{img}/s-l500.webp" srcset="https://i.ebayimg.com/images/g/{img}/s-l140.webp 140w, https://i.ebayimg.com/images/g/{img}/s-l500.webp 500w" loading="{"eager" if n < 4 else "lazy"}" alt="{html.escape(title)}"></div></a></div>
<div class="su-media__watch"><button class="icon-btn icon-btn--transparent icon-btn--small su-watch" aria-label="Watch {html.escape(title[:60])}" data-id="{item_id}" data-track="{self.b64ish(60)}" type="button"><svg class="icon icon--heart-24" focusable="false" aria-hidden="true"><use href="#icon-heart-24"></use></svg></button></div></div>
<div class="su-card-container__content">
<div class="su-card-container__header">{caption}
<a class="su-link s-card__link" data-interactions="{interactions}" href="{href}" target="_blank"><div role="heading" aria-level="3" class="s-card__title">{new}<span class="su-styled-text primary default">{html.escape(title)}</span><span class="clipped">Opens in a new window or tab</span></div></a>
<div class="s-card__subtitle-row"><div class="s-card__subtitle"><span class="su-styled-text secondary default">{f["condition"]}</span>{brand}</div></div>
<div class="s-card__reviews"><div class="x-star-rating"><span class="clipped">{rng.uniform(3, 5):.1f} out of 5 stars.</span><svg class="icon icon--star-filled-small" focusable="false" aria-hidden="true"><use href="#icon-star-filled-small"></use></svg></div><span class="su-styled-text secondary small">({rng.randrange(1, 90)})</span></div>
</div>
<div class="su-card-container__attributes su-card-container__attributes--has-secondary">
<div class="su-card-container__attributes__primary">
{primary}
</div>
<div class="su-card-container__attributes__secondary">
<div class="s-card__attribute-row"><span class="su-styled-text primary large">{f["seller"]}</span> <span class="su-styled-text secondary large">{f["feedback"]} positive ({f["ratings"]})</span></div>
<div class="s-card__attribute-row"><span class="su-styled-text secondary large"><svg class="icon icon--top-rated-seller-16" focusable="false" aria-hidden="true"><use href="#icon-top-rated-seller-16"></use></svg>Top Rated Plus</span></div>
</div></div>
<div class="su-card-container__footer"><span class="s-card__sep" aria-hidden="true">{self.b64ish(24)}</span></div>
</div></div></li>
"""

    def placeholder(self) -> str:
        return (
            '<li data-viewport="{&quot;trackableId&quot;:&quot;01KQ0000PLACEHOLDER&quot;}" '
            'class="s-item s-item__pl-on-bottom" id="item0000000001"><div class="s-item__wrapper '
            'clearfix"><div class="s-item__info clearfix"><a tabindex="-1" href="https://ebay.com/'
            'itm/123456?hash=item28caef0a3a:g:E3kAAOSwlGJiMikD" class="s-item__link"><div '
            'class="s-item__title"><span role="heading" aria-level="3">Shop on eBay</span></div>'
            '</a><div class="s-item__subtitle"><span class="SECONDARY_INFO">Brand New</span></div>'
            '<div class="s-item__details clearfix"><div class="s-item__detail '
            's-item__detail--primary"><span class="s-item__price">$20.00</span></div></div></div>'
            "</div></li>\n"
        )

    # -- the rest of the page -------------------------------------------------------------------
    def css(self, rules: int) -> str:
        rng = self.rng
        out = []
        for _ in range(rules):
            sel = ".".join(
                [""]
                + [
                    rng.choice(CSS_BLOCKS) + rng.choice(CSS_ELEMS) + rng.choice(CSS_MODS)
                    for _ in range(rng.choice((1, 1, 2)))
                ]
            )
            if rng.random() < 0.3:
                sel += " " + rng.choice(
                    ("span", "a", "svg", "img", "li", "div", ":hover", ">.icon")
                )
            props = ";".join(rng.sample(CSS_PROPS, rng.randrange(2, 7)))
            if rng.random() < 0.08:
                out.append(
                    f"@media (min-width:{rng.choice((512, 768, 1024, 1280))}px){{{sel}{{{props}}}}}"
                )
            else:
                out.append(f"{sel}{{{props}}}")
        return "".join(out)

    def config_json(self, ids: list[str], entries: int) -> str:
        """The kind of JSON eBay inlines: module configs and per-item tracking payloads."""
        rng = self.rng
        data = {
            "srp": {
                "query": self.chain.query,
                "siteId": 3 if self.chain.site == "uk" else 0,
                "pageci": self.token(36),
                "items": [
                    {
                        "itemId": item_id,
                        "trackableId": self.b64ish(14).upper(),
                        "listingType": rng.choice(["FIXED_PRICE", "AUCTION", "BEST_OFFER"]),
                        "epid": str(rng.randrange(10**9, 10**10)),
                        "rank": i,
                        "tracking": {
                            "mi": 1686,
                            "iid": i,
                            "sid": "p2351460.m1686.l7400",
                            "pl": self.b64ish(150),
                        },
                    }
                    for i, item_id in enumerate(ids)
                ],
            },
            "modules": {
                f"{rng.choice(CSS_BLOCKS)}-{k}": {
                    "enabled": rng.random() < 0.8,
                    "url": f"/rs/c/{self.token(20)}.js",
                    "params": {self.token(6): self.b64ish(rng.randrange(20, 90)) for _ in range(3)},
                }
                for k in range(entries)
            },
        }
        return json.dumps(data, separators=(",", ":"))

    def header(self) -> str:
        rng = self.rng
        cats = "".join(
            f'<option value="{rng.randrange(1, 99999)}">{html.escape(c)}</option>'
            for c in CATEGORIES
        )
        links = "".join(
            f'<li class="gh-eb-li"><a href="https://{self.domain}/{self.token(8)}" _sp="m570.l{rng.randrange(1000, 9999)}" class="gh-eb-li-a">{w}</a></li>'
            for w in (
                "Daily Deals",
                "Brand Outlet",
                "Gift Cards",
                "Help & Contact",
                "Sell",
                "Watchlist",
                "My eBay",
                "Notifications",
                "Cart",
            )
        )
        return (
            f'<div id="gh-gb" tabindex="-1"></div><header id="gh" role="banner" class="gh-w">'
            f'<a href="#mainContent" class="gh-skip" id="gh-hdn-stm">Skip to main content</a>'
            f'<div class="gh-top"><ul id="gh-topl"><li class="gh-t gh-spr" id="gh-u"><span>Hi! '
            f'<a href="https://signin.ebay.com/ws/eBayISAPI.dll?SignIn&amp;ru={self.b64ish(40)}" '
            f'_sp="m570.l1524">Sign in</a> or <a href="https://reg.ebay.com/reg/PartialReg" '
            f'_sp="m570.l2621">register</a></span></li>{links}</ul></div>'
            f'<form id="gh-f" method="get" action="https://{self.domain}/sch/i.html">'
            f'<input type="hidden" value="R40" name="_from"><input type="text" class="gh-tb ui-autocomplete-input" '
            f'aria-label="Search for anything" placeholder="Search for anything" value="{html.escape(self.chain.query)}" '
            f'id="gh-ac" name="_nkw" autocapitalize="off" autocorrect="off" spellcheck="false" autocomplete="off">'
            f'<select aria-label="Select a category for search" name="_sacat" id="gh-cat">'
            f'<option value="0">All Categories</option>{cats}</select>'
            f'<input type="submit" value="Search" id="gh-btn" class="btn btn-prim gh-spr"></form>'
            f"</header>\n"
        )

    def rail(self) -> str:
        rng = self.rng
        groups = []
        for g in (
            "Brand",
            "Model",
            "Hash Rate",
            "Power",
            "Algorithm",
            "Condition",
            "Price",
            "Buying Format",
            "Item Location",
            "Shipping Options",
            "Show only",
            "More filters",
        ):
            items = []
            for _k in range(rng.randrange(6, 14)):
                label = (
                    rng.choice(MODELS)[rng.choice((0, 1))]
                    if g in ("Brand", "Model")
                    else (
                        f"{self.token(rng.randrange(4, 12), 'abcdefghijklmnopqrstuvwxyz ').strip().title()}"
                    )
                )
                items.append(
                    f'<li class="x-refine__main__list--value"><div class="x-refine__multi-select">'
                    f'<a class="cbx x-refine__multi-select-link" href="https://{self.domain}/sch/i.html?_nkw={quote_plus(self.chain.query)}&amp;{quote_plus(g)}={quote_plus(label)}&amp;rt=nc" _sp="p2351460.m3854.l1581">'
                    f'<input type="checkbox" aria-hidden="true" tabindex="-1" class="checkbox__control" '
                    f'aria-label="{html.escape(label)}"><span class="cbx x-refine__multi-select-cbx">'
                    f'{html.escape(label)}<span class="x-refine__multi-select-histogram">'
                    f'<span class="clipped">- {rng.randrange(1, 900)} items</span>'
                    f"</span></span></a></div></li>"
                )
            groups.append(
                f'<li class="x-refine__main__list"><div class="x-refine__item__title-container">'
                f'<h3 class="x-refine__item">{g}</h3></div><div class="x-refine__group">'
                f'<ul class="x-refine__main__value">{"".join(items)}</ul></div></li>'
            )
        return (
            '<div class="srp-rail__left" id="srp-rail__left"><ul class="x-refine__left__nav" '
            f'aria-label="Refinements">{"".join(groups)}</ul></div>\n'
        )

    def footer(self) -> str:
        rng = self.rng
        cols = []
        for title in (
            "Buy",
            "Sell",
            "Tools & apps",
            "Stay connected",
            "About eBay",
            "Help & Contact",
            "Community",
            "eBay Sites",
        ):
            links = "".join(
                f'<li class="gf-li"><a href="https://{self.domain}/{self.token(rng.randrange(4, 14))}" '
                f'class="thrd gf-bar-a" _exsp="m571.l{rng.randrange(1000, 9999)}">'
                f"{self.token(rng.randrange(5, 20), 'abcdefghijklmnopqrstuvwxyz ').strip().title()}</a></li>"
                for _ in range(rng.randrange(6, 12))
            )
            cols.append(
                f'<div class="gf-flex"><h3 class="gf-bttl">{title}</h3><ul>{links}</ul></div>'
            )
        return (
            '<footer id="glbfooter" role="contentinfo" class="gh-w"><div id="gf-t-box">'
            f'{"".join(cols)}</div><div id="gf-BIG"><p id="gf-l">Copyright © 1995-2026 eBay Inc. '
            "All Rights Reserved. Accessibility, User Agreement, Privacy, Consumer Health Data, "
            "Payments Terms of Use, Cookies, CA Privacy Notice, Your Privacy Choices and AdChoice"
            "</p></div></footer>\n"
        )

    def carousel(self) -> str:
        cards = []
        for _ in range(6):
            title, price = self.title()
            cards.append(
                f'<li class="carousel__snap-point srp-carousel-list__item"><div class="s-item s-item--large">'
                f'<a href="{self.item_href(self.item_id())}" class="s-item__link"><div class="s-item__title">'
                f'<span>{html.escape(title)}</span></div></a><span class="s-item__price">'
                f"{self.money(price)}</span></div></li>"
            )
        return (
            '<div class="srp-carousel-list"><h2 class="srp-carousel-list__title">Related: '
            f'people also viewed</h2><ul class="carousel__list">{"".join(cards)}</ul></div>\n'
        )

    def pagination(self, n: int) -> str:
        c = self.chain
        items = "".join(
            f'<li><a href="{html.escape(c.page_path(k))}" class="pagination__item"'
            f"{CURRENT if k == n else ''}>{k}</a></li>"
            for k in range(max(1, n - 4), min(c.pages, n + 4) + 1)
        )
        prev = (
            f'<a href="{html.escape(c.page_path(max(1, n - 1)))}" type="previous" '
            f'class="pagination__previous icon-link" aria-label="Go to previous search page"'
            f'{DISABLED if n == 1 else ""}><svg class="icon icon--pagination-prev" '
            f'aria-hidden="true"><use href="#icon-pagination-prev"></use></svg></a>'
        )
        if n < c.pages:
            nxt = (
                f'<a href="{html.escape(c.page_path(n + 1))}" type="next" class="pagination__next '
                f'icon-link" aria-label="Go to next search page"><svg class="icon '
                f'icon--pagination-next" aria-hidden="true"><use href="#icon-pagination-next">'
                f"</use></svg></a>"
            )
        else:
            nxt = (
                '<button type="next" class="pagination__next icon-link" aria-disabled="true" '
                'aria-label="Go to next search page"><svg class="icon icon--pagination-next" '
                'aria-hidden="true"><use href="#icon-pagination-next"></use></svg></button>'
            )
        return (
            f'<div class="s-pagination" role="navigation"><span class="clipped" aria-live="polite">'
            f'Results Pagination - Page {n}</span><nav class="pagination" role="navigation" '
            f'aria-labelledby="s0-52-13-10-pagination-heading"><h2 class="clipped" '
            f'id="s0-52-13-10-pagination-heading">Results Pagination - Page {n}</h2>{prev}'
            f'<ol class="pagination__items">{items}</ol>{nxt}</nav></div>\n'
        )

    # -- a page ---------------------------------------------------------------------------------
    def page(self, n: int) -> tuple[str, list[dict[str, object]]]:
        """The HTML of page ``n`` and what a correct parser must find on it."""
        c = self.chain
        rng = self.rng
        cards, expected, ids = [], [], []
        if c.layout == "legacy":
            cards.append(self.placeholder())
        cut_at = CARDS_PER_PAGE - 20 if (c.fewer_words and n == c.pages) else None
        for i in range(CARDS_PER_PAGE):
            if i == cut_at:
                cards.append(
                    '<li class="srp-river-answer srp-river-answer--REWRITE_START"><div class='
                    '"section-notice section-notice--information"><div class="section-notice__main">'
                    '<h3 class="section-notice__title srp-river-answer__title">Results matching '
                    "fewer words</h3></div></div></li>\n"
                )
            item_id, (title, price) = self.item_id(), self.title()
            facts = self.facts(price)
            ids.append(item_id)
            make = self.legacy_card if c.layout == "legacy" else self.scard_card
            cards.append(make(item_id, title, facts, i + 1))
            if cut_at is None or i < cut_at:
                expected.append({"id": item_id, "title": title, "price": facts["price"]})
        first_line = (
            f'<h1 class="srp-controls__count-heading"><span class="BOLD">{rng.randrange(800, 40000):,}'
            f'</span> results for <span class="BOLD">{html.escape(c.query)}</span></h1>'
        )
        next_link = (
            f'<link rel="next" href="https://{self.domain}{html.escape(c.page_path(n + 1))}">'
            if n < c.pages
            else ""
        )
        body = "".join(cards)
        metas = "".join(
            f'<meta name="{k}" content="{v}">'
            for k, v in (
                ("viewport", "width=device-width, initial-scale=1"),
                (
                    "description",
                    f"Get the best deals on {html.escape(c.query)} when you shop"
                    " the largest online selection at eBay.com. Free shipping on "
                    "many items | Browse your favorite brands | affordable prices.",
                ),
                ("robots", "noindex, follow"),
                ("referrer", "origin-when-cross-origin"),
                ("theme-color", "#fff"),
                ("format-detection", "telephone=no"),
            )
        )
        preloads = "".join(
            f'<link rel="{rng.choice(("preload", "prefetch", "dns-prefetch", "stylesheet"))}" '
            f'href="https://ir.ebaystatic.com{src.format(h=self.token(24))}" as="script">'
            for src in rng.choices(SCRIPT_SRCS, k=24)
        )
        head_top = (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{html.escape(c.query.title())} for sale | eBay</title>{metas}"
            f'<link rel="canonical" href="https://{self.domain}{html.escape(c.page_path(n))}">'
            f"{next_link}{preloads}\n"
        )
        results = (
            f'<div id="mainContent" class="srp-main srp-main--isLarge"><div class="srp-controls__row-cells">'
            f'<div class="srp-controls__control srp-controls__count">{first_line}</div></div>'
            f'<div id="srp-river-main" class="srp-river-main clearfix">'
            f'<div id="srp-river-results" class="srp-river-results clearfix">'
            f'<ul class="srp-results srp-list clearfix">\n{body}</ul></div>'
            f"{self.pagination(n)}</div></div>\n"
        )
        fixed = (
            head_top
            + '</head><body class="s-page no-touch skin-large">'
            + self.header()
            + self.rail()
            + results
            + self.carousel()
            + self.footer()
        )
        # The rest of the size is what real pages carry too: inline CSS and inline JSON/JS.
        room = max(20_000, TARGET_BYTES - len(fixed.encode()))
        css = self.css(max(50, int(room * 0.45 / 95)))
        conf = self.config_json(ids, max(5, int((room * 0.55 - 60 * 260) / 230)))
        scripts = "".join(
            f'<script src="https://ir.ebaystatic.com{src.format(h=self.token(24))}" defer></script>'
            for src in rng.choices(SCRIPT_SRCS, k=12)
        )
        text = (
            head_top
            + f'<style id="srp-critical-css">{css[: len(css) // 2]}</style>'
            + f'<style id="srp-skin-css">{css[len(css) // 2 :]}</style>'
            + "<script>window.SRP_START=Date.now();(function(){var e=document.documentElement;"
            'e.className=e.className.replace("no-js","js")})();</script>'
            + '</head><body class="s-page no-touch skin-large">'
            + self.header()
            + self.rail()
            + results
            + self.carousel()
            + self.footer()
            + f'<script type="application/json" id="srp-config" data-ssr="true">{conf}</script>'
            + f"<script>$ssgST=new Date().getTime();window.__SRP__={{page:{n},"
            f'pageId:2351460,ci:"{self.token(32)}"}};</script>' + scripts + "</body></html>\n"
        )
        return text, expected


@dataclass(frozen=True)
class Manifest:
    pages: int
    hosts: int
    seed: int
    bytes: int
    listings: int
    chains: list[dict[str, object]]


def make_pages(out: Path, pages: int = 1000, hosts: int = 32, seed: int = 1) -> Manifest:
    """Write the mirror under ``out`` and return (and write) its manifest."""
    out.mkdir(parents=True, exist_ok=True)
    total = listings = 0
    chain_rows = []
    for chain in chains(pages, hosts, seed):
        maker = PageMaker(chain, seed)
        folder = out / str(chain.index)
        folder.mkdir(exist_ok=True)
        chain_listings = 0
        for n in range(1, chain.pages + 1):
            text, expected = maker.page(n)
            data = text.encode("utf-8")
            (folder / f"{n}.html").write_bytes(data)
            (folder / f"{n}.html.gz").write_bytes(gzip.compress(data, 6, mtime=0))
            total += len(data)
            chain_listings += len(expected)
        listings += chain_listings
        chain_rows.append({**asdict(chain), "path": chain.path, "listings": chain_listings})
    manifest = Manifest(pages, hosts, seed, total, listings, chain_rows)
    (out / "manifest.json").write_text(json.dumps(asdict(manifest), indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="default: a new temporary folder")
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="asicmon-mirror-"))
    m = make_pages(out, args.pages, args.hosts, args.seed)
    print(
        f"{m.pages} pages ({m.bytes / m.pages / 1000:.0f} KB each on average, "
        f"{m.listings} listings) in {m.hosts} chains under {out}"
    )


if __name__ == "__main__":
    main()
