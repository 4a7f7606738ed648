"""`asicmon digest --send` end to end: a database, alert rules, a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import logging
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.outputs.test_digest import Server, raw_smtp, smtp_server  # noqa: F401 - the fixture

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


# --- sent once: 451 to QUIT, a read-only database, SIGKILL / SIGTERM mid-send ----------------


def digest_process(cfg: Path, *prefix: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*prefix, sys.executable, "-m", "monitor", "--config", str(cfg),
                             "digest", "--send"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip


def imported(tmp_path: Path, server: Any) -> Path:
    cfg = config(tmp_path, server)
    result = CliRunner().invoke(cli, ["--config", str(cfg), "import", str(write_data(tmp_path))])
    assert result.exit_code == 0, result.output
    return cfg


def sent_rows(tmp_path: Path) -> tuple[int, int]:
    """(rows in sent_alerts, rows in sending_alerts)."""
    con = sqlite3.connect(tmp_path / "d.db")
    try:
        return (con.execute("SELECT count(*) FROM sent_alerts").fetchone()[0],
                con.execute("SELECT count(*) FROM sending_alerts").fetchone()[0])  # fmt: skip
    finally:
        con.close()


def test_451_to_quit_after_the_message_was_accepted_is_sent_once(tmp_path: Path) -> None:
    runner = CliRunner()
    with raw_smtp(quit_reply="451 4.3.0 try again later") as server:
        cfg = imported(tmp_path, server)
        first = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
        assert first.exit_code == 0, first.output
        assert "sent digest: 3 alerts" in first.output
        second = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
        assert second.exit_code == 0, second.output
        assert "nothing new" in second.output
    assert len(server.messages) == 1
    assert sent_rows(tmp_path)[1] == 0


def test_a_read_only_database_fails_before_any_email(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    """The outcome could not be recorded: an error, and no message reaches the server."""
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes a 0444 file: drop the capability that lets it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: a read-only file stays writable")
        prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search",
                  "--inh-caps=-dac_override,-dac_read_search"]  # fmt: skip
    cfg = imported(tmp_path, smtp_server)
    db = tmp_path / "d.db"
    db.chmod(0o444)
    try:
        proc = digest_process(cfg, *prefix)
        out = proc.communicate(timeout=180)[0]
    finally:
        db.chmod(0o644)
    assert proc.returncode == 1, out
    assert f"cannot write to the database {db}: it is read-only" in out
    assert "the digest was not sent" in out
    assert "Traceback" not in out
    assert smtp_server.sink.envelopes == []
    again = CliRunner().invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert again.exit_code == 0, again.output
    assert len(smtp_server.sink.envelopes) == 1  # the news was not used up


def test_sigkill_while_the_server_holds_quit_leaves_the_digest_recorded(
    tmp_path: Path,
    smtp_server: Server,  # noqa: F811
) -> None:
    """The message was accepted: it is recorded before QUIT, so a kill there repeats nothing."""
    with raw_smtp(quit_reply=None) as held:
        cfg = imported(tmp_path, held)
        proc = digest_process(cfg)
        assert held.holding.wait(180), proc.communicate(timeout=60)[0]
        proc.kill()
        proc.communicate(timeout=60)
    assert held.accepted == 1
    assert sent_rows(tmp_path) == (3, 0)
    cfg = config(tmp_path, smtp_server)
    again = CliRunner().invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert again.exit_code == 0, again.output
    assert "nothing new" in again.output
    assert smtp_server.sink.envelopes == []


def test_sigterm_while_the_server_holds_the_data_lets_it_accept_then_exits(
    tmp_path: Path,
    smtp_server: Server,  # noqa: F811
) -> None:
    """SIGTERM with the whole message at the server: it gets a few seconds to answer; it
    answers 250, so the digest is recorded and the command ends at once."""
    with raw_smtp(hold_data=True) as held:
        cfg = imported(tmp_path, held)
        proc = digest_process(cfg)
        assert held.holding.wait(180), proc.communicate(timeout=60)[0]
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        held.release.set()
        out = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, out
    assert "sent digest: 3 alerts" in out
    assert sent_rows(tmp_path) == (3, 0)
    cfg = config(tmp_path, smtp_server)
    again = CliRunner().invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert "nothing new" in again.output
    assert smtp_server.sink.envelopes == []


def test_sigterm_while_the_server_never_answers_ends_and_sends_again_later(
    tmp_path: Path,
    smtp_server: Server,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No answer to the data within the grace: the command ends (exit 1, one line); the
    digest may have been delivered, so the next one sends it again (at least once)."""
    with raw_smtp(hold_data=True) as held:
        cfg = imported(tmp_path, held)
        proc = digest_process(cfg)
        assert held.holding.wait(180), proc.communicate(timeout=60)[0]
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=30)[0]  # STOP_GRACE_S is 5 s
    assert proc.returncode == 1, out
    assert f"stopped during the SMTP exchange with 127.0.0.1:{held.port}: it may have been " \
           "delivered (the next digest sends it again)" in out  # fmt: skip
    assert "Traceback" not in out
    assert sent_rows(tmp_path) == (0, 3)
    cfg = config(tmp_path, smtp_server)
    with caplog.at_level(logging.WARNING, logger="asicmon.digest"):
        again = CliRunner().invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert again.exit_code == 0, again.output
    assert len(smtp_server.sink.envelopes) == 1
    assert "3 item(s) of an earlier digest cut short while sending" in caplog.text
    assert sent_rows(tmp_path) == (3, 0)


def test_the_daemons_stop_cuts_a_send_short(tmp_path: Path) -> None:
    """The daemon passes its stop event: set during a send the server never answers, the job
    ends within STOP_GRACE_S and records nothing as sent."""
    from monitor.config import load_config
    from monitor.jobs.digest import run_digest
    from monitor.outputs.digest import STOP_GRACE_S, DigestError

    stop = threading.Event()
    errors: list[BaseException] = []

    def job() -> None:
        try:
            run_digest(load_config(cfg), deliver=True, stop=stop)
        except BaseException as exc:
            errors.append(exc)

    with raw_smtp(hold_data=True) as held:
        cfg = imported(tmp_path, held)
        thread = threading.Thread(target=job)
        thread.start()
        assert held.holding.wait(180)
        stop.set()
        thread.join(timeout=STOP_GRACE_S + 25)
        assert not thread.is_alive()
    [error] = errors
    assert isinstance(error, DigestError)
    assert "stopped during the SMTP exchange" in str(error)
    assert sent_rows(tmp_path) == (0, 3)


def test_sigterm_to_the_daemon_during_a_send_ends_it_within_the_grace(tmp_path: Path) -> None:
    """`asicmon run` whose digest job waits on a server that holds the data: SIGTERM ends the
    daemon within the unit's stop timeout (15 s), not after `timeout_s` (120 s here)."""
    with raw_smtp(hold_data=True) as held:
        cfg = imported(tmp_path, held)
        text = cfg.read_text(encoding="utf-8")
        cfg.write_text(text + "  timeout_s: 120\n  schedule: 2s\n", encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "monitor", "--config", str(cfg), "run"],
                                stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            assert held.holding.wait(180)
            proc.send_signal(signal.SIGTERM)
            err = proc.communicate(timeout=15)[1]
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped during the SMTP exchange" in err
    assert sent_rows(tmp_path) == (0, 3)
