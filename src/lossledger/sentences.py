"""Sentence splitting with character offsets, plus the text helpers later stages share.

What goes in: an article's ``text`` (any string). What comes out: a list of
:class:`Sentence` (``start``/``end`` offsets into that same string, the paragraph it
belongs to), or with :func:`sentence_table` one row per sentence of an articles table.

Rules, in order:

- Paragraphs: if the text has blank lines, paragraphs are separated by blank lines and
  a single newline inside one only ends a sentence when the line before ends in
  terminal punctuation (hard-wrapped text stays whole). Without blank lines, every
  line is a paragraph (feeds and copy-pasted articles often put one per line), so a
  headline without a full stop never swallows the next sentence.
- Inside a paragraph a sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing
  quotes or brackets) followed by space and a capital, a digit or an opening quote;
  except after abbreviations ("Mr.", "Gen.", "No."), initials ("J."), dotted acronyms
  ("U.S.", "U.N."), and inside a direct quotation that closes in the same paragraph:
  a quoted passage and its "she said" stay in one sentence, because attribution needs
  them together.

The module also holds the small helpers every stage uses: cached YAML lexicon loading
(:func:`load_lexicon`), whole-word phrase regexes (:func:`phrase_pattern`) and quotation
spans (:func:`quote_spans`). Pure Python and regexes only, so splitting runs at many
megabytes a second.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

# Abbreviations after which a full stop does not end a sentence. Kept here, not in
# YAML, because they are a property of English punctuation, not of a conflict.
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt",
        "cpl", "pvt", "adm", "cmdr", "rep", "sen", "gov", "st", "mt", "ft", "no", "nos",
        "vs", "v", "jr", "sr", "inc", "ltd", "co", "corp", "dept", "est", "approx", "fig",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "rev", "hon", "pres", "gens", "sgts", "messrs", "mme", "mlle", "al", "cf", "ca",
        "e.g", "i.e", "vol", "pp", "para", "art",
    }
)  # fmt: skip

_TERMINAL = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s+[\"“‘'«(\[]?[A-Z0-9À-ÖØ-Þ\u0400-\u042f])")
# What the word before a full stop is made of ("Gen", "U.S", "e.g").
_WORD_LETTERS = string.ascii_letters + "."
_DOTTED_ACRONYM = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_NEWLINE = re.compile(r"\n")
_LINE_END_TERMINAL = re.compile(r"[.!?…:;\"”’)\]]\s*$")
_QUOTE_MARKS = re.compile(r"[“”\"«»]")
# A quotation longer than this is probably an unbalanced straight quote, not speech.
MAX_QUOTE_CHARS = 1500


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text[start:end]`` with surrounding space trimmed."""

    start: int
    end: int
    paragraph: int
    index: int


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A direct quotation: ``open``/``close`` are the marks' offsets (close may be the
    paragraph end for a quotation that runs on); the words are ``text[open+1:close]``."""

    open: int
    close: int
    closed: bool


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of every non-empty paragraph, whitespace trimmed."""
    if not text:
        return []
    splitter = _BLANK_LINE if _BLANK_LINE.search(text) else _NEWLINE
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in splitter.finditer(text):
        _append_trimmed(text, pos, match.start(), spans)
        pos = match.end()
    _append_trimmed(text, pos, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


def quote_spans(text: str, start: int = 0, end: int | None = None) -> list[QuoteSpan]:
    """Pair quotation marks in ``text[start:end]`` (one paragraph).

    Curly and angle quotes pair by direction; straight double quotes alternate. An
    opening mark left open runs to ``end`` (quotations that continue in the next
    paragraph reopen there). Spans longer than MAX_QUOTE_CHARS are dropped.
    """
    end = len(text) if end is None else end
    spans: list[QuoteSpan] = []
    open_at: int | None = None
    for match in _QUOTE_MARKS.finditer(text, start, end):
        mark = match.group()
        pos = match.start()
        if mark in "“«":
            open_at = pos
        elif mark in "”»":
            if open_at is not None:
                spans.append(QuoteSpan(open_at, pos, True))
                open_at = None
        elif open_at is None:  # straight quote: alternate open / close
            open_at = pos
        else:
            spans.append(QuoteSpan(open_at, pos, True))
            open_at = None
    if open_at is not None and end - open_at > 1:
        spans.append(QuoteSpan(open_at, end, False))
    if not spans:
        return spans  # most paragraphs quote no one: no second list
    return [s for s in spans if s.close - s.open <= MAX_QUOTE_CHARS]


# Page furniture under a headline: "By Ana Ruiz", "Updated 14:05", "Salween Report | Bangkok".
_FURNITURE_LINE = re.compile(
    r"[ \t]*(?:By\s+[A-Z]|(?:Last\s+)?[Uu]pdated\b|Published\b|Posted\b|[^\n]*\s\|\s)"
)


def _line_pieces(text: str, start: int, end: int, blank_line_mode: bool) -> list[tuple[int, int]]:
    """Split a paragraph at single newlines that end a line of finished text."""
    if not blank_line_mode or text.find("\n", start, end) < 0:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    pos = start
    for match in re.finditer(r"\n", text[start:end]):
        nl = start + match.start()
        if (
            _LINE_END_TERMINAL.search(text, pos, nl)
            or re.match(r"\s*[-•*–]\s", text[nl + 1 : end])
            # A byline or dateline is not part of the headline or sentence above it.
            or _FURNITURE_LINE.match(text, nl + 1, end)
        ):
            _append_trimmed(text, pos, nl, pieces)
            pos = nl + 1
    _append_trimmed(text, pos, end, pieces)
    return pieces


def _is_abbreviation(text: str, dot: int, piece_start: int) -> bool:
    """True when the full stop at ``dot`` closes an abbreviation, initial or acronym."""
    before = text[max(piece_start, dot - 20) : dot + 1]
    if before.endswith(("a.m.", "p.m.")):
        return False  # a time of day; the capital after it starts a new sentence
    # An acronym ends "X.Y.": the cheap test first, it rarely holds.
    if before[-3:-2] == "." and _DOTTED_ACRONYM.search(before):
        # "U.S." ends a sentence only when it is clearly the last word: rare; keep whole.
        return True
    # The word: the letters and dots running up to the full stop (a newline just before
    # it is passed over), from the first letter. String methods, not a regex search.
    head = before[:-1]
    if head.endswith("\n"):
        head = head[:-1]
    word = head[len(head.rstrip(_WORD_LETTERS)) :].lstrip(".")
    if len(word) == 1 and word.isupper():
        return True  # an initial: "J. Smith"
    return word.lower().rstrip(".") in ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with offsets into ``text``.

    Never raises on odd input; returns [] for empty or whitespace-only text.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    blank_line_mode = bool(_BLANK_LINE.search(text))
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraph_spans(text)):
        # Paired only once a sentence end inside the paragraph needs them (a headline
        # or a one-sentence paragraph has none).
        quotes: list[QuoteSpan] | None = None
        for piece_start, piece_end in _line_pieces(text, p_start, p_end, blank_line_mode):
            pos = piece_start
            for match in _TERMINAL.finditer(text, piece_start, piece_end):
                stop = match.end()
                if text[match.start()] == "." and _is_abbreviation(text, match.start(), pos):
                    continue
                if quotes is None:
                    quotes = [q for q in quote_spans(text, p_start, p_end) if q.closed]
                if any(q.open < match.start() and stop <= q.close for q in quotes):
                    continue  # inside a quotation that closes later in the paragraph
                _add_sentence(text, pos, stop, p_index, sentences)
                pos = stop
            _add_sentence(text, pos, piece_end, p_index, sentences)
    return sentences


def _add_sentence(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, paragraph, len(out)))


def sentence_table(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence of each article: article_id, index, paragraph, start, end, sentence."""
    rows: list[dict[str, Any]] = []
    for article_id, text in zip(articles["article_id"], articles["text"], strict=False):
        text = text if isinstance(text, str) else ""
        for s in split_sentences(text):
            rows.append(
                {
                    "article_id": article_id,
                    "index": s.index,
                    "paragraph": s.paragraph,
                    "start": s.start,
                    "end": s.end,
                    "sentence": text[s.start : s.end],
                }
            )
    columns = ["article_id", "index", "paragraph", "start", "end", "sentence"]
    return pd.DataFrame(rows, columns=columns)


# --- shared lexicon helpers --------------------------------------------------------------


@cache
def load_lexicon(name: str) -> dict[str, Any]:
    """Load ``lexicons/<name>.yaml`` once per process (cached)."""
    path = resources.files("lossledger") / "lexicons" / f"{name}.yaml"
    # libyaml's loader when PyYAML has it: the lexicons load in milliseconds.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return data if isinstance(data, dict) else {}


def trie_alternation(
    phrases: list[str] | tuple[str, ...] | set[str], lower: bool = False, not_after: str = ""
) -> str:
    r"""A regex alternation of ``phrases`` arranged as a prefix tree.

    Python's regex engine tries alternatives one by one at every position; sharing
    prefixes makes a list of hundreds of words cost about as much as one. Longer
    phrases are still preferred (optional tails are greedy). A space matches any run
    of whitespace; a trailing ``*`` matches any word ending. Returns '' for no phrases.

    ``not_after`` (a character class such as ``[\w-]``) is what may not come just
    before a phrase. It is checked after the phrase's first letter, not before it: a
    case-sensitive pattern that starts with a letter lets the engine skip straight to
    the letters a phrase can start with, about twice as fast as a look-behind first.
    """
    trie: dict[str, dict] = {}
    for phrase in phrases:
        phrase = " ".join(str(phrase).split())
        if lower:
            phrase = phrase.lower()
        if not phrase.rstrip("*"):
            continue
        star = phrase.endswith("*")
        node = trie
        for ch in phrase.rstrip("*"):
            node = node.setdefault(ch, {})
        node["*" if star else ""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            if ch == "*":
                alts.append(r"[\w'’-]*")
                continue
            # Typographic and straight apostrophes are the same letter to a reader
            # ("Cox’s Bazar" is "Cox's Bazar").
            piece = r"\s+" if ch == " " else "['’]" if ch in "'’" else re.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    if not not_after:
        return build(trie)
    guarded = []
    for ch in sorted(k for k in trie if k):
        if ch in "*'’ ":  # not a single literal letter: the check goes in front
            guarded.append(f"(?<!{not_after})" + build({ch: trie[ch]}))
        else:
            guarded.append(re.escape(ch) + f"(?<!{not_after}.)" + build(trie[ch]))
    return guarded[0] if len(guarded) == 1 else "(?:" + "|".join(guarded) + ")"


# The letters outside ASCII that re.IGNORECASE equates with an ASCII letter (checked
# against every code point): dotted and dotless i, long s, the Kelvin sign.
_ASCII_FOLDS = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
# Other letters it equates with one that lower-casing keeps apart (Greek and Cyrillic
# variants, the micro sign): they matter only to a word list that is not ASCII.
_NON_ASCII_FOLDS = re.compile("[µͅΐΰβεθικμπρςσφϐϑϕϖϰϱϵвдостъѣᲀ-ᲈṡẛιΐΰꙋﬅﬆ]")


def fold_case(text: str) -> str:
    """``text`` lower-cased offset for offset, so that a case-sensitive pattern of
    lower-case ASCII words finds in it exactly what the case-insensitive pattern finds
    in ``text``. Kept for the articles being read (see :func:`_fold`)."""
    return _fold(text)[0]


def lowered_same_length(text: str) -> str | None:
    """:func:`fold_case` when it serves any word list, ASCII or not; None when ``text``
    holds a letter the case-insensitive engine equates with a non-ASCII one
    (a Greek final sigma with sigma, say)."""
    lowered, any_list = _fold(text)
    return lowered if any_list else None


@lru_cache(maxsize=8)
def _fold(text: str) -> tuple[str, bool]:
    # Case-insensitive patterns run about twice as slowly as case-sensitive ones (the
    # engine compares every letter both ways); lowering an article once, for all the
    # scans of its sentences, costs next to nothing.
    if text.isascii():
        return text.lower(), True
    for letter, ascii_letter in _ASCII_FOLDS.items():
        if letter in text:
            text = text.replace(letter, ascii_letter)
    lowered = text.lower()
    if len(lowered) != len(text):  # U+0130, the one letter that lowers to two, is gone;
        # this is insurance should Unicode ever add another.
        lowered = "".join(c if len(c.lower()) > 1 else c.lower() for c in text)
    return lowered, _NON_ASCII_FOLDS.search(text) is None


# Scanning a lower-cased copy pays off only for an article, and only for a window long
# enough that the engine's start-up does not eat the gain (measured).
_ARTICLE_LENGTH = 256
_SHORT_WINDOW = 48


@dataclass(frozen=True)
class PhraseScanner:
    """A word list for scanning windows of an article (:func:`phrase_scanner`).

    ``plain`` is the case-insensitive pattern of :func:`phrase_pattern`, for any
    string. Windows of an article are scanned in its lower-cased copy with ``lower``,
    a case-sensitive twin, when offsets allow (:func:`lowered_same_length`): Python's
    engine compares letters directly then, about twice as fast as ignoring case.
    ``keys`` (for a short list) holds one word of every phrase: a window holding none
    of them cannot hold a phrase, and Python's substring test says so faster than a
    scan.
    """

    plain: re.Pattern
    lower: re.Pattern
    keys: tuple[str, ...] | None = None

    def _lowered(self, text: str, start: int, end: int) -> str | None:
        if len(text) < _ARTICLE_LENGTH or end - start < _SHORT_WINDOW:
            return None
        return lowered_same_length(text)

    def _may_hold(self, lowered: str, start: int, end: int) -> bool:
        if self.keys is None:
            return True
        window = lowered[start:end]
        for key in self.keys:  # noqa: SIM110 (a plain loop is twice as fast as any())
            if key in window:
                return True
        return False

    def found(self, text: str, start: int = 0, end: int | None = None) -> bool:
        """Is one of the phrases in ``text[start:end]``?"""
        end = len(text) if end is None else end
        lowered = self._lowered(text, start, end)
        if lowered is None:
            return self.plain.search(text, start, end) is not None
        if not self._may_hold(lowered, start, end):
            return False
        return self.lower.search(lowered, start, end) is not None

    def hits(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """``(start, end, phrase)`` of every phrase in ``text[start:end]``; the phrase
        as written in the text, lower-cased."""
        end = len(text) if end is None else end
        lowered = self._lowered(text, start, end)
        if lowered is None:
            return [
                (m.start(), m.end(), m.group().lower())
                for m in self.plain.finditer(text, start, end)
            ]
        if not self._may_hold(lowered, start, end):
            return []
        # The phrase from the text itself, as the plain scan gives it ("ſaid" stays so).
        return [
            (a, b, text[a:b].lower())
            for a, b in (m.span() for m in self.lower.finditer(lowered, start, end))
        ]


# More key words than this and testing them costs more than the scan they would save.
_MAX_KEYS = 16


def key_words(phrases: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """One lower-case word of every phrase, such that a text holding a phrase (in any
    case) holds one of them in its lower-cased form: the longest word of each phrase,
    apostrophes splitting words (a phrase's "'" also matches "’"), a trailing ``*``
    dropped. A word holding another is left out ("exchanges" beside "exchange"): it is
    found whenever that one is. Empty when a phrase has no word to key on."""
    keys: set[str] = set()
    for phrase in phrases:
        words = re.split(r"[\s'’]+", " ".join(str(phrase).lower().split()).rstrip("*"))
        keys.add(max(words, key=len))
    if not keys or "" in keys:
        return ()
    return tuple(sorted(k for k in keys if not any(o != k and o in k for o in keys)))


def phrase_scanner(phrases: list[str] | tuple[str, ...]) -> PhraseScanner:
    """:func:`phrase_pattern` (ignoring case) with its case-sensitive twin, and for a
    short list the :func:`key_words` that rule a window out."""
    lowered = [" ".join(str(p).lower().split()) for p in phrases]
    keys = key_words(lowered)
    return PhraseScanner(
        phrase_pattern(lowered),
        phrase_pattern(lowered, flags=0),
        keys if 0 < len(keys) <= _MAX_KEYS else None,
    )


def phrase_pattern(phrases: list[str] | tuple[str, ...], flags: int = re.IGNORECASE) -> re.Pattern:
    """Compile phrases into one whole-word pattern (a prefix tree, longest match first).

    Spaces match any run of whitespace; a trailing ``*`` matches any word ending.
    An empty list gives a pattern that never matches.
    """
    body = trie_alternation(list(phrases), lower=bool(flags & re.IGNORECASE))
    if not body:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![\w'’-])(?:" + body + r")(?![\w])(?!-\w)", flags)
