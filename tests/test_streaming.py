"""Streaming: articles in batches, claims batch by batch, and `lossledger extract` into a ledger.

What must hold: the batches put together are exactly what the whole-table functions
give (rows, order, dtypes, bytes), every backend included, and a big run never
needs every text or claim at once; a bad input or a failure half-way leaves the
ledger as it was.
"""

from __future__ import annotations

import json
import pathlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from lossledger import ledger
from lossledger.articles import (
    ArticlesInputError,
    load_articles,
    load_articles_report,
    stream_articles,
)
from lossledger.backends import BACKENDS, _combine, extract_claims_with, iter_extract_claims
from lossledger.cli import main
from lossledger.paths import resolve
from lossledger.tables import FLOAT_FORMAT
from tests.conftest import SEED_ARTICLES, write

FLOOD = (
    "Rescue teams recovered 14 more bodies on Tuesday, bringing the toll from the floods "
    "to at least 212, the provincial governor said.\n"
)
QUAKE = "The health ministry said 87 people were killed and about 400 injured in the tremor.\n"
FIRE = "At least 31 people died in the fire, the mayor said on Sunday.\n"
SPANISH = (
    "El ministerio de salud dijo que 87 personas murieron y que los equipos de rescate "
    "siguen buscando a los desaparecidos en la zona del terremoto.\n"
)


def _row(article_id: str, text: str, **fields: str) -> str:
    return json.dumps({"id": article_id, "text": text, **fields}, ensure_ascii=False)


@pytest.fixture
def awkward(tmp_path: Path) -> Path:
    """A folder with every rule of the loader at work: formats, ids, duplicates, problems."""
    folder = tmp_path / "awkward"
    write(folder, "flood.txt", FLOOD)
    write(folder, "quake.md", "---\noutlet: Valley Courier\npublished: 3 March 2024\n---\n" + QUAKE)
    write(folder, "again/flood.txt", FLOOD)  # same text again: merged into the first
    write(folder, "sub/quake.txt", FIRE)  # same id as quake.md, other text: renamed
    write(folder, "es.txt", SPANISH)  # flagged as not English
    write(folder, "notes.pdf", b"%PDF-1.4")  # unsupported type
    write(folder, "empty.txt", "")
    lines = [
        _row("w1", FIRE + "More text.", outlet="Wire", published="2024-05-02"),
        "{not json",
        # A raw U+2028 ends a line for str.splitlines, so the loader reads this row as
        # three broken lines; the stream must break it the same way.
        _row("w2", "Line and paragraph separators\u2028split this row.\u2029 5 died."),
        "",
        _row("flood", FLOOD + "x"),  # id of a file: both renamed to their paths
        '["a list"]',
        _row("w3", "   "),
        _row("w4", QUAKE, published="not a date"),
        _row("w5", "Crlf ends\r\nare one break: 7 people were hurt."),
    ]
    write(folder, "wire.jsonl", "\n".join(lines) + "\r\n")
    write(folder, "bom.jsonl", b"\xef\xbb\xbf" + (_row("b1", "Bom row, 9 dead.") + "\n").encode())
    write(
        folder,
        "table.csv",
        'id,outlet,text\nc1,Post,"Two lines,\nnine dead."\nc2,Post,\nc3,Post,' + QUAKE,
    )
    write(folder, "notext.csv", "id,body\nn1,Nothing here\n")
    write(folder, "broken.jsonl", _row("z1", "Fine row.") + "\n" + '{"id": "z2", "te\x00xt": 1}\n')
    # Not UTF-8: the whole-file path (its encoding is guessed from every byte).
    write(
        folder,
        "legacy.jsonl",
        (_row("l1", "Caf\u00e9 owners said 3 died.") + "\n").encode("cp1252"),
    )
    write(
        folder,
        "sources.csv",
        "file,outlet,published\nflood.txt,Daily Flood,2024-01-02\nwire.jsonl,Wire Service,\n"
        "gone.txt,Nobody,\n",
    )
    return folder


def _concat(stream: object) -> pd.DataFrame:
    return pd.concat(list(stream), verify_integrity=True)  # type: ignore[call-overload]


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_batches_put_together_are_the_loaded_table(awkward: Path, batch_size: int) -> None:
    articles, skipped = load_articles_report(awkward)
    # The fixture must exercise the rules, or the comparison proves little.
    assert {"renamed", "merged", "flagged", "skipped", "repaired", "warning"} <= set(
        skipped["action"]
    )
    assert len(articles) >= 10
    with stream_articles(awkward, batch_size=batch_size) as stream:
        batches = list(stream)
        assert all(0 < len(b) <= batch_size for b in batches)
        assert stream.n_articles == len(articles)
        assert_frame_equal(_concat(batches), articles, check_exact=True)
        assert_frame_equal(stream.skipped, skipped, check_exact=True)
        # A second pass (the ledger reads articles, then claims) gives the same tables.
        assert_frame_equal(_concat(stream), articles, check_exact=True)


@pytest.mark.parametrize(
    "path", ["data/articles", "tests/data/handmade", "tests/data/hostile", "tests/data/blind"]
)
def test_batches_match_the_loader_on_the_project_folders(path: str) -> None:
    articles, skipped = load_articles_report(path)
    with stream_articles(path, batch_size=4) as stream:
        assert_frame_equal(_concat(stream), articles, check_exact=True)
        assert_frame_equal(stream.skipped, skipped, check_exact=True)


def test_non_english_skip_is_applied_the_same_way(awkward: Path) -> None:
    articles, skipped = load_articles_report(awkward, non_english="skip")
    with stream_articles(awkward, batch_size=2, non_english="skip") as stream:
        assert_frame_equal(_concat(stream), articles, check_exact=True)
        assert_frame_equal(stream.skipped, skipped, check_exact=True)
    assert "es" not in set(articles["article_id"])


def test_a_utf8_corpus_is_read_line_by_line_not_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = write(
        tmp_path,
        "big.jsonl",
        "".join(_row(f"a{i:03d}", f"{i} people died.") + "\n" for i in range(50)),
    )
    expected = load_articles(corpus)
    real = pathlib.Path.read_bytes

    def refuse_corpus(self: Path) -> bytes:
        if self.suffix == ".jsonl":
            raise AssertionError(f"{self} was read whole")
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse_corpus)
    with stream_articles(corpus, batch_size=8) as stream:
        assert_frame_equal(_concat(stream), expected, check_exact=True)


def test_a_folder_with_no_article_left_yields_one_empty_table(tmp_path: Path) -> None:
    write(tmp_path, "empty.txt", "")
    expected = load_articles(tmp_path)
    with stream_articles(tmp_path) as stream:
        batches = list(stream)
    assert len(batches) == 1
    assert_frame_equal(batches[0], expected, check_exact=True)
    assert expected.empty and "text" in expected.columns


def test_stream_refuses_what_the_loader_refuses(tmp_path: Path) -> None:
    with pytest.raises(ArticlesInputError, match="does not exist"):
        stream_articles(tmp_path / "missing")
    write(tmp_path, "a.txt", FLOOD)
    with pytest.raises(ValueError, match="batch_size"):
        stream_articles(tmp_path, batch_size=0)


# ---------------------------------------------------------------------- claims per batch


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    """Seed and handmade articles, sorted by id as the loader and the stream give them."""
    table = pd.concat(
        [load_articles(resolve("data/articles")), load_articles(resolve("tests/data/handmade"))],
        ignore_index=True,
    )
    return table.sort_values("article_id", kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def expected(articles: pd.DataFrame) -> pd.DataFrame:
    return extract_claims_with(articles)


def _slices(table: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for begin in range(0, len(table), size):
        yield table.iloc[begin : begin + size]


def _csv(tables: list[pd.DataFrame]) -> str:
    """The tables written one after the other, header once (as `lossledger extract` does)."""
    first, *rest = tables
    parts = [first.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")]
    parts += [
        t.to_csv(index=False, header=False, float_format=FLOAT_FORMAT, lineterminator="\n")
        for t in rest
    ]
    return "".join(parts)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_streams_the_whole_table_batch_by_batch(
    backend: str,
    articles: pd.DataFrame,
    expected: pd.DataFrame,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if backend == "dask":
        pytest.importorskip("distributed")
        monkeypatch.setattr("lossledger.backends.os.cpu_count", lambda: 2)
    assert len(expected) > 50
    tables = list(iter_extract_claims(_slices(articles, 3), backend, in_flight=2))
    assert len(tables) == -(-len(articles) // 3)  # one table per batch
    assert_frame_equal(_combine(tables), expected, check_exact=True)
    whole = expected.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    assert _csv(tables) == whole


def test_processes_keep_a_bounded_number_of_batches_in_flight(articles: pd.DataFrame) -> None:
    pulled = 0

    def counted() -> Iterator[pd.DataFrame]:
        nonlocal pulled
        for batch in _slices(articles, 1):
            pulled += 1
            yield batch

    ahead = []
    for yielded, _ in enumerate(iter_extract_claims(counted(), "processes", in_flight=2), 1):
        ahead.append(pulled - yielded)
    assert len(ahead) == len(articles)
    # Never more than in_flight batches read and not yet given back.
    assert max(ahead) <= 2
    assert ahead[0] >= 1  # and the pool was really working ahead


def test_a_bad_backend_is_refused_before_any_batch_is_read() -> None:
    read = []

    def batches() -> Iterator[pd.DataFrame]:
        read.append(1)
        yield pd.DataFrame({"article_id": ["a"], "text": ["3 died."]})

    with pytest.raises(ValueError, match="'threads'"):
        next(iter_extract_claims(batches(), "threads"))
    assert read == []


def test_nothing_in_gives_nothing_out() -> None:
    assert list(iter_extract_claims(iter([]), "processes")) == []


# ---------------------------------------------------------------------- lossledger extract


def _whole_output(paths: list[str], fmt: str) -> str:
    """What the non-streaming extract wrote: each path loaded whole, tables concatenated."""
    claims = pd.concat([extract_claims_with(load_articles(p)) for p in paths], ignore_index=True)
    if fmt == "csv":
        return claims.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return claims.to_json(orient="records", lines=True, force_ascii=False)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_extract_output_is_written_batch_by_batch_with_the_same_bytes(
    tmp_path: Path, fmt: str
) -> None:
    paths = [str(SEED_ARTICLES), str(resolve("tests/data/handmade"))]
    out = tmp_path / f"claims.{fmt}"
    assert main(["extract", *paths, "-o", str(out), "--format", fmt, "--batch-size", "2"]) == 0
    assert out.read_text(encoding="utf-8") == _whole_output(paths, fmt)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_extract_to_stdout_streams_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED_ARTICLES), "--batch-size", "1"]) == 0
    assert capsys.readouterr().out == _whole_output([str(SEED_ARTICLES)], "csv")


def test_skipped_files_are_still_reported(
    awkward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert main(["extract", str(awkward), "-o", str(tmp_path / "c.csv")]) == 0
    err = capsys.readouterr().err
    assert "notes.pdf: skipped: unsupported file type '.pdf'" in err
    assert "broken.jsonl: skipped: binary file" in err


def _ledger_state(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return ledger.read_articles(path), ledger.read_claims(path), ledger.read_runs(path)


def test_extract_into_a_ledger_streams_every_article_and_claim(
    tmp_path: Path, articles: pd.DataFrame, expected: pd.DataFrame
) -> None:
    book = tmp_path / "ledger.duckdb"
    paths = [str(SEED_ARTICLES), str(resolve("tests/data/handmade"))]
    arguments = ["extract", *paths, "--ledger", str(book), "--batch-size", "3"]
    assert main([*arguments, "--backend", "processes", "-o", str(tmp_path / "c.csv")]) == 0
    stored_articles, stored_claims, runs = _ledger_state(book)
    assert sorted(stored_articles["sha256"]) == sorted(articles["sha256"])
    assert sorted(stored_claims["claim_id"]) == sorted(expected["claim_id"])
    assert (tmp_path / "c.csv").read_text(encoding="utf-8") == _whole_output(paths, "csv")
    assert len(runs) == 1 and runs["status"].iloc[0] == "ok"
    assert json.loads(runs["parameters"].iloc[0])["batch_size"] == 3

    # Again: nothing new, no duplicate rows, a second run recorded.
    assert main(arguments) == 0
    again_articles, again_claims, again_runs = _ledger_state(book)
    assert len(again_articles) == len(stored_articles)
    assert sorted(again_claims["claim_id"]) == sorted(expected["claim_id"])
    assert len(again_runs) == 2 and again_runs["n_new_articles"].tolist() == [len(articles), 0]


def test_a_failure_half_way_leaves_the_ledger_and_the_output_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, out = tmp_path / "ledger.duckdb", tmp_path / "claims.csv"
    assert main(["extract", str(SEED_ARTICLES), "--ledger", str(book)]) == 0
    out.write_text("earlier output\n", encoding="utf-8")
    before = _ledger_state(book)

    import lossledger.backends as backends

    real, calls = backends.extract_claims, []

    def fail_on_the_third_batch(batch: pd.DataFrame) -> pd.DataFrame:
        calls.append(len(batch))
        if len(calls) == 3:
            raise RuntimeError("worker lost")
        return real(batch)

    monkeypatch.setattr(backends, "extract_claims", fail_on_the_third_batch)
    handmade = str(resolve("tests/data/handmade"))
    with pytest.raises(RuntimeError, match="worker lost"):
        main(["extract", handmade, "--ledger", str(book), "-o", str(out), "--batch-size", "2"])
    assert len(calls) == 3  # it did fail half-way, after claims were being written
    after = _ledger_state(book)
    for left, right in zip(before, after, strict=True):
        assert_frame_equal(left, right)
    assert out.read_text(encoding="utf-8") == "earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "ledger.duckdb"]


def test_a_file_that_is_not_a_ledger_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = write(tmp_path, "notes.duckdb", "my notes, not a database\n")
    assert main(["extract", str(SEED_ARTICLES), "--ledger", str(book)]) == 2
    err = capsys.readouterr().err
    assert str(book) in err and "as it was" in err
    assert book.read_text(encoding="utf-8") == "my notes, not a database\n"


def test_a_missing_path_is_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "ledger.duckdb"
    missing = tmp_path / "no-such-folder"
    assert main(["extract", str(SEED_ARTICLES), str(missing), "--ledger", str(book)]) == 2
    assert str(missing) in capsys.readouterr().err
    assert not book.exists()


def test_one_id_for_two_texts_in_two_paths_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "week1", "report.txt", FLOOD)
    write(tmp_path / "week2", "report.txt", QUAKE)
    book = tmp_path / "ledger.duckdb"
    week1, week2 = str(tmp_path / "week1"), str(tmp_path / "week2")
    assert main(["extract", week1, week2, "--ledger", str(book)]) == 2
    err = capsys.readouterr().err
    assert "'report'" in err and week1 in err and week2 in err
    assert not book.exists()


def test_the_same_text_in_two_paths_counts_once(tmp_path: Path) -> None:
    write(tmp_path / "week1", "flood.txt", FLOOD)
    write(tmp_path / "week2", "flood-copy.txt", FLOOD)
    write(tmp_path / "week2", "quake.txt", QUAKE)
    book = tmp_path / "ledger.duckdb"
    arguments = ["extract", str(tmp_path / "week1"), str(tmp_path / "week2")]
    assert main([*arguments, "--ledger", str(book)]) == 0
    stored = ledger.read_articles(book)
    assert sorted(stored["article_id"]) == ["flood", "quake"]
    assert ledger.read_claims(book)["article_id"].isin(["flood", "quake"]).all()


def test_batch_size_must_be_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["extract", str(SEED_ARTICLES), "--batch-size", "0"])
    assert "--batch-size" in capsys.readouterr().err


def test_a_staged_write_gives_the_ledger_a_direct_write_gives(
    tmp_path: Path, articles: pd.DataFrame, expected: pd.DataFrame
) -> None:
    direct, staged = tmp_path / "direct.duckdb", tmp_path / "staged.duckdb"
    # Batches of different shapes: a column missing from one, an extra column in another.
    claim_batches = [
        expected.iloc[:40].drop(columns=["hedge"]),
        expected.iloc[40:].assign(extra="x"),
    ]
    for path, stage in ((direct, False), (staged, True)):
        counts = ledger.record_run(
            path,
            "r1",
            {"n": 1},
            _slices(articles, 5),
            iter(claim_batches),
            "ok",
            "v1",
            "2026-01-01",
            "2026-01-01",
            stage=stage,
        )
        assert counts["claims"] == len(expected)
    assert_frame_equal(ledger.read_articles(direct), ledger.read_articles(staged))
    direct_claims, staged_claims = ledger.read_claims(direct), ledger.read_claims(staged)
    assert_frame_equal(direct_claims, staged_claims)
    assert (staged_claims["hedge"] == "").sum() >= 40  # the batch without hedge


def test_a_staged_write_refuses_a_foreign_file_before_reading_any_batch(tmp_path: Path) -> None:
    book = write(tmp_path, "notes.duckdb", "not a database\n")
    read = []

    def batches() -> Iterator[pd.DataFrame]:
        read.append(1)
        yield pd.DataFrame({"sha256": ["x"], "article_id": ["a"], "text": ["t"]})

    with pytest.raises(ledger.LedgerFormatError):
        ledger.record_run(book, "r", {}, batches(), [], "ok", "v", None, None, stage=True)
    assert read == []
    assert book.read_text(encoding="utf-8") == "not a database\n"
