"""Export speed and memory: N observations (default 1,000,000) from SQLite to Parquet.

    python benchmarks/bench_export.py [N]

Builds a database with N sightings over 2,000 listings (in a temp folder), then exports
`observations` to a Parquet file and to a month-partitioned dataset in a fresh subprocess each,
reporting seconds and the subprocess's peak RSS, and checks the row counts with duckdb.
Targets from the issue: <= 2 s and <= 300 MB for 1M rows.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from monitor.store import Store

CHILD = """
import json, resource, sys, time
from pathlib import Path
from monitor.outputs.export import export
from monitor.store import Store
db, out, part = sys.argv[1], Path(sys.argv[2]), sys.argv[3] or None
with Store(db) as store:
    t = time.perf_counter()
    rows = export(store, "observations", "parquet", out, part)
    took = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "seconds": took, "peak_rss_mb": rss}))
"""


def build(path: Path, n: int) -> None:
    rng = random.Random(1)
    with Store(path) as store:
        conn = store.db.conn
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO runs (id, source, kind, started_at, status) "
            "VALUES (1, 'bench', 'shopify', '2026-01-01T00:00:00Z', 'ok')"
        )
        listings = [
            (f"bench:{i}", "bench", str(i), f"https://x/{i}", f"Antminer S19j Pro 104T #{i}",
             "2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "miner", "Antminer S19j Pro", 104.0, 1)
            for i in range(2000)
        ]  # fmt: skip
        conn.executemany(
            "INSERT INTO listings (key, source, listing_id, url, title, first_seen, last_seen, "
            "kind, model, hashrate_ths, quantity) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            listings,
        )
        start = date(2024, 1, 1)

        def rows():
            for i in range(n):
                day = (start + timedelta(days=i // 2000 % 730)).isoformat()
                yield (f"bench:{i % 2000}", 1, day + "T12:00:00Z", day,
                       rng.randrange(100_000, 900_000), "USD", 1, "unit", 0, None,
                       rng.randrange(100_000, 900_000), "1", day)  # fmt: skip

        conn.executemany(
            "INSERT OR IGNORE INTO observations (listing_key, run_id, observed_at, observed_date, "
            "price_minor, currency, available, price_basis, sold, shipping_minor, usd_minor, "
            "fx_rate, fx_date) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows(),
        )
        conn.execute("COMMIT")


def main(n: int = 1_000_000) -> None:
    import duckdb

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t = time.perf_counter()
        build(db, n)
        print(f"built {n:,} observations in {time.perf_counter() - t:.1f} s")
        for label, out, part in (("file", Path(tmp) / "obs.parquet", ""),
                                 ("partitioned", Path(tmp) / "obs_ds", "month")):  # fmt: skip
            proc = subprocess.run([sys.executable, "-c", CHILD, str(db), str(out), part],
                                  capture_output=True, text=True, check=True)  # fmt: skip
            got = json.loads(proc.stdout)
            glob = f"{out}/**/*.parquet" if part else str(out)
            con = duckdb.connect()
            count = con.execute(f"SELECT count(*) FROM read_parquet('{glob}')").fetchone()[0]
            con.close()
            print(
                f"{label:>12}: {got['rows']:,} rows in {got['seconds']:.2f} s, "
                f"peak RSS {got['peak_rss_mb']:.0f} MB; duckdb reads {count:,} rows"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
