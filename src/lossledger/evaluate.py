"""Score extracted claims against hand-labelled gold claims.

What goes in: a claims table (``extract_claims``) and a gold table (:func:`read_gold`
of a ``.jsonl`` file in the format of ``shared/gold/seeds_gold.jsonl``). What comes out:
an :class:`EvalResult` with precision, recall, per-field accuracy and the misses and
false positives, and :func:`format_report` renders it as plain text.

The matching rule is the gold README's, exactly:

1. same article, and the predicted ``[start, end)`` overlaps the gold ``[start, end)``;
2. the numbers agree within 0.5 %: gold ``value`` against predicted ``value``, or for
   ranges and bounds gold ``low``/``high`` against predicted ``low``/``high``;
3. each gold claim matches at most one prediction (greedy, in text order).

Precision = matched / predicted figure claims; recall = matched / gold claims. Field
accuracy is over matched pairs: ``bound``, ``metric``, ``party``, ``source_type``,
``source_side`` are equal (null and '' are the same); ``as_of`` is the same string or
the same year-month where both give one; ``source`` is right when the two names,
lowercased with "the" and punctuation dropped, contain one another.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

FIELDS: tuple[str, ...] = (
    "bound",
    "metric",
    "party",
    "source_type",
    "source_side",
    "as_of",
    "source",
)
TOLERANCE = 0.005


@dataclass
class EvalResult:
    """Scores of one evaluation; ``misses`` and ``false_positives`` are lists of dicts."""

    n_gold: int
    n_predicted: int
    n_matched: int
    precision: float
    recall: float
    fields: dict[str, float]
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    field_errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "n_gold": self.n_gold,
            "n_predicted": self.n_predicted,
            "n_matched": self.n_matched,
            "precision": self.precision,
            "recall": self.recall,
            "fields": dict(self.fields),
        }


def read_gold(path: str | Path) -> pd.DataFrame:
    """Read a gold ``.jsonl`` file into a table (one row per gold claim)."""
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    table = pd.DataFrame(rows)
    if not table.empty:
        table["article_id"] = table["article_id"].astype(str)
    return table


def _num(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    if a == b:
        return True
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def numbers_agree(gold: dict[str, Any], pred: dict[str, Any]) -> bool:
    """Rule 2: values agree, or (for ranges and bounds) the gold low/high agree."""
    if _close(_num(gold.get("value")), _num(pred.get("value"))):
        return True
    pairs = [(k, _num(gold.get(k))) for k in ("low", "high")]
    pairs = [(k, v) for k, v in pairs if v is not None]
    return bool(pairs) and all(_close(v, _num(pred.get(k))) for k, v in pairs)


def _norm_name(name: Any) -> str:
    if not isinstance(name, str):
        return ""
    name = name.lower().replace("’", "'").replace("‘", "'")
    name = re.sub(r"[^\w' ]+", " ", name)
    words = [w for w in name.split() if w != "the"]
    return " ".join(words)


def same_source(gold: Any, pred: Any) -> bool:
    """Names share their main words: one contains the other (case and "the" ignored)."""
    g, p = _norm_name(gold), _norm_name(pred)
    if not g or not p:
        return g == p
    return g in p or p in g


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def same_as_of(gold: Any, pred: Any) -> bool:
    """Same string, or the same year-month where both give one."""
    g, p = _text(gold), _text(pred)
    if g == p:
        return True
    return len(g) >= 7 and len(p) >= 7 and g[:7] == p[:7]


def field_ok(name: str, gold: Any, pred: Any) -> bool:
    """Whether one field of a matched pair counts as right."""
    if name == "source":
        return same_source(gold, pred)
    if name == "as_of":
        return same_as_of(gold, pred)
    return _text(gold) == _text(pred)


def evaluate(claims: pd.DataFrame, gold: pd.DataFrame) -> EvalResult:
    """Score figure claims against gold claims (see the module docstring)."""
    preds = claims
    if preds is not None and not preds.empty and "kind" in preds:
        preds = preds[preds["kind"] == "figure"]
    pred_rows = [] if preds is None or preds.empty else preds.to_dict("records")
    gold_rows = [] if gold is None or gold.empty else gold.to_dict("records")
    for row in pred_rows + gold_rows:
        row["article_id"] = str(row.get("article_id", ""))
    pred_rows.sort(key=lambda r: (r["article_id"], int(r["start"]), int(r["end"])))
    gold_rows.sort(key=lambda r: (r["article_id"], int(r["start"]), int(r["end"])))

    used: set[int] = set()
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    misses: list[dict[str, Any]] = []
    for g in gold_rows:
        match = None
        for i, p in enumerate(pred_rows):
            if i in used or p["article_id"] != g["article_id"]:
                continue
            if (
                int(p["start"]) < int(g["end"])
                and int(g["start"]) < int(p["end"])
                and numbers_agree(g, p)
            ):
                match = i
                break
        if match is None:
            misses.append(g)
        else:
            used.add(match)
            pairs.append((g, pred_rows[match]))
    false_positives = [p for i, p in enumerate(pred_rows) if i not in used]

    fields: dict[str, float] = {}
    errors: list[dict[str, Any]] = []
    for name in FIELDS:
        right = 0
        for g, p in pairs:
            if field_ok(name, g.get(name), p.get(name)):
                right += 1
            else:
                errors.append(
                    {
                        "article_id": g["article_id"],
                        "span": g.get("span", ""),
                        "start": g["start"],
                        "field": name,
                        "gold": _text(g.get(name)),
                        "predicted": _text(p.get(name)),
                    }
                )
        fields[name] = right / len(pairs) if pairs else 0.0
    n_pred, n_gold = len(pred_rows), len(gold_rows)
    return EvalResult(
        n_gold=n_gold,
        n_predicted=n_pred,
        n_matched=len(pairs),
        precision=len(pairs) / n_pred if n_pred else 0.0,
        recall=len(pairs) / n_gold if n_gold else 0.0,
        fields=fields,
        misses=misses,
        false_positives=false_positives,
        field_errors=errors,
    )


def format_report(result: EvalResult) -> str:
    """Plain-text report: scores first, then what went wrong, one line each."""
    lines = [
        f"gold claims: {result.n_gold}   predicted figures: {result.n_predicted}"
        f"   matched: {result.n_matched}",
        f"precision: {result.precision:.3f}   recall: {result.recall:.3f}",
        "field accuracy on matched claims:",
    ]
    lines += [f"  {name:<12} {score:.3f}" for name, score in result.fields.items()]
    if result.misses:
        lines.append(f"missed gold claims ({len(result.misses)}):")
        lines += [
            f"  {g['article_id']} @{g['start']} {g.get('span', '')!r} {g.get('metric', '')}"
            for g in result.misses
        ]
    if result.false_positives:
        lines.append(f"false positives ({len(result.false_positives)}):")
        lines += [
            f"  {p['article_id']} @{p['start']} {p.get('text', '')!r} {p.get('metric', '')}"
            for p in result.false_positives
        ]
    if result.field_errors:
        lines.append(f"field errors ({len(result.field_errors)}):")
        lines += [
            f"  {e['article_id']} @{e['start']} {e['span']!r} {e['field']}: "
            f"gold {e['gold']!r}, predicted {e['predicted']!r}"
            for e in result.field_errors
        ]
    return "\n".join(lines)


def evaluate_folder(gold_path: str | Path, articles_dir: str | Path) -> EvalResult:
    """Load the articles in ``articles_dir``, extract claims, and score them against gold."""
    from lossledger.articles import load_articles  # lazy: the loader is a separate stage
    from lossledger.claims import extract_claims

    articles = load_articles(articles_dir)
    return evaluate(extract_claims(articles), read_gold(gold_path))
