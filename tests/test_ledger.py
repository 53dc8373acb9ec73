"""The DuckDB ledger: upserts, re-extraction, kill -9 during a write, two writers, bad files."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from lossledger import ledger
from lossledger.schema import ARTICLE_COLUMNS, CLAIM_COLUMNS

# ----------------------------------------------------------------------------- helpers


def article(article_id: str, text: str, **fields: Any) -> dict[str, Any]:
    """An articles-table row with every ARTICLE_COLUMNS column filled."""
    row = {
        "article_id": article_id,
        "path": f"data/articles/{article_id}.txt",
        "outlet": "Harbour Gazette",
        "published": "2025-03-04",
        "url": f"https://example.org/{article_id}",
        "title": f"Report {article_id}",
        "language": "en",
        "text": text,
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "n_chars": len(text),
    }
    row.update(fields)
    return row


def claim_id(sha256: str, kind: str, start: int, end: int) -> str:
    """A stable id from the article's hash and the span, as the extractor makes them."""
    return hashlib.sha256(f"{sha256}|{kind}|{start}|{end}".encode()).hexdigest()[:16]


def claim(art: dict[str, Any], expression: str, **fields: Any) -> dict[str, Any]:
    """A claims-table row (every CLAIM_COLUMNS column) for ``expression`` in ``art``'s text."""
    start = art["text"].index(expression)
    end = start + len(expression)
    kind = fields.pop("kind", "figure")
    row = {
        "claim_id": claim_id(art["sha256"], kind, start, end),
        "article_id": art["article_id"],
        "outlet": art["outlet"],
        "published": art["published"],
        "kind": kind,
        "start": start,
        "end": end,
        "text": expression,
        "sentence": art["text"],
        "value": 300.0,
        "low": 300.0,
        "high": float("nan"),
        "bound": "lower",
        "metric": "wounded",
        "party": "Northland",
        "source": "regional governor",
        "source_type": "official",
        "source_side": "Northland",
        "genre": "count",
        "as_of": "2025-03-03",
        "hedge": "more than",
        "num_start": start + 10,
        "num_end": end,
        "origin": "",
    }
    row.update(fields)
    return row


A1 = article("alpha", "The governor said more than 300 people were hurt in the flooding.")
A2 = article("bravo", "Rescuers counted 12 missing fishermen after the storm passed.")
A3 = article("charlie", "A ferry operator reported about 40 passengers injured on Tuesday.")
C1 = claim(A1, "more than 300")
C2 = claim(A2, "12", value=12.0, low=float("nan"), bound="exact", metric="missing")
C3 = claim(A3, "about 40", value=40.0, low=float("nan"), bound="approx")


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def record(path: Path, run_id: str, articles: Any, claims: Any, version: str = "v1", **kw: Any):
    """record_run with the bookkeeping arguments filled in."""
    return ledger.record_run(
        path,
        run_id,
        kw.pop("parameters", {"articles": "data/articles"}),
        articles,
        claims,
        kw.pop("status", "ok"),
        version,
        "2025-03-05T10:00:00+00:00",
        "2025-03-05T10:01:00+00:00",
        **kw,
    )


def snapshot(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Everything a reader can see in the ledger."""
    return ledger.read_articles(path), ledger.read_claims(path), ledger.read_runs(path)


def fingerprint(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-free hash of every row of every table: equal means same content."""
    with ledger.connect(path) as con:
        tables = [
            row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        ]
        return {
            table: con.execute(
                f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {table} AS t"
            ).fetchall()[0]
            for table in sorted(tables)
        }


def assert_same(left: tuple[pd.DataFrame, ...], right: tuple[pd.DataFrame, ...]) -> None:
    for a, b in zip(left, right, strict=True):
        assert_frame_equal(a, b)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "outputs" / "ledger.duckdb"


# ----------------------------------------------------------------------------- upserts


def test_first_write_stores_every_column_in_contract_order(path: Path) -> None:
    counts = record(
        path,
        "r1",
        frame([A2, A1]),
        frame([C2, C1]),
        parameters={"articles": "x", "min_words": 4},
        inputs=[{"path": "x/alpha.txt", "bytes": 65}],
    )
    assert counts == {
        "articles": 2,
        "new_articles": 2,
        "reextracted_articles": 0,
        "claims": 2,
        "claims_written": 2,
        "ledger_articles": 2,
        "ledger_claims": 2,
    }
    articles, claims, runs = snapshot(path)
    assert list(articles.columns[: len(ARTICLE_COLUMNS)]) == ARTICLE_COLUMNS
    assert list(claims.columns[: len(CLAIM_COLUMNS)]) == CLAIM_COLUMNS
    assert list(articles["article_id"]) == ["alpha", "bravo"]  # sorted, not input order
    assert list(claims["article_id"]) == ["alpha", "bravo"]
    stored = articles.iloc[0]
    for column in ARTICLE_COLUMNS:
        assert stored[column] == A1[column], column
    assert (stored["n_chars"], stored["first_seen_run"], stored["extractor_version"]) == (
        len(A1["text"]),
        "r1",
        "v1",
    )
    first = claims.iloc[0]
    for column in CLAIM_COLUMNS:
        if column == "high":
            assert pd.isna(first[column])
        else:
            assert first[column] == C1[column], column
    assert (first["hedge"], first["num_start"], first["sha256"]) == (
        "more than",
        C1["num_start"],
        A1["sha256"],
    )
    assert runs.loc[0, "parameters"] == '{"articles": "x", "min_words": 4}'
    assert runs.loc[0, "inputs"] == '[{"bytes": 65, "path": "x/alpha.txt"}]'
    assert (runs.loc[0, "status"], runs.loc[0, "n_claims"]) == ("ok", 2)


def test_same_articles_twice_give_no_duplicates_and_two_runs(path: Path) -> None:
    record(path, "r1", frame([A1, A2]), frame([C1, C2]))
    counts = record(path, "r2", frame([A1, A2, A1]), frame([C1, C2, C1]))
    articles, claims, runs = snapshot(path)
    assert len(articles) == 2 and articles["sha256"].is_unique
    assert len(claims) == 2 and claims["claim_id"].is_unique
    assert list(runs["run_id"]) == ["r1", "r2"]
    assert counts["new_articles"] == 0 and counts["articles"] == 2
    assert list(articles["first_seen_run"]) == ["r1", "r1"]
    assert list(articles["last_seen_run"]) == ["r2", "r2"]


def test_known_articles_need_no_claims_on_a_later_run(path: Path) -> None:
    record(path, "r1", frame([A1, A2]), frame([C1, C2]))
    # The runner extracts only new articles: A1 is known, A3 is new.
    assert ledger.known_articles(path, "v1") == {A1["sha256"], A2["sha256"]}
    counts = record(path, "r2", frame([A1, A3]), frame([C3]))
    assert counts["new_articles"] == 1 and counts["claims"] == 2  # A1's stored claim + C3
    assert sorted(ledger.read_claims(path)["claim_id"]) == sorted(
        [C1["claim_id"], C2["claim_id"], C3["claim_id"]]
    )
    stored = ledger.claims_for(path, [A1["sha256"], "0" * 64])
    assert list(stored["claim_id"]) == [C1["claim_id"]]
    assert list(stored.columns[: len(CLAIM_COLUMNS)]) == CLAIM_COLUMNS


def test_new_extractor_version_replaces_the_claims_of_re_extracted_articles(path: Path) -> None:
    extra = claim(A1, "300", bound="exact", hedge="")
    record(path, "r1", frame([A1, A2]), frame([C1, extra, C2]))
    assert ledger.known_articles(path, "v2") == set()
    newer = claim(A1, "people were hurt", kind="quote", value=float("nan"), bound="")
    counts = record(path, "r2", frame([A1]), frame([newer]), version="v2")
    assert counts["reextracted_articles"] == 1 and counts["claims_written"] == 1
    claims = ledger.read_claims(path)
    by_article = claims.groupby("article_id")["claim_id"].apply(set).to_dict()
    assert by_article == {"alpha": {newer["claim_id"]}, "bravo": {C2["claim_id"]}}
    assert dict(zip(claims["article_id"], claims["extractor_version"], strict=True)) == {
        "alpha": "v2",
        "bravo": "v1",
    }
    assert ledger.known_articles(path, "v2") == {A1["sha256"]}
    assert ledger.known_articles(path, "v1") == {A2["sha256"]}


def test_known_articles_of_a_missing_ledger_is_empty_and_creates_nothing(path: Path) -> None:
    assert ledger.known_articles(path, "v1") == set()
    assert ledger.read_articles(path).empty and ledger.read_claims(path).empty
    assert ledger.claims_for(path, [A1["sha256"]]).empty
    assert not path.parent.exists()


def test_batches_give_the_same_ledger_as_one_table(tmp_path: Path) -> None:
    whole, split = tmp_path / "whole.duckdb", tmp_path / "split.duckdb"
    record(whole, "r1", frame([A1, A2, A3]), frame([C1, C2, C3]))
    record(
        split,
        "r1",
        iter([frame([A1]), frame([A2, A3])]),
        (frame([row]) for row in (C3, C1, C2)),
    )
    assert_frame_equal(ledger.read_articles(whole), ledger.read_articles(split))
    assert_frame_equal(ledger.read_claims(whole), ledger.read_claims(split))


def test_a_failing_write_changes_nothing(path: Path) -> None:
    record(path, "r1", frame([A1]), frame([C1]))
    before = snapshot(path)
    orphan = claim(A3, "about 40")  # its article is not part of the run
    with pytest.raises(ledger.LedgerError, match="charlie"):
        record(path, "r2", frame([A2]), frame([C2, orphan]))
    assert_same(snapshot(path), before)


def test_same_article_id_for_another_text_stays_apart(path: Path) -> None:
    record(path, "r1", frame([A1]), frame([C1]))
    rewritten = article("alpha", "The governor now says more than 350 people were hurt.")
    record(path, "r2", frame([rewritten]), frame([claim(rewritten, "more than 350")]))
    articles, claims, _ = snapshot(path)
    new_id = "alpha@" + rewritten["sha256"][:12]
    assert list(articles["article_id"]) == ["alpha", new_id]
    assert list(claims["article_id"]) == ["alpha", new_id]
    assert list(claims["sha256"]) == [A1["sha256"], rewritten["sha256"]]


def test_later_metadata_updates_the_article_and_its_stored_claims(path: Path) -> None:
    record(path, "r1", frame([A1]), frame([C1]))
    moved = {**A1, "outlet": "Coastal Times", "published": "2025-03-06", "title": ""}
    record(path, "r2", frame([moved]), None)
    articles, claims, _ = snapshot(path)
    assert (articles.loc[0, "outlet"], articles.loc[0, "published"]) == (
        "Coastal Times",
        "2025-03-06",
    )
    assert articles.loc[0, "title"] == A1["title"]  # an empty field erases nothing
    assert (claims.loc[0, "outlet"], claims.loc[0, "published"]) == (
        "Coastal Times",
        "2025-03-06",
    )


def test_a_failed_run_adds_only_its_row_in_runs(path: Path) -> None:
    record(path, "r1", frame([A1]), frame([C1]))
    counts = record(path, "r2", frame([A2]), frame([C2]), status="failed")
    articles, claims, runs = snapshot(path)
    assert list(articles["article_id"]) == ["alpha"] and len(claims) == 1
    assert list(zip(runs["run_id"], runs["status"], strict=True)) == [
        ("r1", "ok"),
        ("r2", "failed"),
    ]
    assert counts["articles"] == 0 and counts["ledger_articles"] == 1
    assert ledger.known_articles(path, "v1") == {A1["sha256"]}


# ----------------------------------------------------------------------------- processes

# A child process that records one run of ``n`` generated articles with ``per`` claims
# each; it says "ready" just before record_run and, when ``hold`` > 0, "holding"
# halfway through the articles (the ledger then open for writing) before sleeping.
CHILD = r"""
import sys, time, hashlib
import numpy as np, pandas as pd
from lossledger import ledger
path, run_id = sys.argv[1], sys.argv[2]
n, per, hold = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
filler = "Harbour crews worked through the night to clear the flooded quay. " * 20
texts = [f"Bulletin {run_id}/{i}: more than {i} homes were damaged. {filler}" for i in range(n)]
shas = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
ids = [f"{run_id}-{i}" for i in range(n)]
articles = pd.DataFrame({"article_id": ids, "path": "p", "outlet": "Harbour Gazette",
    "published": "2025-03-04", "url": "", "title": "bulletin", "language": "en",
    "text": texts, "sha256": shas})
which = np.repeat(np.arange(n), per)
start = np.tile(np.arange(per) * 60, n)
claims = pd.DataFrame({"claim_id": [f"{shas[i][:12]}:{s}" for i, s in zip(which, start)],
    "article_id": [ids[i] for i in which], "kind": "figure", "start": start, "end": start + 9,
    "text": "more than", "sentence": filler[:60], "value": 5.0, "low": 5.0, "high": np.nan,
    "bound": "lower", "metric": "other", "party": "", "source": "", "source_type": "media",
    "source_side": "", "genre": "count", "as_of": ""})
def batches():
    yield articles.iloc[: n // 2]
    if hold:
        print("holding", flush=True)
        time.sleep(hold)
    yield articles.iloc[n // 2 :]
print("ready", flush=True)
ledger.record_run(path, run_id, {"child": True}, batches(), claims, "ok", "v1", "", "")
print("committed", flush=True)
"""


def start_child(path: Path, run_id: str, n: int, per: int, hold: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), run_id, str(n), str(per), str(hold)],
        stdout=subprocess.PIPE,
        text=True,
    )


def wait_for(child: subprocess.Popen[str], word: str) -> None:
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    assert line == word, f"child said {line!r}, expected {word!r}"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_kill_9_during_a_large_write_leaves_the_previous_ledger(path: Path) -> None:
    n, per = 4000, 40
    record(path, "r0", frame([A1, A2]), frame([C1, C2]))
    # How long one such write takes here, from "ready" to committed and closed.
    child = start_child(path, "full", n, per, hold=0)
    wait_for(child, "ready")
    began = time.monotonic()
    wait_for(child, "committed")
    duration = time.monotonic() - began
    assert child.wait(timeout=10) == 0
    rng = random.Random(20250305)
    outcomes = []
    iterations = 5
    for i in range(iterations):
        before = fingerprint(path)
        child = start_child(path, f"big{i}", n, per, hold=0)
        wait_for(child, "ready")
        # One kill per slice of the write, from early on to its commit and checkpoint.
        time.sleep(duration * (0.05 + 0.95 * rng.uniform(i, i + 1) / iterations))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        # 0: the child had finished before the signal came (a slow "ready", a fast write).
        assert child.returncode in (-signal.SIGKILL, 0)
        log_left = path.with_name(path.name + ".wal").exists()
        runs = ledger.read_runs(path)  # the file opens after the kill
        after = fingerprint(path)
        if f"big{i}" in set(runs["run_id"]):
            # The commit finished before the kill: all of the run, not part of it.
            assert after["articles"][0] == before["articles"][0] + n
            assert after["claims"][0] == before["claims"][0] + n * per
            outcomes.append("committed" + (" (log left)" if log_left else ""))
        else:
            assert after == before
            outcomes.append("intact" + (" (log left)" if log_left else ""))
        counts = record(path, f"after{i}", frame([A3]), frame([C3]))
        assert counts["articles"] == 1
        assert f"after{i}" in set(ledger.read_runs(path)["run_id"])
    print(f"write {duration:.2f} s; kills: {outcomes}")
    assert any(o.startswith("intact") for o in outcomes), f"no kill inside a write: {outcomes}"


def test_a_second_writer_waits_for_the_first(path: Path) -> None:
    record(path, "r0", frame([A1]), frame([C1]))
    child = start_child(path, "slow", 50, 2, hold=1.0)
    wait_for(child, "ready")
    wait_for(child, "holding")
    began = time.monotonic()
    record(path, "r1", frame([A2]), frame([C2]), timeout=30)
    waited = time.monotonic() - began
    assert child.wait(timeout=30) == 0
    assert waited > 0.5, f"second writer did not wait ({waited:.2f} s)"
    runs = ledger.read_runs(path)
    assert list(runs["run_id"]) == ["r0", "r1", "slow"]
    assert len(ledger.read_articles(path)) == 2 + 50


def test_a_writer_that_cannot_wait_long_enough_gets_a_clear_error(path: Path) -> None:
    record(path, "r0", frame([A1]), frame([C1]))
    before = snapshot(path)
    child = start_child(path, "stuck", 50, 2, hold=60)
    try:
        wait_for(child, "ready")
        wait_for(child, "holding")
        began = time.monotonic()
        with pytest.raises(ledger.LedgerBusyError) as caught:
            record(path, "r1", frame([A2]), frame([C2]), timeout=0.5)
        assert 0.4 < time.monotonic() - began < 5
        message = str(caught.value)
        assert str(path) in message and f"PID {child.pid}" in message
        with pytest.raises(ledger.LedgerBusyError, match=str(path)):
            ledger.read_articles(path, timeout=0.2)
    finally:
        child.kill()
        child.wait(timeout=10)
    assert_same(snapshot(path), before)
    record(path, "r1", frame([A2]), frame([C2]), timeout=5)
    assert list(ledger.read_runs(path)["run_id"]) == ["r0", "r1"]


def test_two_runs_creating_the_ledger_at_once_both_land(path: Path) -> None:
    children = [start_child(path, f"twin{i}", 200, 3, hold=0) for i in range(2)]
    for child in children:
        assert child.wait(timeout=30) == 0
    assert list(ledger.read_runs(path)["run_id"]) == ["twin0", "twin1"]
    assert len(ledger.read_claims(path)) == 2 * 200 * 3
    assert sorted(os.listdir(path.parent)) == ["ledger.duckdb"]  # no scratch files left


# ----------------------------------------------------------------------------- bad files


def _make_bad(kind: str, target: Path) -> None:
    rng = random.Random(7)
    if kind == "random bytes":
        target.write_bytes(rng.randbytes(20_000))
    elif kind == "random bytes with DuckDB's magic":
        target.write_bytes(rng.randbytes(8) + b"DUCK" + rng.randbytes(20_000))
    elif kind == "empty file":
        target.write_bytes(b"")
    elif kind == "other DuckDB database":
        con = duckdb.connect(str(target))
        con.execute("CREATE TABLE notes AS SELECT 1 AS n")
        con.close()
    elif kind == "ledger with a column missing":
        record(target, "r0", frame([A1]), frame([C1]))
        con = duckdb.connect(str(target))
        con.execute("ALTER TABLE claims DROP COLUMN origin")
        con.close()
    elif kind == "unknown schema version":
        record(target, "r0", frame([A1]), frame([C1]))
        con = duckdb.connect(str(target))
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        con.close()


@pytest.mark.parametrize(
    "kind",
    [
        "random bytes",
        "random bytes with DuckDB's magic",
        "empty file",
        "other DuckDB database",
        "ledger with a column missing",
        "unknown schema version",
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_and_left_untouched(
    tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "ledger.duckdb"
    _make_bad(kind, target)
    content = target.read_bytes()
    names = sorted(os.listdir(tmp_path))
    with pytest.raises(ledger.LedgerFormatError) as caught:
        record(target, "r1", frame([A2]), frame([C2]))
    assert str(target) in str(caught.value)
    if kind == "unknown schema version":
        assert "'99'" in str(caught.value)
    for read in (ledger.read_articles, ledger.read_claims, ledger.read_runs):
        with pytest.raises(ledger.LedgerFormatError, match=str(target)):
            read(target)
    with pytest.raises(ledger.LedgerFormatError):
        ledger.known_articles(target, "v1")
    assert target.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == names
