"""Peer test suites: find_numbers keeps its pass rates on Microsoft Recognizers-Text specs.

The spec files are copied (MIT, with LICENSE and NOTICE) into tests/data/recognizers so
the tests never need ../shared. The scoring rule lives in
benchmarks/score_numbers_specs.py (one definition, used here and by the script).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lossledger.numbers import NumberMention, find_numbers

REPO = Path(__file__).resolve().parents[1]
SPECS = REPO / "tests" / "data" / "recognizers"
SCRIPT = REPO / "benchmarks" / "score_numbers_specs.py"


def _load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_numbers_specs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


scorer = _load_scorer()


def test_spec_copies_carry_their_licence() -> None:
    for name in ("NumberModel.json", "NumberRangeModel.json", "LICENSE", "NOTICE"):
        assert (SPECS / name).is_file(), name
    assert "MIT License" in (SPECS / "LICENSE").read_text(encoding="utf-8")
    assert "Recognizers-Text" in (SPECS / "NOTICE").read_text(encoding="utf-8")


def test_number_model_pass_rate() -> None:
    score = scorer.score_number_model(SPECS / "NumberModel.json")
    assert score.scored >= 100, "too few cases scored: the skip rule is too wide"
    assert score.rate >= scorer.NUMBER_THRESHOLD, score.summary()


def test_range_model_pass_rate() -> None:
    score = scorer.score_range_model(SPECS / "NumberRangeModel.json")
    assert score.scored >= 70, "too few cases scored: the skip rule is too wide"
    assert score.rate >= scorer.RANGE_THRESHOLD, score.summary()


def test_exclusions_name_real_cases_and_say_why() -> None:
    inputs = {c["Input"] for c in scorer.load_cases(SPECS / "NumberModel.json")}
    inputs |= {c["Input"] for c in scorer.load_cases(SPECS / "NumberRangeModel.json")}
    excluded = {**scorer.EXCLUDED_NUMBER_CASES, **scorer.EXCLUDED_RANGE_CASES}
    assert set(excluded) <= inputs
    assert all(reason.strip() for reason in excluded.values())
    assert len(excluded) <= 8  # exclusions are for contract conflicts only


def test_a_finder_that_finds_nothing_fails_the_scoring() -> None:
    # The rule must be able to fail: an empty answer passes only the empty cases.
    nothing = scorer.score_number_model(SPECS / "NumberModel.json", finder=lambda _t: [])
    assert nothing.rate < 0.2
    nothing = scorer.score_range_model(SPECS / "NumberRangeModel.json", finder=lambda _t: [])
    assert nothing.rate < 0.2


def _mention(text: str, start: int, end: int, **kw: object) -> NumberMention:
    fields: dict[str, object] = {
        "value": None,
        "low": None,
        "high": None,
        "bound": "exact",
        "num_start": start,
        "num_end": end,
        "hedge": "",
        "vague": False,
        "unit": "",
    }
    fields.update(kw)
    return NumberMention(start=start, end=end, text=text[start:end], **fields)  # type: ignore[arg-type]


def test_number_rule_checks_span_value_and_extras() -> None:
    case = {
        "Input": "I count 12 in six boxes",
        "Results": [
            {"Text": "12", "Start": 8, "End": 9, "Resolution": {"value": "12"}},
            {"Text": "six", "Start": 14, "End": 16, "Resolution": {"value": "6"}},
        ],
    }
    text = case["Input"]
    good = [_mention(text, 8, 10, value=12.0), _mention(text, 14, 17, value=6.0)]
    assert scorer.number_case_passes(case, good)
    assert not scorer.number_case_passes(case, good[:1])  # one missing
    assert not scorer.number_case_passes(case, [*good, _mention(text, 0, 1, value=1.0)])
    assert not scorer.number_case_passes(case, [good[0], _mention(text, 14, 16, value=6.0)])
    assert not scorer.number_case_passes(case, [good[0], _mention(text, 14, 17, value=7.0)])


@pytest.mark.parametrize(
    ("interval", "expected"),
    [
        ("(20,)", ("lower", 20.0, None)),
        ("[30,)", ("lower", 30.0, None)),
        ("(,700]", ("upper", None, 700.0)),
        ("(,-30)", ("upper", None, -30.0)),
        ("[20,30)", ("range", 20.0, 30.0)),
        ("(10,40)", ("range", 10.0, 40.0)),
        ("[170,170]", ("exact", 170.0, 170.0)),
    ],
)
def test_interval_strings_map_to_bounds(
    interval: str, expected: tuple[str, float | None, float | None]
) -> None:
    assert scorer.parse_interval(interval) == expected


@pytest.mark.parametrize("bad", ["", "20", "(,)", "[a,b]", "(1 2)"])
def test_bad_interval_strings_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        scorer.parse_interval(bad)


def test_range_rule_ignores_plain_numbers_but_not_extra_bounds() -> None:
    case = {
        "Input": "Shares were up more than 20 in 3 days",
        "Results": [
            {"Text": "more than 20", "Start": 15, "End": 26, "Resolution": {"value": "(20,)"}},
        ],
    }
    text = case["Input"]
    hedged = _mention(
        text, 15, 27, value=20.0, low=20.0, bound="lower", num_start=25, hedge="more than"
    )
    plain = _mention(text, 31, 32, value=3.0)
    assert scorer.range_case_passes(case, [hedged, plain])
    assert not scorer.range_case_passes(case, [plain])
    extra = _mention(text, 31, 32, value=3.0, high=3.0, bound="upper", hedge="up to")
    assert not scorer.range_case_passes(case, [hedged, extra])


def test_real_finder_on_a_range_case() -> None:
    case = json.loads(
        '{"Input": "Nissan Motor Co. is planning to cut up to 700 contract workers.",'
        ' "Results": [{"Text": "up to 700", "Start": 36, "End": 44,'
        ' "Resolution": {"value": "(,700]"}}]}'
    )
    assert scorer.range_case_passes(case, find_numbers(case["Input"]))
