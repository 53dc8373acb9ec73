"""The workbook as a reader meets it: JupyterLab in a real browser, every notebook run in order.

A JupyterLab server from the project's environment (loopback only, a random port, a token,
its own Jupyter folders, autosave off so the committed notebooks are never written) is driven
by Playwright through Debian's Chromium. Each notebook is opened, run with Run > Run All
Cells, and checked once its kernel is idle: no traceback, no error output, the tables and
figures it is meant to show, no JavaScript dialog (an ``alert`` would mean article text ran
as code). A screenshot of each notebook is kept in a temporary folder, printed at the end.

The test skips, saying why, where Playwright or Chromium is missing. It never downloads a
browser. Notebooks run in JupyterLab write to ``outputs/lab/``; the test removes that folder
afterwards when it was the one to create it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lossledger.paths import project_root
from lossledger.runner import NOTEBOOKS

pytestmark = pytest.mark.browser

# The project JupyterLab serves: this checkout, or the one LOSSLEDGER_ROOT names.
ROOT = project_root()

CHROMIUM = Path(os.environ.get("LOSSLEDGER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
SERVER_START_SECONDS = 60.0
NOTEBOOK_SECONDS = 90.0
UI_TIMEOUT_MS = 30_000
# What each notebook must show once run: (CSS selector, least number of matches, what it is).
EXPECTED: dict[str, tuple[tuple[str, int, str], ...]] = {
    "01_load_articles": ((".jp-OutputArea-output table.dataframe", 1, "the articles table"),),
    "02_extract_claims": ((".jp-OutputArea-output table.dataframe", 3, "the claims tables"),),
    "03_compare_outlets": (
        (".jp-OutputArea-output table.dataframe", 2, "the groups and staleness tables"),
        (".jp-RenderedImage img", 1, "the outlet agreement figure"),
    ),
    "04_official_vs_independent": (
        (".jp-OutputArea-output table.dataframe", 2, "the estimates and gap tables"),
        (".jp-RenderedImage img", 2, "the estimates figures"),
    ),
}
STDERR = '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'
# Settings JupyterLab reads from its (temporary) config folder: never save a notebook on its
# own, render every cell (so every output is in the page), no news prompt over the notebook.
USER_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: where it answers and the token it wants."""

    url: str
    token: str

    def api(self, path: str, method: str = "GET") -> Any:
        """Call the server's REST API; return the decoded JSON (None for an empty answer)."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = answer.read()
        return json.loads(body) if body else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _jupyter_folders(root: Path) -> dict[str, str]:
    """Private Jupyter folders: config (with the settings above), data, runtime, kernels."""
    config, data, runtime, path = (root / n for n in ("config", "data", "runtime", "path"))
    for folder in (config, data, runtime, path):
        folder.mkdir(parents=True)
    spec_dir = path / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (lossledger)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    for plugin, values in USER_SETTINGS.items():
        target = config / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    return {
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_PATH": str(path),
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": str(root / "ipython"),
        "MPLCONFIGDIR": str(root / "matplotlib"),
    }


def _wait_until_answering(server: LabServer, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            server.api("/api/status")
            return
        time.sleep(0.5)
    pytest.fail(f"jupyter lab did not answer within {SERVER_START_SECONDS:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server (it shuts its kernels down); kill it if it does not go in time."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, lab_outputs_cleaned: None) -> Iterator[LabServer]:
    """A JupyterLab server on the project, always terminated (then its leftovers removed)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.is_file():
        pytest.skip(f"no jupyter beside {sys.executable}")
    home = tmp_path_factory.mktemp("jupyter")
    server = LabServer(url=f"http://127.0.0.1:{_free_port()}", token=secrets.token_hex(24))
    env = {**os.environ, **_jupyter_folders(home)}
    log = home / "server.log"
    command = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={server.url.rsplit(':', 1)[1]}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={server.token}",
        f"--ServerApp.root_dir={ROOT}",
    ]
    if os.geteuid() == 0:  # CI containers run as root; Jupyter refuses that unless told
        command.append("--allow-root")
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_answering(server, process, log)
        yield server
    finally:
        _stop(process)


def _snapshot(paths: list[Path]) -> dict[Path, str | None]:
    return {
        path: hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        for path in paths
    }


@pytest.fixture(scope="module")
def lab_outputs_cleaned() -> Iterator[None]:
    """Remove what running the notebooks in JupyterLab leaves behind, if this test made it."""
    made = [
        ROOT / "outputs" / "lab",
        ROOT / "outputs" / "ledger.duckdb",
        ROOT / "notebooks" / ".ipynb_checkpoints",
    ]
    existed = {path: path.exists() for path in [ROOT / "outputs", *made]}
    committed = [ROOT / "notebooks" / f"{name}.ipynb" for name in NOTEBOOKS]
    before = _snapshot(committed)
    try:
        yield
    finally:
        for path in made:
            if not existed[path] and path.is_dir():
                shutil.rmtree(path)
            elif not existed[path] and path.exists():
                path.unlink()
        outputs = ROOT / "outputs"
        if not existed[outputs] and outputs.is_dir() and not any(outputs.iterdir()):
            outputs.rmdir()
    assert _snapshot(committed) == before, "a committed notebook was written by the test"


def _kernel_idle(server: LabServer, notebook_path: str) -> bool:
    """True once the notebook's session has a kernel that is idle."""
    for session in server.api("/api/sessions"):
        if session.get("path") == notebook_path and session.get("kernel"):
            kernel = server.api(f"/api/kernels/{session['kernel']['id']}")
            return kernel.get("execution_state") == "idle"
    return False


def _wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


def _shut_down_kernels(server: LabServer) -> None:
    for session in server.api("/api/sessions"):
        with contextlib.suppress(OSError, urllib.error.URLError):
            server.api(f"/api/sessions/{session['id']}", method="DELETE")


def _run_notebook(page: Any, server: LabServer, name: str, shots: Path) -> list[str]:
    """Open ``name`` in JupyterLab, run all its cells, return the problems seen (none: [])."""
    path = f"notebooks/{name}.ipynb"
    # ``reset``: a fresh workspace, so the notebooks opened before do not come back as tabs.
    page.goto(f"{server.url}/lab/tree/{path}?reset&token={server.token}", wait_until="load")
    panel = page.locator(".jp-NotebookPanel:visible").first
    panel.wait_for(state="visible", timeout=UI_TIMEOUT_MS)
    _wait_for(lambda: _kernel_idle(server, path), NOTEBOOK_SECONDS, f"{name}'s kernel to start")
    code_cells = panel.locator(".jp-CodeCell")
    n_code = code_cells.count()
    assert n_code >= 2, f"{name}: {n_code} code cells shown"

    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()

    def finished() -> bool:
        """Every code cell numbered, or an error stopped the run; and the kernel idle."""
        prompts = panel.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        counted = [p for p in prompts if p.strip().strip("[]:").strip().isdigit()]
        stopped = any("Traceback" in text for text in panel.locator(STDERR).all_inner_texts())
        return (len(counted) == n_code or stopped) and _kernel_idle(server, path)

    try:
        _wait_for(finished, NOTEBOOK_SECONDS, f"{name} to run to the end")
    finally:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    problems = []
    for text in panel.locator(STDERR).all_inner_texts():
        if "Traceback" in text or "Error" in text:
            problems.append(f"{name}: error output: {text[:400]}")
    for selector, least, what in EXPECTED[name]:
        found = panel.locator(selector).count()
        if found < least:
            problems.append(f"{name}: {what} missing ({found} of {selector}, want {least})")
    return problems


def test_every_notebook_runs_in_jupyterlab(
    lab: LabServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from playwright.sync_api import sync_playwright

    shots = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots of the notebooks run in JupyterLab: {shots}")
    spec = lab.api("/api/kernelspecs")["kernelspecs"]["python3"]["spec"]
    assert spec["argv"][0] == sys.executable, "python3 is not the project's Python"
    dialogs: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS), headless=True, timeout=60_000
        )
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.set_default_timeout(UI_TIMEOUT_MS)
            for name in NOTEBOOKS:
                page = context.new_page()
                page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
                try:
                    problems += _run_notebook(page, lab, name, shots)
                finally:
                    page.close()
                    _shut_down_kernels(lab)
        finally:
            browser.close()
    assert dialogs == [], "a page opened a dialog"
    assert problems == []
    assert sorted(p.name for p in shots.glob("*.png")) == [f"{n}.png" for n in NOTEBOOKS]
