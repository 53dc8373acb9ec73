"""Sentence splitting: offsets, abbreviations, quotations, paragraphs."""

from __future__ import annotations

import re

import pandas as pd

from lossledger.sentences import (
    paragraph_spans,
    phrase_pattern,
    quote_spans,
    sentence_table,
    split_sentences,
    trie_alternation,
)


def texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_offsets_point_into_the_text():
    text = "  First one.  Second one!\nThird?  "
    for s in split_sentences(text):
        assert text[s.start : s.end] == text[s.start : s.end].strip()
    assert texts(text) == ["First one.", "Second one!", "Third?"]


def test_abbreviations_and_initials_do_not_split():
    text = "Mr. Ivanov met Gen. J. K. Smith in the U.S. on Monday. They talked."
    assert texts(text) == ["Mr. Ivanov met Gen. J. K. Smith in the U.S. on Monday.", "They talked."]


def test_time_of_day_ends_a_sentence_before_a_capital():
    assert texts("The quake hit at 3 a.m. Rescuers arrived later.") == [
        "The quake hit at 3 a.m.",
        "Rescuers arrived later.",
    ]


def test_quotation_and_its_speaker_stay_together():
    text = "“We lost 30 people. Many more are missing,” the mayor said. Aid came."
    assert texts(text) == [
        "“We lost 30 people. Many more are missing,” the mayor said.",
        "Aid came.",
    ]


def test_sentence_ends_after_closing_quote():
    text = "He said: “I am grateful.” He confirmed the total."
    assert texts(text) == ["He said: “I am grateful.”", "He confirmed the total."]


def test_lines_are_paragraphs_without_blank_lines():
    text = "Headline without a stop\nBody sentence one. Body two.\nAnother line"
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == [
        "Headline without a stop",
        "Body sentence one.",
        "Body two.",
        "Another line",
    ]
    assert [s.paragraph for s in sentences] == [0, 1, 1, 2]


def test_hard_wrapped_text_with_blank_lines_is_joined():
    text = "The ministry said the bodies of\n1,200 soldiers were returned.\n\nNext paragraph."
    sentences = split_sentences(text)
    assert len(sentences) == 2
    assert sentences[0].paragraph == 0 and sentences[1].paragraph == 1


def test_empty_and_odd_input():
    assert split_sentences("") == []
    assert split_sentences("   \n\n  ") == []
    assert split_sentences(None) == []  # type: ignore[arg-type]
    assert texts("...") == ["..."]


def test_paragraph_spans_trim_whitespace():
    text = "\n  One.\n\n\n Two. \n"
    assert [text[a:b] for a, b in paragraph_spans(text)] == ["One.", "Two."]


def test_quote_spans_pair_curly_and_straight_marks():
    text = 'He said “first words” and "second words" then “unclosed'
    spans = quote_spans(text)
    inner = [text[q.open + 1 : q.close] for q in spans]
    assert inner == ["first words", "second words", "unclosed"]
    assert [q.closed for q in spans] == [True, True, False]


def test_sentence_table_has_one_row_per_sentence():
    articles = pd.DataFrame({"article_id": ["a", "b"], "text": ["One. Two.", None]})
    table = sentence_table(articles)
    assert list(table["sentence"]) == ["One.", "Two."]
    assert list(table.columns) == ["article_id", "index", "paragraph", "start", "end", "sentence"]


def test_phrase_pattern_whole_words_longest_first():
    pattern = phrase_pattern(["death", "death toll", "injur*"])
    found = [m.group() for m in pattern.finditer("The death toll; deaths; injured; uninjured")]
    assert found == ["death toll", "injured"]
    assert phrase_pattern([]).search("anything") is None


def test_trie_alternation_matches_the_same_as_a_plain_alternation():
    words = ["kill", "killed", "killing", "kin", "wound", "wounded", "war crimes"]
    trie = re.compile(r"\b(?:" + trie_alternation(words) + r")\b")
    text = "killed kin killing wounded war  crimes kill wound"
    assert [m.group() for m in trie.finditer(text)] == [
        "killed",
        "kin",
        "killing",
        "wounded",
        "war  crimes",
        "kill",
        "wound",
    ]


def test_phrase_patterns_treat_both_apostrophes_alike():
    pattern = phrase_pattern(["Cox's Bazar"])
    assert pattern.search("camps near Cox’s Bazar were hit")
    assert pattern.search("camps near Cox's Bazar were hit")


def test_a_byline_under_a_headline_is_not_part_of_it():
    text = "Shelling kills 12 in border town\nValley Herald | Lviv desk | 3 May 2025\n\nBody."
    assert texts(text)[:2] == [
        "Shelling kills 12 in border town",
        "Valley Herald | Lviv desk | 3 May 2025",
    ]
