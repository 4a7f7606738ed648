"""A user's own daily market series (``asicmon market import``): the CSV rules."""

from __future__ import annotations

import math

import pytest

from monitor.fetch.market import MARKET_COLUMNS, MarketCsvError, parse_market_csv


def test_good_file_with_bom_datetimes_blanks_and_extra_columns() -> None:
    text = (
        "\ufeffDate,BTC_USD,hashprice_usd_ph_day,pool\n"
        "2021-05-10,55859.8,,f2pool\n"
        "2021-05-11T00:00:00Z,,401.5,f2pool\n"
        "2021-05-12 00:00:00+00:00,49000,390,\n"
        "2021-05-13T02:00:00+02:00,50000,,\n"  # 00:00 UTC
        "2021-05-14T00:00:00.000Z,51000,380\n"  # a short row: the extra column is missing
        "\n"
    )
    frame = parse_market_csv(text, "export.csv")
    assert list(frame.columns) == MARKET_COLUMNS
    assert list(frame.index.strftime("%Y-%m-%d")) == [
        "2021-05-10", "2021-05-11", "2021-05-12", "2021-05-13", "2021-05-14"]  # fmt: skip
    assert frame["btc_usd"].iloc[0] == 55859.8
    assert math.isnan(frame["btc_usd"].iloc[1])
    assert frame["hashprice_usd_ph_day"].iloc[1] == 401.5
    assert math.isnan(frame["hashprice_usd_ph_day"].iloc[3])
    assert frame["hashrate_ehs"].isna().all()


def test_one_value_column_is_enough() -> None:
    frame = parse_market_csv("date,hashprice_usd_ph_day\n2024-01-02,90\n", "hp.csv")
    assert frame["hashprice_usd_ph_day"].tolist() == [90.0]
    assert frame["btc_usd"].isna().all()


def test_every_bad_row_is_named_by_its_line() -> None:
    text = (
        "date,btc_usd,hashprice_usd_ph_day\n"  # line 1
        "2024-01-01,42000,90\n"  # 2: good
        "2024-01-02,-5,\n"  # 3: negative
        "2024-01-03,abc,\n"  # 4: not a number
        "2024-01-01,42000,\n"  # 5: duplicate of line 2
        "2024-01-04,,\n"  # 6: both blank
        "2024-13-01,1,\n"  # 7: no such day
        "04/01/2024,1,\n"  # 8: not ISO
        "2024-01-05T06:00:00Z,1,\n"  # 9: not 00:00 UTC
        "2024-01-06,1,nan\n"  # 10: not a finite number
        "2024-01-07,0,\n"  # 11: zero
        ",3,\n"  # 12: no date
    )
    with pytest.raises(MarketCsvError) as caught:
        parse_market_csv(text, "mine.csv")
    lines = caught.value.lines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"mine.csv:{n}" for n in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12)]  # fmt: skip
    assert "btc_usd '-5' must be a positive number" in lines[0]
    assert "btc_usd 'abc' is not a number" in lines[1]
    assert "date 2024-01-01 is already on line 2" in lines[2]
    assert "no btc_usd and no hashprice_usd_ph_day" in lines[3]
    assert "'2024-13-01' is not a real day" in lines[4]
    assert "is not YYYY-MM-DD" in lines[5]
    assert "not at 00:00 UTC" in lines[6]
    assert "no date" in lines[9]


@pytest.mark.parametrize(
    "text",
    ["2024-01-01,42000,90\n", "day,price\n2024-01-01,42000\n", "date,volume\n2024-01-01,5\n", ""],
)
def test_a_header_naming_date_and_a_value_column_is_required(text: str) -> None:
    with pytest.raises(MarketCsvError, match=r"x\.csv:1: the header must name date"):
        parse_market_csv(text, "x.csv")


def test_a_header_without_rows_is_an_error() -> None:
    with pytest.raises(MarketCsvError, match=r"x\.csv: no data rows"):
        parse_market_csv("date,btc_usd\n\n", "x.csv")
