"""Shared fixtures: paths into the repository and small article folders made on the fly."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from lossledger.schema import CLAIM_COLUMNS

REPO = Path(__file__).resolve().parents[1]
SEED_ARTICLES = REPO / "data" / "articles"


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def seed_articles() -> Path:
    return SEED_ARTICLES


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write a file into ``folder`` (bytes as they are, text as UTF-8); return its path."""
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    return target


def claim(**fields: Any) -> dict[str, Any]:
    """One claims-table row with every CLAIM_COLUMNS column; ``fields`` override defaults."""
    row: dict[str, Any] = {column: "" for column in CLAIM_COLUMNS}
    row.update(
        {
            "claim_id": "c0",
            "article_id": "a1",
            "kind": "figure",
            "start": 0,
            "end": 5,
            "value": math.nan,
            "low": math.nan,
            "high": math.nan,
            "bound": "exact",
            "genre": "count",
        }
    )
    row.update(fields)
    return row
