"""Property tests of the number layer: invariants that hold for any input.

Hypothesis generates arbitrary text and text built from number-like fragments; the
properties are the contract of ``find_numbers``: it never raises, offsets slice back,
output is sorted and non-overlapping, the bound fills the value columns as specified,
and printed integers, spelled-out integers and ranges read back to their value.
"""

from __future__ import annotations

import math
import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lossledger.numbers import NumberMention, find_numbers

# NUMBERS_MAX_EXAMPLES=20000 runs a long soak locally; the default keeps the suite quick.
SETTINGS = settings(
    max_examples=int(os.environ.get("NUMBERS_MAX_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Pieces that exercise every path of the parser and the context rules.
FRAGMENTS = [
    # digits, separators and scales
    "0", "1", "7", "12", "31", "46", "100", "999", "1,200", "46,000", "2,345,678", "1.5",
    ".8", "2022", "1948", "2000", "46 000", "46\u2009000", "46\u202f000", "46\u00a0000",
    "k", "m", "bn", "M", "MM", "%", "+", "-", "–", "~", "/", ":", ".", ",", "'", '"',
    "“", "”", "‘", "’", "$", "€", "£", "₴",
    # white space, including kinds a number must not run across
    " ", " ", " ", "\n", "\t", "\u00a0",
    # number words, vague words, hedges and cues
    "one", "Two", "three", "twelve", "twenty", "ninety", "hundred", "thousand", "million",
    "billion", "lakh", "crore", "dozen", "dozens", "a", "an", "and", "half", "quarter",
    "quarters", "of", "point", "minus", "tens", "hundreds", "thousands", "scores",
    "several", "over", "between", "from", "to", "handed", "took", "aged", "June", "May",
    "in", "since", "pm", "am", "GMT", "st", "th", "soldiers", "people", "were", "the", "no",
    "thirds", "rose", "odd", "plus", "a few", "more than", "at least", "up to",
    "as many as", "about", "some", "nearly", "fewer than", "or more", "or fewer",
    "year-old", "years old",
    # things that must be left out, and odd characters
    "F-", "COVID-", "http://x.org/", "@", "+44 ", "🙂", "İ", "ß", "ﬁ", "\u0000", "\u200b",
    "\u2028",
]  # fmt: skip
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=200), fragment_text)


def check_invariants(text: str, found: list[NumberMention]) -> None:
    """The contract of every result (shared by the property tests below)."""
    previous_end = 0
    for m in found:
        assert isinstance(m, NumberMention)
        assert 0 <= m.start <= m.num_start < m.num_end <= m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.text.strip()
        assert m.start >= previous_end, "mentions overlap or are out of order"
        previous_end = m.end
        assert m.bound in ("exact", "approx", "lower", "upper", "range")
        assert m.unit in ("", "percent", "currency")
        assert isinstance(m.hedge, str) and isinstance(m.vague, bool)
        if m.bound == "range":
            assert m.value is None
            assert m.low is not None and m.high is not None
            assert m.low < m.high
        else:
            assert m.value is not None and math.isfinite(m.value)
            if m.bound == "lower":
                assert m.low == m.value and m.high is None
            elif m.bound == "upper":
                assert m.high == m.value and m.low is None
            else:
                assert m.low is None and m.high is None
        if m.vague:
            assert m.bound == "lower"
        for v in (m.value, m.low, m.high):
            assert v is None or math.isfinite(v)


@SETTINGS
@given(any_text)
@example("")
@example("over “46,000")
@example("between 2014 and 2022 and 5-3 and 1.2-1.5 million")
@example("one hundred and one hundred and one hundred and")
@example("\u0130" * 5 + " 12 İ 3,000")  # characters that lower-case to two characters
def test_never_raises_and_keeps_the_contract(text: str) -> None:
    check_invariants(text, find_numbers(text))


@SETTINGS
@given(any_text)
def test_is_deterministic(text: str) -> None:
    assert find_numbers(text) == find_numbers(text)


@SETTINGS
@given(any_text, st.sampled_from(["\n", "\n\n", "\r\n"]))
def test_a_paragraph_break_before_the_text_only_shifts_offsets(text: str, brk: str) -> None:
    # Nothing the layer reads crosses a line break, so a break in front changes only
    # the offsets, by its length.
    base = find_numbers(text)
    shifted = find_numbers(brk + text)
    n = len(brk)
    assert [(m.start - n, m.end - n, m.num_start - n, m.num_end - n) for m in shifted] == [
        (m.start, m.end, m.num_start, m.num_end) for m in base
    ]
    assert [(m.value, m.low, m.high, m.bound, m.hedge) for m in shifted] == [
        (m.value, m.low, m.high, m.bound, m.hedge) for m in base
    ]


HEDGES = [
    ("", "exact"),
    ("about", "approx"),
    ("some", "approx"),
    ("nearly", "approx"),
    ("an estimated", "approx"),
    ("more than", "lower"),
    ("at least", "lower"),
    ("over", "lower"),
    ("no fewer than", "lower"),
    ("fewer than", "upper"),
    ("up to", "upper"),
    ("as many as", "upper"),
    ("no more than", "upper"),
]


@SETTINGS
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(HEDGES))
def test_printed_integers_read_back_with_their_hedge(n: int, hedge_bound: tuple[str, str]) -> None:
    hedge, bound = hedge_bound
    number = f"{n:,}"
    lead = f"{hedge} " if hedge else ""
    text = f"Officials said {lead}{number} people were displaced."
    (m,) = find_numbers(text)
    assert m.value == n
    assert m.bound == bound
    assert m.hedge == hedge
    assert text[m.num_start : m.num_end] == number
    assert m.text == lead + number


@SETTINGS
@given(
    st.integers(min_value=1000, max_value=10**9),
    st.sampled_from([" ", "\u00a0", "\u2009", "\u202f"]),
)
def test_space_separated_thousands_read_back(n: int, sep: str) -> None:
    number = f"{n:,}".replace(",", sep)
    (m,) = find_numbers(f"Aid agencies counted {number} tents.")
    assert m.value == n


@SETTINGS
@given(
    st.decimals(min_value="0.1", max_value="999.9", places=1),
    st.sampled_from([("million", 1e6), ("billion", 1e9), ("m", 1e6), ("bn", 1e9), ("k", 1e3)]),
)
def test_scaled_decimals_read_back(x: object, scale: tuple[str, float]) -> None:
    word, factor = scale
    sep = " " if len(word) > 2 else ""
    text = f"The appeal raised {x}{sep}{word} for shelters."
    (m,) = find_numbers(text)
    assert m.value is not None
    assert math.isclose(m.value, float(str(x)) * factor, rel_tol=1e-9)


_SMALL = [
    "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]  # fmt: skip
_DECADES = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _below_thousand(n: int, use_and: bool) -> str:
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        words.append(f"{_SMALL[hundreds]} hundred")
    if rest:
        if hundreds and use_and:
            words.append("and")
        if rest < 20:
            words.append(_SMALL[rest])
        else:
            tens, units = divmod(rest, 10)
            words.append(_DECADES[tens] + (f"-{_SMALL[units]}" if units else ""))
    return " ".join(words)


def spell(n: int, use_and: bool = True) -> str:
    """English words for 1 <= n < 10**12 (written for this test)."""
    groups = []
    for size, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand"), (1, "")):
        chunk = n // size % 1000
        if chunk:
            groups.append((_below_thousand(chunk, use_and) + f" {name}").strip())
    return " ".join(groups)


def test_spell_helper_itself() -> None:
    assert spell(1) == "one"
    assert spell(120) == "one hundred and twenty"
    assert spell(202_000) == "two hundred and two thousand"
    assert spell(3_000_045, use_and=False) == "three million forty-five"


@SETTINGS
@given(st.integers(min_value=1, max_value=10**12 - 1), st.booleans(), st.booleans())
@example(100_000, True, False)
@example(1_000_001, True, True)
def test_spelled_out_integers_read_back(n: int, use_and: bool, capital: bool) -> None:
    words = spell(n, use_and)
    if capital:
        words = words[0].upper() + words[1:]
    text = f"Volunteers said {words} families need shelter."
    (m,) = find_numbers(text)
    assert m.value == n
    assert m.text == words


@SETTINGS
@given(
    st.integers(min_value=0, max_value=10**8),
    st.integers(min_value=1, max_value=10**8),
    st.sampled_from(["between {a} and {b}", "{a}-{b}", "{a}–{b}", "{a} to {b}", "from {a} to {b}"]),
)
def test_ranges_read_back(a: int, delta: int, form: str) -> None:
    b = a + delta
    text = "Estimates range " + form.format(a=f"{a:,}", b=f"{b:,}") + " dead."
    (m,) = find_numbers(text)
    assert (m.bound, m.low, m.high, m.value) == ("range", a, b, None)


@SETTINGS
@given(st.integers(min_value=1900, max_value=2100), st.sampled_from(["in", "since", "by"]))
def test_years_after_a_year_word_never_come_out(year: int, cue: str) -> None:
    assert find_numbers(f"The camp was built {cue} {year}.") == []
