"""`asicmon analyse --json` on a large synthetic history: wall time and peak RSS, cold and warm.

Builds N sightings (default 10,000,000) over 5 years (2021-01-04 .. 2026-01-03) of >= 50,000
listings of 25 catalog models through the store's bulk path (:meth:`Store.load_bulk`: the same
tables and ``sighting_weeks`` triggers as every write), then times `asicmon analyse --json` in
a subprocess (wall clock; peak RSS from ``resource.getrusage(RUSAGE_CHILDREN)`` of a wrapper
process per run): **cold** (on the built database with no analysis cache: it writes
``<database>.analysis-cache``) and **warm** (after 10,000 new sightings written through the
real write path, :meth:`Store.save_page`, from the cache the cold run left: it takes the cached
listing-weeks before the first new sighting's week and reads the rest; ``monitor.jobs.analyse``).
Each is run ``--repeat`` times (default 3; the median is reported, and every run's time), after
the code is byte-compiled as an installed package is (:func:`compiled`).
Before the cold run the copy's listings get the fields the normaliser reads from their titles
(:func:`renormalise`; databases built before the build did so stored condition "used"), as a
re-sighting would write them: otherwise the warm step's re-sightings re-normalise thousands of
listings, which rightly rebuilds the cache, and warm would time a cold run.

Realistic shape: 80 % of listings are re-seen daily (a day skipped now and then), the rest
weekly; a listing keeps its price for a while and changes it now and then (about every 25
sightings daily, every 4 weekly); 8 % are lots of 2-10, 3 % are quoted per TH, 4 % are sold
items (1-3 sightings, ``sold``), 2 % are for parts, 0.2 % of price runs are mistyped (x0.3 or x3).
Prices follow each model's $/TH level on a seeded market path with a 40 % fall in May 2021.

    python benchmarks/bench_analyse.py                 # 10M: builds, prints the DB path
    python benchmarks/bench_analyse.py --n 1000000
    python benchmarks/bench_analyse.py --db /tmp/.../asicmon.db   # reuse a built database
    python benchmarks/bench_analyse.py --db PATH --asicmon-path DIR   # another checkout's code

``--db`` reruns copy the built file first (the warm step writes to it), so every run starts from
the same database. The build of 10M takes a few minutes (executemany in 250k-row transactions).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from monitor.normalise.titles import VERSION as NORMALISER_VERSION
from monitor.normalise.titles import normalise
from monitor.store import Sighting, Store
from scrapers.base import RawListing

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: python benchmarks/bench_analyse.py
    sys.path.insert(0, str(ROOT))

from benchmarks.bytecode import compiled  # noqa: E402

START = date(2021, 1, 4)
DAYS = 1826
SOURCES = ("ebay", "shop-a", "shop-b", "broker-tg", "avito", "alibaba")
TITLES = (
    "Antminer S9 13.5T", "Antminer S17 Pro 53T", "Antminer T17 40T", "Antminer S19 95T",
    "Antminer S19 Pro 110T", "Antminer S19j Pro 104T", "Antminer S19j Pro 100T",
    "Antminer S19 XP 140T", "Antminer T19 84T", "Antminer S19k Pro 120T", "Antminer S21 200T",
    "Antminer S21 Pro 234T", "Antminer T21 190T", "Whatsminer M20S 68T", "Whatsminer M30S 88T",
    "Whatsminer M30S+ 100T", "Whatsminer M30S++ 112T", "Whatsminer M31S+ 82T",
    "Whatsminer M50 114T", "Whatsminer M50S 126T", "Whatsminer M60S 186T", "Avalon A1246 90T",
    "Avalon A1366 130T", "Antminer S19j Pro+ 122T", "Antminer S19 XP Hyd 255T",
)  # fmt: skip


@dataclass(frozen=True)
class Usd:
    usd: Decimal
    rate: Decimal
    rate_date: date


def _records() -> list[dict[str, Any]]:
    out = []
    for title in TITLES:
        rec = normalise(title).to_dict()
        if not (rec["model"] and rec["hashrate_ths"] and rec["efficiency_j_th"]):
            raise SystemExit(f"the normaliser does not fully read {title!r}")
        out.append({"title": title, **rec})
    return out


_NORMALISED: dict[str, dict[str, Any]] = {}
ANALYSED = ("model", "efficiency_j_th", "hashrate_ths", "quantity", "kind", "condition")


def _normalised(title: str) -> dict[str, Any]:
    if title not in _NORMALISED:
        _NORMALISED[title] = normalise(title).to_dict()
    return dict(_NORMALISED[title])


def renormalise(path: Path) -> int:
    """Give every listing the fields the normaliser reads from its title now, as a re-sighting
    through :meth:`Store.save_page` would (databases built before the build did so stored
    condition "used"): the warm run's new sightings then change no listing. Returns the
    listings changed."""
    conn = sqlite3.connect(path)
    try:
        titles = [r[0] for r in conn.execute("SELECT DISTINCT title FROM listings")]
        sets = ", ".join(f"{c} = ?" for c in ANALYSED)
        differs = " OR ".join(f"{c} IS NOT ?" for c in ANALYSED)
        with conn:
            changed = 0
            for title in titles:
                values = [_normalised(title)[c] for c in ANALYSED]
                changed += conn.execute(
                    f"UPDATE listings SET {sets} WHERE title = ? AND ({differs})",
                    [*values, title, *values],
                ).rowcount
    finally:
        conn.close()
    return changed


def build(path: Path, n: int, seed: int = 14) -> dict[str, int]:
    """Write about ``n`` sightings into a new database at ``path``."""
    rng = np.random.default_rng(seed)
    records = _records()
    n_models = len(records)
    listings = max(50_000, n // 160)
    daily = rng.random(listings) < 0.8
    sold = rng.random(listings) < 0.04
    mean = n / listings
    k = rng.integers(1, max(2, int(2 * mean)), listings)
    k = np.where(daily, k, np.minimum(np.maximum(k // 4, 1), 250))
    k = np.where(sold, rng.integers(1, 4, listings), k)
    scale = n / k.sum()
    k = np.maximum(1, np.round(k * np.where(daily, scale, 1.0)).astype(np.int64))
    step_mean = np.where(daily, 1.1, 7.0)
    span = np.ceil(k * step_mean).astype(np.int64) + 1
    start = (rng.random(listings) * np.maximum(DAYS - span, 1)).astype(np.int64)
    popularity = rng.dirichlet(np.ones(n_models) * 2)
    model = rng.choice(n_models, listings, p=popularity)
    quantity = np.where(rng.random(listings) < 0.08, rng.integers(2, 11, listings), 1)
    per_th = rng.random(listings) < 0.03
    parts = rng.random(listings) < 0.02
    premium = np.exp(rng.normal(0, 0.08, listings))
    source = rng.integers(0, len(SOURCES), listings)

    # sightings: listing, day
    lid = np.repeat(np.arange(listings), k)
    total = len(lid)
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    step = np.where(daily[lid], 1 + (rng.random(total) < 0.1), 7)
    step[first] = 0
    csum = np.cumsum(step)
    day = start[lid] + csum - csum[first][lid]
    keep = day < DAYS
    # price runs: a new price at a listing's first sighting and now and then after
    change = rng.random(total) < np.where(daily[lid], 0.04, 0.25)
    change[first] = True
    run_at = np.maximum.accumulate(np.where(change, np.arange(total), 0))
    market = np.exp(np.cumsum(rng.normal(0, 0.012, DAYS)))
    market *= 1 - 0.4 / (1 + np.exp(-(np.arange(DAYS) - 130) / 6.0))
    eff = np.array([r["efficiency_j_th"] for r in records])
    ths = np.array([r["hashrate_ths"] for r in records])
    base = 70.0 * (30.0 / eff) ** 1.2
    rate = base[model[lid]] * market[day[run_at] % DAYS] * premium[lid]
    rate *= np.exp(rng.normal(0, 0.03, total))[run_at]
    typo = (rng.random(total) < 0.002)[run_at]
    rate *= np.where(typo, np.where(rng.random(total) < 0.5, 0.3, 3.0)[run_at], 1.0)
    price = np.where(
        per_th[lid], np.round(rate, 1), np.round(rate * ths[model[lid]]) * quantity[lid]
    )
    minor = np.round(price * 100).astype(np.int64)
    lid, day, minor = lid[keep], day[keep], minor[keep]

    iso = np.array(
        [(START + timedelta(days=int(d))).isoformat() for d in range(DAYS)], dtype=object
    )
    keys = np.array([f"{SOURCES[source[i]]}:{i}" for i in range(listings)], dtype=object)
    seen = np.full(listings, -1)
    np.maximum.at(seen, lid, day)
    firsts = np.full(listings, DAYS)
    np.minimum.at(firsts, lid, day)
    rows = []
    for i in np.flatnonzero(seen >= 0):
        rec = records[model[i]]
        q = int(quantity[i])
        lot = f"Lot of {q} " if q > 1 else ""
        title = lot + rec["title"] + (" for parts" if parts[i] else "")
        fields = _normalised(title)  # what the scrapers' write path stores for it
        rows.append({
            "key": keys[i], "source": SOURCES[source[i]], "listing_id": str(i),
            "url": f"https://{SOURCES[source[i]]}.example/item/{i}", "title": title,
            "available": 1, "first_seen": f"{iso[firsts[i]]}T12:00:00Z",
            "last_seen": f"{iso[seen[i]]}T12:00:00Z", **fields,
            "normaliser_version": NORMALISER_VERSION,
        })  # fmt: skip
    basis = np.where(per_th, "per_th", "unit").astype(object)
    dates = iso[day]

    def observations() -> Any:
        step = 1_000_000
        for at in range(0, len(lid), step):
            ids = lid[at : at + step]
            d = dates[at : at + step].tolist()
            m = minor[at : at + step].tolist()
            yield from zip(
                keys[ids].tolist(),
                [f"{x}T12:00:00Z" for x in d],
                d,
                m,
                ["USD"] * len(d),
                basis[ids].tolist(),
                sold[ids].astype(int).tolist(),
                m,
                ["1"] * len(d),
                d,
                strict=True,
            )

    with Store(path) as store:
        added = store.load_bulk(rows, observations())
    return {"listings": len(rows), "sightings": added, "models": n_models}


def add_new(path: Path, count: int, seed: int = 15) -> int:
    """``count`` new sightings, the next day, of listings seen on the last days, through
    :meth:`Store.save_page` (the scrapers' write path): most at their last price."""
    rng = np.random.default_rng(seed)
    with Store(path) as store:
        last = store.query("SELECT max(observed_date) AS d FROM observations")[0]["d"]
        rows = store.query(
            "SELECT l.key, l.source, l.listing_id, l.url, l.title, o.price_minor, o.price_basis "
            "FROM observations o JOIN listings l ON l.key = o.listing_key "
            "WHERE o.observed_date >= date(?, '-14 days') AND o.sold = 0 "
            "GROUP BY l.key LIMIT ?",
            [last, count],
        )
        day = date.fromisoformat(last) + timedelta(days=1)
        at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        by_source: dict[str, list[Sighting]] = {}
        cache: dict[str, Any] = {}
        for i in range(count):
            row = rows[i % len(rows)]
            cents = int(row["price_minor"])
            if rng.random() < 0.05:
                cents = int(cents * rng.uniform(0.9, 1.05))
            when = at + timedelta(days=i // len(rows))
            price = Decimal(cents).scaleb(-2)
            extra = {"price_basis": row["price_basis"]}
            raw = RawListing(listing_id=row["listing_id"], url=row["url"], title=row["title"],
                             price=price, currency="USD", available=True, extra=extra)  # fmt: skip
            norm = cache.setdefault(row["title"], normalise(row["title"]))
            item = Sighting(raw, norm, when, Usd(price, Decimal(1), when.date()))
            by_source.setdefault(row["source"], []).append(item)
        added = 0
        for source, items in by_source.items():
            run = store.start_run(source, "bench", at)
            for page in range(0, len(items), 200):
                added += store.save_page(run, source, items[page : page + 200], at).observations
            store.finish_run(run, at, status="ok")
    return added


WRAPPER = """
import resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(done.stderr.decode()[-2000:])
print(wall, rss, done.returncode, len(done.stdout))
"""


def analyse(config: Path, env: dict[str, str]) -> dict[str, float]:
    cmd = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "monitor", "--config",
           str(config), "analyse", "--json"]  # fmt: skip
    # run from the config's folder: `python -m` puts the working folder first on sys.path
    out = subprocess.run(
        cmd, capture_output=True, text=True, env=env, check=True, cwd=config.parent
    )
    wall, rss, code, size = out.stdout.split()
    if code != "0":
        raise SystemExit(f"asicmon analyse failed ({code}): {out.stderr.strip()[-500:]}")
    return {
        "wall_s": round(float(wall), 2),
        "peak_rss_mb": round(int(rss) / 1024),
        "bytes": int(size),
    }


def median(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run of median wall time (of an odd count; the upper middle of an even one)."""
    return sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000_000, help="sightings to build")
    ap.add_argument("--db", type=Path, help="a database this benchmark built: skip the build")
    ap.add_argument("--new", type=int, default=10_000, help="sightings added before warm")
    ap.add_argument("--asicmon-path", type=Path, help="run analyse with the code in DIR")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the median is shown")
    args = ap.parse_args()
    if args.db is None:
        root = Path(tempfile.mkdtemp(prefix=f"bench-analyse-{args.n}-"))
        built = root / "built.db"
        t = time.perf_counter()
        facts = build(built, args.n)
        print(f"built {facts} in {time.perf_counter() - t:.0f} s: rerun with --db {built}")
    else:
        built = args.db
    work = Path(tempfile.mkdtemp(prefix="bench-analyse-run-"))
    try:
        db = work / "asicmon.db"
        with Store(built) as store:  # checkpoint: the copy must hold every row
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            total = store.count("observations")
        shutil.copyfile(built, db)
        renormalise(db)  # before the cold run: nothing it does is timed
        config = work / "config.yaml"
        config.write_text(f"database: {db}\n", encoding="utf-8")
        env = dict(os.environ)
        if args.asicmon_path:
            env["PYTHONPATH"] = str(args.asicmon_path)
        compiled(env, args.asicmon_path)
        cache = db.with_name(db.name + ".analysis-cache")
        colds = []
        for _ in range(args.repeat):  # each from no cache; the last one's cache stays
            cache.unlink(missing_ok=True)
            colds.append(analyse(config, env))
        kept = work / "cache-after-cold"
        shutil.copyfile(cache, kept)
        added = add_new(db, args.new)
        warms = []
        for _ in range(args.repeat):  # each from the cache the cold run left
            shutil.copyfile(kept, cache)
            warms.append(analyse(config, env))
        result = {"sightings": total, "new": added, "cold": median(colds), "warm": median(warms),
                  "cold_runs_s": [r["wall_s"] for r in colds],
                  "warm_runs_s": [r["wall_s"] for r in warms]}  # fmt: skip
        print(json.dumps(result))
        if args.json:
            args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
