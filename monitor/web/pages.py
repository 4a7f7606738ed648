"""The dashboard's HTML: Jinja2 templates (``templates/``, every value escaped) filled from the
job :class:`monitor.jobs.web.Pages`, for the server (``asicmon serve``: pages at ``/deals``) and
the static report (``asicmon report``: ``deals.html``). Links are relative, so the same
templates work at any depth, behind a path prefix and from files on disk."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from monitor.jobs.web import NotFound, Pages, series_slug, slug

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# the deal columns shown, in order, when the deals have them (deals_db or the digest's rule)
# what deals are ranked by comes first: on a phone the first columns are the ones in view
DEAL_COLUMNS = [
    ("breakeven_months", "break-even months"), ("usd_per_th", "$/TH"),
    ("vs_fmv_pct", "vs fair value %"), ("under_median_pct", "under median %"),
    ("model", "model"), ("tier", "tier"), ("condition", "condition"),
    ("hashrate_ths", "TH/s"), ("price_usd", "price $"), ("tier_median", "tier median $/TH"),
    ("vs_median_pct", "vs median %"), ("daily_profit_usd", "profit $/day"),
    ("source", "source"), ("last_seen", "last seen"),
]  # fmt: skip


def safe_href(value: Any) -> str | None:
    """A scraped link fit for ``href``: http(s) only (never ``javascript:`` or ``data:``)."""
    text = str(value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else None


def number(value: Any, digits: int = 2) -> str:
    if value is None or isinstance(value, str):
        return "" if value is None else value
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return f"{value:,.{digits}f}"


def signed(value: Any, digits: int = 1) -> str:
    return "" if value is None else f"{value:+,.{digits}f} %"


def money(value: Any) -> str:
    return "" if value is None else f"${value:,.2f}"


@dataclass(frozen=True)
class Page:
    """A rendered page: its HTML and where it lives (``deals``, ``tier/25to38``...)."""

    path: str
    html: str


class Site:
    """Renders the pages of one :class:`Pages`; ``static`` for files (``.html`` links, no JSON
    links), else for the server."""

    def __init__(self, pages: Pages, *, static: bool = False) -> None:
        self.pages = pages
        self.static = static
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(num=number, signed=signed, money=money, href=safe_href)
        self.env.globals.update(slug=slug, series_slug=series_slug, deal_columns=DEAL_COLUMNS)

    def _url(self, path: str) -> Callable[[str], str]:
        """Relative links from the page at ``path``: a page is named without its suffix
        (``deals``, ``tier/25to38``; ``""`` is the overview), a file with it."""
        up = "../" * path.count("/")

        def url(target: str) -> str:
            is_page = not target.startswith(("static/", "chart/", "api/"))
            if target == "":
                return up + "index.html" if self.static else (up or "./")
            if is_page and self.static:
                return up + target + ".html"
            return up + target

        return url

    def render(self, template: str, path: str, title: str, api: str | None, **data: Any) -> Page:
        html = self.env.get_template(template).render(
            url=self._url(path), title=title, api=None if self.static else api,
            static=self.static, **data)  # fmt: skip
        return Page(path, html)

    def overview(self) -> Page:
        data = self.pages.overview()
        snap = self.pages.snapshot()
        models = []
        for model_slug, name in sorted(snap.models.items(), key=lambda kv: kv[1].casefold()):
            latest = self.pages.series(f"model:{name}")["latest"]
            models.append({"slug": model_slug, "name": name, "latest": latest})
        return self.render("overview.html", "", "Overview", "api/overview", data=data,
                           models=models, tiers=snap.tiers)  # fmt: skip

    def tier(self, name: str) -> Page:
        data = self.pages.tier(name)
        return self.render("series.html", f"tier/{name}", f"Tier {name} J/TH",
                           f"api/tier/{name}", data=data, model=None)  # fmt: skip

    def model(self, model_slug: str) -> Page:
        data = self.pages.model(model_slug)
        return self.render("series.html", f"model/{model_slug}", data["model"],
                           f"api/model/{model_slug}", data=data, model=data)  # fmt: skip

    def deals(self) -> Page:
        data = self.pages.deals()
        present = {k for d in data["deals"] for k, v in d.items() if v is not None}
        columns = [(k, label) for k, label in DEAL_COLUMNS if k in present]
        return self.render("deals.html", "deals", "Deals", "api/deals", data=data,
                           columns=columns, models=self.pages.snapshot().models)  # fmt: skip

    def drops(self) -> Page:
        return self.render("drops.html", "drops", "Drops and drawdowns", "api/drops",
                           data=self.pages.drops())  # fmt: skip

    def sources(self) -> Page:
        return self.render("sources.html", "sources", "Sources", "api/sources",
                           data=self.pages.sources())  # fmt: skip

    def unmatched(self) -> Page:
        return self.render("unmatched.html", "unmatched", "Unmatched titles", "api/unmatched",
                           data=self.pages.unmatched())  # fmt: skip

    def not_found(self, path: str, what: str) -> Page:
        return self.render("404.html", path, "Not found", None, what=what)

    def all_pages(self) -> list[Page]:
        """Every page, for the static report."""
        snap = self.pages.snapshot()
        out = [self.overview(), self.deals(), self.drops(), self.sources(), self.unmatched()]
        out += [self.tier(t) for t in snap.tiers]
        out += [self.model(s) for s in sorted(snap.models)]
        return out


__all__ = ["STATIC", "NotFound", "Page", "Site", "safe_href"]
