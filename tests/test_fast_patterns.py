"""The faster forms of the word-list patterns match exactly what the plain forms match.

Extraction speed leans on two rewrites of a pattern: the boundary check placed after a
phrase's first letter (``trie_alternation(not_after=...)``), and a case-sensitive scan
of lower-cased text (``phrase_scanner``). Both must find the same spans.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lossledger.attribution import attribute_article, find_frames
from lossledger.sentences import (
    fold_case,
    key_words,
    lowered_same_length,
    phrase_pattern,
    phrase_scanner,
    quote_spans,
    split_sentences,
    trie_alternation,
)

NAMES = ["Kyiv", "Kharkiv", "Russia", "Russian", "Red Cross", "UN", "U.N.", "Al-Shifa", "Éire"]
PHRASES = [
    "said",
    "told",
    "according to",
    "stated",
    "says",
    "estimate*",
    "Al Jazeera",
    "Cox's Bazar",
]
# Letters and the characters a boundary check cares about, mixed so names are often hit.
# The last four letters are ones that ignoring case equates with ASCII ones.
LETTERS = "KkyivRrusaUNnCco.-_' ’\n1ÉéıſİK"
ALPHABET = st.sampled_from([*LETTERS, "Kyiv", "Russia", "said", "According to", " ", "Cox’s Bazar"])


def plain(phrases: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + trie_alternation(phrases) + r")(?![\w-])")


def guarded(phrases: list[str]) -> re.Pattern:
    return re.compile(r"(?:" + trie_alternation(phrases, not_after=r"[\w-]") + r")(?![\w-])")


def spans(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None) -> list:
    return [m.span() for m in pattern.finditer(text, start, len(text) if end is None else end)]


def test_guarded_names_need_a_boundary_before_them():
    pattern = guarded(NAMES)
    assert spans(pattern, "Kyiv and Russia") == [(0, 4), (9, 15)]
    assert spans(pattern, "xKyiv, pro-Russia, _UN") == []
    # The check looks before a window's start, as a look-behind does.
    assert spans(pattern, "aKyiv", 1) == []
    assert spans(pattern, " Kyiv", 1) == [(1, 5)]


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join), st.integers(0, 5))
def test_guarded_and_plain_patterns_find_the_same_spans(text: str, start: int):
    start = min(start, len(text))
    assert spans(guarded(NAMES), text, start) == spans(plain(NAMES), text, start)


def test_folding_keeps_offsets_and_what_ignoring_case_finds():
    assert lowered_same_length("Said KYIV") == "said kyiv"
    # "İ" alone lower-cases to two characters; folded, it is one "i", like "ı" and "ſ",
    # which ignoring case equates with "i" and "s".
    assert fold_case("İstanbul saıd ſo") == "istanbul said so"
    assert lowered_same_length("İstanbul officials said") == "istanbul officials said"
    assert phrase_pattern(["said"]).search("Officials saıd") is not None
    # A Greek final sigma is sigma to the engine, but not to lower-casing: such a text
    # is read as it is by word lists that might hold Greek.
    assert lowered_same_length("Officials in Patras said so") is not None
    assert lowered_same_length("Officials in Πάτρας said so") is None


def frames_of(text: str) -> list[tuple[int, int, int, str]]:
    sentences = split_sentences(text)
    quotes = [(q.open, q.close) for q in quote_spans(text, 0, len(text))]
    return [
        (f.np_start, f.np_end, f.verb_start, f.how)
        for s in sentences
        for f in find_frames(text, s, quotes)
    ]


def test_frames_keep_their_offsets_in_text_lower_casing_would_stretch():
    plain_text = "Officials in Izmir said 12 people died. According to the governor, 3 were hurt."
    dotted = plain_text.replace("Izmir", "İzmir")  # "İ".lower() is two characters
    greek = plain_text.replace("Izmir", "Άργος")  # read without the lower-cased copy
    assert frames_of(dotted) == frames_of(plain_text) == frames_of(greek)
    assert frames_of(dotted)[0] == (0, len("Officials in İzmir"), 19, "verb")
    assert attribute_article(dotted, split_sentences(dotted), []).frames[1][0].how == "according"


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, min_size=30, max_size=120).map("".join), st.integers(0, 8))
def test_scanner_finds_what_the_case_insensitive_pattern_finds(words: str, start: int):
    text = words * 4  # long enough to be read as an article, from its lower-cased copy
    scanner = phrase_scanner(PHRASES)
    plain = phrase_pattern(PHRASES)
    for end in (len(text), len(text) - 3, start + 60):
        expected = [
            (m.start(), m.end(), m.group().lower()) for m in plain.finditer(text, start, end)
        ]
        assert scanner.hits(text, start, end) == expected
        assert scanner.found(text, start, end) == bool(expected)


def test_scanner_finds_words_written_with_letters_that_fold():
    scanner = phrase_scanner(["said"])
    text = "Officials saıd that " * 20  # dotless i: equal to "i" when case is ignored
    assert scanner.found(text, 0, len(text))
    # Found where ignoring case finds it, and given as the text writes it.
    assert scanner.hits(text, 0, 60) == [(10, 14, "saıd"), (30, 34, "saıd"), (50, 54, "saıd")]
    greek = "Officials in Πάτρας SAID that " * 10
    assert scanner.hits(greek, 0, 60) == [(20, 24, "said"), (50, 54, "said")]


def test_scanner_key_words_rule_windows_out_only_when_no_phrase_can_be_there():
    scanner = phrase_scanner(["a count by", "exchange", "exchanges", "swap*", "Cox's Bazar"])
    assert scanner.keys == ("bazar", "count", "exchange", "swap")
    text = "Officials in Cox’s Bazar said the swapping of 90 went on. " * 6
    assert scanner.hits(text, 0, 60) == [(13, 24, "cox’s bazar"), (34, 42, "swapping")]
    assert not scanner.found(text, 24, 34)  # " said the " holds no key word
    # A long list gets no key words: testing them would cost more than the scan.
    assert phrase_scanner([f"w{n:02d}q" for n in range(40)]).keys is None
    # Nor does a list with a phrase that has no word to key on: no window is ruled out.
    assert key_words(["said", "*"]) == ()
    assert phrase_scanner(["said", "*"]).keys is None
