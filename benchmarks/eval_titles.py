"""Accuracy of the normaliser on labelled title files (the titles-dev.csv format).

    python benchmarks/eval_titles.py FILE [FILE ...] [-v] [--markdown]

Columns: title, kind, model, hashrate_ths, quantity, condition, and optionally source (where the
title came from: a page address, or ``written``). Prints the issue's metrics for each file:
kind, model (miner rows), hashrate_ths within 0.5 (SHA-256 miner rows whose label gives a rate),
quantity, condition (rows that label it), and part/other rows classed as miner. ``-v`` lists every
miss; ``--markdown`` also prints one README table row per file. A file that is not well formed
(see :func:`problems`) is reported and not scored.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from monitor.normalise.titles import normalise

COLUMNS = ("title", "kind", "model", "hashrate_ths", "quantity", "condition")
KINDS = {"miner", "part", "other"}
CONDITIONS = {"new", "used", "refurbished", "for_parts", "unknown"}


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def problems(path: Path) -> list[str]:
    """What makes ``path`` an ill-formed labelled file (empty list: well formed): missing
    columns, unknown kinds or conditions, a model or rate on a part/other row, a miner row
    without a model, a bad number, a duplicate title, an empty ``source`` where the column is."""
    rows = load(path)
    out: list[str] = []
    header = set(rows[0]) if rows else set()
    missing = [c for c in COLUMNS if c not in header]
    if not rows or missing:
        return [f"no rows or missing columns {missing}"]
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"line {n} {row['title']!r}"
        if not row["title"].strip():
            out.append(f"line {n}: empty title")
        if row["title"] in seen:
            out.append(f"{where}: duplicate title")
        seen.add(row["title"])
        if row["kind"] not in KINDS:
            out.append(f"{where}: kind {row['kind']!r}")
        if row["kind"] == "miner" and not row["model"]:
            out.append(f"{where}: miner row without a model")
        if row["kind"] != "miner" and (row["model"] or row["hashrate_ths"]):
            out.append(f"{where}: model or rate on a {row['kind']} row")
        if row["hashrate_ths"]:
            try:
                if float(row["hashrate_ths"]) <= 0:
                    out.append(f"{where}: hashrate_ths not positive")
            except ValueError:
                out.append(f"{where}: hashrate_ths {row['hashrate_ths']!r}")
        if not (row["quantity"] or "1").isdigit() or int(row["quantity"] or 1) < 1:
            out.append(f"{where}: quantity {row['quantity']!r}")
        if row["condition"] and row["condition"] not in CONDITIONS:
            out.append(f"{where}: condition {row['condition']!r}")
        if "source" in row and not (row["source"] or "").strip():
            out.append(f"{where}: empty source")
    return out


def evaluate(
    path: Path, verbose: bool = False, leaked: list[str] | None = None
) -> dict[str, float | int]:
    """The metrics of one file; ``leaked`` (if given) receives the titles of part/other rows
    that came out as miners."""
    rows = load(path)
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
        if row["kind"] != "miner" and got.kind == "miner":
            leaks += 1
            if leaked is not None:
                leaked.append(row["title"])
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


def markdown_row(name: str, result: dict[str, float | int]) -> str:
    """One row of the README table: set, rows, kind, model, TH/s, quantity, part/other as miner."""

    def pct(key: str) -> str:
        value = result.get(key)
        return f"{100 * value:.1f} %".replace(".0 %", " %") if isinstance(value, float) else ""

    cells = [name, str(result["rows"]), pct("kind"), pct("model"), pct("hashrate")]
    cells += [pct("quantity"), str(result["part_other_as_miner"])]
    return "| " + " | ".join(cells) + " |"


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv if not a.startswith("-")]
    verbose, markdown = "-v" in argv, "--markdown" in argv
    status = 0
    table: list[str] = []
    for path in files:
        print(path)
        bad = problems(path)
        if bad:
            status = 1
            print("  not well formed:", *bad[:20], sep="\n    ")
            continue
        result = evaluate(path, verbose=verbose)
        for key, value in result.items():
            print(f"{key:>22}: {value:.3f}" if isinstance(value, float) else f"{key:>22}: {value}")
        table.append(markdown_row(f"`{path.name}`", result))
    if markdown:
        print("\n".join(table))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
