"""`asicmon import`, `analyse --json`, `plot` and `events` on a real-shaped extract of dealer
asks (2022, tier 25-38 J/TH: tests/fixtures/analysis, test-only data)."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.analysis.events import load_events
from monitor.cli import cli
from tests.conftest import DEALER_ASKS, dealer_asks_csv


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A config, and the extract in the import format plus three bad rows."""
    (tmp_path / "config.yaml").write_text("database: a.db\n", encoding="utf-8")
    dealer_asks_csv(tmp_path / "asks.csv", [
        ["2022-13-40", "Antminer S19 95T", "1000", "USD", "x"],  # bad date
        ["2022-05-01", "Antminer S19 95T", "lots", "USD", "x"],  # bad price
        ["2022-05-01", "", "1000", "USD", "x"],  # no title
    ])  # fmt: skip
    return tmp_path


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(project / "config.yaml"), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_import_reports_bad_rows_and_keeps_good_ones(project: Path) -> None:
    good = len(DEALER_ASKS.read_text(encoding="utf-8").splitlines()) - 1
    result = CliRunner().invoke(
        cli, ["--config", str(project / "config.yaml"), "import", str(project / "asks.csv")]
    )
    assert result.exit_code == 0, result.output
    assert f"imported {good} of {good + 3} rows (3 bad)" in result.output
    assert f"asks.csv:{good + 2}: observed_at '2022-13-40' is not a date" in result.output
    assert f"asks.csv:{good + 3}: price 'lots' is not a number" in result.output
    assert f"asks.csv:{good + 4}: missing title" in result.output
    db = sqlite3.connect(project / "a.db")
    usd = db.execute("SELECT count(*), sum(usd_minor = price_minor) FROM observations").fetchone()
    db.close()
    assert usd[0] > 0
    assert usd[0] == usd[1]  # USD stays USD, at rate 1, beside the original


def test_analyse_flags_the_2022_decline(project: Path) -> None:
    run(project, "import", str(project / "asks.csv"))
    data = json.loads(run(project, "analyse", "--json", "--by", "tier"))
    assert set(data) == {"index", "drops", "drawdowns"}
    # the 2022 slide, as one drawdown of over half (monitor.analysis.drawdowns)
    (slide,) = [w for w in data["drawdowns"] if w["series"] == "tier:25to38"]
    assert slide["start"] <= "2022-05-09" <= "2022-07-04" <= slide["end"]
    assert slide["depth_pct"] >= 55
    assert all({"id", "date", "jurisdiction", "title", "days_from_start"} <= set(e)
               for e in slide["events"])  # fmt: skip
    tier = [d for d in data["drops"] if d["series"] == "tier:25to38"]
    assert tier, data["drops"]
    first = min(tier, key=lambda d: d["start"])
    assert "2022-05-01" <= first["start"] <= "2022-06-30"
    assert first["drop_pct"] >= 15
    for key in ("end", "market_explained_pct", "abnormal_pct", "events", "chance_alignment_p"):
        assert key in first
    assert all({"id", "date", "jurisdiction", "title", "days_from_start"} <= set(e)
               for d in tier for e in d["events"])  # fmt: skip
    assert any(e["id"].startswith("GL-2022") for d in tier for e in d["events"])


def test_plot_and_events(project: Path) -> None:
    run(project, "import", str(project / "asks.csv"))
    png = project / "tier.png"
    run(project, "plot", "--series", "tier:25to38", "-o", str(png))
    assert png.read_bytes()[:4] == b"\x89PNG"
    bad = CliRunner().invoke(cli, ["--config", str(project / "config.yaml"), "plot",
                                   "--series", "tier:nope", "-o", str(png)])  # fmt: skip
    assert bad.exit_code == 1
    assert "no index series 'tier:nope'" in bad.output
    events = json.loads(run(project, "events", "--json"))
    assert len(events) == len(load_events())  # the bundled catalog, as the CLI shows it
    assert {"id", "date", "jurisdiction", "kind", "title"} <= set(events[0])
    assert "CN-2021" in run(project, "events")


# -- prices and currencies: scrapers.money's strict reader and the one currency table ----------
MONEY_ROWS = [  # (title, price, currency, listing_id); line numbers start at 2 (1 is the header)
    ("Antminer S19j Pro 100T", "1.299,00", "EUR", "eur"),  # 2: European decimals
    ("Antminer S19 95T", "$900", "", "dollar-sign"),  # 3: blank currency, the "$" names it
    ("Antminer S19 95T", "900 USD", "USD", "usd-word"),  # 4
    ("Antminer S19 90T", "2500", "USDT", "usdt"),  # 5: stored as USD
    ("Antminer S19 90T", "3,299.00", "usd", "grouped"),  # 6
    ("Antminer S19 90T", "€1.299,00", "EUR", "eur-sign"),  # 7
    ("Antminer S19 90T", "2500", "XYZ", "xyz"),  # 8: nothing converts XYZ
    ("Antminer S19 90T", "-5", "USD", "neg"),  # 9
    ("Antminer S19 90T", "1e309", "USD", "huge"),  # 10
    ("Antminer S19 90T", "1e20", "USD", "e20"),  # 11
    ("Antminer S19 90T", "1e3", "USD", "e3"),  # 12
    ("Antminer S19 90T", "$1,2,3", "USD", "commas"),  # 13
    ("Antminer S19 90T", "$900", "EUR", "disagree"),  # 14
    ("Antminer S19 90T", "1.299", "USD", "three-decimals"),  # 15: would be stored as 1.30
    ("Antminer S19 90T", "900", "", "no-currency"),  # 16
    ("Antminer S19 90T", "900", "dollars", "bad-code"),  # 17
    ("Antminer S19 90T", "100000000000000000000", "USD", "trillions"),  # 18
]
MONEY_ERRORS = [
    (8, "currency 'XYZ' cannot be converted to USD"),
    (9, "price '-5' must be positive"),
    (10, "price '1e309' is not a number"),
    (11, "price '1e20' is not a number"),
    (12, "price '1e3' is not a number"),
    (13, "price '$1,2,3' is not a number"),
    (14, "price '$900' is in USD but currency says EUR"),
    (15, "price '1.299' has more decimal places than USD has"),
    (16, "missing currency"),
    (17, "currency 'dollars' is not an ISO code like USD"),
    (18, "price '100000000000000000000' is too large for a price"),
]


def money_csv(tmp_path: Path) -> Path:
    path = tmp_path / "prices.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "listing_id"])
        w.writerows(["2022-03-01", *row] for row in MONEY_ROWS)
    return path


def test_import_reads_prices_strictly_and_stores_exactly_what_it_counts(tmp_path: Path) -> None:
    from monitor.jobs.importer import import_csv
    from monitor.normalise.fx import to_usd
    from monitor.store import Store

    path = money_csv(tmp_path)
    assert path.read_text(encoding="utf-8").splitlines()[1] == (
        '2022-03-01,Antminer S19j Pro 100T,"1.299,00",EUR,eur'
    )
    with Store(tmp_path / "a.db") as store:
        result = import_csv(path, store)
    assert result.errors == MONEY_ERRORS
    assert result.rows == len(MONEY_ROWS)
    assert result.imported == len(MONEY_ROWS) - len(MONEY_ERRORS) == 6
    assert result.observations == result.new_listings == 6

    db = sqlite3.connect(tmp_path / "a.db")
    stored = {
        key.rpartition(":")[2]: (minor, currency, usd)
        for key, minor, currency, usd in db.execute(
            "SELECT listing_key, price_minor, currency, usd_minor FROM observations"
        )
    }
    db.close()
    assert len(stored) == result.imported  # every row counted as imported is stored
    assert stored["eur"][:2] == (129900, "EUR")  # 1299.00 EUR exactly, not 1.30 EUR
    assert stored["eur-sign"][:2] == (129900, "EUR")
    assert stored["dollar-sign"] == (90000, "USD", 90000)
    assert stored["usd-word"] == (90000, "USD", 90000)
    assert stored["usdt"] == (250000, "USD", 250000)  # USDT is dollars, with a USD value
    assert stored["grouped"] == (329900, "USD", 329900)
    # and 1299.00 EUR (not 1.30) converted at the ECB rate of the day
    usd = to_usd(Decimal("1299.00"), "EUR", date(2022, 3, 1)).usd
    assert stored["eur"][2] == stored["eur-sign"][2] == int(usd * 100) > 140000


def test_import_cli_reports_money_errors_with_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("database: a.db\n", encoding="utf-8")
    path = money_csv(tmp_path)
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "config.yaml"), "import",
                                      str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"imported 6 of {len(MONEY_ROWS)} rows ({len(MONEY_ERRORS)} bad)" in result.output
    for line, reason in MONEY_ERRORS:
        assert f"prices.csv:{line}: {reason}" in result.output


# -- the file: delimiters, encodings, bounded work, the run always finished --------------------
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text("database: a.db\n", encoding="utf-8")
    return path


def import_cli(tmp_path: Path, path: Path) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config(tmp_path)), "import", str(path)])


def last_run(tmp_path: Path) -> dict[str, object]:
    db = sqlite3.connect(tmp_path / "a.db")
    db.row_factory = sqlite3.Row
    row = db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    db.close()
    return dict(row)


def stored(tmp_path: Path) -> list[tuple[str, int, str, str]]:
    db = sqlite3.connect(tmp_path / "a.db")
    rows = db.execute(
        "SELECT listing_key, price_minor, currency, observed_date FROM observations ORDER BY id"
    ).fetchall()
    db.close()
    return rows


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_semicolon_and_tab_separated_files_are_read(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "excel.csv"
    lines = [["observed_at", "title", "price", "currency", "listing_id"],
             ["2022-03-01", "Antminer S19j Pro 100T", "1.299,00", "EUR", "a"],
             ["2022-03-02", "Antminer S19 95T, used", "900", "USD", "b"]]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(lines)
    result = import_cli(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert "imported 2 of 2 rows (0 bad)" in result.stdout
    assert stored(tmp_path) == [("import:a", 129900, "EUR", "2022-03-01"),
                                ("import:b", 90000, "USD", "2022-03-02")]  # fmt: skip


def test_the_same_rows_from_a_renamed_file_are_the_same_sightings(tmp_path: Path) -> None:
    first = tmp_path / "march.csv"
    first.write_text(
        "observed_at,title,price,currency\n"
        "2022-03-01,Antminer S19 95T,900,USD\n"
        "2022-03-08,Antminer S19 95T,850,USD\n",
        encoding="utf-8",
    )
    renamed = tmp_path / "march (copy).csv"
    renamed.write_bytes(first.read_bytes())
    assert "2 new observations, 1 new listings" in import_cli(tmp_path, first).stdout
    again = import_cli(tmp_path, renamed)
    assert again.exit_code == 0, again.output
    assert "imported 2 of 2 rows (0 bad): 0 new observations, 0 new listings" in again.stdout
    assert {key.split(":")[0] for key, *_ in stored(tmp_path)} == {"import"}
    # an explicit source column still wins
    dealer = tmp_path / "dealer.csv"
    dealer.write_text(
        "observed_at,title,price,currency,source\n2022-03-01,Antminer S19 95T,900,USD,kaboom\n",
        encoding="utf-8",
    )
    assert "1 new observations, 1 new listings" in import_cli(tmp_path, dealer).stdout
    assert {key.split(":")[0] for key, *_ in stored(tmp_path)} == {"import", "kaboom"}


def test_imported_listings_are_seen_when_their_sightings_were(tmp_path: Path) -> None:
    from monitor.jobs import importer

    path = tmp_path / "seen.csv"
    rows = [("2022-05-01T10:30:00Z", "Antminer S19 95T latest", "800"),
            ("2022-03-01", "Antminer S19 95T first", "900"),
            ("2022-04-01", "Antminer S19 95T middle", "850")]  # fmt: skip
    filler = [(f"2022-06-{d:02d}", "Antminer S19 90T", "700") for d in range(1, 29)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "listing_id"])
        w.writerows([when, title, price, "USD", "same"] for when, title, price in rows)
        w.writerows([when, title, price, "USD", f"f{i}"] for i, (when, title, price)
                    in enumerate(filler))  # fmt: skip
    old_batch = importer.BATCH
    importer.BATCH = 2  # the three sightings of "same" land in different batches
    try:
        result = import_cli(tmp_path, path)
    finally:
        importer.BATCH = old_batch
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(tmp_path / "a.db")
    seen = db.execute(
        "SELECT first_seen, last_seen, title FROM listings WHERE key = 'import:same'"
    ).fetchone()
    db.close()
    # the earliest and latest sighting, not the time of the import; the latest title
    assert seen == ("2022-03-01T00:00:00Z", "2022-05-01T10:30:00Z", "Antminer S19 95T latest")
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(
        "observed_at,title,price,currency,listing_id\n"
        "2022-01-15,Antminer S19 95T old,990,USD,same\n",
        encoding="utf-8",
    )
    assert import_cli(tmp_path, earlier).exit_code == 0
    db = sqlite3.connect(tmp_path / "a.db")
    seen = db.execute(
        "SELECT first_seen, last_seen, title FROM listings WHERE key = 'import:same'"
    ).fetchone()
    db.close()
    assert seen == ("2022-01-15T00:00:00Z", "2022-05-01T10:30:00Z", "Antminer S19 95T latest")


def test_bad_rows_are_counted_and_only_the_first_reasons_kept(tmp_path: Path) -> None:
    from monitor.jobs.importer import MAX_ERRORS, import_csv
    from monitor.store import Store

    path = tmp_path / "bad.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency"])
        w.writerows(["2022-03-01", "Antminer S19 95T", "x" * 5000, "USD"] for _ in range(1000))
        w.writerow(["2022-03-01", "Antminer S19 95T", "900", "USD"])
    with Store(tmp_path / "a.db") as store:
        result = import_csv(path, store)
    assert (result.rows, result.imported, result.bad) == (1001, 1, 1000)
    assert len(result.errors) == MAX_ERRORS < 1000
    assert result.errors[0][0] == 2
    assert all(len(reason) <= 200 for _, reason in result.errors)  # a value is not kept whole
    out = import_cli(tmp_path, path)
    assert "imported 1 of 1001 rows (1000 bad)" in out.stdout
    assert f"... and {1000 - MAX_ERRORS} more bad rows" in out.stderr


def test_utf16_and_utf8_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    text = "observed_at,title,price,currency\n2022-03-01,Antminer S19 95T,900,USD\n"
    for i, encoding in enumerate(["utf-16", "utf-16-be", "utf-8-sig", "utf-32"]):
        path = tmp_path / f"u{i}.csv"
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        path.write_bytes(data)
        result = import_cli(tmp_path, path)
        assert result.exit_code == 0, (encoding, result.output)
        assert "imported 1 of 1 rows (0 bad)" in result.stdout, encoding


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "is not a text CSV"),
        ("observed_at,title,price,currency\n".encode("utf-16-le"), "is not a text CSV"),
        (
            b"observed_at,title,price,currency\n2022-03-01,Antminer S19 95T,900,USD\n"
            b"2022-03-02,Antminer S19 95T \x80 used,900,USD\n",
            "line 3 is not UTF-8 text",
        ),
        (
            b"date,name,amount\n2022-03-01,Antminer S19,900\n",
            "missing column(s) observed_at, title, price, currency",
        ),
        (b"", "missing column(s) observed_at, title, price, currency"),
    ],
    ids=["binary", "utf16-without-bom", "cp1252", "columns", "empty"],
)
def test_a_file_that_is_not_a_csv_fails_its_run_with_the_reason(
    tmp_path: Path, data: bytes, why: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    result = import_cli(tmp_path, path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {path}: ")
    assert why in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output
    run = last_run(tmp_path)
    assert run["status"] == "failed"
    assert run["finished_at"] is not None  # never left `running`
    assert why in str(run["reason"])


def test_an_overlong_field_or_line_is_a_bad_row_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "listing_id"])
        w.writerow(["2022-03-01", "Antminer S19 95T " + "x" * 200_000, "900", "USD", "a"])  # 2
        w.writerow(["2022-03-01", "Antminer S19 95T", "900", "USD", "b"])  # 3
        w.writerow(["2022-03-01", "y" * 100_000, "z" * 100_000, "w" * 100_000, "c"] * 4)  # 4
        w.writerow(["2022-03-01", "Antminer S19 90T", "800", "USD", "d"])  # 5
    result = import_cli(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert f"{path}:2: a field longer than 128 KB" in result.stderr
    assert f"{path}:4: a line longer than 1024 KB" in result.stderr
    assert "imported 2 of 4 rows (2 bad)" in result.stdout
    assert [key for key, *_ in stored(tmp_path)] == ["import:b", "import:d"]


# -- what a price buys: a stock count priced per unit, or a lot (normalise.quantity) ------------
def test_a_stock_count_is_stored_per_unit_and_a_lot_as_a_lot(tmp_path: Path) -> None:
    from monitor.analysis.unit_price import usd_per_th
    from monitor.store import Store

    path = tmp_path / "q.csv"
    path.write_text(
        "observed_at,title,price,currency,listing_id\n"
        "2024-03-01,10台 Antminer S19j Pro 100T 2500元,2500,CNY,stock\n"
        '2024-03-01,"lot of 4 Antminer S19 95T $6,000",6000,USD,lot\n',
        encoding="utf-8",
    )
    result = import_cli(tmp_path, path)
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(tmp_path / "a.db")
    listings = dict(
        (key, (quantity, reason))
        for key, quantity, reason in db.execute("SELECT key, quantity, reason FROM listings")
    )
    db.close()
    quantity, reason = listings["import:stock"]
    assert quantity == 1
    assert reason.startswith("quantity 10 is stock (")
    assert "price is per unit = $3." in reason
    quantity, reason = listings["import:lot"]
    assert quantity == 4
    assert reason.startswith("lot of 4 (words ('lot')): price per lot = $15.79/TH")
    with Store(tmp_path / "a.db") as store:
        rows = {r["listing_key"]: r for r in store.analysis_rows()}
    per_th = {
        key: usd_per_th(r["usd_minor"] / 100, r["quantity"], r["hashrate_ths"], r["price_basis"])
        for key, r in rows.items()
    }
    assert 3 < per_th["import:stock"] < 4.5  # 2500 CNY for one 100 TH machine, not for ten
    assert per_th["import:lot"] == pytest.approx(6000 / 4 / 95)


def test_recent_sightings_of_the_model_decide_a_count_the_tier_band_cannot(
    tmp_path: Path,
) -> None:
    """ "x12 Antminer S21 200T" at $2,900: the new-gen tier band fits one machine and twelve
    alike, so alone it is read as a lot. Once the store has priced S21s at about $15/TH in the
    last 90 days, $1.21/TH for each of twelve is implausible: the 12 is stock. A row dated
    2021 is checked against the tier band, not against today's prices."""
    from datetime import UTC, datetime, timedelta

    recent = (datetime.now(UTC) - timedelta(days=10)).date().isoformat()
    seen = tmp_path / "seen.csv"
    rows = "".join(
        f"{recent},Antminer S21 200T used,{price},USD,s{n}\n"
        for n, price in enumerate([2700, 2900, 3000, 3100, 3400])
    )
    seen.write_text("observed_at,title,price,currency,listing_id\n" + rows, encoding="utf-8")
    new = tmp_path / "new.csv"
    new.write_text(
        "observed_at,title,price,currency,listing_id\n"
        f"{recent},x12 Antminer S21 200T,2900,USD,now\n"
        "2021-06-01,x12 Antminer S21 200T,2900,USD,then\n",
        encoding="utf-8",
    )
    first = import_cli(tmp_path, new)  # no S21 seen yet: both rows read as lots
    assert first.exit_code == 0, first.output
    for path in (seen, new):  # the same rows again, with five S21 prices stored before them
        result = import_cli(tmp_path, path)
        assert result.exit_code == 0, result.output
    db = sqlite3.connect(tmp_path / "a.db")
    got = dict(
        (key, (quantity, reason))
        for key, quantity, reason in db.execute(
            "SELECT key, quantity, reason FROM listings WHERE key IN ('import:now', 'import:then')"
        )
    )
    db.close()
    quantity, reason = got["import:now"]
    assert quantity == 1
    assert reason.startswith("quantity 12 is stock (plausibility: per lot would be $1.21/TH "
                             "(Antminer S21 band $")  # fmt: skip
    # the five, and this row's own first reading as a lot: one outlier the median shrugs off
    assert "from 6 recent sightings" in reason
    quantity, reason = got["import:then"]
    assert quantity == 12
    assert "new-gen band" in reason


def test_scraped_listings_and_broker_offers_price_a_stock_count_per_unit() -> None:
    from monitor.jobs.collect import expand
    from scrapers.base import RawListing

    one = RawListing(listing_id="1", url="u", title="10台 Antminer S19j Pro 100T 2500元",
                     price=Decimal(2500), currency="CNY")  # fmt: skip
    ((_, norm),) = expand(one, None)
    assert norm.quantity == 1
    assert norm.reason
    assert norm.reason.startswith("quantity 10 is stock (")
    lot = RawListing(listing_id="2", url="u", title="lot of 4 Antminer S19 95T $6,000",
                     price=Decimal(6000), currency="USD")  # fmt: skip
    assert expand(lot, None)[0][1].quantity == 4
    text = "Antminer S19j Pro 100T 10台 2500元\nAntminer S19 95T x4 $6000 total"
    post = RawListing(listing_id="3", url="u", title=text, price=None, currency=None,
                      message=True)  # fmt: skip
    offers = [norm for _, norm in expand(post, None)]
    assert [n.quantity for n in offers] == [1, 4]
