"""Where things are: the project root and paths resolved from it.

Notebooks run with different working directories in JupyterLab and under
papermill, so every relative path the workbook takes is resolved from the
project root, never from the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT_ENV_VAR = "LOSSLEDGER_ROOT"
PACKAGE_DIR = Path(__file__).resolve().parent
LEXICON_DIR = PACKAGE_DIR / "lexicons"


def _looks_like_root(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "notebooks").is_dir()


def project_root() -> Path:
    """Return the project's root folder.

    Order: the ``LOSSLEDGER_ROOT`` environment variable; the checkout that holds
    this package (an editable install); the nearest parent of the current
    directory that looks like the project; else the current directory.
    """
    configured = os.environ.get(ROOT_ENV_VAR)
    if configured:
        return Path(configured).expanduser().resolve()
    for candidate in PACKAGE_DIR.parents:
        if _looks_like_root(candidate):
            return candidate
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _looks_like_root(candidate):
            return candidate
    return here


def resolve(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as an absolute path; a relative one is taken from the project root."""
    candidate = Path(path).expanduser()
    if candidate.is_absolute():
        return candidate
    return project_root() / candidate


def notebooks_dir() -> Path:
    """The folder of the workbook's notebooks."""
    return project_root() / "notebooks"


def default_outputs_dir() -> Path:
    """Where runs go unless ``--out`` says otherwise."""
    return project_root() / "outputs"
