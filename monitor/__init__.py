"""asicmon: monitor of the secondary market for crypto-mining hardware."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def _version() -> str:
    """The installed distribution's version, read when first asked for: importlib.metadata
    costs ~25 ms at start, and most commands never show the version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("asicmon")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


def __getattr__(name: str) -> str:
    """``monitor.__version__``, computed on first use (see :func:`_version`)."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def data_path(*parts: str) -> Path:
    """A bundled data file: installed as the package ``monitor.data``; in a source checkout,
    the repository's top-level ``data/`` folder."""
    installed = Path(__file__).resolve().parent / "data"
    root = installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "data"
    return root.joinpath(*parts)
