"""When a figure holds: the claims table's ``as_of``.

What goes in: a sentence (or any span of an article) and the article's publication
date (ISO ``YYYY-MM-DD``, or empty). What comes out: the time expressions found
(:func:`find_time_refs`), each resolved to an ISO string with the precision the text
allows, and for one figure the chosen ``as_of`` (:func:`choose_as_of`).

Rules (the gold file's labels follow them):

1. Explicit dates keep their own precision: "on 2 June 2025" -> ``2025-06-02``,
   "in September 2022" -> ``2022-09``, "in 2023" / "the 2023 earthquake" -> ``2023``.
   A day and month without a year take the publication year (the year before, if
   that would put the day after publication).
2. Weekdays are the last such day on or before publication: "on Sunday" in an
   article of Sunday 15 June 2025 -> ``2025-06-15``; "on Friday" -> ``2025-06-13``.
3. Relative phrases from ``time.yaml`` resolve against the publication date:
   "earlier this year" -> ``2025``; "this month", "earlier this month" -> ``2025-06``;
   "last month" -> ``2025-05``; "today", "yesterday", "this week" -> a day. A running
   total "this week" is as of the day the article reports it, so the publication
   date is written (day precision), while "this month" keeps month precision.
4. A period running up to now ("since February 2022", "so far", "to date") means
   the figure is current at publication: the publication month. The exception is a
   "when" clause that pins the figure to the period's start: "since September 2022,
   when it stated that fewer than 6,000 ..." -> ``2022-09``.
5. With several expressions in the sentence, those in the figure's own clause win;
   then explicit dates over weekdays and relative phrases, over running periods;
   then the more precise; then the nearer.
6. No expression at all: the figure is taken as current when the article was written
   and gets the publication month (``2025-06``): month, not day, because the text
   does not say exactly when it was counted. Without a publication date, relative
   expressions and the default resolve to ``''``; explicit dates still resolve.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache

from lossledger.sentences import fold_case, load_lexicon, phrase_pattern, trie_alternation

DAY, MONTH, YEAR = 3, 2, 1
# Rank of an expression's kind when several compete for one figure (rule 5).
KIND_RANK = {"absolute": 3, "weekday": 2, "relative": 2, "ongoing": 1}


@dataclass(frozen=True, slots=True)
class TimeRef:
    """A time expression at ``start``/``end`` (offsets into the searched text)."""

    start: int
    end: int
    text: str
    kind: str  # absolute | weekday | relative | ongoing
    precision: int  # DAY, MONTH, YEAR, or 0 when it could not be resolved
    value: str  # ISO date, month or year; '' when it could not be resolved


@dataclass(frozen=True)
class _Lexicon:
    """The time words and their patterns. Every pattern but ``weekday_re`` (capitalised
    names only) is matched against the article's :func:`~lossledger.sentences.fold_case`
    copy, not the article itself."""

    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, dict[str, int | str]]
    relative_re: re.Pattern
    ongoing_re: re.Pattern
    day_month_re: re.Pattern
    month_day_re: re.Pattern
    month_year_re: re.Pattern
    weekday_re: re.Pattern
    hint_re: re.Pattern
    month_span_re: re.Pattern
    month_only_re: re.Pattern
    # A word each relative (ongoing) phrase contains: without one, no need to search.
    relative_keys: tuple[str, ...]
    ongoing_keys: tuple[str, ...]
    # What each hint word seen so far is (year, month, weekday, word); hint words
    # come from the lexicon, so this stays small.
    hint_kinds: dict[str, str] = field(default_factory=dict)


_ISO_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# Matched against folded text (lowercase words, so no re.IGNORECASE).
_YEAR_RE = re.compile(
    r"(?:\b(?:in|since|during|by|until|till|from|of|early|late|mid|end of|start of|"
    r"beginning of|throughout|before|after|between|through)\s+|\bmid-)"
    r"(?:the\s+(?:spring|summer|autumn|fall|winter)\s+of\s+)?((?:1[89]\d|20\d)\d)\b(?![,.]?\d)"
    r"|\b((?:19[5-9]|20\d)\d)(?=\s+(?:war|earthquake|quake|floods?|invasion|offensive|"
    r"conflict|disaster|tsunami|cyclone|hurricane|typhoon|storm|election|census|study|"
    r"report|survey|attacks?|uprising|coup|ceasefire|truce|exchange|count|tally)\b)"
)
_WHEN_AFTER = re.compile(r"\s*,?\s*(?:when|at which point|at that time)\b", re.IGNORECASE)


@cache
def _lexicon() -> _Lexicon:
    data = load_lexicon("time")
    months = {str(k).lower(): int(v) for k, v in (data.get("months") or {}).items()}
    weekdays = {str(k).lower(): int(v) for k, v in (data.get("weekdays") or {}).items()}
    relative = {str(k).lower(): dict(v or {}) for k, v in (data.get("relative") or {}).items()}
    month_alt = trie_alternation(list(months))
    # The rarest word of each phrase is enough to tell whether a sentence may hold one.
    common = {"in", "the", "this", "last", "so", "of", "to", "over", "up", "as", "now", "until"}
    common |= {"past", "earlier", "far", "thus"}
    relative_words = {w for phrase in relative for w in phrase.split()} | {
        w for phrase in data.get("ongoing") or [] for w in str(phrase).split()
    }
    relative_words -= common
    ongoing = [str(phrase).lower() for phrase in data.get("ongoing") or []]
    month_name = rf"(?P<month>{month_alt})\.?"
    year = r"(?P<year>(?:19|20)\d\d)"
    day = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
    return _Lexicon(
        months=months,
        weekdays=weekdays,
        relative=relative,
        relative_re=phrase_pattern(list(relative), flags=0),
        ongoing_re=phrase_pattern(ongoing, flags=0),
        day_month_re=re.compile(rf"\b{day}\s+(?:of\s+)?{month_name}(?:,?\s+{year})?\b"),
        month_day_re=re.compile(rf"\b{month_name}\s+{day}\b(?:,?\s+{year}\b)?"),
        month_year_re=re.compile(rf"\b{month_name}(?:\s+of)?,?\s+{year}\b"),
        hint_re=re.compile(
            r"\b(?:1[89]\d\d|20\d\d|"
            + trie_alternation([*months, *weekdays, *relative_words], lower=True)
            + r")(?!\w)"
        ),
        # "between January and March", "from May to July": the period ends in the last.
        month_span_re=re.compile(
            rf"\b(?:between|from)\s+(?:{month_alt})\.?\s+(?:and|to|through|until)\s+"
            rf"{month_name}(?:,?\s+{year})?\b"
        ),
        # "in January", "since March" without a year: the last such month up to publication.
        month_only_re=re.compile(
            rf"\b(?:in|during|since|by|until|through|throughout|of)\s+{month_name}\b"
            r"(?!\s*(?:\d|of\s+\d))"
        ),
        weekday_re=re.compile(
            r"\b(?P<wd>" + "|".join(d.capitalize() for d in weekdays) + r")(?:'s|’s)?\b"
        ),
        relative_keys=_key_words(relative),
        ongoing_keys=_key_words(ongoing),
    )


def _key_words(phrases: Iterable[str]) -> tuple[str, ...]:
    """Words, one in each of ``phrases``, that any match of their phrase_pattern contains
    as written: the last run of letters and digits ("so far" -> "far"), then without
    those that contain a shorter one ("tonight" goes, "night" stays)."""
    keys = {re.findall(r"\w+", phrase)[-1] for phrase in phrases if re.search(r"\w", phrase)}
    return tuple(sorted(k for k in keys if not any(o != k and o in k for o in keys)))


def parse_published(published: object) -> date | None:
    """Read an ISO publication date ('YYYY-MM-DD', optionally with a time); None if not one."""
    if not isinstance(published, str) or len(published) < 10:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def default_as_of(published: object) -> str:
    """Rule 6: the publication month, or '' without a publication date."""
    if isinstance(published, str):
        return _publication_month(published)
    return ""


@lru_cache(maxsize=4096)
def _publication_month(published: str) -> str:
    pub = parse_published(published)
    return f"{pub.year:04d}-{pub.month:02d}" if pub else ""


def _format(d: date, precision: int) -> str:
    if precision == DAY:
        return d.isoformat()
    if precision == MONTH:
        return f"{d.year:04d}-{d.month:02d}"
    return f"{d.year:04d}"


def _shift_months(d: date, months: int) -> date:
    index = d.year * 12 + d.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_time_refs(
    text: str, published: object = "", start: int = 0, end: int | None = None
) -> list[TimeRef]:
    """Every time expression in ``text[start:end]``, resolved against ``published``.

    Offsets are into ``text``. Overlapping matches keep the longest. Never raises.
    """
    if not isinstance(text, str) or not text:
        return []
    end = len(text) if end is None else end
    # Clamped as the regex engine clamps them, so slices and str.find see the same span.
    start, end = min(max(start, 0), len(text)), min(max(end, 0), len(text))
    lex = _lexicon()
    folded = fold_case(text)  # the patterns run on this; offsets and spellings come from text
    # One cheap pass says which kinds of expression can be there; only those are parsed.
    # It also says where month names and weekdays stand, so that the patterns that begin
    # with one are tried there instead of searched for along the whole sentence.
    hints: set[str] = set()
    month_starts: list[int] = []
    weekday_starts: list[int] = []
    for h in lex.hint_re.finditer(folded, start, end):
        # A hint's kind goes by its own spelling, as it always has ("ſep" is no month).
        kind = _hint_kind(text[h.start() : h.end()], lex)
        hints.add(kind)
        if h[0] in lex.months:
            month_starts.append(h.start())
        elif kind == "weekday":
            weekday_starts.append(h.start())
    if not hints:
        return []  # no year, month, weekday or time word: nothing to look for
    pub = parse_published(published)
    found: list[TimeRef] = []
    if "year" in hints:
        found.extend(_year_refs(text, folded, start, end))
    if "month" in hints:
        found.extend(_month_refs(text, folded, start, end, month_starts, lex, pub))
    if "weekday" in hints:
        for m in _matches_at(lex.weekday_re, text, weekday_starts, end):
            value, precision = "", 0
            if pub:
                back = (pub.weekday() - lex.weekdays[m["wd"].lower()]) % 7
                value, precision = (pub - timedelta(days=back)).isoformat(), DAY
            found.append(TimeRef(m.start(), m.end(), m[0], "weekday", precision, value))
    if "word" in hints and _may_hold(folded, start, end, lex.relative_keys):
        for m in lex.relative_re.finditer(folded, start, end):
            found.append(_relative_ref(text, m, lex, pub))
    found = _drop_overlaps(found)
    return _mark_ongoing(text, folded, found, pub, lex, start, end) if "word" in hints else found


def _hint_kind(word: str, lex: _Lexicon) -> str:
    kind = lex.hint_kinds.get(word)
    if kind is None:
        kind = lex.hint_kinds[word] = _classify_hint(word, lex)
    return kind


def _classify_hint(word: str, lex: _Lexicon) -> str:
    low = word.lower()
    if low[:1].isdigit():
        return "year"
    if low in lex.months:
        return "month"
    if low in lex.weekdays:
        return "weekday"
    return "word"


def _may_hold(folded: str, start: int, end: int, keys: tuple[str, ...]) -> bool:
    """Whether ``folded[start:end]`` holds one of ``keys``: substring tests cost far less
    than a regex search for phrases that cannot be there."""
    window = folded[start:end]
    return any(key in window for key in keys)


def _matches_at(regex: re.Pattern, text: str, starts: list[int], end: int) -> Iterator[re.Match]:
    """The matches ``regex.finditer`` would give up to ``end``, for a regex that can only
    match at one of ``starts`` (ascending): a few anchored tries instead of a scan."""
    free_from = 0  # like finditer, matches do not overlap
    for pos in starts:
        if pos >= free_from:
            m = regex.match(text, pos, end)
            if m:
                free_from = m.end()
                yield m


def _runs_back(text: str, pos: int, runs: int, floor: int) -> int:
    """Where the ``runs`` whitespace-separated runs of text before ``pos`` begin (the run
    ``pos`` is in counts as the first), not before ``floor``."""
    for _ in range(runs):
        while pos > floor and text[pos - 1].isspace():
            pos -= 1
        while pos > floor and not text[pos - 1].isspace():
            pos -= 1
    return pos


def _original(text: str, m: re.Match, group: int | str = 0) -> str:
    """What a match in the folded text covers, as the article spells it."""
    return text[m.start(group) : m.end(group)]


def _year_refs(text: str, folded: str, start: int, end: int) -> list[TimeRef]:
    found = []
    # An ISO date's first hyphen is four characters in; "the end of 2024" needs an "end".
    dash = text.find("-", start, end)
    iso_dates = _ISO_RE.finditer(text, max(start, dash - 4), end) if dash >= 0 else ()
    for m in iso_dates:
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            found.append(TimeRef(m.start(), m.end(), m[0], "absolute", DAY, d.isoformat()))
    year_ends = ()
    if _may_hold(folded, start, end, ("end",)):
        year_ends = _END_OF_YEAR.finditer(folded, start, end)
    for m in year_ends:
        text_ = _original(text, m)
        found.append(TimeRef(m.start(), m.end(), text_, "absolute", MONTH, f"{m[1]}-12"))
    for m in _YEAR_RE.finditer(folded, start, end):
        group = 1 if m[1] else 2
        year = _original(text, m, group)
        found.append(TimeRef(m.start(group), m.end(group), year, "absolute", YEAR, year))
    return found


def _month_refs(
    text: str,
    folded: str,
    start: int,
    end: int,
    month_starts: list[int],
    lex: _Lexicon,
    pub: date | None,
) -> list[TimeRef]:
    """Dates naming a month; ``month_starts``: where each month name in the span begins."""
    if not month_starts:
        return []
    found = []
    # The other patterns put at most two words before their first month name ("2 of June",
    # "in June", "between June and July"): none can start further back than that.
    lead = _runs_back(folded, month_starts[0], 2, start)
    day_first = lex.day_month_re.finditer(folded, lead, end)
    month_first = _matches_at(lex.month_day_re, folded, month_starts, end)
    for m in itertools.chain(day_first, month_first):
        ref = _day_ref(text, m, lex, pub)
        if ref:
            found.append(ref)
    spans = ()
    if _may_hold(folded, start, end, ("between", "from")):
        spans = lex.month_span_re.finditer(folded, lead, end)
    for m in itertools.chain(spans, lex.month_only_re.finditer(folded, lead, end)):
        ref = _bare_month_ref(text, m, lex, pub)
        if ref:
            found.append(ref)
    for m in _matches_at(lex.month_year_re, folded, month_starts, end):
        word = _original(text, m, "month")
        month = lex.months.get(word.lower().rstrip("."))
        if month and not (word.lower() in ("may", "mar") and word.islower()):
            value = f"{int(m['year']):04d}-{month:02d}"
            found.append(TimeRef(m.start(), m.end(), _original(text, m), "absolute", MONTH, value))
    return found


def _bare_month_ref(text: str, m: re.Match, lex: _Lexicon, pub: date | None) -> TimeRef | None:
    """A month named without a day: its own year if given, else the last such month on
    or before publication ("in January" in a February article is last January)."""
    word = _original(text, m, "month")
    month = lex.months.get(word.lower().rstrip("."))
    if not month or (word.lower() in ("may", "mar") and word.islower()):
        return None
    start = m.start("month") if m.re is lex.month_only_re else m.start()
    year = m.groupdict().get("year")
    if year:
        value = f"{int(year):04d}-{month:02d}"
    elif pub:
        value = f"{pub.year if month <= pub.month else pub.year - 1:04d}-{month:02d}"
    else:
        return TimeRef(start, m.end(), _original(text, m), "absolute", 0, "")
    return TimeRef(start, m.end(), text[start : m.end()], "absolute", MONTH, value)


# "by the end of 2024": the year's last month.
_END_OF_YEAR = re.compile(r"\b(?:by\s+)?(?:the\s+)?end\s+of\s+((?:19|20)\d\d)\b")  # on folded text


def _day_ref(text: str, m: re.Match, lex: _Lexicon, pub: date | None) -> TimeRef | None:
    month_word = _original(text, m, "month")
    if month_word.lower() in ("may", "mar") and month_word.islower():
        return None  # "may" the verb, "mar" the verb
    month = lex.months.get(month_word.lower().rstrip("."))
    day = int(m["day"])
    if not month or not 1 <= day <= 31:
        return None
    if m["year"]:
        d = _safe_date(int(m["year"]), month, day)
    elif pub:
        d = _safe_date(pub.year, month, day)
        if d and d > pub + timedelta(days=1):
            d = _safe_date(pub.year - 1, month, day)
    else:
        return TimeRef(m.start(), m.end(), _original(text, m), "absolute", 0, "")
    if d is None:
        return None
    return TimeRef(m.start(), m.end(), _original(text, m), "absolute", DAY, d.isoformat())


def _relative_ref(text: str, m: re.Match, lex: _Lexicon, pub: date | None) -> TimeRef:
    phrase = _original(text, m)
    key = " ".join(phrase.lower().split())
    rule = lex.relative.get(key, {})
    precision = {"day": DAY, "month": MONTH, "year": YEAR}.get(str(rule.get("precision")), DAY)
    if pub is None:
        return TimeRef(m.start(), m.end(), phrase, "relative", 0, "")
    d = pub + timedelta(days=int(rule.get("days", 0) or 0))
    if rule.get("months"):
        d = _shift_months(d, int(rule["months"]))
    if rule.get("years"):
        d = date(d.year + int(rule["years"]), d.month, 1)
    return TimeRef(m.start(), m.end(), phrase, "relative", precision, _format(d, precision))


def _drop_overlaps(refs: list[TimeRef]) -> list[TimeRef]:
    refs = sorted(refs, key=lambda r: (r.start, -(r.end - r.start)))
    kept: list[TimeRef] = []
    for ref in refs:
        if kept and ref.start < kept[-1].end:
            continue
        kept.append(ref)
    return kept


def _mark_ongoing(
    text: str,
    folded: str,
    refs: list[TimeRef],
    pub: date | None,
    lex: _Lexicon,
    start: int,
    end: int,
) -> list[TimeRef]:
    """Rule 4: an explicit date governed by "since" is a running period, unless "when" follows."""
    if not _may_hold(folded, start, end, lex.ongoing_keys):
        return refs
    since_spans = [(m.start(), m.end()) for m in lex.ongoing_re.finditer(folded, start, end)]
    if not since_spans:
        return refs
    # Whether a span is "since" goes by the article's spelling ("ſince" is not).
    is_since = [text[a:b].lower() == "since" for a, b in since_spans]
    out: list[TimeRef] = []
    for ref in refs:
        governed = any(
            b <= ref.start and ref.start - b <= 80 and not re.search(r"[,;.]", text[b : ref.start])
            for (a, b), since in zip(since_spans, is_since, strict=True)
            if since
        )
        if (
            governed
            and ref.kind in ("absolute", "weekday")
            and not _WHEN_AFTER.match(text, ref.end)
        ):
            value = default_as_of(pub.isoformat()) if pub else ""
            out.append(TimeRef(ref.start, ref.end, ref.text, "ongoing", MONTH if pub else 0, value))
        else:
            out.append(ref)
    # "so far", "to date" on their own: a running total as of publication.
    covered = [(r.start, r.end) for r in out]
    for (a, b), since in zip(since_spans, is_since, strict=True):
        if since or any(lo <= a < hi for lo, hi in covered):
            continue
        value = default_as_of(pub.isoformat()) if pub else ""
        out.append(TimeRef(a, b, text[a:b], "ongoing", MONTH if pub else 0, value))
    return sorted(out, key=lambda r: r.start)


def choose_as_of(
    refs: list[TimeRef],
    num_start: int,
    num_end: int,
    window: tuple[int, int] | None = None,
    published: object = "",
    statement: tuple[int, int] | None = None,
) -> str:
    """Pick the ``as_of`` of a figure at ``num_start:num_end`` from the sentence's refs.

    ``window`` is the figure's own clause (offsets in the same coordinates as the refs);
    refs inside it win over the rest of the sentence (rule 5). Refs overlapping the
    number are ignored. ``statement`` is the span of the speaker and reporting verb
    (plus what follows the verb up to 40 characters): between expressions of the same
    kind, one attached to the statement ("AFAD said on Thursday") beats an event's
    ("Monday's earthquake"), because a running toll is as of when it was given.
    Falls back to the publication month (rule 6).
    """
    usable = [r for r in refs if r.value and (r.end <= num_start or r.start >= num_end)]
    if not usable:
        return default_as_of(published)
    lo, hi = window if window else (num_start, num_end)

    def rank(r: TimeRef) -> tuple[int, int, int, int, int]:
        # A running period ("since February 2022") in the clause does not beat when the
        # total was given ("said last month that ... since February 2022").
        inside = int(lo <= r.start and r.end <= hi and r.kind != "ongoing")
        distance = num_start - r.end if r.end <= num_start else r.start - num_end
        said = int(statement is not None and statement[0] <= r.start < statement[1] + 40)
        return (inside, KIND_RANK.get(r.kind, 0), said, r.precision, -distance)

    return max(usable, key=rank).value
