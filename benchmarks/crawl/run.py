"""End-to-end crawl benchmark: asicmon vs a minimal scrapy + parsel spider, in one run.

    pip install scrapy                   # benchmark extra, not an asicmon dependency
    python -m benchmarks.crawl.run [--pages 1000] [--hosts 32] [--repeat 1]

1. generates ``--pages`` realistic ~400 KB eBay results pages (``make_pages``) split into
   ``--hosts`` chains, in a temporary folder (or ``--mirror DIR``, reused when it matches);
2. serves them (``server``) on one loopback host per chain (127.0.0.2, 127.0.0.3, ...), from a
   separate process by default (``--server thread`` serves from threads of this process and runs
   asicmon in this process too: the server then competes with asicmon for the GIL);
3. runs each contestant in its own process, one after the other (the order alternates between
   repeats), each into a fresh SQLite file: asicmon's ``run_cycle(cfg, max_workers=hosts)`` with one
   ebay source per chain (delay 0, jitter 0, robots.txt obeyed), and the scrapy spider with
   ``CONCURRENT_REQUESTS=hosts``, ``CONCURRENT_REQUESTS_PER_DOMAIN=1``, ``ROBOTSTXT_OBEY``;
4. checks what each stored against the mirror's manifest and against each other, and prints
   pages, seconds, pages/s, listings stored, CPU seconds per page, and the ratios asicmon/scrapy
   of both (medians of repeats). CPU is user + system time of the contestant's whole process
   tree (``getrusage(RUSAGE_CHILDREN)`` around its process: asicmon's parse worker processes,
   interpreter start and imports included; not the mirror server's).

``--asicmon-path DIR`` makes the asicmon process import ``monitor`` and ``scrapers`` from DIR (a
modified copy, with ``data`` next to them), to measure a change without touching the tree;
``--breakdown`` times asicmon's stages (fetch, parse, normalise, store).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script: python benchmarks/crawl/run.py
    sys.path.insert(0, str(ROOT))

from benchmarks.bytecode import compiled  # noqa: E402
from benchmarks.crawl import make_pages  # noqa: E402
from benchmarks.crawl.server import host_of  # noqa: E402


def mirror_for(args: argparse.Namespace) -> Path:
    if args.mirror is not None:
        manifest = args.mirror / "manifest.json"
        if manifest.exists():
            m = json.loads(manifest.read_text("utf-8"))
            if (m["pages"], m["hosts"], m["seed"]) == (args.pages, args.hosts, args.seed):
                print(f"mirror: reusing {args.mirror}")
                return args.mirror
        out = args.mirror
    else:
        out = Path(tempfile.mkdtemp(prefix="asicmon-mirror-"))
    start = time.perf_counter()
    m = make_pages.make_pages(out, args.pages, args.hosts, args.seed)
    print(
        f"mirror: {m.pages} pages, {m.bytes / m.pages / 1000:.0f} KB each on average, "
        f"{m.listings} listings, {m.hosts} chains, in {out} "
        f"({time.perf_counter() - start:.0f} s)"
    )
    return out


class ServerProcess:
    def __init__(self, mirror: Path, port: int, mode: str) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "benchmarks.crawl.server",
                str(mirror),
                "--port",
                str(port),
                "--hosts-mode",
                mode,
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            self.close()
            raise RuntimeError(f"mirror server did not start: {line!r}")

    def cpu_s(self) -> float:
        """User + system CPU seconds of the server process so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def server_call(port: int, mode: str, what: str) -> dict[str, int]:
    host, p = host_of(0, port, mode)
    with urllib.request.urlopen(f"http://{host}:{p}/__{what}", timeout=10) as resp:
        return json.loads(resp.read())


def run_child(module: str, args: list[str], log: Path) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    start, tree0 = time.perf_counter(), _children_cpu()
    with log.open("a", encoding="utf-8") as err:
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed (exit {done.returncode}); see {log}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["process_s"] = time.perf_counter() - start
    # the contestant's whole process tree (its parse workers too), start and imports included
    out["tree_cpu_s"] = round(_children_cpu() - tree0, 2)
    return out


def _children_cpu() -> float:
    """User + system CPU seconds of this process's waited-for children and their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_cpu(out: dict[str, Any]) -> float:
    """A run's CPU seconds: its process tree's (from ``getrusage``) when it ran in a child
    process, else what it measured itself (``--server thread`` runs asicmon in this process)."""
    return float(out.get("tree_cpu_s", out["process_cpu_s"]))


def run_asicmon(args: argparse.Namespace, mirror: Path, db: Path, log: Path) -> dict[str, Any]:
    if args.server == "thread":  # in this process, next to the server threads
        from benchmarks.crawl import asicmon_side

        if args.asicmon_path and "monitor" not in sys.modules:
            asicmon_side.use_copy(str(args.asicmon_path.resolve()))

        start = time.perf_counter()
        out = asicmon_side.run(mirror, args.port, args.hosts_mode, db, args.hosts, args.breakdown)
        out["process_s"] = time.perf_counter() - start
        return out
    extra = ["--breakdown"] if args.breakdown else []
    if args.asicmon_path:
        extra += ["--asicmon-path", str(args.asicmon_path.resolve())]
    return run_child(
        "benchmarks.crawl.asicmon_side",
        [
            str(mirror),
            "--port",
            str(args.port),
            "--hosts-mode",
            args.hosts_mode,
            "--db",
            str(db),
            "--workers",
            str(args.hosts),
            *extra,
        ],
        log,
    )


def run_scrapy(args: argparse.Namespace, mirror: Path, db: Path, log: Path) -> dict[str, Any]:
    return run_child(
        "benchmarks.crawl.scrapy_side",
        [
            str(mirror),
            "--port",
            str(args.port),
            "--hosts-mode",
            args.hosts_mode,
            "--db",
            str(db),
            "--concurrency",
            str(args.hosts),
        ],
        log,
    )


def compare(asicmon_db: Path, scrapy_db: Path) -> tuple[int, int, list[str]]:
    """How many listings both stored with the same fields; a few examples of differences."""
    con = sqlite3.connect(asicmon_db)
    con.execute(f"ATTACH DATABASE '{scrapy_db}' AS s")
    rows = con.execute(
        """
        SELECT l.key, l.title, o.price_minor, o.currency, o.shipping_minor, l.location,
               l.condition_raw, l.sold_at, l.url,
               s.title, s.price_minor, s.currency, s.shipping_minor, s.location, s.condition,
               s.sold_at, s.url
        FROM listings l
        JOIN observations o ON o.listing_key = l.key
        JOIN s.listings s ON s.key = l.key
        """
    ).fetchall()
    con.close()
    same, diffs = 0, []
    for row in rows:
        if tuple(row[1:9]) == tuple(row[9:17]):
            same += 1
        elif len(diffs) < 3:
            diffs.append(f"{row[0]}: asicmon {row[1:9]} vs scrapy {row[9:17]}")
    return same, len(rows), diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=32, help="chains = hosts = concurrency")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--mirror", type=Path, default=None, help="mirror folder (made if needed)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--hosts-mode", choices=("ip", "port"), default="ip")
    ap.add_argument("--server", choices=("process", "thread"), default="process")
    ap.add_argument("--only", choices=("asicmon", "scrapy"), default=None)
    ap.add_argument("--asicmon-path", type=Path, default=None)
    ap.add_argument("--breakdown", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    ap.add_argument("--keep", action="store_true", help="keep the SQLite files of each run")
    args = ap.parse_args(argv)

    if args.only != "asicmon":
        try:
            import scrapy  # noqa: F401
        except ImportError:
            ap.error("scrapy is not installed: pip install scrapy (a benchmark extra)")
    mirror = mirror_for(args)
    manifest = json.loads((mirror / "manifest.json").read_text("utf-8"))
    compiled(os.environ, args.asicmon_path, Path(__file__).parent)  # both sides read .pyc files
    work = Path(tempfile.mkdtemp(prefix="asicmon-crawl-bench-"))
    log = work / "stderr.log"
    server: ServerProcess | None = None
    if args.server == "process":
        server = ServerProcess(mirror, args.port, args.hosts_mode)
    else:
        from benchmarks.crawl.server import Mirror, serve

        serve(Mirror(mirror), args.port, args.hosts_mode)
    contestants = [("asicmon", run_asicmon), ("scrapy", run_scrapy)]
    if args.only:
        contestants = [c for c in contestants if c[0] == args.only]
    results: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in contestants}
    last_db: dict[str, Path] = {}
    ok = True
    try:
        for rep in range(args.repeat):
            order = contestants if rep % 2 == 0 else contestants[::-1]
            for name, runner in order:
                db = work / f"{name}-{rep}.db"
                server_call(args.port, args.hosts_mode, "reset")
                server_cpu = server.cpu_s() if server else float("nan")
                try:
                    out = runner(args, mirror, db, log)
                except RuntimeError as exc:  # a crashed contestant: say so, keep going
                    print(f"  run {rep + 1} {name}: FAILED: {exc}", flush=True)
                    ok = False
                    continue
                out["served"] = server_call(args.port, args.hosts_mode, "stats")
                out["server_cpu_s"] = (server.cpu_s() if server else float("nan")) - server_cpu
                out["pages_per_s"] = out["pages"] / out["seconds"]
                out["cpu_per_page"] = tree_cpu(out) / max(out["pages"], 1)
                results[name].append(out)
                last_db[name] = db
                print(
                    f"  run {rep + 1} {name}: {out['pages']} pages in {out['seconds']:.1f} s = "
                    f"{out['pages_per_s']:.1f} pages/s, {out['listings']} listings, "
                    f"CPU {out['process_cpu_s']:.1f} s in the crawl, {tree_cpu(out):.1f} s for "
                    f"the process tree = {out['cpu_per_page'] * 1000:.1f} ms/page "
                    f"(server {out['server_cpu_s']:.1f} s), "
                    f"served {out['served']}",
                    flush=True,
                )
                if out.get("breakdown"):
                    for stage, t in out["breakdown"].items():
                        print(
                            f"      {stage:10} {t['calls']:6} calls  wall {t['wall_s']:8.1f} s  "
                            f"cpu {t['cpu_s']:6.1f} s"
                        )
    finally:
        if server:
            server.close()

    print()
    print(
        f"{args.pages} pages of ~{manifest['bytes'] / manifest['pages'] / 1000:.0f} KB, "
        f"{args.hosts} hosts, concurrency {args.hosts}, {args.repeat} run(s) each, "
        f"server: {args.server}; medians"
    )
    print(
        f"{'contestant':10} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'listings':>9} "
        f"{'obs.':>7} {'CPU s':>6} {'CPU-s/page':>10}  check"
    )
    medians: dict[str, float] = {}
    cpu_medians: dict[str, float] = {}
    for name, runs in results.items():
        if not runs:
            print(f"{name:10} every run failed; see {log}")
            continue
        pps = statistics.median(r["pages_per_s"] for r in runs)
        medians[name] = pps
        cpu_medians[name] = statistics.median(r["cpu_per_page"] for r in runs)
        r = sorted(runs, key=lambda x: x["pages_per_s"])[len(runs) // 2]
        problems = []
        for run in runs:
            if run["pages"] != manifest["pages"]:
                problems.append(f"{run['pages']} pages stored, expected {manifest['pages']}")
            if run["listings"] != manifest["listings"]:
                problems.append(f"{run['listings']} listings, expected {manifest['listings']}")
            if run.get("observations") not in (None, run["listings"]):
                problems.append(f"{run['observations']} observations for {run['listings']}")
            if run.get("statuses") and set(run["statuses"]) != {"ok"}:
                problems.append(f"runs {run['statuses']} {run.get('reasons')}")
        ok = ok and not problems
        obs = "" if r.get("observations") is None else r["observations"]
        print(
            f"{name:10} {r['pages']:6} {r['seconds']:8.1f} {pps:8.1f} {r['listings']:9} "
            f"{obs!s:>7} {tree_cpu(r):6.1f} {cpu_medians[name]:10.4f}  "
            f"{'; '.join(sorted(set(problems))) or 'ok'}"
        )
    if "asicmon" in medians and "scrapy" in medians and len(last_db) == 2:
        print(f"ratio asicmon/scrapy: {medians['asicmon'] / medians['scrapy']:.2f}x (goal >= 1.0x)")
        print(
            f"CPU-s/page asicmon/scrapy: {cpu_medians['asicmon'] / cpu_medians['scrapy']:.2f}x "
            "(goal <= 1.0x)"
        )
        same, both, diffs = compare(last_db["asicmon"], last_db["scrapy"])
        print(f"fields agree on {same} of {both} listings stored by both")
        for d in diffs:
            print("  differs:", d)
    lines = log.read_text("utf-8").count("\n") if log.exists() else 0
    if lines:
        print(f"({lines} lines on the contestants' stderr: {log})")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"args": {k: str(v) for k, v in vars(args).items()}, "results": results},
                indent=1,
                default=str,
            )
        )
    if args.mirror is None:
        shutil.rmtree(mirror, ignore_errors=True)
    if args.keep:
        print(f"databases kept in {work}")
    elif lines:  # keep the log, drop the databases
        for db in work.glob("*.db*"):  # the files, and asicmon's "<db>.locks" folder
            shutil.rmtree(db) if db.is_dir() else db.unlink()
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
