"""Invalid configs: each one exits 2 from every command that loads the config, names the file
and the key (or line), shows no traceback, and never repeats a secret found in the file.

The same rule covers secrets at run time: an SMTP server that quotes the password back, a
source URL with ``user:pass@`` in a daemon log line (:mod:`monitor.redact`)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from monitor.cli import EXIT_INVALID_CONFIG, cli
from monitor.redact import redact_text, redact_url
from monitor.store import Store

ROOT = Path(__file__).parent.parent.parent
SECRET = "hunter2-Zx9q"  # appears in a case's file; must appear in no output

BASE = """\
database: data/monitor.db
http:
  contact_url: https://example.org/me
sources:
  - name: shop
    kind: shopify
    url: https://shop.example.com
"""
DIGEST = """\
digest:
  sender: asicmon@example.com
  recipients: [me@example.com]
  smtp_host: smtp.example.com
"""


def source(**changes: str | None) -> str:
    """BASE with keys of ``sources[0]`` changed (None drops the key), one per line."""
    keys: dict[str, str | None] = {"kind": "shopify", "url": "https://shop.example.com"}
    keys.update(changes)
    lines = [f"    {k}: {v}" for k, v in keys.items() if v is not None]
    return BASE.split("  - name: shop")[0] + "  - name: shop\n" + "\n".join(lines) + "\n"


def digest(extra: str, *, drop: str = "") -> str:
    kept = [line for line in DIGEST.splitlines() if not (drop and line.startswith(f"  {drop}:"))]
    return BASE + "\n".join([*kept, extra]) + "\n"


@dataclass(frozen=True)
class Case:
    content: str | bytes | None  # None: the file does not exist
    where: str  # the key path (or "line N") the output names
    says: str  # part of the message
    secret: str | None = None  # must not be printed


CASES: dict[str, Case] = {
    # --- the file itself
    "file-not-found": Case(None, "", "file not found"),
    "empty-file": Case("# nothing here yet\n", "", "the file is empty"),
    "top-level-list": Case("- sources\n- http\n", "", "must be a mapping of keys, not a list"),
    "not-utf8": Case(BASE.encode() + b"# caf\xe9 \xff\n", "line 8", "not UTF-8 text"),
    "control-character": Case(BASE + "# bell \x07\n", "line 8", "control character"),
    "yaml-tab-indent": Case(
        BASE.replace("    kind: shopify", "\tkind: shopify"),
        "line 6, column 1",
        "indent with spaces, not tabs",
    ),
    "yaml-unclosed-bracket": Case(
        BASE + "events: [extra.yaml,\nalerts: []\n",
        "line 10, column 1",
        "flow sequence that starts on line 8",
    ),
    "yaml-duplicate-key": Case(
        BASE + "http:\n  delay_s: 9\n", "line 8, column 1", "'http' is given twice"
    ),
    # --- top level and http
    "unknown-top-level-key": Case(BASE + "colour: blue\n", "colour", "unknown key"),
    "section-wrong-type": Case(
        BASE.split("sources:")[0] + "sources: shop\n", "sources", "should be a valid list"
    ),
    "timeout-zero": Case(
        BASE.replace("http:\n", "http:\n  timeout_s: 0\n"),
        "http.timeout_s",
        "greater than 0 (line 3)",
    ),
    "timeout-infinite": Case(
        BASE.replace("http:\n", "http:\n  timeout_s: .inf\n"), "http.timeout_s", "finite number"
    ),
    "missing-event-file": Case(
        BASE + "events: [events/mine.yaml]\n", "events[0]", "no such file: "
    ),
    "missing-catalog": Case(BASE + "catalog: my-catalog.yaml\n", "catalog", "no such file: "),
    # --- sources
    "typo-in-source": Case(
        source(delay="3"), "sources[0] (name 'shop').delay", "unknown key (not allowed here"
    ),
    "unknown-kind": Case(
        source(kind="amazon"), "sources[0] (name 'shop').kind", "unknown source kind; one of"
    ),
    "missing-kind": Case(source(kind=None), "sources[0] (name 'shop').kind", "missing; one of"),
    "missing-url": Case(source(url=None), "sources[0] (name 'shop').url", "missing: give url"),
    "url-and-urls": Case(
        source(urls="[https://b.example.com]"), "sources[0] (name 'shop').urls", "not both"
    ),
    "file-url": Case(
        source(url="file:///etc/passwd"), "sources[0] (name 'shop').url", "must be an http(s) URL"
    ),
    "ftp-url-in-list": Case(
        source(url=None, urls="[https://a.example.com, 'ftp://b.example.com/x']"),
        "sources[0] (name 'shop').urls[1]",
        "(this one is ftp:)",
    ),
    "javascript-url": Case(
        source(url="'javascript:alert(1)'"),
        "sources[0] (name 'shop').url",
        "must be an http(s) URL",
    ),
    "credentials-in-url": Case(
        source(url=f"https://bob:{SECRET}@shop.example.com/collections/all"),
        "sources[0] (name 'shop').url",
        "must not hold a user name or password",
        SECRET,
    ),
    "negative-delay": Case(
        source(delay_s="-1"),
        "sources[0] (name 'shop').delay_s",
        "greater than or equal to 0 (line 8)",
    ),
    "huge-number": Case(
        source(max_pages="1000000000000000000000000"),
        "sources[0] (name 'shop').max_pages",
        "less than or equal to 10000",
    ),
    "zero-interval": Case(
        source(schedule="0m"), "sources[0] (name 'shop').schedule", "longer than 0"
    ),
    "bad-source-name": Case(
        BASE.replace("name: shop", "name: My Shop"), "sources[0].name", "lowercase letters"
    ),
    "lowercase-currency": Case(
        source(currency="usd"), "sources[0] (name 'shop').currency", "three-letter currency code"
    ),
    "duplicate-source-name": Case(
        BASE + "  - name: shop\n    kind: woocommerce\n    url: https://other.example.com\n",
        "sources[1] (name 'shop').name",
        "already used by sources[0] (line 8)",
    ),
    "css-without-selectors": Case(
        source(kind="css"), "sources[0] (name 'shop').selectors", "missing (required)"
    ),
    "css-selector-without-item": Case(
        source(kind="css", selectors="{title: h2, price: .price}"),
        "sources[0] (name 'shop').selectors.item",
        "missing (required)",
    ),
    # --- alerts and exports
    "unknown-alert-field": Case(
        BASE + "alerts:\n  - {name: cheap, kind: below, usd_per_th: 15, threshold: 3}\n",
        "alerts[0] (name 'cheap').threshold",
        "unknown key",
    ),
    "alert-below-without-price": Case(
        BASE + "alerts:\n  - {name: cheap, kind: below}\n",
        "alerts[0] (name 'cheap').usd_per_th",
        "needs usd_per_th",
    ),
    "bad-cron-in-export": Case(
        BASE + "exports:\n  - {what: runs, path: runs.parquet, schedule: '61 * * * *'}\n",
        "exports[0].schedule",
        "not a valid crontab",
    ),
    "partition-needs-parquet": Case(
        BASE + "exports:\n  - {what: runs, path: out, format: csv, partition_by: month}\n",
        "exports[0].partition_by",
        "needs format: parquet",
    ),
    # --- digest
    "bad-interval-in-digest": Case(
        digest("  schedule: every hour"), "digest.schedule", "neither an interval"
    ),
    "empty-smtp-host": Case(
        digest("  smtp_host: ''", drop="smtp_host"),
        "digest.smtp_host",
        "give the SMTP server's host name",
    ),
    "port-in-smtp-host": Case(
        digest("  smtp_host: smtp.example.com:465", drop="smtp_host"),
        "digest.smtp_host",
        "give the port in smtp_port",
    ),
    "port-out-of-range": Case(
        digest("  smtp_port: 70000"), "digest.smtp_port", "less than or equal to 65535"
    ),
    "bad-sender-address": Case(
        digest("  sender: asicmon at example.com", drop="sender"),
        "digest.sender",
        "not an email address",
    ),
    "two-addresses-in-one": Case(
        digest("  recipients: [me@example.com, 'a@example.com, b@example.com']", drop="recipients"),
        "digest.recipients[1]",
        "one address per entry",
    ),
    "digest-without-sender": Case(digest("", drop="sender"), "digest.sender", "missing (required)"),
    # --- secrets written where they do not belong
    "password-in-file": Case(
        digest(f"  password: {SECRET}"), "digest.password", "secrets never go in this file", SECRET
    ),
    "apprise-url-in-file": Case(
        digest(f"  apprise_urls: tgram://123456:{SECRET}/987654"),
        "digest.apprise_urls",
        "name that variable with a key ending in _env",
        SECRET,
    ),
    "secret-as-env-name": Case(
        digest(f"  password_env: '{SECRET}!'"),
        "digest.password_env",
        "must name an environment variable",
        SECRET,
    ),
    "secret-of-wrong-type": Case(
        digest("  username_env: ME\n  password_env: 73519024"),
        "digest.password_env",
        "should be a valid string",
        "73519024",
    ),
    "user-without-password-env": Case(
        digest("  username_env: SMTP_USER"),
        "digest.password_env",
        "name the environment variable holding the password",
    ),
}


def write_case(tmp_path: Path, case: Case) -> Path:
    path = tmp_path / "conf" / "asicmon.yaml"
    path.parent.mkdir()
    if isinstance(case.content, bytes):
        path.write_bytes(case.content)
    elif case.content is not None:
        path.write_text(case.content, encoding="utf-8")
    return path


def check(result_code: int, output: str, path: Path, case: Case) -> None:
    assert result_code == EXIT_INVALID_CONFIG, output
    assert "Traceback" not in output
    assert f"{path}: " in output  # the file, then the errors
    line = next(ln for ln in output.splitlines() if case.says in ln)
    assert line.startswith(f"  {case.where}: " if case.where else "  "), output
    if case.secret:
        assert case.secret not in output


def invoke(path: Path, command: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(path), command])


def test_table_is_large_and_cases_differ() -> None:
    assert len(CASES) >= 40
    contents = [c.content for c in CASES.values()]
    assert len({repr(c) for c in contents}) == len(contents)


@pytest.mark.parametrize("command", ["check-config", "scrape"])
@pytest.mark.parametrize("name", list(CASES))
def test_invalid_config_exits_2_naming_the_key(tmp_path: Path, name: str, command: str) -> None:
    case = CASES[name]
    path = write_case(tmp_path, case)
    result = invoke(path, command)
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    check(result.exit_code, result.output, path, case)
    assert not (tmp_path / "conf" / "data").exists()  # nothing was opened or created


def test_every_error_at_once_in_file_order(tmp_path: Path) -> None:
    text = source(delay="3", max_pages="0") + "colour: blue\n" + "alerts: [{name: x, kind: up}]\n"
    result = invoke(write_case(tmp_path, Case(text, "", "")), "check-config")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].endswith("asicmon.yaml: invalid config, 4 errors")
    assert [ln.split(":")[0].strip() for ln in lines[1:]] == [
        "sources[0] (name 'shop').delay",
        "sources[0] (name 'shop').max_pages",
        "colour",
        "alerts[0] (name 'x').kind",
    ]


@pytest.mark.parametrize("name", ["yaml-tab-indent", "credentials-in-url"])
def test_real_process(tmp_path: Path, name: str) -> None:
    """The installed entry point, in its own process: exit 2, stderr only, no traceback."""
    case = CASES[name]
    path = write_case(tmp_path, case)
    for command in ("check-config", "scrape"):
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", "--config", str(path), command],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )
        assert proc.stdout == ""
        check(proc.returncode, proc.stderr, path, case)


def test_valid_config_still_valid(tmp_path: Path) -> None:
    text = digest("  username_env: SMTP_USER\n  password_env: SMTP_PASSWORD")
    result = invoke(write_case(tmp_path, Case(text, "", "")), "check-config")
    assert result.exit_code == 0, result.output
    assert "valid (1 sources" in result.output


def test_names_of_sources_are_shown_only_when_plainly_names(tmp_path: Path) -> None:
    text = BASE.replace("name: shop", f"name: 'https://u:{SECRET}@x'")
    result = invoke(write_case(tmp_path, Case(text, "", "")), "check-config")
    assert result.exit_code == 2
    assert "sources[0].name: must be lowercase" in result.output
    assert SECRET not in result.output


# --- redaction ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://shop.example.com/p/1?page=2", "https://shop.example.com/p/1?page=2"),
        ("https://bob:hunter2@shop.example.com/x", "https://bob:***@shop.example.com/x"),
        ("https://ghp_abc123@github.com/o/r", "https://***@github.com/o/r"),
        (
            "https://api.example.com/v1?q=s19&api_key=k3y&page=2",
            "https://api.example.com/v1?q=s19&api_key=***&page=2",
        ),
        (
            "https://h.example.com/?access_token=t0k&sig=abc",
            "https://h.example.com/?access_token=***&sig=***",
        ),
        ("tgram://123456:AAF-bot-token/987654", "tgram://***"),
        ("mailto://user:pass@gmail.com", "mailto://***"),
        ("http://[::1", "***"),  # unparseable: hide it all
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_text() -> None:
    text = (
        "GET https://bob:hunter2@shop.example.com/x failed: 401; retry with password=hunter3 "
        "token: 'abc.def' and smtp pass s3cr3t-value"
    )
    out = redact_text(text, secrets=["s3cr3t-value", None, ""])
    for secret in ("hunter2", "hunter3", "abc.def", "s3cr3t-value"):
        assert secret not in out
    assert "https://bob:***@shop.example.com/x failed: 401" in out
    assert redact_text("nothing to hide: 12 listings") == "nothing to hide: 12 listings"


def test_daemon_log_lines_are_redacted() -> None:
    from monitor.daemon import JsonLogFormatter

    record = logging.LogRecord(
        "asicmon.daemon",
        logging.INFO,
        __file__,
        1,
        "run %s failed - %s",
        ("shop", f"GET https://u:{SECRET}@h.example.com/ timed out"),
        None,
    )
    entry = json.loads(JsonLogFormatter().format(record))
    assert SECRET not in entry["msg"]
    assert "https://u:***@h.example.com/" in entry["msg"]


# --- SMTP: a wrong password is reported without the password -----------------------------------


@dataclass
class _Sink:
    envelopes: list[Any]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 OK"


def _quoting_authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> Any:
    """Refuses everyone and, like a careless server, quotes the credentials back."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    assert isinstance(data, LoginPassword)
    said = f"{data.login.decode()}:{data.password.decode()}"
    return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad credentials {said}")


@pytest.fixture
def auth_server() -> Iterator[tuple[str, int]]:
    controller = pytest.importorskip("aiosmtpd.controller")
    from tests.outputs.test_digest import free_port

    port = free_port()
    ctl = controller.Controller(
        _Sink([]),
        hostname="127.0.0.1",
        port=port,
        authenticator=_quoting_authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    ctl.start()
    yield "127.0.0.1", port
    ctl.stop()


# plain-text AUTH keeps the test free of certificates; the password check is the same
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_smtp_auth_failure_never_shows_the_password(
    tmp_path: Path,
    auth_server: tuple[str, int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    host, port = auth_server
    password = "Pa55-" + SECRET
    monkeypatch.setenv("ASICMON_TEST_SMTP_USER", "me")
    monkeypatch.setenv("ASICMON_TEST_SMTP_PASSWORD", password)
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""database: d.db
digest:
  sender: asicmon@example.com
  recipients: [me@example.com]
  smtp_host: {host}
  smtp_port: {port}
  security: none
  send_when_empty: true
  username_env: ASICMON_TEST_SMTP_USER
  password_env: ASICMON_TEST_SMTP_PASSWORD
""",
        encoding="utf-8",
    )
    Store(tmp_path / "d.db").close()  # an empty database: the digest has something to read
    caplog.set_level(logging.DEBUG, logger="asicmon")
    result = CliRunner().invoke(cli, ["--config", str(path), "-vv", "digest", "--send"])
    assert result.exit_code == 1, result.output
    assert f"authentication failed at {host}:{port} for user 'me'" in result.output
    assert "bad credentials me:***" in result.output  # the server's reply, minus the password
    # what asicmon logged (the test's own SMTP server, logger mail.log, logs its traffic)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert password not in result.output
    assert password not in logged
    assert SECRET not in result.output + logged


# --- bounded work on a hostile config: depth, size and the number of errors shown ---------------
BOUNDS: dict[str, Case] = {
    "flow-nested-500-deep": Case(
        BASE + "events: " + "[" * 500 + "]" * 500 + "\n",
        "line 8, column 72",
        "nested more than 64 levels deep (the most a config file may nest)",
    ),
    "block-nested-500-deep": Case(
        BASE + "".join(f"{'  ' * i}k{i}:\n" for i in range(500)),
        "line 71, column 127",
        "nested more than 64 levels deep (the most a config file may nest)",
    ),
    "larger-than-1-mb": Case(
        BASE + "#" * (1024 * 1024) + "\n",
        "",
        "the file is larger than 1 MB, the most a config file may be",
    ),
    "500k-values": Case(
        BASE + "events: [" + "0," * 500_000 + "0]\n",
        "line 8, column 99974",
        "more than 50,000 values (the most a config file may hold)",
    ),
}


@pytest.mark.parametrize("name", list(BOUNDS))
def test_hostile_config_is_one_clear_error(tmp_path: Path, name: str) -> None:
    """A YAML nested 500 deep was a RecursionError traceback; a 50 MB file was read whole, and
    500,000 values in 1 MB took 1 GB and 23 s to report one error each."""
    case = BOUNDS[name]
    path = write_case(tmp_path, case)
    result = invoke(path, "check-config")
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    check(result.exit_code, result.output, path, case)
    assert result.output.splitlines()[0].endswith("invalid config, 1 error")


def test_nesting_up_to_the_cap_is_read(tmp_path: Path) -> None:
    text = BASE + "events: " + "[" * 63 + "]" * 63 + "\n"  # the root mapping is level 1
    result = invoke(write_case(tmp_path, Case(text, "", "")), "check-config")
    assert "nested more than" not in result.output
    assert "events" in result.output  # an ordinary error about its value, not a depth error


def test_deep_config_in_a_real_process(tmp_path: Path) -> None:
    case = BOUNDS["flow-nested-500-deep"]
    path = write_case(tmp_path, case)
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(path), "check-config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert proc.stdout == ""
    check(proc.returncode, proc.stderr, path, case)


def test_errors_shown_are_capped_at_50(tmp_path: Path) -> None:
    """1M invalid sources printed 1M errors: the first 50 are shown as ever, then a count."""
    entries = "".join(f"  - {{name: s{i}, kind: shopify, url: x{i}}}\n" for i in range(300))
    text = BASE.split("sources:")[0] + "sources:\n" + entries
    result = invoke(write_case(tmp_path, Case(text, "", "")), "check-config")
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert lines[0].endswith("asicmon.yaml: invalid config, 300 errors")
    assert lines[1] == (
        "  sources[0] (name 's0').url: must be an http(s) URL such as "
        "https://shop.example.com (line 5)"
    )
    assert len(lines) == 1 + 50 + 1
    assert lines[50].startswith("  sources[49] (name 's49').url: ")
    assert lines[51] == "  ... and 250 more"
