"""Byte-compile the code under test before timing it, as an installed package is.

A shell with ``PYTHONDONTWRITEBYTECODE`` set (a container's default, here) never writes ``.pyc``
files, so every timed process would compile asicmon's modules from source (and each parse
worker again), while a contestant installed with pip (scrapy) reads its compiled files. Python
still reads ``.pyc`` files under that setting: compiling once, with it unset, is enough.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def compiled(env: Mapping[str, str], path: Path | None, *extra: Path) -> None:
    """Compile ``monitor`` and ``scrapers`` (from ``path``, a modified copy, or as imported) and
    the ``extra`` folders."""
    import monitor
    import scrapers

    roots = [path / "monitor", path / "scrapers"] if path else [
        Path(monitor.__file__).parent, Path(scrapers.__file__).parent]  # fmt: skip
    quiet = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", *map(str, [*roots, *extra])],
                   env=quiet, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
