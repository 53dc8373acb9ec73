"""Synthetic news articles for scale benchmarks, reproducible from a seed.

Usage::

    .venv/bin/python benchmarks/corpus.py 10000 -o /tmp/corpus.jsonl --seed 7

Each article reads like a wire story about losses in a war: a lead with a
figure, paragraphs that attribute counts to officials or to independent
monitors (with hedges such as "at least" or "roughly", ranges, dates and
"as of" phrases), a direct quotation with its speaker, background sentences
without any figure, and numbers that are not claims (ages, distances, years).
The sentences are recombined from templates with random slots, so the claims
table of a corpus has the mix of kinds, bounds, metrics and sources that real
text gives, and the texts are all different (the loader drops repeated texts).

In: a number of articles and a seed. Out: a DataFrame with the corpus columns
the loader reads (``article_id``, ``outlet``, ``published``, ``title``, ``url``,
``language``, ``text``), or the same rows written as a ``.jsonl`` file. Texts
are 2 to 4 KB, in several paragraphs separated by blank lines.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

MIN_BYTES, MAX_BYTES = 2000, 4000
OUTLETS = (
    "Northern Courier",
    "Daily Meridian",
    "Harbour Times",
    "Continental Wire",
    "Evening Ledger",
    "Plains Gazette",
)
PLACES = ("Kharkiv", "Zaporizhzhia", "Kherson", "Donetsk region", "Sumy", "Odesa", "Dnipro")
OFFICIALS = (
    ("President Volodymyr Zelensky", "said"),
    ("the Ukrainian defence ministry", "said in a statement"),
    ("Russia's defence ministry", "claimed"),
    ("Kremlin spokesman Dmitry Peskov", "told reporters"),
    ("regional governor Oleh Syniehubov", "wrote on Telegram"),
    ("Ukraine's coordination headquarters for prisoners of war", "reported"),
)
MONITORS = (
    ("the UN human rights monitoring mission", "estimated"),
    ("Mediazona and the BBC Russian service", "counted"),
    ("researchers at the Center for Strategic and International Studies", "estimated"),
    ("the Institute for the Study of War", "assessed"),
    ("British military intelligence", "said"),
)
SIDES = ("Ukrainian", "Russian")
HEDGES = ("", "", "at least ", "more than ", "about ", "roughly ", "nearly ", "up to ", "over ")
KILLED = ("were killed", "died", "lost their lives", "were confirmed dead")
WOUNDED = ("were wounded", "were injured", "needed hospital treatment")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
QUOTES = (
    "We will bring every one of them home, however long it takes",
    "These numbers are people, and each of them had a family waiting",
    "The exchange went ahead as agreed and both sides kept their word",
    "Nobody in this city has slept properly for weeks",
    "We are still searching the rubble and the count will rise",
    "Our figures are checked name by name, which is why they are lower",
    "The other side publishes what suits it and hides the rest",
    "I am grateful to every person who made this return possible",
)
BACKGROUND = (
    "The talks in Istanbul ended without a broader agreement, but both delegations "
    "promised to keep the humanitarian channel open.",
    "Neither government publishes regular casualty figures, and both accuse the other "
    "of inflating the losses it inflicts.",
    "Aid groups say access to the front-line villages remains limited, which makes "
    "independent verification slow.",
    "The exchanges, brokered with help from third countries, have become one of the "
    "few areas where the two sides still cooperate.",
    "Analysts caution that official counts from either side tend to lag behind events "
    "by weeks or months.",
    "Families of the missing gathered outside the ministry again this week, asking for "
    "news of their relatives.",
    "Satellite images reviewed by several newsrooms show extensive damage to housing "
    "and power stations in the area.",
    "Officials did not say when the next round of repatriations would take place.",
)


def _number(rng: random.Random, low: int, high: int) -> str:
    """A round-ish count between low and high, printed with thousands separators."""
    value = rng.randint(low, high)
    if value >= 1000 and rng.random() < 0.6:
        value = round(value, -2)
    return f"{value:,}"


def _date(rng: random.Random) -> date:
    return date(2022, 3, 1) + timedelta(days=rng.randint(0, 1400))


def _spoken_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _figure_sentence(rng: random.Random) -> str:
    """One sentence with a loss figure, its hedge, its source and often its date."""
    side = rng.choice(SIDES)
    hedge = rng.choice(HEDGES)
    speaker, verb = rng.choice(OFFICIALS + MONITORS)
    when = _spoken_date(_date(rng))
    place = rng.choice(PLACES)
    pick = rng.randrange(8)
    if pick == 0:
        return (
            f"{hedge.capitalize()}{_number(rng, 2, 400)} civilians {rng.choice(KILLED)} "
            f"in {place} last month, {speaker} {verb}."
        )
    if pick == 1:
        return (
            f"As of {when}, {speaker} {verb} that {hedge}{_number(rng, 1000, 300000)} "
            f"{side} soldiers had been killed since the invasion began."
        )
    if pick == 2:
        return (
            f"Russia returned the bodies of {_number(rng, 100, 6000)} fallen soldiers to "
            f"Ukraine on {when}, according to {speaker}."
        )
    if pick == 3:
        low = rng.randint(20, 200) * 1000
        return (
            f"{speaker[0].upper()}{speaker[1:]} {verb} that between {low:,} and "
            f"{low + rng.randint(10, 90) * 1000:,} {side} troops had been killed or wounded."
        )
    if pick == 4:
        return (
            f"In the latest swap, {_number(rng, 20, 400)} prisoners of war were exchanged by "
            f"each side, {speaker} {verb} on {when}."
        )
    if pick == 5:
        return (
            f"{hedge.capitalize()}{_number(rng, 3, 900)} people {rng.choice(WOUNDED)} after "
            f"strikes on {place}, local officials said."
        )
    if pick == 6:
        return (
            f"{speaker[0].upper()}{speaker[1:]} {verb} that {hedge}{_number(rng, 500, 40000)} "
            f"{side} servicemen were listed as missing."
        )
    return (
        f"Total {side} losses stood at {hedge}{_number(rng, 10000, 700000)} by the end of "
        f"{MONTHS[rng.randrange(12)]}, {speaker} {verb}."
    )


def _quote_paragraph(rng: random.Random) -> str:
    """A direct quotation credited to a speaker, sometimes with a figure in the frame."""
    speaker, _ = rng.choice(OFFICIALS + MONITORS)
    words = rng.choice(QUOTES)
    if rng.random() < 0.5:
        return f"“{words},” {speaker} said. {_figure_sentence(rng)}"
    return f'{speaker[0].upper()}{speaker[1:]} said: "{words}." {_figure_sentence(rng)}'


def _colour_sentence(rng: random.Random) -> str:
    """A sentence with numbers that are not loss claims: ages, distances, times."""
    place = rng.choice(PLACES)
    pick = rng.randrange(4)
    if pick == 0:
        return f"A {rng.randint(19, 70)}-year-old volunteer described the scene in {place}."
    if pick == 1:
        return f"The convoy travelled {rng.randint(12, 400)} km from {place} before dawn."
    if pick == 2:
        return f"Sirens sounded in {place} shortly after {rng.randint(1, 11)} o'clock at night."
    return f"Two bridges and {rng.randint(3, 40)} apartment blocks were damaged in {place}."


def _paragraph(rng: random.Random) -> str:
    parts = [rng.choice(BACKGROUND)]
    for _ in range(rng.randint(1, 3)):
        parts.append(_figure_sentence(rng) if rng.random() < 0.7 else _colour_sentence(rng))
    rng.shuffle(parts)
    return " ".join(parts)


def article(rng: random.Random) -> str:
    """One article text of MIN_BYTES to MAX_BYTES bytes (UTF-8)."""
    target = rng.randint(MIN_BYTES + 200, MAX_BYTES - 400)
    paragraphs = [_figure_sentence(rng) + " " + rng.choice(BACKGROUND)]
    while len("\n\n".join(paragraphs).encode("utf-8")) < target:
        paragraphs.append(_quote_paragraph(rng) if rng.random() < 0.3 else _paragraph(rng))
    text = "\n\n".join(paragraphs)
    while len(text.encode("utf-8")) > MAX_BYTES:  # a long last paragraph: drop it
        text = text.rsplit("\n\n", 1)[0]
    return text + "\n"


def synthetic_articles(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic articles as a corpus table (see the module docstring)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        published = _date(rng)
        outlet = rng.choice(OUTLETS)
        rows.append(
            {
                "article_id": f"syn{seed:02d}-{i:07d}",
                "outlet": outlet,
                "published": published.isoformat(),
                "title": f"Losses reported in {rng.choice(PLACES)}",
                "url": f"https://example.org/{outlet.lower().replace(' ', '-')}/{i}",
                "language": "en",
                "text": article(rng),
            }
        )
    return pd.DataFrame(rows)


def write_jsonl(n: int, path: str | Path, seed: int = 0) -> Path:
    """Write ``n`` synthetic articles to ``path`` as JSON lines; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in synthetic_articles(n, seed).to_dict("records"):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int, help="number of articles")
    parser.add_argument("-o", "--out", required=True, help="the .jsonl file to write")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(write_jsonl(args.articles, args.out, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
