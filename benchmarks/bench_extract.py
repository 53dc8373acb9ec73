"""Accuracy and speed of claim extraction, measured in one run.

Usage::

    .venv/bin/python benchmarks/bench_extract.py            # prints a report
    .venv/bin/python benchmarks/bench_extract.py --mb 5     # a larger corpus for the timing

Accuracy: ``lossledger.evaluate`` (the matching rule of the gold README) on every
labelled set under ``tests/data``: the seed articles, the handmade articles written
while the rules were built, and the three blind sets written and labelled by people who
never saw the extractor (the honest figure for unseen text).

Speed depends on how many figures a megabyte holds, so it is measured on three
corpora of about ``--mb`` megabytes each, from sparse to dense:

- ``news``: the two seed articles (real wire copy) repeated;
- ``synthetic``: the scale benchmark's generated wire stories (``corpus.py``);
- ``dense``: every labelled set repeated; these articles were written to pack hard
  cases, so they hold about half again as many figures per megabyte as real news.

On each: ``find_numbers`` and ``extract_claims`` timed (CPU seconds of this
process, one core; steadier than wall time on a shared machine), claims per
megabyte, and the peak of memory allocated while extracting a tenth of it
(tracemalloc). Results are appended to ``benchmarks/results/extract.csv`` with the
machine they came from, one row per measure named ``<corpus>_<measure>``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from lossledger.articles import load_articles
from lossledger.claims import extract_claims
from lossledger.evaluate import evaluate, format_report, read_gold
from lossledger.numbers import find_numbers

REPO = Path(__file__).resolve().parents[1]
LABELLED_SETS: dict[str, tuple[str, str]] = {
    "seeds": ("data/articles", "tests/data/gold/seeds_gold.jsonl"),
    "handmade": ("tests/data/handmade", "tests/data/handmade/handmade_gold.jsonl"),
    "blind": ("tests/data/blind", "tests/data/blind/blind_gold.jsonl"),
    "blind2": ("tests/data/blind2", "tests/data/blind2/blind2_gold.jsonl"),
    "blind3": ("tests/data/blind3", "tests/data/blind3/blind3_gold.jsonl"),
}
RESULTS = REPO / "benchmarks" / "results" / "extract.csv"


def accuracy() -> list[dict[str, object]]:
    """Evaluate every labelled set that is present; print each report; return the scores."""
    rows = []
    for name, (folder, gold_file) in LABELLED_SETS.items():
        if not (REPO / gold_file).is_file():
            print(f"{name}: no gold file at {gold_file}, skipped")
            continue
        result = evaluate(extract_claims(load_articles(REPO / folder)), read_gold(REPO / gold_file))
        print(f"\n== {name} ({folder})\n{format_report(result)}")
        rows.append({"set": name, "precision": result.precision, "recall": result.recall})
        rows[-1].update({f"field_{k}": v for k, v in result.fields.items()})
    return rows


def corpus(megabytes: float, sets: tuple[str, ...] = tuple(LABELLED_SETS)) -> pd.DataFrame:
    """The articles of labelled ``sets`` repeated (fresh ids) to about ``megabytes``."""
    sources = [
        load_articles(REPO / LABELLED_SETS[name][0])
        for name in sets
        if (REPO / LABELLED_SETS[name][1]).is_file()
    ]
    base = pd.concat(sources, ignore_index=True)
    return _repeat(base, megabytes)


def corpora(megabytes: float) -> dict[str, pd.DataFrame]:
    """The three timing corpora (see the module docstring), each about ``megabytes``."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from corpus import synthetic_articles  # the scale benchmark's generator

    synthetic = synthetic_articles(max(1, round(megabytes * 1e6 / 3000)), seed=11)
    return {
        "news": corpus(megabytes, ("seeds",)),
        "synthetic": _repeat(synthetic, megabytes),
        "dense": corpus(megabytes),
    }


def _repeat(base: pd.DataFrame, megabytes: float) -> pd.DataFrame:
    """``base`` repeated to about ``megabytes``, every copy a text of its own: a few
    spaces and tabs at the end (which extraction ignores) spell the copy's number, so
    no cache keyed by an article's text can carry work from one copy to the next."""
    size = base["text"].str.len().sum()
    copies = max(1, round(megabytes * 1e6 / size))
    repeated = pd.concat([base] * copies, ignore_index=True)
    repeated["article_id"] = [f"a{i:07d}" for i in range(len(repeated))]
    repeated["text"] = [
        text + "\n" + format(i, "b").translate(_BITS_AS_SPACE)
        for i, text in enumerate(repeated["text"])
    ]
    return repeated


_BITS_AS_SPACE = str.maketrans({"0": " ", "1": "\t"})


def speed(articles: pd.DataFrame) -> dict[str, float]:
    """CPU seconds and MB/s of find_numbers and extract_claims; peak traced memory."""
    megabytes = articles["text"].str.encode("utf-8").str.len().sum() / 1e6
    began = time.process_time()
    for text in articles["text"]:
        find_numbers(text)
    numbers_seconds = time.process_time() - began

    began = time.process_time()
    claims = extract_claims(articles)
    extract_seconds = time.process_time() - began

    tracemalloc.start()
    extract_claims(articles.head(max(1, len(articles) // 10)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "megabytes": megabytes,
        "articles": len(articles),
        "claims": len(claims),
        "claims_per_mb": len(claims) / megabytes,
        "numbers_mb_per_s": megabytes / numbers_seconds,
        "extract_mb_per_s": megabytes / extract_seconds,
        "extract_articles_per_s": len(articles) / extract_seconds,
        "peak_mib_per_tenth": peak / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=float, default=3.0, help="corpus size for the timing")
    arguments = parser.parse_args(argv)

    scores = accuracy()
    measured: dict[str, float] = {}
    print("\n== speed (one core, CPU time)")
    for name, articles in corpora(arguments.mb).items():
        found = speed(articles)
        print(
            f"{name:<10} {found['megabytes']:.1f} MB, {found['articles']:,} articles, "
            f"{found['claims_per_mb']:,.0f} claims/MB: find_numbers "
            f"{found['numbers_mb_per_s']:.2f} MB/s, extract_claims "
            f"{found['extract_mb_per_s']:.2f} MB/s ({found['extract_articles_per_s']:,.0f} "
            f"articles/s), peak {found['peak_mib_per_tenth']:.1f} MiB for a tenth"
        )
        measured.update({f"{name}_{key}": value for key, value in found.items()})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    new_file = not RESULTS.exists()
    with RESULTS.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new_file:
            writer.writerow(["when", "machine", "python", "measure", "value"])
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        machine = f"{platform.machine()} {os.cpu_count()} cores"
        for key, value in measured.items():
            writer.writerow([stamp, machine, sys.version.split()[0], key, f"{value:.4g}"])
        for row in scores:
            for key, value in row.items():
                if key != "set":
                    writer.writerow(
                        [
                            stamp,
                            machine,
                            sys.version.split()[0],
                            f"{row['set']}_{key}",
                            f"{value:.4g}",
                        ]
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
