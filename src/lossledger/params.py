"""The workbook's parameters: one typed list, checked before any notebook starts.

The command line, a ``--params`` YAML file and the notebooks' ``parameters``
cells all draw on :data:`PARAMETERS`. A test keeps every notebook's parameters
cell in step with it (same names, types and defaults).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lossledger.paths import resolve


class ParameterError(ValueError):
    """A parameter is unknown, of the wrong type, or names a path that does not exist."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"parameter {name!r}: {message}")
        self.name = name


@dataclass(frozen=True)
class Parameter:
    """One workbook parameter: its type, default, help text and what it must satisfy."""

    name: str
    type: type
    default: Any
    help: str
    # "dir-or-file": must exist; "optional-file": empty, or an existing file.
    path_rule: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter(
            "articles",
            str,
            "data/articles",
            "folder (or one file) of articles, relative to the project root",
            path_rule="dir-or-file",
        ),
        Parameter(
            "reference",
            str,
            "data/reference/loss_estimates.csv",
            "CSV of published loss estimates to compare against; empty for none",
            path_rule="optional-file",
        ),
        Parameter(
            "max_file_mb",
            float,
            5.0,
            "files (and corpus rows) larger than this many megabytes are skipped",
            minimum=0.001,
        ),
        Parameter(
            "non_english",
            str,
            "process",
            "articles not in English: 'process' them (flagged) or 'skip' them",
            choices=("process", "skip"),
        ),
        Parameter(
            "backend",
            str,
            "serial",
            "where extraction runs: 'serial', 'processes' (every core) or 'dask' (a cluster)",
            choices=("serial", "processes", "dask"),
        ),
        Parameter(
            "scheduler_address",
            str,
            "",
            "with backend dask: the scheduler's address (tcp://host:8786); empty for a "
            "local cluster",
        ),
        Parameter(
            "ledger",
            str,
            "",
            "DuckDB file that accumulates every run's articles and claims; "
            "empty for ledger.duckdb in the outputs folder",
        ),
        Parameter(
            "scope",
            str,
            "run",
            "what notebooks 3 and 4 compare: this 'run' only, or the whole 'ledger'",
            choices=("run", "ledger"),
        ),
        Parameter(
            "top_n",
            int,
            25,
            "rows shown in a notebook's tables; the full tables go to tables/",
            minimum=1,
        ),
    )
}
# Set by the runner for each notebook; a person may set it in JupyterLab, not on the CLI.
RUN_DIR_PARAMETER = "run_dir"
INTERACTIVE_RUN_DIR = "outputs/lab"


def defaults() -> dict[str, Any]:
    """Every parameter at its default value."""
    return {name: parameter.default for name, parameter in PARAMETERS.items()}


def parse_cli_value(text: str) -> Any:
    """Read a ``-p KEY VALUE`` value as YAML would (``5`` an int, ``true`` a bool)."""
    try:
        return yaml.safe_load(text) if text.strip() else ""
    except yaml.YAMLError:
        return text


def read_params_file(path: str | Path) -> dict[str, Any]:
    """Read a ``--params`` YAML file: a mapping of parameter names to values."""
    source = Path(path)
    if not source.is_file():
        raise ParameterError("--params", f"file {source} does not exist")
    try:
        loaded = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ParameterError("--params", f"{source} is not valid YAML: {error}") from error
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError("--params", f"{source} must hold a mapping of name: value")
    return {str(key): value for key, value in loaded.items()}


def _coerce(parameter: Parameter, value: Any, from_text: bool) -> Any:
    """Return ``value`` as the parameter's type, or raise ParameterError."""
    expected = parameter.type
    if expected is str:
        if isinstance(value, str):
            return value
        if from_text and value is not None and not isinstance(value, (dict, list)):
            return str(value)
        raise ParameterError(parameter.name, f"expected text, got {value!r}")
    if expected is bool:
        if isinstance(value, bool):
            return value
        raise ParameterError(parameter.name, f"expected true or false, got {value!r}")
    if expected is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ParameterError(parameter.name, f"expected a whole number, got {value!r}")
    if expected is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ParameterError(parameter.name, f"expected a number, got {value!r}")
    raise ParameterError(parameter.name, f"has an unsupported type {expected!r}")


def validate(
    values: Mapping[str, Any],
    *,
    from_text: frozenset[str] = frozenset(),
    complete: bool = True,
) -> dict[str, Any]:
    """Check ``values`` against :data:`PARAMETERS`; return them typed.

    In: a mapping of names to values; ``from_text`` names the values that came
    from the command line as text; ``complete`` fills in (and checks) the
    defaults of the names not given, as a run needs, where a notebook checks
    only the parameters it was given.
    Out: a dict of typed values. Raises ParameterError naming the first unknown
    name, wrong type, out-of-range value or missing path.
    """
    unknown = sorted(set(values) - set(PARAMETERS))
    if unknown:
        known = ", ".join(PARAMETERS)
        raise ParameterError(unknown[0], f"unknown parameter (known: {known})")
    checked = defaults() if complete else {}
    for name, value in values.items():
        parameter = PARAMETERS[name]
        typed = _coerce(parameter, value, name in from_text)
        if parameter.choices and typed not in parameter.choices:
            raise ParameterError(name, f"must be one of {', '.join(parameter.choices)}")
        if parameter.minimum is not None and typed < parameter.minimum:
            raise ParameterError(name, f"must be at least {parameter.minimum}, got {typed}")
        checked[name] = typed
    for name, value in checked.items():
        _check_path(PARAMETERS[name], value)
    return checked


def _check_path(parameter: Parameter, value: Any) -> None:
    if parameter.path_rule == "dir-or-file":
        if not str(value).strip():
            raise ParameterError(parameter.name, "must name a folder or file")
        if not resolve(value).exists():
            raise ParameterError(parameter.name, f"path {resolve(value)} does not exist")
    elif parameter.path_rule == "optional-file" and str(value).strip():
        target = resolve(value)
        if not target.is_file():
            raise ParameterError(parameter.name, f"file {target} does not exist")


def describe() -> str:
    """A plain-text table of the parameters, for ``lossledger run --help``."""
    lines = []
    for parameter in PARAMETERS.values():
        default = parameter.default if parameter.default != "" else '""'
        lines.append(
            f"  {parameter.name} ({parameter.type.__name__}, default {default}): {parameter.help}"
        )
    return "\n".join(lines)
