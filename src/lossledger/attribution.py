"""Who asserts a figure or a quotation: ``source``, ``source_type``, ``source_side``, ``origin``.

What goes in: an article's text, its sentences (:mod:`lossledger.sentences`) and the
quotations in it. What comes out: an :class:`ArticleAttribution` that answers, for any
offset in the text, who the article says asserts what is written there
(:meth:`ArticleAttribution.speaker_at`), and for each quotation who said it
(:meth:`ArticleAttribution.quote_speaker`).

How a speaker is found, in the order a reader would look:

1. Inside a direct quotation, the quotation's speaker.
2. A frame in the same sentence (frames inside quotations are the speaker's words,
   not the article's, and are ignored):
   - "X said/told NBC/announced on Facebook (that) ..." (speaker before the verb; a
     parenthetical such as ", writing on Facebook," or ", a spokeswoman for the
     ministry," may sit between them);
   - "..., confirmed officials in Kyiv on Sunday" and "”, said the ministry" (inverted);
   - "according to X", "citing X", "figures from X";
   - "independent estimates place ...", "reports suggest ..." (the source is the
     subject of a verb of showing or estimating; accepted only when the subject's
     head is a source word from sources.yaml, so "the figures suggest" is not a source).
   Content after a verb ("X said that ...") belongs to that frame; content before a
   frame that closes the sentence ("..., officials said.") belongs to it; otherwise the
   nearest frame wins. Negated frames ("has not confirmed") attribute nothing, and a
   passive ("were reported") is not a frame.
3. Pronouns ("he said", "it estimated", "they reported") resolve to the last named
   speaker that fits, within the sentence and the two before it: a person for he/she,
   an organisation, country or earlier frame's subject for it/they.
4. Carry-over: a sentence with no frame and no quotation, directly after a sentence of
   the same paragraph whose figures had a speaker, continues that report ("According
   to the media reports, ... . Russia plans to return 6,000 ..."). One hop only.

Normalisation: titles are dropped ("Ukrainian Defence Minister Rustem Umerov" ->
"Rustem Umerov"), spelling variants merge through sources.yaml ("Zelenskyy" ->
"Volodymyr Zelensky"), a surname alone maps to the full name seen earlier in the
article, descriptors go ("the Russian website Mediazona" -> "Mediazona"), and a
definite source without a side ("the media reports") takes the side of the source of
the same type named in the two sentences before it ("Russian news outlets").

Type and side: a known entity decides both; otherwise the leftmost role word decides
the type (official / independent / media, see sources.yaml) and a party name or place
inside the phrase decides the side ("officials in Kyiv" -> Ukraine). Independent
sources are ``third-party``. A country or capital named as speaker ("Russia stated",
"Moscow said") is an official source of that party. An unknown named organisation or
person with no title is ``independent`` with no side.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from lossledger.sentences import (
    PhraseScanner,
    QuoteSpan,
    Sentence,
    key_words,
    load_lexicon,
    phrase_pattern,
    phrase_scanner,
    trie_alternation,
)

PRONOUNS_PERSON = frozenset({"he", "she"})
PRONOUNS_THING = frozenset({"it", "they"})
# Words that end a speaker phrase when scanning back from a reporting verb.
_BOUNDARY_WORDS = frozenset(
    {
        "that", "which", "who", "whom", "whose", "when", "while", "as", "after", "but",
        "because", "since", "although", "though", "if", "where", "whereas", "so", "than",
        "or", "nor", "neither", "either", "said", "says", "told", "whether", "before",
        "until", "once", "also", "however", "meanwhile", "yet", "then", "what", "how",
        "why", "despite", "amid", "with", "without", "by", "to", "into", "onto", "over",
        "under", "about", "between", "among", "against", "during", "through",
    }
)  # fmt: skip
_LEADING_JUNK = frozenset(
    {"however", "but", "and", "also", "meanwhile", "separately", "moreover", "still",
     "yet", "now", "then", "so", "and the", "in", "on", "at", "after", "when", "while",
     "as", "since", "although", "though", "if", "because", "before", "once"}
)  # fmt: skip
_DETERMINERS = frozenset(
    {"the", "a", "an", "some", "several", "many", "multiple", "various", "other", "two",
     "three", "both", "all", "most", "local", "its", "his", "her", "their", "one", "these",
     "those", "this", "that"}
)  # fmt: skip
_PARENTHETICAL_START = re.compile(
    r"^\s*(?:[a-z]+ing\b|quoted|in\b|on\b|for\b|a\b|an\b|the\b|who\b|citing|"
    r"according|addressing|answering|responding|asked|interviewed|told\b|at\b|via\b|which\b|"
    r"himself|herself|itself|[A-Z][\w’'-]*,\s+a\b)",
    re.IGNORECASE,
)
# "Earlier this year the two outlets said": the time phrase is not part of the speaker.
_LEADING_TIME = re.compile(
    r"^(?:(?:earlier|later|early|late)\s+)?(?:(?:this|last|on|in)\s+)?"
    r"(?:year|month|week|weekend|morning|afternoon|evening|night|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|"
    r"September|October|November|December|(?:19|20)\d\d)\b,?\s+(?=\S)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[^\W\d_][\w’'.\-&/]*|\d[\w,.\-]*|[^\w\s]", re.UNICODE)
_PREPOSITIONS = frozenset({"in", "on", "at", "from", "of", "for", "to", "by", "with", "into"})
# A capitalised owner in front of a name: "Turkey's ", "South Sudan's ".
_OWNER_PREFIX = re.compile(r"[A-Z][\w-]*(?:\s[A-Z][\w-]*)?['’]s\s+")
_AGE_SEGMENT = re.compile(r"\s*\d{1,3}\s*")
_AGE_TOKEN = re.compile(r"\d{1,3},")
_RELATIVE_PRONOUNS = frozenset({"who", "which", "whose", "whom"})
_SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she", "we"})
# "the mortality monitor run by the Carlos III Health Institute": the organisation behind
# a tally or a tool is the source.
_RUN_BY = re.compile(
    r"\b(?:run|published|compiled|operated|maintained|kept|released|issued|produced)\s+by\s+(.+)$",
    re.IGNORECASE,
)
_PASSIVE = frozenset({"was", "were", "been", "being", "is", "are", "be"})
_MODALS = frozenset({"be", "been", "being", "can", "cannot", "must", "should", "shall"})
# Words that put a verb inside what a backward scan took for the speaker.
_VERB_PHRASE_WORDS = frozenset(
    {"not", "does", "do", "did", "cannot", "can't", "won't", "doesn't", "don't", "didn't"}
)
_CAPITALISED = re.compile(r"^[A-ZÀ-ÖØ-Þ\u0400-\u042f]")


@dataclass(frozen=True, slots=True)
class Speaker:
    """A normalised source: display ``name``, ``type`` (official/independent/media),
    ``side`` (a party, ``third-party`` or ''), and whether it is a person."""

    name: str
    type: str
    side: str
    person: bool = False


@dataclass(slots=True)
class Frame:
    """A speaker phrase tied to a reporting verb; offsets are into the article text."""

    np_start: int
    np_end: int
    verb_start: int
    verb_end: int
    scope: str  # after | before | both
    how: str  # verb | inverted | according | subject
    raw: str
    negated: bool = False
    origin_spec: tuple[int, int, str] | None = None  # where to look for the channel
    appositive: str = ""
    speaker: Speaker | None = None
    _origin: str | None = None

    def origin_in(self, text: str) -> str:
        """The channel ("told NBC", "on Facebook"), read on first use: most frames never
        end up credited with a claim, so most never pay for it."""
        if self._origin is None:
            self._origin = ""
            if self.origin_spec is not None:
                start, end, parenthetical = self.origin_spec
                self._origin = _origin_near(text, start, end) or (
                    _origin_near(parenthetical, 0, len(parenthetical)) if parenthetical else ""
                )
        return self._origin


@dataclass(slots=True)
class Attribution:
    """What :meth:`ArticleAttribution.speaker_at` returns."""

    speaker: Speaker | None
    origin: str = ""
    how: str = ""  # quote | frame | carried | ''
    frame: Frame | None = None


@dataclass(frozen=True)
class _Lexicon:
    verbs: frozenset[str]
    subject_verbs: frozenset[str]
    verb_cues: PhraseScanner
    inverted_re: re.Pattern
    # The inverted verbs when each is also a single-word verb cue: a sentence whose cue
    # hits hold none of them has no inverted frame. None: always look.
    inverted_cued: frozenset[str] | None
    according_cues: PhraseScanner
    negators: frozenset[str]
    auxiliaries: frozenset[str]
    channel_re: re.Pattern
    origin_re: re.Pattern
    origin_keys: tuple[str, ...]  # one word of every origin phrase (lower case)
    entity_re: re.Pattern
    entities: dict[str, dict]
    variant_to_entity: dict[str, str]
    role_re: re.Pattern
    role_type: dict[str, str]
    role_star: list[tuple[str, str]]
    titles: frozenset[str]
    place_nouns: frozenset[str]  # region, oblast, province... (parties.yaml)
    person_roles: frozenset[str]
    title_re: re.Pattern
    descriptor_re: re.Pattern
    party_re: re.Pattern
    party_of: dict[str, str]
    party_names: frozenset[str]
    third_party: str
    combined_re: re.Pattern
    org_heads: frozenset[str]
    figure_nouns: frozenset[str]


_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_DEMONYM_IAN = re.compile(r"^[A-Z][a-z]+ian$")  # "Ukrainian" names a people, not a speaker
_PLACE_PREPOSITION = re.compile(r"\s+(?:in|of|for|at|from|with)\s+")


def _norm_quote(s: str) -> str:
    return s.replace("’", "'").replace("‘", "'")


@cache
def _lexicon() -> _Lexicon:
    verbs_y = load_lexicon("reporting_verbs")
    sources_y = load_lexicon("sources")
    parties_y = load_lexicon("parties")
    verbs = frozenset(str(v).lower() for v in verbs_y.get("verbs") or [] if " " not in str(v))
    subject = frozenset(str(v).lower() for v in verbs_y.get("subject_verbs") or [])
    inverted = [str(v) for v in verbs_y.get("inverted") or []]

    entities: dict[str, dict] = {}
    variant_to_entity: dict[str, str] = {}
    for name, entry in (sources_y.get("entities") or {}).items():
        entry = dict(entry or {})
        entities[str(name)] = entry
        for variant in [name, *(entry.get("variants") or [])]:
            variant_to_entity.setdefault(_norm_quote(str(variant)), str(name))
    entity_alt = trie_alternation(list(variant_to_entity), not_after=r"[\w-]")
    role_type: dict[str, str] = {}
    role_star: list[tuple[str, str]] = []
    for rtype in ("official", "independent", "media"):
        for word in (sources_y.get("roles") or {}).get(rtype) or []:
            word = str(word).lower()
            if word.endswith("*"):
                role_star.append((word[:-1], rtype))
            role_type.setdefault(word.rstrip("*"), rtype)
    role_words = [w + "*" if (w, t) in role_star else w for w, t in role_type.items()]
    role_words += [w + "*" for w, _ in role_star]

    party_of: dict[str, str] = {}
    for party, entry in (parties_y.get("parties") or {}).items():
        for word in [*(entry or {}).get("names", []), *(entry or {}).get("places", [])]:
            party_of.setdefault(_norm_quote(str(word)), str(party))
    party_alt = trie_alternation(list(party_of), not_after=r"[\w-]")
    titles = [str(t) for t in sources_y.get("titles") or []]
    channels = [str(c) for c in verbs_y.get("channels") or []]
    origin_phrases = [str(p) for p in verbs_y.get("origin_phrases") or []]
    return _Lexicon(
        verbs=verbs,
        subject_verbs=subject,
        verb_cues=phrase_scanner(sorted(verbs | subject)),
        inverted_re=re.compile(
            r"(?:,|[”\"])\s*(?P<verb>"
            + "|".join(re.escape(v) for v in sorted(inverted, key=len, reverse=True))
            + r")\s+(?=[A-Z\"“]|the\b|a\b|an\b|local\b|officials\b|authorities\b|"
            r"police\b|rescuers\b|doctors\b|witnesses\b|residents\b|state\b|researchers\b)",
        ),
        inverted_cued=frozenset(inverted)
        if set(inverted) <= verbs | subject and not any(" " in v for v in subject)
        else None,
        according_cues=phrase_scanner(list(verbs_y.get("according") or [])),
        negators=frozenset(str(n).lower() for n in verbs_y.get("negators") or []),
        auxiliaries=frozenset(str(a).lower() for a in verbs_y.get("auxiliaries") or []),
        channel_re=re.compile(
            r"\b(?:on|via|in a post on|in a message on|in a video on)\s+"
            r"(?:his\s+|her\s+|its\s+|their\s+)?"
            r"(?P<ch>"
            + "|".join(re.escape(c) for c in sorted(channels, key=len, reverse=True))
            + r")\b"
        ),
        origin_re=phrase_pattern(origin_phrases),
        origin_keys=key_words(origin_phrases),
        entity_re=re.compile(r"(?:" + entity_alt + r")(?![\w-])")
        if entity_alt
        else re.compile(r"(?!x)x"),
        entities=entities,
        variant_to_entity=variant_to_entity,
        role_re=phrase_pattern(role_words),
        role_type=role_type,
        role_star=role_star,
        titles=frozenset(t.rstrip(".").lower() for t in titles),
        place_nouns=frozenset(str(w).lower() for w in parties_y.get("place_nouns") or []),
        person_roles=frozenset(str(w).lower() for w in sources_y.get("person_roles") or []),
        title_re=phrase_pattern(titles, flags=0),
        descriptor_re=re.compile(
            r"^(?:the\s+)?(?:[A-Z][\w’'-]*\s+){0,2}(?:[Ii]ndependent\s+|exiled\s+|state-run\s+|"
            r"Britain-based\s+|UK-based\s+|US-based\s+)?(?:"
            + "|".join(
                re.escape(str(d))
                for d in sorted(sources_y.get("descriptors") or [], key=len, reverse=True)
            )
            + r")\s+(?=[A-Z])"
        ),
        # "Houthi-run ministry", "Russian-installed officials": the party runs it.
        party_re=re.compile(
            r"(?:" + party_alt + r")(?![\w])"
            r"(?!-(?!(?:run|controlled|installed|appointed|led|held)\b)\w)"
        )
        if party_alt
        else re.compile(r"(?!x)x"),
        party_of=party_of,
        party_names=frozenset(party_of),
        third_party=str(parties_y.get("third_party") or "third-party"),
        combined_re=phrase_pattern(list(parties_y.get("combined") or [])),
        org_heads=frozenset(str(w).lower() for w in sources_y.get("org_heads") or []),
        figure_nouns=frozenset(str(w).lower() for w in sources_y.get("figure_nouns") or []),
    )


# --- parties -------------------------------------------------------------------------------


def party_mentions(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, party)`` for every party name or place in ``text[start:end]``.

    The article being read is scanned once; a window is then answered from that scan.
    A name cut by the window's end ("Russia|n") is read as the window shows it.
    """
    end = len(text) if end is None else end
    if end - start < 40:
        return _scan_parties(text, start, end)  # short windows: scanning is cheaper
    whole = _article_parties(text)
    lo = bisect.bisect_left(whole, (start, -1, ""))
    out = []
    for found in whole[lo:]:
        if found[1] > end:
            if found[0] < end:
                out.extend(_scan_parties(text, found[0], end))
            break
        out.append(found)
    return out


# A few entries: a long speaker phrase read in between must not evict the article.
@lru_cache(maxsize=8)
def _article_parties(text: str) -> list[tuple[int, int, str]]:
    return _scan_parties(text, 0, len(text))


def _scan_parties(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    out = []
    for m in _lexicon().party_re.finditer(text, start, end):
        party = _party_named(m.group())
        if party:
            out.append((m.start(), m.end(), party))
    return out


@lru_cache(maxsize=4096)
def _party_named(name: str) -> str | None:
    """The party of a name as the party pattern found it (spacing and quotes as written)."""
    return _lexicon().party_of.get(_norm_quote(" ".join(name.split())))


def _entity_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the known source names in ``text[start:end]``.

    Like :func:`party_mentions`, the article is scanned once and windows are answered
    from that scan; a name that crosses the window's edge is looked for again inside it.
    """
    entity_re = _lexicon().entity_re
    if end - start < 40:
        return [m.span() for m in entity_re.finditer(text, start, end)]
    whole = _article_entities(text)
    lo = bisect.bisect_left(whole, (start, -1))
    if lo > 0 and whole[lo - 1][1] > start:  # a name crosses the window's start
        return [m.span() for m in entity_re.finditer(text, start, end)]
    out = []
    for span in whole[lo:]:
        if span[1] > end:
            if span[0] < end:
                return [m.span() for m in entity_re.finditer(text, start, end)]
            break
        out.append(span)
    return out


@lru_cache(maxsize=8)
def _article_entities(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _lexicon().entity_re.finditer(text)]


def party_mentions_outside_names(
    text: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int, str]]:
    """:func:`party_mentions` without those inside a known source's name: the "US" of
    "US Geological Survey" or the "Norwegian" of "Norwegian Refugee Council" says nothing
    of whose people are counted."""
    found = party_mentions(text, start, end)
    if not found:
        return found
    names = _entity_spans(text, start, len(text) if end is None else end)
    if not names:
        return found
    return [
        p for p in found if not any(a <= p[0] and p[1] <= b and (a, b) != p[:2] for a, b in names)
    ]


def party_of(word: str) -> str:
    """The party a single name or place belongs to ('' if none)."""
    return _lexicon().party_of.get(_norm_quote(word.strip()), "")


# --- classifying a speaker phrase ---------------------------------------------------------------


@lru_cache(maxsize=8192)
def _role_type(phrase: str) -> str:
    """Type of the leftmost role word in ``phrase`` ('' if none)."""
    lex = _lexicon()
    if re.match(r"\s*(?:the\s+)?independent\b", phrase, re.IGNORECASE):
        return "independent"
    m = lex.role_re.search(phrase)
    if not m:
        return ""
    word = " ".join(m.group().lower().split())
    if word in lex.role_type:
        return lex.role_type[word]
    for prefix, rtype in lex.role_star:
        if word.startswith(prefix):
            return rtype
    return ""


@lru_cache(maxsize=8192)
def _clean_phrase(phrase: str) -> str:
    phrase = " ".join(phrase.split()).strip(" ,;:.\"“”'‘’()")
    words = phrase.split(" ")
    while words and words[0].lower().strip(",") in _LEADING_JUNK:
        words = words[1:]
    phrase = _LEADING_TIME.sub("", " ".join(words))
    return _LEADING_ARTICLE.sub("", phrase)


@lru_cache(maxsize=8192)
def _side_in(phrase: str) -> str:
    for _, _, party in party_mentions(phrase):
        return party
    return ""


@lru_cache(maxsize=8192)
def _person_name(phrase: str) -> tuple[str, str]:
    """Split "Ukrainian Defence Minister Rustem Umerov" into (name, title part)."""
    lex = _lexicon()
    words = phrase.split(" ")
    name: list[str] = []
    for word in reversed(words):
        bare = word.rstrip(",.").replace("’s", "").replace("'s", "")
        if (
            _CAPITALISED.match(bare)
            and bare.lower().rstrip(".") not in lex.titles
            and bare.lower() not in lex.place_nouns
            and _norm_quote(bare) not in lex.party_names
            and not _role_type(bare)
        ) or (name and bare.lower() in {"al", "bin", "van", "von", "de", "der", "ibn", "abu"}):
            name.insert(0, word)
        else:
            break
    title = " ".join(words[: len(words) - len(name)])
    before = words[len(words) - len(name) - 1] if len(name) < len(words) else ""
    if name and (
        name[-1].rstrip(",.").lower() in lex.org_heads
        or (before[:1].islower() and before.lower() in _PREPOSITIONS | {"the", "and"})
    ):
        # "State Emergency Service", "Headquarters for the Treatment of Prisoners of
        # War": the capitalised words end an organisation's name, not a person's.
        return "", phrase
    return " ".join(name), title


class _Registry:
    """Speakers named so far in one article (for surnames and pronouns)."""

    def __init__(self) -> None:
        self.by_surname: dict[str, Speaker] = {}
        self.uses = 0  # how often it was read or written: a classification that did
        # neither depends on its phrase alone

    def add(self, speaker: Speaker) -> None:
        self.uses += 1
        if speaker.person and " " in speaker.name:
            self.by_surname.setdefault(speaker.name.split(" ")[-1], speaker)

    def surname(self, word: str) -> Speaker | None:
        self.uses += 1
        return self.by_surname.get(word)


# classify's answers that did not use the registry, by (phrase, appositive); cleared when
# full. Callers get a copy: frames tell their speakers apart by identity.
_CLASSIFIED: dict[tuple[str, str], Speaker | None] = {}
_CLASSIFIED_MAX = 8192
_UNSEEN = Speaker("", "", "")


def classify(
    phrase: str, appositive: str = "", registry: _Registry | None = None
) -> Speaker | None:
    """Normalise a speaker phrase into a :class:`Speaker` (None if it names no one)."""
    registry = registry or _Registry()
    key = (phrase, appositive)
    known = _CLASSIFIED.get(key, _UNSEEN)
    if known is None:
        return None
    if known is not _UNSEEN:
        return Speaker(known.name, known.type, known.side, known.person)
    uses = registry.uses
    speaker = _classify(phrase, appositive, registry)
    if registry.uses == uses:
        if len(_CLASSIFIED) >= _CLASSIFIED_MAX:
            _CLASSIFIED.clear()
        _CLASSIFIED[key] = speaker
    return speaker


def _classify(phrase: str, appositive: str, registry: _Registry) -> Speaker | None:
    lex = _lexicon()
    cleaned = _clean_phrase(_norm_quote(phrase))
    if not cleaned or cleaned.lower() in _DETERMINERS:
        return None
    if lex.combined_re.fullmatch(cleaned):
        # "both sides said": the two governments together.
        return Speaker(cleaned, "official", "both", False)
    entity = lex.entity_re.search(cleaned)
    if entity:
        canonical = lex.variant_to_entity.get(" ".join(entity.group().split()), "")
        info = lex.entities.get(canonical, {})
        person = bool(info.get("person"))
        stripped = lex.descriptor_re.sub("", cleaned)
        bare = _LEADING_ARTICLE.sub("", stripped)
        owner = _OWNER_PREFIX.match(bare)
        exact = _norm_quote(bare) in lex.variant_to_entity or (
            # "Turkey's Disaster and Emergency Management Authority": that country's own.
            owner is not None
            and _side_in(owner.group()) != ""
            and _norm_quote(bare[owner.end() :]) in lex.variant_to_entity
        )
        # "UN spokesperson", "Mediazona and the BBC's Russian service": the entity is part
        # of the phrase, so the phrase stays; a bare variant ("IOM") becomes the canonical.
        name = canonical if (person or exact) else stripped
        side = str(info.get("side") or "")
        stype = str(info.get("type") or "independent")
        return Speaker(name, stype, lex.third_party if stype == "independent" else side, person)

    stripped = lex.descriptor_re.sub("", cleaned)
    behind = _RUN_BY.search(stripped)
    if behind:
        found = classify(behind.group(1), appositive, registry)
        if found is not None:
            return found
    if " " not in stripped and stripped.lower() in lex.figure_nouns:
        return None  # "Figures published by the institute put ...": not a name
    name, title = _person_name(stripped)
    role = _role_type(stripped) or _role_type(appositive)
    if name and (title or " " in name or registry.surname(name)):
        known = registry.surname(name.split(" ")[-1])
        if known and (" " not in name or known.name.endswith(name)):
            return known
        side = _side_in(title) or _side_in(appositive)
        stype = _role_type(title) or _role_type(appositive) or "independent"
        in_appositive = lex.entity_re.search(appositive) if appositive else None
        if in_appositive and not side:
            info = lex.entities.get(lex.variant_to_entity.get(in_appositive.group(), ""), {})
            side = str(info.get("side") or "")
        if stype == "independent":
            side = lex.third_party
        speaker = Speaker(name, stype, side, True)
        registry.add(speaker)
        return speaker
    # A country or capital as speaker: "Russia stated", "Moscow said".
    if _norm_quote(stripped) in lex.party_names and not _DEMONYM_IAN.match(stripped):
        return Speaker(stripped, "official", lex.party_of[_norm_quote(stripped)], False)
    if role:
        side = lex.third_party if role == "independent" else _side_in(stripped)
        if role != "independent" and not side:
            side = _side_in(appositive)
        head = _PLACE_PREPOSITION.split(stripped, 1)[0].split(" ")[-1]
        return Speaker(stripped, role, side, head.lower() in lex.person_roles)
    if _CAPITALISED.match(stripped) and not _side_in(stripped):
        return Speaker(stripped, "independent", lex.third_party, False)
    if stripped.split(" ")[-1].lower() in lex.figure_nouns and _side_in(stripped):
        # "according to Israeli tallies": a party's own figures are its officials'.
        return Speaker(stripped, "official", _side_in(stripped), False)
    return None


# --- finding frames -----------------------------------------------------------------------------


def _tokens(text: str, start: int, end: int) -> list[re.Match]:
    return list(_TOKEN.finditer(text, start, end))


def _tokens_before(text: str, start: int, end: int, limit: int) -> list[re.Match]:
    """The tokens of ``text[start:end]`` that start before ``limit`` (the rest unread),
    as matches (``tok[0]`` is its text): building tuples costs more than it saves."""
    out = list(_TOKEN.finditer(text, start, min(end, limit)))
    if out and out[-1].end() == limit < end:
        # The last token may run on past ``limit``: read it again without the cut.
        whole = _TOKEN.match(text, out[-1].start(), end)
        if whole is not None:
            out[-1] = whole
    return out


def _is_word(tok: str) -> bool:
    """A token a speaker phrase may hold: a word, or an ordinal ("the 80th Brigade")."""
    return bool(tok) and (
        tok[0].isalpha()
        or tok[0] in "'’"
        or tok == "&"  # "London School of Hygiene & Tropical Medicine"
        or _ORDINAL_TOKEN.fullmatch(tok) is not None
    )


_ORDINAL_TOKEN = re.compile(r"\d{1,3}(?:st|nd|rd|th)")


_NAME_SEGMENT = re.compile(
    r"^\s*[A-Z][\w’'.&-]*(?:\s+(?:[A-Z][\w’'.&-]*|al-[\w-]+|bin|of|the)){0,4}\s*$"
)


def _np_backward(
    text: str,
    s_start: int,
    verb_start: int,
    sentence_tokens: list[re.Match] | None = None,
) -> tuple[int, int, bool, str, bool] | None:
    """Scan back from a verb: (np_start, np_end, negated, parenthetical, passive) or None.

    ``parenthetical`` is a comma-enclosed phrase next to the speaker: ", writing on
    Facebook," (an origin) or "The mayor of Derna, <name>," (a role for the name).
    Tokens are matches of ``_TOKEN``: ``tok[0]`` is a token's text.
    """
    lex = _lexicon()
    # A speaker phrase and its parenthetical are at most ~30 words: look no further back.
    if sentence_tokens is not None:
        n_before = bisect.bisect_left(sentence_tokens, verb_start, key=re.Match.start)
        toks = sentence_tokens[max(0, n_before - 60) : n_before]
    else:
        toks = _tokens(text, max(s_start, verb_start - 240), verb_start)
    i = len(toks) - 1
    negated = passive = False
    first_aux = True
    while i >= 0:
        tok = toks[i][0].lower()
        if tok in lex.negators or tok in ("not", "n't", "never", "no"):
            negated = True
        elif tok.endswith("ly") and tok.isalpha() and tok.islower():
            i -= 1
            continue  # an adverb: "cannot be independently verified"
        elif tok in lex.auxiliaries or tok in _MODALS:
            if first_aux and tok in _PASSIVE:
                passive = True
        elif i >= 1 and toks[i - 1][0].lower() == "on" and tok.capitalize() in _WEEKDAYS:
            i -= 1
        else:
            break
        first_aux = False
        i -= 1
    parenthetical = ""
    if i >= 1 and _AGE_TOKEN.fullmatch(toks[i][0]) and toks[i - 1][0] == ",":
        i -= 2  # "Hatice Demir, 52, told": an age between commas (the token holds one)
    before_who = i >= 1 and toks[i][0].lower() == "who" and toks[i - 1][0] == ","
    if before_who:
        # "a member of the mediation team, who told reporters that": the one before "who".
        i -= 2
    if i >= 0 and toks[i][0] == ",":
        # ", writing on Facebook," or ", a spokeswoman for the ministry," before the verb.
        j = i - 1
        while j >= 0 and toks[j][0] not in (",", ";", ":", "“", "”", '"') and i - j < 16:
            j -= 1
        if (
            j < 0
            or toks[j][0] != ","
            or not _PARENTHETICAL_START.match(text[toks[j].end() : toks[i].start()])
        ):
            # A relative clause may be long or quote a word: ", which compared lists of
            # the dead drawn from surveys, social media and obituaries," or ', who uses
            # the call sign "Grom",'. Its start is a comma and "which" or "who".
            k = i - 1
            while k >= 0 and toks[k][0] not in (";", ":") and i - k < 40:
                if toks[k][0] == "," and toks[k + 1][0].lower() in _RELATIVE_PRONOUNS:
                    j = k
                    break
                k -= 1
        if j < 0 or toks[j][0] != ",":
            return None
        segment = text[toks[j].end() : toks[i].start()]
        if _NAME_SEGMENT.match(segment) and not party_of(segment):
            # "The UN's migration agency, IOM, said": the name is the speaker.
            before = text[s_start : toks[j].start()]
            k = max(before.rfind(","), before.rfind(";"), before.rfind(":"))
            role = before[k + 1 :].strip()
            return toks[j + 1].start(), toks[i - 1].end(), negated, role, passive
        if _AGE_SEGMENT.fullmatch(segment):
            i = j - 1  # "Hatice Demir, 52, told": an age, not a parenthetical
        elif not _PARENTHETICAL_START.match(segment):
            return None
        else:
            parenthetical = segment.strip()
            i = j - 1
    if i >= 0 and toks[i][0] == ")":
        # "Doctors Without Borders (MSF) said": step over the bracketed acronym.
        j = i - 1
        while j >= 0 and toks[j][0] != "(" and i - j < 6:
            j -= 1
        if j >= 0 and toks[j][0] == "(":
            i = j - 1
    end_i = i
    count = 0
    while i >= 0 and count < 14:
        tok = toks[i][0]
        low = tok.lower()
        # A capitalised "Without" inside a name is no boundary; a sentence's first word is.
        if (
            not _is_word(tok)
            or tok in _BOUNDARY_WORDS
            or (low in _BOUNDARY_WORDS and toks[i].start() == s_start)
            # "the figure came from a member of the team, who told": the member.
            or (before_who and low in ("from", "by", "to", "with"))
        ):
            break
        if low == "and":
            before = toks[i - 1][0] if i >= 1 else ""
            if not (_CAPITALISED.match(before) or _role_type(before)):
                break
        i -= 1
        count += 1
    if end_i < 0 or i == end_i:
        return None
    if end_i > i + 1 and toks[end_i][0].lower() in _SUBJECT_PRONOUNS:
        i = end_i - 1  # "in a 2019 report it concluded": the subject is "it"
    if toks[i + 1][0].lower() in _PREPOSITIONS:
        # "On Saturday the provincial authority reported": the time phrase is no subject.
        when = _LEADING_TIME.match(text, toks[i + 1].start(), toks[end_i].end())
        if when is None or when.end() >= toks[end_i].start():
            return None  # "in a report published on Monday": no subject
        while toks[i + 1].start() < when.end():
            i += 1
    if i >= 0 and toks[i][0].lower() in ("nor", "neither"):
        negated = True  # "neither Moscow nor Kyiv has disclosed"
    if i >= 0 and toks[i][0] == "," and not parenthetical:
        # "The mayor of Derna, Abdulmenam al-Ghaithi, told ...": a role before the name.
        before = text[s_start : toks[i].start()]
        k = max(before.rfind(","), before.rfind(";"), before.rfind(":"))
        if _role_type(before[k + 1 :]):
            parenthetical = before[k + 1 :].strip()
    return toks[i + 1].start(), toks[end_i].end(), negated, parenthetical, passive


def _aux_inside(phrase: str) -> bool:
    """A subject phrase with a verb in it ("has not updated its count") is no subject."""
    words = {w.lower() for w in phrase.split()}
    return bool(words & {"has", "have", "had", "was", "were", "is", "are", "not", "its"})


_ACCORDING_STOP = re.compile(r"[,;:.!?\"“”()]|\s+(?:that|which|who|on|last|this|earlier)\s")
_NAMED_AFTER = re.compile(r",\s+((?:[A-Z][\w’'-]+\s?){2,4})(?=[,.;]|$)")
_ORIGIN_PARENTHETICAL = re.compile(r"(?i)[a-z]+ing\b|in\b|on\b|at\b")
_APPOSITIVE_AFTER = re.compile(r",\s+(an?\s+[^,.;]+)")
_REPORTS_AFTER = re.compile(r"\s*(?:that\b|:|[“\"])")
_THAT = re.compile(r"\bthat\b")
# What may follow a verb that closes its sentence: "..., officials said on Sunday."
_CLOSING_FRAME = re.compile(
    r"(?:\s+(?:on|in|at|to|via|last|this|late|early|earlier)\b[^,;:.]*)?\s*"
    r"(?:[.!?]\s*|,\s*(?:adding|citing|noting|according|while|as|saying)\b.*)?",
    re.S,
)
# How many sentences back a definite "the headquarters" may find the one it names.
_DEFINITE_REACH = 12
_DEFINITE_SHORT = re.compile(r"(?i)the(?:\s+[a-z-]+){1,2}")
_POSSESSIVE_START = re.compile(r"(?i)(?:its|their)\s")
_DEFINITE_START = re.compile(r"(?i)the\s")
# A first letter the engine can skip to; the word boundary before it is checked after it.
_HE_SHE = re.compile(r"[HhSs](?<!\w.)(?:(?<=[Hh])e|(?<=[Ss])he)\b")
_WEEKDAYS = frozenset(
    {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)
_NP_FORWARD_STOP = re.compile(
    r"\s+(?:on|in|at|late|early|last|this|earlier|that|who|which|adding|citing|noting|"
    r"according|yesterday|today|while|as|after|when|told|to|via|following)\b|[,;:.!?\"“”()]"
)


def _np_forward(text: str, start: int, end: int) -> tuple[int, int]:
    """Speaker phrase after an inverted verb: up to a comma, a time or place phrase."""
    pos = start
    while True:
        m = _NP_FORWARD_STOP.search(text, pos, end)
        if not m:
            return start, end
        word = m.group().strip().lower()
        # "officials in Kyiv": keep "in <Place>" when a capitalised place follows.
        if word == "in" and re.match(r"\s+[A-Z]", text[m.end() : m.end() + 2]):
            nxt = re.match(r"\s+([A-Z][\w’'-]*)", text[m.end() : m.end() + 40])
            if nxt and nxt.group(1) not in _WEEKDAYS:
                pos = m.end() + len(nxt.group(0))
                continue
        return start, m.start()


_TOLD = re.compile(r"\btold\s+((?:the\s+)?(?:[A-Z][\w’'.&-]*\s*){1,4}|reporters|journalists)")
_INTERVIEW_WITH = re.compile(r"\bin an interview with\s+((?:the\s+)?(?:[A-Z][\w’'.&-]*\s*){1,4})")


def _origin_near(text: str, start: int, end: int) -> str:
    """The channel of a statement named next to its speaker and verb ("told NBC")."""
    lex = _lexicon()
    window = text[start:end]
    # Each pattern needs a word that a substring test rules out faster than a search.
    m = _TOLD.search(window) if "told" in window else None
    if m:
        return "told " + " ".join(m.group(1).split()).removeprefix("the ").strip()
    m = lex.channel_re.search(window) if "on" in window or "via" in window else None
    if m:
        return "on " + m.group("ch")
    m = _INTERVIEW_WITH.search(window) if "in an interview with" in window else None
    if m:
        return "interview with " + " ".join(m.group(1).split())
    m = lex.origin_re.search(window) if _may_name_origin(window, lex.origin_keys) else None
    return " ".join(m.group().split()) if m else ""


def _may_name_origin(window: str, keys: tuple[str, ...]) -> bool:
    """Can ``window`` hold an origin phrase? Each phrase holds one of ``keys`` (none:
    no telling, so yes); the test is exact for ASCII (outside it the case-blind pattern
    matches more than lowering shows, so the window is searched)."""
    if not window.isascii() or not keys:
        return True
    lowered = window.lower()
    for key in keys:  # noqa: SIM110 (a plain loop is faster than any())
        if key in lowered:
            return True
    return False


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    for a, b in spans:  # noqa: SIM110 (a plain loop is faster than any())
        if a <= pos < b:
            return True
    return False


def find_frames(text: str, sentence: Sentence, quotes: list[tuple[int, int]]) -> list[Frame]:
    """All speaker frames of one sentence (offsets into ``text``), in text order.

    ``quotes`` are the quotation spans (open, close) of the article; frames inside them
    are skipped. Speakers are not classified yet (see :class:`ArticleAttribution`).
    """
    lex = _lexicon()
    s_start, s_end = sentence.start, sentence.end
    # Only the quotations that overlap the sentence can hold one of its positions.
    quotes = [q for q in quotes if q[0] < s_end and q[1] > s_start]
    frames: list[Frame] = []
    taken: list[tuple[int, int]] = []

    for cue_start, cue_end, _cue in lex.according_cues.hits(text, s_start, s_end):
        if _inside(cue_start, quotes):
            continue
        np_start = cue_end
        while np_start < s_end and text[np_start].isspace():
            np_start += 1
        stop_m = _ACCORDING_STOP.search(text, np_start, s_end)
        np_end = stop_m.start() if stop_m else s_end
        if np_end - np_start < 2:
            continue
        scope = (
            "after" if cue_start - s_start < 3 or text[s_start:cue_start].strip() == "" else "both"
        )
        frame = Frame(
            np_start, np_end, cue_start, cue_end, scope, "according", text[np_start:np_end]
        )
        named = _NAMED_AFTER.match(text[np_end:s_end])
        if named and _role_type(frame.raw):
            # "according to Turkey's health minister, Fahrettin Koca": the name speaks.
            frame.appositive = frame.raw
            frame.np_start, frame.np_end = np_end + named.start(1), np_end + named.end(1)
            frame.raw = named.group(1).strip()
        frame.origin_spec = (cue_start, np_end, "")
        frames.append(frame)
        taken.append((cue_start, np_end))

    verbs = lex.verb_cues.hits(text, s_start, s_end)
    sentence_tokens: list[re.Match] | None = None
    for k, (verb_start, verb_end, verb) in enumerate(verbs):
        if _inside(verb_start, quotes) or _inside(verb_start, taken):
            continue
        word = " ".join(verb.split())
        if k + 1 < len(verbs) and text[verb_end : verbs[k + 1][0]].strip() == "":
            continue  # "estimates place", "reports suggest": the first word is a noun
        if sentence_tokens is None:
            # _np_backward only reads the tokens before a verb: none after the last one.
            sentence_tokens = _tokens_before(text, s_start, s_end, verbs[-1][0])
        found = _np_backward(text, s_start, verb_start, sentence_tokens)
        if found is None:
            continue
        np_start, np_end, negated, parenthetical, passive = found
        if passive:
            continue
        raw = text[np_start:np_end]
        if _VERB_PHRASE_WORDS.intersection(raw.lower().split()):
            continue  # "the ministry does not publish names": a verb phrase, no speaker
        how = "verb"
        if word not in lex.verbs:
            # subject verbs need a source noun as subject: "independent estimates place"
            if not (_role_type(raw) or lex.entity_re.search(raw)) or _aux_inside(raw):
                continue
            how = "subject"
        frame = Frame(np_start, np_end, verb_start, verb_end, "after", how, raw, negated)
        frame.scope = _scope_of(text, np_start, verb_end, s_start, s_end, quotes)
        frame.origin_spec = (np_start, min(s_end, verb_end + 80), parenthetical)
        if parenthetical and not _ORIGIN_PARENTHETICAL.match(parenthetical):
            frame.appositive = parenthetical
        frames.append(frame)

    cued = lex.inverted_cued
    if cued is None or not cued.isdisjoint(v for _, _, v in verbs):
        inverted = lex.inverted_re.finditer(text, s_start, s_end)
    else:
        inverted = iter(())  # none of the inverted verbs is in the sentence
    for m in inverted:
        verb_start, verb_end = m.start("verb"), m.end("verb")
        if _inside(verb_start, quotes) or any(f.verb_start == verb_start for f in frames):
            continue
        np_from = verb_end
        while np_from < s_end and text[np_from].isspace():
            np_from += 1
        np_start, np_end = _np_forward(text, np_from, s_end)
        raw = text[np_start:np_end]
        if not raw.strip() or raw.split()[0].lower() in ("that", "it", "he", "she", "they"):
            continue
        frame = Frame(np_start, np_end, verb_start, verb_end, "before", "inverted", raw)
        frame.origin_spec = (verb_start, min(s_end, np_end + 60), "")
        after = _APPOSITIVE_AFTER.match(text[np_end : min(s_end, np_end + 120)])
        if after:
            frame.appositive = after.group(1)
        frames.append(frame)
    frames.sort(key=lambda f: f.verb_start)
    return frames


def _scope_of(
    text: str, np_start: int, verb_end: int, s_start: int, s_end: int, quotes: list[tuple[int, int]]
) -> str:
    """Does the frame report what follows it ("X said that ...") or what precedes it?"""
    # The patterns read ``text[verb_end:s_end]`` in place: none looks behind its start,
    # and "that" cannot start right after a verb (a word ends there).
    if _REPORTS_AFTER.match(text, verb_end, s_end) or _THAT.search(
        text, verb_end, min(s_end, verb_end + 90)
    ):
        return "after"
    before = text[s_start:np_start].rstrip()
    closes = _CLOSING_FRAME.fullmatch(text, verb_end, s_end)
    if before and (before.endswith((",", "”", '"', "’")) or closes):
        return "before" if closes else "both"
    return "after"


# --- the article ------------------------------------------------------------------------------


@dataclass
class ArticleAttribution:
    """Speakers of one article, sentence by sentence (built by :func:`attribute_article`)."""

    text: str
    sentences: list[Sentence]
    quotes: list[QuoteSpan]
    frames: list[list[Frame]] = field(default_factory=list)
    quote_speakers: dict[int, Attribution] = field(default_factory=dict)
    carried: dict[int, Attribution] = field(default_factory=dict)

    def _quote_at(self, pos: int) -> QuoteSpan | None:
        for q in self.quotes:
            if q.open < pos < q.close:
                return q
        return None

    def quote_speaker(self, quote: QuoteSpan) -> Attribution:
        """Who the article says spoke ``quote`` (speaker None if no one)."""
        return self.quote_speakers.get(quote.open, Attribution(None))

    def speaker_at(self, sentence_index: int, start: int, end: int) -> Attribution:
        """Who asserts the expression at ``start:end`` of sentence ``sentence_index``."""
        quote = self._quote_at(start)
        if quote is not None:
            found = self.quote_speaker(quote)
            if found.speaker is not None:
                return Attribution(found.speaker, found.origin, "quote")
        frames = [
            f
            for f in self.frames[sentence_index]
            if f.speaker
            and not f.negated
            # "Strike kills three; UN says June was deadliest": a statement after a
            # semicolon that reports what follows it says nothing of the clause before.
            and not (
                f.scope == "after" and f.np_start >= end and ";" in self.text[end : f.np_start]
            )
        ]
        if frames:
            frame = _best_frame(frames, start, end)
            return Attribution(frame.speaker, frame.origin_in(self.text), "frame", frame)
        carried = self.carried.get(sentence_index)
        return carried if carried is not None else Attribution(None)


def _best_frame(frames: list[Frame], start: int, end: int) -> Frame:
    if len(frames) == 1:
        return frames[0]

    def distance(f: Frame) -> int:
        if f.np_start >= end:
            return f.np_start - end
        if f.verb_end <= start:
            return start - f.verb_end
        return 0

    fitting = [
        f
        for f in frames
        if (f.scope in ("after", "both") and f.verb_end <= start)
        or (f.scope in ("before", "both") and min(f.np_start, f.verb_start) >= end)
        or (f.how == "according" and f.scope == "after" and f.np_end <= start)
    ]
    return min(fitting or frames, key=distance)


def _leading_article(text: str, start: int, end: int) -> int:
    """Length of a leading "The " (and spaces) at ``text[start:end]``."""
    m = _LEADING_THE.match(text, start, end)
    return m.end() - start if m else 0


_LEADING_THE = re.compile(r"\s*(?:[Tt]he\s+)?")


def _resolve_pronoun(
    word: str,
    sent_i: int,
    pos: int,
    att: ArticleAttribution,
    people: list[tuple[int, int, Speaker]],
) -> Speaker | None:
    """Last fitting speaker within this sentence and the two before it."""
    lo = att.sentences[max(0, sent_i - 2)].start
    if word in PRONOUNS_PERSON:
        cands = [(p, s) for p, _, s in people if lo <= p < pos and s.person]
        return cands[-1][1] if cands else None
    # it / they: an earlier frame's subject (even a negated one) in this sentence, else the
    # first party named in this sentence before the pronoun, else earlier frames.
    sentence = att.sentences[sent_i]
    here = [
        f for f in att.frames[sent_i] if f.speaker and not f.speaker.person and f.verb_end <= pos
    ]
    if here:
        return here[-1].speaker
    for start, end, party in party_mentions(att.text, sentence.start, pos):
        name = re.sub(r"['’]s$", "", att.text[start:end])
        if name and _CAPITALISED.match(name) and not name.endswith(("ian", "ians", "ese", "i")):
            return Speaker(name, "official", party, False)
    for k in range(sent_i - 1, max(-1, sent_i - 3), -1):
        before = [f for f in att.frames[k] if f.speaker and not f.speaker.person]
        if before:
            return before[-1].speaker
    if sent_i > 0:
        # "The Syrian Observatory ..., a monitor based in Britain, gave another account.
        # It said ...": a known organisation that opens the sentence before.
        prev = att.sentences[sent_i - 1]
        opening = _lexicon().entity_re.match(
            att.text, prev.start + _leading_article(att.text, prev.start, prev.end), prev.end
        )
        if opening:
            found = classify(opening.group())
            if found is not None and not found.person:
                return found
    if sent_i > 0:
        prev = att.sentences[sent_i - 1]
        for start, end, party in party_mentions(att.text, prev.start, prev.end):
            name = re.sub(r"['’]s$", "", att.text[start:end])
            if _CAPITALISED.match(name) and not name.endswith(("ian", "ians", "ese", "i")):
                return Speaker(name, "official", party, False)
    return None


_PERSON_TITLES = [
    "President", "Minister", "Spokesman", "Spokeswoman", "Spokesperson", "General", "Gen.",
    "Governor", "Mayor", "Commander", "Secretary", "Director", "Chief", "Dr", "Dr.", "Colonel",
    "Col.",
]  # fmt: skip
# A title and the name after it. As a prefix tree that starts with a capital (the word
# boundary is checked after it), the engine skips to the capitals a title starts with.
_PERSON_MENTION = re.compile(
    "(?:"
    + trie_alternation(_PERSON_TITLES, not_after=r"\w")
    + r")\s+((?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+)"
)


def _add_people(
    text: str,
    sentence: Sentence,
    quote_spans: list[tuple[int, int]],
    registry: _Registry,
    people: list[tuple[int, int, Speaker]],
) -> None:
    """Add the persons named in ``sentence`` outside quotations to ``people``: with a
    title ("Minister X") or as a known person."""
    lex = _lexicon()
    for m in _PERSON_MENTION.finditer(text, sentence.start, sentence.end):
        if not _inside(m.start(), quote_spans):
            sp = classify(text[max(sentence.start, m.start() - 30) : m.end()], "", registry)
            if sp and sp.person:
                people.append((m.start(), m.end(), sp))
    for m in lex.entity_re.finditer(text, sentence.start, sentence.end):
        info = lex.entities.get(lex.variant_to_entity.get(" ".join(m.group().split()), ""), {})
        if info.get("person") and not _inside(m.start(), quote_spans):
            sp = classify(m.group(), "", registry)
            if sp:
                people.append((m.start(), m.end(), sp))


def attribute_article(
    text: str,
    sentences: list[Sentence],
    quotes: list[QuoteSpan],
    needed: set[int] | None = None,
) -> ArticleAttribution:
    """Find and resolve every frame and quotation speaker of one article.

    ``needed`` (sentence indexes) limits the search for frames to the sentences a
    caller will ask about and the two before each (pronouns and carry-over look no
    further back); None searches every sentence.
    """
    att = ArticleAttribution(text, sentences, quotes)
    registry = _Registry()
    quote_spans = [(q.open, q.close) for q in quotes]
    starts = [s.start for s in sentences]
    with_pronoun = {bisect.bisect_right(starts, m.start()) - 1 for m in _HE_SHE.finditer(text)}
    quotes_by_sentence: dict[int, list[QuoteSpan]] = {}
    for q in quotes:
        k = bisect.bisect_right(starts, q.open) - 1
        if k >= 0 and q.open < sentences[k].end:
            quotes_by_sentence.setdefault(k, []).append(q)
    people: list[tuple[int, int, Speaker]] = []  # persons named so far, in text order

    for i, sentence in enumerate(sentences):
        wanted = needed is None or i in needed or (i + 1) in needed or (i + 2) in needed
        if not wanted:
            att.frames.append([])
            continue
        people_before = len(people)
        # Persons named with a title anywhere in the sentence: antecedents for a "he" or
        # "she" in this sentence or the two after it (looked for only when there is one).
        if i in with_pronoun or i + 1 in with_pronoun or i + 2 in with_pronoun:
            _add_people(text, sentence, quote_spans, registry, people)

        frames = find_frames(text, sentence, quote_spans)
        att.frames.append(frames)
        for frame in frames:
            word = frame.raw.strip().lower()
            if word in PRONOUNS_PERSON or word in PRONOUNS_THING:
                frame.speaker = _resolve_pronoun(word, i, frame.np_start, att, people)
            else:
                frame.speaker = classify(frame.raw, frame.appositive, registry)
                if frame.speaker is None and _DEFINITE_SHORT.fullmatch(word):
                    # "the group said", "the network said": an earlier organisation.
                    frame.speaker = _resolve_pronoun("it", i, frame.np_start, att, people)
                elif frame.speaker is not None and not frame.speaker.person:
                    frame.speaker = _antecedent(frame, i, att) or frame.speaker
                if frame.speaker and frame.speaker.person:
                    people.append((frame.np_start, frame.np_end, frame.speaker))
            if frame.speaker and not frame.speaker.side:
                if _POSSESSIVE_START.match(frame.raw):
                    # "Its foreign ministry": the side of whatever "it" is.
                    owner = _resolve_pronoun("it", i, frame.np_start, att, people)
                    if owner and owner.side:
                        frame.speaker = replace(frame.speaker, side=owner.side)
                elif _DEFINITE_START.match(frame.raw):
                    frame.speaker = _inherit_side(frame.speaker, frame.raw, i, att)
        if len(people) > people_before:  # sorted as it was otherwise
            people.sort(key=lambda p: p[0])

        # Quotations: the nearest frame outside them in the same sentence.
        for q in quotes_by_sentence.get(i, ()):
            usable = [f for f in frames if f.speaker and not f.negated and f.how != "according"]
            usable = usable or [f for f in frames if f.speaker and not f.negated]
            if usable:
                best = min(
                    usable,
                    key=lambda f: (
                        abs(f.np_start - q.close)
                        if f.np_start >= q.close
                        else abs(q.open - f.verb_end)
                    ),
                )
                att.quote_speakers[q.open] = Attribution(
                    best.speaker, best.origin_in(text), "frame"
                )
            elif i > 0 and text[sentences[i - 1].start : sentences[i - 1].end].rstrip().endswith(
                ":"
            ):
                prev = [f for f in att.frames[i - 1] if f.speaker and not f.negated]
                if prev:
                    att.quote_speakers[q.open] = Attribution(
                        prev[-1].speaker, prev[-1].origin_in(text), "frame"
                    )

        # Carry-over (rule 4): one hop, same paragraph, no frame and no quotation here.
        has_quote = i in quotes_by_sentence
        if (
            not frames
            and not has_quote
            and i > 0
            and sentences[i - 1].paragraph == sentence.paragraph
        ):
            prev = [f for f in att.frames[i - 1] if f.speaker and not f.negated]
            if prev:
                att.carried[i] = Attribution(prev[-1].speaker, prev[-1].origin_in(text), "carried")
    return att


_DESCRIPTION = re.compile(r"[Tt]he\s+(?:two\s+|three\s+|four\s+)?[a-z-]+(?:\s+[a-z-]+)?")


def _named(name: str) -> bool:
    """Does a source name hold a proper name ("Sudan Doctors Network", "OHCHR"), not just
    a demonym on a description ("Russian news outlets")?"""
    lex = _lexicon()
    return any(
        _CAPITALISED.match(w) and _norm_quote(w) not in lex.party_names for w in name.split()
    )


@lru_cache(maxsize=8192)
def _description_head(raw: str) -> str:
    """The head noun of a definite description ("the two outlets" -> "outlets"), after
    a leading time phrase; '' if ``raw`` is not one."""
    described = _LEADING_TIME.sub("", " ".join(raw.split()))
    return described.split()[-1].lower() if _DESCRIPTION.fullmatch(described) else ""


def _antecedent(frame: Frame, sent_i: int, att: ArticleAttribution) -> Speaker | None:
    """The named source a definite description refers back to: "the medical group",
    "the report", "the two outlets" after "the Sudan Doctors Network said", "in a report",
    "Estimates by Mediazona and Meduza". The last named, non-person speaker of this
    sentence (before it) or the two before, of the same kind: an official description
    needs its head noun in the antecedent ("the ministry" -> "Russia's Defence
    Ministry"; "the rebels" is not "Congo's government"); a media or independent one
    takes either of those two kinds.
    """
    speaker = frame.speaker
    head = _description_head(frame.raw)
    if speaker is None or not head:
        return None
    official = speaker.type == "official"
    for k in range(sent_i, max(-1, sent_i - 3), -1):
        for f in reversed(att.frames[k]):
            found = f.speaker
            if (
                found is None
                or found is speaker
                or (k == sent_i and f.verb_start >= frame.np_start)
                or found.person
                or not _named(found.name)
                or (found.type == "official") != official
                or (official and head not in f.raw.lower())
            ):
                continue
            return found
    return None


@lru_cache(maxsize=1024)
def _named_before(head: str) -> re.Pattern:
    """What may follow a party's name up to ``head``: "'s Defence Ministry"."""
    return re.compile(r"(?:['’]s)?(?:\s+[\w-]+){0,4}?\s+" + re.escape(head) + r"\b", re.IGNORECASE)


def _inherit_side(speaker: Speaker, raw: str, sent_i: int, att: ArticleAttribution) -> Speaker:
    """Side of a definite source ("the rebels", "the ministry", "the media reports").

    First a party named with the same head noun earlier in the article, nearest first
    ("M23 rebels", "Russia's Defence Ministry", "Ukraine's Coordination Headquarters":
    a definite "the headquarters" paragraphs later is still that one); else, for media,
    the side of the media source named in the two sentences before ("Russian news
    outlets reported" before "the media reports").
    """
    head = raw.strip().split()[-1] if raw.strip() else ""
    if head:
        lo = att.sentences[max(0, sent_i - _DEFINITE_REACH)].start
        hi = att.sentences[sent_i].end
        named_before = _named_before(head)
        low_head = head.lower()
        # Read from the article's own party scan (a window cut out would be scanned anew).
        for _start, end, party in reversed(party_mentions(att.text, lo, hi)):
            after = att.text[end : min(hi, end + 60)]
            if after.isascii() and low_head not in after.lower():
                continue  # the head noun is not there (an ASCII test is exact)
            if named_before.match(after):
                return replace(speaker, side=party)
    if speaker.type != "media":
        return speaker
    for k in range(sent_i, max(-1, sent_i - 3), -1):
        for f in reversed(att.frames[k]):
            if (
                f.speaker
                and f.speaker is not speaker
                and f.speaker.type == speaker.type
                and f.speaker.side
            ):
                return replace(speaker, side=f.speaker.side)
    return speaker
