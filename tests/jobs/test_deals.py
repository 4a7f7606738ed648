"""`asicmon deals` and ``jobs.deals.deals_db`` on a real SQLite file (imported through the CLI)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import load_config
from monitor.jobs.deals import DEAL_FIELDS, deals_db

TODAY = datetime.now(UTC).date()


def invoke(cfg: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(cfg), *args])
    return result.exit_code, result.stdout, result.stderr


def make_store(tmp_path: Path, economics: str = "", hashprice: bool = True) -> Path:
    """Asks for S19j Pro, S19 XP and S9 units (one for parts, very cheap), and a hashprice."""
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"database: d.db\n{economics}", encoding="utf-8")
    rows = ["observed_at,title,price,currency,source,url,listing_id"]
    for i, price in enumerate((1500, 1800, 2100)):
        rows.append(f"{TODAY},Antminer S19j Pro 104T used,{price},USD,shop,"
                    f"https://shop.example.com/j{i},j{i}")  # fmt: skip
    rows.append(f"{TODAY},Antminer S19 XP 141T,3000,USD,shop,https://shop.example.com/xp,xp")
    rows.append(f"{TODAY},Antminer S9 13.5T,60,USD,shop,https://shop.example.com/s9,s9")
    rows.append(f"{TODAY},Antminer S19j Pro 104T for parts not hashing,100,USD,shop,"
                "https://shop.example.com/parts,parts")  # fmt: skip
    data = tmp_path / "sightings.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = invoke(cfg, "import", str(data))
    assert code == 0, out + err
    if hashprice:
        market = tmp_path / "hashprice.csv"
        days = [TODAY - timedelta(days=2), TODAY - timedelta(days=1)]
        market.write_text(f"date,hashprice_usd_ph_day\n{days[0]},40\n{days[1]},50\n",
                          encoding="utf-8")  # fmt: skip
        code, out, err = invoke(cfg, "market", "import", str(market))
        assert code == 0, out + err
    return cfg


def test_deals_db_ranks_working_units_by_break_even(tmp_path: Path) -> None:
    cfg = make_store(tmp_path, "economics: {power_usd_kwh: 0.05}\n")
    deals = deals_db(load_config(cfg))
    keys = [d["listing_key"] for d in deals]
    assert "shop:parts" not in keys  # the cheapest of all, but for parts: never a deal
    assert len(keys) == 5
    months = [d["breakeven_months"] for d in deals]
    finite = [m for m in months if m is not None]
    assert finite == sorted(finite)
    assert months[-1] is None
    assert keys[-1] == "shop:s9"
    assert all(d["hashprice_usd_ph_day"] == 50.0 for d in deals)  # the latest day's
    assert all(d["hashprice_date"] == str(TODAY - timedelta(days=1)) for d in deals)
    # the S19 XP: 141 x 50 / 1000 x 0.9506 = 6.70173 a day, 141 x 21.5 = 3031.5 W -> 3.52863;
    # 3000 / (30.44 x 3.17310) = 31.06 months, before the cheapest S19j Pro
    assert keys[:2] == ["shop:xp", "shop:j0"]
    assert deals[0]["breakeven_months"] == pytest.approx(31.06, abs=0.01)
    first = deals[1]
    # 104 TH/s x 50 / 1000 x 0.98 x 0.97 = 4.94312; 104 x 29.5 = 3068 W x 24 / 1000 x 0.05 x
    # 0.97 = 3.57115; profit 1.37197; 1500 / (30.44 x 1.37197) = 35.92 months
    assert first["daily_revenue_usd"] == pytest.approx(4.9431, abs=1e-4)
    assert first["daily_power_usd"] == pytest.approx(3.57115, abs=1e-4)
    assert first["breakeven_months"] == pytest.approx(35.92, abs=0.01)
    # median of the three S19j Pro (1500, 1800, 2100 over 104 TH/s): 1800 -> j0 is -16.7 %
    assert first["vs_median_pct"] == pytest.approx(-16.7)
    assert deals_db(load_config(cfg), limit=2) == deals[:2]


def test_deals_json_fields(tmp_path: Path) -> None:
    cfg = make_store(tmp_path)
    code, out, err = invoke(cfg, "deals", "--json")
    assert code == 0, out + err
    rows = json.loads(out)
    assert rows
    assert all(list(r) == DEAL_FIELDS for r in rows)
    assert DEAL_FIELDS == [
        "listing_key", "title", "url", "source", "model", "tier", "condition", "hashrate_ths",
        "efficiency_j_th", "price_usd", "usd_per_th", "daily_revenue_usd", "daily_power_usd",
        "daily_profit_usd", "breakeven_months", "fmv_usd", "vs_fmv_pct", "vs_median_pct",
        "hashprice_usd_ph_day", "hashprice_date", "last_seen",
    ]  # fmt: skip
    assert rows[-1]["breakeven_months"] is None  # JSON null: never pays back
    code, out, _ = invoke(cfg, "deals", "--json", "--limit", "1")
    assert len(json.loads(out)) == 1


def test_deals_table(tmp_path: Path) -> None:
    cfg = make_store(tmp_path)
    code, out, err = invoke(cfg, "deals")
    assert code == 0, out + err
    lines = out.splitlines()
    assert lines[0].startswith("hashprice 50.00 USD/PH/day on ")
    assert lines[1].split() == ["model", "$/TH", "payback", "vs", "FMV", "title"]
    assert "Antminer S19 XP" in lines[2]
    assert " mo " in lines[2]
    assert "note:" not in out
    assert "never" in lines[-1]
    assert "Antminer S9" in lines[-1]
    assert "for parts" not in out


def test_hosting_fee_replaces_the_power_cost(tmp_path: Path) -> None:
    cfg = make_store(tmp_path, "economics: {hosting_usd_month: 60.88}\n")
    deals = deals_db(load_config(cfg))
    assert {d["daily_power_usd"] for d in deals} == {2.0}  # 60.88 / 30.44


def test_an_old_hashprice_is_said(tmp_path: Path) -> None:
    cfg = make_store(tmp_path, hashprice=False)
    # the bundled market data ends years before these listings: the latest day it has is used,
    # and the table says how old it is
    code, out, err = invoke(cfg, "deals", "--json")
    assert code == 0, out + err
    day = json.loads(out)[0]["hashprice_date"]
    assert day < str(TODAY)
    code, out, err = invoke(cfg, "deals")
    assert code == 0, out + err
    assert out.splitlines()[1] == (
        f"note: the hashprice is {(TODAY - date.fromisoformat(day)).days} days older than the "
        "newest listing: run `asicmon market` (or `asicmon market import FILE.csv`)"
    )


def test_no_database_creates_none(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database: d.db\n", encoding="utf-8")
    code, _, err = invoke(cfg, "deals")
    assert code == 1
    assert "no database yet" in err
    assert not (tmp_path / "d.db").exists()


@pytest.mark.parametrize(
    ("economics", "key"),
    [
        ("economics: {power_usd_kwh: -1}", "economics.power_usd_kwh"),
        ("economics: {pool_fee_pct: 100}", "economics.pool_fee_pct"),
        ("economics: {uptime_pct: 0}", "economics.uptime_pct"),
        ("economics: {fmv_months: cheap}", "economics.fmv_months"),
        ("economics: {hosting_usd_month: -5}", "economics.hosting_usd_month"),
        ("economics: {power_price: 0.05}", "economics.power_price"),
    ],
)
def test_config_errors_name_the_key(tmp_path: Path, economics: str, key: str) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"database: d.db\n{economics}\n", encoding="utf-8")
    code, out, err = invoke(cfg, "check-config")
    assert code == 2
    errors = [line for line in (out + err).splitlines() if line.startswith("  ")]
    assert len(errors) == 1, out + err
    assert errors[0].strip().startswith(f"{key}: ")
    assert "(line 2)" in errors[0]


def test_economics_defaults(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database: d.db\neconomics:\n", encoding="utf-8")
    econ = load_config(cfg).economics
    assert (econ.power_usd_kwh, econ.pool_fee_pct, econ.uptime_pct) == (0.06, 2.0, 97.0)
    assert (econ.hosting_usd_month, econ.fmv_months) == (None, 18.0)
