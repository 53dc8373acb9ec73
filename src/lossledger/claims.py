"""Stage 2: the claims table, one row per figure about people and per direct quotation.

What goes in: an articles table with at least ``article_id`` and ``text`` (optionally
``outlet``, ``published`` as ISO ``YYYY-MM-DD`` or '', and ``sha256``). What comes out:
``schema.CLAIM_COLUMNS`` in that order, then ``hedge``, ``num_start``, ``num_end`` and
``origin`` (the channel the source used: "told NBC", "on Facebook"), sorted by
``article_id`` then ``start``.

How a number becomes a claim (each step has its own function below):

1. :func:`lossledger.numbers.find_numbers` gives every numeric expression; percentages,
   money, ordinals and ages are dropped.
2. Each number gets its *clause*: the part of the sentence up to the last comma or
   conjunction before the next number ("46,000 soldiers have died | and some 380,000
   were hurt"). Metric, party, genre and time are read there first.
3. It is about people when the words right after it name people ("1,200 fallen
   soldiers", "6,000 Ukrainians") or a metric word sits in its clause ("the death toll
   rose to 4,300"); words like "countries", "rounds", "km" right after it make it not
   a claim (metrics.yaml).
4. Metric: bodies with a return verb -> ``bodies_returned``; prisoners with an exchange
   verb -> ``prisoners_exchanged``; killed-and-wounded words -> ``casualties``;
   otherwise the nearest metric word; a people count without one takes the metric of
   the previous figure in the sentence ("killing 40, including 12 children") or
   ``other``.
5. Party (whose people), first rule that answers: "combined"/"both sides" -> ``both``;
   a party word in the counted noun phrase ("Ukrainian soldiers", "of its soldiers" ->
   the sentence's subject); "of them" -> the previous figure's party; for bodies and
   prisoners the side they go to ("to Ukraine", "received by Ukraine") or the
   opponent of the side handing them over ("Kyiv handed over 19"); the nearest party
   word or place in the reported part of the clause that is not the speaker's and not
   an attacker ("Russian missiles killed 41" does not count Russians, "fled to Chad"
   does not count Chadians); "its"/"their" -> the sentence's first party; a place the
   speaker answers for ("officials in Syria reported 3,162 deaths"); the previous
   figure in the sentence; any other party word in the sentence; the last figure of
   the same metric within three sentences; the opponent of an attacker; the party
   most earlier figures of the article count (the story's subject); else ''.
6. Source: :mod:`lossledger.attribution`; genre: genres.yaml cues in the clause
   (a named list by a media source is an independent count); as_of: :mod:`lossledger.timeref`.

Extraction never raises: an article that cannot be processed is reported with a
warning and yields no rows.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import re
import warnings
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

import pandas as pd

from lossledger.attribution import (
    ArticleAttribution,
    Attribution,
    attribute_article,
    party_mentions,
    party_mentions_outside_names,
)
from lossledger.schema import CLAIM_COLUMNS
from lossledger.sentences import (
    PhraseScanner,
    QuoteSpan,
    Sentence,
    load_lexicon,
    paragraph_spans,
    phrase_pattern,
    phrase_scanner,
    quote_spans,
    split_sentences,
    trie_alternation,
)
from lossledger.timeref import choose_as_of, default_as_of, find_time_refs

EXTRA_COLUMNS: list[str] = ["hedge", "num_start", "num_end", "origin"]
OUTPUT_COLUMNS: list[str] = [*CLAIM_COLUMNS, *EXTRA_COLUMNS]
# A quotation shorter than this many words is a scare quote ("special military operation").
MIN_QUOTE_WORDS = 4

_CLAUSE_BREAK = re.compile(r",|;|\s(?:and|while|but|whereas|with|plus)\s", re.IGNORECASE)
_NP_STOP = frozenset(
    {
        "in", "on", "at", "by", "from", "to", "since", "during", "after", "before", "across",
        "were", "was", "are", "is", "have", "has", "had", "and", "or", "but", "who", "which",
        "that", "as", "including", "the", "a", "an", "for", "with", "while", "will", "would",
        "could", "may", "might", "been", "be", "being", "this", "last", "each", "per", "than",
        "into", "out", "over", "under", "among", "amid", "inside", "near", "based",
        "according", "due",
    }
)  # fmt: skip
_GAP_WORDS = re.compile(r"[^\s“”\"’'-]")
_NP_WORD = re.compile(r"[^\W\d_][\w’'\-.]*|-[\w-]+")
_BEFORE_ID = re.compile(
    r"(?:\b(?:one|\d+)\s+in\s+|\b(?:aged|age|ages|magnitude|[Mm]agnitude-|No\.|number|Resolution|Flight|Route|Article|Highway|Brigade|"
    r"Battalion|Unit|page|Chapter|Section|Room|Platform|Gate|Building|Block|Apartment|"
    r"Division|Regiment|Corps|Squadron|Order|Decree|Law|Item|Paragraph|Category|Level|"
    r"Phase|Stage|Grade|Class|Model|Type|Version|Channel|Line|Bus|Train|Km)\s*)$"
)
# "one in seven Pakistanis", "three out of four": a share, not a count.
_RATIO_AFTER = re.compile(
    r"\s+(?:in|out\s+of)\s+(?:every\s+)?(?:\d|(?:two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|\w+teen|twenty|thirty|forty|fifty|hundred|a\s+hundred)\b)",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)\b", re.IGNORECASE)
_BODIES_OF = re.compile(
    r"\b(?:bodies|remains|body|corpses)\s+of\s+(?:[a-z]+\s+){0,3}[“\"]?$", re.IGNORECASE
)
_PRISONERS_OF = re.compile(
    r"\b(?:exchange|swap|release|return|handover)\s+of\s+(?:the\s+|some\s+|another\s+)?$", re.I
)
_ATTACKER = re.compile(
    r"\s*(?:-led\s+)?(?:(?:has\s+|have\s+|had\s+)?(?:killed|shot|executed|massacred|murdered|"
    r"shelled|bombed|attacked|struck)\b|air\s*strikes?|strikes?|attacks?|shelling|bombardments?|bombing|"
    r"drones?|missiles?|forces|troops|army|military|fire|raids?|artillery|snipers?|"
    r"gunmen|fighters|soldiers|jets|warplanes|offensive|assault|operations?)\b",
    re.IGNORECASE,
)
_KILLING_VERB = re.compile(
    r"\s*(?:has\s+|have\s+|had\s+)?(?:killed|shot|executed|massacred|murdered)"
)
# "residents of the Belgorod region": up to the place name after "of".
_OF_PLACE = re.compile(r"\s+(?:the\s+)?(?:[A-Z][\w’'-]*\s*){1,3}")
_AGENT_BEFORE = re.compile(
    r"(?:\bby\s+(?:the\s+)?|\b(?:attacks?|strikes?|shelling|bombardments?|fire)\s+"
    r"(?:of|by|from)\s+(?:the\s+)?|\b(?:fled|flee|fleeing|crossed|escaped|arrived|refuge)\b[^.,;]{0,12}"
    r"\b(?:to|into|in)\s+(?:neighbouring\s+|neighboring\s+)?(?:countries\s+such\s+as\s+)?)$",
    re.IGNORECASE,
)
_GIVER_AFTER = re.compile(
    r"[^.;,]{0,30}?\b(?:returns?|returned|hand(?:s|ed)?\s+over|repatriat\w*|transfer(?:s|red)?|"
    r"sen[dt]s?\s+back)\b",
    re.IGNORECASE,
)
# "officials in Syria", "the mayor of Derna": a place the source answers for.
_JURISDICTION = re.compile(r"\b(?:in|of|for)\s+(?:the\s+)?(?:[a-z]+\s+)?\Z", re.IGNORECASE)
_RESTATED = re.compile(
    r"\b(?:estimate|figure|total|toll|count|tally|number)\s+(?:of|at)\s+\Z", re.IGNORECASE
)
_SUBSET = re.compile(r"\b(?:including|among them|among whom|of whom|of them)\s+$", re.IGNORECASE)
_PARENTHETICAL_SUBSET = re.compile(
    r"^[^,;.]*,\s*(?:including|among them|among whom|of whom)\s+[^,;.]*$", re.IGNORECASE
)
_LOCATION_BEFORE = re.compile(
    r"\b(?:in|at|near|across|inside|of|outside|on|against)\s+(?:the\s+)?(?:[a-z]+\s+)?$",
    re.IGNORECASE,
)
_PEOPLE_POPULATION = frozenset({"residents", "inhabitants", "population", "people living"})
_RECIPIENT = re.compile(r"\b(?:to|by)\s+(?:the\s+)?$", re.IGNORECASE)
_GIVER = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
# "its soldiers", "their military fatalities": a side's own people or losses.
_POSSESSIVE_PRONOUN = re.compile(
    r"\b(?:its|their)\s+(?:own\s+)?(?:[a-z-]+\s+)?(?:soldiers|troops|military|losses|dead|"
    r"fatalities|casualties|servicemen|citizens|people|forces|personnel|fighters|wounded|"
    r"prisoners|nationals|civilians)\b",
    re.IGNORECASE,
)
# "mobilised soldiers number some 14,600": the people counted come before the number.
_PEOPLE_NUMBER = re.compile(
    r"\b(?:people|soldiers|troops|civilians|fighters|servicemen|children|men|women|"
    r"victims|dead|prisoners|detainees|migrants|refugees|officers|personnel)\s+"
    r"(?:number|numbered|total|totalled|totaled|came\s+to|stood\s+at)\s+\Z",
    re.IGNORECASE,
)
# No "^": ``match(text, pos)`` anchors at ``pos`` already, "^" would only match at 0.
_OF_THEM = re.compile(r"\s*(?:of\s+(?:them|whom|those|these))\b", re.IGNORECASE)
# "its fighters had killed", "their troops repelled": the possessor's people are the agents.
_AGENT_VERB = re.compile(
    r"\s+(?:had\s+|have\s+|has\s+)?(?:killed|shot|executed|massacred|murdered|shelled|bombed|"
    r"attacked|struck|captured|repelled|destroyed|shot\s+down)\b",
    re.IGNORECASE,
)
# "Russian forces had lost 1,040 troops": the subject of "lost" is whose losses they are.
_VICTIM_VERB = re.compile(
    r"\s+(?:had\s+|have\s+|has\s+)?(?:lost|suffered|sustained|lose|loses)\b", re.IGNORECASE
)
# A soldier count reported by a side's own military ("it says 405 soldiers have been
# killed ... in Gaza") is that side's: militaries name enemy dead by demonym or "fighters".
# ... and only when they are the ones it happened to ("405 soldiers have been killed"),
# not the object of the speaker's own act ("the rebels captured 1,200 soldiers").
_SUFFERED = re.compile(
    r"[^,;.]{0,40}?\b(?:(?:have|has|had|were|was)\s+(?:been\s+)?(?:killed|wounded|injured|hurt|"
    r"lost|missing)|died|were\s+lost)\b",
    re.IGNORECASE,
)
_EACH = re.compile(r"\s+each\b", re.IGNORECASE)
_OWN_SOLDIERS = frozenset({"soldiers", "troops", "servicemen", "servicemembers", "personnel"})


@dataclass(frozen=True)
class _Lexicon:
    metric_cues: PhraseScanner
    metric_of: dict[str, str]
    metric_star: list[tuple[str, str]]
    genre_cues: PhraseScanner
    genre_of: dict[str, str]
    genre_star: list[tuple[str, str]]
    genre_priority: tuple[str, ...]  # genres other than "count", in genres.yaml's order
    combo_cues: PhraseScanner
    bodies_re: re.Pattern
    prisoners_re: re.Pattern
    return_cues: PhraseScanner
    exchange_cues: PhraseScanner
    people: frozenset[str]
    people_modifiers: frozenset[str]
    not_people: frozenset[str]
    population_re: re.Pattern
    combined_cues: PhraseScanner
    opponents: dict[str, list[str]]
    exchange_context_cues: PhraseScanner
    at_sea_cues: PhraseScanner
    floor_re: re.Pattern
    outsider_re: re.Pattern
    party_names: frozenset[str]
    places: frozenset[str]  # capitals, cities and regions of parties.yaml
    region_possessive_re: re.Pattern  # "region's", "province's" (place_nouns)
    non_loss_heads: frozenset[str]
    non_loss_cues: PhraseScanner
    beneficiary_re: re.Pattern


@cache
def _lexicon() -> _Lexicon:
    metrics = load_lexicon("metrics")
    genres = load_lexicon("genres")
    parties = load_lexicon("parties")
    metric_words = {str(k): list(v or []) for k, v in (metrics.get("metrics") or {}).items()}
    genre_words = {str(k): list(v or []) for k, v in genres.items()}
    metric_of, metric_star = _cue_table(metric_words)
    genre_of, genre_star = _cue_table(genre_words)
    return _Lexicon(
        metric_cues=phrase_scanner([w for words in metric_words.values() for w in words]),
        metric_of=metric_of,
        metric_star=metric_star,
        genre_cues=phrase_scanner([w for words in genre_words.values() for w in words]),
        genre_of=genre_of,
        genre_star=genre_star,
        genre_priority=tuple(
            name
            for name in dict.fromkeys(genre_of.values())
            if name in ("named_list", "projection", "plan", "estimate", "unknown")
        ),
        combo_cues=phrase_scanner(list(metrics.get("casualty_combos") or [])),
        bodies_re=phrase_pattern(list(metrics.get("bodies") or [])),
        prisoners_re=phrase_pattern(list(metrics.get("prisoners") or [])),
        return_cues=phrase_scanner(list(metrics.get("return_verbs") or [])),
        exchange_cues=phrase_scanner(list(metrics.get("exchange_verbs") or [])),
        people=frozenset(str(w).lower() for w in metrics.get("people_nouns") or []),
        people_modifiers=frozenset(str(w).lower() for w in metrics.get("people_modifiers") or []),
        not_people=frozenset(str(w).lower() for w in metrics.get("not_people") or []),
        population_re=phrase_pattern(list(metrics.get("population") or [])),
        combined_cues=phrase_scanner(list(parties.get("combined") or [])),
        opponents={
            str(name): [str(o) for o in (entry or {}).get("opponents") or []]
            for name, entry in (parties.get("parties") or {}).items()
        },
        exchange_context_cues=phrase_scanner(list(metrics.get("exchange_context") or [])),
        at_sea_cues=phrase_scanner(list(parties.get("at_sea") or [])),
        floor_re=re.compile(
            r"(?<![\w-])(?:"
            + trie_alternation(list(metrics.get("floor_verbs") or []), lower=True)
            + r")\s+\Z",
            re.IGNORECASE,
        ),
        outsider_re=phrase_pattern(list(load_lexicon("sources").get("outsiders") or [])),
        party_names=frozenset(
            str(n)
            for entry in (parties.get("parties") or {}).values()
            for n in (entry or {}).get("names") or []
        ),
        places=frozenset(
            " ".join(str(n).split())
            for entry in (parties.get("parties") or {}).values()
            for n in (entry or {}).get("places") or []
        ),
        region_possessive_re=re.compile(
            r"\s+(?:"
            + (trie_alternation(list(parties.get("place_nouns") or []), lower=True) or "(?!x)x")
            + r")['’]s\b",
            re.IGNORECASE,
        ),
        non_loss_heads=frozenset(str(w).lower() for w in metrics.get("non_loss_heads") or []),
        non_loss_cues=phrase_scanner(list(metrics.get("non_loss_cues") or [])),
        # Anchored at the end: the cue must sit right before the number.
        beneficiary_re=re.compile(
            r"(?<![\w-])(?:"
            + trie_alternation(list(metrics.get("beneficiary_cues") or []), lower=True)
            + r")\s+(?:the\s+|some\s+|about\s+|around\s+|nearly\s+|over\s+)?$",
            re.IGNORECASE,
        ),
    )


def _cue_table(groups: dict[str, list[str]]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Map each cue (lowercase, single-spaced) to its group; the first group listing it wins.

    One combined pattern finds every cue in a single pass; this table says what it was.
    """
    exact: dict[str, str] = {}
    star: list[tuple[str, str]] = []
    for name, words in groups.items():
        for word in words:
            word = " ".join(str(word).lower().split())
            if word.endswith("*"):
                star.append((word[:-1], name))
            else:
                exact.setdefault(word, name)
    return exact, star


def _cue_group(found: str, exact: dict[str, str], star: list[tuple[str, str]]) -> str:
    key = " ".join(found.lower().split())
    if key in exact:
        return exact[key]
    for prefix, name in star:
        if key.startswith(prefix):
            return name
    return ""


def _find_numbers(text: str) -> list[Any]:
    """The number layer's mentions. Years that open a range ("since October 2023 to
    45,854"), round counts ("a dozen": approx) and floor verbs ("the toll passes 45,800":
    lower) are read there (numbers.yaml), not repaired here."""
    # Imported here so that the rest of the stage imports without the number layer.
    from lossledger.numbers import find_numbers

    return find_numbers(text)


# Between a hedged figure and a bare one: "at least 11,973 [civilians had been killed
# and] 24,614 injured". A short run of words ending in "and"/"or", no punctuation.
_COORDINATED = re.compile(r"\s+(?:[A-Za-z’'-]+\s+){0,5}(?:and|or)\s+\Z")
_OWN_QUANTIFIER = re.compile(r"\b(?:another|a further|further|an additional)\s+\Z", re.I)


def _share_hedge(text: str, prev: Any, cur: Any) -> Any:
    """One hedge in front of two coordinated figures covers both ("at least 1,480 people
    were killed and 572 injured": the 572 is a floor too)."""
    if (
        cur.bound != "exact"
        or cur.hedge
        or getattr(cur, "vague", False)
        or not prev.hedge
        or prev.bound not in ("lower", "upper", "approx")
        or getattr(prev, "vague", False)
        or cur.value is None
    ):
        return cur
    between = text[prev.end : cur.start]
    if not _COORDINATED.fullmatch(between) or _OWN_QUANTIFIER.search(between):
        return cur
    low = cur.value if prev.bound == "lower" else None
    high = cur.value if prev.bound == "upper" else None
    return replace(cur, bound=prev.bound, low=low, high=high)


# --- the table ---------------------------------------------------------------------------------


def extract_claims(articles: pd.DataFrame) -> pd.DataFrame:
    """Claims of every article in ``articles`` (see the module docstring)."""
    rows: list[dict[str, Any]] = []
    if articles is None or len(articles) == 0 or "text" not in articles:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    for record in articles.to_dict("records"):
        try:
            rows.extend(article_claims(record))
        except Exception as exc:  # never let one odd article stop the run
            warnings.warn(
                f"claims: article {record.get('article_id')!r} skipped: {exc!r}", stacklevel=2
            )
    table = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    if table.empty:
        return table
    table["article_id"] = table["article_id"].astype(str)
    table = table.sort_values(["article_id", "start", "kind", "end"], kind="stable")
    return table.reset_index(drop=True)


def _text_field(record: dict[str, Any], key: str) -> str:
    value = record.get(key, "")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def claim_id(sha: str, kind: str, start: int, end: int) -> str:
    """Stable id: the same article text and span give the same id on every run."""
    return hashlib.sha256(f"{sha}|{kind}|{start}|{end}".encode()).hexdigest()[:16]


def article_claims(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Claim rows (dicts with OUTPUT_COLUMNS) of one article record."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        return []
    article_id = _text_field(record, "article_id")
    published = _text_field(record, "published")
    sha = (
        _text_field(record, "sha256")
        or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    )
    base = {
        "article_id": article_id,
        "outlet": _text_field(record, "outlet"),
        "published": published,
    }
    sentences = split_sentences(text)
    if not sentences:
        return []
    quotes: list[QuoteSpan] = []
    for p_start, p_end in paragraph_spans(text):
        quotes.extend(quote_spans(text, p_start, p_end))
    mentions = sorted(_find_numbers(text), key=lambda m: (m.start, m.end))
    starts = [s.start for s in sentences]

    by_sentence: dict[int, list[Any]] = {}
    for m in mentions:
        k = bisect.bisect_right(starts, m.start) - 1
        if k >= 0 and m.start < sentences[k].end:
            by_sentence.setdefault(k, []).append(m)
    # Speakers are only looked for around sentences that may hold a claim.
    lex = _lexicon()
    # The counted noun phrase of each mention and whether it counts people, by id.
    heads: dict[int, tuple[list[str], bool | None]] = {}
    # Numbers that cannot be claims ("two dams", "aged 34", "one surgeon for every 300")
    # are left out once, here, before clauses are cut: "Nine members of one family
    # died" keeps "died" in the clause of "Nine".
    candidates = {
        k: [m for m in found if _may_be_claim(text, sentences[k], m, lex, heads)]
        for k, found in by_sentence.items()
    }
    needed = {k for k, found in candidates.items() if found} | {
        bisect.bisect_right(starts, q.open) - 1 for q in quotes
    }
    attribution = attribute_article(text, sentences, quotes, needed)

    rows: list[dict[str, Any]] = []
    history = _History()
    for k, sentence in enumerate(sentences):
        found = candidates.get(k)
        if found:
            rows.extend(
                _sentence_figures(
                    text,
                    sentence,
                    k,
                    found,
                    by_sentence[k],
                    attribution,
                    published,
                    history,
                    heads,
                    sentences[max(0, k - 3)].start,
                )
            )
    rows.extend(_quote_rows(text, sentences, starts, quotes, attribution, published))
    for row in rows:
        row.update(base)
        row["claim_id"] = claim_id(sha, row["kind"], row["start"], row["end"])
    return rows


# --- figures ---------------------------------------------------------------------------------


def _clauses(text: str, sentence: Sentence, mentions: list[Any]) -> list[tuple[int, int]]:
    """Each mention's clause: split between neighbours at the last comma or conjunction."""
    bounds = [sentence.start]
    for prev, cur in itertools.pairwise(mentions):
        # Without a break, the words between the two numbers belong to both clauses.
        cut_start, cut_end = cur.start, prev.end
        for m in _CLAUSE_BREAK.finditer(text, prev.end, cur.start):
            cut_start, cut_end = m.start(), m.end()
        bounds.append(cut_start)
        bounds.append(cut_end)
    bounds.append(sentence.end)
    return [(bounds[2 * i], bounds[2 * i + 1]) for i in range(len(mentions))]


def _head_words(text: str, start: int, limit: int) -> list[str]:
    """The counted noun phrase right after a number: up to 5 words, stopping at function words.

    Words keep their case (a capitalised unknown word may be a group: "1,500 Masalit").
    """
    words: list[str] = []
    allow_of = True
    for m in _NP_WORD.finditer(text, start, min(limit, start + 80)):
        gap = text[start : m.start()] if not words else ""
        if gap and _GAP_WORDS.search(gap):
            break
        word = m.group().strip(".").lstrip("-")
        if word.lower() == "of" and allow_of:
            allow_of = False
            words.append(word)
            start = m.end()
            continue
        if word.lower() in _NP_STOP or len(words) >= 5:
            break
        words.append(word)
        start = m.end()
    return words


_HEAD_FUNCTION_WORDS = frozenset({"of", "its", "their", "his", "her", "them", "those", "these"})


def _is_people_head(words: list[str], lex: _Lexicon) -> bool | None:
    """True for people, False for a non-people noun, None when there is no noun after it.

    An unknown lowercase noun ("two dams", "one step") means the number counts that
    thing, not people; an unknown capitalised word may name a group and says nothing.
    """
    unknown = False
    lowered = [w.lower() for w in words]
    if lowered and lowered[0] in lex.metric_of and not lex.not_people.intersection(lowered):
        return True  # "12 million uprooted", "2,367 killed": the loss word stands for them
    for i, word in enumerate(lowered):
        pair = f"{word} {lowered[i + 1]}" if i + 1 < len(lowered) else ""
        if word in lex.people_modifiers and i + 1 < len(lowered):
            continue  # "87 Ukrainian unmanned aerial vehicles": the noun after decides
        if word in lex.people or pair in lex.people:
            return True
        if word in lex.not_people or pair in lex.not_people:
            return False
        if word.endswith("-old") or word.startswith("year"):
            return False
        if word not in _HEAD_FUNCTION_WORDS and words[i][:1].islower():
            unknown = True
    return False if unknown else None


def _nearest_metric(text: str, clause: tuple[int, int], m: Any, lex: _Lexicon) -> str:
    best: tuple[int, str] | None = None
    for hit_start, hit_end, cue in lex.metric_cues.hits(text, clause[0], clause[1]):
        if hit_end <= m.start:
            dist = m.start - hit_end
        elif hit_start >= m.end:
            dist = hit_start - m.end
        else:
            continue
        name = _cue_group(cue, lex.metric_of, lex.metric_star)
        if name and (best is None or dist < best[0]):
            best = (dist, name)
    return best[1] if best else ""


def _metric(
    text: str,
    sentence: Sentence,
    clause: tuple[int, int],
    m: Any,
    head: list[str],
    lex: _Lexicon,
    people: bool | None = None,
    context_start: int | None = None,
) -> str:
    lo, hi = clause
    before = text[max(lo, m.start - 40) : m.start]
    head_text = " ".join(head)
    whole = (sentence.start, sentence.end)
    if _BODIES_OF.search(before) or lex.bodies_re.search(head_text):
        return "bodies_returned" if lex.return_cues.found(text, *whole) else "killed"
    if lex.prisoners_re.search(head_text) or _PRISONERS_OF.search(before):
        return "prisoners_exchanged" if lex.exchange_cues.found(text, *whole) else "other"
    if lex.combo_cues.found(text, lo, hi):
        return "casualties"
    if (
        people
        and lex.exchange_cues.found(text, lo, hi)
        and lex.exchange_context_cues.found(
            text, sentence.start if context_start is None else context_start, sentence.end
        )
    ):
        # "the 390 Ukrainians freed", "had been returned from Kyiv-controlled territory"
        # in a story about a swap: people freed in it, whatever noun counts them.
        return "prisoners_exchanged"
    if head_text:
        # The counted noun itself says what is counted: "861 associated deaths" among
        # "cholera cases" is a death toll.
        in_head = lex.metric_cues.plain.search(head_text)
        if in_head:
            named = _cue_group(in_head.group(), lex.metric_of, lex.metric_star)
            if named:
                return named
    return _nearest_metric(text, clause, m, lex)


def _genre(text: str, clause: tuple[int, int], lex: _Lexicon) -> str:
    """The first genre (in genres.yaml's order) with a cue in the clause, else ``count``."""
    found = {
        _cue_group(cue, lex.genre_of, lex.genre_star)
        for _start, _end, cue in lex.genre_cues.hits(text, *clause)
    }
    if found:
        for name in lex.genre_priority:
            if name in found:
                return name
    return "count"


def _party(
    text: str,
    sentence: Sentence,
    clause: tuple[int, int],
    m: Any,
    metric: str,
    head: list[str],
    head_end: int,
    excluded: list[tuple[int, int]],
    previous: str,
    recent: str,
    last_party: str,
    dominant: str,
    sentence_parties: list[tuple[int, int, str]],
    whole_clause: tuple[int, int],
    lex: _Lexicon,
    speaker_side: str = "",
    at_sea: bool | None = None,
) -> str:
    """Whose people ``m`` counts. ``at_sea`` is whether the sentence tells of a boat
    (read here when None; a caller with several figures in one sentence passes it)."""
    lo, hi = clause
    # "the two sides exchanged 175": "two" is a number of its own, so look a little back.
    if lex.combined_cues.found(text, max(sentence.start, lo - 20), hi):
        return "both"
    in_head = party_mentions(text, m.num_end, head_end)
    if not in_head and head and head[-1].lower() == "of":
        # "287 civilian residents of the Belgorod region": the place after "of".
        place = _OF_PLACE.match(text, head_end)
        if place:
            in_head = party_mentions(text, head_end, place.end())
    if in_head:
        return in_head[0][2]
    everyone = sentence_parties
    owner = _possessive_owner(text, m.num_end, head_end, everyone)
    if owner:
        return owner  # "6,000 of its soldiers": the side named before "its"
    if _OF_THEM.match(text, m.num_end) and last_party:
        return last_party  # "15,100 of them": the people of the previous figure
    mentions = [
        p for p in everyone if not any(a <= p[0] < b for a, b in excluded)
    ]  # fmt: skip
    if at_sea is None:
        at_sea = lex.at_sea_cues.found(text, sentence.start, sentence.end)
    if at_sea:
        # A boat of migrants: the port it left, the coast it sank off and the island it
        # was bound for say nothing about whose people drowned (a demonym in the counted
        # noun phrase, "40 Eritrean migrants", was taken above).
        everyone = mentions = []
    if metric == "prisoners_exchanged" and _EACH.match(text, head_end):
        return "both"  # "exchanged 390 prisoners of war each"
    if metric in ("bodies_returned", "prisoners_exchanged"):
        for start, _end, party in mentions:
            if lo <= start and _RECIPIENT.search(text[max(lo, start - 12) : start]):
                return party
        for start, end, party in everyone:
            given = lo <= start < hi and _GIVER.search(text[max(lo, start - 10) : start])
            if given or _GIVER_AFTER.match(text, end):
                opponents = lex.opponents.get(party) or []
                if opponents:
                    return opponents[0]
    in_clause = [p for p in mentions if lo <= p[0] < hi]
    attackers = [p for p in in_clause if _is_attacker(text, p, lo)]
    others = [p for p in in_clause if p not in attackers]
    if (
        speaker_side in lex.opponents
        and _OWN_SOLDIERS.intersection(w.lower() for w in head)
        and _SUFFERED.match(text, head_end)
        and not any(text[p[0] : p[1]] in lex.party_names for p in others)
    ):
        return speaker_side  # "the army said 405 soldiers were killed in Gaza"
    if others:

        def distance(p: tuple[int, int, str]) -> int:
            return m.start - p[1] if p[1] <= m.start else p[0] - m.end

        return min(others, key=distance)[2]
    owner = _possessive_owner(text, *whole_clause, everyone)
    if owner:
        return owner  # "Russia has not disclosed its losses, ... 6,000 died"
    own = [
        p
        for p in everyone
        if any(a <= p[0] < b for a, b in excluded)
        and (
            _JURISDICTION.search(text, max(0, p[0] - 40), p[0])
            or text[p[1] : p[1] + 2] in ("'s", "’s")
            or lex.region_possessive_re.match(text, p[1])  # "the Kursk region's governor"
            or text[p[0] : p[1]].endswith(("'s", "’s"))
        )
    ]
    if own:
        return own[0][2]  # "officials in Syria reported 3,162 deaths": their own people
    if previous:
        return previous
    in_sentence = [p for p in mentions if not _is_attacker(text, p, sentence.start)]
    if in_sentence:
        return min(in_sentence, key=lambda p: abs(p[0] - m.start))[2]
    if recent:
        return recent
    if attackers:
        opponents = lex.opponents.get(attackers[0][2]) or []
        if opponents:
            return opponents[0]
    return dominant


def _possessive_owner(text: str, lo: int, hi: int, parties: list[tuple[int, int, str]]) -> str:
    """The party an "its soldiers" / "their losses" in ``text[lo:hi]`` refers to: the
    nearest party named before the pronoun."""
    for found in _POSSESSIVE_PRONOUN.finditer(text, lo, hi):
        if _AGENT_VERB.match(text, found.end()):
            continue  # "its fighters had killed 200": the fighters are not the counted
        before = [p for p in parties if p[1] <= found.start()]
        return before[-1][2] if before else ""
    return ""


def _reported_part(clause: tuple[int, int], speaker: Attribution, m: Any) -> tuple[int, int]:
    """The clause without its speaker frame: "80 killed, the ministry said on Friday, in
    the worst attack since Washington began" does not count Washington's people."""
    frame = speaker.frame
    lo, hi = clause
    if frame is None:
        return clause
    frame_start = min(frame.np_start, frame.verb_start)
    if frame_start >= m.end:
        hi = min(hi, frame_start)
    elif frame.verb_end <= m.start:
        lo = max(lo, frame.verb_end)
    return lo, max(lo, hi)


def _is_attacker(text: str, mention: tuple[int, int, str], lo: int) -> bool:
    """ "Russian missiles", "held by the RSF", "fled to Chad": not whose people are counted.

    A place ("in western Yemen killed 80") is not an attacker even before "killed".
    """
    before = text[max(lo, mention[0] - 60) : mention[0]]
    if _AGENT_BEFORE.search(before):
        return True
    agent = _ATTACKER.match(text, mention[1])
    if not agent or _VICTIM_VERB.match(text, agent.end()):
        return False  # "Russian forces had lost 1,040 troops": the losers, not attackers
    if " ".join(
        text[mention[0] : mention[1]].split()
    ) in _lexicon().places and not _KILLING_VERB.match(agent.group()):
        return False  # "an Odesa drone strike": where it fell, not who launched it
    return not _LOCATION_BEFORE.search(before)


def _sentence_figures(
    text: str,
    sentence: Sentence,
    index: int,
    candidates: list[Any],
    every_number: list[Any],
    attribution: ArticleAttribution,
    published: str,
    history: _History,
    heads: dict[int, tuple[list[str], bool | None]],
    context_start: int,
) -> list[dict[str, Any]]:
    """Figure rows of one sentence: ``candidates`` are its numbers that may be claims
    (:func:`_may_be_claim`), ``every_number`` all of them (no time expression overlaps)."""
    lex = _lexicon()
    mentions = list(candidates)
    for i in range(1, len(mentions)):
        mentions[i] = _share_hedge(text, mentions[i - 1], mentions[i])
    clauses = _clauses(text, sentence, mentions)
    for i in range(len(mentions) - 1):
        # "16 people, including seven children, were wounded": the predicate after the
        # parenthetical subset belongs to the first figure too.
        if _PARENTHETICAL_SUBSET.match(text[mentions[i].end : mentions[i + 1].start]):
            clauses[i] = (clauses[i][0], clauses[i + 1][1])
    refs = None
    sentence_parties = party_mentions_outside_names(text, sentence.start, sentence.end)
    sentence_text = text[sentence.start : sentence.end]
    at_sea = lex.at_sea_cues.found(text, sentence.start, sentence.end)
    frames = attribution.frames[index] if index < len(attribution.frames) else []
    # Every speaker phrase of the sentence ("an Eritrean survivor told Save the
    # Children, which said ...") names who speaks, not whose people are counted.
    excluded = [(f.np_start, f.np_end) for f in frames if f.speaker]
    rows: list[dict[str, Any]] = []
    prev_metric = prev_party = ""
    for m, clause in zip(mentions, clauses, strict=False):
        known = heads.get(id(m))
        if known is None:
            head = _head_words(text, m.num_end, sentence.end)
            people = _is_people_head(head, lex)
        else:
            head, people = known
        if people is None and _PEOPLE_NUMBER.search(text, clause[0], m.start):
            people = True  # "mobilised soldiers number some 14,600"
        if lex.population_re.search(text[max(clause[0], m.start - 25) : m.end + 30]):
            continue
        metric = _metric(text, sentence, clause, m, head, lex, people, context_start)
        subset = bool(prev_metric) and _SUBSET.search(
            text[max(sentence.start, m.start - 20) : m.start]
        )
        if (
            not metric
            and people is None
            and prev_metric
            and (subset or _RESTATED.search(text, max(sentence.start, m.start - 30), m.start))
        ):
            # "killed 41 people, including 33 in Kyiv"; "... deaths, with a best
            # estimate of 101,000": the same count as the figure before.
            metric = prev_metric
        if not metric:
            if not people or _PEOPLE_POPULATION.intersection(head):
                continue  # "a city of 275,000 residents" is a population, not a claim
            if not subset and _non_loss(text, clause, head, lex):
                continue  # rescuers deployed, passengers on board, a readership
            metric = prev_metric or "other"
        speaker = attribution.speaker_at(index, m.start, m.end)
        head_end = _head_end(text, m.num_end, head)
        recent = _recent_party(history.figures, index, metric)
        last_party = history.figures[-1][2] if history.figures else ""
        party = _party(
            text,
            sentence,
            _reported_part(clause, speaker, m),
            m,
            metric,
            head,
            head_end,
            excluded,
            prev_party,
            recent,
            last_party,
            # The story's party only for a sentence that names no party at all.
            history.dominant_party() or ("" if sentence_parties else _story_party(text)),
            sentence_parties,
            clause,
            lex,
            speaker.speaker.side if speaker.speaker else "",
            at_sea,
        )
        if subset and prev_party and not party_mentions(text, m.num_end, head_end):
            party = prev_party  # "lost 4,100 servicemen, including up to 280 ...": theirs too
        genre = _genre(text, clause, lex)
        if refs is None:
            refs = find_time_refs(text, published, sentence.start, sentence.end)
            refs = [
                r
                for r in refs
                if not any(r.start < n.end and n.start < r.end for n in every_number)
            ]
        frame = speaker.frame
        statement = (min(frame.np_start, frame.verb_start), frame.verb_end) if frame else None
        as_of = choose_as_of(refs, m.start, m.end, clause, published, statement)
        source = speaker.speaker
        stype = source.type if source else "unattributed"
        side = source.side if source else ""
        if genre == "named_list" and stype == "media":
            stype, side = "independent", "third-party"
        if stype == "official" and not side and not lex.outsider_re.search(source.name):
            # "local officials", "the district governor", "the State Emergency Service":
            # officials answer for the people whose losses they count, so without a side
            # of their own they speak for that party (or for the story's subject).
            side = (
                party
                if party and party != "both"
                else history.dominant_party() or _story_party(text)
            )
        rows.append(
            {
                "kind": "figure",
                "start": int(m.start),
                "end": int(m.end),
                "text": text[m.start : m.end],
                "sentence": sentence_text,
                "value": _float(m.value),
                "low": _float(m.low),
                "high": _float(m.high),
                "bound": m.bound,
                "metric": metric,
                "party": party,
                "source": source.name if source else "",
                "source_type": stype,
                "source_side": side,
                "genre": genre,
                "as_of": as_of,
                "hedge": getattr(m, "hedge", "") or "",
                "num_start": int(getattr(m, "num_start", m.start)),
                "num_end": int(getattr(m, "num_end", m.end)),
                "origin": speaker.origin if source else "",
            }
        )
        prev_metric, prev_party = metric, party
        history.add(index, metric, party)
    return rows


def _may_be_claim(
    text: str,
    sentence: Sentence,
    m: Any,
    lex: _Lexicon,
    heads: dict[int, tuple[list[str], bool | None]],
) -> bool:
    """Cheap checks that rule a number out before any context is read (step 1 and 3).

    A vague amount ("dozens", "tens of thousands") stays: the number layer reads it as
    a floor, and "killed dozens" is a claim a reader would check.
    """
    if (
        getattr(m, "unit", "")
        or (m.value is None and m.low is None and m.high is None)
        or _ORDINAL.search(m.text)
    ):
        return False
    before = text[max(sentence.start, m.start - 30) : m.start]
    if (
        _BEFORE_ID.search(before[-20:])
        or lex.beneficiary_re.search(before)
        or _RATIO_AFTER.match(text, m.end)
    ):
        return False
    head = _head_words(text, m.num_end, sentence.end)
    people = _is_people_head(head, lex)
    heads[id(m)] = (head, people)  # read again for the figure's row
    return people is not False


def _non_loss(text: str, clause: tuple[int, int], head: list[str], lex: _Lexicon) -> bool:
    """A people count without a loss word that counts something else: rescuers,
    staff or members ("more than 200 rescuers were sent"), passengers ("120 people had
    boarded")."""
    lowered = [w.lower() for w in head]
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(lowered)}
    if lex.non_loss_heads.intersection(lowered) or lex.non_loss_heads.intersection(pairs):
        return True
    return lex.non_loss_cues.found(text, *clause)


@lru_cache(maxsize=4)
def _lowered(text: str) -> str:
    """``text.lower()``, kept for the article being read (asked for once per figure)."""
    return text.lower()


def _head_end(text: str, num_end: int, head: list[str]) -> int:
    """Offset just past the counted noun phrase (for finding "Ukrainian" in it)."""
    if not head:
        return num_end
    pos = num_end
    lowered = _lowered(text)
    for word in head:
        found = lowered.find(word.lower(), pos, pos + 80)
        if found < 0:
            break
        pos = found + len(word)
    return pos


def _recent_party(history: list[tuple[int, str, str]], index: int, metric: str) -> str:
    """Party of the last figure of the same metric within three sentences."""
    for k, hist_metric, party in reversed(history):
        if index - k > 3:
            break
        if hist_metric == metric and party:
            return party
    return ""


@lru_cache(maxsize=4)
def _story_party(text: str) -> str:
    """The party ``text`` is about: the one named in at least two thirds of its party
    mentions (a heatwave in Spain, a stampede in India); '' when no party dominates, as
    in a story about two sides at war, where guessing would be worse than saying nothing.

    Used when nothing nearer says whose people a figure counts (a headline "Heat deaths
    pass 1,380" is Spain's). Not for a boat at sea: its passengers come from many
    countries. Read only when a figure needs it, once per article (cached).
    """
    if _lexicon().at_sea_cues.found(text):
        return ""
    counts: dict[str, int] = {}
    for _start, _end, party in party_mentions_outside_names(text):
        counts[party] = counts.get(party, 0) + 1
    if not counts:
        return ""
    top = max(counts, key=lambda p: counts[p])
    return top if 3 * counts[top] >= 2 * sum(counts.values()) else ""


@dataclass
class _History:
    """The figures of an article read so far, and how many count each party (kept as
    they are added: asked for every figure, a recount would grow with the article)."""

    figures: list[tuple[int, str, str]] = field(default_factory=list)  # (sentence, metric, party)
    party_counts: dict[str, int] = field(default_factory=dict)

    def add(self, sentence_index: int, metric: str, party: str) -> None:
        self.figures.append((sentence_index, metric, party))
        if party and party != "both":
            self.party_counts[party] = self.party_counts.get(party, 0) + 1

    def dominant_party(self) -> str:
        """The party most figures so far count (the story's subject); '' if none."""
        counts = self.party_counts
        return max(counts, key=lambda p: (counts[p], p)) if counts else ""


def _float(value: Any) -> float:
    try:
        return float(value) if value is not None else math.nan
    except (TypeError, ValueError):
        return math.nan


# --- quotations --------------------------------------------------------------------------------


def _quote_rows(
    text: str,
    sentences: list[Sentence],
    starts: list[int],
    quotes: list[QuoteSpan],
    attribution: ArticleAttribution,
    published: str,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for q in quotes:
        inner_start, inner_end = q.open + 1, q.close
        while inner_start < inner_end and text[inner_start].isspace():
            inner_start += 1
        while inner_end > inner_start and text[inner_end - 1].isspace():
            inner_end -= 1
        words = text[inner_start:inner_end].split()
        said = attribution.quote_speaker(q)
        spoken = said.speaker is not None and text[inner_start:inner_end][-1:] in ".,!?…"
        if len(words) < MIN_QUOTE_WORDS and not (spoken and len(words) >= 2):
            continue  # a scare quote, not a quotation
        k = bisect.bisect_right(starts, q.open) - 1
        if k < 0:
            continue
        sentence = sentences[k]
        source = said.speaker
        refs = find_time_refs(text, published, sentence.start, sentence.end)
        as_of = (
            choose_as_of(refs, q.open, q.close, None, published)
            if refs
            else default_as_of(published)
        )
        rows.append(
            {
                "kind": "quote",
                "start": inner_start,
                "end": inner_end,
                "text": text[inner_start:inner_end],
                "sentence": text[sentence.start : sentence.end],
                "value": math.nan,
                "low": math.nan,
                "high": math.nan,
                "bound": "",
                "metric": "",
                "party": "",
                "source": source.name if source else "",
                "source_type": source.type if source else "unattributed",
                "source_side": source.side if source else "",
                "genre": "",
                "as_of": as_of,
                "hedge": "",
                "num_start": inner_start,
                "num_end": inner_end,
                "origin": said.origin if source else "",
            }
        )
    return rows
