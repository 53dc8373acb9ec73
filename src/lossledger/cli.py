"""The ``lossledger`` command: ``run`` the workbook, ``extract`` claims, ``evaluate`` them.

Exit codes: 0 done; 1 a notebook or the work failed; 2 the input was refused
(a bad parameter, a missing folder) before anything was written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lossledger.params import (
    ParameterError,
    describe,
    parse_cli_value,
    read_params_file,
    validate,
)

EXIT_FAILED = 1
EXIT_REFUSED = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lossledger",
        description="Tabulate loss figures and quotations across news articles.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run",
        help="execute the workbook's notebooks into outputs/<run_id>/",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Execute the notebooks in order with papermill.\n\nParameters:\n" + describe(),
    )
    run.add_argument("--articles", help="folder (or file) of articles")
    run.add_argument("--out", help="folder that receives the run folder (default outputs/)")
    run.add_argument("--params", help="YAML file of parameters (name: value)")
    run.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        default=[],
        metavar=("KEY", "VALUE"),
        help="set one parameter; repeatable; wins over --params",
    )
    run.add_argument("--only", action="append", default=[], metavar="NAME", help="run only NAME")
    run.add_argument("--from", dest="start_from", default="", metavar="NAME", help="start at NAME")
    run.add_argument(
        "--run",
        dest="base_run",
        metavar="DIR",
        help="with --only/--from: the earlier run to build on (default: the newest)",
    )

    extract = commands.add_parser(
        "extract",
        help="write the claims table for articles, or add them to a ledger",
        description=(
            "Extract the claims of the articles at PATH, batch by batch: memory grows with "
            "--batch-size, not with the number of articles. The claims go to -o FILE, or to "
            "standard output; with --ledger, articles and claims go into that ledger in one "
            "transaction (all or nothing), and to -o FILE only if it is given."
        ),
    )
    extract.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    extract.add_argument(
        "-o",
        "--output",
        help="file to write (default: standard output, or nothing with --ledger); "
        "written under a temporary name and put in place when complete",
    )
    extract.add_argument(
        "--ledger",
        metavar="FILE",
        help="DuckDB ledger to add the articles and claims to (created if missing)",
    )
    extract.add_argument(
        "--batch-size",
        type=_positive_int,
        default=None,
        metavar="N",
        help="articles read, extracted and written at a time (default 1000)",
    )
    extract.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    extract.add_argument(
        "--backend",
        choices=("serial", "processes", "dask"),
        default="serial",
        help="where extraction runs; every backend gives the same table",
    )
    extract.add_argument(
        "--scheduler-address", default="", help="with --backend dask: a running scheduler"
    )

    evaluate = commands.add_parser(
        "evaluate", help="score extraction against hand-labelled gold claims"
    )
    evaluate.add_argument("--gold", required=True, help="gold claims, JSON lines")
    evaluate.add_argument("--articles", required=True, help="folder of the gold's articles")
    return parser


def _run_command(arguments: argparse.Namespace) -> int:
    values: dict[str, Any] = {}
    from_text: set[str] = set()
    if arguments.params:
        values.update(read_params_file(arguments.params))
    if arguments.articles is not None:
        values["articles"] = arguments.articles
        from_text.add("articles")
    for key, raw in arguments.parameter:
        values[key] = parse_cli_value(raw)
        from_text.add(key)
    if not (arguments.only or arguments.start_from):
        # Refuse bad parameters at once, before the slow imports of the notebook machinery.
        # (A partial re-run inherits its base run's parameters; the runner checks those.)
        validate(values, from_text=frozenset(from_text))

    from lossledger.runner import LedgerWriteError, NotebookFailedError, RunError, run

    try:
        folder = run(
            values,
            out_dir=arguments.out,
            only=arguments.only,
            start_from=arguments.start_from,
            base_run=arguments.base_run,
            from_text=frozenset(from_text),
            log=lambda line: print(line, flush=True),
        )
    except (NotebookFailedError, LedgerWriteError) as error:
        print(f"lossledger run: {error}", file=sys.stderr)
        return EXIT_FAILED
    except RunError as error:
        print(f"lossledger run: {error}", file=sys.stderr)
        return EXIT_REFUSED
    print(folder)
    return 0


def _positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


class _ClaimsOutput:
    """Claims tables written one after another as one CSV or JSON-lines text.

    The bytes are those of the concatenated table written at once (CSV header
    once, the fixed float format); a file is written under a temporary name
    beside it and renamed into place by :meth:`finish`, so a failed extraction
    never leaves half a file nor replaces an earlier one.
    """

    def __init__(self, target: str | None, fmt: str) -> None:
        self.format = fmt
        self.columns: list[str] | None = None
        self.rows = 0
        self._empty_text = ""
        self._target = Path(target) if target else None
        if self._target is None:
            self._temporary: Path | None = None
            self._handle: Any = sys.stdout
        else:
            self._temporary = self._target.with_name(f".{self._target.name}.{os.getpid()}.tmp")
            self._handle = self._temporary.open("w", encoding="utf-8", newline="\n")

    def write(self, table: Any) -> None:
        """Append one claims table (its columns must be those of the first table)."""
        from lossledger.tables import FLOAT_FORMAT

        if self.columns is None:
            self.columns = list(table.columns)
            # An empty table still writes its header (CSV), or a blank line (JSON lines),
            # as pandas does for the empty whole table; kept for the end when nothing came.
            if self.format == "csv":
                self._handle.write(table.iloc[:0].to_csv(index=False, lineterminator="\n"))
            else:
                self._empty_text = table.iloc[:0].to_json(
                    orient="records", lines=True, force_ascii=False
                )
        elif list(table.columns) != self.columns:
            table = table.reindex(columns=self.columns)
        if table.empty:
            return
        if self.format == "csv":
            text = table.to_csv(
                index=False, header=False, float_format=FLOAT_FORMAT, lineterminator="\n"
            )
        else:
            text = table.to_json(orient="records", lines=True, force_ascii=False)
        self._handle.write(text)
        self.rows += len(table)

    def finish(self) -> None:
        """Complete the output: put the file in place (or flush standard output)."""
        if self.format != "csv" and self.rows == 0:
            self._handle.write(self._empty_text)
        if self._temporary is None or self._target is None:
            self._handle.flush()
            return
        self._handle.close()
        os.replace(self._temporary, self._target)

    def abort(self) -> None:
        """Drop a file half written; an earlier file under the target name stays as it was."""
        if self._temporary is not None:
            self._handle.close()
            self._temporary.unlink(missing_ok=True)


def _extract_command(arguments: argparse.Namespace) -> int:
    """Stream the articles of every PATH through extraction into the output and/or the ledger.

    Every PATH is read (and refused, if it cannot be) before any claim is
    extracted or anything written; the skipped files of each are listed on
    standard error. Memory holds one batch per worker, not the corpus.
    """
    from lossledger.articles import DEFAULT_BATCH_ARTICLES, stream_articles

    batch_size = arguments.batch_size or DEFAULT_BATCH_ARTICLES
    with contextlib.ExitStack() as stack:
        streams = []
        for path in arguments.paths:
            stream = stack.enter_context(stream_articles(path, batch_size=batch_size))
            for row in stream.skipped.itertuples():
                print(f"{path}: {row.path}: {row.action}: {row.reason}", file=sys.stderr)
            streams.append(stream)
        wanted = arguments.output or not arguments.ledger
        output = _ClaimsOutput(arguments.output, arguments.format) if wanted else None
        try:
            if arguments.ledger:
                code = _extract_to_ledger(arguments, streams, output, batch_size)
            else:
                assert output is not None
                for stream in streams:
                    for table in _claims_of(stream, arguments):
                        output.write(table)
                code = 0
        except BaseException:
            if output is not None:
                output.abort()
            raise
        if output is not None:
            if code == 0:
                output.finish()
            else:
                output.abort()
        return code


def _claims_of(batches: Any, arguments: argparse.Namespace) -> Any:
    from lossledger.backends import iter_extract_claims

    return iter_extract_claims(
        batches, arguments.backend, scheduler_address=arguments.scheduler_address
    )


def _extract_to_ledger(
    arguments: argparse.Namespace, streams: list[Any], output: _ClaimsOutput | None, batch_size: int
) -> int:
    """Add the streams' articles and claims to the ledger in one transaction; the exit code.

    The ledger reads the articles first (every batch), then the claims, which
    are extracted batch by batch as it asks for them (and written to the output
    on the way): each stream is read twice, never held whole. A text found under
    two PATHs counts once, under the first; one article_id naming two different
    texts in two PATHs is refused before anything is written.
    """
    from datetime import UTC, datetime

    from lossledger.ledger import LedgerError, LedgerFormatError, ledger_file, record_run
    from lossledger.provenance import extractor_version

    ledger = ledger_file(Path(arguments.ledger).resolve())  # like -o: from the current folder
    drops, clash = _across_paths(arguments.paths, streams)
    if clash:
        print(f"lossledger extract: {clash}; nothing was written", file=sys.stderr)
        return EXIT_REFUSED

    def articles() -> Any:
        for stream, drop in zip(streams, drops, strict=True):
            yield from _without(stream, drop)

    def claims() -> Any:
        for stream, drop in zip(streams, drops, strict=True):
            for table in _claims_of(_without(stream, drop), arguments):
                if output is not None:
                    output.write(table)
                yield table

    started = datetime.now(UTC)
    run_id = f"extract-{started:%Y%m%dT%H%M%S%fZ}"
    parameters = {
        "command": "extract",
        "paths": list(arguments.paths),
        "backend": arguments.backend,
        "scheduler_address": arguments.scheduler_address,
        "batch_size": batch_size,
    }
    inputs = [
        {"path": path, "articles": stream.n_articles, "skipped": len(stream.skipped)}
        for path, stream in zip(arguments.paths, streams, strict=True)
    ]
    try:
        counts = record_run(
            ledger,
            run_id,
            parameters,
            articles(),
            claims(),
            "ok",
            extractor_version(),
            started,
            None,  # the write ends the run: the runs row's "recorded" time says when
            inputs=inputs,
            # Batches go to a staging file first: one open transaction would hold them all.
            stage=True,
        )
    except LedgerError as error:
        print(f"lossledger extract: {error}; the ledger is as it was", file=sys.stderr)
        return EXIT_REFUSED if isinstance(error, LedgerFormatError) else EXIT_FAILED
    except Exception:
        print(
            f"lossledger extract: failed; nothing of this run was written to {ledger}",
            file=sys.stderr,
        )
        raise
    print(
        f"ledger {ledger}: run {run_id}: {counts['articles']} article(s), "
        f"{counts['new_articles']} new, {counts['claims']} claims; "
        f"{counts['ledger_articles']} articles and {counts['ledger_claims']} claims in all"
    )
    return 0


def _across_paths(paths: Sequence[str], streams: list[Any]) -> tuple[list[set[str]], str]:
    """Per stream, the texts an earlier PATH already gave; and a clash of ids, described.

    Out: ``(drops, clash)``: ``drops[i]`` holds the sha256 of stream i's articles
    that an earlier stream holds too (they count once, under the first);
    ``clash`` is "" or a sentence naming an article_id that two PATHs give to two
    different texts (the ledger could not tell their claims apart).
    """
    seen_texts: set[str] = set()
    owner: dict[str, tuple[str, str]] = {}  # article_id -> (sha256, path)
    drops: list[set[str]] = []
    for path, stream in zip(paths, streams, strict=True):
        index = stream.index
        drop = set(index["sha256"]) & seen_texts
        drops.append(drop)
        for article_id, sha in zip(index["article_id"], index["sha256"], strict=True):
            if sha in drop:
                continue
            first = owner.setdefault(article_id, (sha, path))
            if first[0] != sha:
                return drops, (
                    f"article_id {article_id!r} names different texts in {first[1]} and {path}; "
                    "give one of them another id (file name, or an id column)"
                )
        seen_texts |= set(index["sha256"])
    return drops, ""


def _without(batches: Any, drop: set[str]) -> Any:
    """The article batches without the articles whose sha256 is in ``drop``."""
    for batch in batches:
        yield batch[~batch["sha256"].isin(drop)] if drop else batch


def _evaluate_command(arguments: argparse.Namespace) -> int:
    from lossledger.evaluate import evaluate_folder, format_report

    print(format_report(evaluate_folder(arguments.gold, arguments.articles)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lossledger`` command; returns the exit code."""
    from lossledger.articles import ArticlesInputError

    arguments = _parser().parse_args(argv)
    handlers = {"run": _run_command, "extract": _extract_command, "evaluate": _evaluate_command}
    try:
        return handlers[arguments.command](arguments)
    except (ParameterError, ArticlesInputError, FileNotFoundError) as error:
        print(f"lossledger {arguments.command}: {error}", file=sys.stderr)
        return EXIT_REFUSED
