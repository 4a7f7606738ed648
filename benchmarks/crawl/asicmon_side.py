"""The asicmon contestant: one ``run_cycle`` over the mirror's chains, one source per chain.

    python -m benchmarks.crawl.asicmon_side MIRROR --port 8765 --db /tmp/x.db [--workers 32]

Prints one JSON line: pages, seconds (wall time of ``run_cycle`` alone), listings and
observations counted in the SQLite file afterwards, and the run statuses.

``--breakdown`` wraps the four stages of a page (``Fetcher.get``, ``Ebay.parse``, ``expand`` =
normalise, ``Store.save_page``) with timers and reports, per stage, the summed wall time and the
summed CPU time of the calling thread (``time.thread_time``). With 32 threads on 2 cores, wall
minus CPU of a CPU-bound stage is mostly waiting for the GIL (or a core).
"""

from __future__ import annotations

import argparse
import functools
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.crawl.server import host_of


def use_copy(path: str) -> None:
    """Import ``monitor`` and ``scrapers`` from ``path`` (a modified copy) instead of the tree.

    The editable install's import hook would win over ``sys.path``: it is taken out.
    """
    import sys

    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in repr(f)]
    sys.path.insert(0, path)


def config_for(manifest: dict[str, Any], port: int, mode: str, db: Path) -> Any:
    from monitor.config import parse_config

    sources = []
    for chain in manifest["chains"]:
        host, p = host_of(int(chain["index"]), port, mode)
        sources.append(
            {
                "name": f"chain-{chain['index']:03d}",
                "kind": "ebay",
                "url": f"http://{host}:{p}{chain['path']}",
                "max_pages": int(chain["pages"]),
                "min_listings": 1,
            }
        )
    data = {
        "database": str(db),
        "http": {"delay_s": 0, "jitter_s": 0, "obey_robots": True, "timeout_s": 30},
        "sources": sources,
    }
    return parse_config(data, db.parent / "benchmark-config.yaml")


class Breakdown:
    """Summed wall and thread-CPU seconds per wrapped function, over all threads."""

    def __init__(self) -> None:
        self.wall: defaultdict[str, float] = defaultdict(float)
        self.cpu: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self.lock = threading.Lock()

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            w, c = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                dw, dc = time.perf_counter() - w, time.thread_time() - c
                with self.lock:
                    self.wall[name] += dw
                    self.cpu[name] += dc
                    self.calls[name] += 1

        return timed

    def install(self) -> None:
        """Wrap the stages that exist in the code being measured (it changes under us)."""
        import monitor.jobs.collect
        import monitor.store
        import scrapers
        from monitor.fetch.http import Fetcher

        targets = [
            ("fetch", Fetcher, "get"),
            ("parse", scrapers.get("ebay"), "parse"),
            ("normalise", monitor.jobs.collect, "expand"),
            ("fx", monitor.jobs.collect, "usd_value"),
            ("store", monitor.store.Store, "save_page"),
            # a version that parses in worker processes: the wait for a worker
            ("parse-wait", getattr(monitor.jobs.collect, "ParsePool", None), "__call__"),
        ]
        for name, owner, attr in targets:
            if owner is not None and hasattr(owner, attr):
                setattr(owner, attr, self.wrap(name, getattr(owner, attr)))

    def report(self) -> dict[str, dict[str, float]]:
        return {
            k: {
                "calls": self.calls[k],
                "wall_s": round(self.wall[k], 3),
                "cpu_s": round(self.cpu[k], 3),
            }
            for k in self.wall
        }


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(
    mirror: Path, port: int, mode: str, db: Path, workers: int, breakdown: bool = False
) -> dict[str, Any]:
    import sqlite3

    from monitor.jobs.collect import run_cycle

    manifest = json.loads((mirror / "manifest.json").read_text("utf-8"))
    cfg = config_for(manifest, port, mode, db)
    timers = Breakdown() if breakdown else None
    if timers:
        timers.install()
    kids0 = _children_cpu()
    cpu0, start = time.process_time(), time.perf_counter()
    results = run_cycle(cfg, max_workers=workers)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    kids = _children_cpu() - kids0  # worker processes, if the crawl started (and ended) any
    con = sqlite3.connect(db)
    listings = con.execute("SELECT count(*) FROM listings").fetchone()[0]
    observations = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    pages = con.execute("SELECT coalesce(sum(pages), 0) FROM runs").fetchone()[0]
    con.close()
    return {
        "contestant": "asicmon",
        "pages": pages,
        "seconds": seconds,
        "listings": listings,
        "observations": observations,
        "process_cpu_s": round(cpu + kids, 2),
        "children_cpu_s": round(kids, 2),
        "statuses": dict(Counter(r.status for r in results)),
        "reasons": sorted({r.reason for r in results if r.reason})[:5],
        **({"breakdown": timers.report()} if timers else {}),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mirror", type=Path)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--hosts-mode", choices=("ip", "port"), default="ip")
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=32)
    ap.add_argument("--breakdown", action="store_true", help="time each stage of a page")
    ap.add_argument("--asicmon-path", default=None, help="import monitor/scrapers from here")
    args = ap.parse_args(argv)
    if args.asicmon_path:
        use_copy(args.asicmon_path)
    out = run(args.mirror, args.port, args.hosts_mode, args.db, args.workers, args.breakdown)
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
