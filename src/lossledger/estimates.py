"""Stage 4: set a side's official loss figures against independent estimates.

What goes in: the claims table (``schema.CLAIM_COLUMNS``) and, optionally, a
reference file of published figures with citations (``data/reference/loss_estimates.csv``,
read by :func:`read_reference`).

What comes out: the estimates table (``schema.ESTIMATE_COLUMNS``, then
``EXTRA_COLUMNS``), one row per loss figure, and from it :func:`gap_summary` (one
row per party and metric) and :func:`findings` (plain sentences for the notebook).

The rules that keep the comparison honest:

- metrics stay apart: killed, killed-or-missing, wounded, missing and casualties are
  separate series; "casualties" is flagged as unclear (``metric_unclear``);
- figures for several sides together (party ``both``) stay in the table but never
  enter one side's gap;
- a side's statement about its own losses (``series`` ``official_own``) is the only
  "official" figure in the gap; its claims about the enemy (``official_enemy``) and
  foreign governments' figures (``foreign_government``) are shown, not compared;
- named lists (soldiers identified one by one) are independent but a floor, labelled
  apart from statistical estimates (``independent_named_list`` against
  ``independent_estimate``);
- the gap is the latest independent figure over the latest official one (latest by
  ``as_of``), read through the bounds: a floor over a ceiling is "at least N times".

``gap_ratio`` and ``gap_note`` are set on every row of the party and metric they
describe (so any row of a series shows its gap); ``gap_role`` marks the two rows the
ratio was computed from (``official`` and ``independent``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from lossledger.paths import LEXICON_DIR, resolve
from lossledger.schema import BOUNDS, CLAIM_COLUMNS, ESTIMATE_COLUMNS
from lossledger.tables import tidy

DEFAULT_REFERENCE = "data/reference/loss_estimates.csv"

# Columns a reference file must have; the rest of its columns are optional.
REFERENCE_REQUIRED: tuple[str, ...] = (
    "row_id",
    "party",
    "metric",
    "source",
    "source_type",
    "source_side",
    "genre",
    "low",
    "value",
    "high",
    "bound",
    "as_of",
)
REFERENCE_OPTIONAL: tuple[str, ...] = (
    "about_own_side",
    "statement_date",
    "seen_at_url",
    "original_url",
    "note",
)

# Columns the estimates table carries after schema.ESTIMATE_COLUMNS.
EXTRA_COLUMNS: list[str] = [
    "series",
    "source_side",
    "about_own_side",
    "metric_unclear",
    "gap_role",
    "origin_kind",
    "article_id",
    "outlet",
    "published",
    "text",
    "sentence",
    "statement_date",
    "url",
    "note",
]

# Series: who gives a figure, relative to whose losses it counts.
OFFICIAL_OWN = "official_own"
OFFICIAL_ENEMY = "official_enemy"
FOREIGN_GOVERNMENT = "foreign_government"
OFFICIAL_OTHER = "official_other"
INDEPENDENT_ESTIMATE = "independent_estimate"
INDEPENDENT_NAMED_LIST = "independent_named_list"
MEDIA = "media"
UNATTRIBUTED = "unattributed"
SERIES: tuple[str, ...] = (
    OFFICIAL_OWN,
    OFFICIAL_ENEMY,
    FOREIGN_GOVERNMENT,
    OFFICIAL_OTHER,
    INDEPENDENT_ESTIMATE,
    INDEPENDENT_NAMED_LIST,
    MEDIA,
    UNATTRIBUTED,
)
INDEPENDENT_SERIES: frozenset[str] = frozenset({INDEPENDENT_ESTIMATE, INDEPENDENT_NAMED_LIST})

SUMMARY_COLUMNS: list[str] = [
    "party",
    "metric",
    "official",
    "official_source",
    "official_as_of",
    "official_origin",
    "independent",
    "independent_source",
    "independent_as_of",
    "independent_origin",
    "independent_genre",
    "ratio_low",
    "ratio_high",
    "gap_ratio",
    "qualifier",
    "gap_note",
    "floor",
    "floor_source",
    "floor_as_of",
    "floor_ratio",
    "floor_note",
    "metric_unclear",
]

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class ReferenceError(ValueError):
    """A reference file of published estimates cannot be used; the message names the file."""


@cache
def lexicon() -> dict[str, Any]:
    """The comparison rules of ``lexicons/estimates.yaml`` (metrics, combined parties, ...)."""
    with open(LEXICON_DIR / "estimates.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# ---------------------------------------------------------------- dates and words


def as_of_date(as_of: str) -> pd.Timestamp:
    """Place an ISO date of any precision on the calendar: the middle of its period.

    In: ``"2025-06-15"``, ``"2025-06"`` or ``"2025"`` (anything after the date is ignored).
    Out: that day; the 15th of the month; 1 July of the year; ``NaT`` for anything else.
    Mid-period because a figure "as of June" is as likely late June as early June.
    """
    match = _DATE.match(str(as_of or "").strip())
    if not match:
        return pd.NaT
    year, month, day = match.groups()
    try:
        if day:
            return pd.Timestamp(int(year), int(month), int(day))
        if month:
            return pd.Timestamp(int(year), int(month), 15)
        return pd.Timestamp(int(year), 7, 1)
    except ValueError:
        return pd.NaT


def as_of_precision(as_of: str) -> str:
    """``day``, ``month``, ``year`` or ``""`` for an ISO date string of that precision."""
    match = _DATE.match(str(as_of or "").strip())
    if not match:
        return ""
    _, month, day = match.groups()
    return "day" if day else "month" if month else "year"


def format_count(number: float) -> str:
    """A count of people as printed in the copy: ``111000.0`` -> ``"111,000"``."""
    return f"{number:,.0f}"


def format_ratio(ratio: float) -> str:
    """A ratio with one decimal below 100 (``18.5``), whole above (``120``), and two
    significant digits below 0.1 (``0.042``), so a small ratio never prints as 0.0."""
    if ratio >= 100:
        return f"{ratio:,.0f}"
    if 0 < ratio < 0.1:
        return f"{ratio:.2g}"
    return f"{ratio:.1f}"


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def figure_numbers(row: pd.Series | dict[str, Any]) -> tuple[float, float]:
    """The stated numbers of a figure as (lowest, highest), NaN where not given.

    exact/approx: (value, value); lower: (low, low); upper: (high, high); range:
    (low, high). These are the numbers the source printed, not the true interval:
    whether each end is open is a matter of the bound (see :func:`gap_between`).
    """
    bound = str(row.get("bound", ""))
    low, value, high = _num(row.get("low")), _num(row.get("value")), _num(row.get("high"))
    if bound == "lower":
        first = low if not math.isnan(low) else value
        return first, first
    if bound == "upper":
        first = high if not math.isnan(high) else value
        return first, first
    if bound == "range":
        low = low if not math.isnan(low) else value
        high = high if not math.isnan(high) else value
        return low, high
    # exact, approx or unknown: the value, else whatever number there is.
    for candidate in (value, low, high):
        if not math.isnan(candidate):
            return candidate, candidate
    return math.nan, math.nan


def is_floor(row: pd.Series | dict[str, Any]) -> bool:
    """True when the figure is a floor: a lower bound, or a named list whatever its wording."""
    return str(row.get("bound", "")) == "lower" or str(row.get("genre", "")) in set(
        lexicon()["floor_genres"]
    )


def metric_noun(metric: str, genre: str = "") -> str:
    """How a metric reads after a number: ``killed`` -> ``dead``, a named list -> ``named dead``."""
    noun = lexicon()["metric_nouns"].get(metric, metric)
    return f"named {noun}" if genre in set(lexicon()["floor_genres"]) else noun


def describe_figure(row: pd.Series | dict[str, Any], with_noun: bool = True) -> str:
    """The figure in words, numbers taken from the row: ``"fewer than 6,000 dead"``.

    A hedged claim's printed expression (``text``) is used when it holds the hedge
    words, so the note quotes the article; otherwise the words follow the bound:
    ``5,937``, ``about 15,000``, ``at least 70,112``, ``up to 43,000``, ``40,000–55,000``.
    ``with_noun=False`` leaves out what is counted (for chart labels).
    """
    noun = metric_noun(str(row.get("metric", "")), str(row.get("genre", ""))) if with_noun else ""
    text = re.sub(r"[\"“”«»]", "", str(row.get("text", "") or "")).strip()
    text = re.sub(r"\s+", " ", text)
    bound = str(row.get("bound", ""))
    # A hedged claim keeps its printed words, but only when they carry the hedge.
    hedged = bound in ("lower", "upper", "approx") and re.search(r"[A-Za-z~<>≈]", text)
    if row.get("origin_kind") == "claim" and re.search(r"\d", text) and hedged:
        return f"{text} {noun}".strip()
    first, last = figure_numbers(row)
    if math.isnan(first):
        return f"an unknown number of {noun}".strip()
    if bound == "range":
        words = f"{format_count(first)}–{format_count(last)}"
        best = _num(row.get("value"))
        if not math.isnan(best):
            words += f" (best {format_count(best)})"
    elif bound == "lower":
        words = f"at least {format_count(first)}"
    elif bound == "upper":
        words = f"up to {format_count(first)}"
    elif bound == "approx":
        words = f"about {format_count(first)}"
    else:
        words = format_count(first)
    return f"{words} {noun}".strip()


def _citation(row: pd.Series | dict[str, Any]) -> str:
    source = str(row.get("source", "") or "").strip() or "unnamed source"
    as_of = str(row.get("as_of", "") or "").strip() or "undated"
    return f"{source}, {as_of}"


# ---------------------------------------------------------------- reading the reference


def read_reference(path: str | Path = DEFAULT_REFERENCE) -> pd.DataFrame:
    """Read a reference file of published estimates and check it.

    In: a CSV path (relative paths resolve from the project root) with at least
    ``REFERENCE_REQUIRED`` columns. Out: a DataFrame with ``REFERENCE_REQUIRED`` and
    ``REFERENCE_OPTIONAL`` first, ``low``/``value``/``high`` as floats, text columns as
    str. Raises ``FileNotFoundError`` for a missing file and :class:`ReferenceError`
    (a ``ValueError``) naming the file and the column or row for a bad one.
    """
    source = resolve(path)
    if not source.is_file():
        raise FileNotFoundError(f"reference file {source} does not exist")
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ReferenceError(f"reference file {source} is not a readable CSV: {error}") from error
    return _check_reference(raw, str(source))


def _check_reference(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """Validate a reference table (from a file or built in memory) and type its columns."""
    missing = [column for column in REFERENCE_REQUIRED if column not in raw.columns]
    if missing:
        raise ReferenceError(
            f"reference file {name} lacks column(s) {', '.join(missing)}; "
            f"it needs {', '.join(REFERENCE_REQUIRED)}"
        )
    table = raw.copy()
    for column in ("low", "value", "high"):
        text = table[column].astype(object).where(table[column].notna(), "").astype(str)
        numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        bad = text.str.strip().ne("") & numbers.isna()
        if bad.any():
            first = table.loc[bad].iloc[0]
            raise ReferenceError(
                f"reference file {name}: column {column} of row {first['row_id']} "
                f"is not a number ({first[column]!r})"
            )
        table[column] = numbers.astype("float64")
    bad_bound = ~table["bound"].isin(BOUNDS)
    if bad_bound.any():
        first = table.loc[bad_bound].iloc[0]
        raise ReferenceError(
            f"reference file {name}: column bound of row {first['row_id']} is "
            f"{first['bound']!r}, expected one of {', '.join(BOUNDS)}"
        )
    no_number = table[["low", "value", "high"]].isna().all(axis=1)
    if no_number.any():
        first = table.loc[no_number].iloc[0]
        raise ReferenceError(
            f"reference file {name}: row {first['row_id']} has no number in low, value or high"
        )
    duplicated = table["row_id"].astype(str).duplicated()
    if duplicated.any():
        repeated = table.loc[duplicated, "row_id"].iloc[0]
        raise ReferenceError(f"reference file {name}: column row_id repeats {repeated!r}")
    return tidy(table, [*REFERENCE_REQUIRED, *REFERENCE_OPTIONAL])


# ---------------------------------------------------------------- the estimates table


def classify_series(party: str, source_type: str, source_side: str, genre: str) -> str:
    """Which series a figure belongs to, from whose losses it counts and who gives it.

    An official source of the counted party speaks of its own losses
    (``official_own``); of the other warring side, of the enemy's (``official_enemy``);
    of a third party, a foreign government (``foreign_government``); with no side
    known, or about several sides at once, ``official_other``. Independent sources
    split into named lists and estimates; ``media`` and the rest stay as they are.
    """
    lex = lexicon()
    if source_type == "official":
        if party in set(lex["combined_parties"]) or not source_side or not party:
            return OFFICIAL_OTHER
        if source_side in set(lex["third_party_sides"]):
            return FOREIGN_GOVERNMENT
        return OFFICIAL_OWN if source_side == party else OFFICIAL_ENEMY
    if source_type == "independent":
        floors = set(lex["floor_genres"])
        return INDEPENDENT_NAMED_LIST if genre in floors else INDEPENDENT_ESTIMATE
    if source_type == "media":
        return MEDIA
    return UNATTRIBUTED


def _about_own_side(series: str) -> str:
    return {OFFICIAL_OWN: "yes", OFFICIAL_ENEMY: "no"}.get(series, "")


def _claim_rows(claims: pd.DataFrame) -> pd.DataFrame:
    table = tidy(claims, CLAIM_COLUMNS)
    metrics = set(lexicon()["compared_metrics"])
    table = table[(table["kind"] == "figure") & table["metric"].isin(metrics)]
    out = pd.DataFrame(
        {
            "party": table["party"],
            "metric": table["metric"],
            "source": table["source"],
            "source_type": table["source_type"],
            "genre": table["genre"],
            "low": table["low"],
            "value": table["value"],
            "high": table["high"],
            "bound": table["bound"],
            "as_of": table["as_of"],
            "origin": table["claim_id"],
            "source_side": table["source_side"],
            "origin_kind": "claim",
            "article_id": table["article_id"],
            "outlet": table["outlet"],
            "published": table["published"],
            "text": table["text"],
            "sentence": table["sentence"],
        }
    )
    return out


def _reference_rows(reference: pd.DataFrame) -> pd.DataFrame:
    metrics = set(lexicon()["compared_metrics"])
    table = reference[reference["metric"].isin(metrics)]
    url = table["original_url"].where(table["original_url"] != "", table["seen_at_url"])
    return pd.DataFrame(
        {
            "party": table["party"],
            "metric": table["metric"],
            "source": table["source"],
            "source_type": table["source_type"],
            "genre": table["genre"],
            "low": table["low"],
            "value": table["value"],
            "high": table["high"],
            "bound": table["bound"],
            "as_of": table["as_of"],
            "origin": table["row_id"],
            "source_side": table["source_side"],
            "origin_kind": "reference",
            "statement_date": table["statement_date"],
            "url": url,
            "note": table["note"],
        }
    )


def _load_reference(reference: pd.DataFrame | str | Path | None) -> pd.DataFrame | None:
    if reference is None:
        return None
    if isinstance(reference, pd.DataFrame):
        return _check_reference(reference, "(table given in memory)")
    if isinstance(reference, str) and not reference.strip():
        return None
    return read_reference(reference)


def compare_estimates(
    claims: pd.DataFrame, reference: pd.DataFrame | str | Path | None = None
) -> pd.DataFrame:
    """Build the estimates table: every loss figure of the claims and the reference file.

    In: the claims table (figures of metric killed, wounded, missing or casualties are
    taken; quotes and other metrics are left out) and optionally the reference, as a
    table or a path ("" or None for none). Out: ``ESTIMATE_COLUMNS`` then
    ``EXTRA_COLUMNS``, one row per figure with a number, sorted by party, metric,
    as_of and origin; ``gap_ratio``/``gap_note`` filled on every row of a party and
    metric that has a per-party official figure and an independent one.
    """
    parts = [_claim_rows(claims)]
    ref = _load_reference(reference)
    if ref is not None and len(ref):
        parts.append(_reference_rows(ref))
    parts = [part for part in parts if len(part)]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    table = tidy(table, [*ESTIMATE_COLUMNS, *EXTRA_COLUMNS])
    if len(table):
        has_number = table[["low", "value", "high"]].notna().any(axis=1)
        table = table[has_number].reset_index(drop=True)
    table["series"] = [
        classify_series(r.party, r.source_type, r.source_side, r.genre)
        for r in table.itertuples(index=False)
    ]
    table["about_own_side"] = table["series"].map(_about_own_side)
    unclear = set(lexicon()["unclear_metrics"])
    table["metric_unclear"] = table["metric"].map(lambda m: "yes" if m in unclear else "")
    table["gap_role"] = ""
    table["gap_note"] = ""
    table["gap_ratio"] = math.nan
    for (party, metric), rows in table.groupby(["party", "metric"], sort=True):
        gap = _gap_for(table.loc[rows.index], party, metric, table)
        table.loc[rows.index, "gap_note"] = gap.note
        if gap.official is not None:
            table.loc[gap.official.name, "gap_role"] = "official"
        if gap.independent is not None:
            table.loc[gap.independent.name, "gap_role"] = "independent"
        if not math.isnan(gap.gap_ratio):
            table.loc[rows.index, "gap_ratio"] = gap.gap_ratio
    return tidy(table, [*ESTIMATE_COLUMNS, *EXTRA_COLUMNS], ["party", "metric", "as_of", "origin"])


# ---------------------------------------------------------------- the gap


@dataclass
class Gap:
    """The comparison of one party and metric (see :func:`gap_between`)."""

    party: str
    metric: str
    official: pd.Series | None = None
    independent: pd.Series | None = None
    floor: pd.Series | None = None
    ratio_low: float = math.nan
    ratio_high: float = math.nan
    gap_ratio: float = math.nan
    qualifier: str = ""
    note: str = ""
    floor_ratio: float = math.nan
    floor_note: str = ""


def gap_between(official: pd.Series, independent: pd.Series) -> tuple[float, float, float, str]:
    """The ratio of an independent figure to an official one, read through their bounds.

    In: two estimate rows. Out: ``(ratio_low, ratio_high, gap_ratio, qualifier)``.
    ``ratio_low``/``ratio_high`` divide the stated numbers (independent lowest over
    official highest, and the other way); ``gap_ratio`` is ``ratio_low``, the
    conservative end. The qualifier says which ends are open: an official ceiling
    ("fewer than") or an independent floor ("at least", a named list) leaves the top
    open ("at least"); an official floor ("more than") or an independent ceiling leaves
    the bottom open ("at most"); closed ends give a ratio or a range ("" or "range");
    both open gives "face value".
    """
    off_low, off_high = figure_numbers(official)
    ind_low, ind_high = figure_numbers(independent)
    if any(math.isnan(x) or x <= 0 for x in (off_low, off_high)) or math.isnan(ind_low):
        return math.nan, math.nan, math.nan, ""
    ratio_low, ratio_high = ind_low / off_high, ind_high / off_low
    # Which way the truth may lie beyond the stated numbers.
    top_open = official["bound"] == "upper" or is_floor(independent)
    bottom_open = official["bound"] == "lower" or independent["bound"] == "upper"
    if top_open and bottom_open:
        qualifier = "face value"
    elif top_open:
        qualifier = "at least"
    elif bottom_open:
        qualifier = "at most"
    else:
        qualifier = "range" if format_ratio(ratio_low) != format_ratio(ratio_high) else ""
    return ratio_low, ratio_high, ratio_low, qualifier


def _ratio_words(ratio_low: float, ratio_high: float, qualifier: str) -> tuple[str, str]:
    """The ratio for a note, as (main words, aside): ("at least 18.5×", "")."""
    low, high = format_ratio(ratio_low), format_ratio(ratio_high)
    if qualifier == "at least":
        return f"at least {low}×", ""
    if qualifier == "at most":
        aside = "" if low == high else f" ({low}–{high}× taking both figures at face value)"
        return f"at most {high}×", aside
    if qualifier == "face value":
        span = low if low == high else f"{low}–{high}"
        return f"{span}×", " at face value (both figures are open-ended)"
    if qualifier == "range":
        return f"{low}–{high}×", ""
    return f"{low}×", ""


def _latest(rows: pd.DataFrame, conservative: bool = False) -> pd.Series | None:
    """The row with the latest as_of (mid-period); ties go to the more precise date,
    then (``conservative``) the smaller stated number, then the origin, so the choice
    is the same on every run."""
    if rows.empty:
        return None
    precision_rank = {"day": 0, "month": 1, "year": 2, "": 3}
    keyed = rows.assign(
        _date=[as_of_date(a) for a in rows["as_of"]],
        _precision=[precision_rank[as_of_precision(a)] for a in rows["as_of"]],
        _size=[figure_numbers(r)[0] if conservative else 0.0 for _, r in rows.iterrows()],
    )
    # Undated figures sort last (na_position), so they are latest only when nothing is dated.
    keyed = keyed.sort_values(
        ["_date", "_precision", "_size", "origin"],
        ascending=[False, True, True, True],
        kind="stable",
    )
    return rows.loc[keyed.index[0]]


def _gap_for(rows: pd.DataFrame, party: str, metric: str, table: pd.DataFrame) -> Gap:
    """Compute the gap of one party and metric; ``table`` is the whole estimates table,
    used only to mention combined-party figures in the note."""
    lex = lexicon()
    gap = Gap(party=party, metric=metric)
    noun = metric_noun(metric)
    unclear = lex["unclear_metrics"].get(metric, "")
    caveat = f" ({unclear}: read with care)" if unclear else ""
    if party in set(lex["combined_parties"]):
        gap.note = f"figures for several sides together ({party}): never used in one side's gap"
        return gap
    if not party:
        gap.note = "whose losses is not known: not used in a gap"
        return gap
    gap.official = _latest(rows[rows["series"] == OFFICIAL_OWN])
    gap.independent = _latest(rows[rows["series"].isin(INDEPENDENT_SERIES)], conservative=True)
    gap.floor = _latest(rows[rows["series"] == INDEPENDENT_NAMED_LIST], conservative=True)
    if gap.official is None and gap.independent is None:
        gap.note = (
            f"no official figure from {party} about its own {noun} and no independent "
            "figure: nothing to compare"
        )
        return gap
    if gap.official is None:
        gap.note = (
            f"no official figure from {party} about its own {noun} to set against "
            f"{describe_figure(gap.independent)} ({_citation(gap.independent)})"
        )
        return gap
    if gap.independent is None:
        combined = table[
            table["party"].isin(set(lex["combined_parties"]))
            & table["series"].isin(INDEPENDENT_SERIES)
        ]
        also = (
            f"; figures for several sides together ({len(combined)}) are not used"
            if len(combined)
            else ""
        )
        gap.note = (
            f"no independent figure for {party} alone to set against "
            f"{describe_figure(gap.official)} ({_citation(gap.official)}){also}"
        )
        return gap
    low, high, ratio, qualifier = gap_between(gap.official, gap.independent)
    gap.ratio_low, gap.ratio_high, gap.gap_ratio, gap.qualifier = low, high, ratio, qualifier
    against = f"{describe_figure(gap.official)} ({_citation(gap.official)})"
    if math.isnan(ratio):
        gap.note = f"no ratio: the official figure {against} has no usable number"
        return gap
    main, aside = _ratio_words(low, high, qualifier)
    gap.note = (
        f"independent {main} official{aside}: "
        f"{describe_figure(gap.independent)} ({_citation(gap.independent)}) against {against}"
        f"{caveat}"
    )
    if gap.floor is not None:
        f_low, f_high, f_ratio, f_qualifier = gap_between(gap.official, gap.floor)
        if not math.isnan(f_ratio):
            gap.floor_ratio = f_ratio
            f_main, f_aside = _ratio_words(f_low, f_high, f_qualifier)
            gap.floor_note = (
                f"named floor {f_main} official{f_aside}: "
                f"{describe_figure(gap.floor)} ({_citation(gap.floor)}) against {against}"
            )
    return gap


def _gaps(estimates: pd.DataFrame) -> list[tuple[Gap, pd.DataFrame]]:
    table = tidy(estimates, [*ESTIMATE_COLUMNS, *EXTRA_COLUMNS])
    if "series" not in estimates.columns or (table["series"] == "").any():
        table["series"] = [
            classify_series(r.party, r.source_type, r.source_side, r.genre)
            for r in table.itertuples(index=False)
        ]
    return [
        (_gap_for(rows, party, metric, table), rows)
        for (party, metric), rows in table.groupby(["party", "metric"], sort=True)
    ]


def gap_summary(estimates: pd.DataFrame) -> pd.DataFrame:
    """One row per party and metric of the estimates table: the two figures, the ratio, the note.

    In: the table of :func:`compare_estimates` (or the CSV written from it). Out:
    ``SUMMARY_COLUMNS``: the latest official and independent figures in words with their
    source, as_of and origin, ``ratio_low``/``ratio_high`` (stated numbers divided),
    ``gap_ratio`` (the conservative end), ``qualifier`` (``at least``, ``at most``,
    ``range``, ``face value`` or ``""``), the note, and the same for the latest named
    list (``floor...``). Sorted by party and metric.
    """
    rows = []
    for gap, group in _gaps(estimates):
        official, independent, floor = gap.official, gap.independent, gap.floor
        rows.append(
            {
                "party": gap.party,
                "metric": gap.metric,
                "official": describe_figure(official) if official is not None else "",
                "official_source": official["source"] if official is not None else "",
                "official_as_of": official["as_of"] if official is not None else "",
                "official_origin": official["origin"] if official is not None else "",
                "independent": describe_figure(independent) if independent is not None else "",
                "independent_source": independent["source"] if independent is not None else "",
                "independent_as_of": independent["as_of"] if independent is not None else "",
                "independent_origin": independent["origin"] if independent is not None else "",
                "independent_genre": independent["genre"] if independent is not None else "",
                "ratio_low": gap.ratio_low,
                "ratio_high": gap.ratio_high,
                "gap_ratio": gap.gap_ratio,
                "qualifier": gap.qualifier,
                "gap_note": gap.note,
                "floor": describe_figure(floor) if floor is not None else "",
                "floor_source": floor["source"] if floor is not None else "",
                "floor_as_of": floor["as_of"] if floor is not None else "",
                "floor_ratio": gap.floor_ratio,
                "floor_note": gap.floor_note,
                "metric_unclear": "yes" if (group["metric_unclear"] == "yes").any() else "",
            }
        )
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for column in ("ratio_low", "ratio_high", "gap_ratio", "floor_ratio"):
        summary[column] = pd.to_numeric(summary[column], errors="coerce").astype("float64")
    return summary.sort_values(["party", "metric"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------- findings


def _times(ratio_low: float, ratio_high: float, qualifier: str) -> str:
    """The ratio in a sentence: "at least 18.5 times", "between 46.3 and 54.7 times"."""
    low, high = format_ratio(ratio_low), format_ratio(ratio_high)
    if qualifier == "at least":
        return f"at least {low} times"
    if qualifier == "at most":
        if low == high:
            return f"at most {high} times"
        return f"at most {high} times ({low} to {high} times taking both at face value)"
    if qualifier == "face value":
        span = low if low == high else f"{low} to {high}"
        return f"{span} times at face value (both figures are open-ended)"
    if qualifier == "range":
        return f"between {low} and {high} times"
    return f"{low} times"


def findings(estimates: pd.DataFrame) -> list[str]:
    """Plain sentences for the notebook's findings cell; every number comes from the table.

    In: the table of :func:`compare_estimates`. Out: one sentence per party and metric
    with a gap or a missing half, then what was kept out (several sides together, one
    side's claims about the other, unclear metrics). An empty table gives one sentence
    saying there is nothing to compare.
    """
    table = tidy(estimates, [*ESTIMATE_COLUMNS, *EXTRA_COLUMNS])
    if table.empty:
        return ["No loss figures of a compared metric were found, so there is nothing to compare."]
    lex = lexicon()
    out: list[str] = []
    for gap, _rows in _gaps(table):
        if gap.party in set(lex["combined_parties"]) or not gap.party:
            continue
        noun = metric_noun(gap.metric)
        head = f"{gap.party}, {gap.metric}:"
        off, ind = gap.official, gap.independent
        if off is not None and ind is not None and not math.isnan(gap.gap_ratio):
            sentence = (
                f"{head} the latest independent figure, {describe_figure(ind)} "
                f"({_citation(ind)}), is {_times(gap.ratio_low, gap.ratio_high, gap.qualifier)} "
                f"the latest official figure {gap.party} gave for its own {noun}, "
                f"{describe_figure(off)} ({_citation(off)})."
            )
            if gap.floor is not None and gap.floor.name != ind.name:
                f_low, f_high, _, f_qualifier = gap_between(off, gap.floor)
                sentence += (
                    f" Soldiers identified by name alone, {describe_figure(gap.floor)} "
                    f"({_citation(gap.floor)}), are {_times(f_low, f_high, f_qualifier)} "
                    "the official figure."
                )
            out.append(sentence)
        elif off is not None and ind is None:
            out.append(
                f"{head} the latest official figure {gap.party} gave for its own {noun} is "
                f"{describe_figure(off)} ({_citation(off)}); there is no independent figure for "
                f"{gap.party} alone to set against it."
            )
        elif ind is not None and off is None:
            out.append(
                f"{head} the latest independent figure is {describe_figure(ind)} "
                f"({_citation(ind)}); there is no official figure from {gap.party} about its "
                f"own {noun} to set against it."
            )
    combined = table[table["party"].isin(set(lex["combined_parties"]))]
    if len(combined):
        examples = "; ".join(
            f"{describe_figure(r)}, {_citation(r)}" for _, r in combined.head(3).iterrows()
        )
        out.append(
            f"{_count(len(combined), 'figure')} {_verb(len(combined), 'counts', 'count')} "
            f"several sides together ({examples}); {_verb(len(combined), 'it is', 'they are')} "
            "shown but kept out of each side's comparison."
        )
    enemy = table[table["series"] == OFFICIAL_ENEMY]
    if len(enemy):
        first = enemy.iloc[0]
        out.append(
            f"{_count(len(enemy), 'figure')} {_verb(len(enemy), 'is', 'are')} "
            "one side's claims about the other's losses "
            f"(for example {first['source'] or 'an unnamed source'}: {describe_figure(first)} "
            f"for {first['party']}, {first['as_of'] or 'undated'}); "
            f"{_verb(len(enemy), 'it is', 'they are')} shown but never used as the official figure."
        )
    for metric, reason in lex["unclear_metrics"].items():
        unclear = table[table["metric"] == metric]
        if len(unclear):
            out.append(
                f"{_count(len(unclear), 'figure')} {_verb(len(unclear), 'gives', 'give')} "
                f"'{metric}': {reason}; {_verb(len(unclear), 'it is', 'they are')} "
                "flagged and kept apart from killed."
            )
    if not out:
        out.append("No party has both an official figure for its own losses and another figure.")
    return out


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _verb(number: int, singular: str, plural: str) -> str:
    return singular if number == 1 else plural
