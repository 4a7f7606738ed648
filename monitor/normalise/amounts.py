"""How broker messages write amounts and currencies, and the plain form the offer reader reads.

One written amount has one grammar (:data:`NUM`: grouped by ",", ".", "'" or spaces, in lakhs,
or not) and one reading as digits (:func:`digits`). Before ``monitor.normalise.offers`` looks
for prices, :func:`rewriter` writes each line of a message plainly: multipliers written out
("1.15万", "2万1", "8千6", "3.1k USDT", "235к руб", "₹1.2 lakh", "41tr5", "45 juta", "₦5.6m", "1,45
palos", "$3.1 thousand"), a price per PH as per TH, pence as pounds, rates and definitions of
the list's shorthand dropped ("1 USDT = 12.700 UZS", "2万1=21000", "(3.15 = 3,150 USDT)"), a
dollar sign with a code after its amount read as that code ("$4,690 CAD"), a currency word of
the lexicon after an amount as its code ("6,950港幣"), and the marks several currencies share
("¥", "$", "kr", "Br", "Rs", "Sh", "R": ``scrapers.money.SHARED_MARKS``) as the one the message
names. The currencies themselves are ``scrapers.money``'s one table. :data:`PRICE` finds a price
in a plain line (an amount with a currency mark, or a bare one before a per-TH or per-kWh mark),
and :data:`PER_TH_MARK` is what marks a price per TH/s, in titles and broker lines alike.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from monitor.normalise.lexicon import FLAG_EMOJI, Lexicon, load_lexicon
from scrapers.money import (
    CODES,
    COUNTRY_CURRENCY,
    SHARED_MARKS,
    SHORTHANDS,
    SYMBOLS,
    shared_code,
    yen_code,
)

# an amount: grouped by "," (with cents: "3,299.99"), by "." with decimal-comma cents ("3.690,00",
# German and others; no cents: "1.390,-"), by "'" (Swiss: "3'690.00"), or by spaces ("185 000",
# "1 580,50"), or in the Indian way (lakhs: "1,20,000"), or not
NUM = (
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])"
    r"|\d{1,3}(?:\.\d{3})+,\d{1,2}(?!\d)"
    r"|\d{1,3}(?:\.\d{3})*,[-–]{1,2}(?![\d\-–])|\d{1,3}(?:['’]\d{3})+(?:\.\d{1,2})?(?!\d)"
    r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.])"
    r"|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?(?!\d|(?![рu])\w)|\d+(?:[.,]\d+)?)"
)
WORD = r"0-9A-Za-z\u00c0-\u024f\u0400-\u04ff_"
SYMBOL_ALT = "|".join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True))
CODE_ALT = "|".join(sorted((c for c in CODES if c.isascii()), key=len, reverse=True))
# thousands grouped by "." and cents after ",": "3.690,00", "1.390,5"; or no cents: "1.390,-"
_DOT_GROUPS_COMMA_CENTS = re.compile(r"\d{1,3}(?:\.\d{3})+,\d{1,2}|\d{1,3}(?:\.\d{3})*,[-–]+")
# "1.15万" (Chinese: x 10,000; Japanese "39.8万円"; Korean "310만원"): the amount written out, so
# "1.15万/台" is 11500 a unit
_WAN = re.compile(r"(?<![\d.,])(\d{1,4}(?:\.\d{1,4})?)\s*(?:万|萬|만(?=\s*원))")


# a dollar sign with a currency code after its amount ("$4,690 CAD", "$0.084 CAD/kWh", "$14.50
# CAD/TH"): the code says which dollar, so the sign is dropped and the code read
_DOLLAR_CODE = re.compile(
    rf"(?<![{WORD}])(?:[A-Z]{{1,2}})?\$\s?{NUM}(?=[ \u00a0]?(?:{CODE_ALT})(?![{WORD}]))",
    re.IGNORECASE,
)


def _dollar_code(text: str) -> str:
    """ "$4,690 CAD" is "4,690 CAD": the code after the amount names the dollar; other text
    unchanged."""
    if "$" not in text:
        return text
    return _DOLLAR_CODE.sub(lambda m: m.group(1), text)


# pence per kWh, a British hosting rate ("from 7.9p/kWh"): pounds, written out
_PENCE = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d{1,3})?)\s?p(?=\s*/\s*kwh)", re.IGNORECASE)


# a price per PH/s (1,000 TH/s): "$12,500/PH", "12500 USD per PH" is $12.5 per TH
_PER_PH = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:[.,]\d+)?)(\s?(?:usdt?|usd|\$|u)?)\s?(?:/|per\s)\s?ph(?:/s)?"
    r"(?![a-z])",
    re.IGNORECASE,
)


def _per_ph(text: str) -> str:
    """A price per PH/s as the same price per TH/s ("$12,500/PH" is "$12.5/T"); other text
    unchanged."""
    if "ph" not in text.lower():
        return text
    return _PER_PH.sub(
        lambda m: f"{(Decimal(digits(m.group(1))) / 1000).normalize():f}{m.group(2)}/T", text
    )


def _pence(text: str) -> str:
    """ "7.9p/kWh" is "£0.079/kWh"; other text unchanged."""
    if "p" not in text and "P" not in text:
        return text
    return _PENCE.sub(lambda m: f"£{Decimal(m.group(1)) / 100}", text)


def _unchanged(text: str) -> str:
    return text


def _to_jpy(text: str) -> str:
    return text.replace("¥", " JPY ") if "¥" in text else text


def _yen(lines: list[tuple[int, str, str, str]]) -> Callable[[str], str]:
    """How the message's lines write "¥": as "JPY" where the message is Japanese or names the
    yen (scrapers.money.yen_code), else unchanged (the table's CNY)."""
    if not any("¥" in norm for _, _, norm, _ in lines):
        return _unchanged
    whole = "\n".join(norm for _, _, norm, _ in lines)
    return _to_jpy if yen_code(whole) == "JPY" else _unchanged


# Marks several currencies write (scrapers.money.SHARED_MARKS), right after an amount ("24 900 kr",
# "3 990 $", "415,000 Br") or right before it ("kr 24 900", "$3,420", "Br 415,000", "Rs 45,000").
# "$" after letters is a dollar they name ("US$", "C $", "HK $": one or two capitals standing
# alone, not "186T $"); "Br" is written so, never "BR".
_SHARED_AFTER = {
    "$": re.compile(r"(?<=\d)[ \u00a0]?\$"),
    "KR": re.compile(r"(?<=\d)[ \u00a0]?kr\.?(?![^\W\d_])", re.IGNORECASE),
    "BR": re.compile(r"(?<=\d)[ \u00a0]?Br\.?(?![^\W\d_])"),
}
_SHARED_BEFORE = {
    "$": re.compile(r"(?<![^\W\d_])(?<!\b[A-Z]\s)(?<!\b[A-Z]{2}\s)\$(?=\s?\d)"),
    "KR": re.compile(r"(?<![^\W\d_])kr\.?(?=\s?\d)", re.IGNORECASE),
    "BR": re.compile(r"(?<![^\W\d_])Br\.?(?=\s?\d)"),
    "RS": re.compile(r"(?<![^\W\d_])Rs\.?(?=\s?\d)", re.IGNORECASE),
    "S/": re.compile(r"(?:(?<=\s)|^)S/\.?(?=\s?\d)"),  # "S/ 0,42": the sol, after a space only
    "SH": re.compile(r"(?<![^\W\d_])Sh\.?(?=\s?\d)"),
    "R": re.compile(r"(?<![^\W\d_])R(?=\s?\d)"),
}
_READ_ALONE = {"$": "USD", "RS": "INR"}  # what the table reads a shared mark as, where it does
# an ISO code as a word, "USDT" too ("price in birr (ETB)", "Prices in CAD")
_ISO_WORD = re.compile(r"(?<![A-Za-z])([A-Z]{3})T?(?![A-Za-z])")


def message_names(norm: str) -> set[str]:
    """The currency a line names first, by code ("(ETB)", "USDT") or by the lexicon's words
    ("Prix en dollars canadiens"), not by a symbol ("$" is what is asked): "Precios en pesos
    chilenos ... o USDT al cambio del día" names the peso, the dollar being a way to pay."""
    found = [(m.start(), code) for m in _ISO_WORD.finditer(norm) if (code := CODES.get(m[1]))]
    for code, rx in load_lexicon().currency_words:
        if (m := rx.search(norm)) is not None:
            found.append((m.start(), code))
    return {min(found)[1]} if found else set()


def _shared_marks(lines: list[tuple[int, str, str, str]]) -> Callable[[str], str]:
    """How the message's lines write the marks several currencies share: as the code of the one
    such currency the message names ("3 990 $" in a list "en dollars canadiens" is "3 990 CAD",
    "24 900 kr" in one "i svenska kronor" SEK), else of the one its flags show ("R16 950" under
    🇿🇦 is ZAR; never "$", which brokers under 🇭🇰 write for the US dollar), else unchanged ("$"
    the US dollar, "Rs" the rupee; "kr" and "Br" unread)."""
    present = [
        mark
        for mark in SHARED_MARKS
        if any(
            rx.search(norm)
            for _, _, norm, _ in lines
            for rx in (_SHARED_AFTER.get(mark), _SHARED_BEFORE.get(mark))
            if rx is not None
        )
    ]
    if not present:
        return _unchanged
    named = set().union(*(message_names(norm) for _, _, norm, _ in lines))
    flags = {  # the currencies of the countries whose flags the message shows ("🇿🇦")
        code
        for _, _, _, raw in lines
        for pair in FLAG_EMOJI.findall(raw)
        if (code := COUNTRY_CURRENCY.get("".join(chr(ord(c) - 0x1F1E6 + 65) for c in pair)))
    }
    subs: list[tuple[re.Pattern[str], str]] = []
    for mark in present:
        # (a flag never decides "$": brokers under 🇭🇰 or 🇸🇬 quote US dollars)
        code = shared_code(mark, named) or (shared_code(mark, flags) if mark != "$" else None)
        if code is None or code == _READ_ALONE.get(mark):
            continue
        if (after := _SHARED_AFTER.get(mark)) is not None:
            subs.append((after, f" {code}"))
        subs.append((_SHARED_BEFORE[mark], code))
    if not subs:
        return _unchanged

    def rewrite(norm: str) -> str:
        for rx, code in subs:
            norm = rx.sub(code, norm)
        return norm

    return rewrite


# an amount in lakhs (100,000) or crores (10 million), as India writes it: "₹1.2 lakh"
_LAKH = re.compile(r"(?<![\d.,])(\d{1,4}(?:\.\d{1,3})?)\s*(lakhs?|lacs?|crores?)\b", re.I)
_LAKH_VALUE = {"l": Decimal(100_000), "c": Decimal(10_000_000)}
# thousands as "k" (Cyrillic "к", "тыс.", "тис.") before a currency written after the amount:
# "3.1k USDT", "2,9k €", "235к руб", "3,1 тыс. $" (a code after a space: "3200 KGS" is som,
# not 3.2 thousand "GS")
# and glued to an amount standing alone, where "k = thousand" is the list's shorthand: "4.15k",
# "2.7k takes all", "2.05k/unit" (not "100kW", "5kH/s", "4k-series")
_KILO = re.compile(
    rf"(?<![{WORD}.,$€£¥₽])(\d{{1,4}}(?:[.,]\d{{1,3}})?)(?:\s?(?:[kк]|тыс\.?|тис\.?)"
    rf"(?=\s(?:(?:{CODE_ALT})(?![{WORD}])|{SYMBOL_ALT}|руб|р\.)|{SYMBOL_ALT})|[kк](?![{WORD}\-]|/s))",
    re.I,
)


# an amount in millions, as a word after it: "Rp 45 juta" / "45 jt", "1,45 palos" (Argentina)
# (Indonesian, Malay), "1,2 млн" (Russian, Ukrainian), "1,5 mln" (Polish, Italian), "1.2 Mio."
# (German), "2 million", "1,5 millones", "2 milhões", "1,5 milioni"; a decimal comma or point
_MILLION = re.compile(
    r"(?<![\d.,])(\d{1,4}(?:[.,]\d{1,3})?)\s?(?:juta|jt|млн|mln|mio|millions?|millones|palos|"
    r"milhões|milioni)(?![^\W\d_])\.?",
    re.IGNORECASE,
)
# "m" for million right after an amount a currency sign opens: "₦5.6m", "$1.2M" (not "1.5m"
# of cable, nor "5m" of anything without a currency)
_MILLION_M = re.compile(
    rf"((?:{SYMBOL_ALT})\s?)(\d{{1,4}}(?:\.\d{{1,3}})?)\s?(?:m|mn|mio)(?![^\W\d_]|/|²)", re.I
)
# thousands as a word after the amount: "$3.1 thousand", "3 grand", "3,1 mil", "3 тысячи"
_THOUSAND_WORD = re.compile(
    r"(?<![\d.,])(\d{1,4}(?:[.,]\d{1,3})?)\s?(?:thousand|grand|mil|mille|tausend"
    r"|тысяч[аи]?|тисяч[аі]?|ألف|الف|آلاف)(?![^\W\d_])",
    re.IGNORECASE,
)
_THOUSAND_GATE = ("thousand", "grand", "mil", "tausend", "тысяч", "тисяч", "ألف", "الف", "آلاف")
_MILLION_GATE = ("juta", "jt", "млн", "mln", "mio", "millio", "millo", "milh", "milio", "palos")
# millions of dong, as Vietnam writes them: "52,9 triệu", "12tr5" (12.5 million), "12tr": the
# word names the currency too, so an amount with no other mark is in dong
_TRIEU = re.compile(
    r"(?<![\d.,])(\d{1,4})(?:[.,](\d{1,3}))?\s?(?:triệu|tr)(\d{1,3})?(?![^\W\d_])\.?"
    r"(\s?(?:đ|vnđ|vnd|₫)(?![^\W\d_]))?",
    re.IGNORECASE,
)


def _dong(m: re.Match[str]) -> str:
    whole, frac, tail, mark = m.groups()
    value = Decimal(f"{whole}.{frac or tail or 0}") * 1_000_000
    return f"{value.normalize():f}{mark or ' VND'}"


# a rate or a unit's definition, one of something = an amount ("1万=10000元", "1$ = 12 650 сум",
# "1 USDT = 12.700 UZS", "курс 1$=90₽"): it prices nothing
_SIGN = r"(?:[^\W\d_]{1,6}\.?|[$€£¥₽₸元]|万|만)"
_RATE = re.compile(
    rf"(?<![\w.])(?<!\d,)1\s?{_SIGN}?\s?[=＝]\s?{_SIGN}?"
    rf"\s?\d(?:[\d.,'’\u00a0\u202f ]*\d)?\s?{_SIGN}?(?!\w)"
)


def _no_rates(text: str) -> str:
    """The text without its rates and definitions ("1万=10000元", "(3.15 = 3,150 USDT)"); other
    text unchanged."""
    if "=" not in text and "＝" not in text:
        return text
    return _SHORTHAND_DEFINED.sub(" ", _PAREN_EQUATION.sub(" ", _RATE.sub(" ", text)))


# how the list shortens amounts, defined: "2万1=21000", "1w=10000元", "3.1k = 3100"
_SHORTHAND_DEFINED = re.compile(
    r"(?<![\w.])\d{1,4}(?:[.,]\d{1,3})?\s?(?:万|千|百|w|k|к|тыс\.?|m|mn|млн)\s?\d{0,3}\s?[=＝]\s?"
    r"[$€£¥₽]?\s?\d(?:[\d.,'’\u00a0\u202f ]*\d)?\s?(?:[^\W\d_]{1,6}\.?|[$€£¥₽₸元])?(?!\w)",
    re.IGNORECASE,
)
# an equation in brackets, a note on how the list writes amounts: "(3.15 = 3,150 USDT)"
_PAREN_EQUATION = re.compile(r"\([^()]*\d[^()]*[=＝][^()]*\d[^()]*\)")


def _written_out(text: str) -> str:
    """Amounts written with a multiplier, written out: "1.15万" is "11500", "₹1.2 lakh"
    "₹120000", "52,9 triệu" "52900000 VND", "3.1k USDT" "3100 USDT"; other text unchanged."""
    text = _ten_thousands(text)
    low = text.lower()
    if "lakh" in low or "lac" in low or "crore" in low:
        text = _LAKH.sub(
            lambda m: f"{(Decimal(m.group(1)) * _LAKH_VALUE[m.group(2)[0].lower()]).normalize():f}",
            text,
        )
    if "tr" in low:
        text = _TRIEU.sub(_dong, text)
    if "m" in low and _MILLION_M.search(text):
        text = _MILLION_M.sub(
            lambda m: f"{m.group(1)}{(Decimal(m.group(2)) * 1_000_000).normalize():f}", text
        )
    if any(word in low for word in _MILLION_GATE):
        text = _MILLION.sub(
            lambda m: f"{(Decimal(m.group(1).replace(',', '.')) * 1_000_000).normalize():f}", text
        )
    if any(word in low for word in _THOUSAND_GATE):
        text = _THOUSAND_WORD.sub(
            lambda m: f"{(Decimal(m.group(1).replace(',', '.')) * 1000).normalize():f}", text
        )
    if "k" in low or "к" in low or "тыс" in low or "тис" in low:
        text = _KILO.sub(
            lambda m: f"{(Decimal(m.group(1).replace(',', '.')) * 1000).normalize():f}", text
        )
    return text


def _ten_thousands(text: str) -> str:
    """An amount in 万 / 만 (10,000) written out: "1.15万" is "11500", "310만원" "3100000원"; in
    Chinese text also "w" after a decimal amount, 万元 as Chinese lists shorten it ("2.38w/台" is
    "23800元/台"); other text unchanged."""
    if "w" in text and _CJK.search(text):
        text = _WAN_W.sub(lambda m: f"{(Decimal(m.group(1)) * 10000).normalize():f}元", text)
    if "万" in text or "千" in text or "百" in text:  # "2万1", "8千6", "9百": spoken amounts
        text = _SPOKEN.sub(_spoken, text)
    if "万" not in text and "萬" not in text and "만" not in text:
        return text
    return _WAN.sub(lambda m: f"{(Decimal(m.group(1)) * 10000).normalize():f}", text)


# amounts as Chinese says them: "2万1" (21,000), "8千6" (8,600), "3千5百" (3,500), "9百" (900);
# in yuan unless a currency follows
_SPOKEN = re.compile(r"(?<![\d.,])(\d{1,3})(万|千|百)(?:(\d)(?:千|百)?)?(?![\d万千百分瓦伏兆])")
_CURRENCY_NEXT = re.compile(r"\s*(?:[元円Uu刀$¥]|usdt|usd|rmb|cny|jpy)", re.IGNORECASE)
_UNIT_OF = {"万": 10000, "千": 1000, "百": 100}


def _spoken(m: re.Match[str]) -> str:
    whole, unit, tenth = m.groups()
    if unit == "万" and tenth is None:  # "2万": written out as before, by _WAN (no currency)
        return m.group(0)
    value = (Decimal(whole) + Decimal(tenth or 0) / 10) * _UNIT_OF[unit]
    written = _CURRENCY_NEXT.match(m.string, m.end()) is not None
    return f"{value.normalize():f}{'' if written else '元'}"


# "2.38w", "0.42w": a decimal amount in 万 (not "15w", watts), unless a currency follows
_WAN_W = re.compile(r"(?<![\w.,])(\d{1,2}\.\d{1,2})w(?![\w$€¥元刀])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def european(number: str) -> str | None:
    """ "3.690,00" as "3690.00", "1.390,-" as "1390"; None for an amount not written so."""
    if not _DOT_GROUPS_COMMA_CENTS.fullmatch(number):
        return None
    whole, _, cents = number.partition(",")
    whole = whole.replace(".", "")
    return whole if cents.strip("-–") == "" else f"{whole}.{cents}"


def _mark(code: str) -> str:
    """How a price of ``code`` is written so the table reads it: the code itself, else its
    symbol (the lira's code "TRY" is an English word, not a code the table reads: "₺")."""
    if code in CODES:
        return code
    return next((s for s, c in SYMBOLS.items() if c == code), code)


@lru_cache(maxsize=4)
def _after_amount(lex: Lexicon) -> tuple[re.Pattern[str], dict[str, str]]:
    """The lexicon's currency words as written right after an amount ("6,950港幣"), in one
    pattern (group "d" the amount's last digit, then one named group per currency)."""
    codes = {f"c{i}": _mark(code) for i, (code, _) in enumerate(lex.currency_words)}
    words = "|".join(f"(?P<c{i}>{rx.pattern})" for i, (_, rx) in enumerate(lex.currency_words))
    return re.compile(rf"(?P<d>\d)[ \u00a0]?(?:{words or '(?!)'})", re.IGNORECASE), codes


def _currency_words(text: str) -> str:
    """A currency word of the lexicon written after an amount, as its code: "6,950港幣" is
    "6,950 HKD", "870 Euro" "870 EUR"; other text unchanged."""
    rx, codes = _after_amount(load_lexicon())
    return rx.sub(lambda m: f"{m.group('d')} {codes[m.lastgroup or '']}", text)


def digits(number: str) -> str:
    if (plain := european(number)) is not None:  # "3.690,00", "1.390,-"
        return plain
    if re.fullmatch(r"[\d \u00a0\u202f]+,\d{1,2}|0,\d+", number):  # "0,055": no thousands
        number = number.replace(",", ".")
    elif number.count(".") > 1:  # "1.234.500"
        number = number.replace(".", "")
    return re.sub(r"[ ,'’\u00a0\u202f]", "", number)


# a message saying its amounts are in millions ("Precios ... en millones", "in millions"), and an
# amount written so: "14,5 M", "21M" (three digits at most: "9500M" is an L7's hashrate)
_IN_MILLIONS = re.compile(
    r"\b(?:en|in|em)\s+(?:millones|millions|milhões|millionen)\b|в\s+миллионах", re.IGNORECASE
)
_BARE_MILLION = re.compile(r"(?<![\w.,])(\d{1,3}(?:[.,]\d{1,3})?)\s?M(?![\w/])")


def _millions(m: re.Match[str]) -> str:
    return f"{(Decimal(m.group(1).replace(',', '.')) * 1_000_000).normalize():f}"


def rewriter(lines: list[tuple[int, str, str, str]]) -> Callable[[str], str]:
    """How the lines of one message (number, text, NFKC text, raw) are written plainly: the
    rewriting of one line's NFKC text, with the message's reading of its shared marks."""
    yen, shared = _yen(lines), _shared_marks(lines)
    millions = any(_IN_MILLIONS.search(norm) for _, _, norm, _ in lines)

    def rewrite(norm: str) -> str:
        plain = _no_rates(norm)
        if millions and "m" in plain.lower():  # "14,5 M" in a list "en millones"
            plain = _BARE_MILLION.sub(_millions, plain)
        plain = _pence(_per_ph(_written_out(plain)))
        return shared(yen(_dollar_code(_currency_words(plain))))

    return rewrite


# what marks a price per TH/s: "/T", "per TH", "за Т", "每T", "por TH", "per terahash" (broker
# lines read it after an amount, titles after an amount and perhaps its currency)
PER_TH_MARK = (
    r"\s*(?:(?:/|per\s|за\s|每)\s*(?:terahash|th|t|тх|т)|(?:por|pro|par)\s+(?:terahash|th))"
    r"(?:/s)?(?![a-zа-я])"
)

# Where a line writes a price (the offer reader's first scan of each line).
# The currency alternatives come from the one table (scrapers.money): its symbols and Latin-script
# codes, before or after the number; after it also the broker shorthand "U" ("3200U") and the
# Russian forms (руб., р., т.р. = thousand roubles). A "$" after a number is its currency only when
# no number follows ("3200 $", not "3200 $3100"). Every match is mapped back by currency_code().
# what may not stand right before an amount, nor right after a currency code: a letter of a Latin
# or Cyrillic word or a digit; a CJK character may ("官電250元", "每台2680元": Chinese writes no
# space before a number; "2680U一台" is 2680 USDT a unit)
PRICE_BEFORE = rf"({SYMBOL_ALT}|(?<![a-z])(?:{CODE_ALT})(?![a-z])\.?)"  # "Rs. 45,000" too
# the table's shorthands written in Chinese ("3980刀"), right after the amount
_CJK_SHORT_ALT = "|".join(
    re.escape(s) for s in sorted(SHORTHANDS, key=len, reverse=True) if "\u4e00" <= s[-1] <= "\u9fff"
)
PRICE_AFTER = (
    rf"(\s?\$(?!\s*\d)|(?:{CODE_ALT}|U)(?![{WORD}])|{_CJK_SHORT_ALT}"
    rf"|{'|'.join(re.escape(s) for s in sorted(SYMBOLS, key=len, reverse=True) if '$' not in s)}"
    r"|руб(?:\.|лей|ля|\b)|р(?:\.(?!\w)|(?![\w.]))|т\.?\s?р(?:\.|(?![\w.]))"
    r"|тыс\.?\s?(?:руб\w*\.?|р\.|₽)|у\.?\s?е\.?(?![а-яё]))"
)
PER_TH = re.compile(PER_TH_MARK, re.IGNORECASE)
# "0.049/kWh", "0.058 per kWh": a hosting rate in the message's currency
PER_KWH_MARK = r"\s*(?:/|per\s|за\s)\s*(?:kwh|квт)"
# groups: 1 currency before, 2 its number, 3 "k"; 4 number, 5 currency after; 6 a bare number
# right before a per-TH mark ("14.2/T"): a price in the message's currency (not a hydro model's
# rack height, "S23 Hyd 3U"; "318T hydro 16.9 U/T" is a price)
PRICE = re.compile(
    rf"{PRICE_BEFORE}\s?{NUM}(k\b)?|(?<![{WORD}.,])(?!(?<=hyd\s)\d\s?u\b)(?!(?<=hydro\s)\d\s?u\b){NUM}\s?{PRICE_AFTER}|(?<![{WORD}.,/]){NUM}(?={PER_TH_MARK}|{PER_KWH_MARK})",
    re.IGNORECASE,
)
