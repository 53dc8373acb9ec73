"""What the notebooks show: readable numbers, whole sentences, escaped text."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from lossledger import workbook


@pytest.mark.parametrize(
    ("value", "shown"),
    [(5937.0, "5,937"), (46.3197, "46.3"), (0.5, "0.5"), (math.nan, ""), (150000.0, "150,000")],
)
def test_format_number(value: float, shown: str) -> None:
    assert workbook.format_number(value) == shown


def test_head_numbers_rows_from_one_and_prints_numbers_plainly() -> None:
    table = pd.DataFrame({"text": ["a", "b", "c"], "value": [5937.0, math.nan, 1.5]})
    shown = workbook.head(table, ["text", "value", "missing"], 2)
    assert list(shown.index) == [1, 2]
    assert list(shown.columns) == ["text", "value"]
    assert list(shown["value"]) == ["5,937", ""]
    assert table["value"].iloc[0] == 5937.0  # the table itself is left as it was


def test_open_run_shows_text_whole_and_never_as_maths(tmp_path) -> None:
    with pd.option_context("display.max_colwidth", 50, "display.html.use_mathjax", True):
        workbook.open_run(str(tmp_path), top_n=5)
        long = pd.DataFrame({"sentence": ["word " * 60 + "$5 and $10"]})
        html = long._repr_html_()
        assert "$5 and $10" in html
        assert "tex2jax_ignore" in html
