"""``asicmon import FILE.csv``: price sightings from a file, through the same normaliser and store
as scraped data. Bad rows are reported with their line numbers; good rows are kept.

Columns: ``observed_at, title, price, currency`` (required) and ``source, url, listing_id,
quantity, condition, location, sold`` (optional). ``observed_at`` is a date (YYYY-MM-DD) or an
ISO datetime (UTC when it has no offset); ``sold`` is true/false/1/0/yes/no.

``price`` is one positive amount under a trillion, read by :func:`scrapers.money.read_money`:
"3299", "3299.00", "3,299.00", "1.299,00", "1 299,00", optionally with one currency symbol or code
("$900", "900 USD", "€1.299,00"); never an exponent ("1e3"), a sign or a second number. It must fit
the currency's minor units (no "1.299" USD: that would be stored as 1.30). ``currency`` is an ISO
code or a word from the currency table ("USDT" is stored as USD, "RMB" as CNY) that
:mod:`monitor.normalise.fx` can convert to USD; it may be left blank when the price names its
currency, and must agree with it when both are given.

A row's listing is ``(source, listing_id)``: ``source`` defaults to ``import`` (not the file's
name), so the same row imported again from a renamed or another file is the same sighting and
adds nothing; ``listing_id`` defaults to the url, else a hash of the title. A listing's
``first_seen``/``last_seen`` are its earliest and latest ``observed_at`` in the files, not the
time of the import: rows are stored grouped by their ``observed_at``, each group as one page
seen at that time (:meth:`monitor.store.Store.save_page`).

The file: comma, semicolon (European Excel) or tab separated, whichever makes the header hold
the required columns; UTF-8 (with or without a byte-order mark), or UTF-16/UTF-32 with one.
Work is bounded: the file is streamed, a line over :data:`MAX_LINE` characters or a field over
``csv.field_size_limit()`` (128 KB) is a bad row, and only the first :data:`MAX_ERRORS` bad rows'
reasons are kept (the rest are counted). A file that is not such a CSV (binary data, text that
is not UTF-8, missing columns) raises :class:`ImportFileError`; the run is always finished,
``failed`` with that reason.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from monitor.config import Config
from monitor.jobs.collect import recent_levels, usd_value
from monitor.normalise.catalog import Catalog, load_catalog
from monitor.normalise.fx import bundled_rates
from monitor.normalise.quantity import RECENT_DAYS, Level, with_price
from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store, from_minor, minor_units
from scrapers.base import RawListing
from scrapers.money import currency_code, read_money

REQUIRED = ("observed_at", "title", "price", "currency")
OPTIONAL = ("source", "url", "listing_id", "quantity", "condition", "location", "sold")
_TRUE = {"1", "true", "yes", "y", "sold"}
_FALSE = {"", "0", "false", "no", "n"}
BATCH = 500  # rows stored per write, and read between two progress calls
DEFAULT_SOURCE = "import"  # a row's source when it has no ``source`` column
DELIMITERS = (",", ";", "\t")  # tried in this order on the header line
MAX_ERRORS = 100  # bad rows whose reason is kept; the others are only counted
MAX_REASON = 200  # characters of one reason kept (it may quote a long value)
MAX_LINE = 1024 * 1024  # characters: a longer physical line is a bad row, never held whole
SNIFF_BYTES = 8192  # looked at for a byte-order mark and for binary data
_ISO = re.compile(r"[A-Za-z]{3}")
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes surrogateescape could not decode


class ImportFileError(ValueError):
    """The file is not a CSV ``import`` can read; the message names the file and says why."""


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    observations: int = 0
    new_listings: int = 0
    bad: int = 0  # every bad row
    errors: list[tuple[int, str]] = field(default_factory=list)  # the first MAX_ERRORS: line, why

    def add_error(self, line: int, reason: str) -> None:
        self.bad += 1
        if len(self.errors) < MAX_ERRORS:
            short = reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 3] + "..."
            self.errors.append((line, short))


def _when(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _names_currency(text: str) -> bool:
    try:
        return read_money(text)[1] is not None
    except ValueError:
        return False  # not a price at all: _price says why


def _price(text: str, column: str) -> tuple[Decimal, str]:
    """The amount and ISO currency of one row, from its price text and currency column."""
    try:
        price, written = read_money(text)
    except ValueError as exc:
        raise ValueError(f"price {exc}") from None
    currency = written
    if column:
        currency = currency_code(column) or (column.upper() if _ISO.fullmatch(column) else None)
        if currency is None:
            raise ValueError(f"currency {column!r} is not an ISO code like USD")
        if written is not None and written != currency:
            raise ValueError(f"price {text!r} is in {written} but currency says {currency}")
    if currency is None:
        raise ValueError("missing currency")
    if currency not in bundled_rates().currencies:
        raise ValueError(f"currency {currency!r} cannot be converted to USD")
    if from_minor(minor_units(price, currency), currency) != price:
        raise ValueError(f"price {text!r} has more decimal places than {currency} has")
    return price, currency


def parse_row(row: dict[str, str], default_source: str) -> tuple[str, RawListing, datetime]:
    """One CSV row as (source, listing, when); ``ValueError`` says what is wrong."""
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if "currency" in missing and "price" not in missing and _names_currency(row["price"]):
        missing.remove("currency")  # a blank currency is fine when the price names one: "$900"
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    try:
        when = _when(row["observed_at"])
    except ValueError:
        raise ValueError(f"observed_at {row['observed_at']!r} is not a date") from None
    price, currency = _price(row["price"], (row.get("currency") or "").strip())
    quantity = None
    if (row.get("quantity") or "").strip():
        try:
            quantity = int(row["quantity"])
        except ValueError:
            raise ValueError(f"quantity {row['quantity']!r} is not a whole number") from None
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
    sold_text = (row.get("sold") or "").strip().lower()
    if sold_text not in _TRUE | _FALSE:
        raise ValueError(f"sold {row['sold']!r} is not true/false")
    title = " ".join(row["title"].split())
    source = (row.get("source") or "").strip() or default_source
    url = (row.get("url") or "").strip()
    listing_id = (
        (row.get("listing_id") or "").strip()
        or url
        or ("t-" + hashlib.sha1(title.casefold().encode()).hexdigest()[:16])
    )
    sold = sold_text in _TRUE
    raw = RawListing(
        listing_id=listing_id, url=url, title=title, price=price, currency=currency,
        quantity=quantity, condition=(row.get("condition") or "").strip() or None,
        location=(row.get("location") or "").strip() or None, sold=sold,
        sold_at=when.date().isoformat() if sold else None,
    )  # fmt: skip
    return source, raw, when


class _LongLine(Exception):
    """A physical line over :data:`MAX_LINE` characters (skipped, never held whole)."""


class _Lines:
    """The file's physical lines for :mod:`csv`, counted. A line over :data:`MAX_LINE`
    characters is read past in chunks and raised as :class:`_LongLine`; the reader then goes on
    with the next line. A byte sequence that is not in the file's encoding is an
    :class:`ImportFileError` naming the line."""

    def __init__(self, path: Path, handle: TextIO, encoding: str) -> None:
        self.path, self.handle, self.encoding = path, handle, encoding
        self.number = 0  # the last line read: the line a row ends on

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._read(MAX_LINE + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > MAX_LINE:
            while line and line[-1] not in "\r\n":
                line = self._read(MAX_LINE)
            raise _LongLine
        if _UNDECODED.search(line):  # UTF-8 is read with surrogateescape: these are bad bytes
            raise self._not_text(f"line {self.number}", "invalid UTF-8 byte sequence")
        return line

    def _read(self, limit: int) -> str:
        try:
            return self.handle.readline(limit)
        except UnicodeDecodeError as exc:  # UTF-16/32 (decoded ahead: the line is approximate)
            raise self._not_text(f"near line {self.number + 1}", exc.reason) from None

    def _not_text(self, where: str, why: str) -> ImportFileError:
        name = "UTF-8" if self.encoding == "utf-8-sig" else self.encoding.upper()
        return ImportFileError(
            f"{self.path}: {where} is not {name} text ({why}); save the file as CSV UTF-8"
        )


def _encoding(path: Path) -> str:
    """The file's text encoding, from its byte-order mark (UTF-8 without one); binary data
    (a NUL byte without a UTF-16/32 mark) is an :class:`ImportFileError`."""
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise ImportFileError(
            f"{path}: is not a text CSV (binary data; UTF-16 text needs its byte-order mark)"
        )
    return "utf-8-sig"


def _columns(path: Path, header: str) -> tuple[list[str], str]:
    """The header's column names and the delimiter that gives every required one."""
    best: list[str] = []
    for delimiter in DELIMITERS:
        names = [n.strip() for n in next(csv.reader([header], delimiter=delimiter), [])]
        if set(REQUIRED) <= set(names):
            return names, delimiter
        if len(names) > len(best):
            best = names
    missing = ", ".join(c for c in REQUIRED if c not in best)
    raise ImportFileError(f"{path}: missing column(s) {missing}; need {', '.join(REQUIRED)} "
                          "(separated by commas, semicolons or tabs)")  # fmt: skip


def import_csv(
    path: Path,
    store: Store,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``path`` into ``store`` as one run named ``import:<file name>``; ``progress`` is
    called with the rows read every :data:`BATCH` rows. The run is always finished: ``ok``,
    ``failed`` when no row was imported or the file cannot be read (:class:`ImportFileError`,
    raised after the run is recorded), ``interrupted`` on Ctrl-C."""
    now = now or datetime.now(UTC)
    result = ImportResult()
    run_id = store.start_run(f"import:{path.stem}", "import", now)
    status, reason = "failed", "crashed"
    try:
        _read(path, store, run_id, result, catalog, progress, recent_levels(store, now), now)
        status = "ok" if result.imported else "failed"
        reason = f"{result.bad} bad rows" if result.bad else ""
    except ImportFileError as exc:
        reason = str(exc)
        raise
    except (KeyboardInterrupt, SystemExit):
        status, reason = "interrupted", f"interrupted after {result.rows} rows"
        raise
    except Exception as exc:
        reason = f"crashed: {type(exc).__name__}: {exc}"
        raise
    finally:
        store.finish_run(run_id, datetime.now(UTC), status=status, reason=reason or None,
                         pages=1, listings=result.imported, new_listings=result.new_listings,
                         observations=result.observations, errors=result.bad)  # fmt: skip
    return result


def _read(
    path: Path,
    store: Store,
    run_id: int,
    result: ImportResult,
    catalog: Catalog | None,
    progress: Callable[[int], None] | None,
    levels: Mapping[str, Level],
    now: datetime,
) -> None:
    """Stream the rows of ``path`` into ``store``, :data:`BATCH` sightings per write.

    A row's price is checked against the models' recent price ``levels`` (the store's, as of
    ``now``) only when the row is itself recent (within :data:`RECENT_DAYS` of ``now``): an
    import of 2021's history is checked against the tier bands, not today's prices.

    A write holds the sightings of one source seen at one time, stored as a page seen then, so
    a listing's first_seen/last_seen are its sightings' times (earliest and latest, whatever the
    order of the rows or files)."""
    encoding = _encoding(path)
    pending: dict[tuple[str, datetime], list[Sighting]] = {}
    waiting = 0

    def flush() -> None:
        pages = sorted(pending.items(), key=lambda kv: kv[0][1])
        pending.clear()
        for (source, when), items in pages:
            saved = store.save_page(run_id, source, items, when)
            result.observations += saved.observations
            result.new_listings += saved.new_listings

    limit = csv.field_size_limit()
    errors = "surrogateescape" if encoding == "utf-8-sig" else "strict"  # bad bytes: their line
    with path.open(newline="", encoding=encoding, errors=errors) as fh:
        lines = _Lines(path, fh, encoding)
        try:
            header = next(lines, "")
        except _LongLine:
            header = ""
        names, delimiter = _columns(path, header)
        reader = csv.DictReader(lines, fieldnames=names, delimiter=delimiter)
        try:
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except _LongLine:
                    result.rows += 1
                    result.add_error(lines.number, f"a line longer than {MAX_LINE // 1024} KB")
                    continue
                except csv.Error as exc:
                    result.rows += 1
                    why = str(exc)
                    if "field limit" in why:
                        why = f"a field longer than {limit // 1024} KB"
                    result.add_error(lines.number, why)
                    continue
                result.rows += 1
                if progress and result.rows % BATCH == 0:
                    progress(result.rows)
                try:
                    source, raw, when = parse_row(row, DEFAULT_SOURCE)
                except ValueError as exc:
                    result.add_error(lines.number, str(exc))
                    continue
                norm, usd = normalise(raw.title, catalog), usd_value(raw, when)
                if raw.quantity is None:  # a quantity column wins; else stock or lot, by price
                    value = None if usd is None else float(usd.usd)
                    recent = levels if now - when <= timedelta(days=RECENT_DAYS) else None
                    norm = with_price(raw.title, norm, raw.price, raw.currency, usd=value,
                                      when=when.date(), catalog=catalog,
                                      levels=recent)  # fmt: skip
                sighting = Sighting(raw, norm, when, usd)
                pending.setdefault((source, when), []).append(sighting)
                result.imported += 1
                waiting += 1
                if waiting >= BATCH:
                    flush()
                    waiting = 0
        finally:
            flush()  # what was read before a file error or Ctrl-C is kept


def run_import(
    cfg: Config, path: Path, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """``asicmon import FILE``: :func:`import_csv` into the configured database."""
    catalog = load_catalog(cfg.catalog) if cfg.catalog is not None else None
    with Store(cfg.database) as store:
        return import_csv(path, store, catalog=catalog, progress=progress)
