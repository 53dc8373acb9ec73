"""The ``lossledger`` command: ``run`` the workbook, ``extract`` claims, ``evaluate`` them.

Exit codes: 0 done; 1 a notebook or the work failed; 2 the input was refused
(a bad parameter, a missing folder) before anything was written.
"""

from __future__ import annotations

import argparse
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

    extract = commands.add_parser("extract", help="write the claims table for articles")
    extract.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders")
    extract.add_argument("-o", "--output", help="file to write (default: standard output)")
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


def _extract_command(arguments: argparse.Namespace) -> int:
    import pandas as pd

    from lossledger.articles import load_articles_report
    from lossledger.backends import extract_claims_with

    tables = []
    for path in arguments.paths:
        articles, skipped = load_articles_report(path)
        for row in skipped.itertuples():
            print(f"{path}: {row.path}: {row.action}: {row.reason}", file=sys.stderr)
        tables.append(
            extract_claims_with(
                articles, arguments.backend, scheduler_address=arguments.scheduler_address
            )
        )
    claims = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if arguments.format == "csv":
        from lossledger.tables import FLOAT_FORMAT

        text = claims.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    else:
        text = claims.to_json(orient="records", lines=True, force_ascii=False)
    if arguments.output:
        Path(arguments.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


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
