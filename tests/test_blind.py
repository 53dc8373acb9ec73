"""The blind sets: scores must not fall below what the rules reach.

Each set's articles and labels were written by someone who never saw the extractor
(see the set's README). Thresholds sit a little under the scores reached when they
were last raised, so that a change that loses accuracy on unseen text fails here;
raise them when the extractor improves, never tune the lexicons to these articles.

- ``blind``: used to find general causes of errors (its first-contact score is in
  the README's accuracy table).
- ``blind2``: held out until its first contact (precision 0.947, recall 0.811), then
  used the same way.
- ``blind3``: the newest held-out set. Its first contact (precision 0.906, recall
  0.877) was measured before anything was changed for it. Some of its labels follow
  conventions the extractor does not share (vague plurals such as "dozens" are not
  claims there; a headline takes its source from the body; party "Palestine" where
  the lexicon says "Palestinians"; "migrants" as a party), so its field floors are
  lower by design.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lossledger.articles import load_articles
from lossledger.claims import extract_claims
from lossledger.evaluate import evaluate, read_gold

DATA = Path(__file__).parent / "data"

# Reached when last raised (precision, recall; then field accuracy):
# blind  1.000 0.955; bound 1.000 metric 0.984 party 0.977 source_type 0.961
#        source_side 0.953 as_of 0.945 source 0.883
# blind2 0.967 0.894; bound 0.992 metric 0.958 party 0.881 source_type 0.924
#        source_side 0.924 as_of 0.949 source 0.907
# blind3 0.921 0.909; bound 0.993 metric 0.943 party 0.671 source_type 0.821
#        source_side 0.679 as_of 0.907 source 0.686
SETS: dict[str, dict[str, float]] = {
    "blind": {
        "precision": 0.97,
        "recall": 0.92,
        "bound": 0.97,
        "metric": 0.95,
        "party": 0.94,
        "source_type": 0.93,
        "source_side": 0.92,
        "as_of": 0.91,
        "source": 0.85,
    },
    "blind2": {
        "precision": 0.93,
        "recall": 0.86,
        "bound": 0.96,
        "metric": 0.93,
        "party": 0.85,
        "source_type": 0.89,
        "source_side": 0.89,
        "as_of": 0.92,
        "source": 0.87,
    },
    "blind3": {
        "precision": 0.89,
        "recall": 0.88,
        "bound": 0.96,
        "metric": 0.91,
        "party": 0.64,
        "source_type": 0.79,
        "source_side": 0.65,
        "as_of": 0.88,
        "source": 0.64,
    },
}
GOLD_FILES = {
    "blind": "blind_gold.jsonl",
    "blind2": "blind2_gold.jsonl",
    "blind3": "blind3_gold.jsonl",
}


@pytest.fixture(scope="module", params=sorted(SETS))
def scored(request):
    folder = DATA / request.param
    claims = extract_claims(load_articles(folder))
    return request.param, evaluate(claims, read_gold(folder / GOLD_FILES[request.param]))


def test_precision_and_recall_hold(scored):
    name, result = scored
    assert result.precision >= SETS[name]["precision"], result.false_positives
    assert result.recall >= SETS[name]["recall"], result.misses


def test_field_accuracy_holds(scored):
    name, result = scored
    low = {
        field: round(result.fields[field], 3)
        for field, floor in SETS[name].items()
        if field in result.fields and result.fields[field] < floor
    }
    assert not low, (low, result.field_errors)
