"""as_of: every rule in timeref's docstring, against a publication date."""

from __future__ import annotations

import pytest

from lossledger.timeref import choose_as_of, default_as_of, find_time_refs, parse_published

PUB = "2025-06-15"  # a Sunday


def as_of(sentence: str, number: str, published: str = PUB) -> str:
    refs = find_time_refs(sentence, published)
    start = sentence.index(number)
    return choose_as_of(refs, start, start + len(number), None, published)


@pytest.mark.parametrize(
    ("sentence", "number", "expected"),
    [
        ("Officials confirmed 1,200 bodies on Sunday.", "1,200", "2025-06-15"),
        ("Officials confirmed 1,200 bodies on Friday.", "1,200", "2025-06-13"),
        ("He confirmed 4,812 bodies had been returned this week.", "4,812", "2025-06-15"),
        ("Talks earlier this month led to 1,200 returns.", "1,200", "2025-06"),
        ("Last month 1,200 bodies were returned.", "1,200", "2025-05"),
        ("In a statement earlier this year he said 46,000 died.", "46,000", "2025"),
        ("Last year 46,000 died.", "46,000", "2024"),
        ("Yesterday 12 people died.", "12", "2025-06-14"),
        ("In September 2022 it said 5,937 had died.", "5,937", "2022-09"),
        ("On 21 September 2022 it said 5,937 had died.", "5,937", "2022-09-21"),
        ("On June 2 the sides agreed to return 6,000 bodies.", "6,000", "2025-06-02"),
        ("The 2023 earthquake killed 50,000 people.", "50,000", "2023"),
        ("Since 1939, when a quake killed 33,000 people, none was worse.", "33,000", "1939"),
    ],
)
def test_expressions_resolve_with_their_precision(sentence, number, expected):
    assert as_of(sentence, number) == expected


def test_since_a_date_is_a_running_period():
    sentence = "Since the invasion in February 2022, 46,000 soldiers have died."
    assert as_of(sentence, "46,000") == "2025-06"


def test_since_a_date_when_pins_the_figure_to_that_date():
    sentence = "It has not updated its count since September 2022, when it said 6,000 had died."
    assert as_of(sentence, "6,000") == "2022-09"


def test_no_expression_gives_the_publication_month():
    assert as_of("Reports suggest 6,000 bodies will be returned.", "6,000") == "2025-06"
    assert default_as_of("") == ""
    assert default_as_of("not a date") == ""


def test_without_publication_date_relative_words_resolve_to_nothing():
    assert as_of("He said on Sunday that 1,200 died.", "1,200", published="") == ""
    assert as_of("In September 2022 it said 5,937 had died.", "5,937", published="") == "2022-09"


def test_a_day_later_than_publication_goes_to_the_year_before():
    assert as_of("On December 20 some 300 died.", "300", published="2025-01-05") == "2024-12-20"


def test_statement_date_beats_event_date_of_the_same_kind():
    sentence = "The toll from Monday's earthquake has risen to 14,014, the agency said on Thursday."
    refs = find_time_refs(sentence, "2023-02-09")
    start = sentence.index("14,014")
    said = sentence.index("the agency")
    statement = (said, said + len("the agency said"))
    assert choose_as_of(refs, start, start + 6, None, "2023-02-09", statement) == "2023-02-09"


def test_clause_refs_win_over_the_rest_of_the_sentence():
    sentence = "In 2023, 500 died, and this year 700 died."
    refs = find_time_refs(sentence, PUB)
    start = sentence.index("700")
    window = (sentence.index("and"), len(sentence))
    assert choose_as_of(refs, start, start + 3, window, PUB) == "2025"


def test_may_the_verb_is_not_a_month():
    assert find_time_refs("The toll may 2 rise.", PUB) == []


def test_odd_input_never_raises():
    assert find_time_refs("", PUB) == []
    assert find_time_refs(None, PUB) == []  # type: ignore[arg-type]
    # An impossible day falls back to the month it names.
    assert [r.value for r in find_time_refs("On 31 February 2025 nothing.", PUB)] == ["2025-02"]
    assert parse_published("2025-06-15T10:00:00") is not None


@pytest.mark.parametrize(
    ("sentence", "number", "published", "expected"),
    [
        ("Some 480 people were killed between January and March.", "480", "2025-07-10", "2025-03"),
        ("More than 90,000 were displaced in January alone.", "90,000", "2025-02-05", "2025-01"),
        ("About 3,000 fled in November.", "3,000", "2025-02-05", "2024-11"),
        ("It put deaths by the end of 2024 at 70,000.", "70,000", "2025-10-31", "2024-12"),
        ("More than 800 people died at sea so far this year.", "800", "2025-09-03", "2025-09"),
    ],
)
def test_month_periods_and_running_totals(sentence, number, published, expected):
    assert as_of(sentence, number, published) == expected


def test_when_a_total_was_given_beats_a_running_period_in_its_clause():
    sentence = "The mission said last month that 500 were killed and 900 injured since 2022."
    refs = find_time_refs(sentence, PUB)
    start = sentence.index("900")
    clause = (sentence.index("900"), len(sentence))
    assert choose_as_of(refs, start, start + 3, clause, PUB) == "2025-05"
