"""The command line as a user meets it: dates, `-v` anywhere, progress on long work, read-only
commands on a folder without a database, and finding an index series by name."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import cli
from tests.conftest import LocalSite, Reply, dealer_asks_csv


def invoke(config: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args], env=env)


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    """A folder with a config like the sample one (database under data/out/) and no database."""
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: data/out/asicmon.db\n"
        "digest: {sender: asicmon@example.com, recipients: [me@example.com], "
        "smtp_host: localhost}\n"
        "sources:\n"
        "  - {name: shop, kind: shopify, url: 'http://127.0.0.1:9/shop'}\n"
        "  - {name: chan, kind: telegram, url: 'https://t.me/s/chan'}\n",
        encoding="utf-8",
    )
    return config


# -- dates: one parameter type, exit 2 with the value and the form -----------------------------
DATE_OPTIONS = [
    ["analyse", "--since", "{}"],
    ["analyse", "--until", "{}"],
    ["plot", "--series", "tier:25to38", "-o", "x.png", "--since", "{}"],
    ["plot", "--series", "tier:25to38", "-o", "x.png", "--until", "{}"],
    ["backfill", "--source", "chan", "--until", "{}"],
]


@pytest.mark.parametrize("args", DATE_OPTIONS, ids=lambda a: f"{a[0]}-{a[-2]}")
@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2026-13-01", "'2026-13-01' is not a valid date (YYYY-MM-DD): month must be in 1..12"),
        ("2026-02-30", "'2026-02-30' is not a valid date (YYYY-MM-DD): day is out of range"),
        ("yesterday", "'yesterday' is not a date: write it as YYYY-MM-DD"),
        ("2026-1-5", "'2026-1-5' is not a date: write it as YYYY-MM-DD"),
        ("2026-01-05T00:00", "'2026-01-05T00:00' is not a date: write it as YYYY-MM-DD"),
    ],
)
def test_every_date_option_refuses_what_is_not_a_date(
    empty: Path, args: list[str], value: str, why: str
) -> None:
    result = invoke(empty, *[a.format(value) for a in args])
    assert result.exit_code == 2, result.output
    option = args[-2]
    assert f"Invalid value for '{option}': {why}" in result.stderr
    assert "Traceback" not in result.output
    assert not (empty.parent / "data").exists()


@pytest.mark.parametrize("command", [["analyse"], ["plot", "--series", "tier:x", "-o", "x.png"]])
def test_since_after_until_is_a_usage_error(empty: Path, command: list[str]) -> None:
    result = invoke(empty, *command, "--since", "2026-05-02", "--until", "2026-05-01")
    assert result.exit_code == 2, result.output
    assert "--since 2026-05-02 is after --until 2026-05-01" in result.stderr
    assert not (empty.parent / "data").exists()


def test_a_one_day_range_is_fine(empty: Path) -> None:
    result = invoke(empty, "analyse", "--since", "2026-05-01", "--until", "2026-05-01")
    assert "is after" not in result.output
    assert "no database yet" in result.output  # it got past the options


# -- read-only commands never create a database ------------------------------------------------
READ_ONLY = [
    ["status"],
    ["status", "--json"],
    ["sources"],
    ["sources", "--json"],
    ["unmatched"],
    ["analyse"],
    ["analyse", "--json"],
    ["analyse", "--series"],
    ["plot", "--series", "tier:25to38", "-o", "chart.png"],
    ["export", "--what", "listings", "--format", "csv", "-o", "out.csv"],
    ["export", "--what", "index", "--format", "parquet", "-o", "out.parquet"],
    ["digest", "--dry-run"],
    ["digest"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_commands_say_there_is_no_database_and_create_none(
    empty: Path, args: list[str]
) -> None:
    folder = empty.parent
    result = CliRunner().invoke(
        cli, ["--config", str(empty), *[str(folder / a) if a.startswith(("chart", "out")) else a
                                        for a in args]]
    )  # fmt: skip
    database = folder / "data" / "out" / "asicmon.db"
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"error: no database yet at {database}: run `asicmon scrape` or `asicmon import` first\n"
    )
    assert not (folder / "data").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["config.yaml"]


def test_events_needs_no_database(empty: Path) -> None:
    result = invoke(empty, "events")
    assert result.exit_code == 0, result.output
    assert not (empty.parent / "data").exists()


def test_import_creates_the_database_and_then_reads_work(empty: Path) -> None:
    rows = empty.parent / "rows.csv"
    rows.write_text(
        "observed_at,title,price,currency\n2026-05-01,Antminer S19 95T,900,USD\n", encoding="utf-8"
    )
    assert invoke(empty, "import", str(rows)).exit_code == 0
    assert (empty.parent / "data" / "out" / "asicmon.db").is_file()
    result = invoke(empty, "status", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["observations"] == 1


# -- finding a series --------------------------------------------------------------------------
@pytest.fixture
def dealer(tmp_path: Path) -> Path:
    """The dealer asks of 2022 imported into a fresh database."""
    config = tmp_path / "config.yaml"
    config.write_text("database: a.db\n", encoding="utf-8")
    path = dealer_asks_csv(tmp_path / "asks.csv")
    assert invoke(config, "import", str(path)).exit_code == 0
    return config


def test_analyse_series_lists_every_series_name_tiers_first(dealer: Path) -> None:
    result = invoke(dealer, "analyse", "--series")
    assert result.exit_code == 0, result.output
    names = result.stdout.splitlines()
    full = json.loads(invoke(dealer, "analyse", "--json").stdout)
    assert sorted(names) == sorted({p["series"] for p in full["index"]})
    assert names[:2] == ["tier:25to38", "tier:38to68"]
    assert all(n.startswith("model:") for n in names[2:])
    assert names[2:] == sorted(names[2:])


def test_plot_with_a_wrong_name_suggests_the_closest_and_how_to_list(
    dealer: Path, tmp_path: Path
) -> None:
    result = invoke(dealer, "plot", "--series", "tier:25-38", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 1, result.output
    assert "no index series 'tier:25-38'; did you mean tier:25to38 or" in result.stderr
    assert "asicmon analyse --series" in result.stderr
    assert not (tmp_path / "x.png").exists()


# -- -v after the subcommand, and progress -----------------------------------------------------
def product(pid: int, title: str) -> dict[str, object]:
    variant = {"id": pid * 10, "title": "Default Title", "price": "450.00", "available": True}
    return {"id": pid, "title": title, "handle": f"p{pid}", "tags": [], "variants": [variant]}


def shop_config(tmp_path: Path, site: LocalSite) -> Path:
    site.route(
        "/shop/products.json?limit=2&page=1",
        Reply(
            200,
            json.dumps(
                {
                    "products": [
                        product(1, "Antminer S19j Pro 104T"),
                        product(2, "Whatsminer M30S++ 112T"),
                    ]
                }
            ),
        ),
    )
    site.route("/shop/products.json?limit=2&page=2",
               Reply(200, json.dumps({"products": [product(3, "Antminer S19 95T")]})))  # fmt: skip
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: shop.db\n"
        "http: {delay_s: 0, jitter_s: 0, timeout_s: 5, max_retries: 0}\n"
        f"sources:\n  - {{name: shop, kind: shopify, url: '{site.url}/shop', page_size: 2}}\n",
        encoding="utf-8",
    )
    return config


def asicmon(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "ASICMON_PARSE_WORKERS": "1", **(env or {})},
    )


@pytest.mark.parametrize(
    ("before", "after", "info"),
    [([], [], False), (["-v"], [], True), ([], ["-v"], True), ([], ["--verbose"], True)],
)
def test_verbose_works_before_and_after_the_subcommand(
    tmp_path: Path, site: LocalSite, before: list[str], after: list[str], info: bool
) -> None:
    config = shop_config(tmp_path, site)
    proc = asicmon(*before, "--config", str(config), "scrape", *after)
    assert proc.returncode == 0, proc.stderr
    assert ("INFO asicmon.jobs: source shop: ok, 2 pages" in proc.stderr) is info


def test_every_command_takes_verbose() -> None:
    for name, command in cli.commands.items():
        assert any("-v" in p.opts for p in command.params), name


def test_scrape_progress_is_plain_lines_without_a_terminal(tmp_path: Path, site: LocalSite) -> None:
    result = invoke(shop_config(tmp_path, site), "scrape")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["shop: page 1, 2 listings", "shop: page 2, 3 listings"]
    assert result.stdout.startswith("shop: ok, 2 pages, 3 listings")
    assert "\r" not in result.output


def test_scrape_progress_on_a_terminal_is_one_line_rewritten(
    tmp_path: Path, site: LocalSite
) -> None:
    result = invoke(shop_config(tmp_path, site), "scrape", env={"ASICMON_PROGRESS": "1"})
    assert result.exit_code == 0, result.output
    clear = "\r\x1b[K"
    # drawn in place, then cleared before the result is printed: no progress line is left
    assert result.stderr == (
        f"{clear}shop: page 1, 2 listings{clear}shop: page 2, 3 listings{clear}"
    )
    assert result.stdout.startswith("shop: ok, 2 pages, 3 listings")


def many_rows(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "many.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["observed_at", "title", "price", "currency", "listing_id"])
        w.writerows(["2026-05-01", "Antminer S19 95T", "900", "USD", f"id{i}"] for i in range(n))
    return path


def test_import_progress_plain_and_on_a_terminal(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("database: a.db\n", encoding="utf-8")
    path = many_rows(tmp_path, 1200)
    plain = invoke(config, "import", str(path))
    assert plain.exit_code == 0, plain.output
    assert plain.stderr.splitlines() == ["many.csv: 500 rows read", "many.csv: 1,000 rows read"]
    live = invoke(config, "import", str(path), env={"ASICMON_PROGRESS": "0"})
    assert live.stderr == plain.stderr  # forced off: the same plain lines
    live = invoke(config, "import", str(path), env={"ASICMON_PROGRESS": "1"})
    clear = "\r\x1b[K"
    assert live.stderr == f"{clear}many.csv: 500 rows read{clear}many.csv: 1,000 rows read{clear}"
    assert "imported 1200 of 1200 rows" in live.stdout


TELEGRAM = Path(__file__).parent / "fixtures" / "sources" / "telegram"


@pytest.mark.parametrize(("until", "pages"), [("2026-11-01", 2), ("2026-11-21", 1)])
def test_backfill_pages_back_to_the_day_given(
    tmp_path: Path, site: LocalSite, until: str, pages: int
) -> None:
    page = (TELEGRAM / "2026-11-25-kaboomracks-page.input.html").read_text(encoding="utf-8")
    end = (TELEGRAM / "2026-11-25-end-of-channel.input.html").read_text(encoding="utf-8")
    site.route("/s/kaboomracks", Reply(200, page, {"Content-Type": "text/html; charset=utf-8"}))
    site.route("/s/kaboomracks?before=4101", Reply(200, end, {"Content-Type": "text/html"}))
    config = tmp_path / "config.yaml"
    config.write_text(
        "database: t.db\nhttp: {delay_s: 0, jitter_s: 0, timeout_s: 5, max_retries: 0}\n"
        f"sources:\n  - {{name: chan, kind: telegram, url: '{site.url}/s/kaboomracks'}}\n",
        encoding="utf-8",
    )
    result = invoke(config, "backfill", "--source", "chan", "--until", until)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"chan: ok, {pages} pages")
    assert [line.split(",")[0] for line in result.stderr.splitlines()] == [
        f"chan: page {n}" for n in range(1, pages + 1)
    ]
