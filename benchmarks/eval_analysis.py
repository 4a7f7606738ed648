"""Synthetic benchmark of the analysis core: index -> drops -> market control -> event alignment.

    python benchmarks/eval_analysis.py [--trials 50] [--seed 1] [--freq W] [--penalty 3.0]
                                       [--workers 2] [--sweep 1,2,3,4,6] [--window -7,28]
    python benchmarks/eval_analysis.py --real ../shared/data [--freq W] [--by tier]

Each seeded trial simulates ~2 years of daily listing streams for 6 models in 3 efficiency tiers
and runs them through the production code (``build_index(by="tier")`` then ``find_drops``):

* **Market.** log hashprice is a fat-tailed random walk (t4 shocks, 2.5 %/day) with 2 *decoy*
  crashes of 30-45 % (halving-like steps spread over 1-3 days); BTC/USD follows hashprice plus a
  slow drift. Model prices follow an exponentially smoothed log hashprice (half-life 10 days) with
  a model-specific elasticity (0.8-1.3), a slow obsolescence drift and AR(1) noise.
* **Injected drops.** 3 abnormal drops of 20-45 % per trial, each hitting every model of one tier,
  spread over a 1-14 day ramp, 60+ days from the decoys and 120+ days apart within a tier. Two get a
  causing catalog event dated 7 days before to 3 days after the onset; one has none.
* **Catalog.** Each decoy crash gets an event (like a halving), and distractor events are drawn at
  the real catalog's density (about 35 % of days within [-7, +21] of some event).
* **Listings.** Poisson arrivals (2 a day a model), hashrate variants with their own $/TH premium,
  listing noise 8 %, asks that stay up ~7 days at their first price and are seen on half of those
  days, 15 % ending in a sale at -7 %, 10 % lots of 2-20 units, 5 % part rows (fans, PSUs) and
  2 % mistyped prices (x10 or /10).

An **alarm** is a reported drop whose ``abnormal`` flag is true (with ``--no-market`` every
reported drop is an alarm: the raw detector). An alarm matches an injected drop of its tier when
its start is within 21 days of the onset. Reported: precision, recall and F1; signed median and
median absolute timing error in days; false alarms per series-year; the decoy alarm rate (alarms
within 21 days of a decoy crash, per decoy and tier) and the share of decoys seen as drops but
absorbed by the market control; attribution: the share of matched drops that list their causing
event, the share of alarms listing a distractor or decoy event (false attributions), the share of
no-event drops listing any event, and the mean ``chance_alignment_p``. ``--sweep`` reruns the
trials for several penalties (calibration on the same streams).

``--real DIR`` instead runs the pipeline on the research data in ``DIR`` (the shared ``data/``
folder: 753 dealer asks 2021-02 to 2022-08, Yahoo BTC/USD, blockchain.com hashrate and miners'
revenue for hashprice = revenue / hashrate, and ``events/events.csv``). Those files have no
stated licence: they are read from where they are and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from monitor.analysis.indexes import build_index, find_drops

START = pd.Timestamp("2022-01-03")
DAYS = 730
MODELS = [  # name, J/TH, base $/TH, hashrate variants (TH)
    ("Alpha X1", 29.5, 80.0, (100.0, 104.0, 110.0)),
    ("Alpha X2", 34.0, 62.0, (90.0, 95.0)),
    ("Beta M3", 42.0, 45.0, (76.0, 80.0, 84.0)),
    ("Beta M4", 50.0, 34.0, (60.0, 68.0)),
    ("Gamma G5", 75.0, 18.0, (13.5, 14.0)),
    ("Gamma G6", 95.0, 11.0, (50.0, 56.0)),
]
TIER_OF = {"Alpha": "tier:25to38", "Beta": "tier:38to68", "Gamma": "tier:above68"}
MARGIN = 21


@dataclass
class Truth:
    drops: list[tuple[str, pd.Timestamp, float, str | None]]  # tier, onset, size, event id
    decoys: list[pd.Timestamp]
    decoy_events: set[str]


def simulate(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, Truth]:
    rng = np.random.default_rng(seed)
    days = pd.date_range(START, periods=DAYS, freq="D")
    shocks = rng.standard_t(4, DAYS) / math.sqrt(2) * 0.025
    decoys: list[int] = []
    while len(decoys) < 2:
        d = int(rng.integers(90, DAYS - 90))
        if all(abs(d - o) > 150 for o in decoys):
            decoys.append(d)
    for d in decoys:
        size, ramp = rng.uniform(0.30, 0.45), int(rng.integers(1, 4))
        shocks[d : d + ramp] += math.log(1 - size) / ramp
    log_h = np.log(90.0) + np.cumsum(shocks)
    hashprice = np.exp(log_h)
    btc = np.exp(log_h + np.log(450.0) + 0.0008 * np.arange(DAYS) + rng.normal(0, 0.01, DAYS))
    market = pd.DataFrame({"btc_usd": btc, "hashprice_usd_ph_day": hashprice}, index=days)
    # exponentially smoothed market level (half-life 10 days): prices react with a lag
    alpha = 1 - 0.5 ** (1 / 10)
    smooth = pd.Series(log_h).ewm(alpha=alpha, adjust=False).mean().to_numpy()

    # injected drops: 3 per trial on random tiers, away from decoys and from each other
    tiers = list(TIER_OF.values())
    injected: list[tuple[str, int, float, int]] = []
    tries = 0
    while len(injected) < 3 and tries < 1000:
        tries += 1
        tier = tiers[int(rng.integers(0, 3))]
        d = int(rng.integers(60, DAYS - 60))
        if any(abs(d - o) < 60 for o in decoys):
            continue
        if any(t == tier and abs(d - o) < 120 for t, o, _, _ in injected):
            continue
        injected.append((tier, d, float(rng.uniform(0.20, 0.45)), int(rng.integers(1, 15))))
    abnormal = {t: np.zeros(DAYS) for t in tiers}
    for tier, d, size, ramp in injected:
        step = np.zeros(DAYS)
        step[d:] = math.log(1 - size) * np.minimum(np.arange(DAYS - d) + 1, ramp) / ramp
        abnormal[tier] += step

    # events: causing events for 2 of 3 drops, one per decoy, distractors at catalog density
    rows, truth_drops = [], []
    for k, (tier, d, size, _) in enumerate(injected):
        eid = None
        if k < 2:
            eid = f"TRUE-{k}"
            rows.append((eid, days[d] + pd.Timedelta(days=int(rng.integers(-7, 4)))))
        truth_drops.append((tier, days[d], size, eid))
    for k, d in enumerate(decoys):
        rows.append((f"DECOY-{k}", days[d]))
    lam = -math.log(1 - 0.35) / 29
    n_distractors = rng.poisson(lam * (DAYS + 60))
    for k in range(n_distractors):
        rows.append((f"X-{k}", days[0] + pd.Timedelta(days=int(rng.integers(-30, DAYS + 30)))))
    events = pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "jurisdiction": "ZZ",
            "kind": "synthetic",
            "title": [r[0] for r in rows],
            "expected_direction": "down",
            "confidence": "high",
            "scope": "global",
        }
    )

    # listing streams
    obs_rows: list[tuple] = []
    key = 0
    for name, eff, base, variants in MODELS:
        tier = TIER_OF[name.split()[0]]
        beta = rng.uniform(0.8, 1.3)
        ar = np.zeros(DAYS)
        eps = rng.normal(0, 0.006, DAYS)
        for t in range(1, DAYS):
            ar[t] = 0.97 * ar[t - 1] + eps[t]
        log_p = (
            math.log(base)
            + beta * (smooth - smooth[0])
            - 0.0004 * np.arange(DAYS)
            + ar
            + abnormal[tier]
        )
        premium = {v: rng.normal(0, 0.05) for v in variants}
        for t in range(DAYS):
            for _ in range(rng.poisson(2.0)):
                key += 1
                ths = variants[int(rng.integers(0, len(variants)))]
                unit = math.exp(log_p[t] + premium[ths] + rng.normal(0, 0.08))
                qty = int(rng.integers(2, 21)) if rng.random() < 0.10 else 1
                life = int(rng.geometric(1 / 7))
                sold_at = t + life - 1 if rng.random() < 0.15 else None
                typo = rng.choice([10.0, 0.1]) if rng.random() < 0.02 else 1.0
                for s in range(t, min(t + life, DAYS)):
                    is_sale = sold_at is not None and s == sold_at
                    if not is_sale and rng.random() < 0.5:
                        continue
                    price = unit * qty * ths * (0.93 if is_sale else 1.0) * typo
                    obs_rows.append(
                        (
                            days[s],
                            f"L{key}",
                            "synthetic",
                            name,
                            eff,
                            ths,
                            qty,
                            price,
                            is_sale,
                            "miner",
                        )
                    )
                if rng.random() < 0.15:  # part rows (~5 % of rows) priced like accessories
                    obs_rows.append(
                        (days[t], f"P{key}", "synthetic", name, eff, ths, 1,
                         float(rng.uniform(40, 300)), False, "part")
                    )  # fmt: skip
    obs = pd.DataFrame(
        obs_rows,
        columns=[
            "observed_date",
            "listing_key",
            "source",
            "model",
            "efficiency_j_th",
            "hashrate_ths",
            "quantity",
            "price_usd",
            "sold",
            "kind",
        ],
    )
    truth = Truth(truth_drops, [days[d] for d in decoys], {f"DECOY-{k}" for k in range(2)})
    return obs, market, events, truth


def score(drops: list[dict], truth: Truth, use_market: bool, years: float) -> dict[str, float]:
    alarms = [d for d in drops if d["basis"] == "ask" and (d["abnormal"] if use_market else True)]
    all_ask = [d for d in drops if d["basis"] == "ask"]
    matched_truth, errors, true_alarm_ids = set(), [], set()
    attributed, no_event_listed = 0, 0
    for k, (tier, onset, _, eid) in enumerate(truth.drops):
        cands = [
            (abs((pd.Timestamp(d["start"]) - onset).days), i)
            for i, d in enumerate(alarms)
            if d["series"] == tier and i not in true_alarm_ids
        ]
        cands = [c for c in cands if c[0] <= MARGIN]
        if not cands:
            continue
        _, i = min(cands)
        true_alarm_ids.add(i)
        matched_truth.add(k)
        errors.append((pd.Timestamp(alarms[i]["start"]) - onset).days)
        ids = {e["id"] for e in alarms[i]["events"]}
        if eid is not None and eid in ids:
            attributed += 1
        if eid is None and ids:
            no_event_listed += 1
    n_true = len(truth.drops)
    decoy_alarms = decoy_seen = 0
    for dd in truth.decoys:
        for tier in TIER_OF.values():
            near = [
                d
                for d in all_ask
                if d["series"] == tier and abs((pd.Timestamp(d["start"]) - dd).days) <= MARGIN
            ]
            decoy_seen += bool(near)
            decoy_alarms += any((d["abnormal"] if use_market else True) for d in near)
    wrong_events = sum(any(not e["id"].startswith("TRUE") for e in d["events"]) for d in alarms)
    ps = [d["chance_alignment_p"] for d in alarms if d["chance_alignment_p"] is not None]
    return {
        "alarms": len(alarms),
        "true_alarms": len(true_alarm_ids),
        "n_true": n_true,
        "recalled": len(matched_truth),
        "false_alarms": len(alarms) - len(true_alarm_ids),
        "series_years": 3 * years,
        "decoy_cells": len(truth.decoys) * 3,
        "decoy_alarms": decoy_alarms,
        "decoy_seen": decoy_seen,
        "errors": errors,
        "with_event": sum(e is not None for *_, e in truth.drops if True),
        "with_event_matched": sum(1 for k in matched_truth if truth.drops[k][3] is not None),
        "attributed": attributed,
        "no_event_matched": sum(1 for k in matched_truth if truth.drops[k][3] is None),
        "no_event_listed": no_event_listed,
        "wrong_events": wrong_events,
        "p_sum": sum(ps),
        "p_n": len(ps),
    }


def trial(
    args: tuple[int, str, list[float | None], bool, tuple[int, int]],
) -> list[dict[str, float]]:
    seed, freq, penalties, use_market, window = args
    obs, market, events, truth = simulate(seed)
    index = build_index(obs, by="tier", freq=freq, market=market)
    out = []
    for pen in penalties:
        drops = find_drops(
            index,
            market=market if use_market else None,
            events=events,
            penalty=pen,
            window=window,
        )
        out.append(score(drops, truth, use_market, DAYS / 365.25))
    return out


def summarise(rows: list[dict[str, float]]) -> dict[str, float]:
    tot = {k: sum(r[k] for r in rows) for k in rows[0] if k != "errors"}
    errors = [e for r in rows for e in r["errors"]]
    precision = tot["true_alarms"] / tot["alarms"] if tot["alarms"] else math.nan
    recall = tot["recalled"] / tot["n_true"]
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "timing_bias_d": float(np.median(errors)) if errors else math.nan,
        "timing_mae_d": float(np.median(np.abs(errors))) if errors else math.nan,
        "false_alarms_per_series_year": tot["false_alarms"] / tot["series_years"],
        "decoy_alarm_rate": tot["decoy_alarms"] / tot["decoy_cells"],
        "decoys_absorbed": (
            (tot["decoy_seen"] - tot["decoy_alarms"]) / tot["decoy_seen"]
            if tot["decoy_seen"]
            else math.nan
        ),
        "true_event_listed": (
            tot["attributed"] / tot["with_event_matched"] if tot["with_event_matched"] else math.nan
        ),
        "alarms_with_wrong_event": tot["wrong_events"] / tot["alarms"] if tot["alarms"] else 0.0,
        "no_event_drop_with_event": (
            tot["no_event_listed"] / tot["no_event_matched"]
            if tot["no_event_matched"]
            else math.nan
        ),
        "mean_chance_p": tot["p_sum"] / tot["p_n"] if tot["p_n"] else math.nan,
    }


LABELS = {
    "precision": "precision (alarms matching an injected drop, ±21 d)",
    "recall": "recall (injected drops found)",
    "f1": "F1",
    "timing_bias_d": "timing error, signed median (days)",
    "timing_mae_d": "timing error, median |error| (days)",
    "false_alarms_per_series_year": "false alarms per series-year",
    "decoy_alarm_rate": "decoy alarm rate (per market crash x tier)",
    "decoys_absorbed": "decoys seen as drops but flagged market-explained",
    "true_event_listed": "matched drops listing their causing event",
    "alarms_with_wrong_event": "alarms listing a distractor/decoy event (false attributions)",
    "no_event_drop_with_event": "no-event drops listing some event anyway",
    "mean_chance_p": "mean chance_alignment_p",
}


def real_data(root: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Observations, market and events from the shared research data folder."""
    rows = json.loads((root / "listings/nhamilton1_asics-tools_asics.json").read_text())
    raw = pd.DataFrame(rows)

    def family(model: str) -> str:  # "Whatsminer M30s ++ 106T 31J/th" -> "Whatsminer M30S++"
        base = re.sub(r"\s+\d+(\.\d+)?\s*T\b.*$", "", model, flags=re.IGNORECASE)
        maker, _, name = re.sub(r"\s*\+", "+", base).strip().partition(" ")
        return f"{maker.capitalize()} {name.upper().replace('PRO', 'Pro')}".strip()

    obs = pd.DataFrame(
        {
            "observed_date": pd.to_datetime(raw["date"]),
            "listing_key": [f"row{i}" for i in range(len(raw))],
            "source": raw["vendor"],
            "model": raw["model"].map(family),
            "efficiency_j_th": raw["watts"] / raw["th"],
            "hashrate_ths": raw["th"].astype(float),
            "quantity": 1,
            "price_usd": raw["price"].astype(float),
            "sold": False,
            "kind": "miner",
        }
    )
    prices = root / "prices"
    btc = pd.read_csv(prices / "btc_usd_daily_yahoo_2015-2025.csv", parse_dates=["date"])
    net = pd.read_csv(prices / "btc_network_blockchaincom_7d_2009-2026.csv", parse_dates=["date"])
    rev = pd.read_csv(
        prices / "btc_miners_revenue_blockchaincom_7d_2009-2024.csv", parse_dates=["date"]
    )
    days = pd.date_range("2015-01-01", "2024-11-17", freq="D")

    def daily(frame: pd.DataFrame, col: str) -> pd.Series:
        s = frame.set_index("date")[col]
        return s.reindex(s.index.union(days)).interpolate("time").reindex(days)

    hashprice = daily(rev, "miners_revenue_usd_per_day_7d") / (
        daily(net, "hashrate_ths_7d") / 1000.0
    )  # USD per PH/s per day
    market = pd.DataFrame(
        {
            "btc_usd": btc.set_index("date")["close"].reindex(days),
            "hashprice_usd_ph_day": hashprice,
        },
        index=days,
    )
    events = pd.read_csv(root / "events/events.csv", parse_dates=["date"])
    events = events.rename(columns={"description": "title"})
    return obs, market, events


def _p(value: float | None) -> str:
    """``chance_alignment_p`` for a line: none without an event lined up."""
    return "none" if value is None else f"{value:.2f}"


def run_real(root: Path, freq: str, by: str, window: tuple[int, int]) -> None:
    obs, market, events = real_data(root)
    index = build_index(obs, by=by, freq=freq, market=market)  # type: ignore[arg-type]
    drops = find_drops(index, market=market, events=events, window=window)
    print(f"{len(obs)} dealer asks, {index['series'].nunique()} series, freq={freq}, by={by}")
    for d in drops:
        listed = ", ".join(f"{e['id']} ({e['days_from_start']:+d} d)" for e in d["events"])
        print(
            f"{d['series']:<28} {d['start']} -> {d['end']}  -{d['drop_pct']:.1f} % "
            f"(${d['level_before']:.1f} -> ${d['level_after']:.1f}/TH); "
            f"{d['market_regressor']} {d['market_change_pct']:+.1f} %, beta {d['beta']}, "
            f"explained {d['market_explained_pct']:.1f} %, abnormal {d['abnormal_pct']:.1f} %; "
            f"p={_p(d['chance_alignment_p'])}; events: {listed or 'none'}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--freq", choices=["D", "W"], default="W")
    ap.add_argument("--penalty", type=float, default=None)
    ap.add_argument("--sweep", type=str, default="")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--window", type=str, default="-7,28", help="event window, days from start")
    ap.add_argument("--no-market", action="store_true", help="raw detector: no market control")
    ap.add_argument("--real", type=Path, default=None, help="the shared research data folder")
    ap.add_argument("--by", choices=["model", "tier"], default="tier", help="with --real")
    args = ap.parse_args()
    lo, hi = (int(v) for v in args.window.split(","))
    if args.real is not None:
        run_real(args.real, args.freq, args.by, (lo, hi))
        return
    penalties: list[float | None] = (
        [float(p) for p in args.sweep.split(",")] if args.sweep else [args.penalty]
    )
    t0 = time.perf_counter()
    jobs = [
        (args.seed + k, args.freq, penalties, not args.no_market, (lo, hi))
        for k in range(args.trials)
    ]
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        results = list(pool.map(trial, jobs))
    elapsed = time.perf_counter() - t0
    summaries = [summarise([r[i] for r in results]) for i in range(len(penalties))]
    heads = ["default" if p is None else f"pen={p:g}" for p in penalties]
    print(
        f"{args.trials} trials x 3 tier series x {DAYS} days, freq={args.freq}, "
        f"market control={'off' if args.no_market else 'on'}, window=({lo}, {hi}), "
        f"{elapsed:.1f} s"
    )
    width = max(len(v) for v in LABELS.values())
    print(f"| {'metric':<{width}} | " + " | ".join(f"{h:>9}" for h in heads) + " |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * 11 for _ in heads) + "|")
    for key, label in LABELS.items():
        vals = " | ".join(f"{s[key]:>9.2f}" for s in summaries)
        print(f"| {label:<{width}} | {vals} |")


if __name__ == "__main__":
    main()
