"""The number layer: every numeric expression in a text, with its hedge and bounds.

``find_numbers(text)`` takes any string and returns a list of :class:`NumberMention`,
sorted by ``start`` and non-overlapping. Each mention carries the figure as printed
(``value``), the bounds a reader can take from it (``low``/``high``), the kind of
bound (``bound``), the hedge words ("more than", "as many as") and two spans: the
whole expression, hedge included, and the number alone. ``text[m.start:m.end] ==
m.text`` always holds, whatever the input.

What counts as a number (the word lists live in ``lexicons/numbers.yaml``):

- digits with comma, space, no-break or thin-space thousands separators and decimals
  ("1,200", "46 000", "1.5"), with a scale ("1.2 million", "46k", "$2bn", "2.5bn");
- spelled-out numbers ("three hundred thousand", "one hundred and twenty",
  "twenty-five", "a dozen", "half a million", "one and a half million");
- vague quantities ("dozens", "hundreds", "tens of thousands"), read as floors;
- ranges ("between 150,000 and 300,000", "10-15", "1.2-1.5 million", "from 5 to 10").

What is left out: years ("in 2022"), dates ("June 2", "15/06/2025"), clock times
("10:30", "5 pm"), ages ("aged 45", "45-year-old"), ordinals ("21st"), numbers inside
URLs, e-mail addresses, phone numbers, version numbers and model names ("F-16",
"COVID-19"), measurements written as one token ("29km", "180ml"), and fractions
("two-thirds", "1/4"). The year rule: a bare four-digit integer from 1900 to 2100 is a
year unless a counted noun follows it ("2000 soldiers") or a hedge precedes it ("more
than 2000"), and always after a year word ("in", "since", a month name); numbers with
a separator ("2,000") are never years. The details, like every word list, are in
``lexicons/numbers.yaml``; ``NumberFinder(load_lexicon(path))`` uses another copy.

How it works, in one pass over the text (patterns are compiled once, at import):

1. A seed pattern finds where a number may start (a digit, a number word, "a" before
   "million", a vague quantity). From each seed, number tokens are read forward and a
   small parser composes them ("two hundred and two thousand" = 202,000), stopping
   where the words stop making one number ("4000 3 hundred" is two numbers).
2. Neighbouring numbers joined by "-", "to", "between ... and" become ranges; a scale
   on the second number carries over to the first ("1.2-1.5 million").
3. Each number or range gets its context: currency before it, a hedge before it (a
   quotation mark may sit between: `over "46,000`), a percent sign or a trailing hedge
   ("or more", "+") after it. Context rules then drop dates, times, years and ages.
4. A lower and an upper bound joined by "and" become one range ("at least 100 and as
   many as 300").

Pure Python and the standard ``re`` module; no models, nothing downloaded.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "LEXICON_PATH",
    "Lexicon",
    "NumberFinder",
    "NumberMention",
    "find_numbers",
    "load_lexicon",
]

LEXICON_PATH: Path = Path(__file__).resolve().parent / "lexicons" / "numbers.yaml"


@dataclass(frozen=True, slots=True)
class NumberMention:
    """One numeric expression found in a text.

    ``start``/``end`` cover the whole expression, hedge included ("more than 46,000");
    ``num_start``/``num_end`` cover the number alone ("46,000"); both are offsets into
    the text given to :func:`find_numbers`, ``end`` exclusive.

    The value columns depend on ``bound``:

    - ``exact`` and ``approx``: ``value`` set, ``low`` and ``high`` None;
    - ``lower`` ("more than", "at least", "46,000+", vague quantities): ``value`` and
      ``low`` set;
    - ``upper`` ("fewer than", "up to", "as many as"): ``value`` and ``high`` set;
    - ``range`` ("between 150,000 and 300,000"): ``value`` None, ``low`` < ``high``.

    ``hedge`` is the hedge as printed ("more than", "as many as", "+"), "" if none; a
    hedge before and one after the number are joined by " … " ("some … odd"), as are
    the two hedges of a joined range ("at least … as many as"). ``vague`` marks vague
    quantities ("dozens", "tens of thousands"), read as floors. ``unit`` is "" for
    plain counts, "percent" or "currency".
    """

    start: int
    end: int
    text: str
    value: float | None
    low: float | None
    high: float | None
    bound: str
    num_start: int
    num_end: int
    hedge: str
    vague: bool
    unit: str

    def as_dict(self) -> dict[str, Any]:
        """Return the mention as a plain dict (for tables and JSON)."""
        return {name: getattr(self, name) for name in self.__slots__}


# --------------------------------------------------------------------------------------
# Lexicon: the YAML word lists, checked and normalised
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The word lists of ``numbers.yaml``, lower-cased where matching ignores case."""

    units: dict[str, float]
    teens: dict[str, float]
    tens: dict[str, float]
    hundred_words: tuple[str, ...]
    scales: dict[str, float]
    dozen_words: tuple[str, ...]
    article_words: tuple[str, ...]
    half_words: tuple[str, ...]
    quarter_words: tuple[str, ...]
    point_words: tuple[str, ...]
    negative_words: tuple[str, ...]
    fraction_denominators: tuple[str, ...]
    not_number_compounds: frozenset[str]
    one_pronoun_before: frozenset[str]
    one_pronoun_after: tuple[str, ...]
    glued_scales: dict[str, float]
    spaced_scales: dict[str, float]
    metre_cues: tuple[str, ...]
    currency_prefixes: tuple[str, ...]
    currency_words: tuple[str, ...]
    percent_markers: tuple[str, ...]
    hedges: dict[str, str]  # phrase -> bound
    floor_verbs: tuple[str, ...]
    floor_object_followers: frozenset[str]
    hedge_blockers: dict[str, frozenset[str]]
    trailing_hedges: dict[str, str]  # phrase -> bound or "keep"
    bound_joiners: tuple[str, ...]
    range_dashes: tuple[str, ...]
    range_words: tuple[str, ...]
    range_openers: dict[str, tuple[str, ...]]
    change_verbs: frozenset[str]
    vague: dict[str, float]
    vague_needs_of: frozenset[str]
    vague_qualifiers: tuple[str, ...]
    vague_units: dict[str, float]
    months: frozenset[str]
    year_min: int
    year_max: int
    old_year_min: int
    year_cues: frozenset[str]
    count_followers: frozenset[str]
    count_verbs: frozenset[str]
    time_suffixes: tuple[str, ...]
    age_before: tuple[str, ...]
    age_after: tuple[str, ...]


def _words(raw: Any, key: str, lower: bool = True) -> tuple[str, ...]:
    """Read a YAML list of phrases; normalise inner spaces; lower-case unless told."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"numbers lexicon: {key!r} must be a list, got {type(raw).__name__}")
    out: list[str] = []
    for item in raw:
        if isinstance(item, bool):
            # YAML reads a bare no/yes/on/off as a boolean: the word must be quoted.
            raise ValueError(f"numbers lexicon: {key!r} holds {item!r}; quote the word")
        if not isinstance(item, str | int | float):
            raise ValueError(f"numbers lexicon: {key!r} holds a non-text item {item!r}")
        # Leading spaces are meaningful for trailing hedges (" odd"), so keep one.
        text = str(item)
        lead = " " if text.startswith(" ") else ""
        text = lead + " ".join(text.split())
        if text.strip():
            out.append(text.lower() if lower else text)
    return tuple(out)


def _number_map(raw: Any, key: str, lower: bool = True) -> dict[str, float]:
    """Read a YAML mapping of phrase -> number."""
    if not isinstance(raw, dict):
        raise ValueError(f"numbers lexicon: {key!r} must be a mapping")
    out: dict[str, float] = {}
    for name, val in raw.items():
        try:
            number = float(val)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"numbers lexicon: {key}.{name} is not a number: {val!r}") from exc
        phrase = " ".join(str(name).split())
        out[phrase.lower() if lower else phrase] = number
    return out


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and check a numbers lexicon (YAML) and return it.

    ``path`` defaults to the packaged ``lexicons/numbers.yaml``. Raises ``ValueError``
    naming the offending key when the file does not have the expected shape.
    """
    source = Path(path) if path is not None else LEXICON_PATH
    with source.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"numbers lexicon {source}: top level must be a mapping")

    def get(key: str) -> Any:
        if key not in data:
            raise ValueError(f"numbers lexicon {source}: missing key {key!r}")
        return data[key]

    hedges: dict[str, str] = {}
    raw_hedges = get("hedges")
    if not isinstance(raw_hedges, dict):
        raise ValueError("numbers lexicon: 'hedges' must map a bound to a list")
    for bound, phrases in raw_hedges.items():
        if bound not in ("exact", "approx", "lower", "upper"):
            raise ValueError(f"numbers lexicon: unknown hedge bound {bound!r}")
        for phrase in _words(phrases, f"hedges.{bound}"):
            hedges[phrase.strip()] = bound

    trailing: dict[str, str] = {}
    raw_trailing = get("trailing_hedges")
    if not isinstance(raw_trailing, dict):
        raise ValueError("numbers lexicon: 'trailing_hedges' must map a bound to a list")
    for bound, phrases in raw_trailing.items():
        if bound not in ("approx", "lower", "upper", "keep"):
            raise ValueError(f"numbers lexicon: unknown trailing hedge bound {bound!r}")
        for phrase in _words(phrases, f"trailing_hedges.{bound}"):
            trailing[phrase] = bound

    raw_blockers = get("hedge_blockers") or {}
    if not isinstance(raw_blockers, dict):
        raise ValueError("numbers lexicon: 'hedge_blockers' must be a mapping")
    blockers = {
        " ".join(str(h).lower().split()): frozenset(_words(v, f"hedge_blockers.{h}"))
        for h, v in raw_blockers.items()
    }

    raw_openers = get("range_openers") or {}
    if not isinstance(raw_openers, dict):
        raise ValueError("numbers lexicon: 'range_openers' must be a mapping")
    openers = {str(k).lower(): _words(v, f"range_openers.{k}") for k, v in raw_openers.items()}

    years = get("years")
    if not isinstance(years, dict):
        raise ValueError("numbers lexicon: 'years' must be a mapping")

    return Lexicon(
        units=_number_map(get("units"), "units"),
        teens=_number_map(get("teens"), "teens"),
        tens=_number_map(get("tens"), "tens"),
        hundred_words=_words(get("hundred_words"), "hundred_words"),
        scales=_number_map(get("scales"), "scales"),
        dozen_words=_words(get("dozen_words"), "dozen_words"),
        article_words=_words(get("article_words"), "article_words"),
        half_words=_words(get("half_words"), "half_words"),
        quarter_words=_words(get("quarter_words"), "quarter_words"),
        point_words=_words(get("point_words"), "point_words"),
        negative_words=_words(get("negative_words"), "negative_words"),
        fraction_denominators=_words(get("fraction_denominators"), "fraction_denominators"),
        not_number_compounds=frozenset(_words(get("not_number_compounds"), "compounds")),
        one_pronoun_before=frozenset(_words(get("one_pronoun_before"), "one_pronoun_before")),
        one_pronoun_after=_words(get("one_pronoun_after"), "one_pronoun_after"),
        glued_scales=_number_map(get("glued_scales"), "glued_scales", lower=False),
        spaced_scales=_number_map(get("spaced_scales"), "spaced_scales", lower=False),
        metre_cues=_words(get("metre_cues"), "metre_cues"),
        currency_prefixes=_words(get("currency_prefixes"), "currency_prefixes", lower=False),
        currency_words=_words(get("currency_words"), "currency_words"),
        percent_markers=_words(get("percent_markers"), "percent_markers"),
        hedges=hedges,
        floor_verbs=_words(data.get("floor_verbs"), "floor_verbs"),
        floor_object_followers=frozenset(
            _words(data.get("floor_object_followers"), "floor_object_followers")
        ),
        hedge_blockers=blockers,
        trailing_hedges=trailing,
        bound_joiners=_words(get("bound_joiners"), "bound_joiners"),
        range_dashes=_words(get("range_dashes"), "range_dashes"),
        range_words=_words(get("range_words"), "range_words"),
        range_openers=openers,
        change_verbs=frozenset(_words(get("change_verbs"), "change_verbs")),
        vague=_number_map(get("vague"), "vague"),
        vague_needs_of=frozenset(_words(get("vague_needs_of"), "vague_needs_of")),
        vague_qualifiers=_words(get("vague_qualifiers"), "vague_qualifiers"),
        vague_units=_number_map(get("vague_units"), "vague_units"),
        months=frozenset(_words(get("months"), "months", lower=False)),
        year_min=int(years.get("year_min", 1900)),
        year_max=int(years.get("year_max", 2100)),
        old_year_min=int(years.get("old_year_min", 1000)),
        year_cues=frozenset(_words(get("year_cues"), "year_cues")),
        count_followers=frozenset(_words(get("count_followers"), "count_followers")),
        count_verbs=frozenset(_words(get("count_verbs"), "count_verbs")),
        time_suffixes=_words(get("time_suffixes"), "time_suffixes"),
        age_before=_words(get("age_before"), "age_before"),
        age_after=_words(get("age_after"), "age_after"),
    )


# --------------------------------------------------------------------------------------
# Regex building blocks
# --------------------------------------------------------------------------------------

# Horizontal white space, including no-break and thin spaces; never a line break, so a
# number never runs across paragraphs.
_SP = r"[ \t\u00a0\u2009\u202f]"
_QUOTE_CHARS = "\"'“”‘’«»„‚"
_QUOTE = "[" + re.escape(_QUOTE_CHARS) + "]"
# Digits: comma-grouped, space-grouped (three-digit groups only, so "423 0000" stays two
# numbers) or plain; then decimals. The groups must end where the digits end.
_DIGITS = (
    r"(?:\d{1,3}(?:,\d{3})+(?!\d)"
    r"|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d])"
    r"|\d+)(?:\.\d+)?"
    r"|\.\d+"
)
# _DIGITS after its first digit, when it starts with one: the same matches, tried in the
# same order (\d{1,3} is \d\d{0,2}, \d+ is \d\d*), for patterns that must start with
# that digit.
_DIGITS_AT_DIGIT = (
    r"(?:\d{0,2}(?:,\d{3})+(?!\d)"
    r"|\d{0,2}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d])"
    r"|\d*)(?:\.\d+)?"
)
_MAX_DIGITS = 18  # a longer digit run is an id or a hash, not a figure
_MAX_TOKENS = 40  # a spelled-out number never needs more words than this
_HEDGE_WINDOW = 60  # characters searched before a number for its hedge
_MAX_RANGE_GAP = 24  # characters between the two numbers of a range, at most
_MAX_TOKEN_CHARS = 80  # a space-free run longer than this around digits is not prose


def _alt(phrases: Iterable[str], flexible_space: bool = True) -> str:
    """Regex alternation of literal phrases, longest first.

    With ``flexible_space`` a space inside a phrase matches any run of spaces/tabs.
    """
    uniq = sorted({p.strip() for p in phrases if p and p.strip()}, key=lambda p: (-len(p), p))
    if not uniq:
        return "(?!)"
    if flexible_space:
        parts = [(_SP + "+").join(re.escape(w) for w in p.split()) for p in uniq]
    else:
        parts = [re.escape(p) for p in uniq]
    return "(?:" + "|".join(parts) + ")"


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, factored by shared prefixes.

    ``re`` tries an alternation's branches one by one; a prefix tree rejects a word
    after a few characters. The order of the branches differs from ``_alt``, so use it
    only where any matching word will do (a test, not a capture).
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return f"(?:{emit(root)})" if root else "(?!)"


def _phrase_re(phrase: str) -> str:
    """One phrase as a regex: spaces match runs of space, hyphens allow spaces around."""
    words = phrase.strip().split(" ")
    out = (_SP + "+").join(re.escape(w) for w in words)
    return out.replace(r"\-", _SP + "*-" + _SP + "*")


def _phrases(phrases: Iterable[str]) -> str:
    """Alternation of phrases (see _phrase_re), longest first."""
    uniq = sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    if not uniq:
        return "(?!)"
    return "(?:" + "|".join(_phrase_re(p) for p in uniq) + ")"


# Token kinds of the spelled-out number parser.
_NUM = "num"  # digits
_UNIT = "unit"  # zero..nine
_TEEN = "teen"  # ten..nineteen
_TENS = "tens"  # twenty..ninety
_HUNDRED = "hundred"
_SCALE = "scale"  # thousand, million, lakh ...
_DOZEN = "dozen"
_AND = "and"
_ART = "art"  # a / an
_HALF = "half"
_QUARTER = "quarter"
_OF = "of"
_POINT = "point"
_NEG = "neg"
_BAD = "bad"  # digits glued to letters that are not a scale: not a number

_VALUE_KINDS = frozenset({_NUM, _UNIT, _TEEN, _TENS})


@dataclass(slots=True)
class _Token:
    kind: str
    value: float
    start: int
    end: int
    text: str
    is_int: bool = True
    scaled: bool = False  # digits with a glued or spaced scale ("46k", "10 bln")
    scale: float = 1.0
    has_sep: bool = False  # digits with thousands separators or decimals
    glue: str = ""


@dataclass(slots=True)
class _Atom:
    """A number without its context: value, span, and what it was made of."""

    start: int
    end: int
    value: float
    kind: str  # "digits", "words" or "vague"
    scale: float = 1.0  # the scale the number ends with (1.5 *million*)
    plain_int: bool = False  # bare integer digits: no separator, decimal, sign or scale
    glue: str = ""
    word: str = ""  # the lower-cased word if the number is a single word
    rounded: bool = False  # a loose round number: "a dozen", "two dozen", "half a million"
    # False when no tail pattern (percent, trailing hedge, unit, clock time, age,
    # fraction, metres) can match right after the atom: see NumberFinder._tail_gate_re.
    tail_cue: bool = True

    @property
    def mantissa(self) -> float:
        """The value before its final scale (1.5 for "1.5 million")."""
        return self.value / self.scale if self.scale else self.value


@dataclass(slots=True)
class _Cand:
    """A number or a range before context is added."""

    atoms: list[_Atom]
    num_start: int
    num_end: int
    value: float | None
    low: float | None
    high: float | None
    vague: bool = False
    opener: str = ""  # "between" / "from"
    opener_start: int = -1


# What ends before a position: (where it ends, last character, lower-cased word).
_Cue = tuple[int, str, str]

# Which token kinds may follow which, while reading ahead. Reading stops at the first
# token that cannot follow, so a run of unrelated number words ("one one one") costs
# one token each. (The parser applies the finer rules.)
_ANY_VALUE = (_NUM, _UNIT, _TEEN, _TENS)
_CAN_FOLLOW: dict[str, tuple[str, ...]] = {
    _NEG: _ANY_VALUE,
    _ART: (_HUNDRED, _SCALE, _DOZEN, _QUARTER, _HALF),
    _HALF: (_ART, _SCALE, _DOZEN),
    _QUARTER: (_OF, _SCALE),
    _OF: (_ART,),
    _UNIT: (_HUNDRED, _SCALE, _DOZEN, _AND, _QUARTER, _HALF, _POINT, _UNIT, _TEEN, _TENS),
    _TEEN: (_HUNDRED, _SCALE, _DOZEN, _AND, _POINT, _UNIT, _TEEN, _TENS),
    _TENS: (_UNIT, _HUNDRED, _SCALE, _DOZEN, _AND, _POINT, _TEEN, _TENS),
    _NUM: (_HUNDRED, _SCALE, _DOZEN, _AND),
    _HUNDRED: (*_ANY_VALUE, _AND, _SCALE, _POINT),
    _SCALE: (*_ANY_VALUE, _AND, _SCALE, _POINT),
    _DOZEN: (),
    _AND: (*_ANY_VALUE, _ART),
    _POINT: (_UNIT, _TEEN, _TENS),
}


class _TokenStream:
    """Number tokens read lazily from a seed token: the parser asks for index i."""

    __slots__ = ("_finder", "_text", "done", "items", "point")

    def __init__(
        self, finder: NumberFinder, text: str, first: _Token, second: _Token | None = None
    ) -> None:
        """Start at ``first``; ``second``, if given, is the token already read after it."""
        self._finder = finder
        self._text = text
        self.items: list[_Token] = [first] if second is None else [first, second]
        self.done = False
        self.point = first.kind == _POINT or (second is not None and second.kind == _POINT)

    def get(self, i: int) -> _Token | None:
        """Token ``i`` (reading forward as needed), or None past the number's end."""
        items = self.items
        while len(items) <= i and not self.done:
            prev = items[-1]
            tok = self._finder._next_token(self._text, prev, len(items))
            if tok is None:
                self.done = True
                break
            # Word after word ("one two") only continues after "point" (digit by digit).
            if prev.kind in (_UNIT, _TEEN) and tok.kind in (_UNIT, _TEEN, _TENS) and not self.point:
                self.done = True
                break
            if tok.kind == _POINT:
                self.point = True
            items.append(tok)
        return items[i] if i < len(items) else None


# A capitalised name and a comma right before a number: "Olena Bondar, 46,".
_NAME_COMMA = re.compile(r"\b[A-Z][a-z’'-]+,\s*\Z")
# Ages listed after one "aged": "aged 35 and 52", "aged 4, 7 and 9".
_AGE_LIST_BEFORE = re.compile(
    r"\b(?:aged|ages)\s+(?:\d{1,3}\s*,\s*)*\d{1,3}\s*(?:,|and|or|&)\s*\Z", re.IGNORECASE
)


class NumberFinder:
    """Finds numeric expressions in text using one lexicon (see ``numbers.yaml``).

    Build one per lexicon (patterns are compiled in ``__init__``) and call
    :meth:`find` as often as needed; the object holds no per-text state.
    """

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        lx = lexicon if lexicon is not None else load_lexicon()
        self.lexicon = lx
        self._word_kind: dict[str, tuple[str, float]] = {}
        for word, val in lx.units.items():
            self._word_kind[word] = (_UNIT, val)
        for word, val in lx.teens.items():
            self._word_kind[word] = (_TEEN, val)
        for word, val in lx.tens.items():
            self._word_kind[word] = (_TENS, val)
        for word in lx.hundred_words:
            self._word_kind[word] = (_HUNDRED, 100.0)
        for word, val in lx.scales.items():
            self._word_kind[word] = (_SCALE, val)
        for word in lx.dozen_words:
            self._word_kind[word] = (_DOZEN, 12.0)
        for word in lx.article_words:
            self._word_kind[word] = (_ART, 1.0)
        for word in lx.half_words:
            self._word_kind[word] = (_HALF, 0.5)
        for word in lx.quarter_words:
            self._word_kind[word] = (_QUARTER, 0.25)
        for word in lx.point_words:
            self._word_kind[word] = (_POINT, 0.0)
        for word in lx.negative_words:
            self._word_kind[word] = (_NEG, -1.0)
        self._word_kind["and"] = (_AND, 0.0)
        self._word_kind["of"] = (_OF, 0.0)
        self._compile()

    # ----------------------------------------------------------------------------------
    # Pattern compilation
    # ----------------------------------------------------------------------------------

    def _compile(self) -> None:
        """Build every pattern from the lexicon (once per finder)."""
        lx = self.lexicon
        card_words = [*lx.units, *lx.teens, *lx.tens]
        cardinal = _alt(card_words, flexible_space=False)
        scale_words = _alt(list(lx.scales), flexible_space=False)
        multiplier = _alt([*lx.hundred_words, *lx.scales, *lx.dozen_words], False)
        article = _alt(lx.article_words, False)
        of_article = rf"(?:of{_SP}+{article}{_SP}+)"
        quarter = _alt(lx.quarter_words, False)
        spaced = _alt(list(lx.spaced_scales), flexible_space=False)
        self._glued_scales = lx.glued_scales
        self._spaced_scales = lx.spaced_scales

        # A digit number as a seed: optional sign (only after space or an operator, so
        # the dash in "10-15" is not a minus), digits, glued letters, a spaced scale.
        digits_seed = (
            rf"(?P<sign>(?<![^\s(\[<>=])[-−](?=\.?\d))?(?<![\w.])(?P<digits>{_DIGITS})"
            rf"(?P<glue>[^\W\d_]+)?"
            rf"(?:{_SP}+(?P<sscale>{spaced})(?![\w]))?"
        )
        # Word seeds run case-sensitively on a lower-cased copy of the text (same
        # offsets): a case-insensitive alternation is several times slower in ``re``.
        vague_qual = (
            rf"(?P<vq>{_phrases(lx.vague_qualifiers)}{_SP}+"
            rf"{_phrases(list(lx.vague_units))}s?\b)"
        )
        vague_plain = []
        for phrase in lx.vague:
            if phrase in lx.vague_needs_of:
                vague_plain.append(_phrase_re(phrase) + rf"(?={_SP}+of\b)")
            else:
                vague_plain.append(_phrase_re(phrase))
        vague_plain.sort(key=len, reverse=True)
        vague_re = r"(?P<vg>(?:" + "|".join(vague_plain) + r")\b)"
        neg = _alt(lx.negative_words, False)
        half = _alt(lx.half_words, False)
        word_seed = (
            r"(?P<w>(?:"
            + rf"{neg}(?={_SP}+(?:\.?\d|{cardinal}\b))"
            + rf"|{article}(?={_SP}+(?:{multiplier}\b|{quarter}{_SP}+{of_article}?"
            + rf"{scale_words}\b))"
            + rf"|{half}(?={_SP}+(?:{article}{_SP}+)?(?:{scale_words}|"
            + _alt(lx.dozen_words, False)
            + r")\b)"
            + rf"|{quarter}(?={_SP}+{of_article}?{scale_words}\b)"
            + rf"|{cardinal}"
            + r")\b)"
        )
        # The leading look-aheads are a speed trick: ``re`` skips positions whose
        # first character cannot start a seed instead of trying every alternative.
        # (The word seed tests the character before first: inside words, the most
        # common case, that fails sooner.)
        firsts = {
            w[:1]
            for w in [
                *lx.vague_qualifiers,
                *lx.vague,
                *lx.negative_words,
                *lx.article_words,
                *lx.half_words,
                *lx.quarter_words,
                *card_words,
            ]
            if w
        }
        first_set = "[" + "".join(re.escape(c) for c in sorted(firsts)) + "]"
        self._word_seed_re = re.compile(
            rf"(?<![\w])(?={first_set})(?:{vague_qual}|{vague_re}|{word_seed})"
        )
        self._digit_seed_re = re.compile(r"(?=[-−.\d])" + digits_seed)
        # A digit that follows no word character: every digit seed holds one at most
        # two characters after its start ("-.5"). A pattern that starts with a character
        # class lets ``re`` skip ahead in C, so it is the fast way to find seeds. It goes
        # on to read the seed that starts at that digit, as the seed pattern would
        # (_DIGITS_AT_DIGIT); its sign group is always empty.
        self._digit_lead_re = re.compile(
            rf"(?P<digits>\d(?<!\w\d){_DIGITS_AT_DIGIT})(?P<glue>[^\W\d_]+)?"
            rf"(?:{_SP}+(?P<sscale>{spaced})(?![\w]))?(?P<sign>)"
        )
        all_words = _alt(list(self._word_kind), flexible_space=False)
        self._cont_re = re.compile(
            rf"(?P<sep>{_SP}*[-‐‑]{_SP}*|{_SP}+)"
            rf"(?:(?<![\w.])(?P<digits>{_DIGITS})(?P<glue>[^\W\d_]+)?"
            rf"(?:{_SP}+(?P<sscale>{spaced})(?![\w]))?"
            rf"|(?i:(?P<word>{all_words}))\b)"
        )
        # The words that may follow digits (see _CAN_FOLLOW), after plain spaces.
        after_digits = _alt(
            [w for w, (kind, _) in self._word_kind.items() if kind in _CAN_FOLLOW[_NUM]],
            flexible_space=False,
        )
        self._after_digits_re = re.compile(rf"{_SP}+(?i:(?P<word>{after_digits}))\b")

        # Context before a number.
        cur_codes = [c for c in lx.currency_prefixes if c[:1].isalpha()]
        cur_syms = [c for c in lx.currency_prefixes if not c[:1].isalpha()]
        cur_alt = []
        if cur_codes:
            cur_alt.append(r"(?<![\w])" + _alt(cur_codes))
        if cur_syms:
            cur_alt.append(_alt(cur_syms))
        self._cur_before_re = re.compile(
            r"(?P<cur>" + "|".join(cur_alt or ["(?!)"]) + rf"){_SP}*\Z"
        )
        # Floor verbs ("passed", "topped") are read like lower-bound hedges; whether the
        # number is their object is checked once the end of the number is known.
        self._floor_verbs = frozenset(v for v in lx.floor_verbs if v not in lx.hedges)
        floor_followers = lx.floor_object_followers | lx.count_followers
        self._floor_followers = frozenset(w.lower() for w in floor_followers)
        all_hedges = {**{v: "lower" for v in self._floor_verbs}, **lx.hedges}
        word_hedges = [h for h in all_hedges if h[:1].isalnum()]
        sym_hedges = [h for h in all_hedges if not h[:1].isalnum()]

        def first_chars(phrases: list[str]) -> str:
            return "".join(sorted({re.escape(p.strip()[0]) for p in phrases if p.strip()}))

        def hedge_pattern(words: list[str]) -> re.Pattern[str]:
            # The look-ahead lets a search ending at a number skip, in one test, the
            # many positions where no hedge starts (it is searched for, not matched).
            starts = []
            if first_chars(words):
                starts.append(f"(?i:[{first_chars(words)}])")
            if first_chars(sym_hedges):
                starts.append(f"[{first_chars(sym_hedges)}]")
            return re.compile(
                "(?=" + ("|".join(starts) or "(?!)") + ")"
                r"(?:(?<![\w])(?P<hw>(?i:"
                + _alt(words)
                + rf"))(?={_SP}|{_QUOTE})|(?<![<>=~≈])(?P<hs>"
                + _alt(sym_hedges)
                + rf"))(?P<gap>{_SP}*(?:{_QUOTE}{_SP}*)?)\Z"
            )

        def hedge_search(words: list[str]) -> tuple[re.Pattern[str], int]:
            # With the pattern, the length of its longest phrase written with single
            # spaces (symbol hedges are in every pattern): see _contextualise.
            longest = max(len(" ".join(h.split())) for h in [*words, *sym_hedges, ""])
            return hedge_pattern(words), longest

        self._hedge_all = hedge_search(word_hedges)
        self._hedge_bound = all_hedges
        # Gates for the look-back searches (see _may_precede).
        by_last_word: dict[str, list[str]] = {}
        for h in word_hedges:
            last = h.split()[-1]
            if last[:1].isalpha():
                by_last_word.setdefault(last.strip(".").lower(), []).append(h)
        self._hedge_last_words = frozenset(by_last_word)
        # A word right before a number can only end the hedges that end with it: a search
        # over those few is several times faster than over all of them.
        self._hedge_by_word = {w: hedge_search(hs) for w, hs in by_last_word.items()}
        self._hedge_chars = "".join(sorted({h[-1] for h in all_hedges if not h[-1].isalnum()}))
        self._cur_last_words = frozenset(
            re.sub(r"[^A-Za-z]+$", "", c).split()[-1].lower() for c in cur_codes if c.strip()
        )
        self._cur_chars = "".join(sorted({c[-1] for c in cur_syms} | {"."}))
        self._age_last_words = frozenset(p.split()[-1].lower() for p in lx.age_before)
        openers = list(lx.range_openers)
        self._opener_re = re.compile(r"(?<![\w])(?P<op>(?i:" + _alt(openers) + rf")){_SP}+\Z")
        self._next_word_re = re.compile(rf"(?:{_SP}+|{_SP}*-)(?P<w>[^\W\d_][\w'’]*)")

        # Context after a number.
        pct = [p for p in lx.percent_markers]
        self._pct_re = re.compile(rf"(?P<gap>{_SP}*)(?P<pct>(?i:" + _alt(pct) + r"))(?![^\W\d_])")
        number_start = rf"(?:[-−]?\.?\d|(?i:{cardinal}|{article}{_SP}+{multiplier})\b)"
        trail_parts = []
        for phrase, _bound in lx.trailing_hedges.items():
            body = phrase.strip()
            if phrase.startswith(" ") or body[:1].isalpha():
                trail_parts.append(f"{_SP}+" + _phrase_re(body))
            else:
                trail_parts.append(re.escape(body))
        trail_parts.sort(key=len, reverse=True)
        self._trail_re = re.compile(
            r"(?P<t>(?i:"
            + "|".join(trail_parts or ["(?!)"])
            + rf"))(?![\w])(?!{_SP}*(?:(?:than|to|of){_SP}+)?{number_start}|\d)"
        )
        self._trail_bound = {" ".join(k.split()).lower(): v for k, v in lx.trailing_hedges.items()}
        self._cur_word_re = re.compile(rf"{_SP}+(?i:" + _alt(lx.currency_words) + r")\b")

        # Ranges and bound joins. The gap may repeat the percent sign or the currency
        # ("10%-15%", "$2bn to $3bn").
        dashes = "".join(re.escape(d) for d in lx.range_dashes)
        pct_gap = rf"(?:{_SP}*(?i:" + _alt(pct) + r"))?"
        cur_gap = r"(?:" + "|".join(cur_alt or ["(?!)"]) + rf"){_SP}*"
        self._dash_gap_re = re.compile(rf"{pct_gap}{_SP}*[{dashes or '-'}]{_SP}*(?:{cur_gap})?\Z")
        range_words = _alt(lx.range_words)
        self._word_gap_re = re.compile(
            rf"{pct_gap}{_SP}+(?i:(?P<rw>{range_words}|and)){_SP}+(?:{cur_gap})?\Z"
        )
        joiners = []
        for j in lx.bound_joiners:
            body = j.strip()
            if body.startswith(","):
                joiners.append(
                    rf"{_SP}*," + (f"{_SP}*" + _phrase_re(body[1:]) if body[1:].strip() else "")
                )
            else:
                joiners.append(f"{_SP}+" + _phrase_re(body))
        self._joiner_re = re.compile(r"(?i:" + "|".join(joiners or ["(?!)"]) + rf"){_SP}*\Z")

        # Exclusion cues.
        months = _alt(list(lx.months) + [m.upper() for m in lx.months], False)
        day_sep = rf"{_SP}*(?:,|&|and|or|to|-|–){_SP}*"
        self._month_before_re = re.compile(
            rf"\b{months}\.?{_SP}+(?:the{_SP}+)?(?:\d{{1,2}}{day_sep})?\Z"
        )
        # "Feb. 24, 2022", "June 3rd 2024": a year right after a month and day.
        self._date_before_re = re.compile(
            rf"\b{months}\.?{_SP}+\d{{1,2}}(?:st|nd|rd|th)?,?{_SP}+\Z"
        )
        self._month_after_re = re.compile(rf"(?:{day_sep}\d{{1,2}})?{_SP}+(?:of{_SP}+)?{months}\b")
        self._months = frozenset(lx.months) | frozenset(m.upper() for m in lx.months)
        clock_time = rf"{_SP}*(?i:" + _alt(lx.time_suffixes) + r")(?![^\W\d_])"
        # Ages after a number: "-year-old" may touch it, "years old" needs a space.
        hyphen_ages = sorted(
            (_phrase_re(p) for p in lx.age_after if p.startswith("-")), key=len, reverse=True
        )
        spaced_ages = sorted(
            (_phrase_re(p) for p in lx.age_after if not p.startswith("-")), key=len, reverse=True
        )
        age_after = (
            rf"{_SP}*(?i:" + ("|".join(hyphen_ages) or "(?!)") + r")\b"
            rf"|{_SP}+(?i:" + ("|".join(spaced_ages) or "(?!)") + r")\b"
        )
        # A clock time ("5 pm") or an age ("45 years old") after a number: either one
        # excludes it, so one pattern tests both with a single match call. Spaces are
        # matched outside the case-insensitive groups, which is faster in ``re``.
        self._time_or_age_after_re = re.compile(rf"{clock_time}|{age_after}")
        self._age_before_re = re.compile(r"(?<![\w])(?i:" + _phrases(lx.age_before) + rf"){_SP}+\Z")
        self._denominator_re = re.compile(
            rf"(?:{_SP}+|{_SP}*-{_SP}*)(?i:" + _alt(lx.fraction_denominators, False) + r")\b"
        )
        self._metre_re = re.compile(
            rf"(?:{_SP}+|{_SP}*-{_SP}*)(?i:" + _alt(lx.metre_cues, False) + r")\b"
        )
        self._tail_gate_re = self._compile_tail_gate()
        self._one_after_re = (
            re.compile(
                r"(?:"
                + "|".join(
                    (re.escape(w) if not w[:1].isalpha() else f"{_SP}+{re.escape(w)}\\b")
                    for w in lx.one_pronoun_after
                )
                + r")",
                re.IGNORECASE,
            )
            if lx.one_pronoun_after
            else re.compile("(?!)")
        )
        self._compound_re = re.compile(r"-([^\W\d_]+(?:-[^\W\d_]+)*)")
        # Token-local patterns: a number inside one of these tokens is not a figure.
        self._masked_token_re = re.compile(
            r"\d{1,4}([/.\-])\d{1,2}\1\d{1,4}"  # dates 15/06/2025, 2025-06-15
            r"|\d{1,2}:\d{2}(?::\d{2})?(?:[^\W\d_]+)?"  # clock times 10:30
            r"|\d+(?:\.\d+){2,}"  # versions and IP addresses
            r"|\d+/\d+(?:/\d+)*"  # slashes: 24/7, 9/11, 1/4, 2022/23
            r"|(?:1[89]|20)\d\d[-–/]\d\d"  # 2022-23, 1995-01
            r"|\+?\d{1,4}(?:[-.]\d{2,5}){2,}"  # phone numbers with dashes or dots
            r"|\+\d[\d\-./()]{6,}"  # +digits long enough to be a phone number
        )
        # Both forms start with "+" or "(": _phone_spans relies on it.
        self._phone_re = re.compile(
            r"\+\d{1,3}(?:[ .\-/]?\(?\d{1,5}\)?){2,6}(?![\w])"
            r"|\(\d{2,5}\)[ .\-]?\d{3,4}[ .\-]\d{3,5}(?![\w])"
        )
        self._token_strip = "\"'“”‘’«»„‚()[]{}<>.,;:!?…"

    def _compile_tail_gate(self) -> re.Pattern[str]:
        """One cheap pattern that must match wherever a tail pattern matches.

        The tail patterns (``_pct_re``, ``_trail_re``, ``_cur_word_re``,
        ``_time_or_age_after_re``, ``_denominator_re``, ``_metre_re``,
        ``_after_digits_re``) all start, past spaces, with "-" or with one of their
        phrases. The gate runs on the lower-cased text and passes when, past spaces,
        there is "-", a phrase's leading symbol, a phrase's first ASCII word as a whole
        word, or any non-ASCII character (in or right after a word), so case folding
        (``re`` matches "ſ" to "s") can never hide a match. Most numbers are followed
        by a plain word ("people") that the gate rejects, sparing the tail patterns.
        """
        lx = self.lexicon
        after_digits = [w for w, (kind, _) in self._word_kind.items() if kind in _CAN_FOLLOW[_NUM]]
        phrases = [
            *lx.percent_markers,
            *lx.trailing_hedges,
            *lx.currency_words,
            *lx.time_suffixes,
            *lx.age_after,
            *lx.fraction_denominators,
            *lx.metre_cues,
            *after_digits,
        ]
        if any(c in _ASCII_FOLDS for phrase in phrases for c in phrase):
            return re.compile("")  # such a phrase can match ASCII text oddly: always pass
        first_words: set[str] = set()
        symbols = {"-"}
        for phrase in phrases:
            body = phrase.strip().lower()
            if not body or not body[0].isascii():
                continue  # the non-ASCII branch of the gate covers it
            word = _ASCII_WORD.match(body)
            if word is not None:
                first_words.add(word.group())
            else:
                symbols.add(body[0])
        return re.compile(
            rf"{_SP}*(?:{_trie(first_words)}(?![a-z])|[a-z]*[^\x00-\x7f]"
            rf"|[{re.escape(''.join(sorted(symbols)))}])"
        )

    # ----------------------------------------------------------------------------------
    # Public entry point
    # ----------------------------------------------------------------------------------

    def find(self, text: str) -> list[NumberMention]:
        """Return every numeric expression in ``text``, sorted by start, non-overlapping.

        Never raises on a ``str``; anything else raises ``TypeError``.
        """
        if not isinstance(text, str):
            raise TypeError(f"find_numbers expects str, got {type(text).__name__}")
        if not text:
            return []
        phones = self._phone_spans(text)
        atoms = self._atoms(text, phones)
        cands = self._ranges(text, atoms)
        mentions: list[NumberMention] = []
        prev_end = 0
        for cand in cands:
            if cand.num_start < prev_end:
                continue
            mention = self._contextualise(text, cand, prev_end)
            if mention is not None:
                mentions.append(mention)
                prev_end = mention.end
        return self._join_bounds(text, mentions)

    def _phone_spans(self, text: str) -> list[tuple[int, int]]:
        """The spans of the phone numbers in ``text``, in order.

        Every phone number starts with "+" or "(" (see ``_phone_re``), so the scan
        starts at the first of them, and most texts, which hold neither, skip it:
        ``str.find`` is far faster than a regex scan.
        """
        firsts = [i for i in (text.find("+"), text.find("(")) if i >= 0]
        if not firsts:
            return []
        return [m.span() for m in self._phone_re.finditer(text, min(firsts))]

    # ----------------------------------------------------------------------------------
    # Step 1: atoms
    # ----------------------------------------------------------------------------------

    def _digit_token(self, text: str, m: re.Match[str], signed: bool) -> _Token:
        """Turn a digits match (seed or continuation) into a token."""
        digits, glue, sscale = m.group("digits", "glue", "sscale")
        sign = m.group("sign") if signed else None  # continuations have no sign group
        start = m.start("sign") if sign else m.start("digits")
        end = m.end()
        # Plain digits, the common case, have no separator to strip.
        compact = digits if digits.isdigit() else digits.replace(",", "").translate(_SPACE_DELETE)
        if len(compact) - compact.count(".") > _MAX_DIGITS:
            return _Token(_BAD, 0.0, start, end, text[start:end])
        value = float(compact)
        if sign:
            value = -value
        is_int = "." not in compact
        has_sep = compact != digits or not is_int
        scale = 1.0
        if glue:
            if glue in self._glued_scales:
                scale = self._glued_scales[glue]
                # A glued scale ends the token; a spaced one after it would be odd.
                end = m.end("glue")
            else:
                # "21st", "1990s", "29km", "5G", "10am": not a count.
                return _Token(_BAD, 0.0, start, m.end("glue"), text[start : m.end("glue")])
        elif sscale:
            scale = self._spaced_scales[sscale]
        # Positional arguments (a token is built for every number; keywords cost more).
        return _Token(
            _NUM,
            value * scale,
            start,
            end,
            text[start:end],
            is_int,
            scale != 1.0,  # scaled
            scale,
            has_sep or bool(sign),  # has_sep
            glue or "",
        )

    def _word_token(self, text: str, start: int, end: int) -> _Token:
        """A number word (or "and", "a", "of", ...) as a token; unknown words are _BAD."""
        word = text[start:end].lower()
        kind, value = self._word_kind.get(word, (_BAD, 0.0))
        return _Token(kind, value, start, end, text[start:end])

    def _next_token(self, text: str, prev: _Token, count: int) -> _Token | None:
        """The token right after ``prev`` if it can continue a number, else None."""
        if count >= _MAX_TOKENS or text[prev.end : prev.end + 1] not in _CONT_FIRST:
            return None  # the continuation always starts with a space or a hyphen
        if prev.kind == _NUM:
            # Only a multiplier or "and" follows digits, and never after a hyphen: a
            # pattern for just those words is much cheaper than the general one.
            m = self._after_digits_re.match(text, prev.end)
            if m is None:
                return None
            tok = self._word_token(text, m.start("word"), m.end("word"))
            return tok if tok.kind in _CAN_FOLLOW[_NUM] else None
        m = self._cont_re.match(text, prev.end)
        if m is None:
            return None
        if m.group("digits") is not None:
            tok = self._digit_token(text, m, signed=False)
        else:
            tok = self._word_token(text, m.start("word"), m.end("word"))
        if tok.kind == _BAD or tok.kind not in _CAN_FOLLOW.get(prev.kind, ()):
            return None
        # A hyphen may join words ("twenty-five") but not digits to anything.
        if "-" in m.group("sep") and (tok.kind == _NUM or prev.kind == _NUM):
            return None
        return tok

    def _digit_seed(self, text: str, pos: int) -> re.Match[str] | None:
        """The first digit seed at or after ``pos``: ``_digit_seed_re.search(text, pos)``.

        A seed starts at its first digit d, or one or two characters before it when a
        sign or a point sits there ("-5", ".5", "-.5"), and d follows no word character.
        So only those few places, next to each digit that ``_digit_lead_re`` finds, are
        tried, leftmost first, as the search would. When no sign or point sits before d,
        the seed starts at d and the lead match, which read on, is the seed itself.
        """
        match = self._digit_seed_re.match
        find_lead = self._digit_lead_re.search
        lead = find_lead(text, pos)
        while lead is not None:
            d = lead.start()
            if d == 0 or text[d - 1] not in "-−.":
                return lead
            start = max(pos, d - 2)
            while start <= d:
                m = match(text, start)
                if m is not None:
                    return m
                start += 1
            lead = find_lead(text, d + 1)
        return None

    def _atoms(self, text: str, phones: list[tuple[int, int]]) -> list[_Atom]:
        """Find every number atom in order; drop the ones that are not figures."""
        atoms: list[_Atom] = []
        lowered = text.lower()
        if len(lowered) != len(text):
            # A few characters lower-case to two ("İ"); keep offsets equal.
            lowered = text.translate(_ASCII_LOWER)
        word_re, digit_seed = self._word_seed_re, self._digit_seed
        tail_gate = self._tail_gate_re.match
        n = len(text)
        pos = 0
        wm = word_re.search(lowered, 0)
        dm = digit_seed(text, 0)
        while pos < n and (wm is not None or dm is not None):
            if wm is not None and wm.start() < pos:
                wm = word_re.search(lowered, pos)
            if dm is not None and dm.start() < pos:
                dm = digit_seed(text, pos)
            if wm is None and dm is None:
                break
            if dm is None or (wm is not None and wm.start() < dm.start()):
                assert wm is not None
                m, is_word = wm, True
            else:
                m, is_word = dm, False
            if is_word and (m.group("vq") is not None or m.group("vg") is not None):
                atom = self._vague_atom(lowered, m)
                pos = m.end()
                if atom is not None:
                    atoms.append(atom)
                continue
            if is_word:
                first = self._word_token(text, m.start("w"), m.end("w"))
            else:
                first = self._digit_token(text, m, signed=True)
            if first.kind == _BAD:
                pos = max(first.end, m.end(), pos + 1)
                continue
            second = None
            tail_at, tail_cue = -1, True  # the tail gate's last answer, and where
            if first.kind == _NUM and not first.scaled:
                tail_at, tail_cue = first.end, tail_gate(lowered, first.end) is not None
                if tail_cue:  # else no multiplier follows either
                    second = self._next_token(text, first, 1)
            if first.kind == _NUM and second is None:
                # Most numbers are one run of digits ("1,200 people", "46k"): nothing can
                # follow it, so the parser is skipped. Value and scale are what _parse
                # gives (for unscaled digits 0.0 + v, which reads "-0" as 0.0).
                tokens = [first]
                if first.scaled:
                    value, scale = first.value, first.scale
                else:
                    value, scale = 0.0 + first.value, 1.0
            else:
                stream = _TokenStream(self, text, first, second)
                parsed = self._parse(stream)
                if parsed is None:
                    pos = max(first.end, pos + 1)
                    continue
                count, value, scale = parsed
                tokens = stream.items[:count]
            pos = max(tokens[-1].end, pos + 1)
            if not math.isfinite(value):
                continue
            atom = self._make_atom(text, tokens, value, scale)
            if atom is None:
                continue
            if atom.end != tail_at:
                tail_cue = tail_gate(lowered, atom.end) is not None
            atom.tail_cue = tail_cue
            if not self._atom_excluded(text, atom, tokens, phones):
                atoms.append(atom)
        return atoms

    def _vague_atom(self, text: str, m: re.Match[str]) -> _Atom | None:
        """A vague quantity ("hundreds", "tens of thousands", "several hundred")."""
        lx = self.lexicon
        if m.group("vq") is not None:
            phrase = " ".join(m.group("vq").lower().split())
            value = None
            for qual in sorted(lx.vague_qualifiers, key=len, reverse=True):
                if phrase.startswith(qual + " "):
                    unit = phrase[len(qual) + 1 :]
                    value = lx.vague_units.get(unit)
                    if value is None and unit.endswith("s"):
                        value = lx.vague_units.get(unit[:-1])
                    break
            start, end = m.start("vq"), m.end("vq")
        else:
            phrase = " ".join(m.group("vg").lower().split())
            value = lx.vague.get(phrase)
            start, end = m.start("vg"), m.end("vg")
        if value is None:
            return None
        return _Atom(start, end, float(value), "vague", word=phrase)

    def _parse(self, tokens: _TokenStream) -> tuple[int, float, float] | None:
        """Compose tokens into one number.

        Returns (tokens used, value, final scale) or None when the tokens do not start
        a number. Reading stops at the first token that cannot continue the number;
        when that token is a multiplier ("3 hundred and 2 hundred"), the value before it
        is handed back to the next number. The final scale is the scale word or suffix
        the number ends with (1.0 if none), so a range can carry it over.
        """
        get = tokens.get
        i = 0
        sign = 1.0
        head = get(0)
        if head is None:
            return None
        if head.kind == _NEG:
            nxt = get(1)
            if nxt is None or nxt.kind not in _VALUE_KINDS:
                return None
            sign = -1.0
            i = 1
        special = None
        if tokens.items[i].kind in (_HALF, _ART, _QUARTER):
            special = self._parse_fraction_start(get, i)
        if special is not None:
            used, value, scale = special
            return used, sign * value, scale

        first_i = i
        total = 0.0  # completed scale groups ("two million" in "two million three")
        group = 0.0  # the group being built ("three hundred and five")
        hundred_done = False
        last_scale = math.inf
        compounded = False
        prev = ""  # kind of the previous token used
        prev_mult = ""  # the last multiplier (hundred or scale) an "and" continues
        last_val = 0.0
        has_digits = False
        # Every place the number could end: (tokens used, value, final scale).
        commits: list[tuple[int, float, float]] = []
        # The commit before the current run of values; a multiplier that cannot attach
        # hands that run to the next number by cutting the commits back to it.
        seg_commit = -1

        while (tok := get(i)) is not None:
            kind = tok.kind
            if kind in _VALUE_KINDS:
                v = tok.value
                first = prev == ""
                if first:
                    ok = True
                elif tok.scaled or (kind == _NUM and (not tok.is_int or tok.has_sep)):
                    ok = False  # "46k", "1.5", "1,200" only ever start a number
                elif prev == _TENS and kind == _UNIT:
                    ok = v > 0  # twenty-five
                elif prev == _HUNDRED or (prev == _AND and prev_mult == _HUNDRED):
                    ok = 0 < v < 100  # three hundred (and) five
                elif prev == _SCALE or (prev == _AND and prev_mult == _SCALE):
                    ok = 0 < v < min(last_scale, 1000.0)  # two thousand (and) five
                else:
                    ok = False
                if not ok:
                    break
                if first:
                    seg_commit = -1
                    group = v
                else:
                    if prev in (_HUNDRED, _SCALE, _AND):
                        seg_commit = len(commits) - 1
                    group += v
                if kind == _NUM:
                    has_digits = True
                last_val = v
                prev = kind
                if first and tok.scaled:
                    commits.append((i + 1, sign * group, tok.scale))
                    break  # "46k", "$2bn": nothing multiplies these further
                commits.append((i + 1, sign * (total + group), 1.0))
                i += 1
                continue

            if kind == _HUNDRED:
                if prev == _ART and i == first_i + 1:
                    group = 1.0
                elif not (
                    prev in _VALUE_KINDS
                    and not hundred_done
                    and group > 0
                    and (group < 100 or (prev == _NUM and i == first_i + 1))
                ):
                    if prev in _VALUE_KINDS and seg_commit >= 0:
                        del commits[seg_commit + 1 :]
                    break
                group *= 100.0
                hundred_done = True
                prev = prev_mult = _HUNDRED
                commits.append((i + 1, sign * (total + group), 1.0))
                i += 1
                continue

            if kind == _SCALE:
                s = tok.value
                if prev == _ART and i == first_i + 1:
                    group = 1.0
                if prev != _AND and group > 0 and s < last_scale:
                    total += group * s
                    group = 0.0
                    hundred_done = False
                    last_scale = s
                    prev = prev_mult = _SCALE
                    commits.append((i + 1, sign * total, s))
                    i += 1
                    continue
                if prev == _SCALE and not compounded and s > last_scale and group == 0:
                    total *= s  # "three lakh crore": a scale of a scale
                    last_scale = s
                    compounded = True
                    commits.append((i + 1, sign * total, s))
                    i += 1
                    continue
                if prev in _VALUE_KINDS and seg_commit >= 0:
                    del commits[seg_commit + 1 :]
                break

            if kind == _DOZEN:
                if prev == _ART and i == first_i + 1:
                    group = 12.0
                elif prev in _VALUE_KINDS and 0 < last_val < 100:
                    group = group - last_val + last_val * 12.0  # "two hundred and 2 dozen"
                else:
                    break
                prev = _DOZEN
                commits.append((i + 1, sign * (total + group), 1.0))
                i += 1
                continue

            if kind == _AND:
                frac = self._and_fraction(get, i)
                if frac is not None and (prev in _VALUE_KINDS or prev == _SCALE):
                    amount, used = frac
                    j = i + used
                    after = get(j)
                    if prev == _SCALE:
                        if after is not None and after.kind == _SCALE and after.value < last_scale:
                            total += amount * after.value  # a billion and a half million
                            j += 1
                        else:
                            total += amount * last_scale  # 3 million and a half
                    else:
                        group += amount  # five and a half (million)
                    prev = _HALF
                    i = j
                    commits.append((i, sign * (total + group), 1.0))
                    continue
                nxt = get(i + 1)
                if prev in (_HUNDRED, _SCALE) and nxt is not None and nxt.kind in _VALUE_KINDS:
                    prev = _AND
                    i += 1
                    continue
                break

            if kind == _POINT:
                if has_digits or prev not in (_UNIT, _TEEN, _TENS, _HUNDRED, _SCALE):
                    break
                digits, used = self._point_digits(get, i + 1)
                if not digits:
                    break
                group += float("0." + digits)
                commits.append((i + 1 + used, sign * (total + group), 1.0))
                break

            if kind == _QUARTER and i == first_i + 1 and prev in (_UNIT, _ART):
                # "three quarters of a million"
                j = i + 1
                t1, t2 = get(j), get(j + 1)
                if t1 is not None and t1.kind == _OF and t2 is not None and t2.kind == _ART:
                    j += 2
                t3 = get(j)
                if t3 is not None and t3.kind == _SCALE:
                    base = group if prev == _UNIT else 1.0
                    commits.append((j + 1, sign * base * 0.25 * t3.value, t3.value))
                break

            if kind == _ART and i == first_i:
                prev = _ART
                i += 1
                continue
            break

        if not commits:
            return None
        return commits[-1]

    @staticmethod
    def _parse_fraction_start(
        get: Callable[[int], _Token | None], i: int
    ) -> tuple[int, float, float] | None:
        """Numbers that start with a fraction of a scale.

        "half a million", "half million", "half a dozen", "a quarter of a million",
        "quarter million". Returns (tokens used, value, scale) or None.
        """

        def kind_at(j: int) -> str:
            tok = get(j)
            return tok.kind if tok is not None else ""

        if kind_at(i) == _HALF:
            j = i + 1
            if kind_at(j) == _ART:
                j += 1
            tok = get(j)
            if tok is not None and tok.kind in (_SCALE, _DOZEN):
                return j + 1, 0.5 * tok.value, tok.value if tok.kind == _SCALE else 1.0
            return None
        j = i
        if kind_at(i) == _ART and kind_at(i + 1) == _QUARTER:
            j = i + 1
        if kind_at(j) != _QUARTER:
            return None
        j += 1
        if kind_at(j) == _OF:
            if kind_at(j + 1) != _ART:
                return None
            j += 2
        tok = get(j)
        if tok is not None and tok.kind == _SCALE:
            return j + 1, 0.25 * tok.value, tok.value
        return None

    @staticmethod
    def _and_fraction(get: Callable[[int], _Token | None], i: int) -> tuple[float, int] | None:
        """At an "and": "and a half", "and one half", "and a quarter" -> (amount, tokens)."""
        lead, frac = get(i + 1), get(i + 2)
        if lead is None or frac is None:
            return None
        if not (lead.kind == _ART or (lead.kind == _UNIT and lead.value == 1.0)):
            return None
        if frac.kind == _HALF:
            return 0.5, 3
        if frac.kind == _QUARTER and frac.text.lower() == "quarter":
            return 0.25, 3
        return None

    @staticmethod
    def _point_digits(get: Callable[[int], _Token | None], i: int) -> tuple[str, int]:
        """Words after "point", read digit by digit ("zero three" -> "03")."""
        digits = ""
        used = 0
        while (tok := get(i)) is not None:
            if tok.kind in (_UNIT, _TEEN):
                digits += str(int(tok.value))
            elif tok.kind == _TENS:
                nxt = get(i + 1)
                if nxt is not None and nxt.kind == _UNIT and nxt.value > 0:
                    digits += str(int(tok.value + nxt.value))
                    i += 1
                    used += 1
                else:
                    digits += str(int(tok.value))
            else:
                break
            i += 1
            used += 1
        return digits, used

    def _make_atom(
        self, text: str, tokens: list[_Token], value: float, scale: float
    ) -> _Atom | None:
        """The atom for the tokens a parse used, or None if they hold no value."""
        start, end = tokens[0].start, tokens[-1].end
        first = tokens[0]
        if len(tokens) == 1 and first.kind == _NUM:
            plain = first.is_int and not first.has_sep and not first.scaled
            # Positional (scale, plain_int, glue): most atoms are built here.
            return _Atom(start, end, value, "digits", first.scale, plain, first.glue)
        has_digits = any(t.kind == _NUM for t in tokens)
        word = first.text.lower() if len(tokens) == 1 else ""
        if len(tokens) == 1 and first.kind not in _VALUE_KINDS:
            return None
        # A dozen, or a number that starts with a fraction of a scale ("half a million",
        # "a quarter of a million", "three quarters of a million"), is a round figure a
        # writer uses loosely.
        kinds = [t.kind for t in tokens[:2]]
        rounded = (
            any(t.kind == _DOZEN for t in tokens)
            or kinds[0] in (_HALF, _QUARTER)
            or (len(kinds) == 2 and kinds[0] in (_ART, _UNIT) and kinds[1] == _QUARTER)
        )
        return _Atom(
            start,
            end,
            value,
            "digits" if has_digits and tokens[0].kind == _NUM else "words",
            scale=scale if scale else 1.0,
            word=word,
            rounded=rounded,
        )

    def _atom_excluded(
        self, text: str, atom: _Atom, tokens: list[_Token], phones: list[tuple[int, int]]
    ) -> bool:
        """Atom-level exclusions: masked tokens, model names, fractions, pronoun "one"."""
        start, end = atom.start, atom.end
        if phones:
            # The phone span starting last before this atom's end is the only candidate
            # (phone spans do not overlap one another).
            k = bisect.bisect_left(phones, (end, -1)) - 1
            if k >= 0 and phones[k][1] > start:
                return True
        n = len(text)
        isolated = (start == 0 or text[start - 1].isspace()) and (
            end == n or text[end].isspace() or text[end] in ",;!?)]"
        )
        if not isolated and any(t.kind == _NUM for t in tokens):
            # The white-space token around the digits: dates, times, URLs, versions.
            # A token longer than _MAX_TOKEN_CHARS (a hash, a run with no spaces) is
            # not prose; the bound also keeps the scan linear on space-free text.
            floor = max(0, start - _MAX_TOKEN_CHARS)
            # Walk back to the token's start: a regex search ending at ``start`` would
            # try every position from ``floor`` on, several times slower.
            left = start
            while left > floor and not text[left - 1].isspace():
                left -= 1
            ceiling = min(len(text), end + _MAX_TOKEN_CHARS)
            right_m = _WHITESPACE.search(text, end, ceiling)
            right = right_m.start() if right_m is not None else ceiling
            if (left == floor and left > 0 and not text[left - 1].isspace()) or (
                right == ceiling and right < len(text) and not text[right].isspace()
            ):
                return True
            raw = text[left:right]
            if "://" in raw or "www." in raw.lower() or "@" in raw:
                return True
            core = raw.strip(self._token_strip)
            if core and self._masked_token_re.fullmatch(core):
                return True
            # "F-16", "COVID-19", "Su-25": a word, a hyphen, digits is a name (but
            # "5k-20k" is a range: the word before the hyphen starts with a digit).
            if start >= 2 and text[start - 1] in "-‐‑" and text[start - 2].isalpha():
                j = start - 2
                while j > 0 and text[j - 1].isalnum():
                    j -= 1
                if not text[j].isdigit():
                    return True
            if start >= 1 and text[start - 1] in "#№":
                return True
            if (
                atom.kind == "digits"
                and text[start] == "0"
                and end - start >= 3
                and text[start + 1].isdigit()
            ):
                return True  # "0800-26362": a phone or code number, never a count
            if (
                start >= 2
                and text[start - 1] == "("
                and (text[start - 2].isalnum() or text[start - 2] == "_")
                and text[end : end + 1] == ")"
            ):
                return True  # "alert(11)": an argument in code, not a count
        if atom.kind == "words":
            if atom.tail_cue and self._denominator_re.match(text, end):
                return True  # "two-thirds", "one fifth": a fraction
            cm = self._compound_re.match(text, end)
            if cm and len(tokens) == 1:
                compound = (tokens[0].text + "-" + cm.group(1)).lower()
                if compound in self.lexicon.not_number_compounds:
                    return True
            if atom.word == "one":
                prev = self._prev_words(text, start, 1)
                if prev and prev[0].lower() in self.lexicon.one_pronoun_before:
                    return True
                if self._one_after_re.match(text, end):
                    return True
        elif atom.kind == "digits" and atom.tail_cue and self._denominator_re.match(text, end):
            return True
        return False

    # ----------------------------------------------------------------------------------
    # Step 2: ranges
    # ----------------------------------------------------------------------------------

    def _ranges(self, text: str, atoms: list[_Atom]) -> list[_Cand]:
        """Join neighbouring atoms into ranges; everything else stays single."""
        out: list[_Cand] = []
        i = 0
        n = len(atoms)
        while i < n:
            a = atoms[i]
            # Most neighbours are too far apart to be a range: skip the call for them.
            if i + 1 < n and atoms[i + 1].start - a.end <= _MAX_RANGE_GAP:
                cand = self._try_range(text, a, atoms[i + 1])
                if cand is not None:
                    out.append(cand)
                    i += 2
                    continue
            # Positional arguments: built for every number, and keywords cost more.
            out.append(_Cand([a], a.start, a.end, a.value, None, None, a.kind == "vague"))
            i += 1
        return out

    def _try_range(self, text: str, a: _Atom, b: _Atom) -> _Cand | None:
        """Two neighbouring atoms as one range, or None if they are not a range.

        A range needs a dash or tilde between two digit numbers ("10-15"), or "to" /
        "through" ("10 to 15", "from 10 to 15"), or "between X and Y"; its low end must
        be below its high end once a trailing scale is carried over ("1.2-1.5 million").
        """
        if a.kind == "vague" or b.kind == "vague":
            return None
        gap = text[a.end : b.start]
        if len(gap) > _MAX_RANGE_GAP:
            return None
        opener = ""
        opener_start = -1
        if self._dash_gap_re.match(gap):
            if a.kind != "digits" or b.kind != "digits":
                return None
        else:
            wm = self._word_gap_re.match(gap)
            if wm is None:
                return None
            word = wm.group("rw").lower()
            om = self._opener_re.search(text, max(0, a.start - 40), a.start)
            if om is None:
                # A currency sign may sit between the opener and the number.
                cm = self._cur_before_re.search(text, max(0, a.start - 12), a.start)
                if cm is not None:
                    om = self._opener_re.search(text, max(0, cm.start() - 40), cm.start())
            op = om.group("op").lower() if om else ""
            if word == "and":
                if op != "between" or "and" not in self.lexicon.range_openers.get(op, ()):
                    return None
            elif op and word not in self.lexicon.range_openers.get(op, ()):
                return None
            if op:
                opener, opener_start = " ".join(om.group("op").split()), om.start("op")
            # "rose from 500 to 700" is a change between two figures, not a range.
            if op == "from":
                before = [w.lower() for w in self._prev_words(text, opener_start, 3)]
                if any(w in self.lexicon.change_verbs for w in before):
                    return None
        # "since October 2023 to 45,854": a year is a date, never the low end of a count.
        if (
            self._year_like(a)
            and not self._year_like(b)
            and self._is_dated_year(text, a, opener_start)
        ):
            return None
        low, high = a.value, b.value
        if a.scale == 1.0 and b.scale > 1.0 and 0 < a.value < b.mantissa:
            low = a.value * b.scale  # "1.2-1.5 million": the scale carries over
        if not low < high:
            return None
        return _Cand(
            [a, b], a.start, b.end, None, low, high, opener=opener, opener_start=opener_start
        )

    # ----------------------------------------------------------------------------------
    # Step 3: context
    # ----------------------------------------------------------------------------------

    def _prev_words(self, text: str, pos: int, count: int) -> list[str]:
        """Up to ``count`` words right before ``pos``, nearest first.

        Words are separated by spaces, a hyphen ("mid-2022") or quotation marks; any
        other punctuation ends the look-back, so a cue never crosses a comma or a
        full stop. A hand-written scan: it runs for many numbers and a regex search
        over a window is several times slower.
        """
        words: list[str] = []
        i = pos
        while len(words) < count:
            j = i
            while j > 0 and text[j - 1] in _WORD_GAP_CHARS:
                j -= 1
            if j == i:
                break
            k = j
            while k > 0 and (text[k - 1].isalnum() or text[k - 1] in "'’_"):
                k -= 1
            word = text[k:j]
            if not word or not word[0].isalpha():
                break
            words.append(word)
            i = k
        return words

    @staticmethod
    def _cue_before(text: str, pos: int) -> _Cue:
        """What ends right before ``pos``, skipping spaces and quotation marks.

        Returns where it ends, its last character and, if that is a letter, the
        lower-cased word it ends ("" otherwise); (0, "", "") at the start of the text.
        The look-back gates (:meth:`_may_precede`, :meth:`_hedge_gate`) test this, so
        it is read once per position and shared.
        """
        j = pos
        while j > 0 and text[j - 1] in _SPACE_QUOTE_CHARS:
            j -= 1
        if j == 0:
            return 0, "", ""
        ch = text[j - 1]
        if not ch.isalpha():
            return j, ch, ""
        k = j - 1
        while k > 0 and text[k - 1].isalpha():
            k -= 1
        return j, ch, text[k:j].lower()

    def _hedge_gate(self, cue: _Cue) -> tuple[re.Pattern[str], int] | None:
        """The hedge search (pattern, longest phrase) for a cue; None if no hedge ends there.

        The same test as :meth:`_may_precede`; when a word ends there, only the hedges
        ending with that word can match, so their own smaller pattern is returned.
        """
        _, ch, word = cue
        if not ch:
            return None
        if ch in self._hedge_chars:
            return self._hedge_all
        if not word:
            return None
        return self._hedge_by_word.get(word)

    @staticmethod
    def _may_precede(cue: _Cue, last_words: frozenset[str], chars: str) -> bool:
        """Cheap gate before a look-back regex: could a cue end where ``cue`` was read?

        True when, skipping spaces and quotation marks, the text there ends with one
        of ``chars`` or with a word in ``last_words`` (lower-cased). ``cue`` comes
        from :meth:`_cue_before`.
        """
        _, ch, word = cue
        if not ch:
            return False
        if ch in chars:
            return True
        return bool(word) and word in last_words

    def _contextualise(self, text: str, cand: _Cand, prev_end: int) -> NumberMention | None:
        """Add currency, hedges and percent to a number or range and set its bound.

        Looks back no further than ``prev_end`` (the end of the previous mention), so
        mentions never overlap. Returns None when a context rule (date, time, year,
        age, metres) says the number is not a figure.
        """
        lx = self.lexicon
        num_start, num_end = cand.num_start, cand.num_end
        opener = cand.opener if cand.opener_start >= prev_end else ""
        left = num_start
        unit = ""
        cm = None
        # The cue before the left edge, read again only when the edge moves.
        cue_pos, cue = num_start, self._cue_before(text, num_start)
        if self._may_precede(cue, self._cur_last_words, self._cur_chars):
            cm = self._cur_before_re.search(text, max(prev_end, num_start - 12), num_start)
        if cm is not None:
            unit = "currency"
            left = cm.start("cur")
        if opener:
            left = cand.opener_start
        hedge = ""
        hedge_bound = ""
        hm = None
        if left != cue_pos:
            cue_pos, cue = left, self._cue_before(text, left)
        hedge_search = self._hedge_gate(cue)
        if hedge_search is not None:
            hedge_re, longest = hedge_search
            lo = max(prev_end, left - _HEDGE_WINDOW)
            # A hedge ends where the cue ends (only spaces and quotation marks follow
            # it), so with single spaces between its words it starts no further back
            # than its longest phrase: the search can start there, unless a run of
            # spaces could stretch a phrase.
            nearest = cue[0] - longest
            if nearest > lo and _SP_RUN.search(text, lo, left) is None:
                lo = nearest
            hm = hedge_re.search(text, lo, left)
        if hm is not None:
            htext = hm.group("hw") or hm.group("hs") or ""
            key = " ".join(htext.lower().split())
            blocked = False
            blockers = lx.hedge_blockers.get(key)
            if blockers:
                prev = self._prev_words(text, hm.start(), 1)
                blocked = bool(prev) and prev[0].lower() in blockers
            if not blocked and key in self._floor_verbs and (opener or len(cand.atoms) != 1):
                blocked = True  # "crossed 10-15 ...": a floor verb bounds one figure only
            if not blocked:
                hedge = htext
                hedge_bound = self._hedge_bound.get(key, "exact")
                left = hm.start()
        if opener:
            # The hedge text runs from the first hedge word to the opener's end
            # ("roughly between"); quotation marks between them are not hedge words.
            words = text[left : cand.opener_start + len(opener)].translate(_QUOTE_TO_SPACE)
            hedge = " ".join(words.split())

        end = num_end
        # The tail gate answered for num_end; past a percent sign, every pattern runs.
        tail_cue = cand.atoms[-1].tail_cue
        pm = self._pct_re.match(text, end) if tail_cue else None
        if pm is not None:
            unit = "percent"
            end = pm.end()
        trail = ""
        trail_bound = ""
        if len(cand.atoms) == 1 and not cand.vague and (tail_cue or end != num_end):
            tm = self._trail_re.match(text, end)
            if tm is not None:
                trail = tm.group("t").strip()
                trail_bound = self._trail_bound.get(" ".join(trail.lower().split()), "lower")
                if trail[:1] == "-":
                    trail = trail[1:]  # "40-odd", "100-plus": the hedge word is "odd"
                end = tm.end()
        if not unit and (tail_cue or end != num_end) and self._cur_word_re.match(text, end):
            unit = "currency"
        if (
            hedge_bound == "lower"
            and hm is not None
            and not opener
            and " ".join(hedge.lower().split()) in self._floor_verbs
            and not self._floor_object_ok(text, end)
        ):
            # "topped 3 lists": the verb's object is the lists, not the number.
            hedge, hedge_bound = "", ""
            left = cm.start("cur") if cm is not None else num_start

        if left != cue_pos:
            cue_pos, cue = left, self._cue_before(text, left)
        if self._excluded_in_context(text, cand, left, cue, hedge, end, unit):
            return None

        # Bounds.
        vague = cand.vague
        if len(cand.atoms) == 2:
            bound = "range"
            value, low, high = None, cand.low, cand.high
        else:
            value = cand.value
            if vague:
                bound = "lower"
            elif trail_bound in ("lower", "upper", "approx") and hedge_bound not in (
                "lower",
                "upper",
            ):
                bound = trail_bound
            elif hedge_bound:
                bound = hedge_bound
            elif cand.atoms[0].rounded:
                bound = "approx"  # "a dozen", "half a million"
            else:
                bound = "exact"
            low = value if bound == "lower" else None
            high = value if bound == "upper" else None
        if trail:
            hedge = f"{hedge} … {trail}" if hedge else trail
        if value is not None and not math.isfinite(value):
            return None
        return NumberMention(
            start=left,
            end=end,
            text=text[left:end],
            value=value,
            low=low,
            high=high,
            bound=bound,
            num_start=num_start,
            num_end=num_end,
            hedge=hedge,
            vague=vague,
            unit=unit,
        )

    def _excluded_in_context(
        self,
        text: str,
        cand: _Cand,
        left: int,
        cue: _Cue,
        hedge: str,
        end: int,
        unit: str,
    ) -> bool:
        """Dates, clock times, years, ages and measurements: not figures.

        ``cue`` is what ends before ``left`` (see :meth:`_cue_before`).
        """
        lx = self.lexicon
        first, last = cand.atoms[0], cand.atoms[-1]
        if cand.vague:
            return False
        # Metres: "a 10m wall" (no currency sign) is a measurement, not ten million.
        if (
            last.glue == "m"
            and unit != "currency"
            and last.tail_cue
            and self._metre_re.match(text, last.end)
        ):
            return True
        # Clock times and ages written after the number: "5 pm", "0800 GMT", "45 years
        # old", "a 45-year-old".
        if last.tail_cue and self._time_or_age_after_re.match(text, cand.num_end):
            return True
        # Dates: a day number next to a month name.
        if (
            first.plain_int
            and 1 <= first.value <= 31
            and self._month_before_re.search(text, max(0, first.start - 24), first.start)
        ):
            return True
        if last.plain_int and 1 <= last.value <= 31 and self._month_after_re.match(text, last.end):
            return True
        # Ages written before: "aged 45".
        if self._may_precede(cue, self._age_last_words, "") and self._age_before_re.search(
            text, max(0, left - 20), left
        ):
            return True
        if (
            first.plain_int
            and first.value <= 120
            and _AGE_LIST_BEFORE.search(text, max(0, left - 40), left)
        ):
            return True  # the second age of "aged 35 and 52"
        if (
            not hedge
            and len(cand.atoms) == 1
            and first.plain_int
            and first.value <= 120
            and text[cand.num_end : cand.num_end + 1] == ","
            and _NAME_COMMA.search(text, max(0, left - 40), left)
        ):
            return True  # "Olena Bondar, 46, had travelled": an age in apposition
        # Years.
        if unit == "" and first.plain_int and all(map(self._year_like, cand.atoms)):
            # The word right before settles most years ("in 2022"); read on only if not.
            prev = self._prev_words(text, left, 1)
            if prev and (prev[0] in self._months or prev[0].lower() in lx.year_cues):
                return True
            prev = self._prev_words(text, left, 3)
            lowered = [w.lower() for w in prev]
            # The one, two and three words before: "in", "end of", "in the year".
            phrases = {" ".join(reversed(lowered[:k])) for k in range(1, len(lowered) + 1)}
            if (prev and prev[0] in self._months) or phrases & lx.year_cues:
                return True
            if any(a.value < lx.year_min for a in cand.atoms):
                return False  # an old-looking number without a cue is a count
            if hedge and len(cand.atoms) == 1:
                return False
            nm = self._next_word_re.match(text, end)
            if nm is not None:
                follower = nm.group("w").lower()
                if follower in lx.count_followers:
                    return False  # "2000 soldiers"
                if len(cand.atoms) == 1 and follower in lx.count_verbs:
                    return False  # "2000 were killed"
            return True
        return False

    def _is_dated_year(self, text: str, atom: _Atom, opener_start: int) -> bool:
        """A year-like atom with a year cue, a month or a day and month right before it.

        The range opener itself ("from 2000 to 5,000") is not taken as a year cue.
        """
        pos = opener_start if opener_start >= 0 else atom.start
        prev = self._prev_words(text, pos, 3)
        if prev and prev[0] in self._months:
            return True
        lowered = [w.lower() for w in prev]
        phrases = {" ".join(reversed(lowered[:k])) for k in range(1, len(lowered) + 1)}
        if phrases & self.lexicon.year_cues:
            return True
        return self._date_before_re.search(text, max(0, pos - 24), pos) is not None

    def _floor_object_ok(self, text: str, end: int) -> bool:
        """After a floor verb: is the number at ``end`` the verb's object?

        True when no word follows it, or the word that follows ends its noun phrase or
        names what a toll counts ("passed 500 on Monday", "topped 3,000 dead"); false
        for "topped 3 lists".
        """
        nm = self._next_word_re.match(text, end)
        return nm is None or nm.group("w").lower() in self._floor_followers

    def _year_like(self, atom: _Atom) -> bool:
        """A bare four-digit integer in the lexicon's year span (1000..2100 by default)."""
        lx = self.lexicon
        return (
            atom.plain_int
            and atom.end - atom.start == 4
            and lx.old_year_min <= atom.value <= lx.year_max
        )

    # ----------------------------------------------------------------------------------
    # Step 4: "at least 100 and as many as 300"
    # ----------------------------------------------------------------------------------

    def _join_bounds(self, text: str, mentions: list[NumberMention]) -> list[NumberMention]:
        """Join a lower and an upper bound written side by side into one range."""
        if len(mentions) < 2:
            return mentions
        out: list[NumberMention] = []
        i = 0
        n = len(mentions)
        while i < n:
            a = mentions[i]
            if i + 1 < n:
                b = mentions[i + 1]
                joined = self._join_pair(text, a, b)
                if joined is not None:
                    out.append(joined)
                    i += 2
                    continue
            out.append(a)
            i += 1
        return out

    def _join_pair(self, text: str, a: NumberMention, b: NumberMention) -> NumberMention | None:
        """One range from a hedged lower and upper bound joined by "and"/"but"/a comma."""
        pair = (a.bound, b.bound)
        if pair not in (("lower", "upper"), ("upper", "lower")):
            return None
        if a.vague or b.vague or a.unit != b.unit or not a.hedge or not b.hedge:
            return None
        if b.start - a.end > 12 or not self._joiner_re.match(text[a.end : b.start]):
            return None
        assert a.value is not None and b.value is not None  # lower/upper carry a value
        low, high = (a.value, b.value) if pair == ("lower", "upper") else (b.value, a.value)
        if not low < high:
            return None
        return NumberMention(
            start=a.start,
            end=b.end,
            text=text[a.start : b.end],
            value=None,
            low=low,
            high=high,
            bound="range",
            num_start=a.num_start,
            num_end=b.num_end,
            hedge=f"{a.hedge} … {b.hedge}",
            vague=False,
            unit=a.unit,
        )


_CONT_FIRST = frozenset(" \t\u00a0\u2009\u202f-‐‑")
_WHITESPACE = re.compile(r"\s")
_SPACE_DELETE = {ord(c): None for c in " \u00a0\u2009\u202f"}
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_WORD_GAP_CHARS = frozenset(" \t\u00a0\u2009\u202f-" + _QUOTE_CHARS)
_QUOTE_TO_SPACE = {ord(c): " " for c in _QUOTE_CHARS}
_SPACE_QUOTE_CHARS = frozenset(" \t\u00a0\u2009\u202f" + _QUOTE_CHARS)
_ASCII_WORD = re.compile(r"[a-z]+")
_SP_RUN = re.compile(_SP + "{2}")
# The only non-ASCII characters ``re`` matches to ASCII letters when ignoring case.
_ASCII_FOLDS = frozenset("\u0130\u0131\u017f\u212a")

_DEFAULT: NumberFinder | None = None


def _default_finder() -> NumberFinder:
    """The finder built from the packaged lexicon (built once, at import)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = NumberFinder(load_lexicon())
    return _DEFAULT


# Build the default finder at import so the first call is as fast as the rest.
_default_finder()


def find_numbers(text: str) -> list[NumberMention]:
    """Every numeric expression in ``text``: figures with their hedges and bounds.

    In: any ``str`` (article text; empty, huge or odd input is fine).
    Out: a list of :class:`NumberMention`, sorted by ``start``, non-overlapping, with
    ``text[m.start:m.end] == m.text`` and ``text[m.num_start:m.num_end]`` the number
    alone. Years, dates, times, ages, ordinals and numbers inside URLs, e-mail
    addresses and phone numbers are left out.
    """
    return _default_finder().find(text)
