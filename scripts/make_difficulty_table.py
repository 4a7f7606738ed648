"""Make data/market/difficulty_retargets.csv: Bitcoin's difficulty per retarget (every 2,016
blocks), with the block height and the (estimated) UTC day it took effect.

Input: a blockchain.com chart export merged on date (7-day averages of hash rate in TH/s and
difficulty, sampled about every 4 days), e.g. ``btc_network_blockchaincom_7d_2009-2026.csv``
with columns ``date, hashrate_ths_7d, difficulty_7d, market_price_usd_7d``. Run from the
repository root:

    python scripts/make_difficulty_table.py PATH/TO/btc_network_7d.csv

How (see data/market/README.md):

1. Blocks per day = hash rate * 86400 / (difficulty * 2**32), interpolated to every day and
   summed from the genesis block (2009-01-03): an estimated height for each day.
2. The estimate is pinned to the known heights and days of the genesis block and of the four
   halvings (each stretch between two pins is scaled to hit them exactly; after the last one
   the estimate runs on unscaled).
3. Retarget ``k`` (height ``2016 * k``) takes effect on the first day whose estimated height
   reaches it. Its difficulty is the median of the 7-day averages sampled inside the retarget
   period at least 7 days after it began (so the averaging window holds no other period), else
   the sample nearest the middle of the period; never below 1 (the protocol minimum).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "data" / "market" / "difficulty_retargets.csv"
RETARGET = 2016
# (height, UTC day the block was mined): genesis and the halvings, public chain facts
PINS = [
    (0, "2009-01-03"),
    (210_000, "2012-11-28"),
    (420_000, "2016-07-09"),
    (630_000, "2020-05-11"),
    (840_000, "2024-04-20"),
]


def main(source: Path) -> None:
    raw = pd.read_csv(source, parse_dates=["date"])
    net = raw.dropna(subset=["hashrate_ths_7d", "difficulty_7d"])
    net = net[(net["hashrate_ths_7d"] > 0) & (net["difficulty_7d"] > 0)].set_index("date")
    difficulty = net["difficulty_7d"].clip(lower=1.0)
    per_day = net["hashrate_ths_7d"] * 1e12 * 86400 / (difficulty * 2**32)
    days = pd.date_range(PINS[0][1], net.index[-1], freq="D")
    blocks = per_day.reindex(per_day.index.union(days)).interpolate().bfill().reindex(days)
    height = blocks.cumsum() - blocks.iloc[0]
    pinned = height.copy()
    for (h0, d0), (h1, d1) in zip(PINS, PINS[1:], strict=False):
        part = height[d0:d1]
        scale = (h1 - h0) / (part.iloc[-1] - part.iloc[0])
        pinned[d0:d1] = h0 + (part - part.iloc[0]) * scale
    last_h, last_d = PINS[-1]
    after = height[last_d:]
    pinned[last_d:] = last_h + (after - after.iloc[0])

    rows = []
    k = 0
    while True:
        reached = pinned[pinned >= RETARGET * k]
        if reached.empty:
            break
        rows.append((RETARGET * k, reached.index[0]))
        k += 1
    out = []
    for i, (h, start) in enumerate(rows):
        end = rows[i + 1][1] if i + 1 < len(rows) else start + pd.Timedelta(days=14)
        inside = difficulty[(difficulty.index >= start + pd.Timedelta(days=7))
                            & (difficulty.index <= end)]  # fmt: skip
        if len(inside):
            value = float(inside.median())
        else:
            middle = start + (end - start) / 2
            nearest = np.abs((difficulty.index - middle).days).argmin()
            value = float(difficulty.iloc[nearest])
        out.append((h, f"{start:%Y-%m-%d}", max(value, 1.0)))
    if len(out) > 1 and pd.Timestamp(out[-1][1]) + pd.Timedelta(days=7) > net.index[-1]:
        out.pop()  # the last period is not sampled far enough in to be known
    table = pd.DataFrame(out, columns=["height", "date", "difficulty"])
    table["difficulty"] = table["difficulty"].map(lambda v: f"{v:.6g}")
    table.to_csv(OUT, index=False, lineterminator="\n")
    print(
        f"wrote {OUT}: {len(table)} retargets, {table['date'].iloc[0]} to {table['date'].iloc[-1]}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/make_difficulty_table.py BTC_NETWORK_7D.csv")
    main(Path(sys.argv[1]))
