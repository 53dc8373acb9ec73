"""Stage 3: line the claims of different outlets up against each other.

What goes in: the claims table (``schema.CLAIM_COLUMNS``, one row per figure or
quotation; an optional ``origin`` column says where a statement was first made,
e.g. "told NBC").

What comes out:

- :func:`align_claims`: the claim groups table (``schema.GROUP_COLUMNS``, then
  extras), one row per group of claims that different articles make about the
  same thing, with a status saying whether they agree and one sentence saying
  what differs.
- :func:`staleness`: how old each figure was when it was printed.
- :func:`outlet_grid`: the data behind the outlet-by-group grid chart.
- :func:`conflict_pairs`: the claims of each conflicting group side by side.

How claims are grouped (the tolerances live in ``lexicons/align.yaml``):

- Figures are blocked by (kind, metric, party) and, inside a block, sorted by
  number. A sweep over that order opens a group at a claim (its anchor) and adds
  every later claim that is *linked* to the anchor: as_of compatible (equal, one
  a prefix of the other, or either empty) and numbers close (within
  ``near_tolerance``; a range links with a range it overlaps and with a reading
  near one of its ends). Members are compared with the anchor, never with each
  other, so a chain 100, 104, 108, 112 does not melt into one group. Only claims
  inside the anchor's window are ever compared: no all-pairs comparison.
- A group whose as_of values are not all compatible ("2025-02" and "2025-03"
  joined through "2025") is split: each most specific as_of keeps its own group
  and a coarser or empty as_of joins the one with most claims.
- Claims of a single article never confirm each other: a group holding one
  article only keeps one reading (repeats of the same figure stay together), and
  statuses are judged between claims of different articles only.
- Quotations are grouped by their words (:func:`quote_tokens`,
  :func:`quotes_match`). Candidates come from a token index over the distinct
  normalised texts, never from all pairs: pairs of rare words from each text's
  prefix (prefix filtering, for the Jaccard test) and the two rarest words (for
  the containment test). Quotations ignore metric, party and as_of.
- A figure or quotation without anything to compare (no number, no words) is a
  group of its own.

Statuses, most serious first: ``source_differs`` (two articles credit the group
to sources that cannot be the same, :func:`sources_compatible`; a claim with no
source never conflicts), ``value_differs`` (the numbers differ; an approximate
reading matches numbers within ``approx_tolerance``), ``bound_differs`` (the
hedge differs: exact, approx, lower, upper, range), then ``agree`` and
``single`` (one article only). They are judged between claims of different
articles: an article that prints two versions does not conflict with itself.

Sources are compared as sets per article: two articles differ in source when
one credits someone the other has no compatible name for. A worked case, the
seed articles' 1,200 bodies: one outlet has it from "officials in Kyiv" and (in
the handover statement it quotes) from "Russian authorities"; the other from
"Ukrainian officials" and Kyiv's prisoner-of-war headquarters. All four claims
are one group (same number, same day), and it is ``source_differs``: the number
agrees, but only one outlet has Russia asserting it, and a fact-checker should
see that next to the quotation group that shows why. "officials in Kyiv"
against "Ukrainian officials" alone would be ``agree`` (generic names of one
side).
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import yaml

from lossledger.paths import LEXICON_DIR
from lossledger.schema import CLAIM_COLUMNS, GROUP_COLUMNS, GROUP_STATUSES
from lossledger.tables import tidy

SETTINGS_FILE = LEXICON_DIR / "align.yaml"

# Columns align_claims writes after the contract ones.
GROUP_EXTRA_COLUMNS: list[str] = [
    "statuses",
    "outlets",
    "sources",
    "as_of",
    "text",
    "n_claims",
]
STALENESS_COLUMNS: list[str] = [
    "claim_id",
    "article_id",
    "outlet",
    "text",
    "metric",
    "party",
    "as_of",
    "published",
    "age_days",
]
STALENESS_EXTRA_COLUMNS: list[str] = ["as_of_date", "age_months"]
GRID_COLUMNS: list[str] = ["group_id", "label", "status", "article_id", "outlet", "mark"]
GRID_MARKS: tuple[str, ...] = ("present", "agree", "differs", "absent")
PAIR_COLUMNS: list[str] = [
    "group_id",
    "status",
    "outlet_a",
    "article_a",
    "text_a",
    "sentence_a",
    "source_a",
    "outlet_b",
    "article_b",
    "text_b",
    "sentence_b",
    "source_b",
]
PAIR_EXTRA_COLUMNS: list[str] = ["claim_a", "claim_b", "differs"]

_STATUS_RANK = {status: rank for rank, status in enumerate(GROUP_STATUSES)}
_FLAG_WORDS = {
    "source_differs": "source differs",
    "value_differs": "value differs",
    "bound_differs": "bound differs",
}
_HEDGE_WORDS = {"approx": "about ", "lower": "more than ", "upper": "up to "}
_KNOWN_BOUNDS = frozenset({"exact", "approx", "lower", "upper", "range"})
_DAYS_PER_MONTH = 365.25 / 12
_EXCERPT_WORDS = 8


# ----------------------------------------------------------------- settings


@dataclass(frozen=True)
class AlignSettings:
    """Tolerances and word lists of the comparison (documented in ``lexicons/align.yaml``)."""

    approx_tolerance: float = 0.02
    near_tolerance: float = 0.05
    quote_jaccard: float = 0.8
    quote_min_contained_tokens: int = 5
    fuzzy_min_word_length: int = 5
    fuzzy_max_distance: int = 2
    month_anchor_day: int = 15
    year_anchor_month: int = 7
    year_anchor_day: int = 1
    name_stopwords: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    generic_source_words: frozenset[str] = frozenset()
    word_aliases: tuple[tuple[str, str], ...] = ()
    side_words: tuple[tuple[str, frozenset[str]], ...] = field(default=())


_FRACTIONS = ("approx_tolerance", "near_tolerance", "quote_jaccard")
_COUNTS = (
    "quote_min_contained_tokens",
    "fuzzy_min_word_length",
    "fuzzy_max_distance",
    "month_anchor_day",
    "year_anchor_month",
    "year_anchor_day",
)
_WORD_SETS = ("name_stopwords", "titles", "generic_source_words")


def load_settings(path: str | Path | None = None) -> AlignSettings:
    """Read the comparison settings from ``path`` (default ``lexicons/align.yaml``).

    In: a YAML file of the keys of :class:`AlignSettings` (all optional).
    Out: the settings; keys left out keep their defaults. An unknown key, a
    tolerance outside (0, 1) or a malformed list raises ValueError naming the file.
    """
    source = Path(path) if path is not None else SETTINGS_FILE
    try:
        stat = source.stat()
    except OSError as error:
        raise FileNotFoundError(f"align settings {source} cannot be read: {error}") from error
    # Cached per file version: an edited file is read again.
    return _load_settings(str(source), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_settings(path: str, mtime_ns: int, size: int) -> AlignSettings:
    source = Path(path)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(f"{source}: not valid YAML: {error}") from error
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValueError(f"{source}: expected a mapping of settings, got {type(raw).__name__}")
    known = {f.name for f in fields(AlignSettings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"{source}: unknown setting(s) {', '.join(map(str, unknown))}")
    kwargs: dict[str, Any] = {}
    for name in _FRACTIONS:
        if name in raw:
            number = float(raw[name])
            if not 0 < number < 1:
                raise ValueError(f"{source}: {name} must lie between 0 and 1, got {number}")
            kwargs[name] = number
    for name in _COUNTS:
        if name in raw:
            kwargs[name] = int(raw[name])
    for name in _WORD_SETS:
        if name in raw:
            kwargs[name] = frozenset(str(word).casefold() for word in _as_list(raw[name], name))
    if "word_aliases" in raw:
        aliases = raw["word_aliases"] or {}
        if not isinstance(aliases, dict):
            raise ValueError(f"{source}: word_aliases must be a mapping")
        kwargs["word_aliases"] = tuple(
            sorted((str(k).casefold(), str(v).casefold()) for k, v in aliases.items())
        )
    if "side_words" in raw:
        sides = raw["side_words"] or {}
        if not isinstance(sides, dict):
            raise ValueError(f"{source}: side_words must map a side to a list of words")
        kwargs["side_words"] = tuple(
            sorted(
                (str(side).casefold(), frozenset(str(w).casefold() for w in _as_list(words, side)))
                for side, words in sides.items()
            )
        )
    return AlignSettings(**kwargs)


def _as_list(value: Any, name: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{name}: expected a list of words")
    return value


# ----------------------------------------------------------------- small helpers


def _finite(x: object) -> bool:
    return isinstance(x, float | int) and math.isfinite(x)


def _near(x: float, y: float, tolerance: float) -> bool:
    """True when x and y differ by at most ``tolerance`` of the larger magnitude."""
    return abs(x - y) <= tolerance * max(abs(x), abs(y))


def _same_number(x: float, y: float) -> bool:
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


def _reach(high: float, tolerance: float) -> float:
    """The largest number that can still be near ``high`` (see :func:`_near`)."""
    return high + abs(high) * tolerance / (1 - tolerance)


def format_number(x: float) -> str:
    """``1200.0`` -> ``"1,200"``; fractions keep up to six significant digits."""
    if not _finite(x):
        return ""
    if abs(x - round(x)) < 1e-9 and abs(x) < 1e15:
        return f"{round(x):,}"
    return f"{x:,.6g}"


def format_reading(bound: str, value: float, low: float, high: float) -> str:
    """A reading in words: "1,200", "about 111,000", "more than 46,000", "150,000–300,000"."""
    span = _span(_norm_bound(bound), value, low, high)
    if span is None:
        return ""
    lo, hi = span
    bound = _norm_bound(bound)
    if bound == "range" and not _same_number(lo, hi):
        return f"{format_number(lo)}–{format_number(hi)}"
    return _HEDGE_WORDS.get(bound, "") + format_number(lo)


def _norm_bound(bound: str) -> str:
    cleaned = bound.strip().casefold()
    return cleaned if cleaned in _KNOWN_BOUNDS else "exact"


def _span(bound: str, value: float, low: float, high: float) -> tuple[float, float] | None:
    """The number(s) a reading rests on: (x, x) for a point or a bound, (low, high) for a range."""
    if bound == "range":
        if _finite(low) and _finite(high):
            return (min(low, high), max(low, high))
        order = (low, high, value)
    elif bound == "lower":
        order = (low, value, high)
    elif bound == "upper":
        order = (high, value, low)
    else:
        order = (value, low, high)
    for x in order:
        if _finite(x):
            return (float(x), float(x))
    return None


def _join_and(items: Sequence[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _who(articles: Sequence[str], labels: Mapping[str, str], limit: int = 3) -> str:
    names = [labels[a] for a in articles]
    if len(names) <= limit:
        return _join_and(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} others"


def _excerpt(text: str, words: int = _EXCERPT_WORDS) -> str:
    stripped = text.strip().strip("\"'“”‘’«»„").strip()
    parts = stripped.split()
    if len(parts) <= words:
        return stripped
    return " ".join(parts[:words]).rstrip(",;:") + "…"


def _short_ids(ids: Sequence[str]) -> dict[str, str]:
    """Article ids cut to the shortest prefix (at least 7 characters) that tells them apart."""
    unique = sorted(set(ids))
    width = 7
    longest = max((len(i) for i in unique), default=0)
    while width < longest and len({i[:width] for i in unique}) < len(unique):
        width += 1
    return {i: i if len(i) <= width + 1 else i[:width] + "…" for i in unique}


def _group_id(claim_ids: Iterable[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(claim_ids)).encode("utf-8")).hexdigest()
    return "G" + digest[:12]


def _as_of_compatible(a: str, b: str) -> bool:
    return not a or not b or a == b or _is_prefix(a, b) or _is_prefix(b, a)


def _is_prefix(short: str, long: str) -> bool:
    return len(short) < len(long) and long.startswith(short) and long[len(short)] in "-T "


# ----------------------------------------------------------------- words


_WORD = re.compile(r"[^\W_]+")
_INNER_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’‘`ʼ](?=[^\W\d_])")
_POSSESSIVE = re.compile(r"['’ʼ]s\b")
_DIGIT_GROUP = re.compile(r"(?<=\d)[,.\u00a0\u202f\u2009' ](?=\d{3}(?!\d))")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def quote_tokens(text: str) -> tuple[str, ...]:
    """The words of a quotation as compared: case folded, punctuation and quote marks dropped.

    "1,200" and "1 200" become "1200"; "don’t" and "don't" become "dont"; curly and
    straight quotes, dashes and ellipses vanish with the rest of the punctuation.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _DIGIT_GROUP.sub("", folded)
    folded = _INNER_APOSTROPHE.sub("", folded)
    return tuple(_WORD.findall(folded))


def name_words(name: str, settings: AlignSettings) -> tuple[str, ...]:
    """The main words of a source name: case folded, without "the", titles or notes in brackets.

    "the Ukrainian President Volodymyr Zelenskyy (to NBC)" -> ("ukrainian",
    "volodymyr", "zelensky"). A name made only of a bracketed note keeps its words.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    folded = _POSSESSIVE.sub("", folded)
    stripped = _PARENTHESES.sub(" ", folded)
    if not _WORD.search(stripped):
        stripped = folded
    stripped = _INNER_APOSTROPHE.sub("", stripped)
    aliases = dict(settings.word_aliases)
    words = []
    for word in _WORD.findall(stripped):
        if word in settings.name_stopwords or word in settings.titles:
            continue
        words.append(aliases.get(word, word))
    return tuple(dict.fromkeys(words))


@lru_cache(maxsize=65536)
def _within_edits(a: str, b: str, limit: int) -> bool:
    """True when a and b are at most ``limit`` insertions, deletions or substitutions apart."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = i
        for j, char_b in enumerate(b, 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)
            )
            best = min(best, current[j])
        if best > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _word_match(a: str, b: str, settings: AlignSettings) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < settings.fuzzy_min_word_length:
        return False
    return _within_edits(a, b, settings.fuzzy_max_distance)


def _contained(small: Sequence[str], big: Sequence[str], settings: AlignSettings) -> bool:
    return all(any(_word_match(w, b, settings) for b in big) for w in small)


def names_match(a: Sequence[str], b: Sequence[str], settings: AlignSettings) -> bool:
    """True when the main words of one name all appear (spelling variants allowed) in the other."""
    if not a or not b:
        return False
    return _contained(a, b, settings) or _contained(b, a, settings)


class SourceKey(NamedTuple):
    """A source name as compared: its main words, its side, and whether it is generic."""

    words: tuple[str, ...]
    side: str
    generic: bool


def source_key(name: str, side: str, settings: AlignSettings) -> SourceKey:
    """Describe a source for comparison (see :func:`sources_compatible`).

    ``side`` is the claims table's source_side; when it is empty the side is read
    from the name's words (``side_words`` in align.yaml) if exactly one side fits.
    """
    words = name_words(name, settings)
    side_norm = side.strip().casefold()
    all_side_words: set[str] = set()
    sides_seen = []
    full_words = set(_WORD.findall(_INNER_APOSTROPHE.sub("", name.casefold())))
    full_words |= set(words)
    for side_name, side_vocab in settings.side_words:
        all_side_words |= side_vocab
        if full_words & side_vocab:
            sides_seen.append(side_name)
    if not side_norm and len(sides_seen) == 1:
        side_norm = sides_seen[0]
    generic_words = settings.generic_source_words
    n_generic = sum(1 for w in words if w in generic_words)
    others = [w for w in words if w not in generic_words]
    generic = bool(words) and (
        all(w in all_side_words for w in others) or (n_generic > 0 and len(others) <= 1)
    )
    return SourceKey(words, side_norm, generic)


def sources_compatible(a: SourceKey, b: SourceKey, settings: AlignSettings) -> bool:
    """Can two credited sources be the same speaker?

    A name without words ("", "the") is compatible with anything. When either name
    is generic ("officials in Kyiv", "Russian authorities", "reports"), the two
    are compatible unless both sides are known and differ: "officials in Kyiv" and
    "Ukrainian officials" are compatible, "Russian authorities" and "Ukrainian
    officials" are not. Two specific names are compatible when their main words
    match (:func:`names_match`): "Volodymyr Zelensky" and "Volodymyr Zelenskyy
    (to NBC)" are, "Rustem Umerov" and "Volodymyr Zelensky" are not.
    """
    if not a.words or not b.words:
        return True
    if a.generic or b.generic:
        return not (a.side and b.side and a.side != b.side)
    return names_match(a.words, b.words, settings)


# ----------------------------------------------------------------- the claims as lists


@dataclass
class _Claims:
    """The claims table as plain lists (one entry per claim) plus derived fields."""

    ids: list[str]
    article: list[str]
    outlet: list[str]
    kind: list[str]
    start: list[int]
    text: list[str]
    sentence: list[str]
    value: list[float]
    low: list[float]
    high: list[float]
    bound_raw: list[str]
    bound: list[str]
    metric: list[str]
    party: list[str]
    source: list[str]
    side: list[str]
    as_of: list[str]
    origin: list[str]
    span: list[tuple[float, float] | None]
    settings: AlignSettings
    readings: list[tuple[str, float, float]] = field(default_factory=list)
    rank: list[int] = field(default_factory=list)
    _source_keys: dict[tuple[str, str], SourceKey] = field(default_factory=dict)
    _compatible: dict[tuple[SourceKey, SourceKey], bool] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, claims: pd.DataFrame, settings: AlignSettings) -> _Claims:
        table = _clean_claims(claims)
        as_list = {name: table[name].tolist() for name in table.columns}
        bounds = [_norm_bound(b) for b in as_list["bound"]]
        spans = [
            _span(b, v, lo, hi)
            for b, v, lo, hi in zip(
                bounds, as_list["value"], as_list["low"], as_list["high"], strict=True
            )
        ]
        return cls(
            ids=as_list["claim_id"],
            article=as_list["article_id"],
            outlet=[o.strip() for o in as_list["outlet"]],
            kind=[k.strip().casefold() or "figure" for k in as_list["kind"]],
            start=table["start"].fillna(-1).astype("int64").tolist(),
            text=as_list["text"],
            sentence=as_list["sentence"],
            value=as_list["value"],
            low=as_list["low"],
            high=as_list["high"],
            bound_raw=as_list["bound"],
            bound=bounds,
            metric=[m.strip() for m in as_list["metric"]],
            party=[p.strip() for p in as_list["party"]],
            source=[s.strip() for s in as_list["source"]],
            side=as_list["source_side"],
            as_of=[a.strip() for a in as_list["as_of"]],
            origin=[o.strip() for o in as_list["origin"]],
            span=spans,
            settings=settings,
            readings=[
                (b, sp[0], sp[1]) if sp is not None else (b, math.nan, math.nan)
                for b, sp in zip(bounds, spans, strict=True)
            ],
            rank=_reading_order(table),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def reading(self, i: int) -> tuple[str, float, float]:
        """(bound, low number, high number) of claim i; NaN numbers when it has none."""
        return self.readings[i]

    def source_key(self, i: int) -> SourceKey:
        key = (self.source[i], self.side[i])
        found = self._source_keys.get(key)
        if found is None:
            found = source_key(self.source[i], self.side[i], self.settings)
            self._source_keys[key] = found
        return found

    def compatible(self, a: SourceKey, b: SourceKey) -> bool:
        if a == b:
            return True
        pair = (a, b) if a <= b else (b, a)
        found = self._compatible.get(pair)
        if found is None:
            found = sources_compatible(a, b, self.settings)
            self._compatible[pair] = found
        return found

    def order(self, members: Iterable[int]) -> list[int]:
        """``members`` in reading order: by article_id, then position, then claim_id."""
        return sorted(members, key=self.rank.__getitem__)


def _reading_order(table: pd.DataFrame) -> list[int]:
    """Each row's rank when the table is sorted by article_id, start, claim_id."""
    if table.empty:
        return []
    order = table.sort_values(["article_id", "start", "claim_id"], kind="stable").index
    rank = np.empty(len(table), dtype=np.int64)
    rank[order.to_numpy()] = np.arange(len(table))
    return rank.tolist()


def _clean_claims(claims: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(claims, pd.DataFrame):
        raise TypeError(f"expected a claims DataFrame, got {type(claims).__name__}")
    table = tidy(claims, CLAIM_COLUMNS)
    if "origin" not in table.columns:
        table["origin"] = ""
    table = table[[*CLAIM_COLUMNS, "origin"]]
    duplicated = table["claim_id"].duplicated()
    if duplicated.any():
        names = sorted(set(table.loc[duplicated, "claim_id"]))
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        warnings.warn(
            f"{int(duplicated.sum())} claims repeat an earlier claim_id ({shown}); "
            "only the first row of each id is aligned",
            stacklevel=3,
        )
        table = table[~duplicated].reset_index(drop=True)
    return table


# ----------------------------------------------------------------- grouping


@lru_cache(maxsize=4096)
def _as_of_prefixes(as_of: str) -> tuple[str, ...]:
    """The coarser dates an as_of refines: "2025-06-15" -> ("2025", "2025-06")."""
    return tuple(as_of[: m.start()] for m in re.finditer(r"[-T ]", as_of) if m.start())


class _OpenClusters:
    """The open clusters of one block, indexed by their anchor's as_of.

    A claim only looks at clusters whose anchor's as_of is compatible with its
    own (equal, empty, a coarser date of it, or a finer date within it), so
    figures of many different dates in one number range do not slow the sweep.
    """

    def __init__(self) -> None:
        self.lists: dict[str, list[tuple[float, int, list[int]]]] = {}
        self.ends: dict[str, float] = {}
        self.finer: dict[str, set[str]] = defaultdict(set)
        self.created = 0

    def _keys(self, as_of: str) -> Iterable[str]:
        if not as_of:
            return list(self.lists)
        keys = {"", as_of, *_as_of_prefixes(as_of), *self.finer.get(as_of, ())}
        return [key for key in keys if key in self.lists]

    def live(self, as_of: str, lo: float) -> Iterable[tuple[int, list[int]]]:
        """(creation number, cluster) of the open clusters compatible with as_of at number lo."""
        for key in self._keys(as_of):
            entries = self.lists[key]
            if lo > self.ends[key]:
                entries = [entry for entry in entries if lo <= entry[0]]
                if not entries:
                    del self.lists[key], self.ends[key]
                    continue
                self.lists[key] = entries
                self.ends[key] = min(entry[0] for entry in entries)
            for _, created, cluster in entries:
                yield created, cluster

    def add(self, as_of: str, end: float, cluster: list[int]) -> None:
        if as_of not in self.lists:
            self.lists[as_of], self.ends[as_of] = [], math.inf
            for coarser in _as_of_prefixes(as_of):
                self.finer[coarser].add(as_of)
        self.lists[as_of].append((end, self.created, cluster))
        self.ends[as_of] = min(self.ends[as_of], end)
        self.created += 1


def _block_order(c: _Claims, members: list[int]) -> list[int]:
    """``members`` sorted by (kind, metric, party), low number, high number, claim_id.

    NumPy's lexsort on codes that do not depend on row order (factorize with
    sort=True), so the order, and the groups, are the same for any input order.
    """
    if not members:
        return []
    index = np.asarray(members, dtype=np.int64)
    blocks = pd.Series([f"{c.kind[i]}\x1f{c.metric[i]}\x1f{c.party[i]}" for i in members])
    block_codes, _ = pd.factorize(blocks, sort=True)
    id_codes, _ = pd.factorize(pd.Series([c.ids[i] for i in members]), sort=True)
    lows = np.array([c.span[i][0] for i in members], dtype=np.float64)  # type: ignore[index]
    highs = np.array([c.span[i][1] for i in members], dtype=np.float64)  # type: ignore[index]
    order = np.lexsort((id_codes, highs, lows, block_codes))
    return index[order].tolist()


def _figure_clusters(c: _Claims, members: list[int]) -> list[list[int]]:
    """Sweep each (kind, metric, party) block in number order; see the module docstring.

    A claim joins the earliest-opened open cluster whose anchor it is linked to
    (:func:`_linked`, as_of compatible), else opens a cluster of its own.
    """
    tolerance = c.settings.near_tolerance
    span, as_of = c.span, c.as_of
    order = _block_order(c, members)
    clusters: list[list[int]] = []
    block: tuple[str, str, str] | None = None
    open_clusters = _OpenClusters()
    for i in order:
        key = (c.kind[i], c.metric[i], c.party[i])
        if key != block:
            block, open_clusters = key, _OpenClusters()
        lo, hi = span[i]  # type: ignore[misc]
        best: tuple[int, list[int]] | None = None
        for created, cluster in open_clusters.live(as_of[i], lo):
            if (best is None or created < best[0]) and _linked(c, cluster[0], i):
                best = (created, cluster)
        if best is not None:
            best[1].append(i)
        else:
            cluster = [i]
            open_clusters.add(as_of[i], _reach(hi, tolerance), cluster)
            clusters.append(cluster)
    return clusters


def _linked(c: _Claims, anchor: int, i: int) -> bool:
    """Is claim ``i`` (at or after ``anchor`` in number order) close enough to the anchor?"""
    tolerance = c.settings.near_tolerance
    a_lo, a_hi = c.span[anchor]  # type: ignore[misc]
    lo, hi = c.span[i]  # type: ignore[misc]
    a_range = c.bound[anchor] == "range" and a_lo != a_hi
    i_range = c.bound[i] == "range" and lo != hi
    if a_range and i_range:
        return lo <= _reach(a_hi, tolerance)
    if a_range:
        return _near(lo, a_lo, tolerance) or _near(lo, a_hi, tolerance)
    return _near(a_lo, lo, tolerance)


def _split_as_of(c: _Claims, cluster: list[int]) -> list[list[int]]:
    """Split a cluster so that every pair of as_of values in a part is compatible."""
    counts = Counter(c.as_of[i] for i in cluster)
    dated = sorted(v for v in counts if v)
    tops = [v for v in dated if not any(_is_prefix(v, w) for w in dated)]
    if len(tops) <= 1:
        return [cluster]
    home: dict[str, str] = {top: top for top in tops}
    for value in dated:
        if value in home:
            continue
        candidates = [top for top in tops if _is_prefix(value, top)]
        home[value] = min(candidates, key=lambda top: (-counts[top], top))
    sizes = Counter()
    for value, top in home.items():
        sizes[top] += counts[value]
    home[""] = min(tops, key=lambda top: (-sizes[top], top))
    parts: dict[str, list[int]] = {top: [] for top in tops}
    for i in cluster:
        parts[home[c.as_of[i]]].append(i)
    return [parts[top] for top in tops if parts[top]]


def _split_lone_article(c: _Claims, part: list[int]) -> list[list[int]]:
    """A group of one article keeps one reading: its own claims never confirm each other."""
    if len(part) == 1 or len({c.article[i] for i in part}) > 1:
        return [part]
    by_reading: dict[tuple[str, float, float], list[int]] = {}
    for i in part:
        by_reading.setdefault(c.reading(i), []).append(i)
    return list(by_reading.values())


def _quote_clusters(c: _Claims, members: list[int]) -> list[list[int]]:
    """Group quotations whose words match (:func:`quotes_match`) through a token index."""
    settings = c.settings
    by_words: dict[tuple[str, ...], list[int]] = {}
    wordless: list[list[int]] = []
    tokens_of: dict[str, tuple[str, ...]] = {}
    for i in members:
        words = tokens_of.get(c.text[i])
        if words is None:
            words = tokens_of[c.text[i]] = quote_tokens(c.text[i])
        if words:
            by_words.setdefault(words, []).append(i)
        else:
            wordless.append([i])
    texts = sorted(by_words)
    sets = [frozenset(words) for words in texts]
    frequency = Counter(word for word_set in sets for word in word_set)
    ranked = [sorted(word_set, key=lambda w: (frequency[w], w)) for word_set in sets]
    threshold = settings.quote_jaccard
    # Prefix filtering, two words at a time: if J(x, y) >= t, then x and y share
    # at least a = ceil(t |x|) words, and the first |x| - a + 2 words of each (in
    # one global order, rarest first) share at least two of them. So a pair of
    # rare words from that prefix is a key both quotations are indexed under.
    # Pairs of rare words are far more selective than single words.
    pair_index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    word_index: dict[str, list[int]] = defaultdict(list)
    keys_of: list[list[tuple[str, ...]]] = []
    for k, words in enumerate(ranked):
        if len(words) == 1:
            keys = [(words[0],)]  # matches only a quotation of the same single word
        else:
            overlap = math.ceil(threshold * len(words) - 1e-9)
            keys = list(combinations(words[: min(len(words), len(words) - overlap + 2)], 2))
        keys_of.append(keys)
        for key in keys:
            pair_index[key].append(k)
        for word in words:
            word_index[word].append(k)
    joined = [f" {' '.join(words)} " for words in texts]
    parent = list(range(len(texts)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def join(k: int, j: int) -> None:
        root_k, root_j = find(k), find(j)
        parent[max(root_k, root_j)] = min(root_k, root_j)

    settled: set[tuple[str, ...]] = set()  # keys whose quotations are all in one group
    for k, set_k in enumerate(sets):
        size_k = len(set_k)
        for key in keys_of[k]:
            if key in settled:
                continue
            all_joined = True
            for j in pair_index[key]:
                if j == k or find(j) == find(k):
                    continue
                if j < k:
                    all_joined = False
                    continue  # this pair was checked from j's side, with the same result
                size_j = len(sets[j])
                if min(size_k, size_j) >= threshold * max(size_k, size_j):
                    shared = len(set_k & sets[j])
                    if shared / (size_k + size_j - shared) >= threshold:
                        join(k, j)
                        continue
                all_joined = False
            if all_joined:
                # Many copies of one quotation cost one pass over their key, not one per copy.
                settled.add(key)
        if len(texts[k]) >= settings.quote_min_contained_tokens:
            # A quotation contained in a longer one shares all its words with it,
            # its two rarest included: only quotations holding both are candidates.
            rare = ranked[k][:2]
            holders: Iterable[int] = word_index[rare[0]]
            if len(rare) > 1:
                holders = set(holders).intersection(word_index[rare[1]])
            for j in holders:
                if len(texts[j]) > len(texts[k]) and find(k) != find(j) and joined[k] in joined[j]:
                    join(k, j)
    components: dict[int, list[int]] = defaultdict(list)
    for k, words in enumerate(texts):
        components[find(k)].extend(by_words[words])
    return list(components.values()) + wordless


def quotes_match(a: Sequence[str], b: Sequence[str], settings: AlignSettings) -> bool:
    """Are two quotations (as :func:`quote_tokens`) the same words, allowing small differences?

    Yes when the Jaccard similarity of their word sets is at least ``quote_jaccard``,
    or when the shorter (at least ``quote_min_contained_tokens`` words) appears
    word for word inside the longer (a clause cut off at either end).
    """
    set_a, set_b = set(a), set(b)
    union = len(set_a | set_b)
    if union and len(set_a & set_b) / union >= settings.quote_jaccard:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < settings.quote_min_contained_tokens:
        return False
    return f" {' '.join(short)} " in f" {' '.join(long)} "


def _partition(c: _Claims) -> list[list[int]]:
    """Every claim index in exactly one group."""
    quotes: list[int] = []
    figures: list[int] = []
    groups: list[list[int]] = []
    for i in range(len(c)):
        if c.kind[i] == "quote":
            quotes.append(i)
        elif c.span[i] is None:
            groups.append([i])  # no number to compare: on its own
        else:
            figures.append(i)
    for cluster in _figure_clusters(c, figures):
        for part in _split_as_of(c, cluster):
            groups.extend(_split_lone_article(c, part))
    groups.extend(_quote_clusters(c, quotes))
    return groups


# ----------------------------------------------------------------- one group's row


def _article_labels(c: _Claims, members: Sequence[int]) -> dict[str, str]:
    """How the detail sentence names each article: its outlet, else its (short) id."""
    outlet: dict[str, str] = {}
    for i in members:
        if c.outlet[i] and not outlet.get(c.article[i]):
            outlet[c.article[i]] = c.outlet[i]
        outlet.setdefault(c.article[i], "")
    short = _short_ids(list(outlet))
    seen = Counter(name for name in outlet.values() if name)
    labels = {}
    for article, name in outlet.items():
        if not name:
            labels[article] = short[article]
        elif seen[name] > 1:
            labels[article] = f"{name} ({short[article]})"
        else:
            labels[article] = name
    return labels


def _reading_flags(c: _Claims, members: Sequence[int]) -> tuple[bool, bool]:
    """(value differs, bound differs) between readings printed by different articles.

    Linear in the number of distinct readings, except for approximate readings,
    which are compared with each other reading (they are few).
    """
    holders: dict[tuple[str, float, float], set[str]] = defaultdict(set)
    for i in members:
        holders[c.reading(i)].add(c.article[i])
    by_bound: dict[str, set[str]] = defaultdict(set)
    by_number: dict[tuple[float, float], set[str]] = defaultdict(set)
    for (bound, lo, hi), articles in holders.items():
        by_bound[bound] |= articles
        if bound != "approx":
            by_number[(float(f"{lo:.12g}"), float(f"{hi:.12g}"))] |= articles
    bound_differs = _across_articles(list(by_bound.values()))
    if _across_articles(list(by_number.values())):
        return True, bound_differs
    tolerance = c.settings.approx_tolerance
    items = list(holders.items())
    for r1, a1 in items:
        if r1[0] != "approx":
            continue
        for r2, a2 in items:
            if r2 is not r1 and len(a1 | a2) > 1 and not _numbers_equal(r1, r2, tolerance):
                return True, bound_differs
    return False, bound_differs


def _across_articles(holders: Sequence[set[str]]) -> bool:
    """Do two of these keys (each with the articles holding it) come from different articles?"""
    return len(holders) > 1 and len(set().union(*holders)) > 1


def _numbers_equal(
    r1: tuple[str, float, float], r2: tuple[str, float, float], approx_tolerance: float
) -> bool:
    if r1[0] == "approx" or r2[0] == "approx":
        return _near(r1[1], r2[1], approx_tolerance) and _near(r1[2], r2[2], approx_tolerance)
    return _same_number(r1[1], r2[1]) and _same_number(r1[2], r2[2])


def _source_sets(c: _Claims, members: Sequence[int]) -> dict[str, frozenset[SourceKey]]:
    found: dict[str, set[SourceKey]] = defaultdict(set)
    for i in members:
        if c.source[i]:
            key = c.source_key(i)
            if key.words:
                found[c.article[i]].add(key)
    return {article: frozenset(keys) for article, keys in found.items()}


def _sources_differ(c: _Claims, sets: Mapping[str, frozenset[SourceKey]]) -> bool:
    """True when two articles credit sources that one of them has no match for."""
    distinct = list(dict.fromkeys(sets.values()))
    for one, other in combinations(distinct, 2):
        if _unmatched(c, one, other) or _unmatched(c, other, one):
            return True
    return False


def _unmatched(c: _Claims, these: Iterable[SourceKey], those: Iterable[SourceKey]) -> bool:
    those = list(those)
    return any(not any(c.compatible(x, y) for y in those) for x in these)


def _width(reading: tuple[str, float, float], approx_tolerance: float) -> float:
    bound, lo, hi = reading
    if bound in ("lower", "upper"):
        return math.inf
    if bound == "approx":
        return 2 * approx_tolerance * abs(lo)
    return hi - lo


def _representative(c: _Claims, ordered: Sequence[int]) -> int:
    """The claim whose reading stands for the group (see :func:`align_claims`)."""
    holders: dict[tuple[str, float, float], set[str]] = defaultdict(set)
    first: dict[tuple[str, float, float], int] = {}
    for i in ordered:
        reading = c.reading(i)
        holders[reading].add(c.article[i])
        first.setdefault(reading, i)
    tolerance = c.settings.approx_tolerance
    best = min(
        holders,
        key=lambda r: (-len(holders[r]), _width(r, tolerance), r[1], r[2], r[0]),
    )
    return first[best]


def _most_common(values: Iterable[str]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return ""
    return min(counts, key=lambda v: (-counts[v], v))


def _subject(metric: str, party: str, as_of: str) -> str:
    words = metric.replace("_", " ")
    if party:
        words = f"{words} ({party})" if words else f"({party})"
    if as_of:
        words = f"{words} as of {as_of}"
    return words.strip()


def _repeat_note(c: _Claims, ordered: Sequence[int], labels: Mapping[str, str], n: int) -> str:
    """The note "; both repeat one statement by X (told NBC)", or "" when there is none.

    Articles repeat one statement when they credit the figure to the same source
    (main words matching) with the same ``origin``.
    """
    speakers: list[tuple[SourceKey, str]] = []
    statements: dict[tuple[int, str], tuple[str, list[str]]] = {}
    for i in ordered:
        if not c.origin[i] or not c.source[i]:
            continue
        key = c.source_key(i)
        index = next(
            (
                n_seen
                for n_seen, (other, _) in enumerate(speakers)
                if key == other or names_match(key.words, other.words, c.settings)
            ),
            len(speakers),
        )
        if index == len(speakers):
            speakers.append((key, c.source[i]))
        origin = " ".join(_WORD.findall(c.origin[i].casefold()))
        _, articles = statements.setdefault((index, origin), (c.origin[i], []))
        if c.article[i] not in articles:
            articles.append(c.article[i])
    repeated = [(key, found) for key, found in statements.items() if len(found[1]) > 1]
    if not repeated:
        return ""
    (index, _), (origin_text, articles) = min(
        repeated, key=lambda item: (-len(item[1][1]), item[0])
    )
    who = "both" if len(articles) == 2 == n else _who(sorted(articles), labels)
    return f"; {who} repeat one statement by {speakers[index][1]} ({origin_text})"


def _variants(
    c: _Claims, ordered: Sequence[int], articles: Sequence[str], with_sources: bool
) -> list[tuple[list[str], tuple[str, ...], tuple[str, ...]]]:
    """Articles grouped by what they print: (articles, texts, sources), biggest first."""
    texts: dict[str, list[str]] = defaultdict(list)
    sources: dict[str, list[str]] = defaultdict(list)
    for i in ordered:
        shown = c.text[i].strip() or format_reading(c.bound_raw[i], c.value[i], c.low[i], c.high[i])
        if shown not in texts[c.article[i]]:
            texts[c.article[i]].append(shown)
        name = c.source[i] or "no one"
        if name not in sources[c.article[i]]:
            sources[c.article[i]].append(name)
    grouped: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for article in articles:
        key = (tuple(texts[article]), tuple(sources[article]) if with_sources else ())
        grouped.setdefault(key, []).append(article)
    out = [(arts, key[0], key[1]) for key, arts in grouped.items()]
    out.sort(key=lambda item: (-len(item[0]), item[0][0]))
    return out


def _figure_detail(
    c: _Claims,
    ordered: Sequence[int],
    articles: Sequence[str],
    labels: Mapping[str, str],
    flags: Sequence[str],
    rep: int,
    subject: str,
) -> str:
    reading = format_reading(c.bound_raw[rep], c.value[rep], c.low[rep], c.high[rep])
    n = len(articles)
    if n == 1:
        times = f", {len(ordered)} times" if len(ordered) > 1 else ""
        return f"Only {labels[articles[0]]} reports {reading} {subject}{times}.".replace(" .", ".")
    note = _repeat_note(c, ordered, labels, n)
    if not flags:
        return f"All {n} articles report {reading} {subject}{note}.".replace(" .", ".")
    flag_words = "; ".join(_FLAG_WORDS[f] for f in flags)
    with_sources = "source_differs" in flags
    variants = _variants(c, ordered, articles, with_sources)
    shown, rest = variants[:4], variants[4:]
    if list(flags) == ["source_differs"]:
        parts = [
            f"{_who(arts, labels)} {'credit' if len(arts) > 1 else 'credits'} it to "
            f"{_join_and(list(srcs))}"
            for arts, _, srcs in shown
        ]
        lead = f"All {n} articles report {reading} {subject}, but ".replace(" ,", ",")
    else:
        parts = []
        for arts, texts, srcs in shown:
            said = " and ".join(f"'{t}'" for t in texts)
            part = f"{_who(arts, labels)} {'say' if len(arts) > 1 else 'says'} {said}"
            if with_sources:
                part += f", crediting {_join_and(list(srcs))}"
            parts.append(part)
        lead = ""
    if rest:
        parts.append(f"{sum(len(arts) for arts, _, _ in rest)} other articles print other versions")
    return f"{lead}{'; '.join(parts)} ({flag_words}){note}."


def _quote_detail(
    c: _Claims,
    ordered: Sequence[int],
    articles: Sequence[str],
    labels: Mapping[str, str],
    flags: Sequence[str],
    text: str,
) -> str:
    excerpt = f"“{_excerpt(text)}”"
    n = len(articles)
    speaker = _most_common(c.source[i] for i in ordered) or "an unnamed speaker"
    if n == 1:
        return f"Only {labels[articles[0]]} quotes {speaker}: {excerpt}."
    note = _repeat_note(c, ordered, labels, n)
    if not flags:
        wording = len({quote_tokens(c.text[i]) for i in ordered}) > 1
        tail = ", in slightly different words" if wording else ""
        return f"All {n} articles quote {speaker}: {excerpt}{tail}{note}."
    variants = _variants(c, ordered, articles, with_sources=True)
    by_sources: dict[tuple[str, ...], list[str]] = {}
    for arts, _, srcs in variants:
        by_sources.setdefault(srcs, []).extend(arts)
    items = sorted(by_sources.items(), key=lambda item: (-len(item[1]), sorted(item[1])[0]))
    parts = [f"to {_join_and(list(srcs))} by {_who(sorted(arts), labels)}" for srcs, arts in items]
    if len(parts) > 4:
        parts = [*parts[:4], f"to others by {sum(len(a) for _, a in items[4:])} more articles"]
    return f"{excerpt} is credited {'; '.join(parts)} (source differs){note}."


def _summarise_one(c: _Claims, i: int) -> dict[str, Any]:
    """The row of a group of one claim (most groups): the same as _summarise, only faster."""
    article = c.article[i]
    label = c.outlet[i] or (article if len(article) <= 8 else article[:7] + "…")
    if c.kind[i] == "quote":
        speaker = c.source[i] or "an unnamed speaker"
        detail = f"Only {label} quotes {speaker}: “{_excerpt(c.text[i])}”."
        reading = {"value": math.nan, "low": math.nan, "high": math.nan, "bound": ""}
    else:
        shown = format_reading(c.bound_raw[i], c.value[i], c.low[i], c.high[i])
        subject = _subject(c.metric[i], c.party[i], c.as_of[i])
        detail = " ".join(w for w in ("Only", label, "reports", shown, subject) if w) + "."
        reading = {"value": c.value[i], "low": c.low[i], "high": c.high[i], "bound": c.bound_raw[i]}
    return {
        "group_id": _group_id([c.ids[i]]),
        "kind": c.kind[i],
        "metric": c.metric[i],
        "party": c.party[i],
        **reading,
        "status": "single",
        "articles": article,
        "claim_ids": c.ids[i],
        "n_articles": 1,
        "detail": detail,
        "statuses": "single",
        "outlets": c.outlet[i] or article,
        "sources": c.source[i],
        "as_of": c.as_of[i],
        "text": c.text[i].strip(),
        "n_claims": 1,
    }


def _summarise(c: _Claims, members: Sequence[int]) -> dict[str, Any]:
    if len(members) == 1:
        return _summarise_one(c, members[0])
    ordered = c.order(members)
    claim_ids = sorted(c.ids[i] for i in ordered)
    articles = sorted({c.article[i] for i in ordered})
    first = ordered[0]
    kind = c.kind[first]
    is_quote = kind == "quote"
    labels = _article_labels(c, ordered)
    flags: list[str] = []
    if len(articles) > 1:
        if _sources_differ(c, _source_sets(c, ordered)):
            flags.append("source_differs")
        if not is_quote:
            value_differs, bound_differs = _reading_flags(c, ordered)
            if value_differs:
                flags.append("value_differs")
            if bound_differs:
                flags.append("bound_differs")
        status = flags[0] if flags else "agree"
        statuses = ";".join(flags) if flags else "agree"
    else:
        status = statuses = "single"
    as_of = max((c.as_of[i] for i in ordered), key=lambda a: (len(a), a))
    if is_quote:
        metric = _most_common(c.metric[i] for i in ordered)
        party = _most_common(c.party[i] for i in ordered)
        text = max((c.text[i].strip() for i in ordered), key=lambda t: (len(t), t))
        reading = {"value": math.nan, "low": math.nan, "high": math.nan, "bound": ""}
        detail = _quote_detail(c, ordered, articles, labels, flags, text)
    else:
        metric, party = c.metric[first], c.party[first]
        rep = _representative(c, ordered) if len(ordered) > 1 else first
        same = [i for i in ordered if c.reading(i) == c.reading(rep)]
        text = _most_common(c.text[i].strip() for i in same)
        reading = {
            "value": c.value[rep],
            "low": c.low[rep],
            "high": c.high[rep],
            "bound": c.bound_raw[rep],
        }
        subject = _subject(metric, party, as_of)
        detail = _figure_detail(c, ordered, articles, labels, flags, rep, subject)
    outlets = sorted({c.outlet[i] or c.article[i] for i in ordered})
    return {
        "group_id": _group_id(claim_ids),
        "kind": kind,
        "metric": metric,
        "party": party,
        **reading,
        "status": status,
        "articles": ";".join(articles),
        "claim_ids": ";".join(claim_ids),
        "n_articles": len(articles),
        "detail": detail,
        "statuses": statuses,
        "outlets": ";".join(outlets),
        "sources": ";".join(sorted({c.source[i] for i in ordered if c.source[i]})),
        "as_of": as_of,
        "text": text,
        "n_claims": len(ordered),
    }


def _groups_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=GROUP_COLUMNS + GROUP_EXTRA_COLUMNS)
    frame = tidy(frame, GROUP_COLUMNS)
    frame["n_claims"] = pd.to_numeric(frame["n_claims"], errors="coerce").astype("Int64")
    frame["_rank"] = frame["status"].map(_STATUS_RANK).fillna(len(_STATUS_RANK))
    frame = frame.sort_values(
        ["_rank", "metric", "party", "value", "group_id"], kind="stable", na_position="last"
    )
    return frame.drop(columns="_rank").reset_index(drop=True)


# ----------------------------------------------------------------- public functions


def align_claims(claims: pd.DataFrame, *, settings: AlignSettings | None = None) -> pd.DataFrame:
    """Group the claims that different articles make about the same thing.

    In: the claims table (``schema.CLAIM_COLUMNS``; missing columns count as empty;
    an optional ``origin`` column). A repeated claim_id is aligned once, with a warning.

    Out: the claim groups table, ``schema.GROUP_COLUMNS`` then ``statuses`` (every
    status that applies, most serious first, ';'-joined), ``outlets`` (outlet, or
    article_id where unknown), ``sources`` (as printed), ``as_of`` (the most
    specific as_of in the group), ``text`` (the most common wording of the group's
    reading; for a quotation its longest version) and ``n_claims``. One row per
    group; every claim is in exactly one group. ``group_id`` is "G" plus a hash of
    the sorted claim_ids, so the same claims give the same id on every run and in
    any row order. Rows: conflicts first (in ``schema.GROUP_STATUSES`` order),
    then by metric, party and value.

    The group's reading (value/low/high/bound) is that of its most common reading,
    counted in articles (an article that repeats a figure counts once); on a tie,
    the tightest reading (exact before approximate before a range, bounds last),
    then the smaller number. So "as many as 6,000" against a flat "6,000" gives
    6,000 exact, with status bound_differs telling the reader about the hedge.
    Quotation groups have no reading (NaN, bound "").

    ``n_articles`` counts distinct articles; ``detail`` is one sentence naming the
    articles by outlet (or a short article_id) and what they print.
    """
    settings = settings or load_settings()
    c = _Claims.from_frame(claims, settings)
    rows = [_summarise(c, members) for members in _partition(c)]
    return _groups_frame(rows)


def _anchor_date(text: str, settings: AlignSettings) -> date | None:
    """The day an ISO date, month or year is taken to mean (see align.yaml, staleness)."""
    match = re.match(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?!\d)", text)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if month is None:
            return date(int(year), settings.year_anchor_month, settings.year_anchor_day)
        if day is None:
            return date(int(year), int(month), settings.month_anchor_day)
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def staleness(claims: pd.DataFrame, *, settings: AlignSettings | None = None) -> pd.DataFrame:
    """How old each figure was when it was printed.

    In: the claims table. Out: one row per figure (kind "figure" or empty), columns
    :data:`STALENESS_COLUMNS` then ``as_of_date`` (the day as_of is taken to mean,
    ISO) and ``age_months`` (age_days / 30.44, one decimal). ``age_days`` is
    published minus as_of in days (nullable integer: empty unless both are known;
    negative for a figure about the future, e.g. a plan). An as_of of a month
    counts from the 15th ("2022-09" -> 2022-09-15), of a year from 1 July ("2025"
    -> 2025-07-01): the middle of the period, so the error is at most half of it.
    Only the date part of ``published`` is used. Rows: oldest first, figures of
    unknown age last, then by claim_id.
    """
    settings = settings or load_settings()
    table = _clean_claims(claims)
    kinds = table["kind"].str.strip().str.casefold()
    table = table[(kinds == "figure") | (kinds == "")]  # an empty kind is a figure, as in align
    anchors = [_anchor_date(a, settings) for a in table["as_of"]]
    printed = [_anchor_date(p, settings) for p in table["published"]]
    ages = [
        (p - a).days if a is not None and p is not None else None
        for a, p in zip(anchors, printed, strict=True)
    ]
    out = table[STALENESS_COLUMNS[:-1]].copy()
    out["age_days"] = pd.array(ages, dtype="Int64")
    out["as_of_date"] = [a.isoformat() if a is not None else "" for a in anchors]
    out["age_months"] = (out["age_days"].astype("Float64") / _DAYS_PER_MONTH).round(1)
    out["age_months"] = out["age_months"].astype("float64")
    out = out.sort_values(
        ["age_days", "claim_id"], ascending=[False, True], kind="stable", na_position="last"
    )
    return out.reset_index(drop=True)


def _group_members(groups: pd.DataFrame) -> list[tuple[pd.Series, list[str]]]:
    missing = [name for name in ("group_id", "status", "claim_ids") if name not in groups]
    if missing:
        raise ValueError(f"groups table lacks column(s) {', '.join(missing)}")
    return [
        (row, [cid for cid in str(row["claim_ids"]).split(";") if cid])
        for _, row in groups.iterrows()
    ]


def group_label(group: Mapping[str, Any], texts: Sequence[str] = (), as_of: str = "") -> str:
    """A short label for a group: "bodies_returned Ukraine 6,000" or "quote “I am grateful…”".

    In: one row of the groups table (a mapping), optionally its claims' texts and
    as_of for tables that lack the extra columns. The as_of is added in brackets.
    """
    as_of = str(group.get("as_of", "") or as_of or "")
    if str(group.get("kind", "")) == "quote":
        text = str(group.get("text", "") or "") or max(texts, key=len, default="")
        label = f"quote “{_excerpt(text, 5)}”"
        sources = str(group.get("sources", "") or "")
        if sources:
            label += f" ({sources.split(';')[0]})"
        return label
    reading = format_reading(
        str(group.get("bound", "")),
        float(group.get("value", math.nan)),
        float(group.get("low", math.nan)),
        float(group.get("high", math.nan)),
    )
    parts = [str(group.get(name, "") or "") for name in ("metric", "party")] + [reading]
    label = " ".join(p for p in parts if p)
    return f"{label} ({as_of})" if as_of else label


def outlet_grid(
    groups: pd.DataFrame, claims: pd.DataFrame, *, include_absent: bool = True
) -> pd.DataFrame:
    """The data behind the outlet-by-group grid: which article says what about each group.

    In: the groups table from :func:`align_claims` (read back from CSV is fine)
    and the claims table it was made from. Out: :data:`GRID_COLUMNS`, one row per
    (group, article): ``mark`` is "present" (the group is a single), "agree"
    (every article in it agrees), "differs" (the group is a conflict) or "absent"
    (the article does not print it); ``label`` names the group
    (:func:`group_label`), ``outlet`` the article's outlet (or its id). Rows keep
    the groups' order, then article_id order. ``include_absent=False`` leaves the
    "absent" rows out: with them the table has groups x articles rows, which is
    what a chart wants for a few dozen articles, not for ten thousand.
    """
    table = _clean_claims(claims)
    by_id = dict(zip(table["claim_id"], range(len(table)), strict=True))
    outlets: dict[str, str] = {}
    for article, outlet in zip(table["article_id"], table["outlet"], strict=True):
        if outlet.strip() and not outlets.get(article):
            outlets[article] = outlet.strip()
        outlets.setdefault(article, "")
    all_articles = sorted(outlets)
    texts = table["text"].tolist()
    as_ofs = table["as_of"].tolist()
    records = []
    for row, claim_ids in _group_members(groups):
        rows = [by_id[cid] for cid in claim_ids if cid in by_id]
        members = set(str(row.get("articles", "")).split(";")) - {""}
        status = str(row["status"])
        mark = "present" if status == "single" else "agree" if status == "agree" else "differs"
        label = group_label(
            row.to_dict(),
            [texts[i] for i in rows],
            max((as_ofs[i] for i in rows), key=lambda a: (len(a), a), default=""),
        )
        shown = sorted(set(all_articles) | members) if include_absent else sorted(members)
        for article in shown:
            records.append(
                {
                    "group_id": row["group_id"],
                    "label": label,
                    "status": status,
                    "article_id": article,
                    "outlet": outlets.get(article, "") or article,
                    "mark": mark if article in members else "absent",
                }
            )
    return pd.DataFrame(records, columns=GRID_COLUMNS)


# Which groups a chart shows first: conflicts, then agreements, then singles.
_CHART_RANK = {"source_differs": 0, "value_differs": 0, "bound_differs": 0, "agree": 1}


def chart_grid(
    groups: pd.DataFrame, claims: pd.DataFrame, *, max_groups: int = 25, max_articles: int = 25
) -> pd.DataFrame:
    """The outlet grid (:func:`outlet_grid`, absent cells included) of a chart a reader
    can take in, whatever the size of the run.

    In: the groups and claims tables, and how many groups (rows) and articles
    (columns) the chart may have. Out: :data:`GRID_COLUMNS` for at most
    ``max_groups`` groups (conflicts first, then agreements, then singles; within
    each, the most widely printed first; shown in the groups' own order) and at most
    ``max_articles`` articles (those printing the most of the chosen groups; ties
    by article id). A run smaller than both limits gives the whole grid.
    """
    if groups is None or groups.empty:
        return outlet_grid(groups, claims)
    ranked = groups.assign(
        _rank=groups["status"].astype(str).map(_CHART_RANK).fillna(len(_CHART_RANK)),
        _reach=pd.to_numeric(groups["n_articles"], errors="coerce").fillna(0),
        _order=range(len(groups)),
    )
    chosen = (
        ranked.sort_values(["_rank", "_reach", "_order"], ascending=[True, False, True])
        .head(max_groups)
        .sort_values("_order")
        .drop(columns=["_rank", "_reach", "_order"])
    )
    printed = Counter(
        article for cell in chosen["articles"] for article in str(cell).split(";") if article
    )
    kept = set(sorted(printed, key=lambda a: (-printed[a], a))[:max_articles])
    chosen["articles"] = [
        ";".join(a for a in str(cell).split(";") if a in kept) for cell in chosen["articles"]
    ]
    return outlet_grid(chosen, claims[claims["article_id"].astype(str).isin(kept)])


def conflict_pairs(
    groups: pd.DataFrame, claims: pd.DataFrame, *, settings: AlignSettings | None = None
) -> pd.DataFrame:
    """The differing claims of each conflicting group, side by side.

    In: the groups table and the claims table it was made from. Out:
    :data:`PAIR_COLUMNS` then ``claim_a``, ``claim_b`` and ``differs`` (what
    differs between the two: "source", "value", "bound", ';'-joined). For every
    group whose status is neither agree nor single, claim a is the first claim
    (by article_id, then position) that differs from a claim of another article,
    and there is one row for each claim of another article that differs from it.
    Claims differ in source when both name a source and the two cannot be the
    same (:func:`sources_compatible`), in value when their numbers differ, in
    bound when their hedges differ. Rows keep the groups' order.
    """
    settings = settings or load_settings()
    c = _Claims.from_frame(claims, settings)
    by_id = {cid: i for i, cid in enumerate(c.ids)}
    records = []
    for row, claim_ids in _group_members(groups):
        status = str(row["status"])
        if status in ("agree", "single"):
            continue
        members = c.order(by_id[cid] for cid in claim_ids if cid in by_id)
        pivot = _pivot(c, members)
        if pivot is None:
            continue
        for j in members:
            if c.article[j] == c.article[pivot]:
                continue
            differs = _differences(c, pivot, j)
            if not differs:
                continue
            records.append(
                {
                    "group_id": row["group_id"],
                    "status": status,
                    "outlet_a": c.outlet[pivot],
                    "article_a": c.article[pivot],
                    "text_a": c.text[pivot],
                    "sentence_a": c.sentence[pivot],
                    "source_a": c.source[pivot],
                    "outlet_b": c.outlet[j],
                    "article_b": c.article[j],
                    "text_b": c.text[j],
                    "sentence_b": c.sentence[j],
                    "source_b": c.source[j],
                    "claim_a": c.ids[pivot],
                    "claim_b": c.ids[j],
                    "differs": ";".join(differs),
                }
            )
    return pd.DataFrame(records, columns=PAIR_COLUMNS + PAIR_EXTRA_COLUMNS)


def _signature(c: _Claims, i: int) -> tuple[Any, ...]:
    """Everything :func:`_differences` looks at, so distinct signatures stand for many claims."""
    return (c.kind[i], c.reading(i), c.span[i] is None, c.source[i], c.side[i])


def _pivot(c: _Claims, members: Sequence[int]) -> int | None:
    """The first claim that differs from some claim of another article.

    Compares distinct signatures, not claims, so a group of thousands of articles
    printing a handful of versions costs a handful of comparisons.
    """
    holders: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    example: dict[tuple[Any, ...], int] = {}
    for i in members:
        signature = _signature(c, i)
        holders[signature].add(c.article[i])
        example.setdefault(signature, i)
    pair_differs: dict[tuple[tuple[Any, ...], tuple[Any, ...]], bool] = {}
    for i in members:
        mine = _signature(c, i)
        for other, articles in holders.items():
            if other == mine or not articles - {c.article[i]}:
                continue
            pair = (mine, other)
            if pair not in pair_differs:
                pair_differs[pair] = bool(_differences(c, example[mine], example[other]))
            if pair_differs[pair]:
                return i
    return None


def _differences(c: _Claims, i: int, j: int) -> list[str]:
    found = []
    a, b = c.source_key(i), c.source_key(j)
    if c.source[i] and c.source[j] and not c.compatible(a, b):
        found.append("source")
    if c.kind[i] != "quote" and c.span[i] is not None and c.span[j] is not None:
        if not _numbers_equal(c.reading(i), c.reading(j), c.settings.approx_tolerance):
            found.append("value")
        if c.bound[i] != c.bound[j]:
            found.append("bound")
    return found
