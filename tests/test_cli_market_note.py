"""`market_note` end to end: the 2022 dealer asks (tests/fixtures/analysis) fall after the
bundled BTC/USD (to 2022-01-04), so `analyse --json` says why on each drop, the human output,
the digest and the chart say it once; `market import` of BTC/USD for those days fills the gap."""

from __future__ import annotations

import io
import json
import math
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from monitor.cli import cli
from monitor.config import load_config
from monitor.jobs.digest import gather
from monitor.outputs.digest import build_message
from tests.conftest import dealer_asks_csv

NOTE = "no BTC/USD after 2022-01-04: run `asicmon market` or `asicmon market import FILE.csv`"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "config.yaml").write_text(
        "database: a.db\n"
        "digest: {sender: a@example.com, recipients: [b@example.com], send_when_empty: true}\n",
        encoding="utf-8",
    )
    run(tmp_path, "import", str(dealer_asks_csv(tmp_path / "asks.csv")))
    return tmp_path


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--config", str(project / "config.yaml"), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_each_drop_says_why_it_has_no_market_split(project: Path) -> None:
    drops = json.loads(run(project, "analyse", "--json", "--by", "tier"))["drops"]
    assert drops
    assert all(d["market_explained_pct"] is None for d in drops)
    assert {d["market_note"] for d in drops} == {NOTE}


def test_the_human_output_says_it_once_at_the_top(project: Path) -> None:
    drops = json.loads(run(project, "analyse", "--json", "--by", "tier"))["drops"]
    out = run(project, "analyse", "--by", "tier").splitlines()
    assert out[0] == f"note: no market split for {len(drops)} of {len(drops)} drops: {NOTE}"
    assert sum("asicmon market import" in line for line in out) == 1


def test_imported_btc_usd_fills_the_gap_and_the_note_goes(project: Path) -> None:
    rows = ["date,btc_usd"]
    day = date(2021, 6, 1)
    while day <= date(2023, 6, 30):  # a slow wave around 30,000
        rows.append(f"{day},{30000 * (1 + 0.3 * math.sin(day.toordinal() / 60)):.2f}")
        day += timedelta(days=1)
    (project / "btc.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert "stored 760 days" in run(project, "market", "import", str(project / "btc.csv"))
    drops = json.loads(run(project, "analyse", "--json", "--by", "tier"))["drops"]
    assert drops
    assert all(d["market_note"] is None for d in drops)
    assert all(d["market_explained_pct"] is not None for d in drops)
    assert not run(project, "analyse", "--by", "tier").startswith("note:")


def test_the_chart_caption_says_it(project: Path) -> None:
    out = project / "tier.png"
    run(project, "plot", "--series", "tier:25to38", "-o", str(out))
    with Image.open(out) as png:
        caption = png.info.get("Description", "")
    assert caption.startswith("no market split for ")
    assert caption.endswith(NOTE)


def _text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_the_digest_says_it_once(project: Path) -> None:
    cfg = load_config(project / "config.yaml")
    data, _ = gather(cfg, datetime(2026, 12, 1, tzinfo=UTC))
    assert data.market_note is not None
    assert data.market_note.endswith(NOTE)
    msg = build_message(data, sender="a@example.com", recipients=["b@example.com"])
    text = _text(msg)
    assert text.count(NOTE) == 1
    assert text.splitlines()[2] == f"Note: {data.market_note}"
    html = msg.get_body(preferencelist=("html",))
    assert html is not None
    body = str(html.get_content())
    assert body.count("asicmon market import FILE.csv") == 1
    png = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    with Image.open(io.BytesIO(png.get_payload(decode=True))) as chart:  # type: ignore[arg-type]
        assert chart.info.get("Description", "").endswith(NOTE)


def test_a_market_that_went_the_other_way_is_said_in_words() -> None:
    """A fall during which the market rose is not "explains -13 pts": the human line says the
    market went the other way, and a market that fell says how much it explains."""
    from monitor.cli import _market_split

    up = _market_split({"market_explained_pct": -12.9, "abnormal_pct": 61.1})
    assert up == " (the market went the other way: 13 pts up; abnormal 61 pts)"
    down = _market_split({"market_explained_pct": 18.0, "abnormal_pct": 24.0})
    assert down == " (market explains 18 pts, abnormal 24 pts)"
