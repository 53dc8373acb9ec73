"""Run the workbook: execute the notebooks in order with papermill into a run folder.

``lossledger run`` lands here. A run gets a new folder ``<out>/<run_id>`` (ids
sort by time and are never reused) holding ``executed/`` notebooks, ``html/``
copies (``reader/`` without code, ``full/`` with it), ``tables/``, ``figures/``
and ``manifest.json``. Parameters are checked before the folder is made, so a
refused run writes nothing. A notebook that fails stops the run; its executed
copy keeps the error for inspection and the manifest says which cell failed.
Earlier runs are never touched: a partial re-run (``--from``/``--only``) starts
a new folder from a copy of the run it builds on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from lossledger.articles import article_files
from lossledger.ledger import LEDGER_FILE
from lossledger.params import RUN_DIR_PARAMETER, validate
from lossledger.paths import default_outputs_dir, notebooks_dir, project_root, resolve

NOTEBOOKS: tuple[str, ...] = (
    "01_load_articles",
    "02_extract_claims",
    "03_compare_outlets",
    "04_official_vs_independent",
)
MANIFEST = "manifest.json"
KERNEL_NAME = "python3"
# Tags papermill gives the cells it adds to an executed notebook.
PAPERMILL_TAGS = frozenset({"injected-parameters", "papermill-error-cell-tag"})
# Packages whose versions go into the manifest, so a result can be reproduced.
RECORDED_PACKAGES: tuple[str, ...] = (
    "lossledger",
    "pandas",
    "numpy",
    "matplotlib",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "trafilatura",
    "charset-normalizer",
    "PyYAML",
    "duckdb",
)


class RunError(RuntimeError):
    """A run could not start; the message says why. Nothing was written."""


class NotebookFailedError(RunError):
    """A notebook of a run failed; the message names it and the cell."""


class LedgerWriteError(RunError):
    """The notebooks ran, but the ledger could not be written (busy, or not a ledger)."""


@dataclass
class NotebookResult:
    """How one notebook of a run went."""

    name: str
    status: str = "pending"
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    error: dict[str, Any] = field(default_factory=dict)


def select_notebooks(only: Sequence[str] = (), start_from: str = "") -> list[str]:
    """Return the notebooks to execute, in order.

    ``only`` names notebooks to run alone; ``start_from`` runs that one and all
    after it. A name may be given without its number prefix
    (``compare_outlets``). Raises RunError on a name that is not a notebook.
    """
    if only and start_from:
        raise RunError("give --only or --from, not both")
    if only:
        wanted = {_notebook_name(name) for name in only}
        return [name for name in NOTEBOOKS if name in wanted]
    if start_from:
        first = _notebook_name(start_from)
        return list(NOTEBOOKS[NOTEBOOKS.index(first) :])
    return list(NOTEBOOKS)


def _notebook_name(name: str) -> str:
    stem = Path(name).stem
    for notebook in NOTEBOOKS:
        if stem in (notebook, notebook.split("_", 1)[1]):
            return notebook
    raise RunError(f"no notebook named {name!r} (notebooks: {', '.join(NOTEBOOKS)})")


def new_run_id(out_dir: Path, now: datetime | None = None) -> str:
    """A run id that sorts by time (UTC, to the second) and is not yet taken in ``out_dir``."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    candidate, counter = stamp, 2
    while (out_dir / candidate).exists():
        candidate = f"{stamp}-{counter}"
        counter += 1
    return candidate


def latest_run(out_dir: Path) -> Path | None:
    """The newest run folder in ``out_dir`` that has a manifest, or None."""
    runs = sorted(p for p in out_dir.glob("*") if (p / MANIFEST).is_file())
    return runs[-1] if runs else None


def mark_interrupted_runs(out_dir: Path) -> list[Path]:
    """Mark as ``interrupted`` the runs in ``out_dir`` whose manifest still says
    ``running`` although the process that ran them (same machine, its pid recorded in
    the manifest) is gone: a run killed outright cannot say so itself. Returns those
    run folders. A run from another machine, or whose process may still be alive, is
    left as it is; nothing else in the folder is touched."""
    host = socket.gethostname()
    marked = []
    for manifest_path in sorted(out_dir.glob(f"*/{MANIFEST}")):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # not ours to judge: a run folder with an unreadable manifest
        pid = manifest.get("pid")
        if (
            manifest.get("status") != "running"
            or manifest.get("host") != host
            or not isinstance(pid, int)
            or _process_alive(pid)
        ):
            continue
        manifest["status"] = "interrupted"
        for notebook in manifest.get("notebooks") or []:
            if isinstance(notebook, dict) and notebook.get("status") == "running":
                notebook["status"] = "interrupted"
        _write_manifest(manifest_path.parent, manifest)
        marked.append(manifest_path.parent)
    return marked


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: asks whether the process exists, sends nothing
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but is someone else's, or cannot be asked: leave it
    return True


def _make_run_folder(out_dir: Path) -> Path:
    """Create a fresh run folder; retry if another run took the id a moment before."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        folder = out_dir / new_run_id(out_dir)
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise RunError(f"could not create a new run folder in {out_dir}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inputs(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    """Every input file with its size and sha256, for the manifest."""
    files = [*article_files(parameters["articles"])]
    folder = resolve(parameters["articles"])
    if folder.is_dir():
        files += sorted(p for p in folder.rglob("sources.csv") if p.is_file())
    if parameters.get("reference"):
        files.append(resolve(parameters["reference"]))
    root = project_root()
    listed = []
    for path in files:
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        listed.append({"path": shown, "bytes": path.stat().st_size, "sha256": _sha256(path)})
    return listed


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in RECORDED_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = ""
    return versions


def _git_commit() -> dict[str, Any]:
    root = project_root()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": "", "dirty": None}
    return {"commit": commit, "dirty": bool(dirty)}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically, so a killed run never leaves half a file."""
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, folder / MANIFEST)


def export_html(executed: Path, html_dir: Path) -> list[Path]:
    """Write a reader's copy (no code) and a full copy of an executed notebook as HTML."""
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(executed, as_version=4)
    written = []
    for variant, hide_code in (("reader", True), ("full", False)):
        exporter = HTMLExporter(template_name="lab")
        if hide_code:
            exporter.exclude_input = True
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
        body, _ = exporter.from_notebook_node(notebook)
        target = html_dir / variant / f"{executed.stem}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


def _failed_cell(error: Exception, executed: Path) -> dict[str, Any]:
    """Where and why a notebook failed, in plain keys.

    ``cell`` counts from 1 over the cells of the notebook as written (the cells
    papermill adds to the executed copy are not counted), as JupyterLab shows
    them; ``source`` is the first line of that cell.
    """
    import nbformat

    found: dict[str, Any] = {"cell": None, "source": ""}
    if executed.is_file():
        notebook = nbformat.read(executed, as_version=4)
        own_cells = [
            cell
            for cell in notebook.cells
            if not PAPERMILL_TAGS.intersection(cell.metadata.get("tags", []))
        ]
        for number, cell in enumerate(own_cells, start=1):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                found = {"cell": number, "source": first_line[:120]}
                break
    return {
        **found,
        "execution_count": getattr(error, "exec_count", None),
        "ename": getattr(error, "ename", type(error).__name__),
        "evalue": str(getattr(error, "evalue", error)),
    }


def run(
    parameters: dict[str, Any],
    *,
    out_dir: str | Path | None = None,
    only: Sequence[str] = (),
    start_from: str = "",
    base_run: str | Path | None = None,
    from_text: frozenset[str] = frozenset(),
    log: Callable[[str], None] = print,
) -> Path:
    """Execute the workbook and return the run folder.

    In: the parameters set by the user (the rest take their defaults, or for a
    partial re-run the values of the run it builds on); ``from_text`` names
    those given as command-line text; where runs go; optionally which notebooks
    to run (``only``/``start_from``) and the run to build on (``base_run``;
    default the newest run in ``out_dir``). Out: the new run folder. Raises
    ParameterError or RunError before anything is written when the input is
    bad, and RunError when a notebook fails (the run folder and its manifest
    are kept, marked failed).
    """
    import papermill

    out = resolve(out_dir) if out_dir is not None else default_outputs_dir()
    selected = select_notebooks(only, start_from)
    base: Path | None = None
    inherited: dict[str, Any] = {}
    if len(selected) < len(NOTEBOOKS):
        base = resolve(base_run) if base_run is not None else latest_run(out)
        if base is None or not (base / MANIFEST).is_file():
            raise RunError(
                f"--only/--from re-run part of an earlier run, but {base or out} holds no run "
                "with a manifest.json; pass --run DIR or run the whole workbook first"
            )
        inherited = json.loads((base / MANIFEST).read_text(encoding="utf-8"))["parameters"]
    checked = validate({**inherited, **parameters}, from_text=from_text)
    article_files(checked["articles"])  # refuses a missing or empty folder before writing
    ledger = resolve(checked["ledger"]) if checked["ledger"] else out / LEDGER_FILE
    checked["ledger"] = str(ledger)

    for stale in mark_interrupted_runs(out) if out.is_dir() else []:
        log(f"run {stale.name} was interrupted (its process is gone): marked so in its manifest")
    folder = _make_run_folder(out)
    if base is not None:
        _copy_run(base, folder)
    results = [NotebookResult(name) for name in selected]
    manifest: dict[str, Any] = {
        "run_id": folder.name,
        "status": "running",
        "started": _now(),
        "finished": "",
        "parameters": checked,
        "based_on": base.name if base is not None else "",
        "inputs": _inputs(checked),
        "versions": _versions(),
        "git": _git_commit(),
        "kernel": KERNEL_NAME,
        "python_executable": sys.executable,
        # Which process runs it, so a later run can tell a killed run from a live one.
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "notebooks": [vars(result) for result in results],
    }
    _write_manifest(folder, manifest)
    log(f"run {folder.name}: {len(selected)} notebook(s) into {folder}")

    show_progress = sys.stderr.isatty()
    for position, result in enumerate(results, start=1):
        source = notebooks_dir() / f"{result.name}.ipynb"
        executed = folder / "executed" / f"{result.name}.ipynb"
        executed.parent.mkdir(parents=True, exist_ok=True)
        wanted = _declared_parameters(source)
        given = {k: v for k, v in checked.items() if k in wanted}
        if RUN_DIR_PARAMETER in wanted:
            given[RUN_DIR_PARAMETER] = str(folder)
        result.started, result.status = _now(), "running"
        _write_manifest(folder, manifest)
        began = time.perf_counter()
        try:
            with (
                tempfile.TemporaryDirectory(prefix="lossledger-kernel-") as sockets,
                _project_kernel(Path(sockets)),
            ):
                papermill.execute_notebook(
                    str(source),
                    str(executed),
                    parameters=given,
                    kernel_name=KERNEL_NAME,
                    cwd=str(source.parent),
                    progress_bar=show_progress,
                    log_output=False,
                    config=_kernel_config(Path(sockets)),
                )
        except Exception as error:  # any failure: record it, keep the evidence, stop
            result.seconds = round(time.perf_counter() - began, 2)
            result.finished, result.status = _now(), "failed"
            result.error = _failed_cell(error, executed)
            manifest.update(status="failed", finished=_now())
            manifest["ledger"] = _record_in_ledger(folder, manifest, ledger, log)
            _write_manifest(folder, manifest)
            if executed.is_file():
                _try_export(executed, folder / "html", log)
            where = (
                f"cell {result.error['cell']} ({result.error['source']})"
                if result.error["cell"] is not None
                else "start"
            )
            log(
                f"[{position}/{len(results)}] {result.name} FAILED {where} after "
                f"{result.seconds:.1f} s: {result.error['ename']}: {result.error['evalue']}"
            )
            raise NotebookFailedError(
                f"notebook {result.name} failed at {where}: "
                f"{result.error['ename']}: {result.error['evalue']} "
                f"(executed copy kept at {executed})"
            ) from error
        result.seconds = round(time.perf_counter() - began, 2)
        _try_export(executed, folder / "html", log)
        result.finished, result.status = _now(), "ok"
        _write_manifest(folder, manifest)
        log(f"[{position}/{len(results)}] {result.name} ok ({result.seconds:.1f} s)")

    manifest.update(status="ok", finished=_now())
    manifest["ledger"] = _record_in_ledger(folder, manifest, ledger, log)
    _write_manifest(folder, manifest)
    if manifest["ledger"].get("error"):
        raise LedgerWriteError(
            f"run {folder.name} finished, but the ledger was not updated: "
            f"{manifest['ledger']['error']} (the run folder is complete; run again to retry)"
        )
    return folder


def _record_in_ledger(
    folder: Path, manifest: dict[str, Any], ledger: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    """Write the run into the ledger in one transaction; return what the manifest says of it.

    A run that did not finish adds only its row to the ledger's ``runs`` table: its
    articles and claims stay out, so the ledger's data is as before the run.
    """
    from lossledger.ledger import LedgerError, record_run
    from lossledger.provenance import extractor_version
    from lossledger.schema import ARTICLE_COLUMNS, CLAIM_COLUMNS
    from lossledger.tables import read_table

    finished = manifest["status"] == "ok"
    tables = folder / "tables"
    empty_articles = pd.DataFrame(columns=ARTICLE_COLUMNS)
    empty_claims = pd.DataFrame(columns=CLAIM_COLUMNS)
    try:
        counts = record_run(
            ledger,
            manifest["run_id"],
            manifest["parameters"],
            read_table(tables / "articles.csv", ARTICLE_COLUMNS) if finished else empty_articles,
            read_table(tables / "claims.csv", CLAIM_COLUMNS) if finished else empty_claims,
            manifest["status"],
            extractor_version(),
            manifest["started"],
            _now(),
            inputs=manifest["inputs"],
        )
    except (LedgerError, OSError) as error:
        log(f"  ledger {ledger} NOT updated: {error}")
        return {"path": str(ledger), "error": str(error)}
    if finished:
        log(
            f"  ledger {ledger}: {counts['new_articles']} new article(s), "
            f"{counts['ledger_articles']} in all, {counts['ledger_claims']} claims"
        )
    return {"path": str(ledger), **counts}


@contextlib.contextmanager
def _project_kernel(folder: Path) -> Iterator[None]:
    """Make the ``python3`` kernel this process's own Python while a notebook runs.

    A ``python3`` kernelspec in the user's Jupyter folders could point at another
    Python without the project installed; a spec of our own, first on
    ``JUPYTER_PATH``, makes sure every notebook runs in the project's environment.
    """
    spec_dir = folder / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (lossledger)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(folder), previous]))
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = previous


def _kernel_config(sockets: Path) -> Any:
    """Talk to the kernel over local IPC sockets in a private folder, not over TCP.

    Local sockets keep the kernel unreachable from the network, and the kernel
    then has no reason to warn about unencrypted TCP in every run's log.
    """
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}})


def _try_export(executed: Path, html_dir: Path, log: Callable[[str], None]) -> None:
    """Export HTML; a failure to export is reported but does not undo the notebook's work."""
    try:
        export_html(executed, html_dir)
    except Exception as error:  # nbconvert errors are varied; the run itself is fine
        log(f"  (could not write the HTML copies of {executed.name}: {error})")


def _declared_parameters(notebook: Path) -> set[str]:
    """The names in a notebook's ``parameters`` cell."""
    import papermill

    return set(papermill.inspect_notebook(str(notebook)))


def _copy_run(base: Path, folder: Path) -> None:
    """Start a partial re-run from a copy of the run it builds on (its manifest excepted)."""
    for item in sorted(base.iterdir()):
        if item.name in (MANIFEST, f".{MANIFEST}.tmp"):
            continue
        target = folder / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy2(item, target)
