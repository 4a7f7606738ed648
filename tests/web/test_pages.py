"""The pieces the pages are made of: slugs, safe links, the latest point and its changes, and
the SVG chart (the one chart module's figure, its text as paths)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from monitor.jobs.web import _latest, series_slug, slug
from monitor.outputs.charts import render_chart, render_svg
from monitor.web.pages import safe_href


def test_slugs_keep_models_apart() -> None:
    assert slug("Antminer S19j Pro") == "antminer-s19j-pro"
    names = ["Whatsminer M30S", "Whatsminer M30S+", "Whatsminer M30S++"]
    assert len({slug(n) for n in names}) == 3
    assert series_slug("tier:25to38") == "tier-25to38"
    assert series_slug("model:Antminer S19j Pro") == "model-antminer-s19j-pro"


def test_only_http_links_are_links() -> None:
    assert safe_href("https://shop.example/x?a=1") == "https://shop.example/x?a=1"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "", None,
                "//evil.example"):  # fmt: skip
        assert safe_href(bad) is None


def point(period: str, value: float, basis: str = "ask") -> dict[str, Any]:
    return {"series": "tier:x", "period": period, "basis": basis, "usd_per_th": value,
            "n_listings": 3}  # fmt: skip


def test_latest_point_and_its_changes() -> None:
    weeks = ["2021-06-07", "2021-06-14", "2021-06-21", "2021-06-28", "2021-07-05", "2021-07-12"]
    points = [point(w, v) for w, v in zip(weeks, [100, 90, 80, 70, 60, 50], strict=True)]
    points.append(point("2021-07-05", 40, "sold"))
    ask, sold = _latest(points)
    assert ask["period"] == "2021-07-12"
    assert ask["usd_per_th"] == 50
    assert ask["change_7d_from"] == "2021-07-05"
    assert ask["change_7d_pct"] == round(100 * (50 / 60 - 1), 2)
    assert ask["change_30d_from"] == "2021-06-07"  # 35 days back: the last at least 30 before
    assert ask["change_30d_pct"] == -50.0
    assert sold["basis"] == "sold"
    assert sold["change_7d_pct"] is None


def test_svg_chart_is_the_png_figure_with_no_markup_from_labels() -> None:
    index = [point(w, v) for w, v in (("2021-05-03", 100), ("2021-05-10", 90),
                                      ("2021-05-17", 60), ("2021-05-24", 55))]  # fmt: skip
    events = pd.DataFrame({"id": ["E1"], "date": pd.to_datetime(["2021-05-12"]),
                           "title": ["<script>alert(1)</script> ban"]})  # fmt: skip
    svg = render_svg(index, events, [], "tier:x")
    assert svg.startswith(b"<?xml")
    assert b"<svg" in svg
    assert b"<script" not in svg
    # labels are drawn as paths; matplotlib names each in an escaped comment only
    assert b"&lt;script&gt;alert(1)" in svg
    assert render_chart(index, events, [], "tier:x").startswith(b"\x89PNG")
