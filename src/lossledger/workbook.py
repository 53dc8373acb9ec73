"""What the notebooks call at the edges: the run folder, its tables and its figures.

Every notebook starts with :func:`open_run`, which checks the notebook's
parameters with the same rules as the command line and returns the run folder
it reads from and writes to. Under the runner that folder is
``outputs/<run_id>``; opened by hand in JupyterLab it is ``outputs/lab``, so
running the notebooks top to bottom in order works there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lossledger.params import INTERACTIVE_RUN_DIR, validate
from lossledger.paths import resolve
from lossledger.tables import read_table, write_table


@dataclass(frozen=True)
class RunFolder:
    """A run's output folder: ``tables/``, ``figures/`` and the files in them."""

    path: Path

    @property
    def tables(self) -> Path:
        return self.path / "tables"

    @property
    def figures(self) -> Path:
        return self.path / "figures"

    def table_path(self, name: str) -> Path:
        return self.tables / f"{name}.csv"

    def read(self, name: str, columns: Sequence[str] = ()) -> pd.DataFrame:
        """Read ``tables/<name>.csv`` written by an earlier notebook."""
        return read_table(self.table_path(name), columns)

    def write(self, name: str, table: pd.DataFrame) -> Path:
        """Write ``table`` to ``tables/<name>.csv``; return the file's path."""
        return write_table(table, self.table_path(name))


def open_run(run_dir: str = INTERACTIVE_RUN_DIR, **parameters: Any) -> RunFolder:
    """Check a notebook's parameters and return its run folder (created if missing).

    In: the ``run_dir`` parameter (relative paths from the project root; empty
    means ``outputs/lab``) and the notebook's other parameters by name.
    Out: the RunFolder. Raises ParameterError naming a bad parameter, before the
    notebook does any work.
    """
    validate(parameters)
    folder = RunFolder(resolve(run_dir or INTERACTIVE_RUN_DIR))
    folder.tables.mkdir(parents=True, exist_ok=True)
    folder.figures.mkdir(parents=True, exist_ok=True)
    return folder


def head(table: pd.DataFrame, columns: Sequence[str], top_n: int) -> pd.DataFrame:
    """The first ``top_n`` rows of ``columns``, numbered from 1, for showing in a notebook."""
    shown = table.loc[:, [c for c in columns if c in table.columns]].head(top_n).copy()
    shown.index = pd.RangeIndex(1, len(shown) + 1)
    return shown
