"""The runner: refused input writes nothing; a failing notebook is named with its cell."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest

from lossledger.runner import (
    NOTEBOOKS,
    RunError,
    mark_interrupted_runs,
    new_run_id,
    select_notebooks,
)
from tests.conftest import REPO, SEED_ARTICLES, write


def lossledger(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the ``lossledger`` command as a user would, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "lossledger", *arguments],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["-p", "nonsense", "1"], "nonsense"),
        (["-p", "top_n", "ten"], "top_n"),
        (["-p", "max_file_mb", "-3"], "max_file_mb"),
        (["--articles", "/no/such/folder"], "articles"),
        (["-p", "reference", "/no/such/file.csv"], "reference"),
    ],
)
def test_refused_parameters_write_nothing(tmp_path: Path, arguments: list[str], named: str) -> None:
    out = tmp_path / "out"
    result = lossledger("run", "--out", str(out), *arguments)
    assert result.returncode == 2
    assert named in result.stderr
    assert not out.exists()


def test_empty_articles_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    out = tmp_path / "out"
    result = lossledger("run", "--out", str(out), "--articles", str(tmp_path / "articles"))
    assert result.returncode == 2
    assert "holds no article files" in result.stderr
    assert not out.exists()


def test_params_file_with_unknown_name_is_refused(tmp_path: Path) -> None:
    params = write(tmp_path, "params.yaml", "articles: data/articles\ncolour: blue\n")
    result = lossledger("run", "--out", str(tmp_path / "out"), "--params", str(params))
    assert result.returncode == 2
    assert "colour" in result.stderr


def test_partial_rerun_without_an_earlier_run_is_refused(tmp_path: Path) -> None:
    result = lossledger("run", "--out", str(tmp_path / "out"), "--only", "03_compare_outlets")
    assert result.returncode == 2
    assert "holds no run" in result.stderr


def project_with_cell(tmp_path: Path, source: str) -> Path:
    """A copy of the project whose first notebook runs ``source`` right after its
    validation call (cell 4 as the notebook is written); its root folder."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    first = root / "notebooks" / "01_load_articles.ipynb"
    notebook = nbformat.read(first, as_version=4)
    notebook.cells.insert(3, nbformat.v4.new_code_cell(source))
    nbformat.write(notebook, first)
    return root


def test_failing_notebook_is_named_with_its_cell_and_kept(tmp_path: Path) -> None:
    """A copy of the project whose first notebook raises after its validation call."""
    root = project_with_cell(tmp_path, 'raise RuntimeError("deliberate fault")')
    out = tmp_path / "out"

    result = lossledger(
        "run",
        "--out",
        str(out),
        "--articles",
        str(SEED_ARTICLES),
        "-p",
        "reference",
        "",
        env={"LOSSLEDGER_ROOT": str(root)},
    )

    assert result.returncode == 1, result.stderr
    assert "01_load_articles" in result.stderr
    # Cell 4 as the notebook is written: title, parameters, validation call, the fault.
    assert 'cell 4 (raise RuntimeError("deliberate fault"))' in result.stderr
    assert "deliberate fault" in result.stderr
    (run_folder,) = [p for p in out.iterdir() if p.is_dir()]
    manifest = json.loads((run_folder / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    first, *rest = manifest["notebooks"]
    assert first["status"] == "failed" and first["error"]["cell"] == 4
    assert all(n["status"] == "pending" for n in rest)
    executed = nbformat.read(run_folder / "executed" / "01_load_articles.ipynb", as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert any(o.get("ename") == "RuntimeError" for o in errors)
    assert not (run_folder / "executed" / "02_extract_claims.ipynb").exists()


def test_select_notebooks() -> None:
    assert select_notebooks() == list(NOTEBOOKS)
    assert select_notebooks(only=["compare_outlets"]) == ["03_compare_outlets"]
    assert select_notebooks(start_from="03_compare_outlets") == list(NOTEBOOKS[2:])
    assert select_notebooks(only=["notebooks/02_extract_claims.ipynb"]) == ["02_extract_claims"]
    with pytest.raises(RunError, match="no notebook named"):
        select_notebooks(only=["05_nothing"])
    with pytest.raises(RunError, match="not both"):
        select_notebooks(only=["01_load_articles"], start_from="02_extract_claims")


def test_run_ids_sort_by_time_and_are_never_reused(tmp_path: Path) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = new_run_id(tmp_path, moment)
    (tmp_path / first).mkdir()
    second = new_run_id(tmp_path, moment)
    (tmp_path / second).mkdir()
    later = new_run_id(tmp_path, datetime(2026, 1, 2, 3, 4, 6, tzinfo=UTC))
    assert len({first, second, later}) == 3
    assert sorted([later, second, first]) == [first, second, later]


def _manifest(folder: Path, **fields: object) -> Path:
    folder.mkdir(parents=True)
    manifest = {"run_id": folder.name, "status": "running", "notebooks": [], **fields}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _status(folder: Path) -> str:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["status"]


def test_runs_whose_process_is_gone_are_marked_interrupted(tmp_path: Path) -> None:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its pid now names no process (reuse within the test is not a risk)
    host = socket.gethostname()
    notebooks = [{"name": "01_load_articles", "status": "ok"}, {"name": "02", "status": "running"}]
    dead = _manifest(tmp_path / "a", host=host, pid=finished.pid, notebooks=notebooks)
    alive = _manifest(tmp_path / "b", host=host, pid=os.getpid())
    elsewhere = _manifest(tmp_path / "c", host=host + "-other", pid=finished.pid)
    unknown = _manifest(tmp_path / "d")  # written before runs recorded their process
    done = _manifest(tmp_path / "e", host=host, pid=finished.pid, status="ok")
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "manifest.json").write_text("{not json", encoding="utf-8")

    assert mark_interrupted_runs(tmp_path) == [dead]

    assert _status(dead) == "interrupted"
    first, second = json.loads((dead / "manifest.json").read_text())["notebooks"]
    assert (first["status"], second["status"]) == ("ok", "interrupted")
    assert [_status(f) for f in (alive, elsewhere, unknown, done)] == ["running"] * 3 + ["ok"]
    assert (tmp_path / "f" / "manifest.json").read_text() == "{not json"
    assert mark_interrupted_runs(tmp_path) == []  # marking twice changes nothing


def test_a_killed_run_is_marked_interrupted_by_the_next(tmp_path: Path) -> None:
    """A run killed with SIGKILL while its first notebook runs; the sweep the next run
    does first finds its process gone."""
    root = project_with_cell(tmp_path, "import time\ntime.sleep(120)")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "lossledger", "run", "--out", str(out)]
    command += ["--articles", str(SEED_ARTICLES), "-p", "reference", ""]
    env = {**os.environ, "LOSSLEDGER_ROOT": str(root)}
    killed = subprocess.Popen(command, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        manifest: dict = {}
        while time.monotonic() < deadline:
            found = list(out.glob("*/manifest.json"))
            if found:
                manifest = json.loads(found[0].read_text(encoding="utf-8") or "{}")
                if manifest.get("notebooks") and manifest["notebooks"][0]["status"] == "running":
                    break
            time.sleep(0.2)
        assert manifest.get("pid") == killed.pid, "the run never reached its first notebook"
    finally:
        os.killpg(killed.pid, signal.SIGKILL)  # the run and its kernel, as a crash would
        killed.wait()

    (run_folder,) = [p for p in out.iterdir() if p.is_dir()]
    assert _status(run_folder) == "running"  # it could not say otherwise itself
    assert mark_interrupted_runs(out) == [run_folder]
    assert _status(run_folder) == "interrupted"
