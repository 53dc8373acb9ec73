"""Loading articles: every supported format, metadata precedence, and bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from lossledger.articles import (
    ArticlesInputError,
    article_files,
    decode_bytes,
    detect_language,
    load_articles,
    load_articles_report,
    normalise_date,
)
from lossledger.schema import ARTICLE_COLUMNS, SKIPPED_COLUMNS
from tests.conftest import write

FLOOD = (
    "Rescue teams recovered 14 more bodies on Tuesday, bringing the toll from the floods "
    "to at least 212, the provincial governor said.\n"
)
QUAKE = "The health ministry said 87 people were killed and about 400 injured in the tremor.\n"


def test_plain_text_is_the_file_verbatim(tmp_path: Path) -> None:
    path = write(tmp_path, "flood.txt", FLOOD)
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles.columns[: len(ARTICLE_COLUMNS)]) == ARTICLE_COLUMNS
    row = articles.iloc[0]
    assert row["article_id"] == "flood"
    assert row["text"] == path.read_text(encoding="utf-8")
    assert row["sha256"] == hashlib.sha256(FLOOD.encode()).hexdigest()
    assert skipped.empty


def test_seed_folder_loads_both_articles_with_their_dates(seed_articles: Path) -> None:
    articles = load_articles(seed_articles)
    assert len(articles) == 2
    assert set(articles["published"]) == {"2025-06-15"}
    # The seeds' outlets are unknown: the loader leaves them empty rather than guessing.
    assert set(articles["outlet"]) == {""}
    for row in articles.itertuples():
        assert row.text == (seed_articles / row.path).read_text(encoding="utf-8")


def test_markdown_front_matter_gives_metadata_and_is_cut_from_text(tmp_path: Path) -> None:
    write(
        tmp_path,
        "quake.md",
        "---\noutlet: The Valley Courier\npublished: 3 March 2024\ntitle: Tremor\n---\n" + QUAKE,
    )
    row = load_articles(tmp_path).iloc[0]
    assert row["outlet"] == "The Valley Courier"
    assert row["published"] == "2024-03-03"
    assert row["title"] == "Tremor"
    assert row["text"] == QUAKE


def test_broken_front_matter_keeps_the_text_and_reports_it(tmp_path: Path) -> None:
    write(tmp_path, "quake.md", "---\noutlet: [unclosed\n---\n" + QUAKE)
    articles, skipped = load_articles_report(tmp_path)
    assert articles.iloc[0]["text"] == QUAKE
    assert articles.iloc[0]["outlet"] == ""
    assert skipped.iloc[0]["action"] == "repaired"
    assert "front matter is not valid YAML" in skipped.iloc[0]["reason"]


def test_sources_csv_wins_over_front_matter(tmp_path: Path) -> None:
    write(tmp_path, "quake.md", "---\noutlet: Guessed Name\nlanguage: en\n---\n" + QUAKE)
    write(tmp_path, "sources.csv", "file,outlet,published\nquake.md,Checked Name,2024-03-04\n")
    row = load_articles(tmp_path).iloc[0]
    assert row["outlet"] == "Checked Name"
    assert row["published"] == "2024-03-04"
    assert row["language"] == "en"  # not in sources.csv: front matter fills the gap


def test_sources_csv_naming_a_missing_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "flood.txt", FLOOD)
    write(tmp_path, "sources.csv", "file,outlet\nflood.txt,A\nghost.txt,B\n")
    _, skipped = load_articles_report(tmp_path)
    assert "ghost.txt" in " ".join(skipped["reason"])


def test_html_keeps_main_text_and_drops_scripts(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Floods</title>"
        '<meta property="og:site_name" content="River Post">'
        "<script>var tracker = 'SCRIPT-BODY';</script><style>.x{color:red}</style></head>"
        "<body><nav>Home | World | Sport</nav><article><h1>Floods</h1>"
        f"<p>{FLOOD}</p><p>Officials said the river had risen faster than in any year on "
        "record, and that crews would search the lower valley through the night.</p>"
        "</article><footer>All rights reserved</footer></body></html>"
    )
    write(tmp_path, "floods.html", page)
    row = load_articles(tmp_path).iloc[0]
    assert "at least 212" in row["text"]
    assert "SCRIPT-BODY" not in row["text"] and "color:red" not in row["text"]
    assert row["outlet"] == "River Post"
    assert row["title"] == "Floods"


def test_jsonl_corpus_one_article_per_row(tmp_path: Path) -> None:
    rows = [
        {"id": "a1", "text": FLOOD, "outlet": "River Post", "published": "2024-05-02"},
        {"id": "a2", "text": QUAKE},
        {"id": "a3", "text": ""},
    ]
    lines = "\n".join(json.dumps(r) for r in rows) + "\nnot json at all\n"
    write(tmp_path, "corpus.jsonl", lines)
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles["article_id"]) == ["a1", "a2"]
    assert articles.iloc[0]["outlet"] == "River Post"
    reasons = dict(zip(skipped["path"], skipped["reason"], strict=True))
    assert reasons["corpus.jsonl#3"] == "row has no text"
    assert "not valid JSON" in reasons["corpus.jsonl#4"]


def test_jsonl_lines_end_only_at_newline(tmp_path: Path) -> None:
    """A raw U+2028 or form feed inside a JSON string is text (json.dumps with
    ensure_ascii=False writes them raw); only "\\n" ends a row, with an optional "\\r"."""
    text = FLOOD + "\u2028Second paragraph.\x0cThird."
    rows = [
        json.dumps({"id": "a1", "text": text}, ensure_ascii=False),
        json.dumps({"id": "a2", "text": QUAKE}),
    ]
    write(tmp_path, "corpus.jsonl", "\r\n".join(rows) + "\r\n")
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles["article_id"]) == ["a1", "a2"]
    assert articles.iloc[0]["text"].endswith("\u2028Second paragraph.\x0cThird.")
    assert skipped.empty


def test_csv_corpus_without_id_column_numbers_rows(tmp_path: Path) -> None:
    write(tmp_path, "corpus.csv", f'text,outlet\n"{FLOOD}",River Post\n"{QUAKE}",\n')
    articles = load_articles(tmp_path)
    assert list(articles["article_id"]) == ["corpus-00002", "corpus-00003"]
    assert articles.iloc[0]["text"] == FLOOD


def test_csv_corpus_without_text_column_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "corpus.csv", "body,outlet\nsomething,A\n")
    write(tmp_path, "flood.txt", FLOOD)
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles["article_id"]) == ["flood"]
    assert skipped.iloc[0]["reason"] == "corpus has no 'text' column"


def test_identical_texts_are_kept_once_with_both_ids_noted(tmp_path: Path) -> None:
    write(tmp_path, "b_copy.txt", FLOOD)
    write(tmp_path, "a_first.txt", FLOOD)
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles["article_id"]) == ["a_first"]
    assert "b_copy" in articles.iloc[0]["note"]
    assert skipped.iloc[0]["action"] == "merged"
    assert "a_first" in skipped.iloc[0]["reason"]


def test_clashing_ids_are_made_unique(tmp_path: Path) -> None:
    write(tmp_path, "report.txt", FLOOD)
    write(tmp_path, "report.md", QUAKE)
    articles, skipped = load_articles_report(tmp_path)
    assert sorted(articles["article_id"]) == ["report.md", "report.txt"]
    assert set(skipped["action"]) == {"renamed"}


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blob.txt", bytes(range(256)) * 8, "binary"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
    ],
)
def test_bad_files_are_listed_and_the_rest_loads(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    write(tmp_path, name, content)
    write(tmp_path, "flood.txt", FLOOD)
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles["article_id"]) == ["flood"]
    assert list(skipped.columns) == SKIPPED_COLUMNS
    assert skipped.iloc[0]["path"] == name
    assert reason in skipped.iloc[0]["reason"]


def test_file_over_the_size_limit_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "long.txt", FLOOD * 100)
    write(tmp_path, "flood.txt", FLOOD)
    articles, skipped = load_articles_report(tmp_path, max_file_bytes=1000)
    assert list(articles["article_id"]) == ["flood"]
    assert "over the limit" in skipped.iloc[0]["reason"]


def test_legacy_encoding_is_decoded_and_recorded(tmp_path: Path) -> None:
    text = (
        "Les secouristes ont retrouvé 14 corps mardi ; le bilan dépasse désormais 212 morts, "
        "selon le préfet, qui a évoqué une crue « sans précédent » dans la vallée.\n"
    )
    write(tmp_path, "crue.txt", text.encode("cp1252"))
    articles, skipped = load_articles_report(tmp_path)
    row = articles.iloc[0]
    assert row["text"] == text
    assert row["encoding"] != "utf-8"
    repaired = skipped[skipped["action"] == "repaired"]
    assert "not UTF-8; decoded as cp1252" in list(repaired["reason"])


def test_decode_bytes_strips_utf8_bom() -> None:
    assert decode_bytes("\ufeffhello".encode()) == ("hello", "utf-8-sig")


def test_missing_or_empty_folder_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ArticlesInputError, match="does not exist"):
        load_articles(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ArticlesInputError, match="holds no article files"):
        article_files(tmp_path / "empty")


def test_readme_and_sidecars_are_not_articles(tmp_path: Path) -> None:
    write(tmp_path, "README.md", "# About this folder\n")
    write(tmp_path, "flood.meta.yaml", "source: test\n")
    write(tmp_path, "flood.txt", FLOOD)
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles["article_id"]) == ["flood"]
    assert skipped.empty


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-06-15", "2025-06-15"),
        ("2025-06", "2025-06"),
        ("2025", "2025"),
        ("15 June 2025", "2025-06-15"),
        ("2025-06-15T09:30:00+02:00", "2025-06-15"),
        ("", ""),
        ("yesterday-ish", None),
        ("2025-13-40", None),
    ],
)
def test_normalise_date(raw: str, expected: str | None) -> None:
    assert normalise_date(raw) == expected


FRENCH = (
    "Les secouristes ont retrouvé 14 corps mardi ; le bilan dépasse désormais 212 morts, "
    "selon le préfet, qui a évoqué une crue sans précédent dans la vallée.\n"
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (FLOOD, "en"),
        (FRENCH, "fr"),
        ("Росія передала Україні тіла загиблих військових, повідомили у штабі в неділю.", "uk"),
        ("Россия передала Украине тела погибших военных, сообщили в штабе в воскресенье.", "ru"),
        ("12 34 56", ""),
    ],
)
def test_detect_language(text: str, code: str) -> None:
    assert detect_language(text) == code


def test_non_english_is_flagged_and_processed_or_skipped(tmp_path: Path) -> None:
    write(tmp_path, "crue.txt", FRENCH)
    write(tmp_path, "flood.txt", FLOOD)
    articles, skipped = load_articles_report(tmp_path)
    assert list(articles["article_id"]) == ["crue", "flood"]
    assert list(articles["language_detected"]) == ["fr", "en"]
    assert skipped.iloc[0]["action"] == "flagged" and "'fr'" in skipped.iloc[0]["reason"]

    articles, skipped = load_articles_report(tmp_path, non_english="skip")
    assert list(articles["article_id"]) == ["flood"]
    assert skipped.iloc[0]["action"] == "skipped"


def test_given_language_wins_over_detection(tmp_path: Path) -> None:
    write(tmp_path, "flood.txt", FLOOD)
    write(tmp_path, "sources.csv", "file,language\nflood.txt,de\n")
    articles, skipped = load_articles_report(tmp_path, non_english="skip")
    assert articles.empty
    assert "'de'" in skipped.iloc[0]["reason"]
