"""Shared fixtures: paths into the repository and small article folders made on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

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
