"""Peak memory of writing a corpus into the ledger: streamed in batches, against whole tables.

Usage::

    .venv/bin/python benchmarks/bench_stream.py --articles 1000 10000 50000

For each N it writes a synthetic corpus of N articles (``benchmarks/corpus.py``)
as one ``.jsonl`` file in a temporary folder, then, each in a fresh child
process (so that ``ru_maxrss`` is the peak of that path alone), measures:

- ``streaming``: what ``lossledger extract CORPUS --ledger FILE --batch-size B``
  does (it calls the command's own entry point): the articles read in batches,
  claims extracted batch by batch, both written into a new ledger in one
  transaction;
- ``whole``: the same work with whole tables, as a run of the workbook does
  it: ``load_articles``, ``extract_claims_with``, then ``record_run`` with the
  two tables.

Both use the same backend (``serial`` by default: every byte then lives in the
measured process) and end with the same ledger, which is checked: same
articles, same claims. For each it records wall and CPU seconds and the peak
resident memory of the child (and of its largest worker, for a parallel
backend). Results are appended to ``benchmarks/results/stream.csv`` (with the
machine's cores, Python and 1-minute load average) and drawn in
``benchmarks/results/stream.png``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCRIPT = Path(__file__).resolve()
sys.path.insert(0, str(HERE))
from harness import append_csv, machine, measured, run_child  # noqa: E402

RESULTS = HERE / "results"
CSV_PATH = RESULTS / "stream.csv"
PNG_PATH = RESULTS / "stream.png"
FIELDS = [
    "when",
    "machine",
    "cores",
    "python",
    "load_avg_1m",
    "n_articles",
    "megabytes",
    "path",
    "backend",
    "batch_size",
    "wall_s",
    "cpu_s",
    "articles_per_s",
    "articles",
    "claims",
    "peak_rss_mib",
    "workers_peak_rss_mib",
    "note",
]


def _ledger_counts(ledger_path: str) -> dict[str, Any]:
    """Articles and claims in the ledger, with a digest of their keys (to compare paths)."""
    import hashlib

    from lossledger.ledger import connect

    with connect(ledger_path, read_only=True) as con:
        shas = [r[0] for r in con.execute("SELECT sha256 FROM articles ORDER BY 1").fetchall()]
        ids = [r[0] for r in con.execute("SELECT claim_id FROM claims ORDER BY 1").fetchall()]
    digest = hashlib.sha256("\n".join(shas + ids).encode()).hexdigest()
    return {"articles": len(shas), "claims": len(ids), "digest": digest}


# ---- child side: each runs in a fresh interpreter and returns a dict --------------------


def child_streaming(corpus: str, ledger_path: str, backend: str, batch_size: str) -> dict:
    """``lossledger extract CORPUS --ledger FILE``: the command's own code path."""
    import warnings

    from lossledger.cli import main

    warnings.simplefilter("ignore")  # a skipped article is not what this measures
    arguments = ["extract", corpus, "--ledger", ledger_path, "--batch-size", batch_size]
    with measured() as streaming, contextlib.redirect_stdout(io.StringIO()):
        code = main([*arguments, "--backend", backend])
    if code != 0:
        raise SystemExit(f"lossledger extract exited {code}")
    return streaming | _ledger_counts(ledger_path)


def child_whole(corpus: str, ledger_path: str, backend: str) -> dict:
    """Whole tables: load every article, extract every claim, then one record_run."""
    import warnings

    from lossledger.articles import load_articles
    from lossledger.backends import extract_claims_with
    from lossledger.ledger import record_run
    from lossledger.provenance import extractor_version

    warnings.simplefilter("ignore")
    with measured() as whole:
        articles = load_articles(corpus)
        claims = extract_claims_with(articles, backend)
        record_run(
            ledger_path, "whole", {}, articles, claims, "ok", extractor_version(), None, None
        )
    megabytes = float(articles["text"].str.encode("utf-8").str.len().sum()) / 1e6
    return whole | {"megabytes": megabytes} | _ledger_counts(ledger_path)


CHILDREN = {"streaming": child_streaming, "whole": child_whole}


# ---- parent side ---------------------------------------------------------------------


def measure(n: int, backend: str, batch_size: int, folder: Path, seed: int) -> list[dict]:
    """Both paths for one corpus size; rows for stream.csv."""
    # Written by a child too: Linux starts a forked child's ru_maxrss at its parent's size,
    # so the parent must stay small for the children's peaks to be their own.
    corpus = folder / f"corpus_{n}.jsonl"
    subprocess.run(
        [sys.executable, str(HERE / "corpus.py"), str(n), "-o", str(corpus), "--seed", str(seed)],
        check=True,
        capture_output=True,
    )
    rows: list[dict[str, Any]] = []
    digests = {}
    megabytes = 0.0
    for path in ("whole", "streaming"):
        ledger_path = folder / f"ledger_{n}_{path}.duckdb"
        load_avg = round(os.getloadavg()[0], 2)
        if path == "whole":
            got = run_child(SCRIPT, path, str(corpus), str(ledger_path), backend)
            megabytes = got["megabytes"]
        else:
            got = run_child(SCRIPT, path, str(corpus), str(ledger_path), backend, str(batch_size))
        digests[path] = got["digest"]
        ledger_path.unlink()
        rows.append(
            machine()
            | {
                "load_avg_1m": load_avg,
                "n_articles": n,
                "megabytes": round(megabytes, 3),
                "path": path,
                "backend": backend,
                "batch_size": batch_size if path == "streaming" else "",
                "wall_s": got["wall"],
                "cpu_s": got["cpu"],
                "articles_per_s": got["articles"] / got["wall"],
                "articles": got["articles"],
                "claims": got["claims"],
                "peak_rss_mib": got["rss"],
                "workers_peak_rss_mib": got["workers_rss"] if backend != "serial" else "",
                "note": (
                    f"rss at start {got['rss_before']:.0f} MiB; ledger digest {got['digest'][:12]}"
                ),
            }
        )
        _show(rows[-1])
    if digests["whole"] != digests["streaming"]:
        raise SystemExit(f"the two paths wrote different ledgers at N={n}: {digests}")
    return rows


def _show(r: dict[str, Any]) -> None:
    print(
        f"N={r['n_articles']:>6} {r['path']:<9} {r['backend']:<9} wall {r['wall_s']:8.1f} s "
        f"cpu {r['cpu_s']:8.1f} s {r['articles_per_s']:7.1f} art/s "
        f"{r['claims']:>8} claims  peak {r['peak_rss_mib']:7.0f} MiB",
        flush=True,
    )


def last_run() -> list[dict[str, Any]]:
    """The rows of stream.csv's last sweep over N (from its last row back to a smaller N)."""
    with CSV_PATH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["n_articles"] = int(row["n_articles"])
        for key in ("peak_rss_mib", "wall_s"):
            row[key] = float(row[key])
    begin = len(rows) - 1
    while begin > 0 and rows[begin - 1]["n_articles"] <= rows[begin]["n_articles"]:
        begin -= 1
    return rows[begin:]


def chart(rows: list[dict[str, Any]]) -> None:
    """Peak memory and wall time against N, one line per path."""
    import matplotlib

    matplotlib.use("Agg")  # no display: the chart is a file
    import matplotlib.pyplot as plt

    figure, (memory, times) = plt.subplots(1, 2, figsize=(11, 4.5))
    for path, style, offset in (("whole", "o-", (4, 6)), ("streaming", "s-", (4, -14))):
        points = sorted(
            (r["n_articles"], r["peak_rss_mib"], r["wall_s"]) for r in rows if r["path"] == path
        )
        if not points:
            continue
        label = "whole tables (load, extract, record_run)"
        if path == "streaming":
            label = f"streaming (lossledger extract --ledger, batches of {rows[-1]['batch_size']})"
        ns = [p[0] for p in points]
        memory.plot(ns, [p[1] for p in points], style, label=label)
        times.plot(ns, [p[2] for p in points], style, label=label)
        for n, mib, _ in points:
            memory.annotate(f"{mib:,.0f}", (n, mib), textcoords="offset points", xytext=offset)
    memory.set(
        xscale="log",
        xlabel="articles (N)",
        ylabel="MiB",
        title="Peak resident memory (ru_maxrss of a fresh process)",
    )
    memory.set_ylim(bottom=0)
    times.set(
        xscale="log", yscale="log", xlabel="articles (N)", ylabel="seconds", title="Wall time"
    )
    for axes in (memory, times):
        axes.grid(True, which="both", alpha=0.3)
    memory.legend(fontsize=8, loc="upper left")
    host = machine()
    figure.suptitle(
        f"Corpus to ledger: {host['cores']} cores, Python {host['python']}, "
        f"backend {rows[-1]['backend']}",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(PNG_PATH, dpi=110, metadata={"Software": None})
    plt.close(figure)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--backend", default="serial", choices=["serial", "processes", "dask"])
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--chart-only", action="store_true", help="redraw the chart from stream.csv's last run"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](*args.child[1:])))
        return 0
    if args.chart_only:
        chart(last_run())
        print(f"chart {PNG_PATH}")
        return 0

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="lossledger-stream-") as folder:
        for n in sorted(args.articles):
            new = measure(n, args.backend, args.batch_size, Path(folder), args.seed)
            # At once, so a run stopped at a large N keeps the smaller ones.
            append_csv(CSV_PATH, FIELDS, new)
            rows += new
    chart(rows)
    print(f"appended to {CSV_PATH}; chart {PNG_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
