"""Write (or refresh) the .expected.json beside a saved page from the scraper's current parse.

    python scripts/golden.py tests/fixtures/sources/ebay/2026-11-25-sold.input.html \\
        --url "https://www.ebay.com/sch/i.html?_nkw=antminer&LH_Sold=1" \\
        --source-url "https://www.ebay.com/sch/i.html?_nkw=antminer&LH_Sold=1" \\
        --options '{"sold": true}'

Review the output by hand before committing it: the golden file is the scraper's contract.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scrapers  # noqa: E402
from scrapers.base import ParseError  # noqa: E402
from tests.scrapers.test_sources import as_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("page", type=Path)
    ap.add_argument("--url", required=True, help="the URL the page was served at")
    ap.add_argument("--source-url", required=True, help="the source's configured url")
    ap.add_argument("--options", default="{}", help="kind-specific options as JSON")
    args = ap.parse_args()
    kind = args.page.parent.name
    options = json.loads(args.options)
    source = scrapers.get(kind)(args.source_url, options)
    out: dict[str, object] = {"url": args.url, "source_url": args.source_url, "options": options}
    try:
        page = source.parse(args.page.read_text(encoding="utf-8"), args.url)
    except ParseError as exc:
        out["error"], out["error_type"] = str(exc), type(exc).__name__
    else:
        out["listings"] = [as_json(x) for x in page.listings]
        out["next_url"] = page.next_url
    target = args.page.with_name(args.page.name.split(".")[0] + ".expected.json")
    target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target}: {len(out.get('listings', []))} listings, error={out.get('error')}")


if __name__ == "__main__":
    main()
