"""Scoring against gold: the README's matching rule, field comparisons, the report."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from lossledger.evaluate import (
    EvalResult,
    evaluate,
    evaluate_folder,
    field_ok,
    format_report,
    numbers_agree,
    read_gold,
    same_as_of,
    same_source,
)

DATA = Path(__file__).parent / "data"


def gold_row(**kw) -> dict:
    row = {
        "article_id": "a",
        "start": 10,
        "end": 15,
        "span": "1,200",
        "value": 1200.0,
        "low": None,
        "high": None,
        "bound": "exact",
        "metric": "killed",
        "party": "Ukraine",
        "source": "Russian authorities",
        "source_type": "official",
        "source_side": "Russia",
        "as_of": "2025-06-15",
    }
    row.update(kw)
    return row


def pred_row(**kw) -> dict:
    row = gold_row(kind="figure", text="1,200", start=4, end=15)
    row.pop("span")
    row.update(kw)
    return row


def run(golds: list[dict], preds: list[dict]) -> EvalResult:
    return evaluate(pd.DataFrame(preds), pd.DataFrame(golds))


def test_perfect_match():
    result = run([gold_row()], [pred_row()])
    assert (result.precision, result.recall, result.n_matched) == (1.0, 1.0, 1)
    assert all(score == 1.0 for score in result.fields.values())


def test_spans_must_overlap_and_articles_agree():
    assert run([gold_row()], [pred_row(start=15, end=20)]).n_matched == 0
    assert run([gold_row()], [pred_row(article_id="b")]).n_matched == 0
    assert run([gold_row()], [pred_row(start=14, end=16)]).n_matched == 1


def test_numbers_within_half_a_percent():
    assert numbers_agree(gold_row(), pred_row(value=1205.0))
    assert not numbers_agree(gold_row(), pred_row(value=1207.0))
    rng = gold_row(value=None, low=150000.0, high=300000.0, bound="range")
    assert numbers_agree(rng, pred_row(value=math.nan, low=150000.0, high=300000.0))
    assert not numbers_agree(rng, pred_row(value=math.nan, low=150000.0, high=250000.0))
    upper = gold_row(value=6000.0, high=6000.0, bound="upper")
    assert numbers_agree(upper, pred_row(value=6000.0, bound="exact"))  # bound is a field


def test_each_gold_matches_at_most_one_prediction_greedily():
    golds = [gold_row(start=10, end=15), gold_row(start=20, end=25)]
    preds = [pred_row(start=10, end=15), pred_row(start=11, end=14), pred_row(start=20, end=25)]
    result = run(golds, preds)
    assert result.n_matched == 2
    assert [p["start"] for p in result.false_positives] == [11]
    assert math.isclose(result.precision, 2 / 3)


def test_quotes_do_not_count_as_predictions():
    result = run([gold_row()], [pred_row(), pred_row(kind="quote", value=math.nan)])
    assert result.n_predicted == 1


def test_field_rules():
    assert same_source("coordination headquarters", "the Coordination Headquarters in Kyiv")
    assert same_source("Volodymyr Zelenskyy (to NBC)", "Volodymyr Zelensky")
    assert same_source(
        "Mediazona and the BBC’s Russian service", "Mediazona and BBC's Russian service"
    )
    assert not same_source("Russian authorities", "Ukrainian officials")
    assert same_source(None, "") and not same_source("", "reports")
    assert same_as_of("2025-06-15", "2025-06")
    assert not same_as_of("2025", "2025-06")
    assert field_ok("source_side", None, "")
    assert not field_ok("party", "Ukraine", "Russia")


def test_field_errors_are_listed():
    result = run([gold_row()], [pred_row(party="Russia", as_of="2025")])
    assert result.fields["party"] == 0.0 and result.fields["as_of"] == 0.0
    assert {e["field"] for e in result.field_errors} == {"party", "as_of"}


def test_empty_inputs():
    result = evaluate(pd.DataFrame(), pd.DataFrame())
    assert (result.precision, result.recall) == (0.0, 0.0)
    result = run([gold_row()], [])
    assert result.misses and result.recall == 0.0


def test_read_gold_and_report():
    gold = read_gold(DATA / "gold" / "seeds_gold.jsonl")
    assert len(gold) == 16 and all(isinstance(a, str) for a in gold["article_id"])
    result = run([gold_row()], [pred_row(party="Russia"), pred_row(start=40, end=45)])
    report = format_report(result)
    assert "precision: 0.500" in report and "recall: 1.000" in report
    assert "false positives (1)" in report and "party: gold 'Ukraine'" in report
    assert result.as_dict()["n_matched"] == 1


def test_evaluate_folder_on_the_seeds():
    result = evaluate_folder(DATA / "gold" / "seeds_gold.jsonl", DATA / "seeds")
    assert result.recall == 1.0 and result.precision >= 0.9
