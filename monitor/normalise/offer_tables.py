"""Tables in broker messages: cells split by "|", tabs or a CSV export's ";", a header row naming
the model, hashrate and ask price columns (and condition, MOQ, unit, quantity and per-TH price
columns), and each row written as an offer line the offer reader then reads
(:mod:`monitor.normalise.offers`). A column worked out from the others ("≈unit", "Ext. price") or
labelled fair value, breakeven or cost is never the ask; a header without an ask column but with
columns headed by conditions or places ("Model | New | Used") prices each row once a column."""

from __future__ import annotations

import re
from typing import NamedTuple

from monitor.normalise.amounts import NUM, PER_TH, PRICE
from monitor.normalise.lexicon import place_of
from monitor.normalise.titles import normalise

# a price labelled as something other than the ask: fair value, breakeven, hashprice, cost
NOT_ASK = re.compile(
    r"fmv|fair|break\s*-?\s*even|hash\s*price|\bcost|\bbep\b|себестоим|окупаем|成本|回本|估值"
    r"|sub-?\s*total|grand\s+total|zwischensumme|gesamtsumme|итого|合计|合計|总计|總計|小计|小計",
    re.IGNORECASE,
)
# a table: cells split by "|" or tabs; the header row names its columns
_CELLS = re.compile(r"[^\S\t]*(?:\||\t)[^\S\t]*")  # "a\t\tb": an empty cell between
_COL_MODEL = re.compile(
    r"model|mod[eèé]l|^d[ée]signation|miner|machine|^item|^description|^product|модель|наименован|товар|型号|机型|品名|产品|"
    r"^artikel|^art[íi]culo|^produit|^prodotto",
    re.I,
)
_COL_HASH = re.compile(r"hash|^th|^t/?h?/?s?$|算力|хеш|хэш", re.I)


# a column worked out from the others ("≈unit", "~ $ total", "est. USD", "calc. price"): not the ask
# and an extended / line total (quantity x unit price: "Ext. price", "Amount", "Итого", "金额")
_COL_DERIVED = re.compile(
    r"^[≈~]|approx|\best(?:imated?)?\b|calc|implied|≈|^ext\b|extended|\btotal|^amount|^line\s+total"
    r"|^sum|summe|^итог|сумма|^金额|^金額|^总价|^總價|^合计|^小计|^gesamt|^importe|^montant",
    re.I,
)
_COL_COND = re.compile(
    r"^cond|condition|state|состояни|成色|状态|狀態|zustand|estado|^staat|^stan\b|^[ée]tat|^stato"
    r"|^tila|^kondisi|^стан\b|^grade\b|^класс\b",
    re.I,
)
_GRADE = re.compile(r"[A-D][+-]?", re.I)  # a graded unit ("A", "B+"): used, in that grade


# the price's unit ("stuk", "per_TH", "kWh", "partij van 5"): written after the row's price
_COL_UNIT = re.compile(
    r"^(?:unit|unité|einheit|eenheid|unidad|unidade|jednostka|единиц|одиниц|单位|basis|per)\b", re.I
)
# tax columns: where a table gives a price without tax (HT, net, excl. VAT) and with it (TTC,
# gross, incl. VAT), the one without is the seller's price and the other is worked out from it
_COL_NET = re.compile(
    r"(?<![a-z])(?:h\.?t\.?|hors\s+tax\w*|net(?:to)?|nett|ex(?:cl?|kl)?\.?\s*(?:vat|tax|btw|mwst|moms|gst)"
    r"|zzgl|sin\s+iva|sem\s+iva|senza\s+iva|iva\s+esclusa|bez\s+vat|kdv\s+hari[çc]|pre-?tax"
    r"|before\s+tax)(?![a-z])|без\s+(?:ндс|пдв)|不含税|不含稅|未税|未稅|税抜|税別",
    re.I,
)
_COL_GROSS = re.compile(
    r"(?<![a-z])(?:t\.?t\.?c\.?|brutto|bruto|gross|inc(?:l|kl)?\.?\s*(?:vat|tax|btw|mwst|moms|gst)"
    r"|con\s+iva|com\s+iva|iva\s+incl\w*|z\s+vat|kdv\s+dahil|after\s+tax)(?![a-z])"
    r"|(?<![а-яё])(?:с|з)\s+(?:ндс|пдв)|含税|含稅|税込",
    re.I,
)
_COL_QTY = re.compile(
    r"^(?:qty|quantity|pcs|units|qt[ée]|quantit[ée]|cant(?:idad)?|menge|anzahl|ilo[śs][ćc]|szt"
    r"|adet|jumlah|кол(?:-во|ичество)?|к-во|数量|台数)\b",
    re.I,
)
_COL_MOQ = re.compile(r"^moq\b|^min(?:imum)?\.?\s*(?:order|qty)|起订|^мин", re.I)


_COL_PRICE = re.compile(
    r"ask|price|offer|sell|цена|价格|售价|报价|单价|\$|usdt?\b|^u/t|preis|precio|prix|prezzo|pre[çc]o|"
    r"\bcena\b|fiyat|giá|가격|価格|単価|سعر|prijs|\bpris\b|hinta|harga|presyo|ціна|cijena|kaina",
    re.I,
)


class Table(NamedTuple):
    """A table's header row: how many cells, which hold the model, hashrate and ask price."""

    cells: int
    model: int
    hashrate: int | None
    price: int
    per_th: bool  # the price column is per TH ("$/T", "USDT/T")
    condition: int | None = None  # a condition column ("cond", "состояние", "成色"), if any
    per_th_price: int | None = None  # a per-TH price column after the unit one, where it is blank
    moq: int | None = None  # a minimum order column ("MOQ", "起订"), if any
    unit: int | None = None  # the price's unit column ("eenheid": "stuk", "per_TH", "kWh")
    qty: int | None = None  # a quantity column ("Qty", "Кол-во", "数量"): the row's count
    # price columns headed by a condition or a place ("Model | New | Used", "Model | HK | Moscow"):
    # one offer a column, the heading read with the row
    by_column: tuple[tuple[int, str], ...] = ()


def _column_condition(cell: str) -> str | None:
    """The condition a table's price column is headed by ("New", "Used (USDT)", "Б/у", "二手");
    None for any other heading."""
    if not cell or len(cell.split()) > 3:
        return None
    got = normalise(cell)
    return None if got.condition == "unknown" or got.model is not None else got.condition


def table_header(cells: list[str]) -> Table | None:
    """A table's header row: a model column and an ask price column (not fair value..., nor one
    worked out from the others: "≈unit" beside "$/T"); a row holding an amount is no header."""
    if any(PRICE.search(c) for c in cells):  # "WTB | Antminer S21 XP | 270 | 13.9 $/T"
        return None
    model = next((i for i, c in enumerate(cells) if _COL_MODEL.search(c)), None)
    hashrate = next((i for i, c in enumerate(cells) if i != model and _COL_HASH.search(c)), None)
    price = next(
        (
            i
            for i, c in enumerate(cells)
            if i not in (model, hashrate)
            and (_COL_PRICE.search(c) or _COL_NET.search(c))
            and not NOT_ASK.search(c)
            and not _COL_DERIVED.search(c)
            and not (_COL_GROSS.search(c) and not _COL_NET.search(c))
        ),
        None,
    )
    if price is None:  # a gross price column alone ("Prix TTC") is the price all the same
        price = next(
            (i for i, c in enumerate(cells) if i not in (model, hashrate) and _COL_GROSS.search(c)),
            None,
        )
    if model is not None and price is None:  # "Model | New | Used", "Model | HK | Moscow"
        by_column = tuple(
            (i, c)
            for i, c in enumerate(cells)
            if i not in (model, hashrate) and (_column_condition(c) or place_of(c, c))
        )
        if len(by_column) >= 2:
            return Table(len(cells), model, hashrate, by_column[0][0], False, by_column=by_column)
    if model is None or price is None:
        return None
    condition = next(
        (
            i
            for i, c in enumerate(cells)
            if i not in (model, hashrate, price) and _COL_COND.search(c)
        ),
        None,
    )
    per_th = bool(PER_TH.search(cells[price]))
    per_th_price = next(
        (
            i
            for i, c in enumerate(cells)
            if i > price
            and not per_th
            and _COL_PRICE.search(c)
            and PER_TH.search(c)
            and not NOT_ASK.search(c)
        ),
        None,
    )
    moq = next((i for i, c in enumerate(cells) if _COL_MOQ.search(c)), None)
    unit = next(
        (
            i
            for i, c in enumerate(cells)
            if i not in (model, hashrate, price) and _COL_UNIT.search(c)
        ),
        None,
    )
    qty = next(
        (
            i
            for i, c in enumerate(cells)
            if i not in (model, hashrate, price, moq) and _COL_QTY.search(c)
        ),
        None,
    )
    return Table(
        len(cells), model, hashrate, price, per_th, condition, per_th_price, moq, unit, qty
    )


# a unit cell naming what one price buys, a TH or a kWh: "per_TH", "TH", "kWh"
_PER_UNIT = re.compile(r"(?:per\s+|/\s*)?(?:th|t|kwh)(?:/s)?", re.I)
# a CSV row pasted as text: ";" between cells, never followed by a space as in prose ("a; b")
_SEMICOLONS = re.compile(r";(?! )")
# a cell holding one hashrate and its price: "195T 20300", "200T — $2,990"
_VARIANT_CELL = re.compile(
    r"(?<![\w.])\d{1,4}(?:[.,]\d{1,2})?\s?(?:th|t|gh|g|mh|m|ph)(?:/s)?(?![a-z])\s*[-–—:=]?\s*\S.*$",
    re.IGNORECASE,
)


def variant_cells(cells: list[str]) -> list[str] | None:
    """A line naming a model once, then its hashrates with a price each, cells apart
    ("蚂蚁S21：188T 19600 | 195T 20300"), as one offer line per hashrate ("蚂蚁S21： 195T 20300");
    None for any other line."""
    if len(cells) < 2 or not all(cells):
        return None
    first = list(_VARIANT_CELL.finditer(cells[0]))
    if not first or not all(_VARIANT_CELL.match(c) for c in cells[1:]):
        return None
    model = cells[0][: first[-1].start()]
    if not model.strip() or any(c[:1].isalpha() for c in cells[1:]):
        return None
    return [cells[0], *(f"{model} {c}" for c in cells[1:])]


def split_cells(norm: str) -> list[str]:
    """A line's table cells: split by "|" or tabs, or, in a line with no "|" nor tab and at least
    two semicolons none of which a space follows, by ";" (a CSV export: "S21 XP;270;3.745,00")."""
    line = norm.strip()
    csv = ";" in line and "|" not in line and "\t" not in line and "; " not in line
    if csv and line.count(";") >= 2:
        return [c.strip() for c in _SEMICOLONS.split(line)]
    return [c for c in _CELLS.split(line.strip("|").strip())]


def table_row(cells: list[str], table: Table) -> str:
    """A table row as an offer line: "model hashrate price" (a bare hashrate is in TH/s), then
    its condition cell, if the table has one."""
    hashrate = cells[table.hashrate] if table.hashrate is not None else ""
    if re.fullmatch(NUM, hashrate):
        hashrate += "T"
    price = cells[table.price]
    if table.per_th and not PER_TH.search(price):
        price += "/T"
    elif not price and table.per_th_price is not None and cells[table.per_th_price]:
        price = cells[table.per_th_price]  # "Where Price is blank we quote per T only"
        if not PER_TH.search(price):
            price += "/T"
    if table.unit is not None and price and (unit := cells[table.unit].replace("_", " ")):
        # "per_TH", "TH", "kWh": per that ("14,95/TH"); else as written after the price ("stuk")
        last = unit.split()[-1].lstrip("/")
        price += f"/{last}" if _PER_UNIT.fullmatch(unit) else f" {unit}"
    condition = cells[table.condition] if table.condition is not None else ""
    if _GRADE.fullmatch(condition):
        condition = f"used grade {condition}"
    moq = cells[table.moq] if table.moq is not None else ""
    moq = f"MOQ {moq}" if moq.isdigit() else ""
    # a quantity column counts stock (the price is per unit), unless a basis column says what
    # the price buys: then the count is what its "LOT" buys
    qty = cells[table.qty] if table.qty is not None and table.unit is not None else ""
    qty = f"{qty} pcs" if qty.isdigit() and int(qty) > 1 else ""
    return f"{cells[table.model]} {hashrate} {price} {moq} {qty} {condition}".rstrip()
