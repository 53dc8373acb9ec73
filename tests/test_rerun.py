"""Re-running on new data: the ledger accumulates, reuses claims, survives a killed run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from lossledger.ledger import read_articles, read_claims, read_runs
from tests.conftest import REPO, SEED_ARTICLES
from tests.test_runner import lossledger

pytestmark = pytest.mark.slow
HANDMADE = REPO / "tests" / "data" / "handmade"
HANDMADE_ARGS = ("--articles", str(HANDMADE))


def _run(out: Path, *arguments: str) -> Path:
    result = lossledger("run", "--out", str(out), *arguments)
    assert result.returncode == 0, result.stdout + result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def test_second_run_reuses_the_ledger_and_adds_no_duplicates(tmp_path: Path) -> None:
    first = _run(tmp_path, "--articles", str(SEED_ARTICLES))
    second = _run(tmp_path, "--articles", str(SEED_ARTICLES))
    ledger = tmp_path / "ledger.duckdb"

    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["ledger"]["new_articles"] == 0
    assert manifest["ledger"]["path"] == str(ledger)
    executed = (second / "executed" / "02_extract_claims.ipynb").read_text()
    assert "2 articles already in the ledger" in executed
    # Reused claims are the same bytes as freshly extracted ones.
    assert (second / "tables" / "claims.csv").read_bytes() == (
        first / "tables" / "claims.csv"
    ).read_bytes()

    assert len(read_articles(ledger)) == 2
    claims = read_claims(ledger)
    assert claims["claim_id"].is_unique
    assert len(claims) == len(pd.read_csv(first / "tables" / "claims.csv"))
    assert list(read_runs(ledger)["status"]) == ["ok", "ok"]


def test_ledger_scope_compares_every_article_seen_so_far(tmp_path: Path) -> None:
    _run(tmp_path, "--articles", str(SEED_ARTICLES))
    later = _run(tmp_path, "--articles", str(HANDMADE), "-p", "scope", "ledger")
    groups = pd.read_csv(later / "tables" / "claim_groups.csv", keep_default_na=False)
    articles = {a for joined in groups["articles"] for a in joined.split(";")}
    assert "000_e1900f69a6e5a511" in articles  # from the earlier run, via the ledger
    assert any(a.startswith("h0") for a in articles)  # from this run
    only_run = _run(tmp_path, "--articles", str(HANDMADE))
    groups = pd.read_csv(only_run / "tables" / "claim_groups.csv", keep_default_na=False)
    assert not any("000_e1900f69a6e5a511" in joined for joined in groups["articles"])


def test_a_run_killed_part_way_leaves_the_ledger_as_it_was(tmp_path: Path) -> None:
    _run(tmp_path, "--articles", str(SEED_ARTICLES))
    ledger = tmp_path / "ledger.duckdb"
    before = (len(read_runs(ledger)), len(read_articles(ledger)), len(read_claims(ledger)))

    earlier = set(tmp_path.iterdir())
    child = subprocess.Popen(
        [sys.executable, "-m", "lossledger", "run", "--out", str(tmp_path), *HANDMADE_ARGS],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kernels die with it
    )
    deadline = time.monotonic() + 120
    killed_during = ""
    while time.monotonic() < deadline and child.poll() is None:
        started = [p for p in tmp_path.iterdir() if p.is_dir() and p not in earlier]
        if started and (started[0] / "executed" / "02_extract_claims.ipynb").exists():
            killed_during = "02_extract_claims"
            os.killpg(child.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    child.wait(timeout=60)
    assert killed_during, "the run ended before it could be killed"
    assert child.returncode == -signal.SIGKILL

    after = (len(read_runs(ledger)), len(read_articles(ledger)), len(read_claims(ledger)))
    assert after == before
    (killed,) = started
    assert json.loads((killed / "manifest.json").read_text())["status"] == "running"

    rerun = _run(tmp_path, "--articles", str(HANDMADE))
    assert rerun != killed
    assert len(read_articles(ledger)) == before[1] + 11
    assert list(read_runs(ledger)["status"]) == ["ok", "ok"]


def test_a_failed_run_is_logged_in_the_ledger_without_its_data(tmp_path: Path) -> None:
    _run(tmp_path, "--articles", str(SEED_ARTICLES))
    ledger = tmp_path / "ledger.duckdb"
    result = lossledger(
        "run",
        "--out",
        str(tmp_path),
        "--articles",
        str(HANDMADE),
        "-p",
        "reference",
        str(REPO / "README.md"),
    )
    assert result.returncode == 1, result.stderr
    assert "04_official_vs_independent" in result.stderr
    runs = read_runs(ledger)
    assert list(runs["status"]) == ["ok", "failed"]
    assert len(read_articles(ledger)) == 2  # the failed run's 11 articles stay out
