"""What the notebooks call at the edges: the run folder, its tables and its figures.

Every notebook starts with :func:`open_run`, which checks the notebook's
parameters with the same rules as the command line and returns the run folder
it reads from and writes to. Under the runner that folder is
``outputs/<run_id>``; opened by hand in JupyterLab it is ``outputs/lab``, so
running the notebooks top to bottom in order works there too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from lossledger.params import INTERACTIVE_RUN_DIR, validate
from lossledger.paths import resolve
from lossledger.tables import read_table, tidy, write_table

if TYPE_CHECKING:
    from IPython.display import Image
    from matplotlib.figure import Figure


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

    def save_and_show(self, figure: Figure, name: str) -> Image:
        """Save a chart as ``figures/<name>.png`` and ``.svg``; return the PNG for display.

        The charts are made without pyplot, so a cell ending in ``figure`` would show
        only "<Figure size …>"; ending it with this shows the very PNG that was saved,
        in JupyterLab and in the HTML reports alike.
        """
        from IPython.display import Image

        from lossledger.plots import save_figure

        png = next(p for p in save_figure(figure, self.figures, name) if p.suffix == ".png")
        return Image(data=png.read_bytes(), format="png", width=round(figure.get_figwidth() * 100))


def open_run(run_dir: str = INTERACTIVE_RUN_DIR, **parameters: Any) -> RunFolder:
    """Check a notebook's parameters and return its run folder (created if missing).

    In: the ``run_dir`` parameter (relative paths from the project root; empty
    means ``outputs/lab``) and the notebook's other parameters by name.
    Out: the RunFolder. Raises ParameterError naming a bad parameter, before the
    notebook does any work.
    """
    validate(parameters, complete=False)
    text_as_data()
    folder = RunFolder(resolve(run_dir or INTERACTIVE_RUN_DIR))
    folder.tables.mkdir(parents=True, exist_ok=True)
    folder.figures.mkdir(parents=True, exist_ok=True)
    return folder


def head(table: pd.DataFrame, columns: Sequence[str], top_n: int) -> pd.DataFrame:
    """The first ``top_n`` rows of ``columns``, numbered from 1, for showing in a notebook.

    Numbers are printed as a newsroom prints them ("5,937", "46.3"), and a missing
    number as an empty cell rather than "NaN". The tables in ``tables/`` keep full values.
    """
    shown = table.loc[:, [c for c in columns if c in table.columns]].head(top_n).copy()
    for name in shown.columns:
        if pd.api.types.is_float_dtype(shown[name]):
            shown[name] = shown[name].map(format_number)
    shown.index = pd.RangeIndex(1, len(shown) + 1)
    return shown


def format_number(value: float) -> str:
    """``5937.0`` -> "5,937"; ``46.3197`` -> "46.3"; NaN -> ""."""
    if pd.isna(value):
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


UNKNOWN_OUTLET = "(outlet unknown)"
# Longest text shown in a notebook table cell: a long sentence, whole.
SHOWN_TEXT_CHARS = 400


def with_outlet_label(table: pd.DataFrame) -> pd.DataFrame:
    """Add ``outlet_label``: the outlet, or "(outlet unknown)" where the input gave none."""
    labelled = table.copy()
    outlets = labelled.get("outlet", pd.Series("", index=labelled.index)).astype(str)
    labelled["outlet_label"] = outlets.where(outlets.str.strip() != "", UNKNOWN_OUTLET)
    return labelled


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def articles_summary(articles: pd.DataFrame, skipped: pd.DataFrame) -> str:
    """One sentence on what was loaded: articles, outlets, dates, files set aside."""
    outlets = sorted({o for o in articles["outlet"] if o})
    unknown = int((articles["outlet"] == "").sum())
    dates = sorted(d for d in articles["published"] if d)
    parts = [f"Loaded {_plural(len(articles), 'article')}"]
    if outlets:
        parts.append(f"from {_plural(len(outlets), 'outlet')}")
    if unknown:
        parts.append(f"({unknown:,} with no outlet given)")
    if dates:
        span = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
        parts.append(f"published {span}")
    sentence = " ".join(parts) + "."
    if len(skipped):
        counts = skipped["action"].value_counts().sort_index()
        listed = ", ".join(f"{count} {action}" for action, count in counts.items())
        sentence += f" Files or rows set aside or changed: {listed} (listed below)."
    else:
        sentence += " No file was skipped or repaired."
    return sentence


def claims_summary(claims: pd.DataFrame, articles: pd.DataFrame) -> str:
    """One sentence on the claims found: figures, quotations, attributed share."""
    figures = claims[claims["kind"] == "figure"]
    quotes = claims[claims["kind"] == "quote"]
    attributed = int((figures["source_type"] != "unattributed").sum())
    sentence = (
        f"{_plural(len(articles), 'article')} gave {_plural(len(figures), 'figure')} about "
        f"people or bodies and {_plural(len(quotes), 'quotation')}."
    )
    if len(figures):
        share = attributed / len(figures)
        sentence += f" {attributed:,} of the figures ({share:.0%}) say who they came from."
    return sentence


def groups_summary(groups: pd.DataFrame) -> str:
    """One sentence on how the claim groups fall: conflicts, agreements, singles."""
    if groups.empty:
        return "There are no claims to compare."
    counts = groups["status"].value_counts()
    shared = int((groups["n_articles"] > 1).sum())
    conflicts = int(counts.drop(["agree", "single"], errors="ignore").sum())
    return (
        f"{_plural(len(groups), 'group')} of claims: {shared:,} made by more than one article, "
        f"of which {conflicts:,} differ between articles; "
        f"{int(counts.get('single', 0)):,} appear in one article only."
    )


def crosstab(table: pd.DataFrame, rows: str, columns: str) -> pd.DataFrame:
    """Counts of ``rows`` by ``columns`` with totals; empty table when there is nothing."""
    if table.empty:
        return pd.DataFrame()
    return pd.crosstab(table[rows], table[columns], margins=True, margins_name="total")


def ledger_path(ledger: str) -> Path:
    """The ledger file a notebook uses: the ``ledger`` parameter, or the default one."""
    from lossledger.ledger import default_ledger_path

    return resolve(ledger) if ledger else default_ledger_path()


def extract_with_ledger(
    articles: pd.DataFrame,
    ledger: str,
    *,
    backend: str = "serial",
    scheduler_address: str = "",
    extract: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, str]:
    """Extract the claims of ``articles``, reusing what the ledger already holds.

    In: the articles table, the ``ledger`` parameter, the extraction ``backend``
    (and ``scheduler_address`` for dask), or an ``extract`` function to use
    instead. Articles the ledger holds under the current
    extractor version (same sha256) are not extracted again: their stored claims
    are taken, relabelled with this run's article id, outlet and date. Out: the
    claims table (the same rows a fresh extraction gives) and one sentence saying
    how many articles were reused.
    """
    from lossledger.backends import extract_claims_with
    from lossledger.ledger import claims_for, known_articles
    from lossledger.provenance import extractor_version
    from lossledger.schema import CLAIM_COLUMNS

    if extract is None:

        def extract(table: pd.DataFrame) -> pd.DataFrame:
            return extract_claims_with(table, backend, scheduler_address=scheduler_address)

    path = ledger_path(ledger)
    known = known_articles(path, extractor_version()) & set(articles["sha256"])
    fresh = extract(articles[~articles["sha256"].isin(known)].reset_index(drop=True))
    if not known:
        return fresh, "No article was in the ledger yet: every article was extracted."
    stored = claims_for(path, known)
    stored = stored.drop(columns=["article_id", "outlet", "published"], errors="ignore")
    labels = articles.loc[
        articles["sha256"].isin(known), ["sha256", "article_id", "outlet", "published"]
    ].drop_duplicates("sha256")
    reused = stored.merge(labels, on="sha256", how="inner").drop(columns=["sha256"])
    columns = list(fresh.columns) if len(fresh.columns) else CLAIM_COLUMNS
    combined = pd.concat([fresh, reused.reindex(columns=columns)], ignore_index=True)
    combined = tidy(combined, CLAIM_COLUMNS, sort_by=["article_id", "start", "kind", "end"])
    note = (
        f"{_plural(len(known), 'article')} already in the ledger under this extractor version: "
        f"their claims were reused; {_plural(len(articles) - len(known), 'article')} extracted."
    )
    return combined, note


def claims_in_scope(run: RunFolder, scope: str, ledger: str) -> pd.DataFrame:
    """The claims a comparison covers: this run's, or with ``scope="ledger"`` every run's.

    With the ledger scope, the ledger's claims of articles this run does not hold
    are added to this run's claims (this run's own come from its table: the
    ledger is written only when the run ends).
    """
    from lossledger.ledger import read_claims
    from lossledger.schema import CLAIM_COLUMNS

    claims = run.read("claims", CLAIM_COLUMNS)
    if scope != "ledger":
        return claims
    path = ledger_path(ledger)
    if not path.is_file():
        return claims
    stored = read_claims(path)
    ours = set(run.read("articles")["sha256"])
    if "sha256" in stored.columns:
        stored = stored[~stored["sha256"].isin(ours)]
    stored = stored[~stored["claim_id"].isin(set(claims["claim_id"]))]
    stored = stored.drop(columns=["sha256"], errors="ignore")
    combined = pd.concat([claims, stored.reindex(columns=claims.columns)], ignore_index=True)
    return tidy(combined, CLAIM_COLUMNS, sort_by=["article_id", "start", "kind", "end"])


def text_as_data() -> None:
    """Show article text in notebook tables as typed: whole, and never typeset as mathematics.

    pandas marks its HTML tables for MathJax by default, so "$5 million … $10 million"
    in an article would be drawn as an equation in JupyterLab and in the HTML reports.
    After this call every table carries the ``tex2jax_ignore mathjax_ignore`` classes.
    :func:`open_run` calls it, so every notebook has it; calling it again changes nothing.
    (Charts are safe by their house style, which turns matplotlib's maths parsing off.)
    """
    pd.set_option("display.html.use_mathjax", False)
    # A sentence cut at pandas' default 50 characters cannot be checked against its claim.
    pd.set_option("display.max_colwidth", SHOWN_TEXT_CHARS)
