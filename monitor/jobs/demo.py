"""``asicmon demo``: the whole pipeline offline, on bundled shop snapshots.

A local HTTP server on 127.0.0.1 (random port) plays three Shopify shops. For each bundled
snapshot date it serves that week's catalogs and runs one scrape cycle through the same code as
``asicmon scrape`` (fetcher, robots.txt, paging, parser, normaliser, store), with the clock set to
the snapshot's date. Then it exports CSV and Parquet, runs the analysis (``asicmon analyse``) and
prints a summary that ends with what the analysis found.

The bundled snapshots (``data/demo/``, made by ``scripts/make_demo_data.py``) replay spring and
summer 2021: weekly listings from April to August GENERATED from the published Hashrate Index tier
levels and the Antminer S19 path (no shop listed them), priced over the real bundled BTC/USD. The
finding is the first tier's fall (its drawdown): China's 2021 mining ban, the part of it the market
explains (hashprice, computed offline from the bundled BTC/USD and difficulty table) and the
catalog's China events that line up, then the sharpest changepoint step inside it.
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

import pandas as pd
import yaml

from monitor import data_path
from monitor.analysis.indexes import tier_of, working
from monitor.analysis.unit_price import usd_per_th
from monitor.config import load_config
from monitor.jobs.analyse import analyse_db, drop_span, observations_frame
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
        echo(f"demo: {len(shops)} shops on {base_url}, {len(snaps)} weekly snapshots "
             f"{snaps[0][0]} to {snaps[-1][0]}")  # fmt: skip
        echo("  (listings generated from published Hashrate Index levels over real BTC/USD: "
             "data/demo/README.md)")  # fmt: skip
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
    echo(f"median USD/TH per tier, {snaps[0][0]} -> {snaps[-1][0]}:")
    for tier, (first, last, n) in sorted(medians.items(), key=lambda kv: -kv[1][1]):
        change = (last / first - 1) * 100
        echo(f"  {tier:<14} {first:8.2f} -> {last:8.2f}  ({change:+.0f} %, {n} listings)")
    echo(f"database: {cfg.database}")
    echo(f"exports:  {exports}/{{listings,observations}}.{{csv,parquet}}")
    result = analyse_db(cfg)
    finding = _finding(result)
    echo("")
    for line in finding:
        echo(line)
    echo("")
    echo(f"more:     asicmon --config {cfg_path} analyse   (every index, drop and drawdown)")
    return {
        **summary,
        "share_normalised": share,
        "files": [str(f) for f in files],
        "drops": result["drops"],
        "drawdowns": result["drawdowns"],
    }


REGRESSOR = {"btc_usd": "BTC/USD", "hashprice": "hashprice"}


def _split(item: dict[str, Any]) -> list[str]:
    """The market split of a drop or drawdown in words (or what is missing)."""
    if item["market_explained_pct"] is None:
        return [f"  market split: none ({item.get('market_note') or 'no market data over it'})"]
    name = REGRESSOR.get(item["market_regressor"], item["market_regressor"])
    return [
        f"  {name} explains {item['market_explained_pct']:.0f} points of it ({name} "
        f"{item['market_change_pct']:+.0f} % over the same weeks, elasticity {item['beta']:.2f})",
        f"  abnormal (the rest): {item['abnormal_pct']:.0f} points",
    ]


def _china(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if str(e["jurisdiction"] or "").startswith("CN")]


def _finding(result: dict[str, Any]) -> list[str]:
    """The demo's last lines: the fall of the first efficiency-tier index (its drawdown, peak to
    trough), its market split, the China events in its window and their chance p; then the
    sharpest step the changepoint detector found inside it, and the other tiers in one line."""
    tiers = [w for w in result["drawdowns"] if str(w["series"]).startswith("tier:")]
    steps = [d for d in result["drops"] if str(d["series"]).startswith("tier:")]
    if not tiers and not steps:
        return ["finding: no sustained fall in any efficiency-tier index"]
    if not tiers:  # a fall too short to be a drawdown: word the first changepoint drop
        first = steps[0]
        fall = {**first, "depth_pct": first["drop_pct"], "peak": first["level_before"],
                "trough": first["level_after"]}  # fmt: skip
    else:
        fall = tiers[0]
    out = [
        f"finding: the {fall['series']} index fell {fall['depth_pct']:.0f} % "
        f"{drop_span(fall['start'], fall['end'])}, ${fall['peak']:.2f} -> ${fall['trough']:.2f}/TH"
    ]
    out += _split(fall)
    china = _china(fall["events"])
    rest = len(fall["events"]) - len(china)
    out.append(
        f"  China events from 7 days before its start to its end: {len(china)}"
        + (f" (and {rest} elsewhere)" if rest else "")
    )
    for ev in china:
        out.append(f"    {ev['date']} {ev['jurisdiction']:<6} {ev['title']}")
    if fall["chance_alignment_p"] is not None:
        p = fall["chance_alignment_p"]
        out.append(
            f"  chance of events this close to a random date: p = {p:.2f} "
            + (
                "(the dates alone are weak evidence)"
                if p < 0.5
                else "(the dates alone prove nothing)"
            )
        )
    inside = [
        d for d in steps
        if d["series"] == fall["series"] and fall["start"] <= d["start"] <= fall["end"]
    ]  # fmt: skip
    for d in inside[:1]:
        explained = (
            "" if d["market_explained_pct"] is None
            else f"; {REGRESSOR.get(d['market_regressor'], d['market_regressor'])} "
            f"{d['market_change_pct']:+.0f} %, abnormal {d['abnormal_pct']:.0f} points"
        )  # fmt: skip
        out.append(
            f"  sharpest step: -{d['drop_pct']:.0f} % {drop_span(d['start'], d['end'])}"
            f"{explained}, {len(_china(d['events']))} China events"
        )
    others = [w for w in (tiers or steps) if w is not fall and w["series"] != fall["series"]]
    for k, w in enumerate(others):
        depth = w.get("depth_pct", w.get("drop_pct"))
        out.append(
            f"  {'other tiers:' if k == 0 else '':<13}{w['series']} -{depth:.0f} % "
            f"{drop_span(w['start'], w['end'])} ({len(_china(w['events']))} China events)"
        )
    return out


def _at(moment: datetime) -> datetime:
    return moment


def _median_per_th(store: Store) -> dict[str, tuple[float, float, int]]:
    """Per efficiency tier: median USD/TH of its working units on the first and the last snapshot
    day, and how many listings."""
    frame = observations_frame(store, None, None)
    if frame.empty:
        return {}
    frame = frame[frame["kind"].eq("miner").to_numpy() & working(frame["condition"])].copy()
    frame["u"] = usd_per_th(frame["price_usd"], frame["quantity"], frame["hashrate_ths"],
                            frame["price_basis"])  # fmt: skip
    frame["tier"] = [tier_of(None if pd.isna(j) else float(j)) for j in frame["efficiency_j_th"]]
    ends = frame[frame["observed_date"].isin([frame["observed_date"].min(),
                                              frame["observed_date"].max()])]  # fmt: skip
    first_day, last_day = ends["observed_date"].min(), ends["observed_date"].max()
    out = {}
    for tier, part in ends.dropna(subset=["u", "tier"]).groupby("tier"):
        days = part.groupby("observed_date")["u"].median()
        if first_day in days.index and last_day in days.index:
            out[f"tier:{tier}"] = (float(days[first_day]), float(days[last_day]),
                                   int(part["listing_key"].nunique()))  # fmt: skip
    return out


__all__ = ["demo_root", "run_demo", "shop_server", "snapshots"]
