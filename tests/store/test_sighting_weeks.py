"""``sighting_weeks`` (m009), the bulk loader, and the columnar read of the analysis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store
from monitor.store.writes import BULK_COLUMNS
from scrapers.base import RawListing


class Usd:
    def __init__(self, usd: Decimal, day: datetime) -> None:
        self.usd, self.rate, self.rate_date = usd, Decimal(1), day.date()


def listing_row(key: str, title: str = "Antminer S19j Pro 104T") -> dict[str, object]:
    source, listing_id = key.split(":")
    return {"key": key, "source": source, "listing_id": listing_id, "url": "", "title": title,
            "first_seen": "2024-01-01T00:00:00Z", "last_seen": "2024-01-01T00:00:00Z",
            **normalise(title).to_dict()}  # fmt: skip


def obs(key: str, day: str, cents: int, basis: str = "unit", sold: int = 0) -> tuple[object, ...]:
    row = dict(listing_key=key, observed_at=f"{day}T12:00:00Z", observed_date=day,
               price_minor=cents, currency="USD", price_basis=basis, sold=sold,
               usd_minor=cents, fx_rate="1", fx_date=day)  # fmt: skip
    return tuple(row[c] for c in BULK_COLUMNS)


def test_bulk_load_counts_sightings_per_listing_week_and_price(tmp_path: Path) -> None:
    with Store(tmp_path / "a.db") as store:
        rows = [
            obs("s:1", "2024-01-01", 100000),  # Monday
            obs("s:1", "2024-01-02", 100000),
            obs("s:1", "2024-01-07", 100000),  # Sunday: same ISO week
            obs("s:1", "2024-01-08", 100000),  # next week
            obs("s:1", "2024-01-03", 90000),  # another price
            obs("s:1", "2024-01-04", 90000, sold=1),  # sold apart
            obs("s:2", "2024-01-01", 1500, basis="per_th"),
        ]
        added = store.load_bulk([listing_row("s:1"), listing_row("s:2")], rows, batch=3)
        assert added == 7  # the sightings, not what the triggers wrote beside them
        assert store.load_bulk([listing_row("s:1")], rows) == 0  # nothing twice
        weeks = store.query(
            "SELECT listing_key, date(week * 86400, 'unixepoch') AS week, usd_minor, "
            "price_basis, sold, n, date(first_day * 86400, 'unixepoch') AS first_day "
            "FROM sighting_weeks ORDER BY listing_key, week, usd_minor, sold"
        )
    assert [tuple(w.values()) for w in weeks] == [
        ("s:1", "2024-01-01", 90000, "unit", 0, 1, "2024-01-03"),
        ("s:1", "2024-01-01", 90000, "unit", 1, 1, "2024-01-04"),
        ("s:1", "2024-01-01", 100000, "unit", 0, 3, "2024-01-01"),
        ("s:1", "2024-01-08", 100000, "unit", 0, 1, "2024-01-08"),
        ("s:2", "2024-01-01", 1500, "per_th", 0, 1, "2024-01-01"),
    ]


def test_save_page_counts_the_sightings_it_added_not_the_trigger_rows(tmp_path: Path) -> None:
    at = datetime(2024, 1, 1, 12, tzinfo=UTC)
    with Store(tmp_path / "a.db") as store:
        run = store.start_run("s", "scrape", at)
        items = [
            Sighting(
                RawListing(
                    listing_id=str(i),
                    url="",
                    title="Antminer S19j Pro 104T",
                    price=Decimal("1000"),
                    currency="USD",
                ),  # fmt: skip
                normalise("Antminer S19j Pro 104T"),
                at,
                Usd(Decimal("1000"), at),
            )
            for i in range(5)
        ]
        assert store.save_page(run, "s", items, at).observations == 5
        assert store.save_page(run, "s", items, at).observations == 0
        later = [Sighting(i.listing, i.normalised, at + timedelta(days=1), i.usd) for i in items]
        assert store.save_page(run, "s", later, at + timedelta(days=1)).observations == 5
        assert store.query("SELECT sum(n) AS n, count(*) AS rows FROM sighting_weeks") == [
            {"n": 10, "rows": 5}
        ]


def test_analysis_arrow_takes_whole_weeks_from_the_counts_and_cut_weeks_raw(
    tmp_path: Path,
) -> None:
    days = [f"2024-01-{d:02d}" for d in range(1, 22)]  # three whole ISO weeks
    with Store(tmp_path / "a.db") as store:
        store.load_bulk([listing_row("s:1")], [obs("s:1", d, 100000) for d in days])
        whole, listings = store.analysis_arrow()
        cut, _ = store.analysis_arrow("2024-01-03", "2024-01-16")
        daily, _ = store.analysis_arrow("2024-01-03", "2024-01-16", weekly=False)
    assert listings.column("key").to_pylist() == ["s:1"]
    assert whole.column("n").to_pylist() == [7, 7, 7]
    # 3..7 January and 15..16 January one by one, the week of the 8th counted
    assert sorted(cut.column("n").to_pylist()) == [1] * 7 + [7]
    assert sum(cut.column("n").to_pylist()) == sum(daily.column("n").to_pylist()) == 14


def test_analysis_mark_follows_appends_and_epoch_follows_other_changes(tmp_path: Path) -> None:
    """``analysis_epoch`` (m010): appended sightings move only the last id (and
    ``first_day_after`` finds their earliest day); deleting or updating a sighting, changing a
    listing's analysed field, deleting a listing or inserting one whose sightings are stored
    raise the epoch; an update that leaves the analysed fields as they were does not."""
    db = tmp_path / "a.db"
    with Store(db) as store:
        first = [obs("s:1", "2024-01-03", 100000), obs("s:2", "2024-01-04", 90000)]
        store.load_bulk([listing_row("s:1"), listing_row("s:2")], first)
        store_id, epoch, last = store.analysis_mark()
        assert len(store_id) == 32
        assert store.first_day_after(last) is None
        store.load_bulk([], [obs("s:1", "2024-01-10", 100000), obs("s:2", "2024-01-02", 1)])
        assert store.analysis_mark() == (store_id, epoch, last + 2)
        assert store.first_day_after(last) == 19724  # 2024-01-02, days since 1970-01-01

        def bumped(sql: str, *args: object) -> bool:
            before = store.analysis_mark()[1]
            with store.db.conn:
                store.db.conn.execute(sql, args)
            return store.analysis_mark()[1] > before

        assert not bumped("UPDATE listings SET last_seen = '2024-02-01T00:00:00Z', "
                          "model = model WHERE key = 's:1'")  # fmt: skip
        assert bumped("UPDATE listings SET condition = 'for_parts' WHERE key = 's:1'")
        assert bumped("UPDATE listings SET hashrate_ths = 100 WHERE key = 's:1'")
        assert bumped("UPDATE observations SET usd_minor = 5 WHERE listing_key = 's:2'")
        assert bumped("DELETE FROM observations WHERE usd_minor = 5")
        row = listing_row("s:9")
        insert = f"INSERT INTO listings ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        assert not bumped(insert, *row.values())  # no sightings of it yet
        store.db.conn.execute("PRAGMA foreign_keys = OFF")
        assert bumped("DELETE FROM listings WHERE key = 's:1'")
        assert bumped(insert, *listing_row("s:1").values())  # its sightings are stored
        assert store.analysis_mark()[0] == store_id
