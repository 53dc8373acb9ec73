"""Tests of the outlet comparison stage (lossledger.align).

Claims tables are built by hand here: `fig` and `quote` make one claims row with a
default for every column of schema.CLAIM_COLUMNS. The seed test rebuilds the two
seed articles' claims from a literal copy of the hand-labelled gold file (plus
their quotations), so no test reads ../shared.
"""

from __future__ import annotations

import math
import random
import time
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossledger.align import (
    GRID_COLUMNS,
    PAIR_COLUMNS,
    PAIR_EXTRA_COLUMNS,
    STALENESS_COLUMNS,
    AlignSettings,
    align_claims,
    chart_grid,
    conflict_pairs,
    load_settings,
    outlet_grid,
    quote_tokens,
    quotes_match,
    source_key,
    sources_compatible,
    staleness,
)
from lossledger.schema import CLAIM_COLUMNS, GROUP_COLUMNS, GROUP_STATUSES
from lossledger.tables import read_table, write_table
from tests.conftest import claim as claim_row

NAN = math.nan
_HEDGES = {"exact": "", "approx": "about ", "lower": "more than ", "upper": "up to "}


def fig(
    claim_id: str,
    article_id: str,
    value: float,
    bound: str = "exact",
    *,
    text: str | None = None,
    high: float | None = None,
    **fields: object,
) -> dict[str, object]:
    """One figure claim; ``value`` is the low end and ``high`` the high end of a range."""
    row: dict[str, object] = {name: "" for name in CLAIM_COLUMNS}
    row.update(
        claim_id=claim_id,
        article_id=article_id,
        published="2025-06-15",
        kind="figure",
        start=0,
        end=0,
        value=NAN,
        low=NAN,
        high=NAN,
        bound=bound,
        metric="killed",
        party="Ukraine",
        source_type="official",
        genre="count",
    )
    if bound == "range":
        row.update(low=value, high=high)
        text = text or f"between {value:,.0f} and {high:,.0f}"
    elif bound == "lower":
        row.update(low=value)
    elif bound == "upper":
        row.update(high=value)
    else:
        row.update(value=value)
    row["text"] = text if text is not None else f"{_HEDGES.get(bound, '')}{value:,.0f}"
    row["sentence"] = f"The paper printed {row['text']}."
    row.update(fields)
    return row


def quote(claim_id: str, article_id: str, text: str, source: str, **fields: object) -> dict:
    """One quotation claim."""
    row: dict[str, object] = {name: "" for name in CLAIM_COLUMNS}
    row.update(
        claim_id=claim_id,
        article_id=article_id,
        published="2025-06-15",
        kind="quote",
        start=0,
        end=0,
        text=text,
        sentence=text,
        value=NAN,
        low=NAN,
        high=NAN,
        source=source,
        source_type="official",
        genre="unknown",
    )
    row.update(fields)
    return row


def table(*rows: dict[str, object]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def group_of(groups: pd.DataFrame, claim_id: str) -> pd.Series:
    """The one row of ``groups`` that holds ``claim_id``."""
    hits = groups[groups["claim_ids"].str.split(";").apply(lambda ids: claim_id in ids)]
    assert len(hits) == 1, f"{claim_id} is in {len(hits)} groups"
    return hits.iloc[0]


def together(groups: pd.DataFrame, *claim_ids: str) -> bool:
    return len({group_of(groups, cid)["group_id"] for cid in claim_ids}) == 1


# ----------------------------------------------------------------- the table itself


def test_columns_start_with_the_contract_and_types_are_stable() -> None:
    groups = align_claims(table(fig("c1", "a1", 100), fig("c2", "a2", 100)))
    assert list(groups.columns[: len(GROUP_COLUMNS)]) == GROUP_COLUMNS
    assert {"statuses", "outlets", "sources", "as_of", "n_claims"} <= set(groups.columns)
    assert groups["value"].dtype == "float64"
    assert str(groups["n_articles"].dtype) == "Int64"


def test_empty_claims_give_an_empty_groups_table() -> None:
    groups = align_claims(pd.DataFrame(columns=CLAIM_COLUMNS))
    assert groups.empty
    assert list(groups.columns[: len(GROUP_COLUMNS)]) == GROUP_COLUMNS


def test_missing_columns_count_as_empty() -> None:
    claims = pd.DataFrame(
        {"claim_id": ["c1", "c2"], "article_id": ["a1", "a2"], "kind": ["figure"] * 2}
        | {"value": [5.0, 5.0], "metric": ["killed"] * 2}
    )
    groups = align_claims(claims)
    assert list(groups["status"]) == ["agree"]


# ----------------------------------------------------------------- figures and statuses


def test_same_figure_in_two_articles_agrees() -> None:
    claims = table(
        fig("c1", "a1", 4812, metric="bodies_returned"),
        fig("c2", "a2", 4812, metric="bodies_returned"),
    )
    groups = align_claims(claims)
    assert len(groups) == 1
    row = groups.iloc[0]
    assert row["status"] == "agree"
    assert row["n_articles"] == 2
    assert row["articles"] == "a1;a2"
    assert row["claim_ids"] == "c1;c2"
    assert row["detail"] == "All 2 articles report 4,812 bodies returned (Ukraine)."


def test_hedged_and_flat_figure_is_bound_differs_naming_the_outlets() -> None:
    claims = table(
        fig("c1", "art-one-0001", 6000, "upper", text="as many as 6,000", outlet="Daily Post"),
        fig("c2", "art-two-0002", 6000, "exact", outlet="Evening Wire"),
    )
    row = align_claims(claims).iloc[0]
    assert row["status"] == "bound_differs"
    assert row["statuses"] == "bound_differs"
    assert row["detail"] == (
        "Daily Post says 'as many as 6,000'; Evening Wire says '6,000' (bound differs)."
    )
    # The group's reading is the tightest of the tied readings: 6,000 exact.
    assert (row["value"], row["bound"]) == (6000.0, "exact")


def test_unknown_outlets_are_named_by_short_article_id() -> None:
    claims = table(
        fig("c1", "000_e1900f69a6e5a511", 6000, "upper", text="as many as 6,000"),
        fig("c2", "003_54b150d9bd76d846", 6000),
    )
    detail = align_claims(claims).iloc[0]["detail"]
    assert detail == "000_e19… says 'as many as 6,000'; 003_54b… says '6,000' (bound differs)."


def test_close_exact_values_group_as_value_differs() -> None:
    groups = align_claims(table(fig("c1", "a1", 6057), fig("c2", "a2", 6060)))
    assert len(groups) == 1
    assert groups.iloc[0]["status"] == "value_differs"
    assert "'6,057'" in groups.iloc[0]["detail"] and "'6,060'" in groups.iloc[0]["detail"]


def test_far_apart_values_are_different_facts() -> None:
    groups = align_claims(table(fig("c1", "a1", 6000), fig("c2", "a2", 7000)))
    assert list(groups["status"]) == ["single", "single"]


@pytest.mark.parametrize(
    ("first", "second", "status"),
    [
        (("lower", 46000, "more than 46,000"), ("lower", 46000, "over 46,000"), "agree"),
        (("approx", 111000, None), ("approx", 112000, None), "agree"),
        (("approx", 111000, None), ("exact", 111500, None), "bound_differs"),
        (("approx", 111000, None), ("exact", 115000, None), "value_differs"),
        (("upper", 6000, "fewer than 6,000"), ("exact", 5937, None), "value_differs"),
        (("lower", 46000, None), ("exact", 46000, None), "bound_differs"),
    ],
)
def test_readings_compare_by_number_and_hedge(first: tuple, second: tuple, status: str) -> None:
    (bound_a, value_a, text_a), (bound_b, value_b, text_b) = first, second
    claims = table(
        fig("c1", "a1", value_a, bound_a, text=text_a),
        fig("c2", "a2", value_b, bound_b, text=text_b),
    )
    groups = align_claims(claims)
    assert len(groups) == 1
    assert groups.iloc[0]["status"] == status


def test_contained_reading_lists_every_status_that_applies() -> None:
    claims = table(
        fig("c1", "a1", 6000, "upper", text="fewer than 6,000"),
        fig("c2", "a2", 5937),
    )
    row = align_claims(claims).iloc[0]
    assert row["statuses"] == "value_differs;bound_differs"
    assert row["detail"].endswith("(value differs; bound differs).")


def test_a_bound_does_not_swallow_small_numbers() -> None:
    groups = align_claims(
        table(fig("c1", "a1", 6000, "upper", text="fewer than 6,000"), fig("c2", "a2", 100))
    )
    assert list(groups["status"]) == ["single", "single"]


def test_ranges_group_when_they_overlap_or_share_an_end() -> None:
    claims = table(
        fig("r1", "a1", 150000, "range", high=300000, metric="casualties", party="both"),
        fig("r2", "a2", 200000, "range", high=350000, metric="casualties", party="both"),
        fig("p1", "a3", 300000, "upper", metric="casualties", party="both"),
        fig("m1", "a4", 220000, metric="casualties", party="both"),
    )
    groups = align_claims(claims)
    assert together(groups, "r1", "r2", "p1")
    # A number strictly inside a wide range is another estimate, not the same one.
    assert group_of(groups, "m1")["status"] == "single"


def test_as_of_must_be_compatible() -> None:
    claims = table(
        fig("old", "a1", 6000, "upper", as_of="2022-09"),
        fig("new", "a2", 6000, "upper", as_of="2025-06"),
        fig("year", "a3", 46000, "lower", as_of="2025"),
        fig("month", "a4", 46000, "lower", as_of="2025-02"),
        fig("blank", "a5", 46000, "lower", as_of=""),
    )
    groups = align_claims(claims)
    assert not together(groups, "old", "new")
    assert together(groups, "year", "month", "blank")
    assert group_of(groups, "year")["as_of"] == "2025-02"


def test_incompatible_months_joined_through_a_year_are_split() -> None:
    # c1 ("2025") sorts first and is compatible with every month: the months still
    # part, and the year joins the month with most claims.
    claims = table(
        fig("c1", "a1", 46000, as_of="2025"),
        fig("c2", "a2", 46000, as_of="2025-02"),
        fig("c3", "a3", 46000, as_of="2025-02"),
        fig("c4", "a4", 46000, as_of="2025-03"),
    )
    groups = align_claims(claims)
    assert together(groups, "c1", "c2", "c3")
    assert not together(groups, "c2", "c4")


def test_groups_do_not_chain_from_neighbour_to_neighbour() -> None:
    values = [100, 104, 108, 112, 116, 120]
    claims = table(*(fig(f"c{k}", f"a{k}", v) for k, v in enumerate(values)))
    groups = align_claims(claims)
    assert not together(groups, "c0", "c5")
    assert not together(groups, "c0", "c3")
    assert together(groups, "c0", "c1")


def test_metric_and_party_block_the_comparison() -> None:
    claims = table(
        fig("c1", "a1", 6000),
        fig("c2", "a2", 6000, party="Russia"),
        fig("c3", "a3", 6000, metric="wounded"),
    )
    assert list(align_claims(claims)["status"]) == ["single"] * 3


# ----------------------------------------------------------------- one article


def test_repeats_in_one_article_do_not_confirm_each_other() -> None:
    groups = align_claims(table(fig("c1", "a1", 1200), fig("c2", "a1", 1200)))
    assert len(groups) == 1
    row = groups.iloc[0]
    assert row["status"] == "single"
    assert row["n_articles"] == 1
    assert row["claim_ids"] == "c1;c2"
    assert row["detail"].startswith("Only a1 reports 1,200")


def test_a_repeat_is_kept_in_the_group_but_its_article_counts_once() -> None:
    claims = table(fig("c1", "a1", 1200), fig("c2", "a1", 1200), fig("c3", "a2", 1200))
    row = align_claims(claims).iloc[0]
    assert (row["status"], row["n_articles"], row["n_claims"]) == ("agree", 2, 3)
    assert row["claim_ids"] == "c1;c2;c3"


def test_close_values_in_one_article_are_not_a_conflict() -> None:
    groups = align_claims(table(fig("c1", "a1", 6057), fig("c2", "a1", 6060)))
    assert list(groups["status"]) == ["single", "single"]


def test_differences_inside_one_article_do_not_count() -> None:
    # a1 prints 100 and 101; a2 prints "about 100.5", which matches both. The only
    # numbers that differ are a1's own two, so the value does not differ between
    # the articles; the hedge does.
    claims = table(fig("c1", "a1", 100), fig("c2", "a1", 101), fig("c3", "a2", 100.5, "approx"))
    groups = align_claims(claims)
    assert len(groups) == 1
    assert groups.iloc[0]["statuses"] == "bound_differs"


# ----------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Volodymyr Zelensky", "Volodymyr Zelenskyy (to NBC)", True),
        ("President Zelensky", "the Ukrainian president, Volodymyr Zelensky", True),
        ("Zelenskiy", "Zelensky", True),
        ("Dmitry Peskov", "Dmitri Peskov", True),
        ("the Defence Ministry", "Defence Ministry", True),
        ("officials in Kyiv", "Ukrainian officials", True),
        ("reports", "media reports (Russian news outlets)", True),
        ("Russian authorities", "Ukrainian officials", False),
        ("Rustem Umerov", "Volodymyr Zelensky", False),
        ("BBC", "NBC", False),
        ("Mediazona", "Meduza", False),
    ],
)
def test_source_names_are_normalised_before_comparing(one: str, other: str, same: bool) -> None:
    claims = table(fig("c1", "a1", 46000, source=one), fig("c2", "a2", 46000, source=other))
    status = align_claims(claims).iloc[0]["status"]
    assert status == ("agree" if same else "source_differs")


def test_source_side_decides_between_generic_names() -> None:
    s = load_settings()
    ours = source_key("officials", "Ukraine", s)
    theirs = source_key("officials", "Russia", s)
    unknown = source_key("officials", "", s)
    assert not sources_compatible(ours, theirs, s)
    assert sources_compatible(ours, unknown, s)


def test_same_figure_from_different_sources_is_source_differs() -> None:
    claims = table(
        fig("c1", "a1", 46000, "lower", source="Volodymyr Zelensky", outlet="Paper A"),
        fig("c2", "a2", 46000, "lower", source="Rustem Umerov", outlet="Paper B"),
    )
    row = align_claims(claims).iloc[0]
    assert row["status"] == "source_differs"
    assert row["detail"] == (
        "All 2 articles report more than 46,000 killed (Ukraine), but Paper A credits it to "
        "Volodymyr Zelensky; Paper B credits it to Rustem Umerov (source differs)."
    )


def test_an_unattributed_figure_is_not_a_source_conflict() -> None:
    claims = table(fig("c1", "a1", 46000, source="Volodymyr Zelensky"), fig("c2", "a2", 46000))
    assert align_claims(claims).iloc[0]["status"] == "agree"


def test_most_serious_status_wins_and_all_are_listed() -> None:
    claims = table(
        fig("c1", "a1", 6000, "upper", text="up to 6,000", source="Rustem Umerov"),
        fig("c2", "a2", 6100, "exact", source="Volodymyr Zelensky"),
    )
    row = align_claims(claims).iloc[0]
    assert row["status"] == "source_differs"
    assert row["statuses"] == "source_differs;value_differs;bound_differs"
    assert "(source differs; value differs; bound differs)" in row["detail"]
    assert "crediting Rustem Umerov" in row["detail"]


def test_articles_repeating_one_statement_are_flagged() -> None:
    claims = table(
        fig("c1", "a1", 46000, "lower", source="Volodymyr Zelensky", origin="told NBC"),
        fig("c2", "a2", 46000, "lower", source="Zelenskyy", origin="Told NBC."),
    )
    detail = align_claims(claims).iloc[0]["detail"]
    assert detail.endswith("; both repeat one statement by Volodymyr Zelensky (told NBC).")
    apart = table(
        fig("c1", "a1", 46000, "lower", source="Volodymyr Zelensky", origin="told NBC"),
        fig("c2", "a2", 46000, "lower", source="Volodymyr Zelensky", origin="on Telegram"),
    )
    assert "repeat" not in align_claims(apart).iloc[0]["detail"]


# ----------------------------------------------------------------- quotations

BASE_QUOTE = '"We have brought home the remains of our defenders, and we will go on doing so."'


@pytest.mark.parametrize(
    "variant",
    [
        "“We have brought home the remains of our defenders, and we will go on doing so.”",
        "We have brought home the remains of our defenders and we will go on doing so",
        "'we HAVE brought home   the remains of our defenders; and we will go on doing so!'",
        "“We have brought home the remains of our defenders,”",  # clause cut off
        "“the remains of our defenders, and we will go on doing so”",  # cut at the front
        '"We have brought home the remains of our brave defenders, and we will go on doing so."',
    ],
)
def test_quote_variants_are_one_quotation(variant: str) -> None:
    claims = table(
        quote("q1", "a1", BASE_QUOTE, "Rustem Umerov"),
        quote("q2", "a2", variant, "Defence Minister Rustem Umerov"),
    )
    groups = align_claims(claims)
    assert len(groups) == 1
    assert groups.iloc[0]["status"] == "agree"
    assert groups.iloc[0]["kind"] == "quote"


def test_different_quotations_stay_apart() -> None:
    claims = table(
        quote("q1", "a1", BASE_QUOTE, "Rustem Umerov"),
        quote("q2", "a2", "“Talks will resume next week in the same city.”", "Rustem Umerov"),
        quote("q3", "a3", "“remains of our defenders”", "Rustem Umerov"),  # too short
    )
    assert list(align_claims(claims)["status"]) == ["single"] * 3


def test_same_quotation_credited_to_two_speakers_is_source_differs() -> None:
    claims = table(
        quote("q1", "a1", BASE_QUOTE, "Russian authorities", source_side="Russia", outlet="P1"),
        quote("q2", "a2", BASE_QUOTE, "the war prisoners' coordination headquarters in Kyiv"),
    )
    row = align_claims(claims).iloc[0]
    assert row["status"] == "source_differs"
    assert row["detail"] == (
        "“We have brought home the remains of our…” is credited to Russian "
        "authorities by P1; to the war prisoners' coordination headquarters in Kyiv by a2 "
        "(source differs)."
    )


def test_quote_tokens_ignore_quote_marks_case_and_number_grouping() -> None:
    assert quote_tokens("“Another 1,200 bodies”") == quote_tokens('"another 1200 Bodies"')
    assert quote_tokens("don’t") == quote_tokens("don't") == ("dont",)


def test_quotes_match_thresholds() -> None:
    s = load_settings()
    words = quote_tokens("one two three four five six seven eight nine ten")
    assert quotes_match(words, words[:5], s)  # contained, five words
    assert not quotes_match(words, words[:4], s)  # contained, too short
    assert quotes_match(words, (*words[:9], "eleven"), s)  # Jaccard 9/11 >= 0.8
    assert not quotes_match(words, (*words[:8], "x", "y"), s)  # Jaccard 8/12


# ----------------------------------------------------------------- ids and order


def _sample_claims() -> pd.DataFrame:
    return table(
        fig("c1", "a1", 6000, "upper", text="as many as 6,000"),
        fig("c2", "a2", 6000),
        fig("c3", "a1", 4812, metric="bodies_returned"),
        fig("c4", "a2", 4812, metric="bodies_returned"),
        fig("c5", "a3", 111000, "approx", party="Russia"),
        quote("q1", "a1", BASE_QUOTE, "Russian authorities", source_side="Russia"),
        quote("q2", "a2", BASE_QUOTE, "Ukrainian officials", source_side="Ukraine"),
        fig("c6", "a2", 6057, party="Russia"),
        fig("c7", "a3", 6060, party="Russia"),
    )


def test_group_ids_are_stable_across_runs_and_row_order() -> None:
    claims = _sample_claims()
    first = align_claims(claims)
    again = align_claims(claims)
    shuffled = align_claims(claims.sample(frac=1, random_state=7).reset_index(drop=True))
    pd.testing.assert_frame_equal(first, again)
    pd.testing.assert_frame_equal(first, shuffled)
    assert first["group_id"].str.fullmatch(r"G[0-9a-f]{12}").all()
    assert first["group_id"].is_unique


def test_rows_are_sorted_conflicts_first() -> None:
    groups = align_claims(_sample_claims())
    ranks = [GROUP_STATUSES.index(s) for s in groups["status"]]
    assert ranks == sorted(ranks)
    assert groups.iloc[0]["status"] == "source_differs"
    assert groups.iloc[-1]["status"] == "single"


def test_repeated_claim_ids_are_aligned_once_with_a_warning() -> None:
    claims = table(fig("c1", "a1", 100), fig("c1", "a2", 100), fig("c2", "a3", 100))
    with pytest.warns(UserWarning, match="repeat an earlier claim_id"):
        groups = align_claims(claims)
    assert groups["claim_ids"].tolist() == ["c1;c2"]


def test_settings_change_the_grouping(tmp_path) -> None:
    strict = AlignSettings(near_tolerance=0.0001)
    claims = table(fig("c1", "a1", 6057), fig("c2", "a2", 6060))
    assert len(align_claims(claims, settings=strict)) == 2
    custom = tmp_path / "align.yaml"
    custom.write_text("near_tolerance: 0.0001\n", encoding="utf-8")
    assert load_settings(custom).near_tolerance == 0.0001
    custom.write_text("near_tolerence: 0.1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown setting"):
        load_settings(custom)


def test_the_shipped_settings_load() -> None:
    s = load_settings()
    assert 0 < s.approx_tolerance < s.near_tolerance < 1
    assert "officials" in s.generic_source_words
    assert dict(s.word_aliases)["kiev"] == "kyiv"


# ----------------------------------------------------------------- every claim once

_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


@st.composite
def claims_tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=0, max_value=30))
    rows = []
    for k in range(n):
        article = draw(st.sampled_from(["a1", "a2", "a3", "a4"]))
        source = draw(st.sampled_from(["", "Rustem Umerov", "Russian authorities", "officials"]))
        as_of = draw(st.sampled_from(["", "2025", "2025-02", "2025-03", "2022-09"]))
        if draw(st.booleans()):
            words = draw(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=8))
            rows.append(quote(f"c{k:02d}", article, " ".join(words), source, as_of=as_of))
            continue
        bound = draw(st.sampled_from(["exact", "approx", "lower", "upper", "range", ""]))
        value = draw(st.sampled_from([100.0, 101.0, 104.0, 6000.0, 6057.0, 6060.0, NAN]))
        row = fig(f"c{k:02d}", article, value, bound or "exact", high=value * 2, as_of=as_of)
        row["bound"] = bound
        row["metric"] = draw(st.sampled_from(["killed", "wounded"]))
        row["source"] = source
        rows.append(row)
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(claims=claims_tables(), seed=st.integers(min_value=0, max_value=2**16))
def test_every_claim_is_in_exactly_one_group(claims: pd.DataFrame, seed: int) -> None:
    groups = align_claims(claims)
    members = [cid for ids in groups["claim_ids"] for cid in ids.split(";") if cid]
    assert sorted(members) == sorted(claims["claim_id"])
    article_of = dict(zip(claims["claim_id"], claims["article_id"], strict=True))
    for _, row in groups.iterrows():
        ids = row["claim_ids"].split(";")
        articles = {article_of[cid] for cid in ids}
        assert row["n_articles"] == len(articles)
        assert row["articles"] == ";".join(sorted(articles))
        assert (row["status"] == "single") == (len(articles) == 1)
        assert row["status"] in GROUP_STATUSES
        assert row["detail"]
    shuffled = claims.sample(frac=1, random_state=seed).reset_index(drop=True)
    pd.testing.assert_frame_equal(align_claims(shuffled), groups)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(_WORDS[:6]), min_size=0, max_size=10), min_size=1, max_size=14
    )
)
def test_the_quote_index_finds_every_matching_pair(word_lists: list[list[str]]) -> None:
    rows = [quote(f"q{k:02d}", f"a{k:02d}", " ".join(w), "") for k, w in enumerate(word_lists)]
    groups = align_claims(table(*rows))
    # The same grouping by brute force: every pair compared, then connected components.
    s = load_settings()
    words = [quote_tokens(" ".join(w)) for w in word_lists]
    parent = list(range(len(words)))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    for i in range(len(words)):
        for j in range(i + 1, len(words)):
            if words[i] and words[j] and quotes_match(words[i], words[j], s):
                parent[root(j)] = root(i)
    expected: dict[int, set[str]] = {}
    for k in range(len(words)):
        expected.setdefault(root(k), set()).add(f"q{k:02d}")
    found = {frozenset(ids.split(";")) for ids in groups["claim_ids"]}
    assert found == {frozenset(ids) for ids in expected.values()}


def test_it_scales_without_comparing_every_pair() -> None:
    rng = random.Random(3)
    vocabulary = [f"w{n}" for n in range(3000)]
    rows = [
        fig(f"c{k:05d}", f"a{k % 2000:04d}", round(rng.uniform(10, 1e6)), as_of="2025")
        for k in range(20000)
    ]
    rows += [
        quote(f"q{k:05d}", f"a{k % 2000:04d}", " ".join(rng.choices(vocabulary, k=12)), "")
        for k in range(5000)
    ]
    # One long speech quoted in 3,000 articles, each cutting it differently.
    speech = vocabulary[:60]
    for k in range(3000):
        start = rng.randrange(0, 30)
        cut = speech[start : start + rng.randrange(20, 31)]
        rows.append(quote(f"s{k:05d}", f"a{k % 2000:04d}", " ".join(cut), "Speaker"))
    claims = pd.DataFrame(rows)
    started = time.perf_counter()
    groups = align_claims(claims)
    assert time.perf_counter() - started < 8  # all pairs would be 4e8 comparisons
    assert groups["n_claims"].sum() == len(claims)
    assert together(groups, "s00000", "s00001", "s02999")


# ----------------------------------------------------------------- the two seed articles

A, B = "000_e1900f69a6e5a511", "003_54b150d9bd76d846"
# The gold claims of ../shared/gold/seeds_gold.jsonl, copied as a literal, with the
# expression as printed (hedge included) in place of the bare number:
# (article, start, end, text, value, low, high, bound, metric, party, source, side, as_of)
SEED_FIGURES = [
    (A, 37, 42, "1,200", 1200, NAN, NAN, "exact", "bodies_returned", "Ukraine",
     "officials in Kyiv", "Ukraine", "2025-06-15"),
    (A, 494, 499, "1,200", 1200, NAN, NAN, "exact", "bodies_returned", "Ukraine",
     "Russian authorities", "Russia", "2025-06-15"),
    (A, 857, 862, "4,812", 4812, NAN, NAN, "exact", "bodies_returned", "Ukraine",
     "Rustem Umerov", "Ukraine", "2025-06-15"),
    (A, 1262, 1267, "as many as 6,000", NAN, NAN, 6000, "upper", "bodies_returned", "Ukraine",
     "reports", "", "2025-06"),
    (A, 1511, 1530, "between 150,000 and 300,000", NAN, 150000, 300000, "range", "casualties",
     "both", "independent estimates", "third-party", "2025-06"),
    (A, 1683, 1689, "over “46,000", 46000, 46000, NAN, "lower", "killed", "Ukraine",
     "Volodymyr Zelensky", "Ukraine", "2025"),
    (A, 1728, 1735, "some 380,000", 380000, NAN, NAN, "approx", "wounded", "Ukraine",
     "Volodymyr Zelensky", "Ukraine", "2025"),
    (A, 1876, 1881, "fewer than 6,000", 6000, NAN, 6000, "upper", "killed", "Russia",
     "Russia", "Russia", "2022-09"),
    (B, 20, 25, "1,200", 1200, NAN, NAN, "exact", "bodies_returned", "Ukraine",
     "Ukrainian officials", "Ukraine", "2025-06-15"),
    (B, 207, 212, "1,200", 1200, NAN, NAN, "exact", "bodies_returned", "Ukraine",
     "coordination headquarters for the treatment of prisoners of war in Kyiv", "Ukraine",
     "2025-06-15"),
    (B, 568, 573, "4,812", 4812, NAN, NAN, "exact", "bodies_returned", "Ukraine",
     "Rustem Umerov", "Ukraine", "2025-06-15"),
    (B, 1112, 1117, "6,000", 6000, NAN, NAN, "exact", "bodies_returned", "Ukraine",
     "media reports (Russian news outlets)", "Russia", "2025-06"),
    (B, 1417, 1423, "more than 46,000", 46000, 46000, NAN, "lower", "killed", "Ukraine",
     "Volodymyr Zelenskyy (to NBC)", "Ukraine", "2025"),
    (B, 1462, 1469, "some 380,000", 380000, NAN, NAN, "approx", "wounded", "Ukraine",
     "Volodymyr Zelenskyy (to NBC)", "Ukraine", "2025"),
    (B, 1600, 1605, "fewer than 6,000", 6000, NAN, 6000, "upper", "killed", "Russia",
     "Russia", "Russia", "2022-09"),
    (B, 2032, 2039, "approximately 111,000", 111000, NAN, NAN, "approx", "killed", "Russia",
     "Mediazona and the BBC's Russian service", "third-party", "2025-06"),
]  # fmt: skip
HANDOVER = (
    "Another 1,200 bodies{comma} which the Russian side claims belong to Ukrainian citizens, "
    "including military personnel, were returned to Ukraine,"
)
GRATEFUL = "I am grateful to everyone involved in this humanitarian mission"
SEED_QUOTES = [
    (A, 291, f'"{HANDOVER.format(comma=",")}"', "Russian authorities", "Russia"),
    (A, 710, f"“{GRATEFUL}.”", "Rustem Umerov", "Ukraine"),
    (A, 1690, "“46,000 Ukrainian soldiers have died and some 380,000 were hurt.”",
     "Volodymyr Zelensky", "Ukraine"),
    (B, 186, f"“{HANDOVER.format(comma='')}”", "coordination headquarters for the treatment "
     "of prisoners of war in Kyiv", "Ukraine"),
    (B, 640, f"“{GRATEFUL},”", "Rustem Umerov", "Ukraine"),
]  # fmt: skip


def seed_claims() -> pd.DataFrame:
    rows = []
    names = ("start", "end", "text", "value", "low", "high", "bound", "metric", "party")
    names += ("source", "source_side", "as_of")
    for article, *labelled in SEED_FIGURES:
        row = fig(f"{article[:3]}-{labelled[0]}", article, 0)
        row.update(zip(names, labelled, strict=True))
        row["sentence"] = f"… {row['text']} …"
        rows.append(row)
    for article, start, text, src, side in SEED_QUOTES:
        rows.append(quote(f"{article[:3]}-q{start}", article, text, src, source_side=side))
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def seed_groups() -> pd.DataFrame:
    return align_claims(seed_claims())


def test_seed_quotation_credited_to_both_sides_is_source_differs(seed_groups) -> None:
    row = group_of(seed_groups, "000-q291")
    assert together(seed_groups, "000-q291", "003-q186")
    assert (row["kind"], row["status"], row["n_articles"]) == ("quote", "source_differs", 2)
    assert "“Another 1,200 bodies, which the Russian side claims…”" in row["detail"]
    assert "Russian authorities by 000_e19…" in row["detail"]
    headquarters = "coordination headquarters for the treatment of prisoners of war in Kyiv"
    assert f"{headquarters} by 003_54b…" in row["detail"]


def test_seed_quotation_conflict_survives_without_source_sides() -> None:
    # The extractor may leave source_side empty for quotations: the side is then
    # read from the names ("Russian", "Kyiv").
    claims = seed_claims()
    claims.loc[claims["kind"] == "quote", "source_side"] = ""
    assert group_of(align_claims(claims), "000-q291")["status"] == "source_differs"


def test_seed_umerov_figure_and_quotation_agree(seed_groups) -> None:
    figure = group_of(seed_groups, "000-857")
    assert together(seed_groups, "000-857", "003-568")
    assert figure["status"] == "agree"
    assert figure["detail"] == (
        "All 2 articles report 4,812 bodies returned (Ukraine) as of 2025-06-15."
    )
    words = group_of(seed_groups, "000-q710")
    assert together(seed_groups, "000-q710", "003-q640")
    assert words["status"] == "agree"
    assert words["detail"].startswith("All 2 articles quote Rustem Umerov: “I am grateful")


def test_seed_six_thousand_bodies_is_bound_differs(seed_groups) -> None:
    row = group_of(seed_groups, "000-1262")
    assert together(seed_groups, "000-1262", "003-1112")
    assert row["status"] == "bound_differs"
    assert row["detail"] == (
        "000_e19… says 'as many as 6,000'; 003_54b… says '6,000' (bound differs)."
    )


def test_seed_estimates_printed_by_one_outlet_are_singles(seed_groups) -> None:
    mediazona = group_of(seed_groups, "003-2032")
    assert (mediazona["status"], mediazona["articles"]) == ("single", B)
    assert mediazona["detail"] == (
        "Only 003_54b… reports about 111,000 killed (Russia) as of 2025-06."
    )
    combined = group_of(seed_groups, "000-1511")
    assert (combined["status"], combined["articles"]) == ("single", A)
    assert (combined["low"], combined["high"], combined["bound"]) == (150000, 300000, "range")


def test_seed_zelensky_figures_agree_despite_the_spelling(seed_groups) -> None:
    for claim in ("000-1683", "000-1728", "000-1876"):
        assert group_of(seed_groups, claim)["status"] == "agree"
        assert group_of(seed_groups, claim)["n_articles"] == 2


def test_seed_1200_figure_shows_the_attribution_split(seed_groups) -> None:
    # Both outlets print 1,200 bodies for Sunday, and the number itself agrees. But
    # one outlet has Russian authorities asserting it and the other only Ukrainian
    # bodies: a fact-checker should see that, so the group is source_differs. The
    # generic "officials in Kyiv" against "Ukrainian officials" is not a conflict.
    row = group_of(seed_groups, "000-37")
    assert together(seed_groups, "000-37", "000-494", "003-20", "003-207")
    assert (row["status"], row["statuses"], row["n_articles"]) == ("source_differs",) * 2 + (2,)
    assert row["detail"].startswith("All 2 articles report 1,200 bodies returned (Ukraine)")
    assert "Russian authorities" in row["detail"]
    kyiv_only = table(
        fig("k1", A, 1200, source="officials in Kyiv", source_side="Ukraine"),
        fig("k2", B, 1200, source="Ukrainian officials", source_side="Ukraine"),
    )
    assert align_claims(kyiv_only).iloc[0]["status"] == "agree"


def test_seed_groups_cover_every_claim_once(seed_groups) -> None:
    claims = seed_claims()
    members = [cid for ids in seed_groups["claim_ids"] for cid in ids.split(";")]
    assert sorted(members) == sorted(claims["claim_id"])
    assert len(seed_groups) == 11
    assert seed_groups["status"].value_counts().to_dict() == {
        "source_differs": 2,
        "bound_differs": 1,
        "agree": 5,
        "single": 3,
    }


def test_seed_russian_official_toll_is_about_33_months_old() -> None:
    ages = staleness(seed_claims())
    oldest = ages.iloc[:2]
    assert set(oldest["claim_id"]) == {"000-1876", "003-1600"}
    assert (oldest["age_days"] == 1004).all()  # 2022-09-15 to 2025-06-15
    assert (oldest["age_months"] == 33.0).all()


# ----------------------------------------------------------------- staleness


def test_staleness_counts_from_the_middle_of_a_month_or_year() -> None:
    claims = table(
        fig("day", "a1", 10, as_of="2025-06-01", published="2025-06-15"),
        fig("month", "a1", 10, as_of="2025-05", published="2025-06-15"),
        fig("year", "a1", 10, as_of="2024", published="2025-06-15T08:30:00+00:00"),
        fig("none", "a1", 10, as_of="", published="2025-06-15"),
        fig("nopub", "a1", 10, as_of="2024", published=""),
        quote("q", "a1", BASE_QUOTE, "X", as_of="2020"),
    )
    ages = staleness(claims)
    assert list(ages.columns[: len(STALENESS_COLUMNS)]) == STALENESS_COLUMNS
    assert ages["claim_id"].tolist() == ["year", "month", "day", "none", "nopub"]
    by_id = ages.set_index("claim_id")
    assert by_id.loc["year", "age_days"] == 349  # 2024-07-01 to 2025-06-15
    assert by_id.loc["month", "age_days"] == 31
    assert by_id.loc["day", "age_days"] == 14
    assert by_id.loc["month", "as_of_date"] == "2025-05-15"
    assert pd.isna(by_id.loc["none", "age_days"]) and pd.isna(by_id.loc["nopub", "age_days"])


def test_staleness_of_a_plan_is_negative() -> None:
    ages = staleness(table(fig("plan", "a1", 6000, as_of="2025-09", published="2025-06-15")))
    assert ages.iloc[0]["age_days"] == -92


# ----------------------------------------------------------------- grid and pairs


def test_outlet_grid_marks_each_article(seed_groups) -> None:
    grid = outlet_grid(seed_groups, seed_claims())
    assert list(grid.columns) == GRID_COLUMNS
    assert len(grid) == 2 * len(seed_groups)
    assert set(grid["mark"]) <= {"present", "agree", "differs", "absent"}
    marks = grid.set_index(["group_id", "article_id"])["mark"]
    six = group_of(seed_groups, "000-1262")["group_id"]
    assert marks[(six, A)] == marks[(six, B)] == "differs"
    mediazona = group_of(seed_groups, "003-2032")["group_id"]
    assert (marks[(mediazona, B)], marks[(mediazona, A)]) == ("present", "absent")
    umerov = group_of(seed_groups, "000-857")["group_id"]
    assert marks[(umerov, A)] == "agree"
    label = grid.loc[grid["group_id"] == six, "label"].iloc[0]
    assert label == "bodies_returned Ukraine 6,000 (2025-06)"
    assert grid["group_id"].drop_duplicates().tolist() == seed_groups["group_id"].tolist()
    present_only = outlet_grid(seed_groups, seed_claims(), include_absent=False)
    assert len(present_only) == seed_groups["n_articles"].sum()
    assert "absent" not in set(present_only["mark"])


def test_outlet_grid_reads_groups_written_to_csv(seed_groups, tmp_path) -> None:
    path = write_table(seed_groups, tmp_path / "groups.csv")
    again = read_table(path, GROUP_COLUMNS)
    grid = outlet_grid(again, seed_claims())
    pd.testing.assert_frame_equal(grid, outlet_grid(seed_groups, seed_claims()))


def test_conflict_pairs_put_differing_claims_side_by_side(seed_groups) -> None:
    pairs = conflict_pairs(seed_groups, seed_claims())
    assert list(pairs.columns) == PAIR_COLUMNS + PAIR_EXTRA_COLUMNS
    conflicts = seed_groups[~seed_groups["status"].isin(["agree", "single"])]
    assert set(pairs["group_id"]) == set(conflicts["group_id"])
    handover = pairs[pairs["group_id"] == group_of(seed_groups, "000-q291")["group_id"]]
    assert handover[["source_a", "source_b", "differs"]].values.tolist() == [
        [
            "Russian authorities",
            "coordination headquarters for the treatment of prisoners of war in Kyiv",
            "source",
        ]
    ]
    figure = pairs[pairs["group_id"] == group_of(seed_groups, "000-37")["group_id"]]
    # "officials in Kyiv" agrees with everything in the other article, so the pairs
    # start from the claim that differs: the one credited to Russian authorities.
    assert set(figure["claim_a"]) == {"000-494"}
    assert sorted(figure["claim_b"]) == ["003-20", "003-207"]
    six = pairs[pairs["group_id"] == group_of(seed_groups, "000-1262")["group_id"]]
    assert six[["text_a", "text_b", "differs"]].values.tolist() == [
        ["as many as 6,000", "6,000", "bound"]
    ]


def test_conflict_pairs_of_an_agreeing_table_is_empty() -> None:
    claims = table(fig("c1", "a1", 10), fig("c2", "a2", 10))
    pairs = conflict_pairs(align_claims(claims), claims)
    assert pairs.empty
    assert list(pairs.columns) == PAIR_COLUMNS + PAIR_EXTRA_COLUMNS


def test_no_warnings_on_clean_input() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        align_claims(_sample_claims())


def test_chart_grid_is_the_whole_grid_for_a_small_run(seed_groups) -> None:
    pd.testing.assert_frame_equal(
        chart_grid(seed_groups, seed_claims()), outlet_grid(seed_groups, seed_claims())
    )


def test_chart_grid_stays_small_on_a_big_run() -> None:
    """60 articles: one conflict printed by two, one figure printed by all, 58 singles."""
    rows = []
    for k in range(60):
        article = f"a{k:02d}"
        rows.append(
            claim_row(
                claim_id=f"all{k}",
                article_id=article,
                value=500.0,
                metric="killed",
                party="Sudan",
                source="health ministry",
                source_type="official",
            )
        )
        rows.append(
            claim_row(
                claim_id=f"own{k}",
                article_id=article,
                start=10,
                end=14,
                metric="wounded",
                party="Sudan",
                value=round(1000 * 1.2**k),
            )
        )
    rows.append(
        claim_row(
            claim_id="x1",
            article_id="a58",
            start=20,
            end=24,
            value=80.0,
            metric="missing",
            party="Chad",
            source="police",
        )
    )
    rows.append(
        claim_row(
            claim_id="x2",
            article_id="a59",
            start=20,
            end=24,
            value=80.0,
            metric="missing",
            party="Chad",
            source="Red Crescent",
            source_type="independent",
        )
    )
    claims = pd.DataFrame(rows)
    groups = align_claims(claims)
    grid = chart_grid(groups, claims, max_groups=5, max_articles=8)
    assert grid["group_id"].nunique() == 5
    assert grid["article_id"].nunique() == 8
    assert len(grid) == 5 * 8
    shown = groups[groups["group_id"].isin(set(grid["group_id"]))]
    assert "source_differs" in set(shown["status"])  # the conflict comes first
    assert shown["n_articles"].max() == 60  # then the figure every article prints
    # The two articles of the conflict are among the columns: they print the most groups.
    assert {"a58", "a59"} <= set(grid["article_id"])
