"""Keep the architecture honest: who may import what, and every command documented."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli

ROOT = Path(__file__).parent.parent


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "scrapers").glob("*.py")), ids=lambda p: p.name)
def test_scrapers_do_no_io(path: Path) -> None:
    banned = {"monitor", "httpx", "sqlite_utils", "sqlite3", "pandas", "yaml", "requests", "socket"}
    assert not imports(path) & banned


def test_only_store_talks_sql() -> None:
    users = {
        p.name for p in (ROOT / "monitor").glob("*.py") if imports(p) & {"sqlite_utils", "sqlite3"}
    }
    assert users == {"store.py"}


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_in_readme(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert cli.commands[name].help
    assert f"asicmon {name}" in (ROOT / "README.md").read_text(encoding="utf-8")
