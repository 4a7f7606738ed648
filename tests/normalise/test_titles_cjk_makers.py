"""Makers' Chinese names glued to the model, as Chinese price lists write them."""

from __future__ import annotations

import pytest

from monitor.normalise.titles import normalise


@pytest.mark.parametrize(
    ("title", "model"),
    [
        ("比特鹿A2 Pro Air 255T 二手", "SealMiner A2 Pro Air"),
        ("金贝KD6 29T 全新", "Goldshell KD6"),
        ("億邦E12 44T 二手", "Ebang E12"),
        ("芯動T3+ 52T", "Innosilicon T3+"),
    ],
)
def test_a_makers_chinese_name_glued_to_the_model(title: str, model: str) -> None:
    got = normalise(title)
    assert (got.kind, got.model) == ("miner", model)
