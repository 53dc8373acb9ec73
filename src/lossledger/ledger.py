"""The ledger: articles and claims accumulated across runs in one DuckDB file.

Users re-run the workbook every week on new articles; the ledger keeps what
earlier runs found. Default file: ``outputs/ledger.duckdb`` (relative paths are
taken from the project root). Tables:

``meta``
    ``key``, ``value``: ``schema_version`` (:data:`SCHEMA_VERSION`), ``created``,
    ``created_by``.
``articles``
    one row per distinct text, keyed by ``sha256``: ``schema.ARTICLE_COLUMNS``,
    then ``n_chars``, ``first_seen_run``, ``last_seen_run``, ``extractor_version``
    (the version that produced its stored claims) and ``extracted_run``.
``claims``
    one row per claim, keyed by ``claim_id``: ``schema.CLAIM_COLUMNS``, then
    :data:`CLAIM_EXTRA_COLUMNS` (``hedge``, ``num_start``, ``num_end``,
    ``origin``), ``sha256`` (of its article), ``extractor_version`` and
    ``run_id`` (the run that wrote the row).
``runs``
    one row per recorded run: ``run_id``, ``status``, ``started``, ``finished``,
    ``recorded``, ``extractor_version``, ``lossledger_version``, ``parameters``
    and ``inputs`` (JSON text), and the counts of :func:`record_run`.
``run_articles``
    ``run_id``, ``sha256``, ``article_id``: which articles each run saw, under
    the id the run gave them.

How it is kept safe:

* One write per run, in one transaction (:func:`record_run`), on a connection
  opened for that write and closed at once. DuckDB writes a transaction to its
  write-ahead log only at commit and the database header moves only at
  checkpoint, so a process killed at any point (``kill -9`` included) leaves the
  previous state, and the next open replays or drops the log as needed.
* DuckDB lets one process write a file (readers in other processes conflict
  with it too). Every open retries while another process holds the file, then
  raises :class:`LedgerBusyError` naming the file and the holder.
* Tables go in as registered DataFrames through ``INSERT ... SELECT`` (no row
  loop, no second copy in Python), batch by batch when given an iterable, with
  DuckDB's working memory capped so that big runs spill to disk.
* A file that is not a DuckDB database, or a ledger of another schema version,
  raises :class:`LedgerFormatError` and is never written to. A new ledger is
  built under a temporary name and linked into place, so a half-created file
  never appears under the ledger's name.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from lossledger.paths import default_outputs_dir, resolve
from lossledger.schema import ARTICLE_COLUMNS, CLAIM_COLUMNS, FLOAT_COLUMNS, INT_COLUMNS
from lossledger.tables import tidy

SCHEMA_VERSION = "1"
# The status of a run whose articles and claims go into the ledger.
OK_STATUS = "ok"
LEDGER_FILE = "ledger.duckdb"
# How long an open waits for another process to release the file before giving up.
DEFAULT_TIMEOUT = 60.0
# DuckDB's own working memory during a write. The run's tables are already in
# memory on the Python side; past this DuckDB spills the rows it is inserting to
# the ledger file (uncommitted until the commit) instead of holding another copy.
WRITE_MEMORY_LIMIT = "256MB"
# Claim columns beyond the contract that extract_claims writes and the ledger keeps.
CLAIM_EXTRA_COLUMNS: list[str] = ["hedge", "num_start", "num_end", "origin"]
_CLAIM_EXTRA_INTS = frozenset({"num_start", "num_end"})
ARTICLE_LEDGER_COLUMNS: list[str] = [
    "n_chars",
    "first_seen_run",
    "last_seen_run",
    "extractor_version",
    "extracted_run",
]
CLAIM_LEDGER_COLUMNS: list[str] = ["sha256", "extractor_version", "run_id"]
COUNT_KEYS: tuple[str, ...] = (
    "articles",
    "new_articles",
    "reextracted_articles",
    "claims",
    "claims_written",
    "ledger_articles",
    "ledger_claims",
)
# Bytes 8-11 of every DuckDB file (after the header block's checksum).
_DUCKDB_MAGIC = b"DUCK"
# What DuckDB says when a file is not a database it can read (wrong kind, damaged, newer).
_NOT_A_LEDGER: tuple[str, ...] = (
    "not a valid DuckDB database",
    "Corrupt database",
    "version number",
)
_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


# The run's tables: one DataFrame, an iterable of them, or (inside the module) the name
# of a staged table.
_Tables = pd.DataFrame | Iterable[pd.DataFrame] | str | None


class LedgerError(RuntimeError):
    """The ledger could not be read or written; the message names the file and why."""


class LedgerBusyError(LedgerError):
    """Another process held the ledger file for longer than the caller was willing to wait."""


class LedgerFormatError(LedgerError):
    """The file is not a ledger this version can use; it was left untouched."""


# --------------------------------------------------------------------------- schema


def _q(name: str) -> str:
    """A quoted SQL identifier (``end`` is a keyword)."""
    return '"' + name.replace('"', '""') + '"'


def _sql_type(column: str) -> str:
    if column in FLOAT_COLUMNS:
        return "DOUBLE"
    if column in INT_COLUMNS or column in _CLAIM_EXTRA_INTS:
        return "BIGINT"
    return "VARCHAR"


def _article_table_columns() -> list[str]:
    return [*ARTICLE_COLUMNS, *ARTICLE_LEDGER_COLUMNS]


def _claim_table_columns() -> list[str]:
    return [*CLAIM_COLUMNS, *CLAIM_EXTRA_COLUMNS, *CLAIM_LEDGER_COLUMNS]


def _create_statements() -> list[str]:
    # No PRIMARY KEY constraints: DuckDB's ART indexes must fit in memory and, in
    # versions this project allows, reject a key deleted and re-inserted in one
    # transaction. The write statements below keep sha256 / claim_id unique instead.
    articles = ", ".join(f"{_q(c)} {_sql_type(c)}" for c in _article_table_columns())
    claims = ", ".join(f"{_q(c)} {_sql_type(c)}" for c in _claim_table_columns())
    counts = ", ".join(f"n_{key} BIGINT" for key in COUNT_KEYS)
    return [
        "CREATE TABLE meta (key VARCHAR NOT NULL, value VARCHAR)",
        f"CREATE TABLE articles ({articles})",
        f"CREATE TABLE claims ({claims})",
        "CREATE TABLE runs (run_id VARCHAR NOT NULL, status VARCHAR, started VARCHAR, "
        "finished VARCHAR, recorded VARCHAR, extractor_version VARCHAR, "
        f"lossledger_version VARCHAR, parameters VARCHAR, inputs VARCHAR, {counts})",
        "CREATE TABLE run_articles (run_id VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, "
        "article_id VARCHAR)",
    ]


def _lossledger_version() -> str:
    try:
        return metadata.version("lossledger")
    except metadata.PackageNotFoundError:
        return ""


# --------------------------------------------------------------------------- opening


def default_ledger_path() -> Path:
    """``outputs/ledger.duckdb`` under the project root."""
    return default_outputs_dir() / LEDGER_FILE


def ledger_file(ledger_path: str | os.PathLike[str] | None = None) -> Path:
    """The absolute path of the ledger: ``ledger_path`` from the project root, or the default."""
    return default_ledger_path() if ledger_path is None else resolve(ledger_path)


def _check_header(path: Path) -> None:
    """Refuse a file that is not a DuckDB database before DuckDB touches it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except OSError as error:
        raise LedgerError(f"ledger {path} cannot be read: {error}") from error
    if len(head) < 12 or head[8:12] != _DUCKDB_MAGIC:
        raise LedgerFormatError(
            f"ledger {path} is not a DuckDB database (it was left as it is); "
            "move it away or choose another ledger path"
        )


def _holder(message: str) -> str:
    found = _LOCK_HOLDER.search(message)
    if found is None:
        return "another process"
    return f"{found['program']} (PID {found['pid']})"


def _is_busy(error: duckdb.Error) -> bool:
    text = str(error)
    # Another process holds the file lock; or this process has it open with the
    # other read/write mode (DuckDB shares one instance per file and process).
    return "Could not set lock" in text or "different configuration" in text


def _open(path: Path, *, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    """Open ``path``, polling while another process holds it, for up to ``timeout`` seconds."""
    deadline = time.monotonic() + max(timeout, 0.0)
    pause = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as error:
            text = str(error)
            if not _is_busy(error):
                if any(sign in text for sign in _NOT_A_LEDGER):
                    raise LedgerFormatError(
                        f"ledger {path} cannot be opened by this DuckDB ({duckdb.__version__}): "
                        f"{text} (the file was left as it is)"
                    ) from error
                raise LedgerError(f"ledger {path} cannot be opened: {text}") from error
            if time.monotonic() >= deadline:
                holder = (
                    "this process (a connection with another read/write mode is open)"
                    if "different configuration" in text
                    else _holder(text)
                )
                raise LedgerBusyError(
                    f"ledger {path} is in use by {holder}; waited {timeout:g} s for it. "
                    "Wait for that run to finish (or stop it) and try again."
                ) from error
        time.sleep(min(pause, max(deadline - time.monotonic(), 0.0)))
        pause = min(pause * 2, 0.5)


def _first(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()
) -> tuple[Any, ...] | None:
    """The first row of a query, or None. Fetches every row: DuckDB refuses further
    work on a connection while a result is only partly read."""
    rows = con.execute(sql, params if isinstance(params, Mapping) else list(params)).fetchall()
    return rows[0] if rows else None


def _expected_columns() -> dict[str, list[str]]:
    """The columns of each ledger table; a change here needs a new SCHEMA_VERSION."""
    return {
        "meta": ["key", "value"],
        "articles": _article_table_columns(),
        "claims": _claim_table_columns(),
        "runs": [
            "run_id",
            "status",
            "started",
            "finished",
            "recorded",
            "extractor_version",
            "lossledger_version",
            "parameters",
            "inputs",
            *(f"n_{key}" for key in COUNT_KEYS),
        ],
        "run_articles": ["run_id", "sha256", "article_id"],
    }


def _check_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a database that is not a ledger of this SCHEMA_VERSION and these columns."""
    found: dict[str, list[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE schema_name = 'main' ORDER BY table_name, column_index"
    ).fetchall():
        found.setdefault(table, []).append(column)
    if "meta" not in found:
        raise LedgerFormatError(
            f"ledger {path} is a DuckDB database but not a Loss Ledger ledger (no meta table); "
            "it was left as it is"
        )
    row = _first(con, "SELECT value FROM meta WHERE key = 'schema_version'")
    version = row[0] if row else None
    if version != SCHEMA_VERSION:
        raise LedgerFormatError(
            f"ledger {path} has schema version {version!r}; this lossledger reads version "
            f"{SCHEMA_VERSION!r}. It was left as it is; use a matching lossledger or another "
            "ledger path"
        )
    # The tables are built from schema.py's column lists: if those changed without a
    # new SCHEMA_VERSION, say so here rather than fail later in the middle of a query.
    for table, columns in _expected_columns().items():
        if found.get(table) != columns:
            raise LedgerFormatError(
                f"ledger {path} (schema version {version}) has table {table} with columns "
                f"{found.get(table)}, expected {columns}; it was left as it is"
            )


def _create(path: Path) -> None:
    """Create an empty ledger at ``path`` unless one appears there first.

    The schema is written to a private file that is then hard-linked to ``path``:
    a link never replaces an existing file, so two runs creating the ledger at once
    cannot clobber each other, and a kill leaves either no ledger or a whole one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.creating")
    try:
        con = duckdb.connect(str(scratch))
        try:
            for statement in _create_statements():
                con.execute(statement)
            con.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema_version", SCHEMA_VERSION),
                    ("created", _now()),
                    ("created_by", f"lossledger {_lossledger_version()}".strip()),
                ],
            )
            con.execute("CHECKPOINT")  # everything in the main file, nothing left in a WAL
        finally:
            con.close()
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass  # another run created it a moment ago; use theirs
        except OSError:
            # A filesystem without hard links: a rename is atomic too, with a tiny
            # window in which a concurrent creator's ledger could be replaced.
            if not path.exists():
                os.replace(scratch, path)
    finally:
        for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()


@contextlib.contextmanager
def connect(
    ledger_path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A checked connection to the ledger, closed when the ``with`` block ends.

    In: the ledger path (default ``outputs/ledger.duckdb``), the mode, and how
    long to wait for another process to release the file. Out: a DuckDB
    connection to a ledger of :data:`SCHEMA_VERSION`. A writable connection
    creates the ledger if it is missing; a read-only one raises
    FileNotFoundError. Keep the block short: while it is open, writers (and,
    for a writable connection, readers) in other processes wait. Raises
    LedgerBusyError, LedgerFormatError or LedgerError with the file named.
    """
    path = ledger_file(ledger_path)
    if not path.exists():
        if read_only:
            raise FileNotFoundError(f"ledger {path} does not exist yet: no run has recorded to it")
        _create(path)
    _check_header(path)
    con = _open(path, read_only=read_only, timeout=timeout)
    try:
        _check_schema(con, path)
        yield con
    finally:
        con.close()


def _read(
    ledger_path: str | os.PathLike[str] | None, sql: str, params: Sequence[Any], timeout: float
) -> pd.DataFrame | None:
    """Run one query on a read-only connection; None when the ledger does not exist."""
    path = ledger_file(ledger_path)
    if not path.exists():
        return None
    with connect(path, read_only=True, timeout=timeout) as con:
        return con.execute(sql, list(params)).df()


# --------------------------------------------------------------------------- reading


def _article_select() -> str:
    return ", ".join(_q(c) for c in _article_table_columns())


def _claim_select() -> str:
    return ", ".join(_q(c) for c in _claim_table_columns())


_CLAIM_ORDER = 'ORDER BY article_id, start, kind, "end", claim_id'


def _tidy_articles(table: pd.DataFrame | None) -> pd.DataFrame:
    if table is None:
        table = pd.DataFrame(columns=_article_table_columns())
    return tidy(table, [*ARTICLE_COLUMNS, *ARTICLE_LEDGER_COLUMNS])


def _tidy_claims(table: pd.DataFrame | None) -> pd.DataFrame:
    if table is None:
        table = pd.DataFrame(columns=_claim_table_columns())
    out = tidy(table, _claim_table_columns())
    for column in _CLAIM_EXTRA_INTS:  # tidy only knows the contract's integer columns
        out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
    return out


def read_articles(
    ledger_path: str | os.PathLike[str] | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> pd.DataFrame:
    """Every article the ledger holds (the "ledger" scope of the notebooks).

    In: the ledger path. Out: ``schema.ARTICLE_COLUMNS`` then
    :data:`ARTICLE_LEDGER_COLUMNS`, typed like ``tables.read_table`` (text as
    str, ``n_chars`` Int64), sorted by ``article_id`` (then ``sha256``). A
    missing ledger gives an empty table. Opens the file read-only.
    """
    table = _read(
        ledger_path,
        f"SELECT {_article_select()} FROM articles ORDER BY article_id, sha256",
        (),
        timeout,
    )
    return _tidy_articles(table)


def read_claims(
    ledger_path: str | os.PathLike[str] | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> pd.DataFrame:
    """Every claim the ledger holds.

    In: the ledger path. Out: ``schema.CLAIM_COLUMNS`` then
    :data:`CLAIM_EXTRA_COLUMNS` and :data:`CLAIM_LEDGER_COLUMNS`, typed like
    ``tables.read_table``, sorted by ``article_id``, ``start`` (then ``kind``,
    ``end``, ``claim_id``). A missing ledger gives an empty table. Read-only.
    """
    table = _read(ledger_path, f"SELECT {_claim_select()} FROM claims {_CLAIM_ORDER}", (), timeout)
    return _tidy_claims(table)


def read_runs(
    ledger_path: str | os.PathLike[str] | None = None, *, timeout: float = DEFAULT_TIMEOUT
) -> pd.DataFrame:
    """The runs recorded so far, one row each, oldest first (empty if no ledger). Read-only."""
    table = _read(ledger_path, "SELECT * FROM runs ORDER BY run_id", (), timeout)
    if table is None:
        table = pd.DataFrame(columns=_expected_columns()["runs"])
    return table.reset_index(drop=True)


def known_articles(
    ledger_path: str | os.PathLike[str] | None,
    extractor_version: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> set[str]:
    """The sha256 of every article whose stored claims come from ``extractor_version``.

    In: the ledger path and the version of the extractor about to run. Out: the
    set of article hashes that need no extraction (empty if the ledger does not
    exist; the file is not created). Read-only.
    """
    table = _read(
        ledger_path,
        "SELECT sha256 FROM articles WHERE extractor_version = ?",
        [str(extractor_version)],
        timeout,
    )
    return set() if table is None else set(table["sha256"])


def claims_for(
    ledger_path: str | os.PathLike[str] | None,
    sha256s: Iterable[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> pd.DataFrame:
    """The stored claims of the articles with these sha256, laid out like :func:`read_claims`.

    In: the ledger path and article hashes (typically those in
    :func:`known_articles`). Out: their claims, sorted like :func:`read_claims`.
    ``article_id``, ``outlet`` and ``published`` are the ledger's; the run may
    know an article under another id, so join on ``sha256`` to relabel.
    """
    wanted = pd.DataFrame({"sha256": sorted({str(s) for s in sha256s})}, dtype=object)
    path = ledger_file(ledger_path)
    if wanted.empty or not path.exists():
        return _tidy_claims(None)
    with connect(path, read_only=True, timeout=timeout) as con:
        con.register("_wanted", wanted)
        table = con.execute(
            f"SELECT {_claim_select()} FROM claims "
            f"WHERE sha256 IN (SELECT sha256 FROM _wanted) {_CLAIM_ORDER}"
        ).df()
    return _tidy_claims(table)


# --------------------------------------------------------------------------- writing


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _stamp(value: str | datetime | None) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _batches(tables: _Tables) -> Iterator[pd.DataFrame | str]:
    """One DataFrame, or the DataFrames of an iterable, one at a time (never all at once).

    A str is the name of a staged table (see :func:`_staged`), passed on as it is.
    """
    if tables is None:
        return
    if isinstance(tables, pd.DataFrame | str):
        yield tables
        return
    for table in tables:
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"expected DataFrames, got {type(table).__name__}")
        yield table


@contextlib.contextmanager
def _as_batch(con: duckdb.DuckDBPyConnection, batch: pd.DataFrame | str) -> Iterator[set[str]]:
    """Make ``batch`` queryable as ``_batch`` for the ``with`` block; yield its column names.

    A DataFrame is registered (DuckDB reads it in place); a str names a staged
    table, seen through a temporary view.
    """
    if isinstance(batch, str):
        con.execute(f"CREATE OR REPLACE TEMP VIEW _batch AS SELECT * FROM {batch}")
        try:
            described = con.execute("SELECT * FROM _batch LIMIT 0").description or []
            yield {str(column[0]) for column in described}
        finally:
            con.execute("DROP VIEW IF EXISTS _batch")
        return
    con.register("_batch", batch)
    try:
        yield set(map(str, batch.columns))
    finally:
        con.unregister("_batch")


def _text(column: str, present: set[str]) -> str:
    return f"COALESCE(CAST(b.{_q(column)} AS VARCHAR), '')" if column in present else "''"


def _typed(column: str, present: set[str], sql_type: str) -> str:
    return f"TRY_CAST(b.{_q(column)} AS {sql_type})" if column in present else "NULL"


def _column(column: str, present: set[str]) -> str:
    sql_type = _sql_type(column)
    return _text(column, present) if sql_type == "VARCHAR" else _typed(column, present, sql_type)


def _articles_batch_sql(present: set[str], dedupe: bool) -> str:
    """The registered batch ``_batch`` as ledger article columns, one row per sha256."""
    columns = [f"{_column(c, present)} AS {_q(c)}" for c in ARTICLE_COLUMNS]
    n_chars = (
        "COALESCE(TRY_CAST(b.n_chars AS BIGINT), length(COALESCE(CAST(b.text AS VARCHAR), '')))"
        if "n_chars" in present
        else f"length({_text('text', present)})"
    )
    sql = f"SELECT {', '.join(columns)}, {n_chars} AS n_chars FROM _batch AS b"
    # A run normally holds each text once; if not, the smallest article_id wins. The
    # window is used only then: it would hold the batch's texts a second time.
    if dedupe:
        sql += " QUALIFY row_number() OVER (PARTITION BY sha256 ORDER BY article_id, path) = 1"
    return sql


def _write_articles(con: duckdb.DuckDBPyConnection, batch: pd.DataFrame | str, run_id: str) -> None:
    """Upsert one batch of articles (or a staged table of them); note them as seen by ``run_id``."""
    with _as_batch(con, batch) as present:
        if "sha256" not in present:
            raise LedgerError("the articles table has no sha256 column")
        # Only the narrow key columns are read here (DuckDB reads just the columns used).
        empty, repeated = _first(
            con,
            "SELECT count(*) FILTER (WHERE COALESCE(CAST(sha256 AS VARCHAR), '') = ''), "
            "count(sha256) - count(DISTINCT sha256) FROM _batch",
        ) or (0, 0)
        if empty:
            raise LedgerError(f"{empty} article(s) have no sha256")
        nb = _articles_batch_sql(present, dedupe=bool(repeated))
        con.execute(
            f"INSERT INTO run_articles SELECT ?, nb.sha256, nb.article_id FROM ({nb}) AS nb "
            "WHERE nb.sha256 NOT IN (SELECT sha256 FROM run_articles WHERE run_id = ?)",
            [run_id, run_id],
        )
        # Known text: metadata follows the latest run that gives it (an empty field
        # never erases a known one); article_id and text stay as first stored.
        metadata_columns = ["path", "outlet", "published", "url", "title", "language"]
        updates = ", ".join(
            f"{_q(c)} = COALESCE(NULLIF(nb.{_q(c)}, ''), articles.{_q(c)})"
            for c in metadata_columns
        )
        con.execute(
            f"UPDATE articles SET {updates}, last_seen_run = ? FROM ({nb}) AS nb "
            "WHERE articles.sha256 = nb.sha256 AND articles.last_seen_run IS DISTINCT FROM ?",
            [run_id, run_id],
        )
        # New text: an article_id already used by another text (in the ledger or in
        # this batch) gets the start of the hash appended, so ids stay unique.
        names = ", ".join(_q(c) for c in _article_table_columns())
        renamed = (
            "CASE WHEN nb.article_id IN (SELECT article_id FROM articles) "
            f"OR nb.article_id IN (SELECT article_id FROM ({nb}) GROUP BY article_id "
            "HAVING count(*) > 1) THEN nb.article_id || '@' || left(nb.sha256, 12) "
            "ELSE nb.article_id END"
        )
        chosen = [
            renamed,
            *[f"nb.{_q(c)}" for c in ARTICLE_COLUMNS[1:]],
            "nb.n_chars",
            "?",
            "?",
            "NULL",
            "NULL",
        ]
        con.execute(
            f"INSERT INTO articles ({names}) SELECT {', '.join(chosen)} FROM ({nb}) AS nb "
            "WHERE nb.sha256 NOT IN (SELECT sha256 FROM articles)",
            [run_id, run_id],
        )


def _claims_batch_sql(present: set[str]) -> str:
    """The registered batch ``_batch`` resolved to article hashes (column ``sha``)."""
    columns = [
        f"{_column(c, present)} AS {_q(c)}"
        for c in [*CLAIM_COLUMNS, *CLAIM_EXTRA_COLUMNS]
        if c not in ("outlet", "published")  # taken from the article, see _write_claims
    ]
    given_sha = _text("sha256", present)
    # A claim names its article by article_id (as the run called it) or by sha256.
    return (
        f"SELECT {', '.join(columns)}, "
        f"COALESCE(NULLIF({given_sha}, ''), r.sha256) AS sha FROM _batch AS b "
        "LEFT JOIN (SELECT * FROM run_articles WHERE run_id = $run) AS r "
        f"ON r.article_id = {_text('article_id', present)}"
    )


def _write_claims(
    con: duckdb.DuckDBPyConnection,
    batch: pd.DataFrame | str,
    run_id: str,
    extractor_version: str,
) -> None:
    """Upsert one batch of claims (or a staged table of them) by claim_id."""
    with _as_batch(con, batch) as present:
        if "claim_id" not in present:
            raise LedgerError("the claims table has no claim_id column")
        cb = _claims_batch_sql(present)
        bad = _first(
            con,
            f"SELECT count(*), min(article_id) FROM ({cb}) AS c "
            "WHERE c.claim_id = '' OR c.sha IS NULL OR c.sha NOT IN "
            "(SELECT sha256 FROM run_articles WHERE run_id = $run)",
            {"run": run_id},
        )
        if bad and bad[0]:
            raise LedgerError(
                f"{bad[0]} claim(s) have no claim_id or belong to no article of this run "
                f"(first article_id: {bad[1]!r}); pass the run's articles with its claims"
            )
        con.execute(
            "DELETE FROM claims WHERE claim_id IN (SELECT CAST(claim_id AS VARCHAR) FROM _batch)"
        )
        repeated = _first(con, "SELECT count(claim_id) - count(DISTINCT claim_id) FROM _batch") or (
            0,
        )
        names = ", ".join(_q(c) for c in _claim_table_columns())
        # Where its claims say the article was printed is the article's business.
        from_article = {"article_id", "outlet", "published"}
        chosen = [
            f"a.{_q(c)}" if c in from_article else f"c.{_q(c)}"
            for c in [*CLAIM_COLUMNS, *CLAIM_EXTRA_COLUMNS]
        ]
        sql = (
            f"INSERT INTO claims ({names}) SELECT {', '.join(chosen)}, c.sha, $version, $run "
            f"FROM ({cb}) AS c JOIN articles AS a ON a.sha256 = c.sha"
        )
        if repeated[0]:
            # Only then the window, which would hold the batch a second time.
            sql += (
                ' QUALIFY row_number() OVER (PARTITION BY c.claim_id ORDER BY c.start, c."end", '
                "c.kind, c.text) = 1"
            )
        con.execute(sql, {"run": run_id, "version": extractor_version})


def record_run(
    ledger_path: str | os.PathLike[str] | None,
    run_id: str,
    parameters: Mapping[str, Any],
    articles_df: pd.DataFrame | Iterable[pd.DataFrame] | None,
    claims_df: pd.DataFrame | Iterable[pd.DataFrame] | None,
    status: str,
    extractor_version: str,
    started: str | datetime | None,
    finished: str | datetime | None,
    *,
    inputs: Sequence[Mapping[str, Any]] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: str = WRITE_MEMORY_LIMIT,
    stage: bool = False,
) -> dict[str, int]:
    """Add one run's articles and claims to the ledger, all or nothing.

    In:

    * ``articles_df``: the run's articles table (``schema.ARTICLE_COLUMNS``;
      ``sha256`` required, ``n_chars`` optional), or an iterable of such tables
      for a run too big to hold at once. Every article is taken as extracted by
      ``extractor_version``.
    * ``claims_df``: claims (``schema.CLAIM_COLUMNS``, optionally the extra
      columns and ``sha256``), a table or an iterable of tables. A claim names
      its article by ``sha256`` or by the ``article_id`` the run gave it. It
      must hold every claim of the run's articles that are new to the ledger or
      were stored under another extractor version: their old claims are
      deleted and these inserted. Claims of articles already stored under this
      version may be left out (their stored claims stay) or passed again
      (replaced by claim_id).
    * ``status``: ``ok``, or anything else (``failed``) for a run that did not
      finish: such a run adds only its ``runs`` row (counts 0), as a failed run
      leaves the ledger's articles and claims as they were; storing its
      articles would mark them extracted and hide them from the next run.
    * ``parameters`` (stored as JSON),
      ``started``/``finished`` (ISO text or datetime), optionally ``inputs``
      (the manifest's list of input files, stored as JSON).

    Out: the counts also stored in ``runs``: ``articles`` (distinct texts of
    the run), ``new_articles`` (first seen by this run), ``reextracted_articles``
    (known, but stored under another extractor version), ``claims`` (claims of
    the run's articles now in the ledger), ``claims_written`` (rows this run
    wrote), ``ledger_articles`` and ``ledger_claims`` (totals).

    The whole write is one transaction on a connection opened for it and closed
    at once: an error, or the process dying at any point, leaves the ledger as
    it was. Waits up to ``timeout`` seconds for another process using the file,
    then raises LedgerBusyError. Re-recording a run_id replaces its ``runs`` row.
    ``memory_limit`` caps DuckDB's working memory for the write (DuckDB syntax,
    "256MB"); larger tables spill to disk rather than being held twice.

    ``stage=True`` is for runs too big for memory, given as iterables of
    tables (``lossledger extract --ledger``): DuckDB keeps the rows of an open
    transaction in memory until it commits, so batches written inside one
    transaction still add up. Staged, the batches are first copied one by one
    into a temporary DuckDB file (each committed, so memory stays flat while
    they are produced), and the ledger is then written from that file in one
    transaction of a few set-based statements, which DuckDB runs within
    ``memory_limit``. The outcome is the same ledger, all or nothing; the
    ledger is opened (and locked) only for that last step, after a read-only
    check that it is a ledger at all. The staging file lives in the system's
    temporary folder (``TMPDIR``) and is deleted at the end.
    """
    if not str(run_id).strip():
        raise ValueError("run_id must not be empty")
    if not str(extractor_version).strip():
        raise ValueError("extractor_version must not be empty")
    run_id, extractor_version = str(run_id), str(extractor_version)
    parameters_json = json.dumps(dict(parameters or {}), sort_keys=True, default=str)
    inputs_json = json.dumps(list(inputs), sort_keys=True, default=str) if inputs else "[]"

    staging: contextlib.AbstractContextManager[Path | None] = contextlib.nullcontext()
    if stage and str(status) == OK_STATUS:
        if ledger_file(ledger_path).exists():
            # A foreign or busy file is refused now, not after producing the whole run.
            with connect(ledger_path, read_only=True, timeout=timeout):
                pass
        staging = _staged(articles_df, claims_df, memory_limit)
    with (
        staging as staged,
        connect(ledger_path, read_only=False, timeout=timeout) as con,
    ):
        con.execute(f"SET memory_limit = '{_sql_literal(memory_limit)}'")
        if staged is not None:
            con.execute(f"ATTACH '{_sql_literal(str(staged))}' AS _stage (READ_ONLY)")
            articles_df, claims_df = "_stage.articles", "_stage.claims"
        con.begin()
        try:
            if str(status) == OK_STATUS:
                counts = _record(con, run_id, extractor_version, articles_df, claims_df)
            else:
                counts = {key: 0 for key in COUNT_KEYS}
                counts["ledger_articles"] = _scalar(con, "SELECT count(*) FROM articles", {})
                counts["ledger_claims"] = _scalar(con, "SELECT count(*) FROM claims", {})
            con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
            con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + ", ".join("?" for _ in COUNT_KEYS)
                + ")",
                [
                    run_id,
                    str(status),
                    _stamp(started),
                    _stamp(finished),
                    _now(),
                    extractor_version,
                    _lossledger_version(),
                    parameters_json,
                    inputs_json,
                    *(counts[key] for key in COUNT_KEYS),
                ],
            )
            con.commit()
        except BaseException:
            # Nothing of this run reaches the file; KeyboardInterrupt included. A failed
            # commit may leave no transaction to roll back: keep the first error.
            with contextlib.suppress(duckdb.Error):
                con.rollback()
            raise
    return counts


@contextlib.contextmanager
def _staged(articles: _Tables, claims: _Tables, memory_limit: str) -> Iterator[Path]:
    """Copy the run's tables, batch by batch, into a temporary DuckDB file; yield its path.

    Out: a file with tables ``articles`` and ``claims``, every column as text
    (the write statements cast each to its ledger type, as they do for a
    DataFrame), holding the contract's columns and any other column a batch
    has (NULL where a batch lacks it, as if the batch had not had it). Each
    batch is its own transaction, so DuckDB can write it out and free it. The
    file and its folder are deleted when the ``with`` block ends.
    """
    contract = {
        "articles": [*ARTICLE_COLUMNS, "n_chars"],
        "claims": [*CLAIM_COLUMNS, *CLAIM_EXTRA_COLUMNS, "sha256"],
    }
    with tempfile.TemporaryDirectory(prefix="lossledger-stage-") as folder:
        path = Path(folder) / "stage.duckdb"
        con = duckdb.connect(str(path))
        try:
            con.execute(f"SET memory_limit = '{_sql_literal(memory_limit)}'")
            for name, tables in (("articles", articles), ("claims", claims)):
                columns = list(contract[name])
                con.execute(
                    f"CREATE TABLE {name} ({', '.join(f'{_q(c)} VARCHAR' for c in columns)})"
                )
                for batch in _batches(tables):
                    assert isinstance(batch, pd.DataFrame)
                    for column in map(str, batch.columns):
                        if column not in columns:
                            con.execute(f"ALTER TABLE {name} ADD COLUMN {_q(column)} VARCHAR")
                            columns.append(column)
                    given = [str(c) for c in batch.columns]
                    selected = ", ".join(f"CAST({_q(c)} AS VARCHAR)" for c in given)
                    con.register("_batch", batch)
                    try:
                        con.execute(
                            f"INSERT INTO {name} ({', '.join(map(_q, given))}) "
                            f"SELECT {selected} FROM _batch"
                        )
                    finally:
                        con.unregister("_batch")
        finally:
            con.close()
        yield path


def _record(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    extractor_version: str,
    articles: _Tables,
    claims: _Tables,
) -> dict[str, int]:
    """The body of :func:`record_run`, inside its transaction."""
    # A re-recorded run starts its list of articles afresh.
    con.execute("DELETE FROM run_articles WHERE run_id = ?", [run_id])
    for batch in _batches(articles):
        _write_articles(con, batch, run_id)

    clash = _first(
        con,
        "SELECT article_id FROM run_articles WHERE run_id = ? GROUP BY article_id "
        "HAVING count(*) > 1 ORDER BY article_id LIMIT 1",
        [run_id],
    )
    if clash is not None:
        raise LedgerError(
            f"article_id {clash[0]!r} names two different texts in run {run_id}; "
            "claims could not be matched to their article"
        )

    run_shas = "SELECT sha256 FROM run_articles WHERE run_id = $run"
    run = {"run": run_id}
    params = {"run": run_id, "version": extractor_version}
    reextracted = _scalar(
        con,
        f"SELECT count(*) FROM articles WHERE sha256 IN ({run_shas}) "
        "AND extractor_version IS NOT NULL AND extractor_version <> $version",
        params,
    )
    # Claims of an article under another extractor version are replaced, not merged.
    con.execute(
        f"DELETE FROM claims WHERE sha256 IN (SELECT sha256 FROM articles WHERE sha256 IN "
        f"({run_shas}) AND extractor_version IS DISTINCT FROM $version)",
        params,
    )
    con.execute(
        "UPDATE articles SET extractor_version = $version, extracted_run = $run "
        f"WHERE sha256 IN ({run_shas}) AND extractor_version IS DISTINCT FROM $version",
        params,
    )
    for batch in _batches(claims):
        _write_claims(con, batch, run_id, extractor_version)

    # Stored claims of known articles follow their article's current metadata.
    con.execute(
        "UPDATE claims SET article_id = a.article_id, outlet = a.outlet, "
        "published = a.published FROM articles AS a "
        f"WHERE claims.sha256 = a.sha256 AND a.sha256 IN ({run_shas}) AND ("
        "claims.article_id IS DISTINCT FROM a.article_id OR claims.outlet IS DISTINCT FROM "
        "a.outlet OR claims.published IS DISTINCT FROM a.published)",
        run,
    )
    return {
        "articles": _scalar(con, "SELECT count(*) FROM run_articles WHERE run_id = $run", run),
        "new_articles": _scalar(
            con, "SELECT count(*) FROM articles WHERE first_seen_run = $run", run
        ),
        "reextracted_articles": reextracted,
        "claims": _scalar(con, f"SELECT count(*) FROM claims WHERE sha256 IN ({run_shas})", run),
        "claims_written": _scalar(con, "SELECT count(*) FROM claims WHERE run_id = $run", run),
        "ledger_articles": _scalar(con, "SELECT count(*) FROM articles", {}),
        "ledger_claims": _scalar(con, "SELECT count(*) FROM claims", {}),
    }


def _sql_literal(text: str) -> str:
    return str(text).replace("'", "''")


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, Any]) -> int:
    row = _first(con, sql, params)
    return int(row[0]) if row and row[0] is not None else 0
