"""Market series: the bundled history, the API parsers on fixtures, fetching from a LocalSite."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from monitor.config import HttpConfig
from monitor.fetch.http import Fetcher, FetchError
from monitor.fetch.market import (
    MARKET_COLUMNS,
    SOURCE_BLOCKCHAIN,
    SOURCE_MEMPOOL,
    MarketDataError,
    blockchain_chart_url,
    blockchain_frame,
    empty_frame,
    fetch_recent,
    hashprice_from_difficulty,
    load_bundled,
    mempool_frame,
    mempool_period,
    merge,
    parse_blockchain_chart,
    parse_mempool_hashrate,
    parse_mempool_rewards,
)
from tests.conftest import FIXTURES, LocalSite, Reply

MARKET = FIXTURES / "market"
FAST = HttpConfig(delay_s=0, jitter_s=0, timeout_s=2, max_retries=0)
DAY = pd.Timestamp("2026-08-15")
DIFFICULTY = 127479855693691.2  # the fixture's retarget on 2026-08-13


def text(name: str) -> str:
    return (MARKET / name).read_text(encoding="utf-8")


def blockchain_texts() -> tuple[str, str, str]:
    return (
        text("blockchain_market-price.json"),
        text("blockchain_hash-rate.json"),
        text("blockchain_miners-revenue.json"),
    )


# -- bundled ---------------------------------------------------------------------------------
def test_bundled_history_covers_2015_to_2021_daily() -> None:
    frame = load_bundled()
    assert list(frame.columns) == MARKET_COLUMNS
    assert frame.index.name == "date"
    assert frame.index.is_monotonic_increasing
    assert frame.index.is_unique
    assert frame.index.min() == pd.Timestamp("2010-07-18")
    assert frame.index.max() == pd.Timestamp("2022-01-04")
    span = frame.loc["2015-01-01":"2021-12-31"]
    assert len(span) == len(pd.date_range("2015-01-01", "2021-12-31"))  # no missing day
    assert (span["btc_usd"] > 0).all()
    assert frame["hashprice_usd_ph_day"].isna().all()  # no licensed hashprice history
    assert 15_000 < frame.loc["2017-12-17", "btc_usd"] < 21_000
    assert 2_500 < frame.loc["2018-12-15", "btc_usd"] < 4_500


def test_bundled_history_is_a_copy() -> None:
    first = load_bundled()
    first.loc["2020-01-01", "btc_usd"] = -1.0
    assert load_bundled().loc["2020-01-01", "btc_usd"] > 0


# -- blockchain.info -------------------------------------------------------------------------
def test_parse_blockchain_price_chart() -> None:
    series = parse_blockchain_chart(text("blockchain_market-price.json"))
    assert series.name == "USD"
    assert len(series) == 10
    assert series.index[0] == pd.Timestamp("2026-08-10")
    assert series.index.is_monotonic_increasing
    assert series[DAY] == 76000.0


def test_parse_blockchain_scientific_notation_and_gap() -> None:
    series = parse_blockchain_chart(text("blockchain_hash-rate.json"))
    assert series[DAY] == pytest.approx(9.2210e8)
    assert pd.Timestamp("2026-08-17") not in series.index


def test_points_within_a_day_are_averaged() -> None:
    answer = '{"status": "ok", "unit": "USD", "values": [{"x": 1786320000, "y": 10}, ' + (
        '{"x": 1786341600, "y": 20}, {"x": 1786406400, "y": 5}]}'
    )
    series = parse_blockchain_chart(answer)
    assert series.tolist() == [15.0, 5.0]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("<html>Too many requests</html>", "not JSON"),
        ('{"status": "error", "values": []}', "status 'error'"),
        ('{"status": "ok"}', "no 'values' list"),
        ('{"values": [{"x": 1786320000, "y": "n/a"}]}', "expected a number"),
    ],
)
def test_blockchain_parser_rejects_unexpected_answers(answer: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_blockchain_chart(answer)


def test_blockchain_frame_hashprice_is_revenue_over_hashrate() -> None:
    frame = blockchain_frame(*blockchain_texts())
    assert list(frame.columns) == MARKET_COLUMNS
    assert len(frame) == 10
    row = frame.loc[DAY]
    assert row["btc_usd"] == 76000.0
    assert row["hashrate_ehs"] == pytest.approx(922.10)
    assert row["hashprice_usd_ph_day"] == pytest.approx(3.3861e7 / (9.2210e8 / 1000))
    gap = frame.loc["2026-08-17"]
    assert gap["btc_usd"] == pytest.approx(78104.37)
    assert math.isnan(gap["hashprice_usd_ph_day"])
    assert math.isnan(gap["hashrate_ehs"])


def test_hash_rate_unit_is_read_from_the_answer() -> None:
    answer = text("blockchain_hash-rate.json").replace("TH/s", "PH/s").replace("E8", "E5")
    frame = blockchain_frame(text("blockchain_market-price.json"), answer, blockchain_texts()[2])
    assert frame.loc[DAY, "hashrate_ehs"] == pytest.approx(922.10)


def test_chart_url() -> None:
    assert blockchain_chart_url("hash-rate", 30, "http://h/") == (
        "http://h/charts/hash-rate?timespan=30days&sampled=false&format=json"
    )


# -- mempool.space ---------------------------------------------------------------------------
def test_parse_mempool_rewards_daily_averages() -> None:
    frame = parse_mempool_rewards(text("mempool_rewards_3m.json"))
    assert len(frame) == 10
    assert frame.loc[DAY, "reward_btc"] == pytest.approx(3.15625)
    assert frame.loc[DAY, "btc_usd"] == 76000.0


def test_parse_mempool_hashrate_and_difficulty_steps() -> None:
    hashrate, difficulty = parse_mempool_hashrate(text("mempool_hashrate_3m.json"))
    assert len(hashrate) == 10
    assert hashrate[DAY] == pytest.approx(9.2210e20)
    assert difficulty[pd.Timestamp("2026-08-13")] == DIFFICULTY
    # the difficulty in force before the retarget, from its adjustment ratio (new / old)
    assert difficulty[pd.Timestamp("2026-08-10")] == pytest.approx(DIFFICULTY / 1.0312)


def test_mempool_frame_hashprice_from_difficulty() -> None:
    frame = mempool_frame(text("mempool_hashrate_3m.json"), text("mempool_rewards_3m.json"))
    assert list(frame.columns) == MARKET_COLUMNS
    by_hand = 3.15625 * 76000 * 86400 * 1e15 / (DIFFICULTY * 2**32)
    assert frame.loc[DAY, "hashprice_usd_ph_day"] == pytest.approx(by_hand)
    assert 37.8 < by_hand < 37.9
    before = frame.loc["2026-08-12"]  # the old, lower difficulty: more per hash
    rewards = parse_mempool_rewards(text("mempool_rewards_3m.json")).loc["2026-08-12"]
    assert before["hashprice_usd_ph_day"] == pytest.approx(
        hashprice_from_difficulty(rewards["reward_btc"], rewards["btc_usd"], DIFFICULTY / 1.0312)
    )
    assert frame["hashprice_usd_ph_day"].notna().all()


def test_both_providers_roughly_agree_on_the_fixtures() -> None:
    a = blockchain_frame(*blockchain_texts())["hashprice_usd_ph_day"].dropna()
    b = mempool_frame(text("mempool_hashrate_3m.json"), text("mempool_rewards_3m.json"))
    ratio = a / b["hashprice_usd_ph_day"].reindex(a.index)
    assert ratio.between(0.85, 1.15).all()


@pytest.mark.parametrize(("days", "period"), [(7, "1m"), (30, "1m"), (90, "3m"), (91, "6m")])
def test_mempool_period(days: int, period: str) -> None:
    assert mempool_period(days) == period
    assert mempool_period(5000) == "all"


def test_mempool_parsers_reject_unexpected_answers() -> None:
    with pytest.raises(ValueError, match="no 'hashrates' list"):
        parse_mempool_hashrate("[]")
    with pytest.raises(ValueError, match="expected a list"):
        parse_mempool_rewards('{"error": "rate limited"}')


# -- fetching from a real local server ---------------------------------------------------------
def serve_blockchain(site: LocalSite) -> None:
    for chart in ("market-price", "hash-rate", "miners-revenue"):
        site.route(f"/charts/{chart}", Reply(200, text(f"blockchain_{chart}.json")))


def serve_mempool(site: LocalSite) -> None:
    site.route("/api/v1/mining/hashrate/3m", Reply(200, text("mempool_hashrate_3m.json")))
    site.route("/api/v1/mining/blocks/rewards/3m", Reply(200, text("mempool_rewards_3m.json")))


def test_fetch_recent_from_blockchain(site: LocalSite) -> None:
    serve_blockchain(site)
    with Fetcher(FAST) as fetcher:
        frame = fetch_recent(fetcher, days=90, blockchain_base=site.url, mempool_base=site.url)
    assert frame.attrs["source"] == SOURCE_BLOCKCHAIN
    pd.testing.assert_frame_equal(frame, blockchain_frame(*blockchain_texts()))
    asked = [p for p in site.paths() if p.startswith("/charts/")]
    assert asked == [
        f"/charts/{c}?timespan=90days&sampled=false&format=json"
        for c in ("market-price", "hash-rate", "miners-revenue")
    ]


def test_fetch_recent_keeps_the_last_days(site: LocalSite) -> None:
    serve_blockchain(site)
    with Fetcher(FAST) as fetcher:
        frame = fetch_recent(fetcher, days=3, blockchain_base=site.url)
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2026-08-17", "2026-08-18", "2026-08-19"]


def test_fetch_recent_falls_back_to_mempool(site: LocalSite) -> None:
    site.route("/charts/market-price", Reply(503, "maintenance"))
    serve_mempool(site)
    with Fetcher(FAST) as fetcher:
        frame = fetch_recent(fetcher, blockchain_base=site.url, mempool_base=f"{site.url}/api")
    assert frame.attrs["source"] == SOURCE_MEMPOOL
    assert frame.loc[DAY, "btc_usd"] == 76000.0
    assert "/api/v1/mining/hashrate/3m" in site.paths()


def test_an_answer_that_does_not_parse_falls_back_too(site: LocalSite) -> None:
    serve_blockchain(site)
    site.route("/charts/hash-rate", Reply(200, "<html>captcha</html>"))
    serve_mempool(site)
    with Fetcher(FAST) as fetcher:
        frame = fetch_recent(fetcher, blockchain_base=site.url, mempool_base=f"{site.url}/api")
    assert frame.attrs["source"] == SOURCE_MEMPOOL


def test_fetch_recent_fails_with_every_reason(site: LocalSite) -> None:
    site.route("/charts/market-price", Reply(500, "boom"))
    with Fetcher(FAST) as fetcher, pytest.raises(MarketDataError) as caught:
        fetch_recent(fetcher, blockchain_base=site.url, mempool_base=f"{site.url}/api")
    assert isinstance(caught.value, FetchError)  # the CLI catches FetchError
    message = str(caught.value)
    assert "blockchain: " in message
    assert "HTTP 500" in message
    assert "mempool: " in message
    assert "HTTP 404" in message


def test_fetch_recent_obeys_robots(site: LocalSite) -> None:
    site.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /charts/\n"))
    serve_blockchain(site)
    with Fetcher(FAST) as fetcher, pytest.raises(MarketDataError, match="robots.txt"):
        fetch_recent(fetcher, providers=("blockchain",), blockchain_base=site.url)
    assert not [p for p in site.paths() if p.startswith("/charts/")]


def test_fetch_recent_rejects_bad_arguments() -> None:
    with Fetcher(FAST) as fetcher:
        with pytest.raises(ValueError, match="days"):
            fetch_recent(fetcher, days=0)
        with pytest.raises(ValueError, match="unknown market data provider"):
            fetch_recent(fetcher, providers=("coingecko",))  # type: ignore[arg-type]


# -- merging -----------------------------------------------------------------------------------
def test_merge_new_values_win_and_gaps_keep_old() -> None:
    old = load_bundled().loc["2021-12-20":]
    days = pd.DatetimeIndex(["2022-01-03", "2022-01-04", "2022-01-05"], name="date")
    new = pd.DataFrame(
        {"btc_usd": [46000.0, math.nan, 43500.0], "hashprice_usd_ph_day": [300.0, 280.0, 290.0]},
        index=days,
    )
    merged = merge(old, new)
    assert list(merged.columns) == MARKET_COLUMNS
    assert merged.index.is_unique
    assert merged.index.is_monotonic_increasing
    assert merged.index.min() == pd.Timestamp("2021-12-20")
    assert merged.index.max() == pd.Timestamp("2022-01-05")
    assert merged.loc["2022-01-03", "btc_usd"] == 46000.0  # new wins
    assert merged.loc["2022-01-04", "btc_usd"] == pytest.approx(45837.130344)  # NaN keeps old
    assert merged.loc["2022-01-04", "hashprice_usd_ph_day"] == 280.0
    assert merged.loc["2021-12-31", "btc_usd"] == old.loc["2021-12-31", "btc_usd"]


def test_merge_accepts_a_date_column_and_empty_frames() -> None:
    rows = pd.DataFrame({"date": ["2026-08-02", "2026-08-01"], "btc_usd": [2.0, 1.0]})
    merged = merge(empty_frame(), rows)
    assert list(merged.index.strftime("%Y-%m-%d")) == ["2026-08-01", "2026-08-02"]
    assert merge(merged, empty_frame()).equals(merged)


def test_fixture_readme_says_synthetic() -> None:
    readme = Path(MARKET / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme
