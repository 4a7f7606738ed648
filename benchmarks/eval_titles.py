"""Accuracy of the normaliser on a labelled title file (the titles-dev.csv format).

    python benchmarks/eval_titles.py tests/fixtures/titles/titles-dev.csv [-v]

Columns: title, kind, model, hashrate_ths, quantity, condition. Prints the issue's metrics:
kind, model (miner rows), hashrate_ths within 0.5 (SHA-256 miner rows), quantity, condition,
and part/other rows classed as miner. ``-v`` lists every miss.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from monitor.normalise.titles import normalise


def evaluate(path: Path, verbose: bool = False) -> dict[str, float | int]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    leaks = 0

    def check(metric: str, ok: bool, note: str, misses: list[str]) -> None:
        totals[metric] += 1
        if ok:
            hits[metric] += 1
        else:
            misses.append(note)

    for row in rows:
        got = normalise(row["title"])
        misses: list[str] = []
        check("kind", got.kind == row["kind"], f"kind {got.kind}", misses)
        leaks += row["kind"] != "miner" and got.kind == "miner"
        if row["kind"] == "miner":
            check("model", got.model == row["model"], f"model {got.model}", misses)
            if row["hashrate_ths"]:
                want = float(row["hashrate_ths"])
                ok = got.hashrate_ths is not None and abs(got.hashrate_ths - want) <= 0.5
                check("hashrate", ok, f"ths {got.hashrate_ths}", misses)
        want_qty = int(row["quantity"] or 1)
        check("quantity", got.quantity == want_qty, f"qty {got.quantity}", misses)
        if row.get("condition"):
            check("condition", got.condition == row["condition"], f"cond {got.condition}", misses)
        if verbose and misses:
            print(
                f"  {row['title']!r}: {', '.join(misses)}  [want {row['kind']}, "
                f"{row['model']}, {row['hashrate_ths']}, {row['quantity']}, "
                f"{row.get('condition')}] {got.reason or ''}"
            )
    out: dict[str, float | int] = {k: hits[k] / totals[k] for k in totals}
    out["part_other_as_miner"] = leaks
    out["rows"] = len(rows)
    return out


if __name__ == "__main__":
    result = evaluate(Path(sys.argv[1]), verbose="-v" in sys.argv)
    for key, value in result.items():
        print(f"{key:>22}: {value:.3f}" if isinstance(value, float) else f"{key:>22}: {value}")
