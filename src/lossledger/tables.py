"""Reading and writing the workbook's tables as byte-stable CSV files.

Each notebook writes its tables into the run folder and the next one reads them
back. The helpers here make that round trip lossless (empty strings stay empty
strings, offsets stay integers, floats keep a fixed format) and the files
byte-identical when the input is the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from lossledger.schema import FLOAT_COLUMNS, INT_COLUMNS

# Enough digits to round-trip every count and ratio we print, few enough that
# floating-point noise never changes a file between runs.
FLOAT_FORMAT = "%.6g"


def tidy(table: pd.DataFrame, columns: Sequence[str], sort_by: Sequence[str] = ()) -> pd.DataFrame:
    """Return ``table`` with ``columns`` first (created empty if missing), typed and sorted.

    In: any DataFrame. Out: a new DataFrame whose first columns are ``columns`` in
    that order (extra columns follow in their original order), float columns as
    float64, integer columns as nullable Int64, every other column as str with
    missing values as "". Rows are sorted by ``sort_by`` (stable) and reindexed.
    """
    out = table.copy()
    for name in columns:
        if name not in out.columns:
            out[name] = pd.NA
    ordered = list(columns) + [c for c in out.columns if c not in columns]
    out = out[ordered]
    for name in out.columns:
        if name in FLOAT_COLUMNS:
            out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
        elif name in INT_COLUMNS:
            out[name] = pd.to_numeric(out[name], errors="coerce").astype("Int64")
        else:
            out[name] = out[name].astype(object).where(out[name].notna(), "").astype(str)
    if sort_by:
        out = out.sort_values(list(sort_by), kind="stable")
    return out.reset_index(drop=True)


def write_table(table: pd.DataFrame, path: str | Path) -> Path:
    """Write ``table`` as UTF-8 CSV with Unix line ends and fixed float format; return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(target, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return target


def read_table(path: str | Path, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a CSV written by :func:`write_table` back into the same types.

    In: the CSV's path and, optionally, the columns that must come first.
    Out: a DataFrame where text columns are str ("" for empty), float columns
    float64 and offset columns Int64. A missing file raises FileNotFoundError
    naming it (the notebook that writes it has not run).
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(
            f"table {source} does not exist: run the notebook that writes it first"
        )
    raw = pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[])
    return tidy(raw, columns)
