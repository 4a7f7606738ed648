"""Money in text: the one home of currency words, and the two readers of amounts.

Every part of asicmon that meets a price written by a person or a web page asks this module what
currency a symbol or word names: the scrapers (``parse_money``, eBay's price rows), the broker
price-list parser (``monitor.normalise.offers``) and the CSV importer (``monitor.jobs.importer``).
There is no second table; a new spelling ("NZ$", "kr") is added here and every reader knows it.

The table is code, not YAML beside the other data files, because scrapers may import only the
standard library and the HTML parsers (``tests/test_layout.py``): they must not read monitor's
data files or configuration. ``monitor`` imports this module; this module imports nothing from
``monitor``. Which currencies can be converted to USD is ``monitor.normalise.fx``'s business (the
ECB rate file decides); ``tests/scrapers/test_money.py`` checks that every currency this table
names is one fx converts, or one of :data:`UNPUBLISHED`, the currencies the ECB does not
publish: their prices are read and stored with their code, and have no USD value.

Two readers of one grammar of amounts (thousands grouped consistently or not at all, one
decimal part, no sign, no exponent):

- :func:`read_price` (and :func:`parse_decimal` / :func:`parse_money`, its amount): for scraped
  text. The first number in the text ("Price: US $1,299.00 incl. VAT") must be one amount read
  exactly; a number that is not (``"-5"``, ``"1e3"``, ``"$1,2,3"``) is an error with its
  reason, never a guess, and the scraper keeps the listing without a price and says why
  (``extra["price_error"]``). Never raises.
- :func:`read_money` / :func:`read_amount`: strict, for files a person wrote (``asicmon
  import``). The text must be exactly one positive amount, optionally with one currency mark
  before or after it; anything else raises ``ValueError`` with the reason.

USDT and USDC (the dollar stablecoins brokers quote in) are read as USD: fx converts them at par,
and storing them as USD keeps one currency per price in the database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

# -- the table ---------------------------------------------------------------------------------
# Marks written right next to an amount ("$900", "900€", "3200元", "C $1,299"); no word boundary.
# "¥" is read as CNY: used mining hardware is mostly sold by Chinese dealers (a source that prices
# in yen sets ``currency: JPY`` in its config); in a text written in Japanese it is the yen
# (:func:`yen_code`). "円" is always the yen, "₺" the lira, "₹" the rupee, "₩" and "원" the won.
SYMBOLS: Mapping[str, str] = MappingProxyType(
    {
        "$": "USD",
        "US$": "USD",
        "€": "EUR",
        "£": "GBP",
        "¥": "CNY",
        "元": "CNY",
        "₽": "RUB",
        "C$": "CAD",
        "CA$": "CAD",
        "A$": "AUD",
        "AU$": "AUD",
        "HK$": "HKD",
        "NZ$": "NZD",
        "S$": "SGD",  # written glued only: "M30S $2,400" is a model, then dollars
        "MX$": "MXN",
        "R$": "BRL",
        "円": "JPY",
        "₺": "TRY",
        "₹": "INR",
        "₩": "KRW",
        "원": "KRW",
        "฿": "THB",
        "₱": "PHP",
        "₪": "ILS",
        "₮": "USD",  # Tether's sign in crypto price lists ("2900 ₮"), not the tugrik
        # currencies the ECB does not publish (:data:`UNPUBLISHED`): read, stored, not converted
        "₴": "UAH",
        "₫": "VND",
        "₸": "KZT",
        "₦": "NGN",
        "₾": "GEL",
        "֏": "AMD",
        "৳": "BDT",
        "NT$": "TWD",
        "₲": "PYG",
        "ብር": "ETB",  # the birr in Amharic ("ብር 438,000"); "Br" is shared (:data:`SHARED_MARKS`)
        "₵": "GHS",
        "GH₵": "GHS",
        "₼": "AZN",
        "₭": "LAK",
        "៛": "KHR",
    }
)
# ISO codes and currency words, matched as whole words and case-insensitively ("900 USD", "RMB
# 23000", "5000 руб"). Keys are upper case.
CODES: Mapping[str, str] = MappingProxyType(
    {
        "USD": "USD",
        "USDT": "USD",
        "USDC": "USD",
        "DLLS": "USD",  # dólares, as Mexico writes them: "3100 dlls"
        "DLS": "USD",
        "EUR": "EUR",
        "EURO": "EUR",
        "GBP": "GBP",
        "CNY": "CNY",
        "RMB": "CNY",
        "RUB": "RUB",
        "РУБ": "RUB",
        "РУБЛЬ": "RUB",
        "РУБЛЯ": "RUB",
        "РУБЛЕЙ": "RUB",
        "CAD": "CAD",
        "AUD": "AUD",
        "HKD": "HKD",
        "JPY": "JPY",
        "SEK": "SEK",
        "CHF": "CHF",
        "PLN": "PLN",
        "SGD": "SGD",
        "NZD": "NZD",
        "AED": "AED",
        "SAR": "SAR",
        "BRL": "BRL",
        "MYR": "MYR",
        "RM": "MYR",  # ringgit, as Malaysians write it: "RM 1,150"
        # as the country writes its currency: "9.450 TL" (not "TRY": an English word), "Rs 45,000"
        # and "Rp 45.000.000"
        "TL": "TRY",
        "INR": "INR",
        "RS": "INR",
        "KRW": "KRW",
        "THB": "THB",
        "IDR": "IDR",
        "RP": "IDR",
        "PHP": "PHP",
        "MXN": "MXN",
        "ZAR": "ZAR",
        "ILS": "ILS",
        "CZK": "CZK",
        "HUF": "HUF",
        "NOK": "NOK",
        "DKK": "DKK",
        "RON": "RON",
        "DHS": "AED",  # dirhams, as the Gulf writes them: "11,500 Dhs"
        # currencies the ECB does not publish (:data:`UNPUBLISHED`). Not "GEL" (thermal gel) nor
        # "AMD" (the chip maker) as words: the lari and the dram are read by their signs.
        "UAH": "UAH",
        "ГРН": "UAH",  # "24 500 грн"
        "VND": "VND",
        "VNĐ": "VND",
        "Đ": "VND",  # "96.500.000đ" (a whole word: never a letter of a Vietnamese word)
        "KZT": "KZT",
        "ТЕНГЕ": "KZT",
        "NGN": "NGN",
        "PKR": "PKR",
        "EGP": "EGP",
        "ARS": "ARS",
        "COP": "COP",
        "CLP": "CLP",
        "PEN": "PEN",
        "UZS": "UZS",
        "BDT": "BDT",
        "KES": "KES",
        "KSH": "KES",
        "TWD": "TWD",
        # more of the world's currencies, by their codes and as their countries write them ("Gs.
        # 22.400.000" guaraníes, "1 200 лв." leva, "12 500 Kč", "USh 3,500,000", "25 000 сом").
        # Not codes that are words or mining units: "GHS" (GH/s), "MAD", "ALL", "BAM", "CUP",
        # "MOP", "CRC" (a checksum error), "KD" (Goldshell's KD models), "BOB" (a name).
        "ETB": "ETB",
        "PYG": "PYG",
        "GS": "PYG",
        "BGN": "BGN",
        "ЛВ": "BGN",
        "ISK": "ISK",
        "KČ": "CZK",
        "QAR": "QAR",
        "KWD": "KWD",
        "BHD": "BHD",
        "OMR": "OMR",
        "JOD": "JOD",
        "PAB": "PAB",
        "BYN": "BYN",
        "MDL": "MDL",
        "AZN": "AZN",
        "KGS": "KGS",
        "СОМ": "KGS",
        "TJS": "TJS",
        "СУМ": "UZS",
        "LKR": "LKR",
        "NPR": "NPR",
        "MMK": "MMK",
        "KHR": "KHR",
        "LAK": "LAK",
        "MNT": "MNT",
        "IQD": "IQD",
        "IRR": "IRR",
        "UYU": "UYU",
        "VES": "VES",
        "GTQ": "GTQ",
        "DOP": "DOP",
        "HNL": "HNL",
        "NIO": "NIO",
        "JMD": "JMD",
        "TTD": "TTD",
        "XOF": "XOF",
        "XAF": "XAF",
        "DZD": "DZD",
        "TND": "TND",
        "UGX": "UGX",
        "USH": "UGX",
        "TZS": "TZS",
        "TSH": "TZS",
        "RWF": "RWF",
        "ZMW": "ZMW",
        "MWK": "MWK",
        "MZN": "MZN",
        "BWP": "BWP",
        "MUR": "MUR",
    }
)
# Marks several currencies write: which one a mark means only the text around it (a broker's
# whole message) says, by naming one of them ("Prix en dollars canadiens", "Alla priser i
# svenska kronor", "price in birr (ETB)"). Read alone, "$" is the table's US dollar, "Rs" the
# Indian rupee, and "kr", "Br", "Sh", "R" and "S/" nothing. Keys as :func:`currency_code` looks
# them up.
SHARED_MARKS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "$": frozenset(
            [
                "USD",
                "CAD",
                "AUD",
                "NZD",
                "SGD",
                "HKD",
                "TWD",
                "MXN",
                "ARS",
                "CLP",
                "COP",
                "UYU",
                "DOP",
            ]
        ),
        "KR": frozenset({"SEK", "NOK", "DKK", "ISK"}),
        "BR": frozenset({"ETB", "BYN"}),
        "RS": frozenset({"INR", "PKR", "LKR", "NPR"}),
        "SH": frozenset({"KES", "UGX", "TZS"}),  # "Sh. 58,500/=": East Africa's shillings
        "R": frozenset({"ZAR"}),  # "R12 500": the rand, where the message names it
        "S/": frozenset({"PEN"}),  # "S/ 4 200": the sol, where the message names it
    }
)
# Broker shorthands, understood only right after a number in a price list ("3200U", "5000 р."):
# one letter is too short to be searched for in any other text.
# "刀" ("3980刀", Chinese slang for the US dollar, from 美刀) and "у.е." (условные единицы,
# "conventional units": the dollar, in Russian and Ukrainian lists) too.
SHORTHANDS: Mapping[str, str] = MappingProxyType(
    {"U": "USD", "Р": "RUB", "刀": "USD", "美刀": "USD", "У.Е": "USD", "УЕ": "USD"}
)
# The currency of a country (ISO 3166 code), for the marks several currencies share where a text
# names no currency but shows its country's flag: under 🇿🇦 "R16 950" is rand, under 🇸🇪 "kr" the
# krona (not "$": brokers under 🇭🇰 quote US dollars). Only the countries of those marks' currencies.
COUNTRY_CURRENCY: Mapping[str, str] = MappingProxyType(
    {
        "SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "ET": "ETB", "BY": "BYN",
        "IN": "INR", "PK": "PKR", "LK": "LKR", "NP": "NPR", "KE": "KES", "UG": "UGX",
        "TZ": "TZS", "ZA": "ZAR",
    }
)  # fmt: skip
# Every ISO 4217 code the table can name.
CURRENCIES = (
    frozenset(SYMBOLS.values())
    | frozenset(CODES.values())
    | frozenset(SHORTHANDS.values())
    | frozenset().union(*SHARED_MARKS.values())
    | frozenset(COUNTRY_CURRENCY.values())
)
# The table's currencies the ECB does not publish and no peg fixes: a price in one is still a
# price (read, stored with its code), with no USD value (``monitor.jobs.collect.usd_value`` is
# None for it and logs why once per currency and day; it counts in no $/TH index).
# ``tests/scrapers/test_money.py`` checks that every other currency of the table converts.
UNPUBLISHED = frozenset(
    {"UAH", "VND", "KZT", "NGN", "PKR", "EGP", "ARS", "COP", "CLP", "PEN", "UZS", "GEL", "AMD",
     "BDT", "KES", "TWD", "PYG", "ETB", "GHS", "AZN", "LAK", "KHR", "KWD", "BYN", "MDL", "KGS",
     "TJS", "LKR", "NPR", "MMK", "MNT", "IQD", "IRR", "UYU", "VES", "GTQ", "DOP", "HNL", "NIO",
     "JMD", "TTD", "XOF", "XAF", "DZD", "TND", "UGX", "TZS", "RWF", "ZMW", "MWK", "MZN", "BWP",
     "MUR"}
)  # fmt: skip

PRICE_LIMIT = Decimal(10) ** 12  # no listing costs a trillion in any currency we read


def currency_code(mark: str) -> str | None:
    """The ISO code a symbol, code or word names: ``"RMB"`` -> ``"CNY"``, ``"usdt"`` -> ``"USD"``,
    ``"C $"`` -> ``"CAD"``, ``"руб."`` -> ``"RUB"``; ``None`` for anything not in the table."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", mark)).upper().rstrip(".")
    return SYMBOLS.get(key) or CODES.get(key) or SHORTHANDS.get(key)


def shared_code(mark: str, named: Iterable[str]) -> str | None:
    """The currency a mark several currencies write means in a text naming ``named``: the one of
    them the mark may mean (``"$"`` in a text naming CAD is CAD); ``None`` where the mark is not
    shared, or the text names none or several of its currencies."""
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", mark)).upper().rstrip(".")
    meant = SHARED_MARKS.get(key, frozenset()) & set(named)
    return next(iter(meant)) if len(meant) == 1 else None


_GLUED_ONLY = frozenset({"S$"})


def _alternatives(marks: Iterable[str]) -> str:
    """A regex alternation of ``marks``, longest first; a letters-then-"$" symbol may have a space
    before its "$" ("C $", "US $", as eBay writes them), except "S$", which a model name ending
    in S would otherwise write ("M30S $2,400")."""
    parts = []
    for mark in sorted(marks, key=len, reverse=True):
        if len(mark) > 1 and mark.endswith("$") and mark not in _GLUED_ONLY:
            parts.append(re.escape(mark[:-1]) + r"\s?\$")
        else:
            parts.append(re.escape(mark))
    return "|".join(parts)


_LETTER_BEFORE = r"(?<![^\W\d_])"  # not right after a letter (a digit is fine: "900USD")
_LETTER_AFTER = r"(?![^\W\d_])"
_CODE_RE = re.compile(rf"{_LETTER_BEFORE}(?:{_alternatives(CODES)}){_LETTER_AFTER}", re.I)
# a letters-then-"$" symbol must start a word: "US $5" is USD, "BUS $5" is "$"
_SYMBOL_RE = re.compile(
    "|".join(
        rf"{_LETTER_BEFORE}(?:{_alternatives([s])})" if s[0].isalpha() else _alternatives([s])
        for s in sorted(SYMBOLS, key=len, reverse=True)
    )
)


def find_currency(text: str) -> str | None:
    """The currency named in scraped text: the first code or word ("USD", "RMB", "руб") if any,
    else the first symbol ("US $", "C$", "€", "$"); ``None`` when it names none."""
    if (match := _CODE_RE.search(text)) is None:
        match = _SYMBOL_RE.search(text)
    return None if match is None else currency_code(match.group(0))


# Japanese script (kana), the yen sign that only Japanese writes, or the yen named: a "¥" in such
# a text is the yen. Chinese writes no kana, and names its own currency 元.
_JAPANESE = re.compile(
    r"[\u3041-\u309f\u30a1-\u30fa]|円|日元|日圓|(?<![^\W\d_])(?:jpy|yen)(?![^\W\d_])", re.I
)


def yen_code(text: str) -> str:
    """The currency a "¥" names in ``text`` (a whole message or page): ``"JPY"`` where the text
    is Japanese or names the yen ("¥352,000 税別", "価格は日本円", "prices in JPY"), else
    ``"CNY"`` (the table's reading)."""
    return "JPY" if _JAPANESE.search(text) else SYMBOLS["¥"]


# -- one grammar of amounts, for both readers --------------------------------------------------
# One amount, its thousands grouped by "," "." " " or "'" (consistently) or not at all, and an
# optional decimal part. A lone "," followed by exactly three digits groups thousands ("1,299" is
# 1299, as spreadsheets write it); a lone "." there is a decimal point for the strict reader
# ("1.299" is 1.299: the importer then refuses it in a two-decimal currency rather than store
# 1.30) and groups thousands for scraped text ("€1.299" is 1299, see :func:`read_price`).
_AMOUNT = re.compile(
    r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"  # 1,299 / 1,299.00 / 12,345,678
    r"|[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+"  # 1.299,00
    r"|[0-9]{1,3}(?:\.[0-9]{3}){2,}"  # 1.299.000
    r"|[0-9]{1,3}(?:[ '][0-9]{3})+(?:[.,][0-9]+)?"  # 1 299,00 / 1'299.00
    r"|[0-9]+(?:[.,][0-9]+)?"  # 1299 / 1299.00 / 1299,00
)
_MARK = rf"{_LETTER_BEFORE}(?:{_alternatives(CODES)}){_LETTER_AFTER}|{_alternatives(SYMBOLS)}"
_STRICT = re.compile(
    rf"(?P<sign1>-?)\s*(?P<pre>{_MARK})?\s*(?P<sign2>-?)\s*(?P<num>[0-9][0-9.,' ]*?)"
    rf"\s*(?P<post>{_MARK})?",
    re.I,
)
_STRICT_MAX = 64  # characters: "999 999 999 999,99 USD" is 22; bounds the regex's work
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-"})


def _canonical(num: str, *, dot_groups: bool = False) -> str:
    """A number :data:`_AMOUNT` accepted, as Decimal reads it: ``"1.299,00"`` -> ``"1299.00"``;
    ``dot_groups``: a lone "." before exactly three digits groups thousands (``"1.299"`` ->
    ``"1299"``)."""
    num = num.replace(" ", "").replace("'", "")
    if "," in num and "." in num:  # the right-most separator is the decimal point
        if num.rfind(",") > num.rfind("."):
            return num.replace(".", "").replace(",", ".")
        return num.replace(",", "")
    if num.count(".") > 1:  # "1.299.000"
        return num.replace(".", "")
    if dot_groups and re.fullmatch(r"[1-9][0-9]{0,2}\.[0-9]{3}", num):  # "1.299"
        return num.replace(".", "")
    if "," in num:  # "1,299" / "12,345,678" are thousands; "1299,00" / "1,5" a decimal comma
        head, _, tail = num.rpartition(",")
        grouped = len(tail) == 3 and (len(head) <= 3 or "," in head)
        return num.replace(",", "") if grouped else f"{head}.{tail}"
    return num


# -- the reader for scraped text ---------------------------------------------------------------
def plausible(amount: Decimal) -> bool:
    """Whether ``amount`` can be a price at all: finite, not negative, under a trillion."""
    return amount.is_finite() and 0 <= amount < PRICE_LIMIT


@dataclass(frozen=True, slots=True)
class Price:
    """What a scraped price says: ``amount`` when it holds one amount read exactly; ``error``
    (``"'-5' is negative"``) when it holds a number that is not one; neither when it holds no
    number at all ("Call for price", empty, ``None``). Zero is an amount ("call for price" on
    many shops): the scraper decides what it means."""

    amount: Decimal | None = None
    error: str | None = None


_DIGIT = re.compile(r"\d")
# the digits of one amount where the first digit is: separators only between digits, and a space
# only before a group of exactly three ("1 299,00", not "2 x 500" or "1,299.00 1 left")
_TOKEN = re.compile(r"[0-9]+(?:(?:[.,']|[ ](?=[0-9]{3}(?![0-9])))[0-9]+)*")
# a number does not end where an exponent, a hex or underscore tail, or more digits after a space
# go on ("1e3", "0x10", "1_000", "12 34": not one amount)
_GOES_ON = re.compile(r"(?:[eE][-+]?|[xX_ ])[0-9]")
_SIGNED = re.compile(rf"(?P<sign>[-+])(?:{_MARK})?[ ]?$", re.I)
_GLUED_CODE = re.compile(rf"(?:{_alternatives(CODES)})$", re.I)
# a word right after the number must be a currency ("900USD", "3200U", "23000元"), not a
# multiplier or a unit ("12.5k", "100T")
_GLUED_AFTER = re.compile(
    rf"(?:{_alternatives([*CODES, *SYMBOLS, *SHORTHANDS])})(?![^\W\d_])", re.I
)
_TOKEN_MAX = 64  # characters: "999 999 999 999,99" is 18; longer is no price


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


def read_price(value: str | int | float | None) -> Price:
    """The one amount in scraped text or a JSON price value, read exactly, or why not.

    The first number in the text is the amount (``"Price: US $1,299.00 incl. VAT"``, ``"From
    $2,500"``, the low end of ``"$1,000 - $1,200"``), with the words and currency marks around
    it ignored. It must be one amount as :func:`read_money` reads amounts (thousands grouped by
    ``,`` ``.`` ``'`` or a space, consistently, or not at all; one decimal part), with one
    difference: a lone ``.`` before exactly three digits groups thousands (``"€1.299"`` is 1299:
    no currency asicmon reads has three decimal places). Anything else that holds a number is an
    error, never a guess: a sign (``"-5"``, ``"$-5"``), an exponent (``"1e3"``, ``"1e309"``),
    malformed grouping (``"$1,2,3"``, ``"12 34"``), a number glued to a word that is no currency
    (``"S19"``, ``"12.5k"``), a trillion or more. A JSON number is read as it is: negative,
    non-finite or too large is an error. Never raises.
    """
    if value is None:
        return Price()
    if isinstance(value, bool) or not isinstance(value, str | int | float):  # hostile JSON
        return Price(error=f"a {type(value).__name__} is not a number")
    if isinstance(value, int | float):
        return _number(value)
    text = unicodedata.normalize("NFKC", value).translate(_MINUS)
    text = re.sub(r"\s", " ", text)
    found = _DIGIT.search(text)
    if found is None:
        return Price()
    start = found.start()
    token = _TOKEN.match(text, start)
    if token is None or len(token.group(0)) > _TOKEN_MAX:
        why = "is not a number" if token is None else "is too large for a price"
        return Price(error=f"{_shown(value)} {why}")
    num, end = token.group(0), token.end()
    before = text[max(0, start - 12) : start]
    if (signed := _SIGNED.search(before)) is not None:
        why = "is negative" if signed["sign"] == "-" else "has a sign"
        return Price(error=f"{_shown(value)} {why}")
    glued = before[-1:].isalpha() and not _GLUED_CODE.search(before)
    glued |= text[end : end + 1].isalpha() and not _GLUED_AFTER.match(text, end)
    if glued or before[-1:] in (".", ",") or _GOES_ON.match(text, end):
        return Price(error=f"{_shown(value)} is not a number")
    if not _AMOUNT.fullmatch(num):
        return Price(error=f"{_shown(value)} is not a number")
    amount = Decimal(_canonical(num, dot_groups=True))
    if amount >= PRICE_LIMIT:
        return Price(error=f"{_shown(value)} is too large for a price")
    return Price(amount)


def _number(value: int | float) -> Price:
    """A JSON number as a price: exactly its decimal digits (a float through its shortest
    repr, ``1299.9`` -> ``Decimal("1299.9")``)."""
    amount = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    shown = _shown(str(amount))  # str(), not repr(): Python refuses ints over 4,300 digits
    if not amount.is_finite():
        return Price(error=f"{shown} is not a number")
    if amount < 0:
        return Price(error=f"{shown} is negative")
    if amount >= PRICE_LIMIT:
        return Price(error=f"{shown} is too large for a price")
    return Price(amount)


def parse_decimal(text: str | int | float | None) -> Decimal | None:
    """:func:`read_price`'s amount: ``"1,299.00"`` -> ``Decimal("1299.00")``, ``"1.299,00 €"``
    -> ``Decimal("1299.00")``; ``None`` for no number and for a number that is not exactly one
    price (``"-5"``, ``"1e3"``, ``"$1,2,3"``). Never raises. Scrapers that report why use
    :func:`read_price`."""
    return read_price(text).amount


def parse_money(
    text: str, default_currency: str | None = None
) -> tuple[Decimal | None, str | None]:
    """``"US $1,299.00"`` -> ``(Decimal("1299.00"), "USD")``: :func:`parse_decimal` and
    :func:`find_currency` (``default_currency`` when the text names none). Never raises."""
    return parse_decimal(text), find_currency(text) or default_currency


# -- the strict reader, for files a person wrote -----------------------------------------------
def read_money(text: str) -> tuple[Decimal, str | None]:
    """Exactly one plausible positive amount and the currency written with it, if any:
    ``"3,299.00"`` -> ``(Decimal("3299.00"), None)``, ``"€1.299,00"`` -> ``(Decimal("1299.00"),
    "EUR")``, ``"900 USDT"`` -> ``(Decimal("900"), "USD")``.

    ``ValueError`` says why anything else is not a price: ``"{text!r} is not a number"`` (empty,
    words, ``"1e3"``, ``"NaN"``, ``"$1,2,3"``, ``"12abc"``), ``"... must be positive"``
    (``"-5"``, ``"0"``), ``"... is too large for a price"`` (a trillion or more), ``"... names two
    currencies"`` (``"$900 EUR"``).
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a number")
    clean = unicodedata.normalize("NFKC", text).translate(_MINUS).strip()
    match = _STRICT.fullmatch(clean) if len(clean) <= _STRICT_MAX else None
    if match is None or not _AMOUNT.fullmatch(match["num"]):
        raise ValueError(f"{text!r} is not a number")
    codes = {code for m in (match["pre"], match["post"]) if m and (code := currency_code(m))}
    if len(codes) > 1:
        raise ValueError(f"{text!r} names two currencies ({', '.join(sorted(codes))})")
    amount = Decimal(_canonical(match["num"]))
    if match["sign1"] or match["sign2"] or amount <= 0:
        raise ValueError(f"{text!r} must be positive")
    if amount >= PRICE_LIMIT:
        raise ValueError(f"{text!r} is too large for a price")
    return amount, codes.pop() if codes else None


def read_amount(text: str) -> Decimal:
    """:func:`read_money` without the currency: exactly one plausible positive amount."""
    return read_money(text)[0]
