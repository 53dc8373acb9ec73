"""Tests of the charts: the data each one draws, the files it writes, the empty cases.

Estimates come from claims built by hand here (every CLAIM_COLUMNS column) and from
the repo's data/reference/loss_estimates.csv; nothing is read from outside the repo.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.figure import Figure

from lossledger import plots
from lossledger.estimates import compare_estimates
from lossledger.paths import project_root
from lossledger.schema import CLAIM_COLUMNS
from tests.conftest import claim

REFERENCE = project_root() / "data" / "reference" / "loss_estimates.csv"


def seed_estimates(reference: Path | None = None) -> pd.DataFrame:
    """The seed articles' loss figures, through compare_estimates."""
    official_ru = {
        "text": "fewer than 6,000",
        "value": 6000.0,
        "high": 6000.0,
        "bound": "upper",
        "metric": "killed",
        "party": "Russia",
        "source": "Russia",
        "source_type": "official",
        "source_side": "Russia",
        "as_of": "2022-09",
    }
    official_ua = {
        "text": "more than 46,000",
        "value": 46000.0,
        "low": 46000.0,
        "bound": "lower",
        "metric": "killed",
        "party": "Ukraine",
        "source": "Volodymyr Zelensky",
        "source_type": "official",
        "source_side": "Ukraine",
        "as_of": "2025",
    }
    rows = [
        claim(claim_id="a-ru", article_id="a", **official_ru),
        claim(claim_id="b-ru", article_id="b", **official_ru),
        claim(
            claim_id="b-named",
            article_id="b",
            text="approximately 111,000",
            value=111000.0,
            bound="approx",
            metric="killed",
            party="Russia",
            source="Mediazona and the BBC's Russian service",
            source_type="independent",
            source_side="third-party",
            genre="named_list",
            as_of="2025-06",
        ),
        claim(claim_id="a-ua", article_id="a", **official_ua),
        claim(claim_id="b-ua", article_id="b", **official_ua),
        claim(
            claim_id="a-both",
            article_id="a",
            text="between 150,000 and 300,000",
            low=150000.0,
            high=300000.0,
            bound="range",
            metric="casualties",
            party="both",
            source="independent estimates",
            source_type="independent",
            source_side="third-party",
            genre="estimate",
            as_of="2025-06",
        ),
    ]
    return compare_estimates(pd.DataFrame(rows, columns=CLAIM_COLUMNS), reference)


def title_of(fig: Figure) -> str:
    return fig.texts[0].get_text()


def make_grid(n_groups: int, n_articles: int) -> pd.DataFrame:
    marks = ["agree", "differs", "present", "absent"]
    return pd.DataFrame(
        [
            {
                "group_id": f"g{g:03d}",
                "article_id": f"article-{a:02d}-of-a-corpus-with-very-long-identifiers",
                "label": f"killed · Russia · claim number {g} " + "with a long label " * (g % 4),
                "mark": marks[(g + a) % 4],
            }
            for g in range(n_groups)
            for a in range(n_articles)
        ]
    )


# ---------------------------------------------------------------- house style and files


def test_apply_house_style_sets_the_palette_font_and_salt() -> None:
    with mpl.rc_context():
        plots.apply_house_style()
        assert mpl.rcParams["font.family"] == ["DejaVu Sans"]
        assert mpl.rcParams["svg.hashsalt"] == "lossledger"
        assert mpl.rcParams["axes.spines.top"] is False


def test_series_read_apart_in_grey_by_marker_or_fill() -> None:
    # Colour alone never tells two series apart: marker or fill differs as well.
    shapes = [(s["marker"], s["filled"]) for s in list(plots.SERIES_STYLE.values())[:5]]
    assert len(set(shapes)) == len(shapes)
    marks = [(s["marker"], s["filled"]) for s in plots.MARK_STYLE.values()]
    assert len(set(marks)) == len(marks)


def test_save_figure_writes_png_and_svg_byte_identically(tmp_path: Path) -> None:
    estimates = seed_estimates()
    first = plots.save_figure(plots.official_vs_independent(estimates), tmp_path / "one", "gap")
    assert [p.name for p in first] == ["gap.png", "gap.svg"]
    png, svg = (p.read_bytes() for p in first)
    assert png.startswith(b"\x89PNG") and b"<svg" in svg
    assert b"<dc:date>" not in svg and b"Software" not in png
    # A new figure from the same input saved again gives the same bytes.
    second = plots.save_figure(plots.official_vs_independent(estimates), tmp_path / "two", "gap")
    assert [p.read_bytes() for p in second] == [png, svg]
    # Saving the same figure twice over the same files changes nothing either.
    fig = plots.estimates_timeline(estimates)
    again = [p.read_bytes() for p in plots.save_figure(fig, tmp_path / "three", "timeline")]
    assert [p.read_bytes() for p in plots.save_figure(fig, tmp_path / "three", "timeline")] == again


def test_save_figure_refuses_a_name_that_is_not_a_stem(tmp_path: Path) -> None:
    fig = plots.empty_figure("t", "m")
    for name in ("", "sub/dir", "chart.png"):
        with pytest.raises(ValueError, match="plain file stem"):
            plots.save_figure(fig, tmp_path, name)


# ---------------------------------------------------------------- official against independent


def test_official_vs_independent_data_draws_one_row_per_figure_of_one_side() -> None:
    data = plots.official_vs_independent_data(seed_estimates())
    assert "both" not in set(data["party"])
    assert list(data["party"]) == ["Russia", "Russia", "Ukraine"]
    russia = data[data["party"] == "Russia"].set_index("series")
    official = russia.loc["official_own"]
    # The same figure printed by two articles is one row with both claim ids.
    assert (official["n_reports"], official["origins"]) == (2, "a-ru;b-ru")
    assert (official["x"], official["direction"], official["hollow"]) == (6000.0, "left", False)
    named = russia.loc["independent_named_list"]
    assert (named["x"], named["direction"], named["hollow"]) == (111000.0, "right", True)
    assert named["gap_role"] == "independent" and named["gap_ratio"] == pytest.approx(18.5)
    assert list(data["row"]) == [0, 1, 0]
    assert data.loc[data["party"] == "Ukraine", "direction"].tolist() == ["right"]


def test_official_vs_independent_data_gives_ranges_their_ends() -> None:
    data = plots.official_vs_independent_data(seed_estimates(REFERENCE))
    csis = data[(data["party"] == "Russia") & (data["source"] == "CSIS")].iloc[0]
    assert (csis["x_low"], csis["x_high"], csis["direction"]) == (275000.0, 325000.0, "")
    assert csis["x"] == pytest.approx(math.sqrt(275000 * 325000))
    meduza = data[data["origins"] == "R07"].iloc[0]
    assert meduza["x"] == 47000.0  # a range with a best estimate marks the best
    # Official figures come first in each metric block, killed before the others.
    ukraine = data[data["party"] == "Ukraine"]
    assert list(dict.fromkeys(ukraine["metric"])) == ["killed", "killed_or_missing"]
    assert ukraine["series"].iloc[0] == "official_own"


def test_official_vs_independent_title_states_the_gap_and_draws_a_panel_per_side() -> None:
    fig = plots.official_vs_independent(seed_estimates())
    assert title_of(fig) == (
        "Independent figures for Russia's dead are at least 18.5 times the official count"
    )
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Russia", "Ukraine"]
    assert all(ax.get_xscale() == "log" for ax in fig.axes)
    assert fig.legends, "the chart has a legend"
    texts = " ".join(t.get_text() for ax in fig.axes for t in ax.texts)
    assert "Gap: independent at least 18.5× official" in texts
    assert "No independent figure for Ukraine alone" in texts
    assert fig.texts[-1].get_text().startswith("Source:")


def test_official_vs_independent_on_an_empty_table_draws_an_empty_state() -> None:
    empty = compare_estimates(pd.DataFrame())
    assert plots.official_vs_independent_data(empty).empty
    fig = plots.official_vs_independent(empty)
    assert not fig.axes
    assert "No loss figure" in " ".join(t.get_text() for t in fig.texts)
    # Only figures for both sides together: nothing per side to draw either.
    both = seed_estimates()
    both = both[both["party"] == "both"]
    assert plots.official_vs_independent_data(both).empty
    assert not plots.official_vs_independent(both).axes


# ---------------------------------------------------------------- over time


def test_estimates_timeline_data_places_dates_mid_period_and_keeps_one_metric() -> None:
    data = plots.estimates_timeline_data(seed_estimates())
    assert set(data["metric"]) == {"killed"}
    dates = dict(zip(data["origins"], data["date"], strict=True))
    assert dates["a-ru;b-ru"] == pd.Timestamp(2022, 9, 15)
    assert dates["a-ua;b-ua"] == pd.Timestamp(2025, 7, 1)
    assert dates["b-named"] == pd.Timestamp(2025, 6, 15)
    directions = dict(zip(data["origins"], data["direction"], strict=True))
    assert directions == {"a-ru;b-ru": "down", "b-named": "up", "a-ua;b-ua": "up"}
    assert plots.estimates_timeline_data(seed_estimates(), metric="wounded").empty


def test_estimates_timeline_data_includes_reference_rows_and_leaves_out_undated() -> None:
    estimates = seed_estimates(REFERENCE)
    data = plots.estimates_timeline_data(estimates)
    assert {"R03", "R23", "U18"} <= set(data["origins"])
    assert "U17" not in set(data["origins"])  # killed_or_missing is another metric
    r07 = data[data["origins"] == "R07"].iloc[0]
    assert (r07["y"], r07["y_low"], r07["y_high"]) == (47000.0, 40000.0, 55000.0)
    undated = estimates.copy()
    undated.loc[undated["origin"] == "R03", "as_of"] = ""
    assert "R03" not in set(plots.estimates_timeline_data(undated)["origins"])


def test_estimates_timeline_title_states_the_finding() -> None:
    fig = plots.estimates_timeline(seed_estimates(REFERENCE))
    title = title_of(fig)
    assert title.startswith("Russia's official count of its dead has stood at 5,937")
    assert "2022-09-21" in title
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["Russia", "Ukraine"]
    assert all(ax.get_yscale() == "log" for ax in fig.axes)


def test_estimates_timeline_on_an_empty_table_draws_an_empty_state() -> None:
    fig = plots.estimates_timeline(compare_estimates(pd.DataFrame()))
    assert not fig.axes
    assert plots.estimates_timeline_data(pd.DataFrame()).empty


# ---------------------------------------------------------------- outlets


def test_outlet_agreement_data_pivots_and_fills_absent() -> None:
    grid = pd.DataFrame(
        [
            {"group_id": "g2", "article_id": "b", "label": "second", "mark": "differs"},
            {"group_id": "g2", "article_id": "a", "label": "second", "mark": "differs"},
            {"group_id": "g1", "article_id": "a", "label": "first", "mark": "present"},
        ]
    )
    matrix = plots.outlet_agreement_data(grid)
    assert list(matrix.index) == ["g2", "g1"] and list(matrix.columns) == ["b", "a"]
    assert matrix.loc["g1", "b"] == "absent"
    assert matrix.loc["g2"].tolist() == ["differs", "differs"]


def test_outlet_agreement_data_rejects_unknown_marks_and_missing_columns() -> None:
    grid = make_grid(1, 1).assign(mark="maybe")
    with pytest.raises(ValueError, match=r"unknown mark.*'maybe'"):
        plots.outlet_agreement_data(grid)
    with pytest.raises(ValueError, match=r"lacks column.*mark"):
        plots.outlet_agreement_data(make_grid(1, 1).drop(columns=["mark"]))


@pytest.mark.parametrize(("n_groups", "n_articles"), [(0, 0), (1, 1), (1, 3), (5, 1), (60, 30)])
def test_outlet_agreement_draws_every_size(n_groups: int, n_articles: int) -> None:
    grid = make_grid(n_groups, n_articles)
    fig = plots.outlet_agreement(grid)
    assert isinstance(fig, Figure)
    if n_groups == 0:
        assert not fig.axes
        assert "No claims to compare" in " ".join(t.get_text() for t in fig.texts)
        return
    (ax,) = fig.axes
    assert len(ax.get_yticks()) == n_groups and len(ax.get_xticks()) == n_articles
    # Long labels are cut to a readable width, ids keep both ends.
    assert max(len(t.get_text()) for t in ax.get_yticklabels()) <= 2 * 36 + 1
    assert all(len(t.get_text()) <= 24 for t in ax.get_xticklabels())
    assert ax.get_xticklabels()[0].get_text().endswith("identifiers")
    assert fig.legends


def test_outlet_agreement_names_columns_by_outlet_when_given() -> None:
    grid = make_grid(2, 2).assign(outlet=["DW", "", "DW", ""])
    (ax,) = plots.outlet_agreement(grid).axes
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "DW · articl…tifiers"
    assert labels[1].startswith("article-01")


def test_outlet_agreement_title_counts_the_differences() -> None:
    grid = pd.DataFrame(
        [
            {"group_id": "g1", "article_id": "a", "label": "x", "mark": "agree"},
            {"group_id": "g1", "article_id": "b", "label": "x", "mark": "agree"},
            {"group_id": "g2", "article_id": "a", "label": "y", "mark": "differs"},
            {"group_id": "g2", "article_id": "b", "label": "y", "mark": "differs"},
        ]
    )
    assert title_of(plots.outlet_agreement(grid)) == "The articles differ on 1 of 2 claims"
    agree = grid.assign(mark="agree")
    assert title_of(plots.outlet_agreement(agree)) == (
        "The articles agree on all 2 claims they share"
    )


def many_figures(n: int) -> pd.DataFrame:
    """Estimates of a big run: one official count, one independent estimate, and ``n``
    distinct unattributed-looking independent figures for the same side."""
    base = {"metric": "killed", "party": "Sudan", "source_side": "third-party"}
    rows = [
        claim(
            claim_id="own",
            article_id="a0",
            value=5000.0,
            source="Sudan's health ministry",
            source_type="official",
            source_side="Sudan",
            party="Sudan",
            metric="killed",
            as_of="2025-01",
        ),
        claim(
            claim_id="study",
            article_id="a1",
            value=61000.0,
            source="LSHTM",
            source_type="independent",
            as_of="2024-11",
            **base,
        ),
    ]
    for k in range(n):
        rows.append(
            claim(
                claim_id=f"x{k}",
                article_id=f"b{k}",
                value=float(100 + 10 * k),
                source=f"monitor {k}",
                source_type="independent",
                as_of="2024-06",
                **base,
            )
        )
    rows.append(
        claim(
            claim_id="again",
            article_id="b999",
            value=110.0,
            source="monitor 1",
            source_type="independent",
            as_of="2024-06",
            **base,
        )
    )
    return compare_estimates(pd.DataFrame(rows), None)


def test_official_vs_independent_draws_a_big_run_within_its_limits() -> None:
    estimates = many_figures(200)
    data = plots.official_vs_independent_data(estimates, max_rows=12)
    assert len(data) == 12
    assert data.attrs["left_out"] == 202 - 12
    # The figures behind the gap and the one printed twice are kept.
    assert {"own", "study"} <= set(";".join(data["origins"]).split(";"))
    assert (data["n_reports"] == 2).any()
    fig = plots.official_vs_independent(estimates)
    assert "tables/estimates.csv" in " ".join(t.get_text() for t in fig.texts)


def test_estimates_timeline_draws_a_big_run_within_its_limits() -> None:
    data = plots.estimates_timeline_data(many_figures(300), max_rows=40)
    assert len(data) == 40
    assert data.attrs["left_out"] > 0


def test_a_small_run_is_drawn_whole() -> None:
    assert plots.official_vs_independent_data(seed_estimates()).attrs["left_out"] == 0
