"""asicmon: monitor of the secondary market for crypto-mining hardware."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("asicmon")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"


def data_path(*parts: str) -> Path:
    """A bundled data file: installed as the package ``monitor.data``; in a source checkout,
    the repository's top-level ``data/`` folder."""
    installed = Path(__file__).resolve().parent / "data"
    root = installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "data"
    return root.joinpath(*parts)
