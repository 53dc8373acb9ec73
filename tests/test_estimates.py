"""Tests of the estimates stage: official figures against independent ones.

Claims tables are built by hand here (every CLAIM_COLUMNS column), so these tests do
not depend on the extractor; the reference file is the repo's own
data/reference/loss_estimates.csv or rows built in the test.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from lossledger import estimates as est
from lossledger.estimates import (
    ReferenceError,
    compare_estimates,
    findings,
    gap_between,
    gap_summary,
    read_reference,
)
from lossledger.paths import project_root
from lossledger.schema import CLAIM_COLUMNS, ESTIMATE_COLUMNS
from tests.conftest import claim

REFERENCE = project_root() / "data" / "reference" / "loss_estimates.csv"


def claims_table(*rows: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=CLAIM_COLUMNS)


def seed_claims() -> pd.DataFrame:
    """The loss figures of the two seed articles, as the claims stage should give them."""
    return claims_table(
        claim(
            claim_id="a-ru-6000",
            article_id="000_e1900f69a6e5a511",
            text="fewer than 6,000",
            value=6000.0,
            high=6000.0,
            bound="upper",
            metric="killed",
            party="Russia",
            source="Russia",
            source_type="official",
            source_side="Russia",
            as_of="2022-09",
        ),
        claim(
            claim_id="b-ru-6000",
            article_id="003_54b150d9bd76d846",
            text="fewer than 6,000",
            value=6000.0,
            high=6000.0,
            bound="upper",
            metric="killed",
            party="Russia",
            source="Russia",
            source_type="official",
            source_side="Russia",
            as_of="2022-09",
        ),
        claim(
            claim_id="b-ru-111000",
            article_id="003_54b150d9bd76d846",
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
        claim(
            claim_id="a-ua-46000",
            article_id="000_e1900f69a6e5a511",
            text="over 46,000",
            value=46000.0,
            low=46000.0,
            bound="lower",
            metric="killed",
            party="Ukraine",
            source="Volodymyr Zelensky",
            source_type="official",
            source_side="Ukraine",
            as_of="2025",
        ),
        claim(
            claim_id="b-ua-46000",
            article_id="003_54b150d9bd76d846",
            text="more than 46,000",
            value=46000.0,
            low=46000.0,
            bound="lower",
            metric="killed",
            party="Ukraine",
            source="Volodymyr Zelenskyy (to NBC)",
            source_type="official",
            source_side="Ukraine",
            as_of="2025",
        ),
        claim(
            claim_id="a-ua-380000",
            article_id="000_e1900f69a6e5a511",
            text="some 380,000",
            value=380000.0,
            bound="approx",
            metric="wounded",
            party="Ukraine",
            source="Volodymyr Zelensky",
            source_type="official",
            source_side="Ukraine",
            as_of="2025",
        ),
        claim(
            claim_id="a-both",
            article_id="000_e1900f69a6e5a511",
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
        claim(
            claim_id="a-bodies",
            text="1,200",
            value=1200.0,
            metric="bodies_returned",
            party="Ukraine",
            source="officials in Kyiv",
            source_type="official",
            source_side="Ukraine",
            as_of="2025-06-15",
        ),
        claim(claim_id="a-quote", kind="quote", text="I am grateful", metric="", party=""),
    )


def rows_of(table: pd.DataFrame, party: str, metric: str) -> pd.DataFrame:
    return table[(table["party"] == party) & (table["metric"] == metric)]


# ---------------------------------------------------------------- the seeds


def test_estimates_table_has_the_contract_columns_first_and_only_loss_figures() -> None:
    table = compare_estimates(seed_claims())
    assert list(table.columns[: len(ESTIMATE_COLUMNS)]) == ESTIMATE_COLUMNS
    # Quotes and bodies returned do not enter; every loss figure does, with its claim id.
    assert set(table["origin"]) == {
        "a-ru-6000",
        "b-ru-6000",
        "b-ru-111000",
        "a-ua-46000",
        "b-ua-46000",
        "a-ua-380000",
        "a-both",
    }
    assert set(table["origin_kind"]) == {"claim"}


def test_seed_russia_gap_is_at_least_18_5_times_with_an_at_least_note() -> None:
    table = compare_estimates(seed_claims())
    russia = rows_of(table, "Russia", "killed")
    assert russia["gap_ratio"].tolist() == pytest.approx([18.5] * 3)
    note = russia["gap_note"].iloc[0]
    assert note.startswith("independent at least 18.5× official")
    assert "111,000 named dead" in note and "fewer than 6,000" in note
    assert "(Russia, 2022-09)" in note and "2025-06" in note
    roles = dict(zip(russia["origin"], russia["gap_role"], strict=True))
    assert roles["b-ru-111000"] == "independent"
    assert "official" in {roles["a-ru-6000"], roles["b-ru-6000"]}


def test_seed_ukraine_has_no_gap_from_the_both_sides_figure() -> None:
    table = compare_estimates(seed_claims())
    ukraine = rows_of(table, "Ukraine", "killed")
    assert ukraine["gap_ratio"].isna().all()
    assert "no independent figure for Ukraine alone" in ukraine["gap_note"].iloc[0]
    both = table[table["party"] == "both"]
    assert len(both) == 1 and both["gap_ratio"].isna().all()
    assert both["metric_unclear"].iloc[0] == "yes"
    assert (both["gap_role"] == "").all()


def test_gap_summary_has_one_row_per_party_and_metric() -> None:
    summary = gap_summary(compare_estimates(seed_claims()))
    keys = list(zip(summary["party"], summary["metric"], strict=True))
    assert keys == [
        ("Russia", "killed"),
        ("Ukraine", "killed"),
        ("Ukraine", "wounded"),
        ("both", "casualties"),
    ]
    russia = summary.iloc[0]
    assert russia["gap_ratio"] == pytest.approx(18.5)
    assert russia["qualifier"] == "at least"
    assert russia["official"] == "fewer than 6,000 dead"
    assert russia["independent_genre"] == "named_list"
    assert math.isnan(summary.iloc[1]["gap_ratio"])


def test_findings_state_the_seed_gap_with_numbers_from_the_table() -> None:
    table = compare_estimates(seed_claims())
    sentences = findings(table)
    assert sentences[0].startswith("Russia, killed:")
    assert "at least 18.5 times" in sentences[0]
    assert any("no independent figure for Ukraine alone" in s for s in sentences)
    assert any("several sides together" in s for s in sentences)
    # Every number in the findings comes from the table (figures, dates, ratios).
    summary = gap_summary(table)
    allowed = " ".join(
        [
            *table["text"],
            *table["as_of"],
            *[est.format_count(v) for v in table[["low", "value", "high"]].stack()],
            *[est.format_ratio(v) for v in summary[["ratio_low", "ratio_high"]].stack()],
        ]
    )
    for sentence in sentences:
        for number in re.findall(r"\d[\d,]*(?:\.\d+)?", sentence):
            assert number in allowed, (number, sentence)


# ---------------------------------------------------------------- the rules


def test_metrics_are_kept_apart() -> None:
    table = compare_estimates(
        claims_table(
            claim(
                claim_id="own",
                value=5937.0,
                metric="killed",
                party="Russia",
                source_type="official",
                source_side="Russia",
                as_of="2022-09-21",
            ),
            claim(
                claim_id="cas",
                value=300000.0,
                bound="approx",
                metric="casualties",
                party="Russia",
                source_type="independent",
                source_side="third-party",
                genre="estimate",
                as_of="2023-08",
            ),
        )
    )
    # Independent casualties never give a gap for killed.
    assert rows_of(table, "Russia", "killed")["gap_ratio"].isna().all()
    casualties = rows_of(table, "Russia", "casualties")
    assert casualties["gap_ratio"].isna().all()
    assert casualties["metric_unclear"].tolist() == ["yes"]
    assert rows_of(table, "Russia", "killed")["metric_unclear"].tolist() == [""]


def test_a_sides_claim_about_the_enemy_is_not_its_official_figure() -> None:
    enemy = claim(
        claim_id="zel-ru",
        value=198000.0,
        metric="killed",
        party="Russia",
        source="Volodymyr Zelensky",
        source_type="official",
        source_side="Ukraine",
        as_of="2024-12-08",
    )
    independent = claim(
        claim_id="ind",
        low=160000.0,
        high=165000.0,
        bound="range",
        metric="killed",
        party="Russia",
        source_type="independent",
        source_side="third-party",
        genre="estimate",
        as_of="2025-02-24",
    )
    table = compare_estimates(claims_table(enemy, independent))
    row = table[table["origin"] == "zel-ru"].iloc[0]
    assert (row["series"], row["about_own_side"]) == ("official_enemy", "no")
    assert table["gap_ratio"].isna().all()
    assert "no official figure from Russia" in row["gap_note"]

    own = claim(
        claim_id="own",
        value=5937.0,
        metric="killed",
        party="Russia",
        source="Sergei Shoigu",
        source_type="official",
        source_side="Russia",
        as_of="2022-09-21",
    )
    table = compare_estimates(claims_table(enemy, independent, own))
    by_origin = table.set_index("origin")
    assert by_origin.loc["own", "about_own_side"] == "yes"
    assert by_origin.loc["own", "gap_role"] == "official"
    assert by_origin.loc["zel-ru", "gap_role"] == ""
    assert by_origin.loc["own", "gap_ratio"] == pytest.approx(160000 / 5937)
    assert by_origin.loc["own", "gap_note"].startswith("independent 26.9–27.8× official")


def test_a_named_list_is_a_floor_and_labelled_apart_from_estimates() -> None:
    official = claim(
        claim_id="own",
        value=5937.0,
        metric="killed",
        party="Russia",
        source_type="official",
        source_side="Russia",
        as_of="2022-09-21",
    )
    named = claim(
        claim_id="named",
        value=70112.0,
        bound="exact",  # printed as a plain number, still a floor: names counted one by one
        metric="killed",
        party="Russia",
        source="BBC Russian and Mediazona",
        source_type="independent",
        source_side="third-party",
        genre="named_list",
        as_of="2024-09-20",
    )
    table = compare_estimates(claims_table(official, named))
    assert table.set_index("origin").loc["named", "series"] == "independent_named_list"
    summary = gap_summary(table).iloc[0]
    assert summary["qualifier"] == "at least"
    assert summary["gap_ratio"] == pytest.approx(70112 / 5937)
    assert summary["floor_ratio"] == pytest.approx(70112 / 5937)

    estimate = dict(named, claim_id="estimate", genre="estimate")
    table = compare_estimates(claims_table(official, estimate))
    assert table.set_index("origin").loc["estimate", "series"] == "independent_estimate"
    assert gap_summary(table).iloc[0]["qualifier"] == ""


def test_gap_between_reads_the_bounds_honestly() -> None:
    def row(bound: str, low: float = math.nan, value: float = math.nan, high: float = math.nan):
        return pd.Series({"bound": bound, "low": low, "value": value, "high": high, "genre": ""})

    # A ceiling below a floor: "at least".
    low, high, ratio, qualifier = gap_between(row("upper", high=6000), row("lower", low=111000))
    assert (ratio, qualifier) == (pytest.approx(18.5), "at least")
    # An official floor ("more than") against a range: the gap can only be "at most".
    low, high, ratio, qualifier = gap_between(
        row("lower", low=46000), row("range", low=100000, high=140000)
    )
    assert qualifier == "at most"
    assert (low, high) == (pytest.approx(100000 / 46000), pytest.approx(140000 / 46000))
    # Exact against a range: a ratio range; the float is its conservative end.
    low, high, ratio, qualifier = gap_between(
        row("exact", value=5937), row("range", low=275000, high=325000)
    )
    assert qualifier == "range" and ratio == low == pytest.approx(275000 / 5937)
    # Both open-ended: only a face-value reading.
    assert gap_between(row("lower", low=46000), row("lower", low=60435))[3] == "face value"
    # No usable official number: no ratio.
    assert math.isnan(gap_between(row("exact"), row("exact", value=10))[2])


def test_the_latest_figures_by_as_of_are_compared() -> None:
    def official(claim_id: str, value: float, as_of: str) -> dict[str, Any]:
        return claim(
            claim_id=claim_id,
            value=value,
            metric="killed",
            party="Russia",
            source_type="official",
            source_side="Russia",
            as_of=as_of,
        )

    independent = claim(
        claim_id="ind",
        value=60000.0,
        metric="killed",
        party="Russia",
        source_type="independent",
        source_side="third-party",
        genre="estimate",
        as_of="2023-12",
    )
    table = compare_estimates(
        claims_table(
            official("march", 1351.0, "2022-03-25"),
            official("sept", 5937.0, "2022-09-21"),
            official("undated", 100.0, ""),
            independent,
        )
    )
    assert table.set_index("origin").loc["sept", "gap_role"] == "official"
    assert table["gap_ratio"].iloc[0] == pytest.approx(60000 / 5937)


def test_a_figure_without_any_number_is_left_out() -> None:
    table = compare_estimates(
        claims_table(claim(metric="killed", party="Russia", source_type="official"))
    )
    assert table.empty
    assert list(table.columns[: len(ESTIMATE_COLUMNS)]) == ESTIMATE_COLUMNS


def test_empty_claims_give_empty_tables_and_a_sentence() -> None:
    table = compare_estimates(pd.DataFrame())
    assert table.empty and list(table.columns[: len(ESTIMATE_COLUMNS)]) == ESTIMATE_COLUMNS
    assert gap_summary(table).empty
    assert list(gap_summary(table).columns) == est.SUMMARY_COLUMNS
    assert findings(table) == [
        "No loss figures of a compared metric were found, so there is nothing to compare."
    ]


def test_as_of_dates_are_placed_mid_period() -> None:
    assert est.as_of_date("2022-09-21") == pd.Timestamp(2022, 9, 21)
    assert est.as_of_date("2022-09") == pd.Timestamp(2022, 9, 15)
    assert est.as_of_date("2025") == pd.Timestamp(2025, 7, 1)
    assert pd.isna(est.as_of_date("")) and pd.isna(est.as_of_date("last spring"))


# ---------------------------------------------------------------- the reference file


def test_the_repos_reference_file_reads_with_citations() -> None:
    reference = read_reference(REFERENCE)
    assert len(reference) == 41
    assert reference["row_id"].is_unique
    assert (reference["seen_at_url"].str.startswith("http")).all()
    assert (reference["note"] != "").all()
    assert set(reference["party"]) == {"Russia", "Ukraine"}
    assert set(reference["source_type"]) == {"official", "independent"}
    assert set(reference["bound"]) <= {"exact", "approx", "lower", "upper", "range"}
    by_id = reference.set_index("row_id")
    assert by_id.loc["R03", "value"] == 5937 and by_id.loc["R03", "as_of"] == "2022-09-21"
    # Dead-or-missing is kept out of the killed series.
    assert by_id.loc["U17", "metric"] == "killed_or_missing"
    # A range with a best estimate keeps all three numbers.
    assert tuple(by_id.loc["R07", ["low", "value", "high"]]) == (40000, 47000, 55000)
    assert by_id.loc["R11", "genre"] == "named_list"
    assert by_id.loc["R12", "about_own_side"] == "no"
    assert by_id.loc["R06", "as_of"] == "2023-02"


def test_with_the_reference_russia_compares_5937_with_later_independent_figures() -> None:
    table = compare_estimates(seed_claims(), REFERENCE)
    russia = rows_of(table, "Russia", "killed").set_index("origin")
    assert russia.loc["R03", "gap_role"] == "official"
    independent = russia[russia["gap_role"] == "independent"]
    assert len(independent) == 1
    assert est.as_of_date(independent["as_of"].iloc[0]) > pd.Timestamp(2022, 9, 21)
    assert "5,937 dead (Sergei Shoigu, 2022-09-21)" in russia["gap_note"].iloc[0]
    assert russia["gap_ratio"].iloc[0] > 18.5
    # The claims are still there next to the reference rows.
    assert {"a-ru-6000", "b-ru-111000"} <= set(russia.index)
    assert set(table["origin_kind"]) == {"claim", "reference"}
    # The both-sides figure still stays out of each side's gap.
    assert table.loc[table["party"] == "both", "gap_ratio"].isna().all()
    assert (rows_of(table, "Ukraine", "killed_or_missing")["gap_ratio"].isna()).all()


def test_reference_can_be_given_as_a_table_or_left_out() -> None:
    reference = read_reference(REFERENCE)
    from_table = compare_estimates(seed_claims(), reference)
    from_path = compare_estimates(seed_claims(), str(REFERENCE))
    pd.testing.assert_frame_equal(from_table, from_path)
    assert len(compare_estimates(seed_claims(), "")) == len(compare_estimates(seed_claims()))


def test_a_reference_file_without_a_column_names_the_file_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "estimates.csv"
    pd.read_csv(REFERENCE, dtype=str).drop(columns=["bound"]).to_csv(bad, index=False)
    with pytest.raises(ReferenceError, match=r"estimates\.csv.*lacks column\(s\) bound"):
        read_reference(bad)


def test_a_reference_file_with_a_bad_number_names_the_row(tmp_path: Path) -> None:
    raw = pd.read_csv(REFERENCE, dtype=str, keep_default_na=False)
    raw.loc[raw["row_id"] == "R05", "value"] = "some"
    bad = tmp_path / "typo.csv"
    raw.to_csv(bad, index=False)
    with pytest.raises(ReferenceError, match=r"typo\.csv: column value of row R05"):
        compare_estimates(seed_claims(), bad)


def test_a_missing_or_empty_reference_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nowhere\.csv"):
        read_reference(tmp_path / "nowhere.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ReferenceError, match=r"empty\.csv"):
        read_reference(empty)


@pytest.mark.parametrize(
    ("ratio", "printed"),
    [(18.46, "18.5"), (120.4, "120"), (1234.0, "1,234"), (0.042, "0.042"), (0.5, "0.5")],
)
def test_format_ratio_never_prints_a_small_ratio_as_zero(ratio: float, printed: str) -> None:
    assert est.format_ratio(ratio) == printed
