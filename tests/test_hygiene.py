"""Hygiene: notebooks are clean, thin and parameterised; twins in sync; code lint-clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import papermill
import pytest

from lossledger.params import PARAMETERS, RUN_DIR_PARAMETER
from lossledger.runner import NOTEBOOKS
from tests.conftest import REPO

NOTEBOOK_PATHS = [REPO / "notebooks" / f"{name}.ipynb" for name in NOTEBOOKS]


@pytest.fixture(params=NOTEBOOK_PATHS, ids=lambda p: p.stem)
def notebook_path(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_every_notebook_exists_with_its_twin() -> None:
    for path in NOTEBOOK_PATHS:
        assert path.is_file(), path
        assert (path.parent / "py" / f"{path.stem}.py").is_file()


def test_committed_without_outputs(notebook_path: Path) -> None:
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{notebook_path.name} has outputs committed"
            assert cell.execution_count is None


def test_kernelspec_is_python3(notebook_path: Path) -> None:
    notebook = nbformat.read(notebook_path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_exactly_one_parameters_cell_near_the_top(notebook_path: Path) -> None:
    notebook = nbformat.read(notebook_path, as_version=4)
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[0].source.startswith("# ")
    assert tagged[0] == 1, "the parameters cell comes right after the title cell"


def test_parameters_are_typed_commented_and_match_the_schema(notebook_path: Path) -> None:
    declared = papermill.inspect_notebook(str(notebook_path))
    assert RUN_DIR_PARAMETER in declared
    for name, info in declared.items():
        assert info["help"], f"{notebook_path.name}: {name} has no trailing comment"
        if name == RUN_DIR_PARAMETER:
            continue
        assert name in PARAMETERS, f"{notebook_path.name}: {name} is not in params.PARAMETERS"
        parameter = PARAMETERS[name]
        assert info["inferred_type_name"] == parameter.type.__name__
        assert ast.literal_eval(info["default"]) == parameter.default


def test_validation_call_uses_every_parameter(notebook_path: Path) -> None:
    """The first code cell after the parameters passes each of them to open_run."""
    notebook = nbformat.read(notebook_path, as_version=4)
    first_code = next(
        c
        for c in notebook.cells[2:]
        if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])
    )
    call = "".join(first_code.source.split())  # the call may be wrapped over lines
    assert "workbook.open_run(run_dir," in call
    for name in papermill.inspect_notebook(str(notebook_path)):
        if name != RUN_DIR_PARAMETER:
            assert f"{name}={name}" in call, f"{name} is not validated"


def test_no_magics_and_thin_cells(notebook_path: Path) -> None:
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            assert not line.lstrip().startswith(("%", "!")), f"magic in {notebook_path.name}"
        tree = ast.parse(cell.source)
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        assert not defined, f"{notebook_path.name} defines logic; it belongs in the package"
        assert len(cell.source.splitlines()) <= 15, "a notebook cell is short"


def test_code_cells_follow_a_markdown_explanation(notebook_path: Path) -> None:
    notebook = nbformat.read(notebook_path, as_version=4)
    cells = notebook.cells
    for index, cell in enumerate(cells[3:], start=3):
        if cell.cell_type == "code" and cells[index - 1].cell_type == "code":
            # Two code cells in a row are allowed once, right after the validation call.
            assert index == 3, f"{notebook_path.name} cell {index} has no sentence before it"


def test_twins_are_in_sync(notebook_path: Path) -> None:
    twin = notebook_path.parent / "py" / f"{notebook_path.stem}.py"
    notebook = jupytext.read(notebook_path)
    expected = jupytext.writes(notebook, fmt="py:percent")
    assert twin.read_text(encoding="utf-8") == expected, (
        f"{twin.name} differs from {notebook_path.name}: run `make notebooks`"
    )


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    targets = ["src", "tests", "benchmarks", "notebooks/py"]
    for command in ([ruff, "check", *targets], [ruff, "format", "--check", *targets]):
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_no_stray_outputs_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "outputs", ".venv"], cwd=REPO, capture_output=True, text=True
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    assert tracked.stdout.strip() == ""
