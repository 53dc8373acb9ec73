"""Column contracts of the tables that flow between stages (see DESIGN.md).

Every stage returns its table with exactly these columns first, in this order;
a stage may add columns after them. Notebooks and the ledger rely on the order
so that CSV files are byte-stable from run to run.
"""

from __future__ import annotations

ARTICLE_COLUMNS: list[str] = [
    "article_id",
    "path",
    "outlet",
    "published",
    "url",
    "title",
    "language",
    "text",
    "sha256",
]
# Extra article columns written by the loader after the contract ones.
ARTICLE_EXTRA_COLUMNS: list[str] = ["language_detected", "encoding", "n_chars", "note"]

SKIPPED_COLUMNS: list[str] = ["path", "action", "reason"]

CLAIM_COLUMNS: list[str] = [
    "claim_id",
    "article_id",
    "outlet",
    "published",
    "kind",
    "start",
    "end",
    "text",
    "sentence",
    "value",
    "low",
    "high",
    "bound",
    "metric",
    "party",
    "source",
    "source_type",
    "source_side",
    "genre",
    "as_of",
]

GROUP_COLUMNS: list[str] = [
    "group_id",
    "kind",
    "metric",
    "party",
    "value",
    "low",
    "high",
    "bound",
    "status",
    "articles",
    "claim_ids",
    "n_articles",
    "detail",
]

ESTIMATE_COLUMNS: list[str] = [
    "party",
    "metric",
    "source",
    "source_type",
    "genre",
    "low",
    "value",
    "high",
    "bound",
    "as_of",
    "origin",
    "gap_ratio",
    "gap_note",
]

BOUNDS: tuple[str, ...] = ("exact", "approx", "lower", "upper", "range")
METRICS: tuple[str, ...] = (
    "killed",
    "wounded",
    "missing",
    "casualties",
    "bodies_returned",
    "prisoners_exchanged",
    "other",
)
SOURCE_TYPES: tuple[str, ...] = ("official", "independent", "media", "unattributed")
GENRES: tuple[str, ...] = ("count", "named_list", "estimate", "projection", "plan", "unknown")
GROUP_STATUSES: tuple[str, ...] = (
    "source_differs",
    "value_differs",
    "bound_differs",
    "agree",
    "single",
)
# Float columns of each table; written with a fixed format so files are byte-stable.
FLOAT_COLUMNS: frozenset[str] = frozenset({"value", "low", "high", "gap_ratio"})
INT_COLUMNS: frozenset[str] = frozenset({"start", "end", "n_articles", "n_chars"})
