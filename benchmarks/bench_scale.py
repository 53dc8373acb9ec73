"""Load, extract and align at scale, per extraction backend, in one run.

Usage::

    .venv/bin/python benchmarks/bench_scale.py --articles 1000 10000 50000 \\
        --backends serial processes dask

For each N it writes a synthetic corpus of N articles (``benchmarks/corpus.py``,
2 to 4 KB each) as one ``.jsonl`` file in a temporary folder, then measures, each
in a fresh child process so that one measurement's memory and caches do not leak
into the next:

- ``load_articles`` on the corpus (the articles are then pickled for the next
  children, so the load is timed once, not once per backend);
- per backend, ``extract_claims_with`` on those articles;
  for both: wall and CPU seconds (CPU of the child and of the worker
  processes it waited for), MB/s and articles/s, and the peak resident memory
  (``ru_maxrss``) of the child and of its largest worker. The claims CSV of every
  backend is hashed: the run stops if two backends disagree.
- ``align_claims`` on the claims table (read from a pickle before timing).

Once, on a sample of sentences of the first corpus: ``find_numbers`` against
quantulum3's parser on the same sentences, as the ratio of throughputs (above 1:
ours is faster). quantulum3 is a benchmark-only dependency; if it is missing or
fails to import the comparison is skipped and says so.

Results are appended to ``benchmarks/results/scale.csv`` (one row per
measurement, with the machine's cores, Python and 1-minute load average) and the
run is drawn in ``benchmarks/results/scale.png`` (time and memory against N,
log-log, with a dotted line of linear growth from the smallest N).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPT = Path(__file__).resolve()
sys.path.insert(0, str(HERE))
from harness import append_csv, cpu_seconds, machine, measured, rss_mib, run_child  # noqa: E402

RESULTS = HERE / "results"
CSV_PATH = RESULTS / "scale.csv"
PNG_PATH = RESULTS / "scale.png"
FIELDS = [
    "when",
    "machine",
    "cores",
    "python",
    "load_avg_1m",
    "n_articles",
    "megabytes",
    "step",
    "backend",
    "wall_s",
    "cpu_s",
    "mb_per_s",
    "articles_per_s",
    "claims",
    "peak_rss_mib",
    "workers_peak_rss_mib",
    "ratio",
    "note",
]
QUANTULUM_SAMPLE = 600  # sentences; quantulum3 takes milliseconds per sentence


# ---- child side: each function runs in a fresh interpreter and returns a dict -----------


def child_load(corpus: str, articles_out: str) -> dict[str, Any]:
    """Load the corpus; time and memory; pickle the articles for the extract children."""
    from lossledger.articles import load_articles

    wall, cpu = time.perf_counter(), cpu_seconds()
    articles = load_articles(corpus)
    load_wall, load_cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    articles.to_pickle(articles_out)
    return {
        "articles": len(articles),
        "megabytes": float(articles["text"].str.encode("utf-8").str.len().sum()) / 1e6,
        "wall": load_wall,
        "cpu": load_cpu,
        "rss": rss_mib(resource.RUSAGE_SELF),
    }


def child_extract(articles_in: str, backend: str, claims_out: str) -> dict[str, Any]:
    """Extract the pickled articles with ``backend``; time, memory and a hash of the CSV."""
    import warnings

    import pandas as pd

    from lossledger.backends import extract_claims_with

    warnings.simplefilter("ignore")  # a skipped article is not what this measures
    articles = pd.read_pickle(articles_in)
    with measured() as extracting:
        claims = extract_claims_with(articles, backend)

    digest = hashlib.sha256(claims.to_csv(index=False).encode("utf-8")).hexdigest()
    if claims_out:
        claims.to_pickle(claims_out)
    return extracting | {"articles": len(articles), "claims": len(claims), "sha256": digest}


def child_align(claims_in: str) -> dict[str, Any]:
    """Align a pickled claims table; time and memory of the aligning alone."""
    import pandas as pd

    from lossledger.align import align_claims

    claims = pd.read_pickle(claims_in)
    with measured() as aligning:
        groups = align_claims(claims)
    return aligning | {"groups": len(groups), "claims": len(claims)}


def child_quantulum(corpus: str) -> dict[str, Any]:
    """find_numbers and quantulum3 on the same sample of sentences; their throughputs."""
    from lossledger.articles import load_articles
    from lossledger.numbers import find_numbers
    from lossledger.sentences import split_sentences

    articles = load_articles(corpus)
    sentences = [
        text[s.start : s.end] for text in articles["text"][:400] for s in split_sentences(text)
    ]
    sample = random.Random(0).sample(sentences, min(QUANTULUM_SAMPLE, len(sentences)))
    size = sum(len(s.encode("utf-8")) for s in sample) / 1e6
    try:
        from quantulum3 import parser as quantulum
    except Exception as error:  # any failure to import is a reason to skip, not to stop
        return {"skipped": f"quantulum3 could not be imported: {error!r}"}
    quantulum.parse(sample[0])  # its first call loads models and tables; not part of the rate

    def rate(parse: Any) -> tuple[float, int]:
        began, found = time.process_time(), 0
        for sentence in sample:
            found += len(parse(sentence))
        return size / (time.process_time() - began), found

    ours, ours_found = rate(find_numbers)
    theirs, theirs_found = rate(quantulum.parse)
    return {
        "sentences": len(sample),
        "megabytes": size,
        "ours_mb_per_s": ours,
        "quantulum_mb_per_s": theirs,
        "ours_found": ours_found,
        "quantulum_found": theirs_found,
    }


CHILDREN = {
    "load": child_load,
    "extract": child_extract,
    "align": child_align,
    "quantulum": child_quantulum,
}


# ---- parent side ---------------------------------------------------------------------


def measure(n: int, backends: list[str], folder: Path, seed: int, compare: bool) -> list[dict]:
    """Every measurement for one corpus size; rows for scale.csv."""
    sys.path.insert(0, str(HERE))
    from corpus import write_jsonl

    corpus = write_jsonl(n, folder / f"corpus_{n}.jsonl", seed)
    articles_path, claims_path = folder / f"articles_{n}.pkl", folder / f"claims_{n}.pkl"
    got = run_child(SCRIPT, "load", str(corpus), str(articles_path))
    mb = got["megabytes"]
    base = machine() | {"n_articles": n, "megabytes": round(mb, 3), "backend": "serial"}
    rows: list[dict[str, Any]] = [
        base
        | {
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "step": "load",
            "wall_s": got["wall"],
            "cpu_s": got["cpu"],
            "mb_per_s": mb / got["wall"],
            "articles_per_s": got["articles"] / got["wall"],
            "peak_rss_mib": got["rss"],
        }
    ]
    _show(rows)
    digests: dict[str, str] = {}
    for k, backend in enumerate(backends):
        load_avg = round(os.getloadavg()[0], 2)
        got = run_child(
            SCRIPT, "extract", str(articles_path), backend, str(claims_path) if k == 0 else ""
        )
        digests[backend] = got["sha256"]
        rows.append(
            base
            | {
                "load_avg_1m": load_avg,
                "step": "extract",
                "backend": backend,
                "claims": got["claims"],
                "wall_s": got["wall"],
                "cpu_s": got["cpu"],
                "mb_per_s": mb / got["wall"],
                "articles_per_s": got["articles"] / got["wall"],
                "peak_rss_mib": got["rss"],
                "workers_peak_rss_mib": got["workers_rss"] if backend != "serial" else "",
                "note": (
                    f"rss before extracting {got['rss_before']:.0f} MiB; "
                    f"claims csv sha256 {got['sha256'][:12]}"
                ),
            }
        )
        _show(rows[-1:])
    if len(set(digests.values())) > 1:
        raise SystemExit(f"backends disagree on the claims table at N={n}: {digests}")

    got = run_child(SCRIPT, "align", str(claims_path))
    rows.append(
        machine()
        | {
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "n_articles": n,
            "megabytes": rows[0]["megabytes"],
            "step": "align",
            "backend": "serial",
            "wall_s": got["wall"],
            "cpu_s": got["cpu"],
            "articles_per_s": n / got["wall"],
            "claims": got["claims"],
            "peak_rss_mib": got["rss"],
            "note": f"{got['groups']} groups; rss before aligning {got['rss_before']:.0f} MiB",
        }
    )
    _show(rows[-1:])
    if compare:
        rows.append(_quantulum_row(corpus, n))
    return rows


def _quantulum_row(corpus: Path, n: int) -> dict[str, Any]:
    """The find_numbers / quantulum3 comparison as a scale.csv row."""
    row = machine() | {"n_articles": n, "step": "numbers_vs_quantulum3", "backend": "serial"}
    row["load_avg_1m"] = round(os.getloadavg()[0], 2)
    try:
        got = run_child(SCRIPT, "quantulum", str(corpus))
    except RuntimeError as error:
        got = {"skipped": f"quantulum3 comparison failed: {str(error)[-300:]}"}
    if "skipped" in got:
        print(got["skipped"])
        return row | {"note": got["skipped"]}
    ratio = got["ours_mb_per_s"] / got["quantulum_mb_per_s"]
    print(
        f"find_numbers {got['ours_mb_per_s']:.3f} MB/s vs quantulum3 "
        f"{got['quantulum_mb_per_s']:.3f} MB/s on {got['sentences']} sentences: ratio {ratio:.1f} "
        f"(numbers found: ours {got['ours_found']}, quantulum3 {got['quantulum_found']})"
    )
    return row | {
        "megabytes": round(got["megabytes"], 4),
        "mb_per_s": got["ours_mb_per_s"],
        "ratio": ratio,
        "note": (
            f"{got['sentences']} sentences; quantulum3 {got['quantulum_mb_per_s']:.4f} MB/s; "
            f"found ours {got['ours_found']} quantulum3 {got['quantulum_found']}"
        ),
    }


def _show(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        print(
            f"N={r['n_articles']:>6} {r['step']:<8} {r['backend']:<10} wall {r['wall_s']:8.2f} s "
            f"cpu {r['cpu_s']:8.2f} s  {r.get('mb_per_s') or 0:7.3f} MB/s "
            f"{r['articles_per_s']:8.1f} art/s  peak {r['peak_rss_mib']:7.0f} MiB",
            flush=True,
        )


def chart(rows: list[dict[str, Any]]) -> None:
    """Time and peak memory against N, log-log, one line per step and backend."""
    import matplotlib

    matplotlib.use("Agg")  # no display: the chart is a file
    import matplotlib.pyplot as plt

    series: dict[str, list[tuple[int, float, float]]] = {}
    for r in rows:
        if r["step"] in ("load", "extract", "align"):
            label = r["step"] if r["step"] != "extract" else f"extract ({r['backend']})"
            series.setdefault(label, []).append((r["n_articles"], r["wall_s"], r["peak_rss_mib"]))
    figure, (times, memory) = plt.subplots(1, 2, figsize=(11, 4.5))
    for label, points in series.items():
        points.sort()
        ns = [p[0] for p in points]
        times.plot(ns, [p[1] for p in points], marker="o", label=label)
        memory.plot(ns, [p[2] for p in points], marker="o", label=label)
        if len(ns) > 1:  # linear growth from the smallest N, to judge the slope by eye
            times.plot(ns, [points[0][1] * n / ns[0] for n in ns], ":", color="grey", lw=0.8)
    for axes, title, unit in (
        (times, "Wall time", "seconds"),
        (memory, "Peak resident memory of the measuring process", "MiB"),
    ):
        axes.set(xscale="log", yscale="log", xlabel="articles (N)", ylabel=unit, title=title)
        axes.grid(True, which="both", alpha=0.3)
    times.legend(fontsize=8)
    host = machine()
    figure.suptitle(
        f"Loss Ledger at scale: {host['cores']} cores, Python {host['python']} "
        "(dotted: linear growth)",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(PNG_PATH, dpi=110, metadata={"Software": None})
    plt.close(figure)


def growth(rows: list[dict[str, Any]]) -> None:
    """Print the exponent k of time ~ N^k between consecutive sizes (1 is linear)."""
    keyed: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    for r in rows:
        if r["step"] in ("load", "extract", "align"):
            keyed.setdefault((r["step"], r["backend"]), []).append(
                (r["n_articles"], r["wall_s"], r["peak_rss_mib"])
            )
    for (step, backend), points in keyed.items():
        points.sort()
        for (n1, t1, m1), (n2, t2, m2) in itertools.pairwise(points):
            span = math.log(n2 / n1)
            print(
                f"{step:<8} {backend:<10} {n1:>6} -> {n2:<6} time x{t2 / t1:6.1f} "
                f"(N^{math.log(t2 / t1) / span:.2f}), memory x{m2 / m1:5.1f} "
                f"(N^{math.log(m2 / m1) / span:.2f})"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--backends", nargs="+", default=["serial", "processes"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-quantulum", action="store_true", help="skip the quantulum3 ratio")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](*args.child[1:])))
        return 0

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lossledger-scale-") as folder:
        for k, n in enumerate(sorted(args.articles)):
            compare = k == 0 and not args.no_quantulum  # once: the rate does not depend on N
            new = measure(n, args.backends, Path(folder), args.seed, compare)
            # At once, so a run stopped at a large N keeps the smaller ones.
            append_csv(CSV_PATH, FIELDS, new)
            rows += new
    chart(rows)
    growth(rows)
    print(f"appended to {CSV_PATH}; chart {PNG_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
