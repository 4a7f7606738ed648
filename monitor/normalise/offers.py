"""Broker price lists (Telegram / WeChat / Kaboomracks style): one message, many offers.

Each line with a price is one offer. A price is an amount with a currency mark ("$3,300",
"185 000 руб", "9.8U/T"), or a bare number followed by a per-TH mark ("14.2/T", "14,2 за Т",
"14.2每T"): brokers often leave the currency out of $/TH quotes. Such a price is in the message's
currency: the one currency of the message's other $/TH prices, else of all its prices, else the
one a price-less line names ("Prices in USDT"), else USD; the offer's ``reason`` says which. On a
line with both, the amount with a written currency is the price.

A price-less line is a header when it names a place or a stock / shipping status (or carries a
flag emoji); other price-less lines (promos, contacts) are ignored, except that a minimum order
quantity on them applies to the whole message ("MOQ 5 for S21 orders" too), unless the line names
a miner with its hashrate, an offer without a price ("M30S++ 106T price on request, MOQ 50"):
that MOQ is the unpriced machine's own. A MOQ on an offer line is that
offer's only. The model part of an offer line (the line without its price, MOQ and flag text)
goes to ``normalise()``.

Brokers' other layouts: a model line without a price followed by a line holding only a price is
one offer (on the model's line), also after a card's labelled detail lines ("Condition: used",
"Состояние: б/у"); a price glued to Chinese text ("官電250元") is read; a bare amount
is a price when the message names one currency ("Цены в USDT", "单位：元", or a word of the
lexicon's ``currencies``: "Цены в рублях") and the rest of the line names a machine or part; a
unit or lot price written "€4.350" is European thousands (4350), and "3.690,00 €" or "1.390,-"
3690 and 1390, "1,20,000" (lakhs) 120000; a multiplier is written out ("1.15万", "39.8万円",
"310만원", "₹1.2 lakh", "3.1k USDT"); a currency word of the lexicon after an amount is its
currency ("6,950港幣", "870 Euro", "9 900 lira", "320 bucks"); "¥" is the yen in a Japanese
message (kana, 円, or the yen named) and the yuan elsewhere; a code after a dollar amount names
the dollar ("$4,690 CAD"); a table (cells split
by "|" or tabs, a sheet pasted from Excel keeping its empty cells) is read through its header
row's model, hashrate and ask price columns (not a column worked out from the others, "≈unit"),
a per-TH price column where the ask cell is blank, and a MOQ column; a note line between the
header row and the rows does not end it, and a row holding an amount is no header row; an amount
labelled fair value, FMV, breakeven or hashprice is never the price. Customs flags (GTD, GTD
RB, no GTD) belong to their own line, never to a header. A wanted-to-buy line ("WTB", "Куплю",
"Возьму", "求购", "收...", "買取", "매입", "Ankauf", "wir kaufen", "nous achetons", "alınır",
"looking to pick up", "will pay"; on a priced line also "looking for", "paying") is a bid
(``side``); a price-less one
(not a title naming both sides, "WTS / WTB — EU desk") makes the offers below it bids until the next
place or stock header, or all of the message's offers when it comes before any offer.

Which currency: a mark several currencies write ("$", "kr", "Br", "Rs":
``scrapers.money.SHARED_MARKS``) is the one of them the message names by code or word ("Prix en
dollars canadiens": "3 990 $" is CAD); a bare amount is in the currency named by the nearest
line above that names one ("🌎 EM DÓLAR"), else the message's one named currency, else the one
currency its prices are written in. Which amount: a table aligned with spaces is read by its
columns as a tab-pasted sheet; under a header row of quantity tiers ("1-9  10-49  50+") a row's
first price; not an amount worked out from the quote ("14.2U/T ≈ 2641U"), a surcharge ("+ $95
frt") nor the line's total ("$3,100 each, $15,500 total") where the line has another. Under a
header naming a two-way quote ("BID / OFFER") a row "3,020 / 3,140" is two offers on one line, a
bid and an ask. A model's line ending in ":" over indented or tree-drawn variant lines ("   ├
188T — 2 780") prices each variant on its own line. A short heading naming a condition ("USED
(tested)", "♻️ Б/У", "二手") gives the offers below it that condition where they state none. An
example of the list's format ("例：...", "e.g. ...") is no offer.

``Offer.to_dict()`` gives the price as a JSON number, exactly the amount as written: an amount
needing more than :data:`PRICE_DIGITS` significant digits (which a JSON number read as a double
cannot carry exactly) is not read as a price.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from monitor.normalise.amounts import (
    NUM,
    PER_TH,
    PER_TH_MARK,
    PRICE,
    WORD,
    digits,
    european,
    message_names,
    rewriter,
)
from monitor.normalise.catalog import Catalog
from monitor.normalise.lexicon import FLAG_EMOJI, load_lexicon, place_of
from monitor.normalise.offer_quotes import (
    DEFERRED_WORDS,
    PAIR_GAP,
    pair_order,
    quote_half,
    quote_pair,
    two_way_order,
    two_way_row,
)
from monitor.normalise.offer_tables import (
    NOT_ASK,
    Table,
    split_cells,
    table_header,
    table_row,
    variant_cells,
)
from monitor.normalise.quantity import lot_words, usd_of, with_price
from monitor.normalise.record import Condition
from monitor.normalise.titles import Normalised, clean, condition_of, normalise, quantity_of
from scrapers.money import (
    SYMBOLS,
    currency_code,
    find_currency,
)

_THOUSAND = re.compile(r"^т(?:ыс)?\.?\s?", re.IGNORECASE)  # "т.р.", "тыс. руб": x1000, roubles
_DOT_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")  # "4.350", "1.150": not "0.052"
_LOT = re.compile(
    r"\b(?:per\s+|/\s*|for\s+the\s+)?lot\b|за\s+(?:лот|партию|вс[её](?![а-яё]))", re.IGNORECASE
)
# what one unit is called after a "/" ("/pc", "/máy", "/szt.", "/Stk"): a price per unit
_PER_PIECE = (r"(?:units?|pcs?|pieces?|máy|chiếc|cái|szt|stk|st(?:ück)?|pz|pza|pieza|adet|buah"
              r"|unidad|unité|pièce|machine|miner)(?![^\W\d_])|台|шт")  # fmt: skip
_UNIT = re.compile(rf"\beach\b|\bper\s+(?:unit|piece|pc|machine|miner)\b|/\s*(?:{_PER_PIECE})"
                   r"|每台|一台(?!起)|за\s+шт\w*|/\s*шт\.?|单价", re.IGNORECASE)  # fmt: skip
_MOQ = [re.compile(p, re.IGNORECASE) for p in (
    r"\bmoq\s*[:：=]?\s*(\d+)\s*(?:pcs|units?|pieces)?",
    r"\bm[ií]n(?:imum|imo|ima)?\b\.?\s*(?:order|qty|quantity|purchase|de)?\s*(?:is|of)?\s*[:=]?\s*(\d+)"
    r"\s*(?:pcs|units?|pieces)?",
    r"起订量?\s*[:：]?\s*(\d+)\s*台?", r"(?<!\d)(\d+)\s*台(?:起订?|以上)",
    r"\bмин(?:имум|\.|имальн\w*)?\s*(?:партия|заказ|лот)?\s*[:\-]?\s*(\d+)\s*(?:шт\w*\.?)?",
    r"\b(?:от|від)\s*(\d+)\s*(?:шт\w*\.?|единиц\w*|одиниц\w*)",
    # "minst 2 st", "mindestens 2 Stück", "minimaal 2 stuks", "최소 3대", "lấy từ 5 máy",
    # "الحد الأدنى 3 أجهزة"
    r"\b(?:minst|mindestens|minimaal|minimalnie|en\s+az)\s*(\d+)\s*(?:st\b|stk|stück|stuks|szt|adet)?",
    r"최소\s*(\d+)\s*대|(?:lấy\s+)?từ\s+(\d+)\s*(?:máy|cái|chiếc)|الحد\s+الأدنى\s*(\d+)",
    r"\b(?:zam[óo]wienie|zam\.)\s+od\s*(\d+)",  # Polish "zamówienie od 3 szt."
    # "(5+)", "20+ units", "5 units minimum", Thai "ขั้นต่ำ 2 เครื่อง", Arabic "أقل كمية 2"
    r"\(\s*(\d+)\s*\+\s*\)|(?<![\d.,])(\d+)\s*\+\s*(?:units?|pcs|pieces)\b",
    r"(?<![\d.,])(\d+)\s*(?:units?|pcs|pieces)\s+min(?:imum)?\b",
    r"\bat\s+least\s+(\d+)(?!\s*%|\d)",  # "Need at least 10 of a model"
    r"ขั้นต่[ำํ]า?\s*(\d+)|أقل\s+كمية\s*(\d+)",
    r"(?<![a-z])(?:ab|à\s+partir\s+de|a\s+partir\s+de|vanaf)\s*(\d+)\s*"
    r"(?:stk\b\.?|stück|st\b\.?|pcs|pi[eè]ces|unidades|uds\b\.?|unités|stuks)",
)]  # fmt: skip
_FLAGS = [(name, re.compile(p, re.IGNORECASE)) for name, p in (  # in order; a match is blanked
    ("no GTD", r"(?:без|no|non|without|w/o)[\s-]*(?:gtd|гтд)(?![a-zа-я])"),  # out so "без ГТД"
    ("GTD RB", r"(?<![a-zа-я])(?:gtd|гтд)[\s-]*(?:rb|рб)(?![a-zа-я])"),  # Belarus customs
    ("GTD", r"(?<![a-zа-я])(?:gtd|гтд)(?![a-zа-я])"),  # is not also "GTD"
    ("on the way", r"on\s+the\s+way|in\s+transit|в\s+пути|在途"),
    ("futures", r"\bfutures?\b|\bpre-?orders?\b|期货|期貨|预售|預售|предзаказ|под\s+заказ"),
    ("in stock", r"\bin\s+stock\b|\bstock\b|\bspot\b|\b\d+\s*(?:pcs\s+|units\s+)?avail(?:able)?\b"
                 r"|现货|現貨|в\s+наличии|наличие"),  # "30 avail": a stock count
)]  # fmt: skip
_STATUS = re.compile(
    r"\bstock|on\s+the\s+way|in\s+transit|warehouse|\bspot\b|futures?|pre-?order|"
    r"(?<!\d)\d+\s*-?\s*(?:working\s+|business\s+)?days?\b|\bdays\b|现货|現貨|期货|期貨|在途|仓|倉|(?<!\d)\d+\s*天|"
    r"в\s+наличии|наличи|в\s+пути|склад|предзаказ|под\s+заказ|дн(?:ей|я)\b",
    re.IGNORECASE,
)
_CUSTOMS = frozenset({"no GTD", "GTD RB", "GTD"})  # flags of one line only, never a header's
_STATUSES = frozenset({"on the way", "futures", "in stock"})  # a line's own replaces its header's
# wanted-to-buy: a line naming it is a bid; a price-less one makes the offers under it bids
_WTB = re.compile(
    r"(?<![a-zа-я])(?:wtb|want(?:ed)?\s+to\s+buy|buying|we\s+buy|looking\s+to\s+buy|куплю|купим|"
    r"покупаю|покупаем|скупаем|скупка|buscamos|compramos|compro|ankauf|wir\s+kaufen|kaufe|"
    r"ach(?:ète|etons)|rach(?:ète|etons)|rachat|compriamo|купу(?:ю|ємо)|скуповуємо|викуп(?:ую|уємо)?|kupujemy|acquistiamo|wij\s+kopen|inkoop|kup(?:imy|ię)|skupujemy|"
    r"(?:looking|hoping|keen|want(?:ing)?)\s+to\s+(?:buy|pick\s+up|grab|acquire)|will\s+pay|"
    r"we\s+dey\s+buy|"
    r"in\s+the\s+market\s+for|in\s+search\s+of|^[\W_]*iso\s*[:\-–]|"
    r"al[ıi]m\s+yap\w*|al[ıi]n[ıi]r|al[ıi]yoruz|al[ıi]r[ıi]z|thu\s+mua|c[ầa]n\s+mua|dicari|"
    r"возьм(?:у|ём|ем)|ищу|ищем|busco|procur(?:o|amos)|suchen?|cherch(?:e|ons)|recherchons|"
    r"cerc(?:o|hiamo)|szukam[y]?|gezocht|"
    r"köpes|vi\s+köper|kjøpes|vi\s+kjøper|købes|vi\s+køber|ostetaan|ostan)"  # Nordic
    r"(?![a-zа-яäöüß])|^\W*(?:wanted|gesucht|want(?!\s+to\s+sell))(?![a-z])"
    r"|求购|求購|收购|收購|^收(?![到货貨款益入费費])|^[\W_]*求\s*[:：]|【收】|【求】|\[收\]|(?:^|\s)收(?=\s)|買取|買い取り|買います|매입|삽니다|구매\s?희망|نشتري|مطلوب|รับซื้อ",
    re.IGNORECASE,
)
# words that make a priced line a bid, but that on a price-less line head nothing ("Looking for
# partners, DM" opens no wanted section): "looking for ..., paying $2,750"
_BID_LINE = re.compile(
    r"(?<![a-z])(?:looking\s+for|paying|offering\s+up\s+to|nous\s+payons|on\s+paie|pagamos|zahlen\s+wir|"
    r"(?<!starting\s)(?<!opening\s)(?<!start\s)(?<!min\s)bid(?!\s*/)(?!\s+(?:price|increment))|"
    r"płacimy|платимо|платим)(?![a-zà-ÿ])|ندفع|نشتري|پرداخت\s+می",
    re.I,
)
# a section heading: a few words, often closed by a colon ("Selling:", "WTS", "Продаю:")
_SECTION = re.compile(r"[\W_]*\w+(?:[ /&+-]+\w+){0,2}[\W_]*")
# a line's own mark that it sells ("【出】", "[WTS]"), beating a wanted-to-buy section above it
_WTS_LINE = re.compile(
    r"^[\W_]*(?:【出】|\[出\]|出[:：]|\[?wts\]?[:\s])|(?:^|\s)出(?=\s)", re.IGNORECASE
)
_WTS = re.compile(
    r"(?<![a-z])(?:wts|selling|we\s+sell|offer\s+only|for\s+sale|verk(?:auf(?:en)?|open)|vend(?:o|emos|iamo|ons)|"
    r"sprzeda(?:m|jemy)|sat[ıi]l[ıi]k|sat[ıi]yoruz)(?![a-z])|продаю|продаем|продам|出售|出货|出貨|【出】|販売|"
    r"売ります|판매|팝니다",
    re.I,
)
_LABEL_CHARS = 16  # how far before an amount its label is looked for
# a sentence giving every unit below one condition: "Everything is used (pulled from our sites)
# unless the line says NEW", "All units are refurbished", "All machines brand new"
_ALL_ARE = re.compile(
    r"\W*(?:all|everything)\b(?:\s+(?:units?|machines?|miners?|items?|stock|listed|below|here))*"
    r"\s+(?:is\s+|are\s+)?(used|new|brand\s+new|refurbished|refurb)\b",
    re.IGNORECASE,
)
# the same said in a clause of a longer line, and a working claim of them all ("Downsizing my
# home setup (Edmonton) - everything below runs, pickup only", "Everything was running until
# last week": each unit below has run: used)
_ALL_RUN = re.compile(
    r"(?:^|[-–—,:;.(]\s*)(?:all|everything)\b(?:\s+(?:units?|machines?|miners?|items?|stock|listed"
    r"|below|here))*\s+(?:is\s+|are\s+|was\s+|were\s+|ha(?:s|ve)\s+been\s+)?"
    r"(?:(used|brand\s+new|new|refurbished|refurb)|(?:runs?|works?|working|running|hashing|tested))\b",
    re.IGNORECASE,
)
# a bare amount (no currency written) in a message that names its currency: not a hashrate,
# power, count or date ("200T", "3250W", "5 шт", "12-month")
_BARE = re.compile(
    rf"(?:(?<![{WORD}.,/#+:])|(?<=[^\W\d_]:)){NUM}(?![\w%+\-]|/(?!\s*(?:{_PER_PIECE}))|[.,]\d|\s*(?:x\b|[×*]|шт|pcs?\b|units?\b|台|t\b|th\b|"
    r"gh?\b|mh?\b|kh?\b|ph\b|w\b|kw\b|j\b|%|дн|days?\b|months?\b|мес|years?\b|год|лет"
    r"|hrs?\b|hours?\b|weeks?\b|wks?\b|mins?\b|minutes?\b|час|нед|小时|天|周))",
    re.IGNORECASE,
)
# a whole number then a word for pieces ("14 st i lager", "3 Stk", "5 szt", "2 adet"): a count
_PIECES_AFTER = re.compile(
    r"\s*(?:st|stk|styck|stycken|stück|stuks?|szt\w*|pz|adet|uds|unidades)(?![^\W\d_])",
    re.IGNORECASE,
)
# after an amount, the ending that writes it as money: ",-" (included in the amount), ":-",
# ".-", ".–" ("2.250,-", "1 995:-", "3'690.–")
_MONEY_END = re.compile(r"(?<=[-–])|[:.][-–]{1,2}(?![\d\-–])")
_ONE_DIGIT = re.compile(r"\d")  # a bare amount of one digit is a count or a detail
_BARE_BEFORE = re.compile(
    r"(?:\bof|\bот|\bmoq|\bmin|\bminimum|\bat\s+least|\bx|[×*]"  # "need at least 10": a count
    r"|(?<![^\W\d_])(?:lot|lote|lotto|partij|partia|partie|los|posten|партия|партія)\s+"
    r"(?:de|van|von|di|da|z|из|з))\s*$",  # "partij van 5", "lote de 3": a count
    re.IGNORECASE,
)
# a header row of quantity tiers, at its end: "1-9  10-49  50+", "Qty 1-4 | 5-19 | 20+ pcs",
# "<10 / 10-49 / ≥50": the rows under it price one unit in their first column
_TIER = (
    r"(?:\d{1,5}\s?[-–~]\s?\d{1,5}|\d{1,5}\s?\+|[<≤>≥]\s?\d{1,5})"
    r"(?:\s?(?:pcs|units?|шт|台|uds)\.?)?"
)
_TIERS = re.compile(rf"(?<![\w.,/]){_TIER}(?:[\s|/]+{_TIER})+\s*\|?\s*$", re.IGNORECASE)
_KEYCAP = re.compile(r"[0-9#*]\ufe0f?\u20e3")
# (a numbered line is a table row's number cell where a "|" follows: "1.  | Antminer S21 | ...")
_BULLET = re.compile(r"^(?:[\s•·∙●○◦▪▫►▶➤→*>|\-–—]+|\d{1,2}[.)]\s+(?!\|))")
# (not "for" of "for parts", nor "only" of "parts only": condition words)
_NOISE = re.compile(
    r"\bfor\b(?!\W+(?:parts?|repairs?|spares?)\b)|\bprice\b|(?<!parts\s)\bonly\b"
    r"|цена|价格|[—–|=@:：]|\(\s*\)|\[\s*\]",
    re.I,
)
_EDGES = re.compile(r"^[\s=*_~\-–—.:：,;]+|[\s=*_~\-–—.:：,;]+$")
_WRAP = {"()", "[]", "【】", "「」", "<>", "**"}
# a card's detail line: a short label and a colon ("Condition: new", "Состояние: б/у", "状态：全新")
_DETAIL = re.compile(r"[^\W\d_][^\W_]*(?:\s[^\W\d_]+){0,2}\s?[:：]")
# a card's unlabelled detail line: a machine's power or efficiency ("3500W", "17.5 J/T")
_SPECS = re.compile(r"\d\s?(?:k?w|j\s?/\s?t(?:h)?(?:/s)?|вт|квт)(?![^\W\d_])", re.IGNORECASE)
# a price-less line saying its bare amounts are in thousands
_IN_THOUSANDS = re.compile(
    r"\bin\s+thousands\b|\bthousands\s+of\b|\bin\s+k\b|\(\s*k\s*(?:usdt?|\$|€)?\s*\)"
    r"|\bx\s?1[,.\s]?000\b|\bin\s+'?000s?\b|\(\s*'?000s?\s*\)|в\s+тысячах|в\s+тыс\.|单位[:：]?\s*千",
    re.IGNORECASE,
)
# a price-less line saying its prices are per TH ("Prices in USDT per TH", "Price ($/TH):")
# (the mark right after the currency or the word price: "USDT per TH", "($/TH)", "в USDT за Т";
# not a note on how some lines are written, 'those written "/T" are per TH')
_HEAD_PER_TH = re.compile(
    r"(?:price|prices|quotes?|цен\w*|价格|报价|[$€¥₽]|usdt?|usd|eur|rmb|元|руб\w*)\s*\(?\s*"
    r"(?:/\s*|\bper\s+|за\s+)(?:th|t|т|тх)(?:/s)?(?![a-zа-я])",
    re.IGNORECASE,
)
# a card's model line, labelled ("Model: Antminer S21", "Модель: ...", "型号：...")
_MODEL_LABEL = re.compile(
    r"(?:model|modell|modelo|modèle|modello|модель|型号|機種|모델)\s*[:：]", re.IGNORECASE
)
# a variant's line under its model's line: indented, or drawn as a tree ("   ├ 188T — 2 780")
_TREE_CHILD = re.compile(r"\s*[├└│┣┗╰┠┖]|\s{2,}\S")
# an example of the list's format, not an offer ("例：...", "e.g. ...", "Пример: ...")
_EXAMPLE = re.compile(
    r"(?:例|例如|示例|样例|e\.g\.|example|пример|ejemplo|exemple|beispiel|esempio)\s*[:：]", re.I
)
# ... or within a line that names no machine ("Alle priser i kroner. Skrives som: kr 24 900,-")
_EXAMPLE_IN = re.compile(
    r"(?<![^\W\d_])(?:e\.g\.|for\s+example|written\s+as|skrives\s+som|skrivs\s+som|por\s+ejemplo"
    r"|se\s+escribe|zum\s+beispiel|par\s+exemple|например|пишем|例如|写法)",
    re.IGNORECASE,
)
_CARD_LINES = 4  # detail lines a card's price may follow its model line by, at most
_MAX_DIGITS = 12  # digits before the decimal point: no offer costs a trillion
PRICE_DIGITS = 15  # significant digits a JSON number (an IEEE double) carries exactly
DEFAULT_CURRENCY = "USD"  # of a bare $/TH price when the message does not say: brokers quote USDT
# What a message is read for: a Telegram post is at most 4,096 characters, so these only bound
# the work a hostile or garbled text can cause; nothing a broker writes comes near them.
MESSAGE_MAX = 20_000
LINE_MAX = 1_000


class _Header(NamedTuple):
    text: str  # cleaned header line
    place: str | None  # canonical place, if one is named
    location: str | None  # the place, else the header text without its MOQ
    flags: tuple[str, ...]
    moq: int | None
    condition: Condition | None = None  # a section's ("USED (tested)", "二手", "NUEVOS")


class _Draft(NamedTuple):
    line: int
    text: str  # as written (a two-line offer: both lines)
    norm: str  # NFKC text, a table row as "model hashrate price", a named currency written in
    prices: list[re.Match[str]]  # the amounts of ``norm`` that may be the price
    header: _Header | None
    side: str  # "ask" or "bid"
    named: str | None  # the currency of a price written without one, and why ("USD, as named...")
    tiers: bool = False  # under a header of quantity tiers ("1-9  10-49  50+"): the first column
    pick: int | None = None  # which of ``prices`` is this offer's (a two-way quote's bid or ask)


class _Pending(NamedTuple):
    """A model line without a price, waiting for its price on the next line (or after the
    card's labelled detail lines: "Condition: new")."""

    line: int
    text: str
    norm: str
    last: int  # the last line read into it


class _Currency(NamedTuple):
    """The currency of a bare $/TH price, and why ("USD, as the message's prices")."""

    code: str
    why: str


@dataclass(frozen=True, slots=True)
class Offer:
    """One priced line of a broker message; ``price_basis`` is unit, per_th ($/TH) or lot."""

    line: int  # 1-based line number in the message
    text: str  # the line as written, emoji and bullets stripped
    normalised: Normalised  # normalise() of the line without its price, MOQ and flag text
    price: Decimal | None
    currency: str | None  # ISO 4217
    price_basis: str
    moq: int | None
    location: str | None
    header: str | None
    flags: tuple[str, ...]
    side: str = "ask"  # "bid" for a wanted-to-buy line or section

    def to_dict(self) -> dict[str, Any]:
        """The normalised fields flattened, then the offer's own fields (JSON-ready)."""
        row = self.normalised.to_dict()
        row.update(
            price=_json_number(self.price),
            currency=self.currency,
            price_basis=self.price_basis,
            moq=self.moq,
            location=self.location,
            line=self.line,
            text=self.text,
            header=self.header,
            flags=list(self.flags),
            side=self.side,
        )
        return row


def _json_number(price: Decimal | None) -> int | float | None:
    """The price as a JSON number: an int when whole, else the float that prints as the Decimal
    (exact: :func:`_amount` reads no price with more than :data:`PRICE_DIGITS` digits)."""
    if price is None:
        return None
    return int(price) if price == price.to_integral_value() else float(price)


_EMOJI_BETWEEN = re.compile(r"(?<=\d)[ \x00]*\x00[ \x00]*(?=\d)")


def _strip_emoji(line: str) -> str:
    line = _KEYCAP.sub(" ", line).replace("\U0001f4b2", "$")  # 💲, the heavy dollar sign: "$"
    kept = []
    for ch in line:
        cat = unicodedata.category(ch)
        if cat in ("So", "Cf", "Me", "Cs", "Co") or (cat == "Sk" and ord(ch) > 0x2000):
            kept.append("\x00")
        elif "\ufe00" <= ch <= "\ufe0f":
            continue
        else:
            kept.append(ch)
    text = "".join(kept)
    if "\x00" in text:  # "было 640 ➡️ 575": an emoji between amounts parts them, never groups
        text = _EMOJI_BETWEEN.sub(" → ", text).replace("\x00", " ")
    if "\t" in text:  # a sheet pasted from Excel: its tabs split cells, an empty cell is kept
        cells = [" ".join(cell.split()) for cell in text.strip().split("\t")]
        return _BULLET.sub("", "\t".join(cells)).strip()
    text = " ".join(text.split())
    return _BULLET.sub("", text).strip()


# a gap of two or more spaces between a line's words: a column boundary of a table aligned with
# spaces (an email, a code block, a desk's sheet)
_GAP = re.compile(r"(?<=\S)[ \u00a0]{2,}(?=\S)")


def _aligned(raw: str, text: str) -> str:
    """A line of a table aligned with spaces ("Antminer S21   200   $3,100   $2,950") as a sheet
    pasted with tabs writes it, each gap of two or more spaces a tab, where the line has at least
    two such gaps (three cells) and no other cell mark ("|", tab); else ``text`` (the line with
    single spaces)."""
    if "\t" in text or "|" in text or len(_GAP.findall(raw.strip())) < 2:
        return text
    return _strip_emoji(_GAP.sub("\t", raw.strip()))


# a decimal digit of any script ("١٥٬٤٠٠", Persian "۱۵", Devanagari "१५"), and the Arabic
# thousands and decimal separators, as ASCII: NFKC leaves them as written
_ARABIC_SEPARATORS = str.maketrans({"\u066c": ",", "\u066b": "."})


def _ascii_digits(text: str) -> str:
    """ "١٥٬٤٠٠" is "15,400", "٠٫٢٨" "0.28", "۱۲۰" "120"; ASCII text unchanged."""
    if text.isascii():
        return text
    text = text.translate(_ARABIC_SEPARATORS)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch
                   for ch in text)  # fmt: skip


# a price struck through, last week's: "~~3.6k~~ 3.35k", "<s>$3,600</s>", "<del>..</del>"
_STRUCK = re.compile(r"~~[^~]*~~|<(s|del|strike)>.*?</\1>", re.IGNORECASE)


def _unstruck(text: str) -> str:
    """The line without its struck-through text (markdown "~~...~~", HTML <s>/<del>/<strike>)."""
    if "~~" not in text and "<" not in text:
        return text
    return _STRUCK.sub(" ", text)


def _take_flags(text: str) -> tuple[tuple[str, ...], str]:
    found = []
    for name, rx in _FLAGS:
        if rx.search(text):
            found.append(name)
            text = rx.sub(" ", text)
    return tuple(found), text


def _take_moq(text: str) -> tuple[int | None, str]:
    for rx in _MOQ:
        if (m := rx.search(text)) is not None:
            count = next(g for g in m.groups() if g is not None)
            return int(count), text[: m.start()] + " " + text[m.end() :]
    return None, text


def _amount(
    number: str, currency_text: str, kilo: str | None, unit_price: bool = False
) -> Decimal | None:
    """The price as written; ``None`` when no price can be that large ("$" and 40 digits) or
    be written that finely (more than :data:`PRICE_DIGITS` significant digits). A ``unit_price``
    (per unit or lot, not per TH) written "4.350" is 4350: European thousands, as no price of a
    machine is written to a tenth of a cent."""
    if (plain := european(number)) is not None:  # "3.690,00", "1.390,-"
        number = plain
    elif re.fullmatch(r"[\d \u00a0\u202f]+,\d{1,2}|0,\d+", number):  # "24,5", "1 580,50", "0,055"
        number = number.replace(",", ".")
    elif number.count(".") > 1 or (
        unit_price
        and not kilo
        and not currency_text.lower().startswith("т")
        and _DOT_THOUSANDS.fullmatch(number)
    ):
        number = number.replace(".", "")  # "€4.350/pc": a unit price has no third decimal
    digits = re.sub(r"[ ,'’\u00a0\u202f]", "", number)
    if len(digits.partition(".")[0]) > _MAX_DIGITS:
        return None
    value = Decimal(digits)
    if kilo or currency_text.lower().startswith("т"):  # "$3.2k", "185 т.р.", "185 тыс. руб"
        value *= 1000
    if len(value.normalize().as_tuple().digits) > PRICE_DIGITS:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def _clean_header(text: str) -> str:
    text = _EDGES.sub("", text)
    while len(text) > 1 and text[0] + text[-1] in _WRAP:
        text = _EDGES.sub("", text[1:-1])
    return text


def parse_offers(message: str, catalog: Catalog | None = None) -> list[Offer]:
    """Every priced line of a broker message as an :class:`Offer`, in message order.

    Location, header and flags come from the nearest header line above (a place or stock /
    shipping status; stacked headers with no offers between them merge), a place named on the
    offer line itself wins; customs flags (GTD) are the line's own. MOQ comes from the line, else
    its header, else a price-less line that is not an unpriced offer. A bare $/TH price is in the
    message's currency (module docstring). A model line without a price followed by a line with
    only a price is one offer; a table's rows are offers priced by its ask column. A
    wanted-to-buy message, section or line gives bids (``side == "bid"``).
    """
    lines = [
        (number, text, _unstruck(_ascii_digits(unicodedata.normalize("NFKC", cells))), raw)
        for number, line in enumerate(message[:MESSAGE_MAX].splitlines(), start=1)
        for raw in [line[:LINE_MAX]]
        for text in [_strip_emoji(raw)]
        for cells in [_aligned(raw, text)]
        if text or FLAG_EMOJI.search(raw)
    ]
    rewrite = rewriter(lines)
    lines = [(n, text, rewrite(norm), raw) for n, text, norm, raw in lines]
    # a price-less line saying bare amounts are thousands ("Figures are in THOUSANDS of USDT")
    thousands = any(_IN_THOUSANDS.search(norm) for _, _, norm, _ in lines if not PRICE.search(norm))
    named: set[str] = set()  # currencies the price-less lines name ("Prices in USDT")
    naming: dict[int, str] = {}  # the line numbers of those lines, and what each names
    written: set[str] = set()  # currencies the priced lines write
    for n, _, norm, _ in lines:
        if (price := PRICE.search(norm)) is None:
            if (code := _named_currency(norm)) is not None:
                named.add(code)
                # "Prices in USDT per TH", "Price ($/TH):": the bare amounts under it are per TH
                # (a table's header row names its own per-TH column)
                per_th = _HEAD_PER_TH.search(norm) and len(split_cells(norm)) < 3
                naming[n] = f"{code}/T" if per_th else code
        elif price.group(6) is None and (code := _written_currency(price)) is not None:
            written.add(code)
    # a bare amount's currency: the one the nearest naming line above names ("🌎 EM DÓLAR" heads
    # a section in dollars under "Valores em R$"), else the message's one named currency, else
    # the one currency its prices are written in ("S21 200T $2,900" then "S19 95T 1,100")
    one_named = next(iter(named)) if len(named) == 1 else None
    bare_why = "as named in the message"
    if not named and len(written) == 1:
        one_named, bare_why = next(iter(written)), "as the message's other prices"
    pair = pair_order([norm for _, _, norm, _ in lines])
    two_way = two_way_order([norm for _, _, norm, _ in lines])
    header: _Header | None = None
    header_used = True
    message_moq: int | None = None
    drafts: list[_Draft] = []
    table: Table | None = None
    table_rows = 0  # rows read under the table's header row
    pending: _Pending | None = None  # a model line waiting for its price line
    side, message_bid = "ask", False
    bid_condition: Condition | None = None  # what a wanted-to-buy section says it buys
    tiers, last = False, 0  # under a header row of quantity tiers, to the next blank line
    parent: _Pending | None = None  # a model line over its variants' lines ("Antminer S21:")
    for number, text, norm, raw in lines:
        if number != last + 1:
            parent = None  # a blank line ends a model's variants
        tiers, last = tiers and number == last + 1, number
        one_named = naming.get(number, one_named)
        example = _EXAMPLE_IN.search(norm) and not _names_a_model(norm, catalog)
        if _EXAMPLE.match(norm) or example:  # "例：阿强 出 S21 ...", "Skrives som: kr 24 900,-"
            continue
        if (found_tiers := _TIERS.search(norm)) and not PRICE.search(norm):
            tiers = True  # "NEW (sealed)   1-9   10-49   50+": a row's first price is the one
            if (cond := _heading_condition(norm[: found_tiers.start()], catalog)) is not None:
                header = (header or _Header("", None, None, (), None))._replace(condition=cond)
            continue
        cells = split_cells(norm)
        if table is None and (variants := variant_cells(cells)) is not None:
            # "蚂蚁S21：188T 19600｜195T 20300｜200T 20900": an offer a hashrate, on one line
            for row in variants:
                row_prices, row, bare = _prices(row, one_named, catalog, pair, thousands)
                if row_prices:
                    named_bare = f"{one_named}, {bare_why}" if bare else None
                    drafts.append(_Draft(number, text, row, row_prices, header, side, named_bare))
            header_used, pending = True, None
            continue
        if len(cells) < 3:
            # (a price-less line, a note under the header row or a section heading between rows,
            # "OCCASION" / "Used", keeps the table; a priced line ends it)
            if table is not None and PRICE.search(norm):
                table = None
        elif table is not None and len(cells) == table.cells:
            table_rows += 1
            if table.by_column:  # "S21 200T | $3,300 | $2,900" under "Model | New | Used"
                for column, heading in table.by_column:
                    row = f"{table_row(cells, table._replace(price=column))} {heading}"
                    row_prices, row, bare = _prices(row, one_named, catalog, pair, thousands)
                    if row_prices and any(c.isdigit() for c in cells[column]):
                        named_bare = f"{one_named}, {bare_why}" if bare else None
                        draft = _Draft(number, text, row, row_prices, header, side, named_bare)
                        drafts.append(draft)
                header_used = True
                continue
            norm = table_row(cells, table)
        elif (found := table_header(cells)) is not None:
            table, table_rows = found, 0
            pending = None
            continue
        quoted_bare = False  # a two-way row's amounts given the message's currency
        if two_way is not None and "/" in norm:  # "3,020 / 3,140" under "BID / OFFER"
            norm, quoted_bare = two_way_row(norm, one_named)
        if parent is not None and _TREE_CHILD.match(raw) and not _names_a_model(norm, catalog):
            # "Antminer S21 (б/у):" then "   ├ 188T — 2 780": the variant's offer, on its line
            norm, text, pending = f"{parent.norm} {norm}", f"{parent.text} {text}", None
        prices, norm, bare = _prices(norm, one_named, catalog, pair, thousands)
        bare = bare or quoted_bare
        waiting, pending = pending, None
        if (
            prices
            and (
                _COST_LINE.match(norm)
                or all(_beside(m) or _threshold(m) or _cost_sentence(m) for m in prices)
            )
            and not _names_a_model(norm, catalog)
        ):  # "Freight to Dubai ... approx 38 USD per unit", "HK delivery +15U/pcs": a term
            continue
        if (
            prices
            and waiting is not None
            and waiting.last == number - 1
            and not _names_a_model(_without_prices(norm, prices), catalog)
        ):  # "S21 200T" then "$3,450": one offer on the model's line
            norm = f"{waiting[2]} {norm}"
            prices, norm, bare = _prices(norm, one_named, catalog, pair, thousands)
            number, text = waiting[0], f"{waiting[1]} {text}"
        elif (
            not prices
            and one_named
            and waiting is not None
            and waiting.last == number - 1
            and not _unread_currency(norm)
        ):  # "🔥 Antminer S21 Pro 245T" then "💵 4 150 | новые" in a message priced in USDT: the
            # bare amount of the price line, read with the model line it prices ("1 950 000 ₸":
            # a currency the table does not read is no bare amount)
            joined = f"{waiting[2]} {norm}"
            read, joined, bare = _prices(joined, one_named, catalog, pair, thousands)
            if read and read[-1].start() > len(waiting[2]):
                prices, norm = read, joined
                number, text = waiting[0], f"{waiting[1]} {text}"
        if prices:
            bid = (  # ("【出】" on a line under a legend naming 收 too is an ask)
                side == "bid" or _WTB.search(norm) is not None or _BID_LINE.search(norm) is not None
            ) and _WTS_LINE.search(norm) is None
            named_bare = f"{one_named}, {bare_why}" if bare else None
            draft = _Draft(
                number, text, norm, prices, header, "bid" if bid else "ask", named_bare, tiers
            )
            if two_way is not None and (half := quote_half(prices)) is not None:
                # "4,450 / —": one side of a two-way quote, by its column
                draft = draft._replace(side=("bid", "ask")[half ^ two_way])
            if two_way is not None and (quote := quote_pair(prices)) is not None:
                # a two-way quote: the bid and the ask, two offers on one line
                sides = ("bid", "ask") if two_way == 0 else ("ask", "bid")
                for pick, quoted_side in zip(quote, sides, strict=True):
                    drafts.append(draft._replace(side=quoted_side, pick=pick))
            elif (clauses := _clauses(norm, prices, catalog)) is not None:
                # "APW12 PSUs $85 each, and S19j Pro hashboards at $150 each": an offer a clause
                for clause in clauses:
                    read, clause, _ = _prices(clause, one_named, catalog, pair, thousands)
                    drafts.append(draft._replace(norm=clause, prices=read))
            else:
                drafts.append(draft)
            header_used = True
            continue
        both = _WTB.search(norm) is not None and _WTS.search(norm) is not None
        if _WTB.search(norm) and not both:  # "WTB:", "Куплю:": the offers below are bids
            side, message_bid = "bid", message_bid or not drafts
            place = place_of(norm, raw)
            # "WTB: buying used S19 / S21 series": the condition of what the section buys
            wanted = normalise(" ".join(_NOISE.sub(" ", norm).split()), catalog).condition
            bid_condition = None if wanted == "unknown" else wanted
            wtb_moq = _take_moq(norm)[0]  # "Need min 50 units per model. Will pay same day"
            if wtb_moq is not None and drafts:
                message_moq = message_moq if message_moq is not None else wtb_moq
            header = _Header(_clean_header(norm), place, place, (), wtb_moq, bid_condition)
            header_used = False
            continue
        if _WTS.search(norm) and (not message_bid or _SECTION.fullmatch(norm)):
            side, message_bid = "ask", False  # "Selling:" heads a section of asks, even after a
            # wanted-to-buy section that opened the message
        moq, no_moq = _take_moq(norm)
        flags = tuple(f for f in _take_flags(no_moq)[0] if f not in _CUSTOMS)
        place = place_of(norm, raw)
        if norm.rstrip().endswith((":", "：")) and _names_a_model(no_moq, catalog):
            parent = _Pending(number, text.rstrip(":： "), norm.rstrip().rstrip(":："), number)
        if _unpriced_offer(no_moq, catalog) or (
            _MODEL_LABEL.match(norm) and _names_a_model(norm, catalog)
        ):  # "M30S++ 106T price on request", a card's "Model: Antminer S21": not a header
            pending = _Pending(number, text, norm, number)
            continue
        if place is None and not flags and not _STATUS.search(norm) and not FLAG_EMOJI.search(raw):
            if (
                waiting is not None
                and waiting.last == number - 1
                and number - waiting.line <= _CARD_LINES
                and (_DETAIL.match(norm) or _SPECS.search(norm))
                and not _names_a_model(norm, catalog)
            ):  # "Antminer S21 200T" / "Condition: new" / "Price: $2,900": one offer, a card
                # (a detail line may be unlabelled specs: "17.5 J/T, 3500W, 2 months used")
                line, model_text, model_norm, _ = waiting
                pending = _Pending(line, f"{model_text} {text}", f"{model_norm} {norm}", number)
                continue
            if (said := _ALL_ARE.match(norm)) is not None:
                cond = normalise(said.group(1), catalog).condition
            else:
                cond = _heading_condition(no_moq, catalog) or _all_run(norm, catalog)
            if cond is not None and cond != "unknown":
                # "USED (tested, 30-day DOA)", "♻️ 二手", "— NEUF —", "Everything is used unless
                # the line says NEW": the offers below are in that condition, at the place and
                # status of the header above
                header = (header or _Header("", None, None, (), None))._replace(condition=cond)
                continue
            if header is not None and _PARTS_SECTION.fullmatch(no_moq):
                # "PARTS", "ნაწილები / PARTS": a new section, of parts; the condition of the
                # one above ("FOR PARTS") ends
                header = header._replace(condition=None)
                continue
            if moq is not None:
                message_moq = moq  # "MOQ 3 units, DM @broker"; not "M30S++ 106T ... MOQ 50"
            continue
        if not message_bid:
            side = "ask"  # a new place or stock header ends a wanted-to-buy section
        cleaned = _clean_header(norm)
        cond = _heading_condition(no_moq, catalog)
        cond = cond or _all_run(norm, catalog)
        if side == "bid" and cond is None:
            cond = bid_condition  # "Also paying per unit:" under "WTB ... used ...": still used
        if not header_used and header is not None:  # stacked headers merge
            place = place or header.place
            flags = tuple(dict.fromkeys(header.flags + flags))
            moq = moq if moq is not None else header.moq
            cond = cond or header.condition
        if place is None and _heading_condition(no_moq, catalog) is not None and header:
            # "USED (tested, 7-day DOA)" under "Dubai stock": a condition heading names no
            # place; the section is where the one above was
            where = header.location
        else:  # a short heading names where its section is ("东莞矿机仓", "Склад Подольск");
            # a sentence or a subject line does not: no place rather than a sentence
            heading = _clean_header(no_moq)
            short = (
                len(heading.split()) <= _PLACE_WORDS
                and not _SENTENCE.search(heading)
                and not flags  # "全新现货", "Под заказ (14-20 дней)": a status, not a place
                and _heading_condition(no_moq, catalog) is None
            )
            where = place or (heading if short else None) or None
        header, header_used = _Header(cleaned, place, where, flags, moq, cond), False
    if not header_used and header is not None and message_moq is None:
        message_moq = header.moq  # a footer such as "Min. order 2 pcs, delivery across Russia"
    bare_currency = _message_currency(drafts, named)
    return [_offer(d, message_moq, bare_currency, catalog) for d in drafts]


_PLACE_WORDS = 4  # a heading read as the section's place, when no known place is named, at most
_SENTENCE = re.compile(
    r"[.!?;:]\s|^subject\b|^re:|\[/?\w+\]|\d{1,2}[./]\d{1,2}|\d{1,2}月\d{1,2}日", re.IGNORECASE
)
_HEADING_WORDS = 8  # a condition heading is short: "Б/У, с майнинг-отеля, все проверены на стенде"


def _heading_condition(text: str, catalog: Catalog | None) -> Condition | None:
    """The condition a section heading names ("USED (grade A)", "二手", "Nuevos", "全新 原装电源":
    new, with the maker's PSU); None where it names none, names a machine (an offer without its
    price), or is a sentence."""
    words = len(text.split())
    if words > _HEADING_WORDS and not (words <= 2 * _HEADING_WORDS and text.rstrip().endswith(":")):
        return None  # (a longer line ending in ":" introduces the list under it)
    heading = " ".join(_NOISE.sub(" ", text).split())
    got = normalise(heading, catalog)
    if got.condition == "unknown" and got.kind == "other" and got.model is None:
        # "USED (grade A, ex-HK hosting)": where the machines ran is no service sold here
        lex = load_lexicon()
        got = got._replace(condition=condition_of(clean(heading, lex), lex))
    if got.condition == "unknown" or got.model is not None:
        return None
    if (
        got.condition == "for_parts"
        and _BARE_PARTS.search(heading)
        and normalise(_BARE_PARTS.sub(" ", heading), catalog).condition == "unknown"
    ):  # "ნაწილები / PARTS", "PARTS & PSUs": a section of parts (not "FOR PARTS")
        return None
    return got.condition


_BARE_PARTS = re.compile(r"(?<!for\s)\bparts\b(?!\s+only)", re.IGNORECASE)
# a heading naming a section of parts, in a word or two ("PARTS", "Spare parts & PSUs",
# "ნაწილები / PARTS")
_PARTS_SECTION = re.compile(
    r"[\W\d_]*(?:[^\W\d_]+\s*/\s*)?(?:spare\s+)?parts(?:\s*(?:&|and|/|\+)\s*[^\W\d_]+)?[\W\d_]*",
    re.IGNORECASE,
)


def _named_currency(text: str) -> str | None:
    """The currency a price-less line names: the first code or currency word of the lexicon
    ("Prices in USDT", "Цены в рублях"), else a symbol ("Цена, $"); not one it names as an
    exception ("Все цены в рублях, кроме отмеченных USDT" names roubles)."""
    lex = load_lexicon()
    if lex.currency_except is not None:
        text = lex.currency_except.sub(" ", text)
    if named := message_names(text):  # the one it names first: "Precios en pesos argentinos
        return next(iter(named))  # ... USDT al cripto dólar del día" names the peso
    if (code := find_currency(text)) is not None:
        return code
    return None


def _prices(
    norm: str,
    named: str | None,
    catalog: Catalog | None,
    pair: int | None = None,
    thousands: bool = False,
) -> tuple[list[re.Match[str]], str, bool]:
    """The amounts of a line that may be its price, the line (with a named currency written
    after a bare amount), and whether that was done. Amounts labelled as fair value, breakeven
    or hashprice are not prices."""
    found = [m for m in PRICE.finditer(norm) if not _discount(m)]  # "knocks $75 off": no price
    # a price only as a reference beside a bare amount ("单价23600（约118/T）"): the bare amount
    # in the named currency is the price
    references = all(_APPROX.search(m.string, 0, m.start()) or _in_brackets(m) for m in found)
    if (not found or references) and named is not None:
        bare = [
            m
            for m in _BARE.finditer(norm)
            if not _BARE_BEFORE.search(norm, 0, m.start())
            and Decimal(digits(m.group(1))) > 0
            and not (m.group(1).isdigit() and _PIECES_AFTER.match(norm, m.end()))
        ]
        # one digit alone is a count or a detail ("2 платы не видит"), never the price
        priced = [m for m in bare if not _ONE_DIGIT.fullmatch(m.group(1))]
        if priced:
            # an amount in a money form ("2.250,-", "1 995:-", "3'690.–") is the price
            money = [m for m in priced if _MONEY_END.match(norm, m.end())]
            outside = [b for b in priced if not _in_brackets(b)]  # "1650（不含税1560）"
            m = (money or outside or priced)[-1]
            values = [Decimal(digits(b.group(1))) for b in bare[-3:]]
            if not money and len(values) == 3 and values[0] * values[1] == values[2]:
                m = bare[-2]  # "qty | unit price | total" ("50 | 980 | 4.9万"): the unit price
            elif (
                pair is not None
                and len(bare) > 1
                and PAIR_GAP.fullmatch(norm, bare[-2].end(), bare[-1].start())
            ):  # "2 870 / 2 985" under "НАЛ / БЕЗНАЛ": the cash column's amount
                m = bare[-2 + pair]
            rest = norm[: m.start()] + " " + norm[m.end() :]
            model = normalise(" ".join(_NOISE.sub(" ", rest).split()), catalog)
            if model.kind != "other" and (not found or m.start() < found[0].start()):
                amount = m.group(1)
                if thousands:  # "4.21" in a list "in thousands of USDT": 4210
                    amount = f"{(Decimal(digits(amount)) * 1000).normalize():f}"
                if named.endswith("/T") and (
                    _UNIT.search(norm) or (model.hashrate_unit or "TH/s") != "TH/s"
                ):  # "L7 9500M @ 2,050 per unit", "一台10800" under "prices per T": per unit
                    named = named[:-2]
                norm = f"{norm[: m.start()]}{amount} {named}{norm[m.end() :]}"
                return list(PRICE.finditer(norm)), norm, True
    kept = []
    end = 0
    for m in found:
        label = norm[max(end, m.start() - _LABEL_CHARS) : m.start()]
        if (
            not NOT_ASK.search(label)
            and _nonzero(m)  # "000р" (a grouping misread): no price
            and not _DURATION_AFTER.match(m.string, m.end())  # "USDC. 15-day DOA": a term
        ):
            kept.append(m)
        end = m.end()
    return kept, norm, False


# an amount taken off a price, not a price: "knocks $75 off", "$75 discount", "скидка 50$"
_DISCOUNT_BEFORE = re.compile(
    r"(?:discount|rabatt|descuento|desconto|remise|скидк\w*|знижк\w*|优惠|减|立减)\s*[:：]?\s*[$€£¥₽]?\s*$",
    re.IGNORECASE,
)
_DISCOUNT_AFTER = re.compile(
    r"\s*(?:off|discount|rabatt|de\s+descuento)(?![^\W\d_])", re.IGNORECASE
)


def _discount(match: re.Match[str]) -> bool:
    text = match.string
    return bool(
        _DISCOUNT_AFTER.match(text, match.end())
        or _DISCOUNT_BEFORE.search(text, max(0, match.start() - 16), match.start())
    )


def _nonzero(match: re.Match[str]) -> bool:
    number = match.group(2) or match.group(4) or match.group(6) or ""
    return any(c in "123456789" for c in number)


def _without_prices(norm: str, prices: list[re.Match[str]]) -> str:
    for m in reversed(prices):
        mark = PER_TH.match(norm, m.end())
        norm = norm[: m.start()] + " " + norm[mark.end() if mark else m.end() :]
    return norm


# between two priced clauses of one line: "and", "plus", "as well as" (a comma before it or
# not), or ";" ("$85 each, and S19j Pro hashboards at $150 each", "S21+ at $3,000 and T21 at ...")
_AND = re.compile(
    r"\s*(?:[;；]|,?\s+(?:and|plus|as\s+well\s+as|und|et|y|e|и|та|а\s+также|以及|和)\s+)\s*",
    re.IGNORECASE,
)
_CONDITION_WORDS = {"for_parts": "for parts", "refurbished": "refurbished", "used": "used"}
_CONDITION_WORDS["new"] = "new"


def _clauses(norm: str, prices: list[re.Match[str]], catalog: Catalog | None) -> list[str] | None:
    """A line offering two or more things, each with its price, joined by "and" or ";" ("Also
    have APW12 PSUs, used, $85 each, and S19j Pro hashboards at $150 each"), as one line a
    thing, each keeping what the line says of them all: its condition and MOQ ("Also buying new
    S21+ 235T at $3,000 and T21 190T at $2,200, MOQ 10 each"); None for any other line."""
    if len(prices) < 2 or len(prices) > 6:
        return None
    starts = [0]
    for a, b in zip(prices, prices[1:], strict=False):
        joiner = next((j for j in _AND.finditer(norm, a.end(), b.start())), None)
        if joiner is None or not _names_a_model(norm[joiner.end() : b.start()], catalog):
            return None
        starts.append(joiner.end())
    ends = [*(start for start in starts[1:]), len(norm)]
    clauses = [norm[a:b].strip(" ,;") for a, b in zip(starts, ends, strict=True)]
    clauses[-1], tail_moq = _take_moq(clauses[-1])[1], _take_moq(norm)[0]
    if any(c.isspace() or not c for c in clauses):
        return None
    words = load_lexicon()
    line_condition = condition_of(clean(norm, words), words)
    said = _CONDITION_WORDS.get(line_condition)
    out = []
    for clause in clauses:
        if said and condition_of(clean(clause, words), words) == "unknown":
            clause += f" ({said})"
        if tail_moq is not None and _take_moq(clause)[0] is None:
            clause += f", MOQ {tail_moq}"
        out.append(clause)
    return out


def _all_run(norm: str, catalog: Catalog | None) -> Condition | None:
    """The condition a clause gives every unit below ("..., everything below runs" is used,
    "- all units are refurbished"); None where no clause says one."""
    if (said := _ALL_RUN.search(norm)) is None:
        return None
    if said.group(1) is None:
        return "used"  # a working claim: each unit has run
    cond = normalise(said.group(1), catalog).condition
    return None if cond == "unknown" else cond


def _names_a_model(text: str, catalog: Catalog | None) -> bool:
    got = normalise(" ".join(_NOISE.sub(" ", _take_moq(text)[1]).split()), catalog)
    return got.model is not None or got.kind == "part"


def _unpriced_offer(text: str, catalog: Catalog | None) -> bool:
    """Whether a price-less line reads as an offer line without its price: a miner model and its
    hashrate ("M30S++ 106T price on request")."""
    got = normalise(text, catalog)
    return got.kind == "miner" and got.model is not None and got.hashrate is not None


def _unread_currency(text: str) -> bool:
    """The text holds a currency sign (Unicode "Sc") that the table does not read ("₸")."""
    return any(unicodedata.category(c) == "Sc" and c not in SYMBOLS for c in text)


def _price_of(prices: list[re.Match[str]], *, first: bool = False) -> re.Match[str]:
    """The line's price: its last amount with a written currency (the struck old price comes
    first), else its last bare $/TH amount; its first where the columns are quantity tiers
    (``first``: the price of one unit, the smallest tier). Where the line has another, the
    price is not an amount worked out from the quote ("15.5U/T ≈ 3100U"), an instalment or a
    price for paying later ("12x de R$ 3.690", "14.35$/T безнал"), the line's total ("$3,100
    each, $15,500 total"), nor a reference in brackets ("128 500 грн ($3 096)")."""
    if len(prices) > 1:  # not a surcharge beside the price ("$3,420 + $95 frt")
        prices = [m for m in prices if not _APPROX.search(m.string, 0, m.start())] or prices
        prices = [m for m in prices if not _beside(m)] or prices
    written = [m for m in prices if m.group(6) is None]
    if len(written) > 1:
        written = [m for m in written if not _deferred(m)] or written
    if len(written) > 1:
        written = [m for m in written if not _total(m)] or written
    if len(written) > 1 and ("(" in written[0].string or "[" in written[0].string):
        written = [m for m in written if not _in_brackets(m)] or written
    return (written or prices)[0 if first else -1]


# Paying later, against paying now: an instalment ("12x de R$ 3.690", "parcelado 6x R$ 395",
# "12 cuotas de $ 90") or an amount labelled as by card, transfer or in instalments ("14.35$/T
# безнал", "R$ 3.690 no cartão")
_INSTALMENT_BEFORE = re.compile(
    r"(?:(?<![\w.,])\d{1,2}\s?[x×]\s*(?:de\s+|of\s+)?|parcelad\w*\s*(?:em\s+)?"
    r"|cuotas?\s+(?:de\s+)?|installments?\s+of\s+|рассрочк\w*\s*(?:по\s+)?)$",
    re.IGNORECASE,
)
_DEFERRED_AFTER = re.compile(
    rf"(?:{PER_TH_MARK})?\s*[(-]?\s*(?:{DEFERRED_WORDS})(?![^\W\d_])", re.IGNORECASE
)


# the word calling an amount the line's total, after it ("$15,500 total") or before it ("всего
# 9 000 USDT", "total: $15,500"): beside a unit price, not the price
_TOTAL_WORDS = (
    r"(?:in\s+)?(?:total|всего|итого|insgesamt|gesamt|au\s+total|en\s+total|no\s+total|toplam"
    r"|合计|合計|总计|總計|总价|總價)"
)
_TOTAL_AFTER = re.compile(rf"[\s,;)]*{_TOTAL_WORDS}(?![^\W\d_])", re.IGNORECASE)
_TOTAL_BEFORE = re.compile(
    rf"(?:(?<![^\W\d_]){_TOTAL_WORDS}\s*[:：=]?|[=＝])\s*[$€£¥₽]?\s*$", re.IGNORECASE
)  # "@ $3,350 = $33,500": the amount after "=" is the line's total


# an amount that is not the machine's price where the line has another: a surcharge or a cost
# beside it ("+ $95 frt", "shipping $95", "$95 shipping", "доставка 50 USDT", "运费50U", "inc.
# $250 VAT"), or an old or list price ("was $3,400", "old price", "MSRP", "было", "原价")
_COST_WORDS = (
    r"shipping|freight|frt|delivery|s\s?&\s?h|postage|handling|vat|gst|tax|fee|deposit"
    r"|доставк\w*|пересылк\w*|залог|предоплат\w*|ндс|运费|邮费|快递|定金|税"
    r"|envío|frete|versand|livraison|porto"
)
# a line led by a cost word that names no model states a term of sale, not an offer
_COST_LINE = re.compile(rf"[\W\d_]*(?:{_COST_WORDS})(?![^\W\d_])", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?。！？](?:\s+|$)")


def _cost_sentence(match: re.Match[str]) -> bool:
    """The amount is in a sentence led by a cost word ("Orders over 20 units get 2% off. Freight
    to your site is around $45/unit"): a term of sale, not an offer."""
    text, at = match.string, 0
    for end in _SENTENCE_END.finditer(text, 0, match.start()):
        at = end.end()
    return _COST_LINE.match(text, at) is not None


_OLD_WORDS = (
    r"was|old\s+price|regular|retail|rrp|msrp|list(?:\s+price)?|было|старая\s+цена|原价|原價"
)
_SURCHARGE = re.compile(
    rf"(?:\+|\bplus|(?<![^\W\d_])(?:{_COST_WORDS}|{_OLD_WORDS})\s*[:：]?)\s*[$€£¥₽]?\s*$",
    re.IGNORECASE,
)
# ... or after it ("$95 shipping"), where the word is not the label of an amount after it
_SURCHARGE_AFTER = re.compile(
    rf"\s*(?:{PER_TH_MARK})?\s*(?:{_COST_WORDS})(?![^\W\d_])(?!\s*[:：]?\s*[$€£¥₽]?\s*\d)",
    re.IGNORECASE,
)


def _beside(match: re.Match[str]) -> bool:
    """The amount is a surcharge, a cost or an old or list price written beside the price."""
    text = match.string
    return bool(
        _SURCHARGE.search(text, max(0, match.start() - 24), match.start())
        or _SURCHARGE_AFTER.match(text, match.end())
    )


# "1THあたり 1,150円", "每T 118元", "per TH: $14.2": a price per TH, said before it
_PER_TH_BEFORE = re.compile(
    r"(?:1\s*th?\s*(?:あたり|当たり|당)|每\s*th?|\bper\s+th?\b|за\s+т(?![а-я]))\s*[:：]?\s*[$€£¥₽]?\s*$",
    re.IGNORECASE,
)
_LOT_LABEL = re.compile(r"^\W*lot\s*(?:#|no\.|nr\.)?\s*\d+\s*[—–:-]", re.IGNORECASE)
# a count, then "for" and (removed from the line) its price: "4 for $50", "3 pcs for 900"
_N_FOR = re.compile(r"(?<![\w.,])(\d{1,3})\s*(?:pcs|pieces|units)?\s+for\s*[-–—:]?\s*$")
# a container and its count: "box of 10", "pack of 6", "bag of 50", "case of 4", "pallet of 20"
_BOX_OF = re.compile(r"\b(?:box|pack|bag|case|carton|crate|pallet)\s+of\s+(\d{1,4})\b", re.I)
# goods a list sells that are `other`, not services: they take a heading's condition
_GOODS = re.compile(
    r"\b(?:pdus?|strips?|racks?|shel(?:f|ves)|cabinets?|tanks?|containers?|cables?)\b", re.I
)
# the price buys both or all of them, said without a number ("2x PDU strips - $150 for both")
_BOTH = re.compile(r"\bfor\s+(?:both|all|the\s+pair)\b|\bboth\s+for\b|\btogether\b", re.I)
_AT = re.compile(r"@\s*[$€£¥₽]?\s*$")  # "@ $3,350": a price per unit
# an amount a term of sale is bounded by, not a price: "crypto accepted for orders over $50k",
# "free shipping above 5,000 USDT", "скидка при заказе свыше 1 млн"
_THRESHOLD = re.compile(
    r"(?:\bover|\babove|\bmore\s+than|\bexceeding|\bunder|\bbelow|свыше|больше|超过|满)\s*"
    r"[$€£¥₽]?\s*$",
    re.IGNORECASE,
)


def _threshold(match: re.Match[str]) -> bool:
    return _THRESHOLD.search(match.string, max(0, match.start() - 16), match.start()) is not None


# a number of days, weeks... right after an amount: a duration, not money ("15-day DOA")
_DURATION_AFTER = re.compile(
    r"\s*-?\s*(?:days?|weeks?|months?|years?|hours?|hrs?|дн\w*|нед\w*|мес\w*|天|个月)(?![^\W\d_])",
    re.IGNORECASE,
)
_APPROX = re.compile(r"(?:[≈~]|\bapprox\.?|\bca\.|около|примерно|約|约)\s*[$€£¥₽]?\s*$", re.I)


def _total(match: re.Match[str]) -> bool:
    """The amount is called the line's total."""
    text = match.string
    return bool(
        _TOTAL_AFTER.match(text, match.end())
        or _TOTAL_BEFORE.search(text, max(0, match.start() - 16), match.start())
    )


# an instalment's count, its amount taken out ("12x de", "parcelado em 10x", "6 cuotas de"): no
# count of machines
_INSTALMENT_LEAD = re.compile(r"(?<![\w.,])\d{1,2}\s?[x×]\s*(?:de\s+)?")
_INSTALMENT_TEXT = re.compile(
    r"(?<![\w.,])\d{1,2}\s?[x×]\s*(?:de|of|sem\s+juros)(?![^\W\d_])"
    r"|parcelad\w*\s*(?:em\s+)?\d{1,2}\s?[x×]",
    re.IGNORECASE,
)


def _deferred(match: re.Match[str]) -> bool:
    """The amount is an instalment or a price for paying later."""
    text = match.string
    return bool(
        _INSTALMENT_BEFORE.search(text, max(0, match.start() - 24), match.start())
        or _DEFERRED_AFTER.match(text, match.end())
    )


def _in_brackets(match: re.Match[str]) -> bool:
    """The amount stands inside an open "(" or "[" of its line."""
    before = match.string[: match.start()]
    return before.count("(") > before.count(")") or before.count("[") > before.count("]")


def _written_currency(match: re.Match[str]) -> str | None:
    return currency_code(_THOUSAND.sub("", (match.group(1) or match.group(5) or "").strip()))


def _message_currency(drafts: list[_Draft], named: set[str]) -> _Currency:
    """The currency of the message's bare $/TH prices (module docstring), and why."""
    per_th: set[str] = set()
    written: set[str] = set()
    for draft in drafts:
        price = (
            draft.prices[draft.pick]
            if draft.pick is not None
            else _price_of(draft.prices, first=draft.tiers)
        )
        if price.group(6) is None and (code := _written_currency(price)) is not None:
            written.add(code)
            if PER_TH.match(price.string, price.end()):
                per_th.add(code)
    for found, why in (
        (per_th, "as the message's other $/TH prices"),
        (written, "as the message's prices"),
        (named, "as named in the message"),
    ):
        if len(found) == 1:
            code = next(iter(found))
            return _Currency(code, f"{code}, {why}")
    several = per_th or written or named
    why = f"the message names {', '.join(sorted(several))}" if several else "the message names none"
    return _Currency(DEFAULT_CURRENCY, f"{DEFAULT_CURRENCY} assumed ({why})")


def _offer(
    draft: _Draft, message_moq: int | None, bare: _Currency, catalog: Catalog | None
) -> Offer:
    number, text, norm, prices, header, side, named, tiers, pick = draft
    price = prices[pick] if pick is not None else _price_of(prices, first=tiers)
    number_text = price.group(2) or price.group(4) or price.group(6)
    currency_text = (price.group(1) or price.group(5) or "").strip()
    currency = _written_currency(price)
    per_th = PER_TH.match(norm, price.end()) or _PER_TH_BEFORE.search(
        norm, max(0, price.start() - 16), price.start()
    )
    starts = {m.start() for m in prices}
    for lead in _INSTALMENT_LEAD.finditer(norm):  # "| 10x R$ 3.020": an instalment count
        if lead.end() in starts:
            norm = norm[: lead.start()] + " " * (lead.end() - lead.start()) + norm[lead.end() :]
    rest = _WTB.sub(" ", _without_prices(norm, prices))  # the model part: no prices, no "WTB",
    if "x" in rest or "×" in rest or "parcel" in rest:  # no instalment count ("12x de")
        rest = _INSTALMENT_TEXT.sub(" ", rest)
    line_flags, rest = _take_flags(rest)
    moq, rest = _take_moq(rest)
    rest = _LOT_LABEL.sub(" ", rest)  # "Lot 108 — ...": an auction's lot number, no count
    words = clean(rest, load_lexicon())  # the line's words, for what its price buys
    if moq is None:  # "三台起" reads "moq 3" once cleaned
        moq = _take_moq(words)[0]
    basis = "per_th" if per_th else "unit"
    per_unit = _UNIT.search(rest) is not None  # "each", "/台", "за шт", "单价"
    lot_word = basis == "unit" and not per_unit and bool(_LOT.search(rest) or lot_words(words))
    rest = _UNIT.sub(" ", re.sub(r"\b(?:per\s+|/\s*|for\s+the\s+)lot\b", " ", rest, flags=re.I))
    model_part = " ".join(_NOISE.sub(" ", rest).split())
    normalised = normalise(model_part, catalog)
    if (
        basis == "unit"
        and not per_unit
        and (n_for := _N_FOR.search(words) or _BOX_OF.search(words))
    ):
        # "12038 fans, 4 for $50", "fans, box of 10: $95": the price buys the pieces counted
        lot_word = True
        if normalised.quantity <= 1 and int(n_for.group(1)) > 1:
            normalised = normalised._replace(quantity=int(n_for.group(1)))
    if lot_word and (_LOT.search(words) or normalised.kind != "other" or _BOTH.search(words)):
        # (an `other` line's "for two machines" is what a service holds; "for both" a lot)
        # "for all 20", "за всю партию", "整批", "일괄", "للكل": the price buys the lot (a
        # service's "space for two machines" is no lot)
        basis = "lot"
    elif basis == "unit" and _AT.search(norm, 0, price.start()):
        per_unit = True  # "10 x S21 @ $3,350 = $33,500": the price right after "@" buys one
    amount = _amount(number_text, currency_text, price.group(3), basis != "per_th")
    if basis == "per_th" and amount is not None and _DOT_THOUSANDS.fullmatch(number_text):
        # "Gs. 98.500 por TH": read as 98.5 it is a hundredth of a cent per TH; as thousands,
        # a price per TH a machine sells at (without a rate to tell, thousands, as for a unit
        # price: the currencies the ECB does not publish are written in thousands)
        whole = Decimal(number_text.replace(".", ""))
        usd, whole_usd = usd_of(amount, currency, None), usd_of(whole, currency, None)
        if usd is None or whole_usd is None or usd < 0.5 <= whole_usd <= 500:
            amount = whole
    notes = []
    if per_unit and normalised.quantity != 1:  # "2 шт — 3 100 USDT за шт": a stock count
        normalised = normalised._replace(quantity=1)
        notes.append("price per unit: quantity 1")
    elif (
        basis == "lot"
        and normalised.quantity <= 1
        and (normalised.kind != "other" or _BOTH.search(words))
    ):
        # "$9,400 the lot - (8) Whatsminer M31S+": the lot's count, read in the whole line
        if (count := quantity_of(words, catalog)) > 1:
            normalised = normalised._replace(quantity=count)
            notes.append(f"a lot of {count}")
    elif basis == "unit" and normalised.quantity > 1 and normalised.kind == "miner":
        # "5,050 USDT — 14 pcs": whether the price buys one of a stock or the lot is decided as
        # for a title with its price (words, then plausibility: monitor/normalise/quantity.py),
        # on the line's own words ("6,800U for all 20": "for" is no noise here)
        normalised = with_price(words, normalised, amount, currency, catalog=catalog)
        if normalised.quantity > 1:  # decided: the price buys the lot
            basis = "lot"
    h = header or _Header("", None, None, (), None)
    if (
        normalised.condition == "unknown"
        and h.condition
        and (normalised.kind != "other" or _GOODS.search(model_part))
    ):  # (a service or hosting line has no condition; goods listed as `other` do: PDUs, racks)
        normalised = normalised._replace(condition=h.condition)
        notes.append(f"condition {h.condition}: the section's heading")
    if side == "bid" and normalised.kind == "other" and not _WTB.search(norm):
        side = "ask"  # hosting listed under "WTB:" is the broker's own offer, unless it says wanted
        notes.append("a service line in a wanted-to-buy section: offered")
    if price.group(6) is not None:  # "14.2/T": the currency is the message's
        currency = bare.code
        notes.append(f"currency not written: {bare.why}")
    elif named is not None:  # "S21 200T — 3350" under "Цены в USDT"
        notes.append(f"currency not written: {named}")
    if notes:
        note = "; ".join(notes)
        reason = f"{normalised.reason}; {note}" if normalised.reason else note
        normalised = normalised._replace(reason=reason)
    if moq is None:
        moq = h.moq if h.moq is not None else message_moq
    header_flags = tuple(f for f in h.flags if f not in _CUSTOMS)
    if any(f in _STATUSES for f in line_flags):  # "期货1月到" under "现货报价": the line's own
        header_flags = tuple(f for f in header_flags if f not in _STATUSES)
    return Offer(
        line=number,
        text=text,
        normalised=normalised,
        price=amount,
        currency=currency,
        price_basis=basis,
        moq=moq,
        location=place_of(rest, "") or h.location,
        header=h.text or None,
        flags=tuple(dict.fromkeys(header_flags + line_flags)),
        side=side,
    )
