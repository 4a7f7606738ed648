"""Normaliser throughput on distinct titles, one core (the issue's target: >= 50,000/s).

    python benchmarks/bench_normalise.py [N]

Titles are the labelled dev and style sets with a unique suffix each, so the normaliser's
title cache never hits: every call does the full work.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from pathlib import Path

from monitor.normalise.catalog import load_catalog
from monitor.normalise.lexicon import load_lexicon
from monitor.normalise.titles import _normalise

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "titles"


# The benchmark's input is fixed, so its figure compares across versions: the labelled sets it
# was first measured on. Newer development sets are read with --all; held-out sets never are
# (they are measured for accuracy once, by eval_titles.py, and nothing else reads them).
MIX = ("dealer-models.csv", "styles.csv", "titles-dev.csv")


def titles(n: int, every_set: bool = False) -> list[str]:
    base: list[str] = []
    every = sorted(p for p in FIXTURES.glob("**/*.csv") if "heldout" not in p.parts)
    paths = every if every_set else [FIXTURES / name for name in MIX]
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                base.append(row.get("title") or row.get("model_string") or "")
    rng = random.Random(7)
    tails = ["ship fast", "USA", "EU stock", "ok", "#{}", "ref {}", "sku {}"]
    return [f"{rng.choice(base)} {rng.choice(tails).format(i)}" for i in range(n)]


def main(n: int = 100_000, every_set: bool = False) -> float:
    data = titles(n, every_set)
    catalog, lexicon = load_catalog(), load_lexicon()
    work = _normalise.__wrapped__  # bypass the cache: distinct titles
    best = 0.0
    for _ in range(3):
        start = time.perf_counter()
        for title in data:
            work(title, catalog, lexicon)
        best = max(best, n / (time.perf_counter() - start))
    mix = "every labelled set" if every_set else ", ".join(MIX)
    print(f"{best:,.0f} distinct titles/s on one core ({n:,} titles from {mix}, best of 3)")
    return best


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--all"]
    main(int(args[0]) if args else 100_000, every_set="--all" in sys.argv[1:])
