"""The workbook's charts, in one house style, each with the table it draws.

Every chart is a pair: ``<name>_data(table) -> DataFrame`` gives exactly what is
drawn (tests check it), ``<name>(table) -> Figure`` draws it. Charts are built on
``matplotlib.figure.Figure`` directly, never through pyplot, so they work under any
backend (Agg in papermill, inline in JupyterLab) and a notebook shows each once.
An empty table gives a figure that says there is nothing to draw; no chart raises on one.

House style: the Okabe-Ito colour-blind-safe palette; each series also has its own
marker (and ranges their own hatch) so a chart printed in grey still reads; titles
state the finding; a source note sits under every chart. :func:`save_figure` writes
PNG and SVG byte-stably (no dates, fixed SVG hash salt, bundled font).

Dates: a figure's ``as_of`` of month precision is drawn on the 15th of the month,
of year precision on 1 July (see ``estimates.as_of_date``).
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from lossledger import estimates as est
from lossledger.schema import ESTIMATE_COLUMNS
from lossledger.tables import tidy

# ---------------------------------------------------------------- house style

# Okabe & Ito (2008), the palette most colour-blind readers can tell apart.
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#8C8C8C"
INK = "#222222"  # text
MUTED = "#666666"  # notes, axis labels
RULE = "#DDDDDD"  # grid lines

FONT_SIZES = {"title": 13.0, "subtitle": 9.5, "panel": 10.5, "label": 8.5, "note": 7.5}

HOUSE_RC: dict[str, Any] = {
    # Article text is data: a "$" in a quotation used as a label must never be read as TeX.
    "text.parse_math": False,
    # The font matplotlib ships with, so every machine draws the same glyphs.
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": FONT_SIZES["panel"],
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": FONT_SIZES["label"],
    "axes.labelcolor": MUTED,
    "axes.edgecolor": "#BBBBBB",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelsize": FONT_SIZES["label"],
    "ytick.labelsize": FONT_SIZES["label"],
    "legend.fontsize": FONT_SIZES["label"],
    "legend.frameon": False,
    "text.color": INK,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.fonttype": "path",
    # SVG element ids come from hashes salted with this: fixed, so files do not change.
    "svg.hashsalt": "lossledger",
}
DPI = 150
# Labels drawn over data get a white backing so markers never run through the words.
LABEL_BOX: dict[str, Any] = {
    "boxstyle": "square,pad=0.15",
    "fc": "white",
    "ec": "none",
    "alpha": 0.85,
}

# Each series of the estimates table: label, colour, marker, filled, hatch for ranges.
# Warm colours for official sources, cool for independent ones; the markers differ too.
# The order is the drawing order: the two sides of the gap first, context after.
SERIES_STYLE: dict[str, dict[str, Any]] = {
    est.OFFICIAL_OWN: {
        "label": "Official, own losses",
        "color": VERMILLION,
        "marker": "s",
        "filled": True,
        "hatch": "////",
    },
    est.INDEPENDENT_ESTIMATE: {
        "label": "Independent estimate",
        "color": BLUE,
        "marker": "o",
        "filled": True,
        "hatch": "",
    },
    est.INDEPENDENT_NAMED_LIST: {
        "label": "Independent list of names (a floor)",
        "color": BLUISH_GREEN,
        "marker": "o",
        "filled": False,
        "hatch": "",
    },
    est.OFFICIAL_ENEMY: {
        "label": "Official, about the enemy",
        "color": REDDISH_PURPLE,
        "marker": "D",
        "filled": True,
        "hatch": "\\\\\\\\",
    },
    est.FOREIGN_GOVERNMENT: {
        "label": "Foreign government",
        "color": ORANGE,
        "marker": "^",
        "filled": True,
        "hatch": "xxx",
    },
    est.OFFICIAL_OTHER: {
        "label": "Official, side unclear",
        "color": GREY,
        "marker": "v",
        "filled": True,
        "hatch": "...",
    },
    est.MEDIA: {
        "label": "Media report",
        "color": GREY,
        "marker": "P",
        "filled": True,
        "hatch": "...",
    },
    est.UNATTRIBUTED: {
        "label": "Unattributed",
        "color": GREY,
        "marker": "X",
        "filled": True,
        "hatch": "...",
    },
}
SERIES_ORDER: dict[str, int] = {name: rank for rank, name in enumerate(SERIES_STYLE)}
METRIC_ORDER: dict[str, int] = {
    "killed": 0,
    "killed_or_missing": 1,
    "wounded": 2,
    "missing": 3,
    "casualties": 4,
}

# Outlet grid marks: shape and fill carry the meaning, colour only helps.
MARK_STYLE: dict[str, dict[str, Any]] = {
    "differs": {
        "label": "Differs from another article",
        "marker": "X",
        "color": VERMILLION,
        "filled": True,
        "size": 70,
    },
    "agree": {
        "label": "Agrees with the other articles",
        "marker": "o",
        "color": BLUE,
        "filled": True,
        "size": 55,
    },
    "present": {
        "label": "Printed, nothing to compare",
        "marker": "o",
        "color": INK,
        "filled": False,
        "size": 45,
    },
    "absent": {
        "label": "Not printed",
        "marker": "_",
        "color": "#BBBBBB",
        "filled": True,
        "size": 30,
    },
}
GRID_COLUMNS: tuple[str, ...] = ("group_id", "article_id", "label", "mark")

# An arrow for an open-ended figure spans this factor on a log axis (about 0.26 decades).
ARROW_FACTOR = 1.8
SOURCE_NOTE_ESTIMATES = (
    "Source: figures printed in the articles (Loss Ledger claims table){reference}. "
    "Figures for several sides together are left out."
)
REFERENCE_NOTE = (
    " and published figures compiled from public reports, each with its citation "
    "(data/reference/loss_estimates.csv)"
)


def apply_house_style() -> None:
    """Set matplotlib's global defaults to the house style (for a notebook's own plots).

    The chart functions here do not need it: each draws inside :func:`house_style`.
    """
    mpl.rcParams.update(HOUSE_RC)


@contextmanager
def house_style() -> Iterator[None]:
    """A context in which matplotlib draws in the house style, leaving globals untouched."""
    with mpl.rc_context(HOUSE_RC):
        yield


def save_figure(fig: Figure, folder: str | Path, name: str) -> list[Path]:
    """Write ``fig`` as ``folder/name.png`` (150 dpi) and ``folder/name.svg``; return both paths.

    Byte-stable: the PNG carries no date or software stamp, the SVG no date and a fixed
    hash salt for its element ids, so saving the same figure again gives identical files.
    ``name`` is a file stem (no folder, no suffix).
    """
    if not name or Path(name).name != name or Path(name).suffix in (".png", ".svg"):
        raise ValueError(f"figure name {name!r} must be a plain file stem such as 'gap_chart'")
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    paths = [target / f"{name}.png", target / f"{name}.svg"]
    with house_style():
        fig.savefig(paths[0], format="png", dpi=DPI, metadata={"Software": None})
        fig.savefig(paths[1], format="svg", metadata={"Date": None, "Creator": None})
    return paths


# ---------------------------------------------------------------- shared helpers


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=100)


def _shorten(text: str, width: int) -> str:
    """One line of at most ``width`` characters, cut at a word with an ellipsis."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def _shorten_middle(text: str, width: int) -> str:
    """Cut the middle out of an id, keeping both ends (ids differ at either end)."""
    text = str(text)
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """At most ``lines`` lines of ``width`` characters; the last one cut with an ellipsis."""
    parts = textwrap.wrap(re.sub(r"\s+", " ", str(text)).strip(), width) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], _shorten(" ".join(parts[lines - 1 :]), width)]
    return "\n".join(parts)


def _count_formatter(value: float, _position: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}m"
    return f"{value:,.0f}"


def _log_axis(axis: Any) -> None:
    axis.set_major_locator(LogLocator(base=10))
    axis.set_major_formatter(FuncFormatter(_count_formatter))
    axis.set_minor_formatter(NullFormatter())


def _header(fig: Figure, title: str, subtitle: str, top_in: float) -> None:
    """Title (the finding) and subtitle (how to read), placed in inches from the top."""
    height = fig.get_figheight()
    fig.text(
        0.012,
        1 - 0.18 / height,
        title,
        fontsize=FONT_SIZES["title"],
        fontweight="bold",
        va="top",
        ha="left",
        color=INK,
    )
    if subtitle:
        fig.text(
            0.012,
            1 - (0.18 + 0.30 * (title.count("\n") + 1)) / height,
            subtitle,
            fontsize=FONT_SIZES["subtitle"],
            va="top",
            ha="left",
            color=MUTED,
        )


def _source_note(fig: Figure, note: str, width_chars: int = 150) -> None:
    fig.text(
        0.012,
        0.1 / fig.get_figheight(),
        _wrap(note, width_chars, lines=3),
        fontsize=FONT_SIZES["note"],
        color=MUTED,
        va="bottom",
        ha="left",
    )


def empty_figure(title: str, message: str, note: str = "") -> Figure:
    """A small figure saying there is nothing to draw, and why (never an empty axes)."""
    with house_style():
        fig = _new_figure(8.0, 2.6)
        _header(fig, title, "", 0)
        fig.text(0.5, 0.48, message, ha="center", va="center", fontsize=11, color=MUTED)
        if note:
            _source_note(fig, note)
    return fig


def _scatter(
    ax: Axes, x: Any, y: Any, style: dict[str, Any], size: float = 42, zorder: int = 4
) -> None:
    """Markers of one style; hollow ones are white inside, so they read as hollow in grey."""
    if style["marker"] in ("_", "|", "+", "x"):  # line markers have no face
        ax.scatter(
            x,
            y,
            s=size,
            marker=style["marker"],
            color=style["color"],
            linewidths=1.4,
            zorder=zorder,
        )
        return
    filled = style.get("filled", True)
    ax.scatter(
        x,
        y,
        s=size,
        marker=style["marker"],
        facecolors=style["color"] if filled else "white",
        edgecolors=style["color"] if not filled else "white",
        linewidths=1.5 if not filled else 0.5,
        zorder=zorder,
    )


def _series_handle(series: str) -> Line2D:
    style = SERIES_STYLE[series]
    return Line2D(
        [],
        [],
        linestyle="",
        marker=style["marker"],
        markersize=7,
        markerfacecolor=style["color"] if style["filled"] else "white",
        markeredgecolor=style["color"],
        markeredgewidth=1.4 if not style["filled"] else 0.6,
        label=style["label"],
    )


def _estimates_frame(estimates: pd.DataFrame | None) -> pd.DataFrame:
    if estimates is None:
        return tidy(pd.DataFrame(), [*ESTIMATE_COLUMNS, *est.EXTRA_COLUMNS])
    table = tidy(estimates, [*ESTIMATE_COLUMNS, *est.EXTRA_COLUMNS])
    if len(table) and (table["series"] == "").any():
        # A table built by hand may lack the series; derive it as compare_estimates does.
        table["series"] = [
            est.classify_series(r.party, r.source_type, r.source_side, r.genre)
            for r in table.itertuples(index=False)
        ]
    return table


def _per_party(table: pd.DataFrame) -> pd.DataFrame:
    """Only the rows of one side each: several-sides figures and unknown parties go."""
    combined = set(est.lexicon()["combined_parties"])
    return table[~table["party"].isin(combined) & (table["party"] != "")]


def _deduplicated(table: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct figure: the same number, hedge and date from the same kind of
    source printed by several articles is drawn once, with how many reports carry it.

    Groups keep the order in which they first appear; each is represented by its row
    with the first ``origin``, and takes the first gap role any of its rows has.
    """
    key = ["party", "metric", "series", "bound", "low", "value", "high", "as_of"]
    keyed = table.assign(**{f"_{k}": table[k].astype(str) for k in key})
    keyed["_group"] = keyed.groupby([f"_{k}" for k in key], sort=False, dropna=False).ngroup()
    ordered = keyed.sort_values(["_group", "origin"], kind="stable")
    grouped = ordered.groupby("_group", sort=True)
    first = ordered.drop_duplicates("_group", keep="first").copy()
    first["n_reports"] = grouped["origin"].size().to_numpy()
    first["origins"] = grouped["origin"].agg(";".join).to_numpy()
    roles = ordered[ordered["gap_role"] != ""].drop_duplicates("_group").set_index("_group")
    first["gap_role"] = first["_group"].map(roles["gap_role"]).fillna("").to_numpy()
    return first[[*table.columns, "n_reports", "origins"]]


# How much a chart draws; a big run's figures beyond these stay in tables/estimates.csv.
CHART_MAX_ROWS = 30  # figures in one party's panel of official_vs_independent
CHART_MAX_PARTIES = 6
TIMELINE_MAX_POINTS = 150  # figures in one party's panel of estimates_timeline
TIMELINE_MAX_PARTIES = 4


def _chart_rows(table: pd.DataFrame, max_rows: int, max_parties: int) -> pd.DataFrame:
    """The distinct figures a chart has room for, so a run of thousands of articles still
    draws a readable chart in seconds (the estimates table keeps every figure).

    In: deduplicated figures (:func:`_deduplicated`). Out: the same rows, in the same
    order, for at most ``max_parties`` parties (those with the most figures) and at
    most ``max_rows`` figures a party, chosen in this order: the figures a gap ratio
    comes from, reference figures, the figures the most articles report, the latest.
    """
    if table.empty:
        return table
    table = table.copy()
    table.attrs["left_out"] = 0
    counts = table["party"].value_counts()
    parties = sorted(counts.index, key=lambda p: (-counts[p], p))[:max_parties]
    kept = table[table["party"].isin(parties)]
    if kept.groupby("party").size().max() <= max_rows:
        kept.attrs["left_out"] = len(table) - len(kept)
        return kept
    ranked = kept.assign(
        _gap=(kept["gap_role"] == "").astype(int),
        _reference=(kept["origin_kind"] != "reference").astype(int),
        _reports=-kept["n_reports"].astype(int),
        _date=kept["as_of"].astype(str),
        _order=range(len(kept)),
    ).sort_values(
        ["party", "_gap", "_reference", "_reports", "_date", "_order"],
        ascending=[True, True, True, True, False, True],
        kind="stable",
    )
    chosen = ranked.groupby("party", sort=False).head(max_rows)
    shown = kept.loc[chosen.sort_values("_order").index]
    shown.attrs["left_out"] = len(table) - len(shown)
    return shown


def _shape_keys(
    has_range: bool, range_label: str, open_ends: list[tuple[bool, str, int, str]]
) -> list[Any]:
    """Legend keys for the shapes a chart drew, and only those: a range's patch, then
    each open-ended marker given as (drawn, marker, size, label)."""
    keys: list[Any] = []
    if has_range:
        keys.append(
            Patch(facecolor=mpl.colors.to_rgba(GREY, 0.28), edgecolor=GREY, label=range_label)
        )
    keys += [
        Line2D([], [], color=MUTED, marker=marker, markersize=size, label=label)
        for drawn, marker, size, label in open_ends
        if drawn
    ]
    return keys


def _left_out_note(data: pd.DataFrame) -> str:
    """A sentence for a chart's note when its data left figures out (:func:`_chart_rows`)."""
    left_out = int(data.attrs.get("left_out", 0))
    if not left_out:
        return ""
    return (
        f" {left_out:,} more distinct figures are not drawn (the chart keeps those behind "
        "each gap, reference figures and the most reported); all are in "
        "tables/estimates.csv."
    )


def _direction(row: pd.Series) -> str:
    if est.is_floor(row):
        return "up"
    return "down" if row["bound"] == "upper" else ""


def _reference_note(table: pd.DataFrame) -> str:
    has_reference = bool((table["origin_kind"] == "reference").any())
    return SOURCE_NOTE_ESTIMATES.format(reference=REFERENCE_NOTE if has_reference else "")


def _gap_headline(summary: pd.DataFrame) -> tuple[str, pd.Series | None]:
    """The chart title: the largest gap in the summary, in words, and its summary row."""
    usable = summary[summary["gap_ratio"].notna()]
    if usable.empty:
        return "Official and independent loss figures, side by side", None
    best = usable.sort_values(["gap_ratio", "party"], ascending=[False, True]).iloc[0]
    low, high = est.format_ratio(best["ratio_low"]), est.format_ratio(best["ratio_high"])
    times = {
        "at least": f"at least {low} times",
        "at most": f"up to {high} times",
        "range": f"{low} to {high} times",
        "face value": f"about {low} times",
    }.get(best["qualifier"], f"{low} times")
    noun = est.metric_noun(best["metric"])
    return (
        f"Independent figures for {best['party']}'s {noun} are {times} the official count",
        best,
    )


# ---------------------------------------------------------------- official against independent


def official_vs_independent_data(
    estimates: pd.DataFrame, max_rows: int = CHART_MAX_ROWS, max_parties: int = CHART_MAX_PARTIES
) -> pd.DataFrame:
    """The rows :func:`official_vs_independent` draws, one per distinct figure.

    In: the estimates table, and how many figures a party panel and how many panels the
    chart may hold (:func:`_chart_rows` chooses which). Out: one row per figure of one
    party (``both`` and unknown parties left out), duplicates across articles merged
    (``n_reports``, ``origins``),
    ordered by party, metric, series and date, with ``row`` (0 at the top of its
    panel), ``x`` (where the marker sits), ``x_low``/``x_high`` (a range's ends, else
    NaN), ``direction`` (``right`` for a floor, ``left`` for a ceiling, ``""``),
    ``hollow`` (named lists), ``row_label`` and ``figure_label``.
    """
    columns = [
        "party",
        "metric",
        "row",
        "series",
        "series_label",
        "source",
        "source_type",
        "genre",
        "as_of",
        "bound",
        "low",
        "value",
        "high",
        "x",
        "x_low",
        "x_high",
        "direction",
        "hollow",
        "row_label",
        "figure_label",
        "n_reports",
        "origins",
        "gap_role",
        "gap_ratio",
        "gap_note",
    ]
    table = _per_party(_estimates_frame(estimates))
    if table.empty:
        return pd.DataFrame(columns=columns)
    table = _chart_rows(_deduplicated(table), max_rows, max_parties)
    records = []
    for _, r in table.iterrows():
        first, last = est.figure_numbers(r)
        if math.isnan(first):
            continue
        best = r["value"]
        is_range = r["bound"] == "range" and last > first
        x = best if is_range and not math.isnan(best) else first
        if is_range and math.isnan(best):
            x = math.sqrt(first * last)  # the middle of a range on a log axis
        # A range draws its own ends; arrows are for figures open on one side.
        direction = "" if is_range else {"up": "right", "down": "left"}.get(_direction(r), "")
        reports = f" ({r['n_reports']} reports)" if r["n_reports"] > 1 else ""
        records.append(
            {
                "party": r["party"],
                "metric": r["metric"],
                "series": r["series"],
                "series_label": SERIES_STYLE[r["series"]]["label"],
                "source": r["source"],
                "source_type": r["source_type"],
                "genre": r["genre"],
                "as_of": r["as_of"],
                "bound": r["bound"],
                "low": r["low"],
                "value": r["value"],
                "high": r["high"],
                "x": x,
                "x_low": first if is_range else math.nan,
                "x_high": last if is_range else math.nan,
                "direction": direction,
                "hollow": r["series"] == est.INDEPENDENT_NAMED_LIST,
                # The report count takes room from the source, so labels keep one width.
                "row_label": f"{_shorten(r['source'] or 'unnamed source', 30 - len(reports))}"
                f" · {r['as_of'] or 'undated'}{reports}",
                "figure_label": est.describe_figure(r, with_noun=False),
                "n_reports": int(r["n_reports"]),
                "origins": r["origins"],
                "gap_role": r["gap_role"],
                "gap_ratio": r["gap_ratio"],
                "gap_note": r["gap_note"],
                "_date": est.as_of_date(r["as_of"]),
            }
        )
    if not records:
        return pd.DataFrame(columns=columns)
    data = pd.DataFrame(records)
    data["_metric"] = data["metric"].map(lambda m: METRIC_ORDER.get(m, 99))
    data["_series"] = data["series"].map(SERIES_ORDER)
    data = data.sort_values(
        ["party", "_metric", "metric", "_series", "_date", "x", "origins"], kind="stable"
    )
    data["row"] = data.groupby("party").cumcount()
    data = data[columns].reset_index(drop=True)
    data.attrs["left_out"] = table.attrs.get("left_out", 0)
    return data


def _draw_figure_row(ax: Axes, r: pd.Series, y: float) -> float:
    """Draw one figure on its row; return the x where its label should start."""
    style = SERIES_STYLE[r["series"]]
    color = style["color"]
    end = r["x"]
    if not math.isnan(r["x_low"]):
        ax.add_patch(
            Rectangle(
                (r["x_low"], y - 0.22),
                r["x_high"] - r["x_low"],
                0.44,
                facecolor=mpl.colors.to_rgba(color, 0.28),
                edgecolor=color,
                hatch=style["hatch"] or None,
                linewidth=0.9,
                zorder=3,
            )
        )
        end = r["x_high"]
    if r["direction"] == "right":
        tip = r["x"] * ARROW_FACTOR
        ax.annotate(
            "",
            xy=(tip, y),
            xytext=(r["x"], y),
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.4, "shrinkA": 0},
            zorder=3,
        )
        end = max(end, tip)
    elif r["direction"] == "left":
        ax.annotate(
            "",
            xy=(r["x"] / ARROW_FACTOR, y),
            xytext=(r["x"], y),
            arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.4, "shrinkA": 0},
            zorder=3,
        )
    if math.isnan(r["x_low"]) or not math.isnan(r["value"]):
        _scatter(ax, [r["x"]], [y], style)
    return end


def official_vs_independent(estimates: pd.DataFrame) -> Figure:
    """Every figure of each side on a log scale: official against independent, with the gap.

    In: the estimates table. Out: a Figure with one panel per party (never ``both``), one
    row per distinct figure, grouped by metric: a dot for a point figure, a bar for a
    range, an arrow right for "at least / more than", left for "fewer than / up to",
    hollow markers for lists of names (floors); colour and marker by series; the gap
    between the two figures the ratio came from shaded and labelled.
    """
    data = official_vs_independent_data(estimates)
    table = _estimates_frame(estimates)
    title = "Official and independent loss figures, side by side"
    if data.empty:
        return empty_figure(
            title,
            "No loss figure for a single side to compare.",
            _reference_note(table) if len(table) else "",
        )
    summary = est.gap_summary(table)
    title, _ = _gap_headline(summary)
    parties = list(dict.fromkeys(data["party"]))
    row_height, header_in, gap_in = 0.27, 1.05, 0.6
    panel_rows = {p: len(data[data["party"] == p]) for p in parties}
    metric_heads = {p: data.loc[data["party"] == p, "metric"].nunique() for p in parties}
    panel_in = {p: (panel_rows[p] + metric_heads[p]) * row_height + 0.35 for p in parties}
    legend_in, note_in, axis_in = 0.75, 0.45, 0.35
    height = header_in + sum(panel_in.values()) + gap_in * (len(parties) - 1)
    height += axis_in + legend_in + note_in
    width, left_in, right_in = 10.0, 2.9, 0.3
    x_min = float(np.nanmin(data[["x", "x_low"]].to_numpy())) / (ARROW_FACTOR * 1.6)
    x_ends = data["x_high"].fillna(data["x"]) * np.where(data["direction"] == "right", 1.8, 1)
    x_max = float(np.nanmax(x_ends.to_numpy())) * 9.0  # room for the labels
    with house_style():
        fig = _new_figure(width, height)
        _header(
            fig,
            title,
            "Each row is one published figure; log scale. Dot: a point figure; bar: a range; "
            "arrow: open-ended; hollow: a list of names.",
            0,
        )
        top = height - header_in
        axes: list[Axes] = []
        for party in parties:
            rows = data[data["party"] == party].reset_index(drop=True)
            h = panel_in[party]
            ax = fig.add_axes(
                (left_in / width, (top - h) / height, 1 - (left_in + right_in) / width, h / height),
                sharex=axes[0] if axes else None,
            )
            axes.append(ax)
            _draw_party_panel(ax, party, rows, summary)
            top -= h + gap_in
        for ax in axes:
            ax.set_xscale("log")
            ax.set_xlim(x_min, x_max)
            _log_axis(ax.xaxis)
            ax.tick_params(axis="x", labelbottom=True)
        axes[-1].set_xlabel("People (log scale)")
        handles: list[Any] = [_series_handle(s) for s in SERIES_STYLE if s in set(data["series"])]
        handles += _shape_keys(
            data["x_low"].notna().any(),
            "Range (bar)",
            [
                ((data["direction"] == "right").any(), ">", 6, "At least / more than"),
                ((data["direction"] == "left").any(), "<", 6, "Up to / fewer than"),
            ],
        )
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(left_in / width - 0.005, (note_in + 0.05) / height),
            ncol=3,
            handlelength=1.6,
            columnspacing=1.4,
        )
        _source_note(fig, _reference_note(table) + _left_out_note(data))
    return fig


def _draw_party_panel(ax: Axes, party: str, rows: pd.DataFrame, summary: pd.DataFrame) -> None:
    """One party's rows, a metric heading above each block, the gap shaded and labelled."""
    y_of: dict[int, float] = {}
    y = 0.0
    heads: list[tuple[float, str]] = []
    for metric, block in rows.groupby("metric", sort=False):
        heads.append((y, metric))
        y += 1
        for index in block.index:
            y_of[index] = y
            y += 1
    fig = ax.get_figure()
    assert fig is not None
    # Headings sit at the left edge of the figure, above the row labels of their block.
    heading = mpl.transforms.blended_transform_factory(fig.transFigure, ax.transData)
    for head_y, metric in heads:
        unclear = est.lexicon()["unclear_metrics"].get(metric)
        text = est.metric_noun(metric).upper() + ("  (meaning unclear)" if unclear else "")
        ax.text(
            0.012,
            head_y,
            text,
            transform=heading,
            ha="left",
            va="center",
            fontsize=FONT_SIZES["label"],
            fontweight="bold",
            color=INK,
        )
        if head_y > 0:
            ax.axhline(head_y - 0.5, color=RULE, linewidth=0.8, zorder=1)
    for index, r in rows.iterrows():
        end = _draw_figure_row(ax, r, y_of[index])
        ax.annotate(
            r["figure_label"],
            xy=(end, y_of[index]),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=FONT_SIZES["label"],
            color=INK,
        )
        ax.axhline(y_of[index], color=RULE, linewidth=0.4, zorder=0)
    # The gap: from the official figure's ceiling to the independent figure's floor.
    for metric in dict.fromkeys(rows["metric"]):
        gap = summary[(summary["party"] == party) & (summary["metric"] == metric)]
        head_y = next(h for h, m in heads if m == metric)
        if gap.empty or math.isnan(gap.iloc[0]["gap_ratio"]):
            # Say why there is no gap rather than leave the reader to wonder.
            has_official = not gap.empty and bool(gap.iloc[0]["official"])
            has_independent = not gap.empty and bool(gap.iloc[0]["independent"])
            why = (
                f"No independent figure for {party} alone: no gap"
                if has_official and not has_independent
                else f"No official figure from {party} on its own losses: no gap"
                if has_independent and not has_official
                else ""
            )
            if why:
                ax.text(
                    0.5,
                    head_y,
                    why,
                    transform=ax.get_yaxis_transform(),
                    ha="center",
                    va="center",
                    fontsize=FONT_SIZES["label"],
                    fontstyle="italic",
                    color=MUTED,
                )
            continue
        block = rows[rows["metric"] == metric]
        official = block[block["gap_role"] == "official"]
        independent = block[block["gap_role"] == "independent"]
        if official.empty or independent.empty:
            continue
        o, i = official.iloc[0], independent.iloc[0]
        o_x = o["x_high"] if not math.isnan(o["x_high"]) else o["x"]
        i_x = i["x_low"] if not math.isnan(i["x_low"]) else i["x"]
        y1 = max(y_of[o.name], y_of[i.name])
        if i_x > o_x:
            ax.fill_betweenx(
                [head_y + 0.5, y1 + 0.45], o_x, i_x, color=SKY_BLUE, alpha=0.16, zorder=0, lw=0
            )
        words = {
            "at least": "at least",
            "at most": "at most",
            "face value": "about",
        }.get(gap.iloc[0]["qualifier"], "")
        low, high = (
            est.format_ratio(gap.iloc[0]["ratio_low"]),
            est.format_ratio(gap.iloc[0]["ratio_high"]),
        )
        ratio = high if words == "at most" else low
        if gap.iloc[0]["qualifier"] == "range":
            ratio = f"{low}–{high}"
        label = f"Gap: independent {words + ' ' if words else ''}{ratio}× official"
        ax.text(
            math.sqrt(o_x * max(i_x, o_x)),
            head_y,
            label,
            ha="center",
            va="center",
            fontsize=FONT_SIZES["label"],
            fontweight="bold",
            color=BLUE,
            zorder=5,
        )
    ax.set_ylim(y - 0.4, -0.9)
    ax.set_yticks([y_of[i] for i in rows.index])
    ax.set_yticklabels([rows.loc[i, "row_label"] for i in rows.index])
    # The two rows a gap was computed from are set in bold ink, so the reader finds them.
    for tick, index in zip(ax.get_yticklabels(), rows.index, strict=True):
        if rows.loc[index, "gap_role"] and not math.isnan(rows.loc[index, "gap_ratio"]):
            tick.set_fontweight("bold")
            tick.set_color(INK)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_title(party, pad=4, fontsize=FONT_SIZES["panel"] + 1)


# ---------------------------------------------------------------- over time


def estimates_timeline_data(
    estimates: pd.DataFrame,
    metric: str = "killed",
    max_rows: int = TIMELINE_MAX_POINTS,
    max_parties: int = TIMELINE_MAX_PARTIES,
) -> pd.DataFrame:
    """The points :func:`estimates_timeline` draws: one metric's figures by date, per party.

    In: the estimates table, the metric (one metric per chart: never killed and
    casualties on one axis), and how many points a panel and how many panels the chart
    may hold (:func:`_chart_rows` chooses which). Out: one row per distinct dated figure
    of one party, with ``date`` (the middle of its as_of period), ``date_precision``,
    ``y`` (the marker: value, or a range's best or middle), ``y_low``/``y_high`` (a
    range's ends, else NaN), ``direction`` (``up`` for a floor, ``down`` for a ceiling),
    ``hollow`` and ``figure_label``; sorted by party, series and date. Undated figures are left out
    (the chart's note counts them).
    """
    columns = [
        "party",
        "metric",
        "series",
        "series_label",
        "source",
        "genre",
        "as_of",
        "date",
        "date_precision",
        "bound",
        "low",
        "value",
        "high",
        "y",
        "y_low",
        "y_high",
        "direction",
        "hollow",
        "figure_label",
        "n_reports",
        "origins",
    ]
    table = _per_party(_estimates_frame(estimates))
    table = table[table["metric"] == metric]
    if table.empty:
        return pd.DataFrame(columns=columns)
    table = _chart_rows(_deduplicated(table), max_rows, max_parties)
    records = []
    for _, r in table.iterrows():
        date = est.as_of_date(r["as_of"])
        first, last = est.figure_numbers(r)
        if pd.isna(date) or math.isnan(first):
            continue
        is_range = r["bound"] == "range" and last > first
        y = r["value"] if is_range and not math.isnan(r["value"]) else first
        if is_range and math.isnan(r["value"]):
            y = math.sqrt(first * last)
        records.append(
            {
                "party": r["party"],
                "metric": r["metric"],
                "series": r["series"],
                "series_label": SERIES_STYLE[r["series"]]["label"],
                "source": r["source"],
                "genre": r["genre"],
                "as_of": r["as_of"],
                "date": date,
                "date_precision": est.as_of_precision(r["as_of"]),
                "bound": r["bound"],
                "low": r["low"],
                "value": r["value"],
                "high": r["high"],
                "y": y,
                "y_low": first if is_range else math.nan,
                "y_high": last if is_range else math.nan,
                "direction": _direction(r),
                "hollow": r["series"] == est.INDEPENDENT_NAMED_LIST,
                "figure_label": est.describe_figure(r, with_noun=False),
                "n_reports": int(r["n_reports"]),
                "origins": r["origins"],
            }
        )
    if not records:
        return pd.DataFrame(columns=columns)
    data = pd.DataFrame(records, columns=columns)
    data["_series"] = data["series"].map(SERIES_ORDER)
    data = data.sort_values(["party", "_series", "date", "y", "origins"], kind="stable")
    data = data[columns].reset_index(drop=True)
    data.attrs["left_out"] = table.attrs.get("left_out", 0)
    return data


def _timeline_headline(data: pd.DataFrame, metric: str) -> str:
    """A finding for the title: how long the official figure has stood against the rest."""
    noun = est.metric_noun(metric)
    best_gap = None
    for party, rows in data.groupby("party", sort=True):
        official = rows[rows["series"] == est.OFFICIAL_OWN].sort_values("date", kind="stable")
        independent = rows[rows["series"].isin(est.INDEPENDENT_SERIES)]
        if official.empty or independent.empty:
            continue
        last_official = official.iloc[-1]
        top = independent.loc[independent["y_high"].fillna(independent["y"]).idxmax()]
        top_value = top["y_high"] if not math.isnan(top["y_high"]) else top["y"]
        if top["date"] <= last_official["date"]:
            continue
        spread = top_value / max(last_official["y"], 1.0)
        if best_gap is None or spread > best_gap[0]:
            best_gap = (spread, party, last_official, top)
    if best_gap is None:
        return f"Official and independent figures for the {noun}, over time"
    _, party, official, top = best_gap
    return (
        f"{party}'s official count of its {noun} has stood at {official['figure_label']} "
        f"since {official['as_of']}; independent figures later reached "
        f"{top['figure_label']}"
    )


def estimates_timeline(estimates: pd.DataFrame, metric: str = "killed") -> Figure:
    """One metric's figures over time, one panel per party, shared log scale.

    In: the estimates table (reference rows included when it has them) and the metric.
    Out: a Figure: a side's official figures for its own losses as a step line held to
    the latest date shown, independent ranges as bands, point estimates as dots, named
    lists as hollow dots with an up arrow (a floor), others by their series' marker.
    """
    data = estimates_timeline_data(estimates, metric)
    table = _estimates_frame(estimates)
    noun = est.metric_noun(metric)
    if data.empty:
        return empty_figure(
            f"Official and independent figures for the {noun}, over time",
            f"No dated figure of the {noun} for a single side.",
            _reference_note(table) if len(table) else "",
        )
    parties = list(dict.fromkeys(data["party"]))
    per_party = _per_party(table)
    undated = per_party[
        (per_party["metric"] == metric)
        & per_party["as_of"].map(lambda a: pd.isna(est.as_of_date(a)))
    ]
    title = _timeline_headline(data, metric)
    width = 10.0 if len(parties) > 1 else 8.0
    height = 6.2
    start, end = data["date"].min(), data["date"].max()
    pad = max(pd.Timedelta(days=60), (end - start) * 0.06)
    x_lo, x_hi = start - pad, end + pad
    lows = data["y_low"].fillna(data["y"])
    highs = data["y_high"].fillna(data["y"])
    y_lo = float(lows.min()) / 2.2
    y_hi = float(highs.max()) * 3.0
    with house_style():
        fig = _new_figure(width, height)
        _header(
            fig,
            _wrap(title, 95, lines=2),
            f"Figures for the {noun} by the date they refer to (a month is drawn at its "
            "middle, a year at 1 July); log scale.",
            0,
        )
        n_lines = 2 if "\n" in _wrap(title, 95, lines=2) else 1
        top_in = 0.75 + 0.3 * n_lines
        bottom_in = 1.35
        left_in, right_in, between_in = 0.85, 0.3, 0.35
        panel_w = (width - left_in - right_in - between_in * (len(parties) - 1)) / len(parties)
        axes: list[Axes] = []
        for k, party in enumerate(parties):
            ax = fig.add_axes(
                (
                    (left_in + k * (panel_w + between_in)) / width,
                    bottom_in / height,
                    panel_w / width,
                    (height - top_in - bottom_in) / height,
                ),
                sharey=axes[0] if axes else None,
            )
            axes.append(ax)
            _draw_timeline_panel(ax, data[data["party"] == party], x_hi)
            ax.set_title(party, pad=8)
            ax.set_xlim(x_lo, x_hi)
            ax.set_yscale("log")
            ax.set_ylim(y_lo, y_hi)
            _log_axis(ax.yaxis)
            ax.yaxis.grid(True, color=RULE, linewidth=0.6)
            ax.set_axisbelow(True)
            ax.xaxis.set_major_locator(mpl.dates.YearLocator())
            ax.xaxis.set_major_formatter(mpl.dates.DateFormatter("%Y"))
            if k:
                ax.tick_params(axis="y", labelleft=False)
        axes[0].set_ylabel(f"People ({noun}, log scale)")
        present = [s for s in SERIES_STYLE if s in set(data["series"])]
        handles: list[Any] = [_series_handle(s) for s in present]
        if est.OFFICIAL_OWN in present:
            handles[present.index(est.OFFICIAL_OWN)] = Line2D(
                [],
                [],
                color=VERMILLION,
                marker="s",
                markersize=6,
                drawstyle="steps-post",
                label="Official, own losses (held until updated)",
            )
        handles += _shape_keys(
            data["y_low"].notna().any(),
            "Range (band)",
            [
                ((data["direction"] == "up").any(), "^", 5, "Floor (at least)"),
                ((data["direction"] == "down").any(), "v", 5, "Ceiling (up to)"),
            ],
        )
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(left_in / width - 0.005, 0.42 / height),
            ncol=3,
            handlelength=1.8,
            columnspacing=1.4,
        )
        note = _reference_note(table)
        if len(undated):
            note += f" {len(undated)} undated figure(s) of the {noun} are not shown."
        note += _left_out_note(data)
        _source_note(fig, note)
    return fig


def _draw_timeline_panel(ax: Axes, rows: pd.DataFrame, x_end: pd.Timestamp) -> None:
    band = pd.Timedelta(days=38)  # a range's band is about a month wide
    # The step line is what a side published about its own losses; its leaked or
    # unpublished estimates (genre estimate) are drawn as markers only.
    official = rows[(rows["series"] == est.OFFICIAL_OWN) & (rows["genre"] != "estimate")]
    official = official.sort_values("date", kind="stable")
    if len(official):
        xs = [*official["date"], x_end]
        ys = [*official["y"], official["y"].iloc[-1]]
        ax.step(xs, ys, where="post", color=VERMILLION, linewidth=1.8, zorder=3)
        last = official.iloc[-1]
        ax.annotate(
            f"official: {last['figure_label']} ({last['as_of']})",
            xy=(x_end, last["y"]),
            xytext=(-4, -6),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=FONT_SIZES["label"],
            color=VERMILLION,
            fontweight="bold",
            bbox=LABEL_BOX,
            zorder=6,
        )
    named = rows[rows["series"] == est.INDEPENDENT_NAMED_LIST].sort_values("date", kind="stable")
    if len(named) > 1:
        ax.plot(named["date"], named["y"], color=BLUISH_GREEN, linewidth=1, linestyle=":", zorder=2)
    for _, r in rows.iterrows():
        style = SERIES_STYLE[r["series"]]
        if not math.isnan(r["y_low"]):
            ax.add_patch(
                Rectangle(
                    (mpl.dates.date2num(r["date"] - band / 2), r["y_low"]),
                    band.days,
                    r["y_high"] - r["y_low"],
                    facecolor=mpl.colors.to_rgba(style["color"], 0.3),
                    edgecolor=style["color"],
                    hatch=style["hatch"] or None,
                    linewidth=0.8,
                    zorder=2,
                )
            )
            if math.isnan(r["value"]):
                continue
        if r["direction"]:
            factor = 1.45 if r["direction"] == "up" else 1 / 1.45
            ax.annotate(
                "",
                xy=(r["date"], r["y"] * factor),
                xytext=(r["date"], r["y"]),
                arrowprops={"arrowstyle": "-|>", "color": style["color"], "lw": 1.1, "shrinkA": 0},
                zorder=3,
            )
        _scatter(ax, [r["date"]], [r["y"]], style, size=34)
    independent = rows[rows["series"].isin(est.INDEPENDENT_SERIES)]
    if len(independent):
        latest = independent.sort_values(["date", "y"], kind="stable").iloc[-1]
        top = latest["y_high"] if not math.isnan(latest["y_high"]) else latest["y"]
        ax.annotate(
            f"{latest['source']}: {latest['figure_label']}",
            xy=(latest["date"], top),
            xytext=(0, 8),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=FONT_SIZES["label"],
            color=BLUE,
            bbox=LABEL_BOX,
            zorder=6,
        )


# ---------------------------------------------------------------- outlets


def outlet_agreement_data(grid: pd.DataFrame) -> pd.DataFrame:
    """The matrix :func:`outlet_agreement` draws: groups down, articles across, marks inside.

    In: the outlet grid (``group_id``, ``article_id``, ``label``, ``mark`` in present /
    agree / differs / absent; one row per group and article). Out: a DataFrame indexed by
    ``group_id`` (first-seen order) with one column per ``article_id`` (first-seen
    order); a pair missing from the grid is ``absent``. Unknown marks raise ValueError.
    """
    if grid is None or grid.empty:
        return pd.DataFrame(
            index=pd.Index([], name="group_id"), columns=pd.Index([], name="article_id")
        )
    missing = [c for c in GRID_COLUMNS if c not in grid.columns]
    if missing:
        raise ValueError(f"outlet grid lacks column(s) {', '.join(missing)}")
    table = grid.copy()
    for column in GRID_COLUMNS:
        table[column] = table[column].astype(object).where(table[column].notna(), "").astype(str)
    table["mark"] = table["mark"].str.strip().str.lower()
    unknown = sorted(set(table["mark"]) - set(MARK_STYLE))
    if unknown:
        raise ValueError(
            f"outlet grid has unknown mark(s) {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(MARK_STYLE)}"
        )
    groups = list(dict.fromkeys(table["group_id"]))
    articles = list(dict.fromkeys(table["article_id"]))
    table = table.drop_duplicates(["group_id", "article_id"], keep="first")
    matrix = table.pivot(index="group_id", columns="article_id", values="mark")
    matrix = matrix.reindex(index=groups, columns=articles).fillna("absent")
    matrix.index.name, matrix.columns.name = "group_id", "article_id"
    return matrix


def outlet_agreement(grid: pd.DataFrame) -> Figure:
    """Which article prints which claim, and whether it agrees with the others.

    In: the outlet grid (see :func:`outlet_agreement_data`; an ``outlet`` column, when
    present, names the columns). Out: a Figure with a row per
    claim group (its label, shortened) and a column per article; each cell a marker whose
    shape says agree / differs / printed / not printed, so it reads in grey too. Groups
    where an article differs are tinted. No groups gives an empty-state figure.
    """
    matrix = outlet_agreement_data(grid)
    title = "Where the articles agree and where they differ"
    note = "Source: claims extracted from the articles (Loss Ledger claim groups)."
    if matrix.empty:
        return empty_figure(title, "No claims to compare across articles.", note)
    labels = grid.drop_duplicates("group_id").set_index("group_id")["label"].astype(str).to_dict()
    n_rows, n_cols = matrix.shape
    differs = (matrix == "differs").any(axis=1)
    n_diff = int(differs.sum())
    if n_cols == 1:
        title = f"One article, {n_rows} claim{'s' if n_rows != 1 else ''}: nothing to compare yet"
    elif n_diff:
        title = f"The articles differ on {n_diff} of {n_rows} claim{'s' if n_rows != 1 else ''}"
    else:
        title = f"The articles agree on all {n_rows} claim{'s' if n_rows != 1 else ''} they share"
    big = n_rows > 25
    wrap_width, label_lines = (48, 1) if big else (36, 2)
    row_in = 0.24 if big else 0.36
    col_in = 0.34 if n_cols > 12 else 0.55
    row_labels = [
        _shorten(labels.get(g, g) or g, wrap_width)
        if label_lines == 1
        else _wrap(labels.get(g, g) or g, wrap_width, label_lines)
        for g in matrix.index
    ]
    # Columns are named by outlet when the grid gives one, with the id to tell them apart.
    outlets: dict[str, str] = {}
    if "outlet" in grid.columns:
        firsts = grid.drop_duplicates("article_id").set_index("article_id")["outlet"]
        outlets = firsts.astype(object).where(firsts.notna(), "").astype(str).to_dict()
    col_labels = [
        f"{_shorten(outlets[a], 14)} · {_shorten_middle(a, 14)}"
        if outlets.get(a, "").strip() not in ("", a)
        else _shorten_middle(a, 24)
        for a in matrix.columns
    ]
    left_in = 3.1
    top_in = 1.0 + 0.058 * max(len(c) for c in col_labels)  # room for rotated article ids
    bottom_in = 1.05
    body_w, body_h = n_cols * col_in, n_rows * row_in
    width = max(7.5, left_in + body_w + 0.4)
    height = top_in + body_h + bottom_in
    with house_style():
        fig = _new_figure(width, height)
        _header(fig, title, "Each row is a claim, each column an article.", 0)
        ax = fig.add_axes((left_in / width, bottom_in / height, body_w / width, body_h / height))
        for i, group in enumerate(matrix.index):
            if differs[group]:
                ax.add_patch(
                    Rectangle(
                        (-0.5, i - 0.5),
                        n_cols,
                        1,
                        facecolor=mpl.colors.to_rgba(VERMILLION, 0.08),
                        edgecolor="none",
                        zorder=0,
                    )
                )
        for mark, style in MARK_STYLE.items():
            rows, cols = np.nonzero((matrix == mark).to_numpy())
            if len(rows):
                _scatter(ax, cols, rows, style, size=style["size"] * (0.7 if big else 1))
        ax.set_xlim(-0.5, n_cols - 0.5)
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_xticks(range(n_cols))
        ax.set_xticklabels(col_labels, rotation=60, ha="left", rotation_mode="anchor")
        ax.xaxis.tick_top()
        ax.set_yticks(range(n_rows))
        ax.set_yticklabels(row_labels, fontsize=7 if big else FONT_SIZES["label"])
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xticks(np.arange(-0.5, n_cols), minor=True)
        ax.set_yticks(np.arange(-0.5, n_rows), minor=True)
        ax.grid(which="minor", color=RULE, linewidth=0.5)
        ax.tick_params(which="minor", length=0)
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker=s["marker"],
                markersize=7,
                markerfacecolor=s["color"] if s["filled"] else "white",
                markeredgecolor=s["color"],
                markeredgewidth=1.4,
                label=s["label"],
            )
            for s in MARK_STYLE.values()
        ]
        fig.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.005, 0.38 / height),
            ncol=4 if width >= 9 else 2,
            handlelength=1.2,
        )
        _source_note(fig, note + " Tinted rows: at least one article differs.")
    return fig
