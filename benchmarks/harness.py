"""What the scale and streaming benchmarks share: running a measurement in a fresh
interpreter, reading its CPU time and peak memory, and naming the machine.

Each benchmark script runs itself with ``--child TASK ARGS...`` for every
measurement, so one measurement's memory and caches never leak into the next; the
child prints its result as one JSON object on its last line of output.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def rss_mib(who: int) -> float:
    """Peak resident memory of this process or of its largest waited-for child, MiB."""
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def cpu_seconds() -> float:
    """CPU seconds of this process plus every child it has waited for."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@contextlib.contextmanager
def measured() -> Iterator[dict[str, float]]:
    """Measure the ``with`` block: the dict it yields holds ``rss_before`` (peak memory
    before it, MiB) at once, and on leaving the block ``wall`` and ``cpu`` seconds,
    ``rss`` (this process's peak) and ``workers_rss`` (its largest waited-for child)."""
    found = {"rss_before": rss_mib(resource.RUSAGE_SELF)}
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield found
    found["wall"] = time.perf_counter() - wall
    found["cpu"] = cpu_seconds() - cpu
    found["rss"] = rss_mib(resource.RUSAGE_SELF)
    found["workers_rss"] = rss_mib(resource.RUSAGE_CHILDREN)


def run_child(script: Path, task: str, *args: str) -> dict[str, Any]:
    """Run ``script --child task args`` in a fresh interpreter; return its dict (the
    last line it prints). A failing child raises RuntimeError with its error output."""
    command = [sys.executable, str(script), "--child", task, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{task} {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    """When and where a measurement ran: time, machine, cores, Python."""
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {platform.system()}",
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }


def append_csv(path: Path, fields: list[str], rows: list[dict[str, Any]]) -> None:
    """Append ``rows`` to the results CSV at ``path`` (header on a new file; columns
    ``fields``, others ignored); floats to 4 significant digits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new_file = not path.exists()
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        if new_file:
            writer.writeheader()
        for row in rows:
            writer.writerow({k: f"{v:.4g}" if isinstance(v, float) else v for k, v in row.items()})
