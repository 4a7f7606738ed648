"""Keep the architecture honest: one package per pipeline stage, arrows that point one way, the
store the only place that talks SQL, and every command documented.

The rules are the packages' own docstrings ("May import: ..."), checked here by parsing every
import statement (also those inside functions) with ``ast``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli

ROOT = Path(__file__).parent.parent
MONITOR = ROOT / "monitor"
STAGES = ("config", "fetch", "normalise", "store", "analysis", "outputs", "jobs", "web")

# what each stage may import from monitor (its own package always); "*" is every stage
MAY_IMPORT: dict[str, set[str]] = {
    "config": {"redact"},
    "fetch": {"config", "redact"},
    "normalise": set(),
    "store": {"normalise", "liveness"},
    "analysis": {"normalise"},
    "outputs": {"analysis", "config", "redact", "liveness"},
    "jobs": {"*"},
    "web": {"config", "jobs", "redact"},  # the dashboard reads through jobs, like the CLI
    "cli": {"config", "jobs", "normalise", "daemon", "web"},
    "daemon": {"config", "jobs", "redact", "memory"},
}
# third-party modules that mean I/O a stage must not do
NO_IO = {"sqlite3", "sqlite_utils", "adbc_driver_sqlite", "httpx", "socket", "requests", "smtplib"}
MAY_DO_IO: dict[str, set[str]] = {
    "fetch": {"httpx", "socket"},
    "store": {"sqlite3", "sqlite_utils", "adbc_driver_sqlite"},
    "outputs": {"smtplib", "socket"},  # the digest is sent from here (socket: its deadline)
    "liveness": {"socket"},  # the host name a run records
    "jobs": set(),
}
# calls that write files: analysis writes nothing, the CLI and the daemon leave it to jobs
WRITES = {"write_text", "write_bytes", "savefig", "to_parquet", "to_csv", "unlink", "mkdir"}


def imports(path: Path) -> set[str]:
    """Every module ``path`` imports, dotted, including imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def stage_of(path: Path) -> str:
    rel = path.relative_to(MONITOR)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def monitor_modules() -> list[Path]:
    return sorted(p for p in MONITOR.rglob("*.py") if "data" not in p.relative_to(MONITOR).parts)


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", sorted((ROOT / "scrapers").glob("*.py")), ids=_id)
def test_scrapers_do_no_io(path: Path) -> None:
    banned = {"monitor", "httpx", "sqlite_utils", "sqlite3", "pandas", "yaml", "requests", "socket"}
    assert not {name.split(".")[0] for name in imports(path)} & banned


@pytest.mark.parametrize(
    "path", [p for p in monitor_modules() if stage_of(p) in MAY_IMPORT], ids=_id
)
def test_stage_imports_point_one_way(path: Path) -> None:
    stage = stage_of(path)
    allowed = MAY_IMPORT[stage] | {stage}
    wrong = set()
    for name in imports(path):
        parts = name.split(".")
        if parts[0] != "monitor" or len(parts) < 2 or parts[1] in ("__version__", "data_path"):
            continue
        if "*" not in allowed and parts[1] not in allowed:
            wrong.add(name)
        if parts[0] == "monitor" and stage in ("cli", "daemon", "web") and parts[1] == "store":
            wrong.add(name)
    assert not wrong, f"{_id(path)} ({stage}) may import only {sorted(allowed)}: {sorted(wrong)}"


@pytest.mark.parametrize("path", monitor_modules(), ids=_id)
def test_io_stays_in_its_stage(path: Path) -> None:
    stage = stage_of(path)
    allowed = MAY_DO_IO.get(stage, set())
    if stage == "jobs":
        allowed = NO_IO - {"sqlite3", "sqlite_utils", "adbc_driver_sqlite"}  # SQL only in store
    used = {name.split(".")[0] for name in imports(path)} & NO_IO
    assert used <= allowed, f"{_id(path)} ({stage}) imports {sorted(used - allowed)}"


@pytest.mark.parametrize(
    "path", [p for p in monitor_modules() if stage_of(p) in ("analysis", "cli", "daemon")], ids=_id
)
def test_analysis_cli_and_daemon_write_no_files(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not calls & WRITES, f"{_id(path)} writes: {sorted(calls & WRITES)}"


SQL = re.compile(r"\b(?:SELECT\s+[\w*(]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I)


@pytest.mark.parametrize("path", monitor_modules(), ids=_id)
def test_only_the_store_talks_sql(path: Path) -> None:
    if stage_of(path) == "store":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    docstrings = {
        ast.get_docstring(node, clean=False)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
    }
    found = [t for t in texts if t not in docstrings and SQL.search(t)]
    assert not found, f"{_id(path)} holds SQL: {found[0][:80]!r}"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_says_what_it_owns_and_may_import(stage: str) -> None:
    doc = ast.get_docstring(ast.parse((MONITOR / stage / "__init__.py").read_text("utf-8")))
    assert doc, f"monitor/{stage}/__init__.py has no docstring"
    assert "Owns" in doc, f"monitor/{stage}: say what it owns"
    assert "May import" in doc, f"monitor/{stage}: say what it may import"


def test_the_layout_rules_are_the_ones_documented() -> None:
    """Each rule in MAY_IMPORT names only stages the package docstring allows."""
    for stage in ("fetch", "normalise", "store", "analysis", "outputs", "web"):
        doc = ast.get_docstring(ast.parse((MONITOR / stage / "__init__.py").read_text("utf-8")))
        assert doc
        may = doc[doc.index("May import") :]
        for other in MAY_IMPORT[stage]:
            assert other in may, f"monitor/{stage} docstring does not allow {other}"


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_is_in_readme(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert cli.commands[name].help
    assert f"asicmon {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_tests_mirror_the_packages() -> None:
    """A stage's tests live in tests/<stage>/ and name a module of that stage (or its job)."""
    for folder in sorted(p for p in (ROOT / "tests").iterdir() if p.is_dir()):
        if folder.name in ("fixtures", "__pycache__"):
            continue
        package = ROOT / "scrapers" if folder.name == "scrapers" else MONITOR / folder.name
        assert package.is_dir(), f"tests/{folder.name}/ mirrors no package"
