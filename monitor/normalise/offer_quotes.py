"""Two prices on one row of a broker message, by the columns a price-less line names: a two-way
quote ("BID / OFFER", "покупка / продажа", "买/卖": a bid and an ask, the currency perhaps
written once after both) and a cash price beside a later one ("НАЛ / БЕЗНАЛ", "à vista /
parcelado": the cash one is the price). A row with one price and a dash for the other ("4,450 /
—") stands in one column."""

from __future__ import annotations

import re

from monitor.normalise.amounts import NUM, PER_TH, PER_TH_MARK, PRICE, PRICE_AFTER

# the words of paying later: by card, transfer or in instalments ("безнал", "parcelado", "card")
DEFERRED_WORDS = (
    r"безнал\w*|б/н|перечислени\w*|parcelad\w*|a\s+prazo|no\s+cart[ãa]o|cart[ãa]o"
    r"|en\s+cuotas|a\s+plazos|con\s+tarjeta|tarjeta|by\s+card|card|kartla|taksit\w*"
)
# the words of paying now, naming the cash price's column ("нал", "à vista")
_CASH_WORDS = r"нал(?:ичн\w*)?|cash|à\s+vista|a\s+vista|efectivo|contado|bar|naqd"
# a header naming two price columns, cash and later, in either order ("НАЛ / БЕЗНАЛ")
_PAIR_HEAD = re.compile(
    rf"(?<![^\W\d_])(?:(?P<cash>{_CASH_WORDS})\s*/\s*(?:{DEFERRED_WORDS})"
    rf"|(?:{DEFERRED_WORDS})\s*/\s*(?:{_CASH_WORDS}))(?![^\W\d_])",
    re.IGNORECASE,
)
# between a row's two amounts of such a pair: one "/" and words, no other amount
PAIR_GAP = re.compile(r"[^\d/]{0,16}/[^\d/]{0,16}")
# a header naming a two-way quote's columns ("Quotes are BID / OFFER", "bid/ask", "买/卖")
_TWO_WAY = re.compile(
    r"(?<![a-z])(?:(?P<bid>bid\s*/\s*(?:offer|ask))|(?:offer|ask)\s*/\s*bid)(?![a-z])"
    r"|(?P<buy>покупка\s*/\s*продажа|买\s*/\s*卖|收\s*/\s*出)|продажа\s*/\s*покупка|卖\s*/\s*买|出\s*/\s*收",
    re.IGNORECASE,
)
# a row's two amounts "A / B", the currency or per-TH mark written once after B ("12.40 / 12.95
# $/T") or not at all ("3,020 / 3,140" under "in USDT")
_QUOTE_ROW = re.compile(rf"(?<![\w.,/]){NUM}(\s*/\s*){NUM}")
_QUOTE_MARK = re.compile(rf"\s?{PRICE_AFTER}(?:{PER_TH_MARK})?", re.IGNORECASE)


def two_way_order(norms: list[str]) -> int | None:
    """Where a price-less line names a two-way quote's columns ("BID / OFFER"), which of a row's
    two amounts is the bid: 0 the first, 1 the second; None where no line names one."""
    for norm in norms:
        if "/" in norm and not PRICE.search(norm) and (m := _TWO_WAY.search(norm)):
            return 0 if m.group("bid") or m.group("buy") else 1
    return None


def two_way_row(norm: str, named: str | None) -> tuple[str, bool]:
    """A row "S21 200T  3,020 / 3,140" with the currency (and per-TH mark) written after both
    amounts, from after the second or else the message's named one, and whether it was the named
    one; other text unchanged."""
    m = _QUOTE_ROW.search(norm)
    if m is None:
        return norm, False
    mark = _QUOTE_MARK.match(norm, m.end())
    written = mark.group(0) if mark else (f" {named}" if named else "")
    if not written:
        return norm, False
    rest = norm[mark.end() :] if mark else norm[m.end() :]
    row = f"{norm[: m.start()]}{m.group(1)}{written}{m.group(2)}{m.group(3)}{written}{rest}"
    return row, mark is None


_HALF_AFTER = re.compile(r"\s*/\s*[—–-]+(?!\s*\d)")  # "4,450 / —": the first column
_HALF_BEFORE = re.compile(r"[—–-]+\s*/\s*$")  # "— / 690": the second column


def quote_half(prices: list[re.Match[str]]) -> int | None:
    """Which column of a two-way quote a row's one price stands in (0 the first, 1 the
    second), where the other is a dash; None for any other row."""
    if len(prices) != 1:
        return None
    m = prices[0]
    mark = PER_TH.match(m.string, m.end())
    if _HALF_AFTER.match(m.string, mark.end() if mark else m.end()):
        return 0
    if _HALF_BEFORE.search(m.string, max(0, m.start() - 8), m.start()):
        return 1
    return None


def quote_pair(prices: list[re.Match[str]]) -> tuple[int, int] | None:
    """The indices of the line's last two prices where a "/" alone parts them (a two-way quote
    "3,020 USD / 3,140 USD"), else None."""
    if len(prices) < 2:
        return None
    a, b = prices[-2], prices[-1]
    between = a.string[a.end() : b.start()]
    between = PER_TH.sub("", between, count=1) if PER_TH.match(between) else between
    return (len(prices) - 2, len(prices) - 1) if between.strip() == "/" else None


def pair_order(norms: list[str]) -> int | None:
    """Where a price-less line names two price columns, cash and paying later ("Модель —
    НАЛ / БЕЗНАЛ"), which of a row's two amounts is the cash price: 0 the first, 1 the second;
    None where no line names such a pair."""
    for norm in norms:
        if "/" in norm and not PRICE.search(norm) and (m := _PAIR_HEAD.search(norm)):
            return 0 if m.group("cash") else 1
    return None
