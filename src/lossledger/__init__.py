"""Loss Ledger: tabulate loss figures and quotations across news articles.

The public API (see DESIGN.md):

- ``load_articles(path)``: one row per article.
- ``find_numbers(text)``: every numeric expression with its hedge and bounds.
- ``extract_claims(articles)``: the claims table.
- ``align_claims(claims)``: claim groups across articles.
- ``compare_estimates(claims, reference=None)``: official against independent figures.

Names are imported on first use, so ``import lossledger`` stays fast and a
command that needs one stage does not load the others.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "load_articles": "lossledger.articles",
    "load_articles_report": "lossledger.articles",
    "find_numbers": "lossledger.numbers",
    "extract_claims": "lossledger.claims",
    "align_claims": "lossledger.align",
    "compare_estimates": "lossledger.estimates",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'lossledger' has no attribute {name!r}")
    return getattr(importlib.import_module(module_name), name)
