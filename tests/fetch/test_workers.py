"""What a parse worker process imports (monitor.fetch.workers): only the scrapers it parses with."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from monitor.fetch.workers import warm
warm(None, {kinds!r})
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("monitor", "scrapers", "httpx")))))
"""


def loaded(kinds: tuple[str, ...]) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(kinds=kinds)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return set(json.loads(out.stdout))


def test_a_worker_for_ebay_pages_imports_neither_the_fetcher_nor_the_normaliser() -> None:
    mods = loaded(("ebay",))
    assert "scrapers.ebay" in mods
    assert not {"scrapers.shopify", "scrapers.telegram"} & mods  # other kinds: not needed
    heavy = ("httpx", "monitor.fetch.http", "monitor.config", "monitor.normalise", "monitor.store")
    assert not {m for m in mods if m.startswith(heavy)}


def test_a_kind_that_is_not_a_module_name_warms_every_scraper() -> None:
    mods = loaded(("no-such-kind",))
    assert {"scrapers.ebay", "scrapers.shopify", "scrapers.telegram"} <= mods
