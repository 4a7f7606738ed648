"""`asicmon digest --send` end to end: a database, alert rules, a real SMTP server."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from tests.outputs.test_digest import Server, smtp_server  # noqa: F401 - the fixture

TODAY = datetime.now(UTC).date()


def write_data(tmp_path: Path) -> Path:
    """Eight weeks of S19j Pro asks that fall 40 %, and one cheap listing with a nasty title."""
    lines = ["observed_at,title,price,currency,source,url,listing_id"]
    for week in range(9):
        day = TODAY - timedelta(weeks=8 - week)
        level = 1.0 if week < 5 else 0.6
        for shop in range(4):
            price = round(104 * 20 * level * (1 + shop / 50), 2)
            lines.append(f"{day},Antminer S19j Pro 104T used,{price},USD,shop{shop},"
                         f"https://shop{shop}.example.com/p/1,s19-{shop}")  # fmt: skip
    lines.append(f"{TODAY},<script>alert(1)</script> Antminer S19j Pro 104T,400,USD,evil,"
                 "https://evil.example.com/p/2,evil-1")  # fmt: skip
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def config(tmp_path: Path, server: Server) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(f"""
database: d.db
alerts:
  - {{name: tier-cheap, kind: below, tier: 25to38, usd_per_th: 15}}
  - {{name: tier-fall, kind: drop, tier: 25to38, drop_pct: 20, within_days: 28}}
  - {{name: deals, kind: deal, drop_pct: 30}}
digest:
  sender: asicmon@example.com
  recipients: [me@example.com]
  smtp_host: {server.host}
  smtp_port: {server.port}
  security: none
""", encoding="utf-8")  # fmt: skip
    return path


def test_digest_send_once_with_chart_and_escaping(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    runner = CliRunner()
    cfg = config(tmp_path, smtp_server)
    imported = runner.invoke(cli, ["--config", str(cfg), "import", str(write_data(tmp_path))])
    assert imported.exit_code == 0, imported.output

    first = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert first.exit_code == 0, first.output
    assert "sent digest" in first.output
    assert len(smtp_server.sink.envelopes) == 1
    msg = email.message_from_bytes(smtp_server.sink.envelopes[0].content,
                                   policy=email.policy.default)  # fmt: skip
    types = [p.get_content_type() for p in msg.walk()]
    assert "text/plain" in types
    assert "text/html" in types
    assert "image/png" in types
    html = msg.get_body(preferencelist=("html",)).get_content()
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "Alerts" in text
    assert "sent digest: 3 alerts" in first.output  # below, drop and the deal
    png = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    assert png.get_content()[:4] == b"\x89PNG"
    assert f"cid:{png['Content-ID'].strip('<>')}" in html

    # nothing new since: no second email, no repeated alert
    second = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output
    assert len(smtp_server.sink.envelopes) == 1


def test_dry_run_prints_and_remembers_nothing(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    runner = CliRunner()
    cfg = config(tmp_path, smtp_server)
    runner.invoke(cli, ["--config", str(cfg), "import", str(write_data(tmp_path))])
    out = tmp_path / "d.eml"
    dry = runner.invoke(cli, ["--config", str(cfg), "digest", "--dry-run", "--out", str(out)])
    assert dry.exit_code == 0, dry.output
    assert out.read_bytes().startswith(b"Content-Type") or b"MIME-Version" in out.read_bytes()
    assert not smtp_server.sink.envelopes
    again = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert again.exit_code == 0, again.output
    assert len(smtp_server.sink.envelopes) == 1  # the dry run did not use the news up


def test_smtp_down_is_a_clear_error(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    runner = CliRunner()
    cfg = config(tmp_path, Server("127.0.0.1", 1, smtp_server.sink))
    runner.invoke(cli, ["--config", str(cfg), "import", str(write_data(tmp_path))])
    result = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert result.exit_code == 1
    assert "127.0.0.1:1" in result.output


def test_two_digests_at_once_send_one_email(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    """The daemon's digest job and a CLI `digest --send` at the same moment: one email."""
    import subprocess
    import sys

    cfg = config(tmp_path, smtp_server)
    imported = CliRunner().invoke(cli, ["--config", str(cfg), "import", str(write_data(tmp_path))])
    assert imported.exit_code == 0, imported.output
    procs = [
        subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(cfg), "digest",
                          "--send"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(3)
    ]  # fmt: skip
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert len(smtp_server.sink.envelopes) == 1, outputs
    assert sum("sent digest" in o for o in outputs) == 1
    assert sum("nothing new" in o for o in outputs) == 2


def test_a_listing_appears_once_per_email(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    """The cheap listing trips the `deal` rule: it is an alert, and not listed again under
    Best deals (the digest ranks deals once and shows each listing once)."""
    runner = CliRunner()
    cfg = config(tmp_path, smtp_server)
    assert (
        runner.invoke(cli, ["--config", str(cfg), "import", str(write_data(tmp_path))]).exit_code
        == 0
    )
    sent = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert sent.exit_code == 0, sent.output
    assert "sent digest: 3 alerts, 0 deals" in sent.output
    msg = email.message_from_bytes(smtp_server.sink.envelopes[0].content,
                                   policy=email.policy.default)  # fmt: skip
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert text.count("evil.example.com/p/2") == 1
    assert html.count('href="https://evil.example.com/p/2"') == 1
