"""``asicmon demo``: the whole pipeline offline, on bundled shop snapshots.

A local HTTP server on 127.0.0.1 (random port) plays three Shopify shops. For each bundled
snapshot date it serves that week's catalogs and runs one scrape cycle through the same code as
``asicmon scrape`` (fetcher, robots.txt, paging, parser, normaliser, store), with the clock set to
the snapshot's date. Then it exports CSV and Parquet and prints a summary.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from monitor import data_path
from monitor.analysis.unit_price import usd_per_th
from monitor.config import load_config
from monitor.jobs.analyse import observations_frame
from monitor.jobs.collect import run_cycle
from monitor.jobs.export import run_export
from monitor.store import Store

ROBOTS = b"User-agent: *\nDisallow: /admin\nDisallow: /cart\n"


def demo_root() -> Path:
    return data_path("demo")


def snapshots(root: Path) -> list[tuple[str, Path]]:
    """Bundled snapshot folders, oldest first: ``[("2026-09-01", path), ...]``."""
    return sorted((p.name, p) for p in root.iterdir() if p.is_dir() and p.name[:4].isdigit())


class _ShopHandler(BaseHTTPRequestHandler):
    """Serves ``/<shop>/products.json?limit=&page=`` with Shopify's paging, and robots.txt."""

    state: dict[str, Path]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        parts = urlsplit(self.path)
        if parts.path == "/robots.txt":
            return self._send(200, ROBOTS, "text/plain")
        segments = parts.path.strip("/").split("/")
        catalog = self.state["snapshot"] / f"{segments[0]}.json"
        if len(segments) != 2 or segments[1] != "products.json" or not catalog.is_file():
            return self._send(404, b'{"errors":"Not Found"}', "application/json")
        query = parse_qs(parts.query)
        limit = min(250, int(query.get("limit", ["30"])[0]))
        page = max(1, int(query.get("page", ["1"])[0]))
        products = json.loads(catalog.read_text(encoding="utf-8"))["products"]
        body = json.dumps({"products": products[(page - 1) * limit : page * limit]})
        self._send(200, body.encode(), "application/json; charset=utf-8")

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def shop_server(first_snapshot: Path) -> Iterator[tuple[str, dict[str, Path]]]:
    state = {"snapshot": first_snapshot}
    handler = type("Handler", (_ShopHandler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", state
    finally:
        server.shutdown()
        server.server_close()


def demo_config(base_url: str, shops: list[str]) -> dict[str, Any]:
    """The demo's config. Its sources are disabled: they point at the demo's own server, which
    lives only while ``asicmon demo`` runs (the demo scrapes them by name all the same)."""
    return {
        "database": "asicmon.db",
        "http": {"delay_s": 0, "jitter_s": 0, "timeout_s": 10, "max_retries": 1},
        # placeholders, so `digest --dry-run` previews the digest; --send needs a real server
        "digest": {
            "sender": "asicmon-demo@example.com",
            "recipients": ["you@example.com"],
            "smtp_host": "localhost",
        },
        "sources": [
            {
                "name": shop,
                "kind": "shopify",
                "url": f"{base_url}/{shop}",
                "enabled": False,
                "currency": "USD",
                "page_size": 10,
                "max_pages": 10,
                "min_listings": 5,
            }
            for shop in shops
        ],
    }


def demo_config_text(base_url: str, shops: list[str]) -> str:
    """:func:`demo_config` as YAML, with comments saying why it looks the way it does."""
    config = demo_config(base_url, shops)
    sources = {"sources": config.pop("sources")}
    return (
        "# Written by `asicmon demo`. Read commands work on it: analyse, plot, status, sources,\n"
        "# export, digest --dry-run.\n"
        + yaml.safe_dump(config, sort_keys=False)
        + f"# The demo's shops were served by `asicmon demo` itself on {base_url}, which is\n"
        "# gone now: the sources are disabled so `asicmon scrape` and `asicmon run` do not fail\n"
        "# on a dead port. Run `asicmon demo` again to scrape them (on a new port).\n"
        + yaml.safe_dump(sources, sort_keys=False)
    )


def run_demo(workdir: Path, echo: Callable[[str], None] = print) -> dict[str, Any]:
    root = demo_root()
    snaps = snapshots(root)
    shops = sorted(p.stem for p in snaps[0][1].glob("*.json"))
    workdir.mkdir(parents=True, exist_ok=True)
    cfg_path = workdir / "demo-config.yaml"
    with shop_server(snaps[0][1]) as (base_url, state):
        cfg_path.write_text(demo_config_text(base_url, shops), encoding="utf-8")
        cfg = load_config(cfg_path)
        echo(f"demo: {len(shops)} shops on {base_url}, {len(snaps)} weekly snapshots")
        for day, folder in snaps:
            state["snapshot"] = folder
            moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
            results = run_cycle(cfg, names=shops, clock=partial(_at, moment))  # disabled: by name
            done = ", ".join(f"{r.source} {r.listings} ({r.status})" for r in results)
            new_obs = sum(r.observations for r in results)
            echo(f"  {day}: {done}; {new_obs} new observations")
    exports = workdir / "exports"
    files = []
    for what in ("listings", "observations"):
        for fmt in ("csv", "parquet"):
            path = exports / f"{what}.{fmt}"
            run_export(cfg, what, fmt, path)
            files.append(path)
    with Store(cfg.database) as store:
        summary = store.summary()
        medians = _median_per_th(store)
    share = summary["miners_normalised"] / summary["miners"] if summary["miners"] else 0.0
    echo("")
    echo(
        f"sources: {len(shops)}  listings: {summary['listings']} "
        f"(miners {summary['miners']}, parts {summary['parts']}, other {summary['other']})  "
        f"observations: {summary['observations']}"
    )
    echo(
        f"miners normalised (model + hashrate): {summary['miners_normalised']}/"
        f"{summary['miners']} = {share:.0%}"
    )
    echo("median USD/TH per model, first week -> last week:")
    for model, (first, last, n) in sorted(medians.items(), key=lambda kv: -kv[1][1]):
        change = (last / first - 1) * 100
        echo(f"  {model:<24} {first:8.2f} -> {last:8.2f}  ({change:+.0f} %, {n} listings)")
    echo(f"database: {cfg.database}")
    for path in files:
        echo(f"export:   {path}")
    echo(f"next:     asicmon --config {cfg_path} analyse   (indexes and drops of the demo data)")
    return {**summary, "share_normalised": share, "files": [str(f) for f in files]}


def _at(moment: datetime) -> datetime:
    return moment


def _median_per_th(store: Store) -> dict[str, tuple[float, float, int]]:
    """Per model: median USD/TH on the first and the last snapshot day, and listings."""
    frame = observations_frame(store, None, None)
    if frame.empty:
        return {}
    frame["u"] = usd_per_th(frame["price_usd"], frame["quantity"], frame["hashrate_ths"],
                            frame["price_basis"])  # fmt: skip
    ends = frame[frame["observed_date"].isin([frame["observed_date"].min(),
                                              frame["observed_date"].max()])]  # fmt: skip
    first_day, last_day = ends["observed_date"].min(), ends["observed_date"].max()
    out = {}
    for model, part in ends.dropna(subset=["u"]).groupby("model"):
        days = part.groupby("observed_date")["u"].median()
        if first_day in days.index and last_day in days.index:
            out[str(model)] = (float(days[first_day]), float(days[last_day]),
                               int(part["listing_key"].nunique()))  # fmt: skip
    return out


__all__ = ["demo_root", "run_demo", "shop_server", "snapshots"]
