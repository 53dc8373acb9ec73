"""End to end: `lossledger run` on the seed articles, as `make run` does, into a temp folder."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from lossledger.runner import NOTEBOOKS
from tests.conftest import SEED_ARTICLES
from tests.test_runner import lossledger

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("runs")
    # A broken `python3` kernelspec first on JUPYTER_PATH, as a stray user setting might be:
    # the runner must still run every notebook with the project's own Python.
    stray = tmp_path_factory.mktemp("stray-jupyter")
    (stray / "kernels" / "python3").mkdir(parents=True)
    (stray / "kernels" / "python3" / "kernel.json").write_text(
        json.dumps({"argv": ["/bin/false", "{connection_file}"], "display_name": "stray"})
    )
    result = lossledger(
        "run",
        "--out",
        str(out),
        "--articles",
        str(SEED_ARTICLES),
        env={"JUPYTER_PATH": str(stray)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out, result.stdout


def test_prints_the_run_folder_last_and_one_line_per_notebook(seed_run: tuple[Path, str]) -> None:
    out, stdout = seed_run
    lines = stdout.strip().splitlines()
    folder = Path(lines[-1])
    assert folder.parent == out and folder.is_dir()
    for position, name in enumerate(NOTEBOOKS, start=1):
        assert any(line.startswith(f"[{position}/4] {name} ok (") for line in lines)


def _folder(seed_run: tuple[Path, str]) -> Path:
    return Path(seed_run[1].strip().splitlines()[-1])


def test_every_output_is_written(seed_run: tuple[Path, str]) -> None:
    folder = _folder(seed_run)
    for name in NOTEBOOKS:
        assert (folder / "executed" / f"{name}.ipynb").is_file()
        for variant in ("reader", "full"):
            assert (folder / "html" / variant / f"{name}.html").stat().st_size > 0
    for table in ("articles", "claims", "skipped", "claim_groups", "estimates"):
        assert (folder / "tables" / f"{table}.csv").is_file(), table
    figures = {p.name for p in (folder / "figures").iterdir()}
    for chart in ("outlet_agreement", "official_vs_independent", "estimates_timeline"):
        assert {f"{chart}.png", f"{chart}.svg"} <= figures


def test_no_error_output_in_any_executed_notebook(seed_run: tuple[Path, str]) -> None:
    folder = _folder(seed_run)
    for name in NOTEBOOKS:
        notebook = nbformat.read(folder / "executed" / f"{name}.ipynb", as_version=4)
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error", f"{name}: {output.get('evalue')}"
                assert output.get("name") != "stderr", f"{name} wrote to stderr: {output}"


def test_reader_html_has_no_code(seed_run: tuple[Path, str]) -> None:
    folder = _folder(seed_run)
    reader = (folder / "html" / "reader" / "02_extract_claims.html").read_text()
    full = (folder / "html" / "full" / "02_extract_claims.html").read_text()
    code_block = 'class="highlight hl-ipython3"'  # how nbconvert marks a code cell's source
    assert code_block in full
    assert code_block not in reader
    for copy in (reader, full):
        assert "figures about people or bodies" in copy  # the outputs are in both


def test_manifest_records_the_run(seed_run: tuple[Path, str]) -> None:
    folder = _folder(seed_run)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert manifest["run_id"] == folder.name
    assert [n["name"] for n in manifest["notebooks"]] == list(NOTEBOOKS)
    assert all(n["status"] == "ok" and n["seconds"] > 0 for n in manifest["notebooks"])
    assert manifest["parameters"]["articles"] == str(SEED_ARTICLES)
    inputs = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert {"000_e1900f69a6e5a511.txt", "003_54b150d9bd76d846.txt", "sources.csv"} <= set(inputs)
    assert all(len(i["sha256"]) == 64 for i in inputs.values())
    assert manifest["versions"]["pandas"] == pd.__version__
    assert "commit" in manifest["git"]


def test_claims_hold_the_seed_figures(seed_run: tuple[Path, str]) -> None:
    claims = pd.read_csv(_folder(seed_run) / "tables" / "claims.csv", keep_default_na=False)
    figures = claims[claims["kind"] == "figure"]
    for article_id in ("000_e1900f69a6e5a511", "003_54b150d9bd76d846"):
        values = set(pd.to_numeric(figures[figures["article_id"] == article_id]["value"]))
        assert {1200.0, 4812.0, 6000.0, 46000.0, 380000.0} <= values
    assert "111,000" in " ".join(figures["text"])
    assert "150,000 and 300,000" in " ".join(figures["text"])
    assert not (set(pd.to_numeric(figures["value"])) & {2022.0, 2025.0})


def test_partial_rerun_builds_a_new_folder_and_keeps_the_old(
    seed_run: tuple[Path, str],
) -> None:
    out, _ = seed_run
    first = _folder(seed_run)
    before = {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()}
    result = lossledger("run", "--out", str(out), "--only", "03_compare_outlets")
    assert result.returncode == 0, result.stderr
    second = Path(result.stdout.strip().splitlines()[-1])
    assert second != first and second.name > first.name
    manifest = json.loads((second / "manifest.json").read_text())
    assert manifest["based_on"] == first.name
    assert [n["name"] for n in manifest["notebooks"]] == ["03_compare_outlets"]
    assert manifest["parameters"]["articles"] == str(SEED_ARTICLES)
    assert (second / "tables" / "claims.csv").read_bytes() == (
        first / "tables" / "claims.csv"
    ).read_bytes()
    after = {p: p.stat().st_mtime_ns for p in first.rglob("*") if p.is_file()}
    assert after == before, "the earlier run's files were touched"


def test_same_input_gives_byte_identical_tables_and_figures(
    seed_run: tuple[Path, str], tmp_path: Path
) -> None:
    result = lossledger("run", "--out", str(tmp_path), "--articles", str(SEED_ARTICLES))
    assert result.returncode == 0, result.stderr
    again = Path(result.stdout.strip().splitlines()[-1])
    first = _folder(seed_run)
    for sub in ("tables", "figures"):
        for path in sorted((first / sub).iterdir()):
            assert (again / sub / path.name).read_bytes() == path.read_bytes(), path.name


def _readme_findings() -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = readme.index("## What the workbook finds")
    return readme[start : readme.index("\n## ", start + 1)]


def test_readme_findings_match_what_the_workbook_computes(seed_run: tuple[Path, str]) -> None:
    """Each ratio, age and figure the README leads with is in the run's own tables."""
    from lossledger.estimates import compare_estimates, findings
    from lossledger.schema import CLAIM_COLUMNS
    from lossledger.tables import read_table

    tables = _folder(seed_run) / "tables"
    claims = read_table(tables / "claims.csv", CLAIM_COLUMNS)
    computed = " ".join(findings(compare_estimates(claims, None)))
    with_reference = " ".join(pd.read_csv(tables / "gap_summary.csv")["gap_note"])
    section = _readme_findings()

    # Ratios: "at least 18.5 times" from the articles alone; the rest with the reference file.
    assert "18.5" in section and "18.5" in computed
    for ratio in ("46.3", "54.7", "3.0"):
        assert ratio in section and ratio in with_reference, ratio

    groups = pd.read_csv(tables / "claim_groups.csv", keep_default_na=False)
    statuses = dict(zip(groups["text"], groups["status"], strict=False))
    assert "source_differs" in set(groups["status"])
    assert statuses.get("4,812") == "agree"
    assert (groups["status"] == "bound_differs").any()

    ages = pd.read_csv(tables / "staleness.csv", keep_default_na=False)
    fewer = ages[ages["text"] == "fewer than 6,000"]
    assert "33 months" in section
    assert set(fewer["age_months"]) == {33}
