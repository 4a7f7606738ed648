"""Dashboard speed: ``asicmon serve`` on a database of about 1M sightings, each page and JSON
twin timed warm (the analysis kept in memory), median of ``--repeat`` requests.

    python -m benchmarks.bench_web                     # builds 1M sightings first (minutes)
    python -m benchmarks.bench_web --db BUILT.db       # a database bench_analyse.py built

The database is copied (never written to), re-normalised as ``bench_analyse.py`` does, and
served by a real ``asicmon serve`` process on 127.0.0.1; the first request computes the
analysis (shown as ``cold``), then every page, twin and chart is asked for once (warming its
chart) and timed ``--repeat`` times. Target: 300 ms or less per warm page.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.bench_analyse import build, renormalise

TARGET_MS = 300.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def timed(client: httpx.Client, path: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    response = client.get(path)
    ms = (time.perf_counter() - start) * 1000
    return ms, response.status_code, len(response.content)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="sightings to build")
    ap.add_argument("--db", type=Path, help="a database bench_analyse.py built (copied)")
    ap.add_argument("--repeat", type=int, default=5, help="timed requests of each; median shown")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    proc = None
    try:
        db = work / "asicmon.db"
        if args.db is None:
            t = time.perf_counter()
            facts = build(db, args.n)
            print(f"built {facts} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        else:
            for suffix in ("", "-wal"):  # read only: a WAL beside it holds rows too
                source = Path(f"{args.db}{suffix}")
                if source.exists():
                    shutil.copyfile(source, f"{db}{suffix}")
        renormalise(db)
        config = work / "config.yaml"
        config.write_text(f"database: {db}\n", encoding="utf-8")
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "serve", "--port",
             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=work,
        )  # fmt: skip
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/static/style.css")
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("asicmon serve did not start") from None
                time.sleep(0.2)
        cold_ms, status, _ = timed(client, "/api/overview")  # computes the analysis
        if status != 200:
            raise SystemExit(f"/api/overview answered {status}")
        overview = client.get("/api/overview").json()
        tier = overview["tiers"][0]["tier"]
        models = overview["models"]
        model = max(models, key=lambda m: len(client.get(f"/api/model/{m['slug']}").json()
                                                ["index"]))["slug"]  # fmt: skip
        paths = ["/", f"/tier/{tier}", f"/model/{model}", "/deals", "/drops", "/sources",
                 "/unmatched"]  # fmt: skip
        paths += ["/api/overview", f"/api/tier/{tier}", f"/api/model/{model}", "/api/deals",
                  "/api/drops", "/api/sources", "/api/unmatched"]  # fmt: skip
        charts = [f"/chart/tier-{tier}.svg", f"/chart/model-{model}.svg"]
        rows = []
        for path in paths + charts:
            first, status, size = timed(client, path)  # warms a chart
            runs = [timed(client, path)[0] for _ in range(args.repeat)]
            rows.append({"path": path, "status": status, "bytes": size,
                         "first_ms": round(first, 1),
                         "warm_median_ms": round(statistics.median(runs), 1)})  # fmt: skip
        client.close()
        total = int(db.stat().st_size)
        print(f"database {total / 1e6:.0f} MB; first request (analysis computed): "
              f"{cold_ms / 1000:.1f} s; {len(models)} model pages")  # fmt: skip
        print(f"{'path':<44} {'status':>6} {'KB':>7} {'first ms':>9} {'warm ms':>8}")
        for r in rows:
            flag = "" if r["warm_median_ms"] <= TARGET_MS else "  over target"
            print(f"{r['path']:<44} {r['status']:>6} {r['bytes'] / 1024:>7.0f} "
                  f"{r['first_ms']:>9.1f} {r['warm_median_ms']:>8.1f}{flag}")  # fmt: skip
        if args.json:
            args.json.write_text(json.dumps({"cold_ms": round(cold_ms), "rows": rows},
                                            indent=1), encoding="utf-8")  # fmt: skip
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
            if proc.stderr is not None:
                proc.stderr.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
