"""Time and peak memory of ``align_claims`` on synthetic claims tables.

Usage::

    .venv/bin/python benchmarks/bench_align.py --articles 1000 10000 50000

For each N it builds a claims table of N articles (about 20 claims each: 14
figures, 6 quotations), then times ``align_claims`` once without tracing (wall
and CPU seconds: CPU time is steadier on a shared machine) and once under
``tracemalloc`` for the peak of memory allocated while aligning
(Python and NumPy allocations; the input table is built before tracing starts).

The table is built to look like a real corpus, not like noise: many articles
report the same popular figures and quotations (a few events are everywhere,
most are rare), with the variants the aligner must see through or flag: a hedge
added or dropped, a number off by a little, a speaker's name spelt differently
or replaced, curly quotes, a clause cut off, punctuation changed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from collections import Counter

import pandas as pd

from lossledger.align import align_claims
from lossledger.schema import CLAIM_COLUMNS

METRICS = ("killed", "wounded", "missing", "casualties", "bodies_returned", "prisoners_exchanged")
PARTIES = ("Ukraine", "Russia", "both", "civilians")
BOUNDS = ("exact", "exact", "exact", "approx", "lower", "upper", "range")
SPEAKERS = (
    ("Volodymyr Zelensky", "Ukraine"),
    ("Rustem Umerov", "Ukraine"),
    ("Ukrainian officials", "Ukraine"),
    ("Russian defence ministry", "Russia"),
    ("Russian authorities", "Russia"),
    ("Mediazona", "third-party"),
    ("UN monitoring mission", "third-party"),
    ("", ""),
)
SPELLINGS = {"Volodymyr Zelensky": "President Volodymyr Zelenskyy (to NBC)"}
HEDGES = {"exact": "", "approx": "about ", "lower": "more than ", "upper": "as many as "}
SYLLABLES = ("ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "de", "ga", "po", "ze", "shi", "bor")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def _figure(rng: random.Random) -> dict[str, object]:
    bound = rng.choice(BOUNDS)
    value = float(round(10 ** rng.uniform(1.5, 6), -1))
    event: dict[str, object] = {
        "metric": rng.choice(METRICS),
        "party": rng.choice(PARTIES),
        "bound": bound,
        "value": value,
        "as_of": f"{rng.randint(2022, 2025)}-{rng.randint(1, 12):02d}",
        "speaker": rng.choice(SPEAKERS),
    }
    if bound == "range":
        event["low"], event["high"] = value, value * rng.choice((1.5, 2.0, 3.0))
    return event


def _popular(rng: random.Random, pool: list) -> object:
    """Pick from ``pool`` with a few items very often and most rarely (cubed uniform)."""
    return pool[int(len(pool) * rng.random() ** 3)]


def synthetic_claims(n_articles: int, seed: int = 0) -> pd.DataFrame:
    """A claims table of ``n_articles`` articles (about 20 claims each), reproducible by seed."""
    rng = random.Random(seed)
    vocabulary = list(dict.fromkeys(_word(rng) for _ in range(6000)))
    events = [_figure(rng) for _ in range(max(50, n_articles // 2))]
    quotes = [
        (" ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 25))), rng.choice(SPEAKERS))
        for _ in range(max(30, n_articles // 4))
    ]
    columns: dict[str, list] = {name: [] for name in CLAIM_COLUMNS}

    def add(article: str, n: int, kind: str, text: str, reading: dict, speaker: tuple) -> None:
        row = {
            "claim_id": f"{article}-{n:03d}",
            "article_id": article,
            "outlet": rng.choice(("", "", "Outlet A", "Outlet B", "Outlet C")),
            "published": "2025-06-15",
            "kind": kind,
            "start": n * 100,
            "end": n * 100 + len(text),
            "text": text,
            "sentence": text,
            "source": speaker[0],
            "source_type": "official" if speaker[0] else "unattributed",
            "source_side": speaker[1],
            "genre": "count",
            **reading,
        }
        for name in CLAIM_COLUMNS:
            columns[name].append(row.get(name, ""))

    nan = float("nan")
    for a in range(n_articles):
        article = f"{a:06d}_{rng.getrandbits(48):012x}"
        n = 0
        for k in range(14):
            event = _figure(rng) if k >= 11 else dict(_popular(rng, events))  # type: ignore[arg-type]
            roll = rng.random()
            if roll < 0.08 and event["bound"] != "range":
                event["bound"] = rng.choice(("exact", "approx", "lower", "upper"))
            elif roll < 0.14:
                event["value"] = float(event["value"]) * rng.uniform(0.985, 1.015)
            elif roll < 0.18:
                event["speaker"] = rng.choice(SPEAKERS)
            speaker = event["speaker"]
            if rng.random() < 0.2:
                speaker = (SPELLINGS.get(speaker[0], speaker[0]), speaker[1])
            bound, value = str(event["bound"]), float(event["value"])
            if bound == "range":
                reading = {"value": nan, "low": event["low"], "high": event["high"]}
                text = f"between {event['low']:,.0f} and {event['high']:,.0f}"
            else:
                reading = {
                    "value": value,
                    "low": value if bound == "lower" else nan,
                    "high": value if bound == "upper" else nan,
                }
                text = f"{HEDGES[bound]}{value:,.0f}"
            reading |= {k: event[k] for k in ("bound", "metric", "party", "as_of")}
            add(article, n, "figure", text, reading, speaker)
            n += 1
        for k in range(6):
            if k == 5:
                words, speaker = " ".join(rng.choice(vocabulary) for _ in range(12)), SPEAKERS[0]
            else:
                words, speaker = _popular(rng, quotes)  # type: ignore[misc]
            roll = rng.random()
            if roll < 0.15:
                text = f"“{words.capitalize()}.”"
            elif roll < 0.25:
                text = f'"{" ".join(words.split()[:-3])},"'
            elif roll < 0.35:
                text = f'"{words.upper().replace(" ", ", ", 1)}!"'
            elif roll < 0.40:
                text, speaker = f'"{words}"', rng.choice(SPEAKERS)
            else:
                text = f'"{words}."'
            blank = {"value": nan, "low": nan, "high": nan, "bound": "", "metric": "", "party": ""}
            add(article, n, "quote", text, blank | {"as_of": ""}, speaker)
            n += 1
    return pd.DataFrame(columns, columns=CLAIM_COLUMNS)


def measure(n_articles: int, memory: bool = True) -> dict[str, object]:
    """Build the table for ``n_articles``, align it, and return the figures to print."""
    started = time.perf_counter()
    claims = synthetic_claims(n_articles)
    built = time.perf_counter() - started
    started, cpu_started = time.perf_counter(), time.process_time()
    groups = align_claims(claims)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak = float("nan")
    if memory:
        tracemalloc.start()
        align_claims(claims)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    statuses = Counter(groups["status"])
    return {
        "articles": n_articles,
        "claims": len(claims),
        "groups": len(groups),
        "build_s": built,
        "align_s": seconds,
        "cpu_s": cpu,
        "claims_per_s": len(claims) / seconds,
        "peak_mib": peak,
        "statuses": ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc run")
    args = parser.parse_args(argv)
    print(
        f"{'articles':>9} {'claims':>9} {'groups':>8} {'align s':>8} {'cpu s':>7} {'claims/s':>9} "
        f"{'peak MiB':>9}  statuses"
    )
    for n in args.articles:
        result = measure(n, memory=not args.no_memory)
        print(
            f"{result['articles']:>9,} {result['claims']:>9,} {result['groups']:>8,} "
            f"{result['align_s']:>8.2f} {result['cpu_s']:>7.2f} {result['claims_per_s']:>9,.0f} "
            f"{result['peak_mib']:>9.1f}  {result['statuses']}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
