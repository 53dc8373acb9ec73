"""The claims table: contract, seeds and handmade gold, one test per pattern, robustness."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lossledger.claims import OUTPUT_COLUMNS, claim_id, extract_claims
from lossledger.evaluate import evaluate, read_gold
from lossledger.schema import BOUNDS, CLAIM_COLUMNS, GENRES, METRICS, SOURCE_TYPES

DATA = Path(__file__).parent / "data"


def load_folder(folder: Path) -> pd.DataFrame:
    """A tiny stand-in for the loader: .txt files plus sources.csv metadata."""
    meta: dict[str, dict[str, str]] = {}
    sources = folder / "sources.csv"
    if sources.exists():
        with sources.open(encoding="utf-8", newline="") as fh:
            meta = {row["file"]: row for row in csv.DictReader(fh)}
    rows = []
    for path in sorted(folder.glob("*.txt")):
        info = meta.get(path.name, {})
        rows.append(
            {
                "article_id": path.stem,
                "text": path.read_text(encoding="utf-8"),
                "outlet": info.get("outlet", ""),
                "published": info.get("published", ""),
            }
        )
    return pd.DataFrame(rows)


def claims_of(text: str, published: str = "2025-06-15") -> pd.DataFrame:
    return extract_claims(pd.DataFrame([{"article_id": "t", "text": text, "published": published}]))


def figure(text: str, number: str, published: str = "2025-06-15") -> dict:
    table = claims_of(text, published)
    rows = table[(table["kind"] == "figure") & table["text"].str.contains(number, regex=False)]
    assert len(rows) == 1, f"{number!r} not found once in {list(table['text'])}"
    return rows.iloc[0].to_dict()


def figure_texts(text: str) -> list[str]:
    table = claims_of(text)
    return list(table.loc[table["kind"] == "figure", "text"])


# --- contract ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_claims() -> pd.DataFrame:
    return extract_claims(load_folder(DATA / "seeds"))


def test_columns_are_the_contract_then_extras(seed_claims):
    assert list(seed_claims.columns[: len(CLAIM_COLUMNS)]) == CLAIM_COLUMNS
    assert list(seed_claims.columns) == OUTPUT_COLUMNS


def test_rows_sorted_by_article_then_start(seed_claims):
    keys = list(zip(seed_claims["article_id"], seed_claims["start"], strict=True))
    assert keys == sorted(keys)


def test_vocabularies(seed_claims):
    figures = seed_claims[seed_claims["kind"] == "figure"]
    assert set(figures["bound"]) <= set(BOUNDS)
    assert set(figures["metric"]) <= set(METRICS)
    assert set(seed_claims["source_type"]) <= set(SOURCE_TYPES)
    assert set(figures["genre"]) <= set(GENRES)
    unattributed = seed_claims["source_type"] == "unattributed"
    assert (unattributed == (seed_claims["source"] == "")).all()


def test_text_is_the_expression_at_start_end(seed_claims):
    articles = load_folder(DATA / "seeds").set_index("article_id")["text"]
    for row in seed_claims.itertuples():
        assert articles[row.article_id][row.start : row.end] == row.text


def test_quotes_have_no_number_and_a_speaker(seed_claims):
    quotes = seed_claims[seed_claims["kind"] == "quote"]
    assert len(quotes) >= 4
    assert quotes["value"].isna().all() and (quotes["bound"] == "").all()
    grateful = quotes[quotes["text"].str.startswith("I am grateful")]
    assert set(grateful["source"]) == {"Rustem Umerov"}
    # The two outlets credit the same quotation to different speakers.
    another = quotes[quotes["text"].str.startswith("Another 1,200")]
    assert set(another["source_side"]) == {"Russia", "Ukraine"}


def test_claim_ids_are_stable_and_span_specific(seed_claims):
    again = extract_claims(load_folder(DATA / "seeds"))
    assert list(again["claim_id"]) == list(seed_claims["claim_id"])
    assert seed_claims["claim_id"].is_unique
    assert claim_id("abc", "figure", 1, 2) != claim_id("abc", "figure", 1, 3)
    assert len(claim_id("abc", "quote", 1, 2)) == 16


def test_empty_inputs():
    assert list(extract_claims(pd.DataFrame()).columns) == OUTPUT_COLUMNS
    assert extract_claims(pd.DataFrame({"article_id": ["a"], "text": [""]})).empty
    assert extract_claims(pd.DataFrame({"article_id": ["a"], "text": [None]})).empty


# --- gold ----------------------------------------------------------------------------------


def test_seed_gold_thresholds(seed_claims):
    result = evaluate(seed_claims, read_gold(DATA / "gold" / "seeds_gold.jsonl"))
    assert result.recall == 1.0, result.misses
    assert result.precision >= 0.9, result.false_positives
    for field, score in result.fields.items():
        assert score >= 0.9, (field, result.field_errors)


def test_handmade_gold_thresholds():
    claims = extract_claims(load_folder(DATA / "handmade"))
    result = evaluate(claims, read_gold(DATA / "handmade" / "handmade_gold.jsonl"))
    assert result.n_gold >= 60
    assert result.recall >= 0.9, result.misses
    assert result.precision >= 0.9, result.false_positives
    for field, score in result.fields.items():
        assert score >= 0.85, (field, result.field_errors)


def test_handmade_articles_are_documented():
    folder = DATA / "handmade"
    with (folder / "sources.csv").open(encoding="utf-8", newline="") as fh:
        listed = {row["file"] for row in csv.DictReader(fh)}
    files = {p.name for p in folder.glob("*.txt")}
    assert files == listed and len(files) >= 6


# --- not claims ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The talks between the two countries resumed in 2023.",
        "After three rounds of talks, nothing changed along the 1,000 km front.",
        "Aid worth $2 billion arrived; prices rose 40% in 2024.",
        "The magnitude 7.8 quake hit at 4 a.m. on 6 February.",
        "A 10-year-old girl was pulled alive from the rubble after 90 hours.",
        "Rafah had about 275,000 residents before the war.",
        "Resolution 2334 was adopted; the 47th Brigade held the line.",
        "Two dams burst and 40 trucks were stuck at three crossings.",
    ],
)
def test_numbers_not_about_people_are_not_claims(text):
    assert figure_texts(text) == []


# --- metric and party ------------------------------------------------------------------------


def test_killed_and_wounded_in_one_sentence_share_the_party():
    text = "He said over 46,000 Ukrainian soldiers have died and some 380,000 were hurt."
    killed, hurt = figure(text, "46,000"), figure(text, "380,000")
    assert (killed["metric"], killed["party"], killed["bound"]) == ("killed", "Ukraine", "lower")
    assert (hurt["metric"], hurt["party"], hurt["bound"]) == ("wounded", "Ukraine", "approx")


def test_combined_losses_are_casualties_of_both():
    text = "Independent estimates place the combined military losses between 150,000 and 300,000."
    row = figure(text, "150,000")
    assert (row["metric"], row["party"], row["bound"]) == ("casualties", "both", "range")
    assert (row["low"], row["high"]) == (150000.0, 300000.0) and math.isnan(row["value"])
    assert row["genre"] == "estimate"


def test_bodies_returned_count_the_receiving_side():
    text = "Russia has handed over the bodies of 1,200 fallen soldiers to Ukraine, officials said."
    row = figure(text, "1,200")
    assert (row["metric"], row["party"]) == ("bodies_returned", "Ukraine")


def test_bodies_handed_over_by_a_side_are_its_opponents():
    row = figure("Kyiv handed over 19 bodies on Saturday, officials said.", "19")
    assert (row["metric"], row["party"]) == ("bodies_returned", "Russia")


def test_bodies_without_a_return_are_dead():
    row = figure("Rescuers pulled 23 bodies from the rubble in Mandalay.", "23")
    assert (row["metric"], row["party"]) == ("killed", "Myanmar")


def test_prisoner_swap():
    row = figure("The two sides exchanged 175 prisoners each, the ministry said.", "175")
    assert (row["metric"], row["party"]) == ("prisoners_exchanged", "both")


def test_attacker_is_not_the_counted_party():
    row = figure("Russian missiles killed at least 41 people on Monday, officials said.", "41")
    assert row["party"] == "Ukraine"
    row = figure("Israeli strikes killed 72 people in Khan Younis, the ministry said.", "72")
    assert row["party"] == "Palestinians"


def test_subset_takes_the_metric_of_the_whole():
    text = "The strike killed 41 people, including 12 children, officials said."
    assert figure(text, "12")["metric"] == "killed"


def test_of_its_soldiers_is_the_subject():
    text = "Russia said in September 2022 that fewer than 6,000 of its soldiers had perished."
    row = figure(text, "6,000")
    assert (row["party"], row["bound"], row["as_of"]) == ("Russia", "upper", "2022-09")


def test_its_in_the_frame_part_of_the_clause_still_names_the_subject():
    text = (
        "Russia has not disclosed the number of its military fatalities since "
        "September 2022, when it reported that fewer than 6,000 soldiers had died."
    )
    row = figure(text, "6,000")
    assert (row["party"], row["source"], row["as_of"]) == ("Russia", "Russia", "2022-09")


def test_displaced_people_are_other():
    row = figure("The UN says more than 10 million people have been displaced inside Sudan.", "10")
    assert (row["metric"], row["party"], row["source_type"]) == ("other", "Sudan", "independent")


def test_missing():
    assert figure("Another 10,000 people are missing, the Red Cross said.", "10,000")["metric"] == (
        "missing"
    )


# --- genre --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "number", "genre"),
    [
        (
            "Reports suggest Moscow plans to return as many as 6,000 Ukrainian bodies.",
            "6,000",
            "plan",
        ),
        ("Officials warned that the number of dead could reach 20,000.", "20,000", "projection"),
        (
            "Mediazona has identified the names of 111,000 dead Russian soldiers.",
            "111,000",
            "named_list",
        ),
        ("The UN estimated that 576,000 people faced famine.", "576,000", "estimate"),
        ("The ministry said 72 people were killed.", "72", "count"),
    ],
)
def test_genre(text, number, genre):
    assert figure(text, number)["genre"] == genre


def test_named_list_by_media_is_an_independent_count():
    row = figure("The BBC has identified the names of 95,000 Russian soldiers killed.", "95,000")
    assert (row["source_type"], row["source_side"]) == ("independent", "third-party")


def test_unattributed_figure():
    row = figure("At least 10 workers were killed when the tower collapsed in Bangkok.", "10")
    assert (row["source"], row["source_type"], row["source_side"]) == ("", "unattributed", "")
    assert row["party"] == "Thailand"


def test_origin_column():
    row = figure("President Volodymyr Zelenskyy told NBC that 46,000 soldiers died.", "46,000")
    assert row["origin"] == "told NBC"


# --- robustness --------------------------------------------------------------------------------

ODD = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    max_size=400,
) | st.lists(
    st.sampled_from(
        [
            "Russia said",
            " 1,200 ",
            "“",
            "”",
            '"',
            "\n",
            "\n\n",
            " killed ",
            "bodies of",
            " to Ukraine",
            "Mr.",
            "U.S.",
            ", confirmed officials in Kyiv",
            "between 5 and",
            "according to",
            " he said.",
            "\x00",
            "\u200b",
            "قتل 40 شخصا",
            "погибли 300",
            "死亡 20 人",
            "since September 2022, when",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ODD, published=st.sampled_from(["", "2025-06-15", "garbage", "2025-02-30"]))
def test_never_raises_on_odd_text(text, published):
    table = extract_claims(
        pd.DataFrame([{"article_id": "x", "text": text, "published": published, "outlet": None}])
    )
    assert list(table.columns) == OUTPUT_COLUMNS
    for row in table.itertuples():
        assert text[row.start : row.end] == row.text


def test_huge_text_does_not_raise():
    text = ("Officials said 40 people were killed. " * 3000) + ("x" * 200_000)
    table = claims_of(text)
    assert (table["kind"] == "figure").sum() == 3000


# --- rules learnt from the blind set (sentences written fresh, not copied) ----------------


def test_vague_amount_is_a_floor_claim():
    row = figure("Air strikes killed dozens of people in the town on Sunday.", "dozens")
    assert (row["bound"], row["low"], row["metric"]) == ("lower", 24.0, "killed")


def test_a_dozen_is_approximate():
    row = figure("A dozen people were injured when the roof fell.", "dozen")
    assert (row["bound"], row["value"], row["metric"]) == ("approx", 12.0, "wounded")


def test_spelled_out_number_opening_a_sentence_keeps_its_metric():
    text = (
        "The blast hit a market. "
        "Fourteen people are in hospital, two of them in critical condition."
    )
    assert figure(text, "Fourteen")["metric"] == "wounded"
    assert figure(text, "two")["metric"] == "wounded"


def test_a_number_that_is_not_a_claim_does_not_cut_the_clause():
    row = figure("Six members of one household drowned when the river rose.", "Six")
    assert row["metric"] == "killed"


def test_one_hedge_covers_two_coordinated_figures():
    text = "At least 40 people were killed and 75 injured in the attack."
    row = figure(text, "75")
    assert (row["bound"], row["low"], row["metric"]) == ("lower", 75.0, "wounded")
    text = "At least 40 people were killed and another 75 injured in the attack."
    assert figure(text, "75")["bound"] == "exact"


def test_a_verb_of_crossing_a_mark_makes_a_floor():
    assert figure("The death toll passed 2,000 on Monday.", "2,000")["bound"] == "lower"


def test_a_year_is_never_the_low_end_of_a_range():
    text = "That brings the number of people killed since March 2022 to 10,500, officials said."
    row = figure(text, "10,500")
    assert (row["bound"], row["value"], row["metric"]) == ("exact", 10500.0, "killed")


def test_people_freed_in_a_swap_are_prisoners_exchanged():
    text = (
        "The two countries carried out a prisoner swap on Sunday. "
        "The 150 soldiers freed included 20 officers, the army said."
    )
    assert figure(text, "150")["metric"] == "prisoners_exchanged"
    assert figure(text, "20")["metric"] == "prisoners_exchanged"


def test_freed_without_a_swap_is_not_an_exchange():
    row = figure("Police freed 30 people from the building.", "30")
    assert row["metric"] != "prisoners_exchanged"


def test_died_or_went_missing_is_casualties():
    row = figure("More than 900 people died or went missing on the route this year.", "900")
    assert row["metric"] == "casualties"


@pytest.mark.parametrize(
    "text",
    [
        "More than 300 rescuers were deployed to the site overnight.",
        "Aid groups delivered food for 20,000 people in the camp.",
        "There is one nurse for every 200 patients in the ward.",
        "Between 90 and 110 people had boarded the ferry before dawn.",
        "Officials said one in five residents had been affected.",
    ],
)
def test_counts_of_people_that_are_not_losses_are_not_claims(text):
    assert figure_texts(text) == []


def test_shelling_on_a_place_counts_the_people_of_that_place():
    row = figure("Artillery fire on Mariupol killed 9 people, officials said.", "9")
    assert row["party"] == "Ukraine"


def test_the_possessor_of_attacking_fighters_is_not_the_counted_party():
    row = figure("The RSF said its fighters had killed 50 soldiers in clashes.", "50")
    assert row["party"] != "RSF"


def test_forces_that_lost_troops_are_the_counted_party():
    row = figure("Kyiv said Russian forces had lost 500 troops in a day.", "500")
    assert row["party"] == "Russia"


def test_places_on_a_migrant_route_are_not_the_party():
    text = "A boat carrying migrants from Tunisia capsized off Italy, and 30 people drowned."
    assert figure(text, "30")["party"] == ""


def test_a_military_reporting_soldiers_killed_counts_its_own():
    text = "The Israeli military said 12 soldiers have been killed in Gaza this month."
    assert figure(text, "12")["party"] == "Israel"


def test_captured_soldiers_are_not_the_speakers_own():
    text = "An M23 spokesman said the rebels had captured 300 soldiers near the lake."
    assert figure(text, "300")["party"] != "M23"


def test_swap_each_counts_both_sides():
    text = "Kyiv and Moscow exchanged 200 prisoners of war each, officials said."
    assert figure(text, "200")["party"] == "both"


def test_official_without_a_side_speaks_for_the_people_it_counts():
    row = figure("Local officials said 40 people died in Herat.", "40")
    assert (row["source_type"], row["source_side"]) == ("official", "Afghanistan")


def test_outside_officials_keep_an_empty_side():
    row = figure("Western officials estimate that 9,000 Russian soldiers died.", "9,000")
    assert (row["source_type"], row["source_side"]) == ("official", "")


# --- rules learned from the second blind set (own sentences, same patterns) ------------------


def test_a_relative_clause_holding_a_quoted_word_does_not_hide_the_speaker():
    row = figure(
        'A captain of Ukraine\'s 47th Mechanised Brigade, who goes by the name "Vega", '
        "told a news agency that his company had lost three men killed.",
        "three",
    )
    assert row["source_type"] == "official"
    assert row["source_side"] == "Ukraine"
    assert "47th Mechanised Brigade" in row["source"]


def test_told_is_never_followed_by_its_speaker():
    row = figure(
        "A nurse at the clinic, who asked not to be named, told Radio Dabanga that 12 "
        "patients had died overnight.",
        "12",
    )
    assert row["source"] != "Radio Dabanga"


def test_a_pronoun_after_a_noun_is_the_subject():
    text = (
        "The coalition set up a review board. In a 2021 report it concluded that 40 "
        "civilians had died in the strikes."
    )
    assert "report" not in figure(text, "40")["source"]


def test_a_tool_run_by_an_organisation_is_that_organisation():
    row = figure(
        "Deaths reached 940, according to the mortality tracker run by the National "
        "Statistics Institute.",
        "940",
    )
    assert row["source"] == "National Statistics Institute"


def test_it_said_after_a_sentence_opened_by_a_named_monitor():
    text = (
        "Fighting resumed near the border town of Qusayr. The Syrian Observatory for Human "
        "Rights, a monitor based abroad, gave a different picture. It said 64 people had "
        "been killed."
    )
    row = figure(text, "64")
    assert row["source"] == "Syrian Observatory for Human Rights"
    assert row["source_type"] == "independent"


def test_a_statement_after_a_semicolon_does_not_reach_back():
    row = figure("Drone strike on Sumy kills five; UN says May was the worst month.", "five")
    assert row["source_type"] == "unattributed"
    assert row["party"] == "Ukraine"  # Sumy is where the strike fell, not who struck


def test_a_subset_counts_the_same_people_as_its_total():
    row = figure(
        "Moscow said Ukraine had lost more than 3,000 troops since its forces crossed the "
        "border near Belgorod, including up to 190 in the past day.",
        "190",
    )
    assert row["party"] == "Ukraine"


def test_a_regions_governor_counts_the_regions_people():
    row = figure(
        "The Belgorod region's governor said on Telegram that 9 civilians had been killed.", "9"
    )
    assert row["party"] == "Russia"


def test_a_headline_without_a_party_takes_the_party_the_story_is_about():
    text = (
        "Flood deaths climb past 210\n\n"
        "Rescuers in Pakistan pulled more bodies from the mud on Sunday. Pakistan's disaster "
        "agency said the rains would continue. Officials in Karachi and Lahore urged calm."
    )
    assert figure(text, "210")["party"] == "Pakistan"


def test_no_story_party_when_two_sides_are_named():
    text = (
        "Shelling toll rises to 44\n\n"
        "Russia and Ukraine traded blame. Ukrainian officials said Russian guns fired first."
    )
    assert figure(text, "44")["party"] == ""


@pytest.mark.parametrize(
    ("sentence", "number", "metric"),
    [
        ("The army said troops had repelled the raid, killing 37 insurgents.", "37", "killed"),
        ("Monitors documented as many as 2,600 killings in the state.", "2,600", "killed"),
        ("The toll had risen to 2,367 killed and 10,984 wounded.", "2,367", "killed"),
        ("Six of its peacekeepers were hurt when a shell hit the base.", "Six", "wounded"),
        ("At least 17 people have been treated for burns.", "17", "wounded"),
        ("In the ambush nine of our soldiers were martyred.", "nine", "killed"),
    ],
)
def test_people_nouns_and_loss_words_seen_in_unseen_text(sentence, number, metric):
    assert figure(sentence, number)["metric"] == metric


def test_the_second_of_two_ages_is_not_a_count():
    assert figure_texts("The fire killed two volunteers, aged 35 and 52, on Tuesday.") == ["two"]


def test_a_number_passed_to_code_is_not_a_count():
    assert figure_texts("Troops were killed <svg onload=alert(8)> near the river.") == []


def test_the_counted_noun_names_the_metric_before_nearer_cues():
    row = figure(
        "Health officials logged 31,000 suspected measles cases and 412 associated deaths.",
        "412",
    )
    assert row["metric"] == "killed"


def test_a_restated_figure_keeps_the_metric_of_the_one_before():
    row = figure(
        "The monitor counts between 20,000 and 30,000 battle deaths, with a best estimate "
        "of 24,500.",
        "24,500",
    )
    assert row["metric"] == "killed"


def test_a_loss_word_right_after_a_number_makes_it_a_count_of_people():
    assert (
        figure("Three years on, 9 million uprooted and no end in sight", "9 million")["metric"]
        == "other"
    )


def test_a_singular_demonym_before_a_thing_is_not_a_people_count():
    assert figure_texts("Air defences downed 64 Russian attack drones overnight.") == []


def test_an_unknown_fate_is_a_missing_count():
    row = figure("The fate of 37 fishermen from the village remains unknown.", "37")
    assert row["metric"] == "missing"


def test_a_country_inside_a_sources_name_is_not_whose_losses():
    text = (
        "Quake toll in eastern Turkey reaches 120\n\n"
        "The US Geological Survey put the likely toll at between 100 and 1,000 deaths."
    )
    assert figure(text, "100 and 1,000")["party"] != "United States"


def test_residents_of_a_named_place_are_that_places_people():
    row = figure(
        "As a result of attacks of the Ukrainian side, 41 civilian residents of the "
        "Belgorod region have died, the regional ministry reported.",
        "41",
    )
    assert row["party"] == "Russia"
