"""Every extraction backend gives the claims table extract_claims gives, byte for byte."""

from __future__ import annotations

import builtins
from typing import Any

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from lossledger.articles import load_articles
from lossledger.backends import BACKENDS, extract_claims_with
from lossledger.claims import extract_claims
from lossledger.paths import resolve

# Small batches so that even the 13 test articles are spread over several workers.
BATCH = 3


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    """The seed and handmade articles, in reverse id order.

    Reversed on purpose: the backends must restore extract_claims' order even when
    the batches do not arrive sorted by article_id.
    """
    table = pd.concat(
        [load_articles(resolve("data/articles")), load_articles(resolve("tests/data/handmade"))],
        ignore_index=True,
    )
    return table.iloc[::-1].reset_index(drop=True)


@pytest.fixture(scope="module")
def expected(articles: pd.DataFrame) -> pd.DataFrame:
    return extract_claims(articles)


def _assert_identical(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert_frame_equal(got, expected, check_exact=True)
    assert got.to_csv(index=False) == expected.to_csv(index=False)


def test_backends_listed() -> None:
    assert BACKENDS == ("serial", "processes", "dask")


def test_serial_is_extract_claims(articles: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert len(expected) > 50  # the comparison is about a real table, not an empty one
    _assert_identical(extract_claims_with(articles), expected)


def test_processes_match_serial(articles: pd.DataFrame, expected: pd.DataFrame) -> None:
    _assert_identical(extract_claims_with(articles, "processes", batch_size=BATCH), expected)


def test_dask_local_cluster_matches_serial(
    articles: pd.DataFrame, expected: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    # Two workers whatever the machine: the local cluster takes one per core.
    monkeypatch.setattr("lossledger.backends.os.cpu_count", lambda: 2)
    _assert_identical(extract_claims_with(articles, "dask", batch_size=BATCH), expected)


def test_batch_of_one_article_each(articles: pd.DataFrame, expected: pd.DataFrame) -> None:
    _assert_identical(extract_claims_with(articles, "processes", batch_size=1), expected)


def test_unknown_backend_is_named() -> None:
    with pytest.raises(ValueError, match=r"'threads'.*serial, processes, dask"):
        extract_claims_with(pd.DataFrame(), "threads")


def test_batch_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        extract_claims_with(pd.DataFrame(), "processes", batch_size=0)


def test_missing_dask_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_dask(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] in ("dask", "distributed"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(ImportError, match=r"pip install -e \"\.\[dask\]\""):
        extract_claims_with(pd.DataFrame({"text": ["Some 40 people died."]}), "dask")


def test_empty_articles_give_the_empty_table() -> None:
    empty = pd.DataFrame(columns=["article_id", "text"])
    _assert_identical(extract_claims_with(empty, "processes"), extract_claims(empty))


def test_combining_batches_infers_dtypes_as_one_table_would() -> None:
    from lossledger.backends import _combine

    rows = [
        {"article_id": "b", "start": 5, "kind": "figure", "end": 9, "value": 12.0},
        {"article_id": "a", "start": 1, "kind": "quote", "end": 20, "value": None},
    ]
    # The second batch alone has an all-missing value column, so pandas gives it dtype object.
    parts = [pd.DataFrame(rows[:1]), pd.DataFrame(rows[1:])]
    whole = pd.DataFrame(rows).sort_values(["article_id", "start", "kind", "end"], kind="stable")
    assert_frame_equal(_combine(parts), whole.reset_index(drop=True), check_exact=True)


def test_extract_command_gives_the_same_bytes_on_every_local_backend() -> None:
    from tests.conftest import SEED_ARTICLES
    from tests.test_runner import lossledger

    outputs = {}
    for backend in ("serial", "processes"):
        result = lossledger("extract", str(SEED_ARTICLES), "--backend", backend)
        assert result.returncode == 0, result.stderr
        outputs[backend] = result.stdout
    assert outputs["serial"] == outputs["processes"]
    assert "fewer than 6,000" in outputs["serial"]
