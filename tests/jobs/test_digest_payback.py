"""The digest's top summary and payback, end to end: a real database, a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from tests.jobs.test_digest import TODAY, write_data
from tests.outputs.test_digest import Server, smtp_server  # noqa: F401 - the fixture


def setup(tmp_path: Path, server: Server) -> Path:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"""
database: d.db
economics: {{power_usd_kwh: 0.06}}
alerts:
  - {{name: quick-payback, kind: payback, months: 24}}
digest:
  sender: asicmon@example.com
  recipients: [me@example.com]
  smtp_host: {server.host}
  smtp_port: {server.port}
  security: none
""", encoding="utf-8")  # fmt: skip
    runner = CliRunner()
    done = runner.invoke(cli, ["--config", str(cfg), "import", str(write_data(tmp_path))])
    assert done.exit_code == 0, done.output
    more = tmp_path / "more.csv"  # a deal that pays back slower than the alert's 24 months
    more.write_text("observed_at,title,price,currency,source,url,listing_id\n"
                    f"{TODAY},Antminer S19j Pro 104T,700,USD,cheap,https://cheap.example.com/1,"
                    "c1\n", encoding="utf-8")  # fmt: skip
    done = runner.invoke(cli, ["--config", str(cfg), "import", str(more)])
    assert done.exit_code == 0, done.output
    market = tmp_path / "hashprice.csv"
    market.write_text(f"date,hashprice_usd_ph_day\n{TODAY - timedelta(days=1)},50\n",
                      encoding="utf-8")  # fmt: skip
    done = runner.invoke(cli, ["--config", str(cfg), "market", "import", str(market)])
    assert done.exit_code == 0, done.output
    return cfg


def test_summary_and_payback_once_and_escaped(tmp_path: Path, smtp_server: Server) -> None:  # noqa: F811
    cfg = setup(tmp_path, smtp_server)
    runner = CliRunner()
    first = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert first.exit_code == 0, first.output
    assert len(smtp_server.sink.envelopes) == 1
    msg = email.message_from_bytes(smtp_server.sink.envelopes[0].content,
                                   policy=email.policy.default)  # fmt: skip
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()

    # the summary comes first: the tier's level and weekly move (asks at 0.6 x 20 $/TH for the
    # last four weeks: flat), and the hashprice the paybacks are at
    assert text.index("Summary") < text.index("Alerts")
    assert re.search(r"- tier:25to38: 1\d\.\d\d USD/TH \([+-]\d+\.\d % in 7 days\)", text)
    assert f"hashprice: 50.00 USD/PH/day on {TODAY - timedelta(days=1)}" in text
    assert "<h2>Summary</h2>" in html
    assert "tier:25to38:" in html

    # the payback alert: the 400 USD S19j Pro 104T (the hostile title) pays back in 20.0 months:
    # 104 x 50 / 1000 x 0.9506 = 4.94312 a day, 3068 W -> 4.28538; 400 / (30.44 x 0.65774)
    assert "pays back in 20.0 months" in text
    assert "pays back in 20.0 months" in html
    # and is not listed again under Best deals, where the 700 USD one shows its payback:
    # 700 / (30.44 x 0.65774) = 34.96 months
    deals = text[text.index("Best deals") :]
    assert "alert(1)" not in deals
    assert "under the tier 25to38 median, payback 35.0 months, cheap" in deals
    assert "payback 35.0 months" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    second = runner.invoke(cli, ["--config", str(cfg), "digest", "--send"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output  # the payback alert is not repeated
    assert len(smtp_server.sink.envelopes) == 1
