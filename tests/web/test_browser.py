"""The dashboard in a real browser: Playwright drives headless Chromium (Debian's
``/usr/bin/chromium``, or ``ASICMON_CHROMIUM``) against a real ``asicmon serve`` process on the
demo database. Skipped, saying why, without Playwright or Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import HOSTILE_IMG, HOSTILE_SCRIPT, MODEL_SLUG, Server

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
CHROMIUM = os.environ.get("ASICMON_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set ASICMON_CHROMIUM)",
                allow_module_level=True)  # fmt: skip

PAGES = ["/", "/tier/25to38", f"/model/{MODEL_SLUG}", "/deals", "/drops", "/sources",
         "/unmatched"]  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as play:
        try:
            launched = play.chromium.launch(executable_path=CHROMIUM, headless=True)
        except Exception as exc:  # a Chromium that cannot start here (sandbox, libraries)
            pytest.skip(f"Chromium at {CHROMIUM} does not start: {exc}")
        yield launched
        launched.close()


class Watched:
    """A page with its console errors, page errors and dialogs (an ``alert`` that ran)."""

    def __init__(self, browser: Any, width: int = 1280) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str) -> Any:
        response = self.page.goto(url, wait_until="networkidle")
        assert response is not None
        return response


def test_every_page_loads_without_a_console_error(browser: Any, server: Server) -> None:
    watched = Watched(browser)
    for path in PAGES:
        response = watched.open(server.url + path)
        assert response.status == 200, path
        assert watched.page.locator("h1").count() == 1, path
    assert watched.errors == []
    assert watched.dialogs == []
    watched.page.close()


def test_charts_render(browser: Any, server: Server) -> None:
    watched = Watched(browser)
    for path in ("/", "/tier/25to38", f"/model/{MODEL_SLUG}"):
        watched.open(server.url + path)
        images = watched.page.locator("figure.chart img")
        assert images.count() >= 1, path
        widths = images.evaluate_all("imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
        assert all(w > 0 for w in widths), (path, widths)
    assert watched.errors == []
    watched.page.close()


def test_links_between_pages_work(browser: Any, server: Server) -> None:
    watched = Watched(browser)
    watched.open(server.url + "/")
    watched.page.click("nav >> text=Deals")
    assert watched.page.url == server.url + "/deals"
    watched.page.click("nav >> text=Drops")
    assert watched.page.url == server.url + "/drops"
    watched.page.click("nav >> text=Overview")
    assert watched.page.url == server.url + "/"
    watched.page.click("text=Antminer S19j Pro")
    assert watched.page.url == server.url + f"/model/{MODEL_SLUG}"
    assert watched.page.locator("h1").inner_text() == "Antminer S19j Pro"
    watched.page.click("nav >> text=Deals")
    watched.page.click("table a[href='tier/25to38'] >> nth=0")  # a deal's tier
    assert watched.page.url == server.url + "/tier/25to38"
    # every link on every page leads to a page that answers 200
    seen: set[str] = set()
    for path in PAGES:
        watched.open(server.url + path)
        hrefs = watched.page.locator("a[href]").evaluate_all("as => as.map(a => a.href)")
        seen |= {h for h in hrefs if h.startswith(server.url)}
    assert len(seen) > 20
    for href in sorted(seen):
        assert watched.page.request.get(href).status == 200, href
    assert watched.errors == []
    watched.page.close()


def test_hostile_titles_show_as_text_and_run_nothing(browser: Any, server: Server) -> None:
    watched = Watched(browser)
    for path in (f"/model/{MODEL_SLUG}", "/deals", "/unmatched"):
        watched.open(server.url + path)
    watched.open(server.url + f"/model/{MODEL_SLUG}")
    text = watched.page.locator("main").inner_text()
    assert HOSTILE_IMG in text
    assert HOSTILE_SCRIPT in text
    assert watched.page.locator("img[src='x']").count() == 0
    assert watched.page.locator("main script").count() == 0
    assert watched.page.locator("a[href^='javascript:']").count() == 0
    assert watched.dialogs == []
    assert watched.errors == []
    watched.page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots(browser: Any, server: Server, tmp_path: Path, width: int) -> None:
    watched = Watched(browser, width)
    for name, path in (("overview", "/"), ("model", f"/model/{MODEL_SLUG}"), ("deals", "/deals")):
        watched.open(server.url + path)
        shot = tmp_path / f"{name}-{width}.png"
        watched.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        # nothing wider than the window but the scrolling tables
        overflow = watched.page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, (name, overflow)
    assert watched.errors == []
    watched.page.close()
