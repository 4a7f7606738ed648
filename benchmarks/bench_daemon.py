"""`asicmon run` with 100 sources: memory and CPU at rest, against a local mirror.

Serves the demo's Shopify shops (``monitor.jobs.demo.shop_server``: three catalogs, the first
bundled snapshot) on 127.0.0.1 and writes a config of ``--sources`` (default 100) Shopify
sources on ``--schedule`` (default ``30m``) that take turns over the three shops (one host, so
the fetcher's per-host pacing, ``delay_s`` 1 s, spaces their requests as it would on a real
site); the market job is off (no network). Then it runs ``asicmon run`` as a child process for
``--minutes`` (default 10) and samples, once a second, the resident memory (VmRSS) and CPU time
(user + system) of the daemon and of any process it started (parse workers).

No time scaling: every source never ran, so each runs once at start (spread over a few
seconds, then paced by the host's delay), and a 30-minute schedule brings none back within ten
minutes. **At rest** is the time after the last source's first run finished (read from the
``runs`` table) until the end. Printed: RSS before the first job ends, peak RSS, RSS at rest
(median and max) and CPU at rest in % of one core, the processes alive at rest, and the runs
that finished ok.

    python benchmarks/bench_daemon.py                  # 100 sources, 30m, 10 minutes
    python benchmarks/bench_daemon.py --minutes 3      # a shorter look
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from monitor.jobs.demo import demo_root, shop_server, snapshots

TICK = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return out


def sample(pid: int) -> tuple[float, float, int]:
    """(RSS MB, CPU seconds) summed over the tree of ``pid``, and its process count."""
    rss_kb, ticks, alive = 0, 0, 0
    for p in tree(pid):
        try:
            status = Path(f"/proc/{p}/status").read_text()
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        alive += 1
        rss_kb += next(int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:"))  # fmt: skip
        ticks += int(stat[11]) + int(stat[12])  # utime, stime (fields 14 and 15)
    return rss_kb / 1024, ticks / TICK, alive


def config(base: str, shops: list[str], n: int, schedule: str) -> dict[str, object]:
    return {
        "database": "asicmon.db",
        "http": {"delay_s": 1, "jitter_s": 0, "timeout_s": 10, "max_retries": 1},
        "market": {"enabled": False},
        "sources": [
            {
                "name": f"shop-{i:03d}",
                "kind": "shopify",
                "url": f"{base}/{shops[i % len(shops)]}",
                "currency": "USD",
                "page_size": 30,
                "max_pages": 3,
                "schedule": schedule,
            }
            for i in range(n)
        ],  # fmt: skip
    }


def finished(db: Path) -> int:
    """Runs that have finished (any status)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            row = conn.execute("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL")
            return int(row.fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", type=int, default=100)
    ap.add_argument("--schedule", default="30m")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    snaps = snapshots(demo_root())
    shops = sorted(p.stem for p in snaps[0][1].glob("*.json"))
    work = Path(tempfile.mkdtemp(prefix="bench-daemon-"))
    with shop_server(snaps[0][1]) as (base, _state):
        cfg = work / "config.yaml"
        cfg.write_text(yaml.safe_dump(config(base, shops, args.sources, args.schedule)))
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        daemon = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(cfg), "run"],
            cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=(work / "daemon.log").open("w"),
        )  # fmt: skip
        samples: list[tuple[float, float, float, int, int]] = []  # t, rss, cpu, procs, done
        start = time.monotonic()
        try:
            while (now := time.monotonic() - start) < args.minutes * 60:
                if daemon.poll() is not None:
                    raise SystemExit(f"the daemon exited ({daemon.returncode}): see {work}")
                rss, cpu, procs = sample(daemon.pid)
                samples.append((now, rss, cpu, procs, finished(work / "asicmon.db")))
                time.sleep(1.0)
        finally:
            daemon.terminate()
            daemon.wait(timeout=30)
    first_done = next((s for s in samples if s[4] >= args.sources), None)
    result: dict[str, object] = {
        "sources": args.sources,
        "schedule": args.schedule,
        "minutes": args.minutes,
        "rss_before_first_job_mb": round(samples[1][1] if len(samples) > 1 else samples[0][1], 1),
        "peak_rss_mb": round(max(s[1] for s in samples), 1),
        "runs_finished": samples[-1][4],
    }
    if first_done is not None:
        rest = [s for s in samples if s[0] >= first_done[0]]
        wall = rest[-1][0] - rest[0][0]
        result.update(
            {
                "first_cycle_s": round(first_done[0], 1),
                "rest_s": round(wall, 1),
                "rss_at_rest_median_mb": round(statistics.median(s[1] for s in rest), 1),
                "rss_at_rest_max_mb": round(max(s[1] for s in rest), 1),
                "cpu_at_rest_pct": round(100 * (rest[-1][2] - rest[0][2]) / wall, 2)
                if wall
                else None,
                "processes_at_rest": max(s[3] for s in rest),
            }
        )  # fmt: skip
    print(json.dumps(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
