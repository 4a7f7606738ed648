"""``asicmon report -o DIR``: the dashboard as static files, written atomically, replacing only
an earlier report."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.jobs.web import Pages
from monitor.web.report import MARKER
from tests.web.conftest import HOSTILE_IMG, MODEL_SLUG

HREF = re.compile(r'(?:href|src|srcset)="([^"]+)"')


def report(demo_dir: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--config", str(demo_dir / "demo-config.yaml"),
                                      "report", "-o", str(out)])  # fmt: skip
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def written(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "site"
    code, output = report(demo_dir, out)
    assert code == 0, output
    assert f"to {out}" in output
    return out


def test_report_writes_every_page_chart_and_the_stylesheet(written: Path) -> None:
    for name in ("index.html", "deals.html", "drops.html", "sources.html", "unmatched.html",
                 "tier/25to38.html", f"model/{MODEL_SLUG}.html", "chart/tier-25to38.svg",
                 "chart/tier-25to38.narrow.svg", "static/style.css", MARKER):  # fmt: skip
        assert (written / name).is_file(), name
    assert "Overview" in (written / "index.html").read_text(encoding="utf-8")
    model = (written / f"model/{MODEL_SLUG}.html").read_text(encoding="utf-8")
    assert HOSTILE_IMG not in model
    assert "&lt;img src=x onerror=alert(1)&gt;" in model
    assert not list(written.parent.glob(".site.*")), "no temporary folder left"


def test_every_local_link_of_the_report_resolves(written: Path) -> None:
    checked = 0
    for page in written.rglob("*.html"):
        for target in HREF.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            assert not target.startswith("/"), f"{page}: absolute link {target}"
            assert not target.startswith("api/")
            assert "/api/" not in target
            assert (page.parent / target).resolve().is_file(), f"{page}: {target}"
            checked += 1
    assert checked > 100


def test_report_replaces_an_earlier_report(demo_dir: Path, written: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    shutil.copytree(written, out)  # an earlier report
    (out / "stale.html").write_text("old", encoding="utf-8")
    code, output = report(demo_dir, out)
    assert code == 0, output
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # nothing left beside it


def test_report_refuses_a_folder_it_did_not_write(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    code, output = report(demo_dir, out)
    assert code == 2
    assert output.startswith("error: ")
    assert output.count("\n") == 1
    assert MARKER in output
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]
    a_file = tmp_path / "file.html"
    a_file.write_text("x", encoding="utf-8")
    assert report(demo_dir, a_file)[0] == 2
    assert a_file.read_text(encoding="utf-8") == "x"


def test_a_failed_report_leaves_the_old_one(
    demo_dir: Path, written: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    shutil.copytree(written, out)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))

    def broken(self: Pages, name: str, variant: str = "") -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Pages, "chart", broken)
    code, output = report(demo_dir, out)
    assert code == 1
    assert "No space left on device" in output
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
