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
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from monitor.config import Config
from monitor.jobs.collect import usd_value
from monitor.normalise.catalog import Catalog, load_catalog
from monitor.normalise.fx import bundled_rates
from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store, from_minor, minor_units
from scrapers.base import RawListing
from scrapers.money import currency_code, read_money

REQUIRED = ("observed_at", "title", "price", "currency")
OPTIONAL = ("source", "url", "listing_id", "quantity", "condition", "location", "sold")
_TRUE = {"1", "true", "yes", "y", "sold"}
_FALSE = {"", "0", "false", "no", "n"}
BATCH = 500
_ISO = re.compile(r"[A-Za-z]{3}")


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    observations: int = 0
    new_listings: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


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


def import_csv(
    path: Path,
    store: Store,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import ``path`` into ``store`` as one run named ``import:<file name>``."""
    now = now or datetime.now(UTC)
    result = ImportResult()
    name = f"import:{path.stem}"
    run_id = store.start_run(name, "import", now)
    batches: dict[str, list[Sighting]] = {}

    def flush() -> None:
        for source, items in batches.items():
            saved = store.save_page(run_id, source, items, now)
            result.observations += saved.observations
            result.new_listings += saved.new_listings
        batches.clear()

    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = set(reader.fieldnames or [])
        if not set(REQUIRED) <= columns:
            missing = ", ".join(c for c in REQUIRED if c not in columns)
            raise ValueError(f"{path}: missing column(s) {missing}; need {', '.join(REQUIRED)}")
        for row in reader:
            result.rows += 1
            try:
                source, raw, when = parse_row(row, name)
            except ValueError as exc:
                result.errors.append((reader.line_num, str(exc)))
                continue
            norm = normalise(raw.title, catalog)
            batches.setdefault(source, []).append(Sighting(raw, norm, when, usd_value(raw, when)))
            result.imported += 1
            if result.imported % BATCH == 0:
                flush()
                if progress:
                    progress(result.imported)
    flush()
    status = "ok" if result.imported else "failed"
    reason = f"{len(result.errors)} bad rows" if result.errors else None
    store.finish_run(run_id, datetime.now(UTC), status=status, reason=reason, pages=1,
                     listings=result.imported, new_listings=result.new_listings,
                     observations=result.observations, errors=len(result.errors))  # fmt: skip
    return result


def run_import(
    cfg: Config, path: Path, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """``asicmon import FILE``: :func:`import_csv` into the configured database."""
    catalog = load_catalog(cfg.catalog) if cfg.catalog is not None else None
    with Store(cfg.database) as store:
        return import_csv(path, store, catalog=catalog, progress=progress)
