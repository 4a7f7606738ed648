"""``asicmon report -o DIR``: the dashboard's pages as static files (``index.html`` is the
Overview; relative links; charts as SVG files beside them), for a folder anyone can open or put
on a static host.

Written atomically, as exports are: the whole report is built in a temporary folder beside
``DIR`` and renamed into place; an existing ``DIR`` is replaced only when it holds
:data:`MARKER` (a report asicmon wrote), never another folder or a file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from monitor.config import Config
from monitor.jobs.web import CHART_WIDTHS, Pages, series_slug
from monitor.web.pages import STATIC, Site

MARKER = ".asicmon-report"


class ReportRefused(Exception):
    """``DIR`` is not something a report replaces (exit 2)."""

    exit_code = 2


def check_target(out: Path) -> None:
    """Raise :class:`ReportRefused` unless ``out`` is missing or a report folder."""
    if out.is_symlink():
        raise ReportRefused(f"{out} is a symbolic link: not replaced")
    if not out.exists():
        return
    if not out.is_dir():
        raise ReportRefused(f"{out} is not a folder: not replaced by a report")
    if not (out / MARKER).is_file():
        raise ReportRefused(f"{out} exists and is not a report asicmon wrote (no {MARKER} in "
                            "it): choose another -o or remove it")  # fmt: skip


def write_report(cfg: Config, out: Path) -> int:
    """Write every page, chart and the stylesheet to ``out`` (module doc); the number of files
    written. ``ReportRefused`` before any work when ``out`` may not be replaced; an ``OSError``
    leaves ``out`` as it was."""
    check_target(out)
    pages = Pages(cfg)
    pages.check()
    site = Site(pages, static=True)
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=parent))
    try:
        count = _write_all(site, pages, build)
        build.chmod(0o755)
        check_target(out)  # again: it may have appeared meanwhile
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            old.rmdir()
            out.rename(old)
            build.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            build.rename(out)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return count


def _write_all(site: Site, pages: Pages, root: Path) -> int:
    count = 0

    def put(rel: str, data: bytes) -> None:
        nonlocal count
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        count += 1

    for page in site.all_pages():
        put((page.path or "index") + ".html", page.html.encode("utf-8"))
    names = sorted({series_slug(p["series"]) for p in pages.snapshot().analysis["index"]})
    for name in names:
        for variant in CHART_WIDTHS:
            suffix = f".{variant}.svg" if variant else ".svg"
            put(f"chart/{name}{suffix}", pages.chart(name, variant))
    for asset in sorted(STATIC.iterdir()):
        if asset.is_file():
            put(f"static/{asset.name}", asset.read_bytes())
    put(MARKER, f"asicmon report (pid {os.getpid()}); this folder is replaced by the next one\n"
        .encode())  # fmt: skip
    return count
