"""Glue between the store and the pure analysis: frames in, JSON and charts out.

The analysis reads :func:`sightings_frame`: the store's per-listing, per-week sighting counts
(``sighting_weeks``, kept as sightings are written) as Arrow tables, framed with the listings'
text as categoricals, never a Python object per sighting; :func:`analyse_frames` keeps,
deduplicates and screens the listing-periods once for both the tier and the model indexes.

**Cache** (``asicmon analyse`` over the whole history, weekly: :func:`cached_screen`). The
deduplicated listing-weeks (method steps 1-4, :func:`monitor.analysis.indexes.deduplicated`) in
the screen's order, with the screen's verdict on each (step 5,
:class:`monitor.analysis.indexes.Screen`), are kept in ``<database>.analysis-cache`` (Arrow IPC,
written atomically), keyed by the store's ``analysis_epoch`` (m010: its random ``store_id`` and
its ``epoch``) and the highest observation id read. The next run reads only the weeks from that
of the earliest sighting added since (its id is higher), takes the cached weeks before it,
re-screens only the weeks the new ones can reach (:func:`monitor.analysis.indexes.screen_more`:
the same verdicts as screening the whole), and indexes the whole (the fixed effects and the drops
depend on every week: they are recomputed each run). The file is written again only when what
is read again outgrows it (:data:`REWRITE_SHARE`, :data:`REWRITE_LAG`): until then daily runs
read the same few weeks again, a range of an index. Any other
change (an observation deleted or updated, a listing deleted, re-normalised, or inserted for
sightings already stored) raises ``epoch`` by trigger, and the cache is rebuilt from scratch, as
it is for another database file, another cache format (:data:`CACHE_VERSION`) or a file that
cannot be read. ``since``/``until`` and daily runs read the store and leave the cache alone."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from monitor.analysis.drops import drop_span as drop_span  # the CLI words drops with it
from monitor.config import Config
from monitor.store import Store

if TYPE_CHECKING:
    from monitor.analysis.indexes import Screen


def observations_frame(store: Store, since: str | None, until: str | None) -> pd.DataFrame:
    """Priced miner sightings in USD, one row per sighting, in the shape
    ``monitor.analysis.indexes`` expects (every condition: the index leaves out what is not a
    working unit). Read columnar (:meth:`Store.analysis_arrow`), in sighting order."""
    frame = _frame(*store.analysis_arrow(since, until, weekly=False))
    return frame.drop(columns=["n"])


def sightings_frame(
    store: Store, since: str | None, until: str | None, *, freq: str = "W"
) -> pd.DataFrame:
    """What the analysis reads: :func:`observations_frame` with identical sightings of a listing
    in one ISO week folded into one row counted by ``n`` (the store's ``sighting_weeks``), so a
    listing re-seen daily at one price is one row a week. Weekly indexes (``freq`` W) and their
    medians come out exactly as from the raw rows; daily ones (``freq`` D) read every sighting."""
    return _frame(*store.analysis_arrow(since, until, weekly=freq == "W"))


def _frame(sightings: Any, listings: Any) -> pd.DataFrame:
    """Arrow tables of :meth:`Store.analysis_arrow` as one frame, in sighting order (each row's
    earliest sighting by day, then id, as the raw rows come); the listings' text columns are
    categoricals (one string per listing, not per row)."""
    lids = listings.column("lid").to_numpy()
    day = sightings.column("day").to_numpy()
    # sighting order: by day, then id (ids stay below 2**40), one sort of one integer
    order = np.argsort(day * (1 << 40) + sightings.column("first_id").to_numpy())
    lid = sightings.column("lid").to_numpy()[order]
    if len(lids) and lids.min() >= 0 and lids.max() < 4 * len(lids) + (1 << 20):
        where = np.zeros(int(lids.max()) + 1, dtype=np.int64)  # rowid -> listing row
        where[lids] = np.arange(len(lids))
        at = where[lid]
    else:
        by_lid = np.argsort(lids)
        at = by_lid[np.searchsorted(lids[by_lid], lid)]

    def text(column: str) -> pd.Categorical:
        codes, values = pd.factorize(listings.column(column).to_pandas())
        return pd.Categorical.from_codes(codes[at], categories=pd.Index(values, dtype=object))

    def number(column: str) -> np.ndarray:
        values: np.ndarray = np.asarray(listings.column(column).to_numpy(zero_copy_only=False))
        picked: np.ndarray = values[at]
        return picked

    basis = sightings.column("price_basis").combine_chunks().dictionary_encode()
    basis_codes = np.asarray(basis.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return pd.DataFrame(
        {
            "observed_date": pd.to_datetime(day[order], unit="D"),
            "listing_key": text("key"),
            "source": text("source"),
            "model": text("model"),
            "efficiency_j_th": number("efficiency_j_th").astype(float),
            "hashrate_ths": number("hashrate_ths").astype(float),
            "quantity": number("quantity"),
            # as listed: a lot's price, or a $/TH rate (price_basis "per_th"); the analysis
            # turns it into $/TH with monitor.analysis.unit_price, the one definition
            "price_usd": sightings.column("usd_minor").to_numpy()[order] / 100.0,
            "price_basis": pd.Categorical.from_codes(
                basis_codes[order], categories=pd.Index(basis.dictionary.to_pylist(), dtype=object)
            ),
            "sold": sightings.column("sold").to_numpy()[order].astype(bool),
            "kind": text("kind"),
            "condition": text("condition"),
            "n": sightings.column("n").to_numpy()[order],
        }
    )


def market_frame(store: Store) -> pd.DataFrame:
    """Daily BTC/USD and hashprice: bundled history, overlaid with what the database holds, and
    hashprice computed offline from chain facts wherever BTC/USD is known and no hashprice is."""
    from monitor.fetch.market import load_bundled
    from monitor.jobs.market import with_offline_hashprice

    market = load_bundled()
    stored = pd.DataFrame(store.market_rows(), columns=["date", "btc_usd", "hashprice_usd_ph_day"])
    if not stored.empty:
        stored["date"] = pd.to_datetime(stored["date"])
        market = stored.set_index("date").combine_first(market).sort_index()
    return with_offline_hashprice(market)


def events_frame(cfg: Config) -> pd.DataFrame:
    from monitor.analysis.events import load_events

    return load_events(list(cfg.events))


CACHE_VERSION = "2"  # the cached frame's layout and the method steps 1-5 it holds


def cache_path(database: Path) -> Path:
    """Where the analysis cache of ``database`` lives: beside it."""
    return database.with_name(database.name + ".analysis-cache")


_TEXT = ("key", "basis", "model")  # text columns, cached as dictionaries


def _read_cache(path: Path, store_id: str, epoch: int) -> tuple[Screen, int] | None:
    """The cached screen and the last observation id it holds, when the cache is of this
    store at this epoch and format (else None: rebuild)."""
    import pyarrow as pa
    import pyarrow.ipc as ipc

    from monitor.analysis.indexes import Screen

    try:  # mapped, not copied: a new cache replaces the file (a new inode), never writes into it
        with pa.memory_map(str(path)) as source:
            table = ipc.open_file(source).read_all()
    except (OSError, pa.ArrowException):
        return None
    meta = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    wanted = {"version": CACHE_VERSION, "store_id": store_id, "epoch": str(epoch)}
    if any(meta.get(k) != v for k, v in wanted.items()) or not meta.get("last_id", "").isdigit():
        return None
    if "keep" not in table.column_names or "period" not in table.column_names:
        return None
    keep = np.asarray(table.column("keep").to_numpy(), dtype=bool)
    # a block per column: no copy into consolidated 2-D blocks (the frame is only read: the
    # run takes the weeks it keeps and screens them into a new frame)
    frame = table.drop_columns(["keep"]).to_pandas(split_blocks=True)
    # Arrow keeps microseconds: the analysis's periods are in ns
    frame["period"] = frame["period"].astype("datetime64[ns]")
    for column in _TEXT:  # categoricals of str objects, as the analysis makes them
        if column in frame and isinstance(frame[column].dtype, pd.CategoricalDtype):
            values = frame[column].cat
            names = pd.Index(np.asarray(values.categories, dtype=object), dtype=object)
            frame[column] = pd.Categorical.from_codes(values.codes.to_numpy(), categories=names)
    return Screen(frame, keep), int(meta["last_id"])


def _write_cache(path: Path, screen: Screen, store_id: str, epoch: int, last_id: int) -> None:
    """Keep ``screen`` as the cache (atomically: a crash leaves the old file or none). A cache
    that cannot be written is not an error: the next run reads the store."""
    import os

    import pyarrow as pa
    import pyarrow.ipc as ipc

    stored = screen.frame.copy(deep=False)
    for column in _TEXT:
        if column in stored and not isinstance(stored[column].dtype, pd.CategoricalDtype):
            stored[column] = stored[column].astype("category")
    stored["keep"] = screen.keep
    meta = {"version": CACHE_VERSION, "store_id": store_id, "epoch": str(epoch),
            "last_id": str(last_id)}  # fmt: skip
    table = pa.Table.from_pandas(stored, preserve_index=False).replace_schema_metadata(meta)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with pa.OSFile(str(part), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        part.replace(path)
    except (OSError, pa.ArrowException):
        part.unlink(missing_ok=True)


# The cache is written again when the weeks read again outgrow it: more new listing-weeks than
# this share of the cached ones, or new weeks reaching this far past the first one read again.
# Until then each run reads the same few weeks again (cheap: an index range) rather than
# rewrite the whole file for a day's sightings.
REWRITE_SHARE = 0.01
REWRITE_LAG = pd.Timedelta(days=28)


def cached_screen(store: Store, database: Path) -> Screen:
    """The deduplicated and screened listing-weeks of the whole history (steps 1-5), from the
    cache and the weeks with sightings added since it was written (module doc); the cache is
    written when it was missing or unusable, or lags (:data:`REWRITE_SHARE`,
    :data:`REWRITE_LAG`)."""
    from monitor.analysis.indexes import deduplicated, screen_all, screen_more

    store_id, epoch, last_id = store.analysis_mark()  # before the sightings: module doc
    path = cache_path(database)
    cached = _read_cache(path, store_id, epoch)
    write = True
    if cached is not None and cached[1] <= last_id:
        old, old_id = cached
        day = store.first_day_after(old_id)
        if day is None:  # nothing priced since: the cache is the whole history
            screen, write = old, False
        else:
            week = day - (day - 4) % 7  # its Monday (1970-01-05, day 4, was one)
            monday = pd.Timestamp(week, unit="D")
            new = deduplicated(sightings_frame(store, monday.strftime("%Y-%m-%d"), None))
            screen = screen_more(old, new, monday)
            reach = new["period"].max() - monday if len(new) else pd.Timedelta(0)
            write = len(new) > REWRITE_SHARE * len(old.frame) or reach > REWRITE_LAG
    else:
        screen = screen_all(deduplicated(sightings_frame(store, None, None)))
    if write:
        _write_cache(path, screen, store_id, epoch, last_id)
    return screen


def analyse_frames(
    obs: pd.DataFrame,
    market: pd.DataFrame,
    events: pd.DataFrame,
    since: str | None = None,
    until: str | None = None,
    *,
    by: str = "both",
    freq: str = "W",
) -> dict[str, Any]:
    """Index, drops and drawdowns per tier and per model (``by``), weekly or daily (``freq``),
    from frames already read (pure: the digest reads the store once and calls this)."""
    from monitor.analysis.indexes import listing_periods

    # kept, deduplicated and screened once for both kinds
    periods = listing_periods(obs, since=since, until=until, freq=freq)  # type: ignore[arg-type]
    return _analyse_periods(periods, market, events, since, until, by=by, freq=freq)


def _analyse_periods(
    periods: Any,
    market: pd.DataFrame,
    events: pd.DataFrame,
    since: str | None,
    until: str | None,
    *,
    by: str,
    freq: str,
) -> dict[str, Any]:
    from monitor.analysis.indexes import analyse

    result: dict[str, Any] = {"index": [], "drops": [], "drawdowns": []}
    for kind in ("tier", "model") if by == "both" else (by,):
        part = analyse(periods, market, events, since=since, until=until, by=kind, freq=freq)  # type: ignore[arg-type]
        result["index"] += part["index"]
        result["drops"] += part["drops"]
        result["drawdowns"] += part["drawdowns"]
    result["drops"].sort(key=lambda d: (d["start"], d["series"]))
    result["drawdowns"].sort(key=lambda d: (d["start"], d["series"]))
    return result


def analyse_db(
    cfg: Config,
    since: str | None = None,
    until: str | None = None,
    *,
    by: str = "both",
    freq: str = "W",
) -> dict[str, Any]:
    """``asicmon analyse``: read the sightings and market days, then :func:`analyse_frames`."""
    if since is not None or until is not None or freq != "W":
        with Store(cfg.database, create=False) as store:
            obs = sightings_frame(store, since, until, freq=freq)
            market = market_frame(store)
        return analyse_frames(obs, market, events_frame(cfg), since, until, by=by, freq=freq)
    with Store(cfg.database, create=False) as store:
        screen = cached_screen(store, Path(cfg.database))
        market = market_frame(store)
    periods = screen.periods()
    return _analyse_periods(periods, market, events_frame(cfg), None, None, by=by, freq=freq)


def plot(
    cfg: Config, series: str, out: Path, since: str | None = None, until: str | None = None
) -> None:
    """``asicmon plot``: one index series with event markers, shaded drops and drawdowns and
    the market series (hashprice, else BTC/USD) on a second axis, written atomically to ``out``
    (PNG). ``ValueError`` names the known series when ``series`` is not one of them; ``out`` is
    replaced as an export is (:func:`monitor.jobs.export.run_export`: ``ExportRefused``,
    ``ExportError``)."""
    from monitor.outputs.charts import render_chart
    from monitor.outputs.export import check_target, replacing

    check_target(out, [cfg.database])  # before any work: never the database, a folder ...
    result = analyse_db(cfg, since, until)
    with Store(cfg.database, create=False) as store:
        market = market_frame(store)  # drawn on a second axis
    png = render_chart(result["index"], events_frame(cfg), result["drops"], series,
                       drawdowns=result["drawdowns"], market=market)  # fmt: skip
    with replacing(out, protect=[cfg.database]) as fh:  # a crash never leaves half a picture
        fh.write(png)
