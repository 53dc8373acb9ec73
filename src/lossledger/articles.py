"""Stage 1: load a folder of articles into the articles table.

What goes in: a folder (or one file) of ``.txt``, ``.md`` (optional YAML front
matter), ``.html``/``.htm`` (main text and metadata through trafilatura),
``.jsonl`` and ``.csv`` corpora (one article per row, a ``text`` column), and
optionally a ``sources.csv`` giving each file's metadata.

What comes out: the articles table (``schema.ARTICLE_COLUMNS`` then
``encoding``, ``n_chars``, ``note``), one row per distinct text, and a second
table of every file or row that was skipped, repaired, renamed or merged, with
the reason (``schema.SKIPPED_COLUMNS``). Bad input never stops the load: each
problem becomes a row of that second table and the rest goes on.

Metadata precedence, most trusted first: the folder's ``sources.csv`` (a person
wrote it), the file's own front matter or corpus columns, then what trafilatura
guesses from HTML.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import charset_normalizer
import pandas as pd
import yaml
from dateutil import parser as date_parser

from lossledger.paths import resolve
from lossledger.schema import ARTICLE_COLUMNS, ARTICLE_EXTRA_COLUMNS, SKIPPED_COLUMNS
from lossledger.tables import tidy

SOURCES_FILE = "sources.csv"
# Provenance sidecars (source, licence, date accessed) sit beside the files they describe.
SIDECAR_SUFFIX = ".meta.yaml"
METADATA_KEYS: tuple[str, ...] = ("outlet", "published", "url", "title", "language")
SINGLE_ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
CORPUS_SUFFIXES = frozenset({".jsonl", ".csv"})
DEFAULT_MAX_FILE_BYTES = 5_000_000
ENGLISH = "en"
PREFERRED_LEGACY_ENCODING = "cp1252"
# A decoded text where more than this share of characters are control characters
# is a binary file that happened to decode, not an article.
MAX_CONTROL_SHARE = 0.05
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
# Corpus columns that may carry an article's id, in order of preference.
ID_COLUMNS: tuple[str, ...] = ("article_id", "id")


class ArticlesInputError(ValueError):
    """The articles path cannot be used at all (missing, or holds nothing to read)."""


@dataclass
class _Article:
    article_id: str
    path: str
    text: str
    encoding: str = "utf-8"
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class _Problems:
    rows: list[dict[str, str]] = field(default_factory=list)

    def add(self, path: str, action: str, reason: str) -> None:
        self.rows.append({"path": path, "action": action, "reason": reason})


def load_articles(
    path: str | Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    non_english: str = "process",
) -> pd.DataFrame:
    """Load every article under ``path`` and return the articles table.

    Use :func:`load_articles_report` to get the table of skipped and repaired
    files too.
    """
    return load_articles_report(path, max_file_bytes=max_file_bytes, non_english=non_english)[0]


def load_articles_report(
    path: str | Path,
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    non_english: str = "process",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load every article under ``path``.

    In: a folder (read recursively; hidden files, ``sources.csv``, README
    files and ``*.meta.yaml`` sidecars are not articles) or a single file; a
    relative path is taken from the project root. ``max_file_bytes`` caps a
    single-article file, and each row of a corpus.
    Out: ``(articles, skipped)``: the articles table sorted by ``article_id``,
    and the table of problems sorted by path.
    Raises ArticlesInputError when the path does not exist or holds no file
    that could be an article.
    """
    root = resolve(path)
    problems = _Problems()
    folder, files = _article_files(root, problems)
    sources = _read_sources(folder, problems)

    loaded: list[_Article] = []
    seen_files: set[str] = set()
    for file in files:
        relative = file.relative_to(folder).as_posix()
        seen_files.add(relative)
        for article in _read_file(file, relative, max_file_bytes, problems):
            override = sources.get(relative, {})
            article.metadata.update({k: v for k, v in override.items() if v})
            loaded.append(article)
    for listed in sorted(set(sources) - seen_files):
        if root.is_dir():
            problems.add(SOURCES_FILE, "warning", f"lists {listed!r}, which is not in the folder")

    rows = []
    for article in _unique_ids(loaded, problems):
        row = _to_row(article)
        if _keep_language(row, non_english, problems):
            rows.append(row)
    articles = tidy(
        pd.DataFrame(rows, columns=ARTICLE_COLUMNS + ARTICLE_EXTRA_COLUMNS),
        ARTICLE_COLUMNS + ARTICLE_EXTRA_COLUMNS,
        sort_by=["article_id"],
    )
    articles = _drop_duplicate_texts(articles, problems)
    skipped = tidy(
        pd.DataFrame(problems.rows, columns=SKIPPED_COLUMNS),
        SKIPPED_COLUMNS,
        sort_by=["path", "action", "reason"],
    )
    return articles, skipped


def _keep_language(row: dict[str, Any], non_english: str, problems: _Problems) -> bool:
    """Whether an article row stays, given its language; a non-English one is noted either way."""
    language = (row["language"] or row["language_detected"]).split("-")[0].lower()
    if language in ("", ENGLISH):
        return True
    if non_english == "skip":
        problems.add(
            row["path"],
            "skipped",
            f"language {language!r}, not English (parameter non_english: skip)",
        )
        return False
    problems.add(
        row["path"],
        "flagged",
        f"language {language!r}, not English: processed anyway, but the word lists "
        "are English so few claims will be found (parameter non_english)",
    )
    return True


def article_files(path: str | Path) -> list[Path]:
    """Return the files under ``path`` that will be read as articles, sorted.

    Raises ArticlesInputError naming the path when it does not exist or holds
    no file of a supported type: the check the runner makes before any notebook.
    """
    return _article_files(resolve(path), _Problems())[1]


def _article_files(root: Path, problems: _Problems) -> tuple[Path, list[Path]]:
    """Return ``(folder, files)`` for an articles path; see :func:`article_files`."""
    if not root.exists():
        raise ArticlesInputError(f"articles path {root} does not exist")
    if root.is_file():
        return root.parent, [root]
    files = sorted(_candidate_files(root, problems))
    if not files:
        supported = ", ".join(sorted(SINGLE_ARTICLE_SUFFIXES | CORPUS_SUFFIXES))
        raise ArticlesInputError(
            f"articles folder {root} holds no article files (supported: {supported})"
        )
    return root, files


def _candidate_files(folder: Path, problems: _Problems) -> Iterator[Path]:
    """Yield the files under ``folder`` that may be articles; note the rest."""
    for file in folder.rglob("*"):
        relative = file.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not file.is_file():
            continue
        name = file.name.lower()
        if name == SOURCES_FILE or name.startswith("readme") or name.endswith(SIDECAR_SUFFIX):
            continue
        suffix = file.suffix.lower()
        if suffix in SINGLE_ARTICLE_SUFFIXES or suffix in CORPUS_SUFFIXES:
            yield file
        else:
            problems.add(
                relative.as_posix(), "skipped", f"unsupported file type {suffix or '(none)'!r}"
            )


def _read_sources(folder: Path, problems: _Problems) -> dict[str, dict[str, str]]:
    """Read ``sources.csv`` into {file: {metadata key: value}}; problems become rows."""
    sources_path = folder / SOURCES_FILE
    if not sources_path.is_file():
        return {}
    try:
        text, _ = decode_bytes(sources_path.read_bytes())
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError, UnicodeError) as error:
        problems.add(SOURCES_FILE, "warning", f"could not be read, metadata ignored: {error}")
        return {}
    table.columns = [str(c).strip().lower() for c in table.columns]
    if "file" not in table.columns:
        problems.add(SOURCES_FILE, "warning", "has no 'file' column, metadata ignored")
        return {}
    unknown = sorted(set(table.columns) - {"file", *METADATA_KEYS})
    if unknown:
        problems.add(SOURCES_FILE, "warning", f"unknown columns ignored: {', '.join(unknown)}")
    sources: dict[str, dict[str, str]] = {}
    for record in table.to_dict("records"):
        name = str(record.get("file", "")).strip()
        if name:
            sources[name] = {k: str(record.get(k, "")).strip() for k in METADATA_KEYS}
    return sources


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode an article's bytes; return ``(text, encoding)``.

    UTF-8 (with or without BOM) and BOM-marked UTF-16 are taken as they are;
    anything else goes through charset-normalizer's detection. Raises
    UnicodeError when the bytes do not look like text in any encoding.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise UnicodeError("binary file (NUL bytes), not text")
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        raise UnicodeError("not text in any encoding charset-normalizer recognises")
    cleanest = min(match.chaos for match in matches)
    # Short texts decode equally cleanly in several code pages; among those, Windows-1252
    # is by far the commonest legacy encoding of news text, so it wins the tie.
    for match in matches:
        if match.chaos <= cleanest and PREFERRED_LEGACY_ENCODING in match.could_be_from_charset:
            return data.decode(PREFERRED_LEGACY_ENCODING), PREFERRED_LEGACY_ENCODING
    return str(matches[0]), matches[0].encoding


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:20_000]
    return bool(sample) and len(_CONTROL_CHARS.findall(sample)) / len(sample) > MAX_CONTROL_SHARE


def _read_file(
    file: Path, relative: str, max_file_bytes: int, problems: _Problems
) -> list[_Article]:
    """Read one file into zero or more articles, recording every problem."""
    suffix = file.suffix.lower()
    size = file.stat().st_size
    if size == 0:
        problems.add(relative, "skipped", "empty file")
        return []
    if suffix in SINGLE_ARTICLE_SUFFIXES and size > max_file_bytes:
        problems.add(
            relative,
            "skipped",
            f"file is {size:,} bytes, over the limit of {max_file_bytes:,} (parameter max_file_mb)",
        )
        return []
    try:
        text, encoding = decode_bytes(file.read_bytes())
    except UnicodeError as error:
        problems.add(relative, "skipped", str(error))
        return []
    if _looks_binary(text):
        problems.add(relative, "skipped", "binary file (control characters), not text")
        return []
    if encoding not in ("utf-8", "utf-8-sig"):
        problems.add(relative, "repaired", f"not UTF-8; decoded as {encoding}")

    if suffix in CORPUS_SUFFIXES:
        return _read_corpus(text, file, relative, encoding, max_file_bytes, problems)
    if suffix in (".html", ".htm"):
        article = _read_html(text, file.stem, relative, problems)
        articles = [] if article is None else [article]
    else:
        articles = [_read_plain(text, file.stem, relative, problems)]
    for article in articles:
        article.encoding = encoding
        if not article.text.strip():
            problems.add(relative, "skipped", "no text after the metadata")
    return [a for a in articles if a.text.strip()]


def _read_plain(text: str, stem: str, relative: str, problems: _Problems) -> _Article:
    """A ``.txt``/``.md`` file: optional YAML front matter, then the text verbatim."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return _Article(article_id=stem, path=relative, text=text)
    body = text[match.end() :]
    try:
        parsed = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problems.add(
            relative,
            "repaired",
            f"front matter is not valid YAML{where}; text loaded without its metadata",
        )
        return _Article(article_id=stem, path=relative, text=body)
    if parsed is None:
        parsed = {}
    if not isinstance(parsed, dict):
        problems.add(
            relative,
            "repaired",
            "front matter is not a mapping of keys; text loaded without its metadata",
        )
        return _Article(article_id=stem, path=relative, text=body)
    metadata = _metadata_from(parsed, relative, problems)
    article_id = str(parsed.get("article_id") or parsed.get("id") or stem)
    return _Article(article_id=article_id, path=relative, text=body, metadata=metadata)


def _read_html(text: str, stem: str, relative: str, problems: _Problems) -> _Article | None:
    """An HTML page: trafilatura keeps the main text and drops scripts, menus, footers."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    document = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False
    )
    if document is None or not (document.text or "").strip():
        problems.add(relative, "skipped", "no main text found in the HTML page")
        return None
    guessed = {
        "outlet": document.sitename or document.hostname or "",
        "published": document.date or "",
        "url": document.url or "",
        "title": document.title or "",
        "language": document.language or "",
    }
    metadata = _metadata_from(guessed, relative, problems)
    return _Article(article_id=stem, path=relative, text=document.text, metadata=metadata)


def _read_corpus(
    text: str,
    file: Path,
    relative: str,
    encoding: str,
    max_article_bytes: int,
    problems: _Problems,
) -> list[_Article]:
    """A ``.jsonl`` or ``.csv`` corpus: one article per row, a ``text`` column."""
    records: list[tuple[int, dict[str, Any]]] = []
    if file.suffix.lower() == ".jsonl":
        records = list(_jsonl_records([text], relative, problems))
    else:
        try:
            reader = csv.DictReader(io.StringIO(text))
            # Row numbers count the header as line 1, as a spreadsheet shows them.
            records = [(number, dict(row)) for number, row in enumerate(reader, start=2)]
        except csv.Error as error:
            problems.add(relative, "skipped", f"CSV could not be parsed: {error}")
            return []
        if reader.fieldnames is not None and "text" not in reader.fieldnames:
            problems.add(relative, "skipped", "corpus has no 'text' column")
            return []

    articles = []
    for number, record in records:
        article = _corpus_article(
            number, record, file, relative, encoding, max_article_bytes, problems
        )
        if article is not None:
            articles.append(article)
    return articles


def _jsonl_records(
    pieces: Iterable[str], relative: str, problems: _Problems
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The JSON objects of a JSON-lines text given in pieces, with their line numbers.

    ``pieces`` is the whole text or consecutive parts of it each ending at a "\\n".
    Lines end at "\\n" only (a "\\r" before it is dropped), as JSON Lines says: a raw
    U+2028 or form feed inside a string is text, not a line break, though
    ``str.splitlines`` would cut there. Line numbers do not depend on the cut.
    """
    number = 0
    for piece in pieces:
        lines = piece.split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # the piece ended with its last line's "\n"
        for line in lines:
            line = line.removesuffix("\r")
            number += 1
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                problems.add(f"{relative}#{number}", "skipped", f"not valid JSON: {error.msg}")
                continue
            if not isinstance(record, dict):
                problems.add(f"{relative}#{number}", "skipped", "row is not a JSON object")
                continue
            yield number, record


def _corpus_article(
    number: int,
    record: dict[str, Any],
    file: Path,
    relative: str,
    encoding: str,
    max_article_bytes: int,
    problems: _Problems,
) -> _Article | None:
    """One corpus row as an article, or None (with the reason noted) when it has no usable text."""
    where = f"{relative}#{number}"
    body = record.get("text")
    if not isinstance(body, str) or not body.strip():
        problems.add(where, "skipped", "row has no text")
        return None
    if len(body.encode("utf-8")) > max_article_bytes:
        problems.add(where, "skipped", f"text over the limit of {max_article_bytes:,} bytes")
        return None
    raw_id = next((record[c] for c in ID_COLUMNS if record.get(c) not in (None, "")), None)
    article_id = str(raw_id) if raw_id is not None else f"{file.stem}-{number:05d}"
    metadata = _metadata_from(record, where, problems)
    return _Article(
        article_id=article_id, path=where, text=body, encoding=encoding, metadata=metadata
    )


def _metadata_from(record: dict[str, Any], where: str, problems: _Problems) -> dict[str, str]:
    """Pick the metadata keys from a record as clean strings; dates become ISO."""
    metadata: dict[str, str] = {}
    for key in METADATA_KEYS:
        value = record.get(key)
        if value is None:
            continue
        if key == "published":
            iso = normalise_date(value)
            if iso is None:
                problems.add(where, "repaired", f"published {value!r} is not a date; left empty")
                continue
            metadata[key] = iso
        else:
            metadata[key] = str(value).strip()
    return metadata


def normalise_date(value: Any) -> str | None:
    """Return ``value`` as an ISO date string, or None when it is not a date.

    Keeps the precision given: ``2025``, ``2025-06`` and ``2025-06-15`` stay as
    they are; full timestamps and written dates ("15 June 2025") become
    ``YYYY-MM-DD``; empty input gives "".
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return ""
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        try:
            date.fromisoformat(text if len(text) == 10 else f"{text}-01-01"[:10])
        except ValueError:
            return None
        return text
    try:
        return date_parser.parse(text, dayfirst=False, fuzzy=False).date().isoformat()
    except (ValueError, OverflowError, TypeError):
        return None


@cache
def _language_lexicon() -> dict[str, Any]:
    """The language lexicon, with a compiled character class per script (built once)."""
    path = resources.files("lossledger") / "lexicons" / "languages.yaml"
    lexicon = yaml.safe_load(path.read_text(encoding="utf-8"))
    for script in lexicon["scripts"]:
        ranges = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in script["ranges"])
        script["pattern"] = re.compile(f"[{ranges}]")
    return lexicon


_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str:
    """Guess the language of ``text``; return an ISO 639-1 code, or "" when unsure.

    A text mostly in a non-Latin script takes that script's language (letters
    peculiar to one language decide between those sharing the script); a text in
    Latin script takes the language whose commonest short words make up the
    largest share of its words. Word lists: ``lexicons/languages.yaml``.
    """
    lexicon = _language_lexicon()
    sample = text[:20_000]
    letters = len(_LETTER.findall(sample))
    if letters < lexicon["min_letters"]:
        return ""
    for script in lexicon["scripts"]:
        if len(script["pattern"].findall(sample)) / letters > 0.5:
            for code, marks in (script.get("markers") or {}).items():
                if any(mark in sample for mark in marks):
                    return code
            return str(script["code"])
    words = [w.lower() for w in _WORD.findall(sample)]
    if not words:
        return ""
    counts = Counter(words)
    shares = {
        code: sum(counts[w] for w in set(vocabulary)) / len(words)
        for code, vocabulary in lexicon["function_words"].items()
    }
    best = max(shares, key=lambda code: shares[code])
    return best if shares[best] >= lexicon["min_share"] else ""


def _unique_ids(articles: list[_Article], problems: _Problems) -> list[_Article]:
    """Make article ids unique: a clash takes the file's relative path, then a counter."""
    counts: dict[str, int] = {}
    for article in articles:
        counts[article.article_id] = counts.get(article.article_id, 0) + 1
    taken: set[str] = set()
    for article in articles:
        original = article.article_id
        candidate = original if counts[original] == 1 else article.path
        suffix = 2
        unique = candidate
        while unique in taken:
            unique = f"{candidate}~{suffix}"
            suffix += 1
        if unique != original:
            problems.add(article.path, "renamed", f"id {original!r} is taken; using {unique!r}")
        article.article_id = unique
        taken.add(unique)
    return articles


def _to_row(article: _Article) -> dict[str, Any]:
    text = article.text
    row: dict[str, Any] = {key: article.metadata.get(key, "") for key in METADATA_KEYS}
    row["language_detected"] = detect_language(text)
    row.update(
        article_id=article.article_id,
        path=article.path,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        encoding=article.encoding,
        n_chars=len(text),
        note="",  # filled by _drop_duplicate_texts when other files had the same text
    )
    return row


def _drop_duplicate_texts(articles: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """Keep the first article (by id) of each identical text; note the others on it."""
    if articles.empty:
        return articles
    keep = ~articles.duplicated("sha256", keep="first")
    kept = articles[keep].copy()
    first_of = dict(zip(kept["sha256"], kept["article_id"], strict=True))
    also: dict[str, list[str]] = {}
    for _, duplicate in articles[~keep].iterrows():
        original = first_of[duplicate["sha256"]]
        also.setdefault(original, []).append(duplicate["article_id"])
        problems.add(
            duplicate["path"],
            "merged",
            f"same text as {original!r}; counted once under that id",
        )
    for original, others in also.items():
        position = kept.index[kept["article_id"] == original][0]
        note = f"same text also as {', '.join(others)}"
        existing = kept.at[position, "note"]
        kept.at[position, "note"] = f"{existing}; {note}" if existing else note
    return kept.reset_index(drop=True)


# --------------------------------------------------------------------------- streaming

DEFAULT_BATCH_ARTICLES = 1000
# Where the stream keeps an article's text between the two passes (see ArticleStream).
_SPILL_COLUMNS: list[str] = ["_spill_offset", "_spill_length"]
# How many characters at the start of a file the binary test looks at (as _looks_binary).
_BINARY_SAMPLE_CHARS = 20_000


class ArticleStream:
    """The articles under a path, handed out as tables of at most ``batch_size`` rows.

    Made by :func:`stream_articles`. What ``load_articles_report(path)`` would give,
    without holding every text at once: the tables that iterating yields, put
    together, are row for row the articles table of :func:`load_articles_report`
    (same columns, dtypes, ids, order and index), and :attr:`skipped` is its table
    of skipped, repaired, renamed and merged files, known before the first batch.

    How: a first pass reads every file once (a ``.jsonl``/``.csv`` corpus line by
    line), decides ids, duplicates and metadata exactly as the loader does, keeps
    per article only its metadata, hash and where its text sits in a temporary
    spill file, and writes the text there. Iterating reads the texts of one batch
    at a time back from that file, in the articles table's order (by id). So
    memory holds the per-article index (ids, hashes, metadata: a few hundred
    bytes an article) and one batch, and the spill needs temporary disk space
    about the size of the corpus' text (in ``spill_dir``, default the system's
    temporary folder, ``TMPDIR``). The stream can be iterated more than once
    (the ledger reads the articles, then the claims made from them).

    Close it (or use it as a context manager) to delete the spill file at once.
    """

    def __init__(
        self, index: pd.DataFrame, skipped: pd.DataFrame, spill: _Spill, batch_size: int
    ) -> None:
        self._index = index
        self._spill = spill
        self.skipped = skipped
        self.batch_size = batch_size

    @property
    def n_articles(self) -> int:
        """How many articles (rows of the articles table) the stream yields in all."""
        return len(self._index)

    @property
    def index(self) -> pd.DataFrame:
        """The articles table without its texts (``text`` is ""): ids, hashes, metadata."""
        return self._index.drop(columns=_SPILL_COLUMNS)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """Yield the articles table in consecutive slices of at most ``batch_size`` rows.

        At least one table is yielded (an empty one when no article was loaded),
        so the columns are known whatever the input.
        """
        if self._index.empty:
            yield self.index
            return
        for begin in range(0, len(self._index), self.batch_size):
            part = self._index.iloc[begin : begin + self.batch_size]
            texts = [
                self._spill.read(int(offset), int(length))
                for offset, length in zip(part["_spill_offset"], part["_spill_length"], strict=True)
            ]
            batch = part.drop(columns=_SPILL_COLUMNS)
            # Assigning a list of str gives the column the dtype tidy gave the whole table.
            batch["text"] = texts
            yield batch

    def close(self) -> None:
        """Delete the spill file; the stream yields nothing more afterwards."""
        self._spill.close()

    def __enter__(self) -> ArticleStream:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def stream_articles(
    path: str | Path,
    *,
    batch_size: int = DEFAULT_BATCH_ARTICLES,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    non_english: str = "process",
    spill_dir: str | Path | None = None,
) -> ArticleStream:
    """Read every article under ``path`` once; return them as a stream of batches.

    In: the same ``path``, ``max_file_bytes`` and ``non_english`` as
    :func:`load_articles_report`; ``batch_size``, the most articles in one
    yielded table; ``spill_dir``, where the texts wait between the two passes.
    Out: an :class:`ArticleStream`; iterating it yields the articles table in
    batches, and its ``skipped`` attribute is the loader's table of problems.

    Raises ArticlesInputError like the loader (missing path, nothing to read),
    before any text is read; ValueError when ``batch_size`` is not positive.
    A non-UTF-8 corpus file (or a UTF-16 one) is decoded whole, as the loader
    does, since its encoding is guessed from all its bytes; UTF-8 corpora, the
    usual case, are read line by line.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive number of articles, not {batch_size!r}")
    root = resolve(path)
    problems = _Problems()
    folder, files = _article_files(root, problems)
    sources = _read_sources(folder, problems)
    spill = _Spill(spill_dir)
    try:
        stubs: list[_Article] = []
        rows: list[dict[str, Any]] = []
        seen_files: set[str] = set()
        for file in files:
            relative = file.relative_to(folder).as_posix()
            seen_files.add(relative)
            override = {k: v for k, v in sources.get(relative, {}).items() if v}
            for stub, row in _scan_file(file, relative, max_file_bytes, problems, spill):
                if override:
                    stub.metadata.update(override)
                    row.update(override)  # sources.csv wins, as in the loader
                stubs.append(stub)
                rows.append(row)
        for listed in sorted(set(sources) - seen_files):
            if root.is_dir():
                problems.add(
                    SOURCES_FILE, "warning", f"lists {listed!r}, which is not in the folder"
                )

        kept = []
        for stub, row in zip(_unique_ids(stubs, problems), rows, strict=True):
            row["article_id"] = stub.article_id  # _unique_ids may have renamed it
            if _keep_language(row, non_english, problems):
                kept.append(row)
        del stubs, rows
        columns = ARTICLE_COLUMNS + ARTICLE_EXTRA_COLUMNS
        index = tidy(
            pd.DataFrame(kept, columns=columns + _SPILL_COLUMNS), columns, sort_by=["article_id"]
        )
        index = _drop_duplicate_texts(index, problems)
    except BaseException:
        spill.close()
        raise
    skipped = tidy(
        pd.DataFrame(problems.rows, columns=SKIPPED_COLUMNS),
        SKIPPED_COLUMNS,
        sort_by=["path", "action", "reason"],
    )
    return ArticleStream(index, skipped, spill, batch_size)


class _Spill:
    """An anonymous temporary file of article texts, read back by (offset, length).

    The file has no name on disk (``tempfile.TemporaryFile``), so the system
    removes it when it is closed or the process ends, however it ends.
    """

    def __init__(self, folder: str | Path | None) -> None:
        # Not a with block: the file lives as long as the stream that reads from it.
        self._file = tempfile.TemporaryFile(prefix="lossledger-articles-", dir=folder)  # noqa: SIM115
        self._size = 0

    def write(self, text: str) -> tuple[int, int]:
        # surrogatepass: a JSON "\ud800" escape gives a lone surrogate, which plain UTF-8 refuses.
        data = text.encode("utf-8", errors="surrogatepass")
        self._file.seek(self._size)
        self._file.write(data)
        offset, self._size = self._size, self._size + len(data)
        return offset, len(data)

    def read(self, offset: int, length: int) -> str:
        self._file.seek(offset)
        return self._file.read(length).decode("utf-8", errors="surrogatepass")

    def close(self) -> None:
        self._file.close()


def _scan_file(
    file: Path, relative: str, max_file_bytes: int, problems: _Problems, spill: _Spill
) -> list[tuple[_Article, dict[str, Any]]]:
    """One file's articles as (stub without text, articles-table row); texts go to ``spill``.

    The row's ``text`` is "" and its spill columns say where the text is. A UTF-8
    corpus is read line by line; anything else goes through the loader's own
    reader (a single article file is at most ``max_file_bytes``).
    """
    if file.suffix.lower() in CORPUS_SUFFIXES:
        streamed = _scan_corpus(file, relative, max_file_bytes, spill)
        if streamed is not None:
            found, file_problems = streamed
            problems.rows.extend(file_problems.rows)
            return found
    return [
        _spilled(article, spill) for article in _read_file(file, relative, max_file_bytes, problems)
    ]


def _spilled(article: _Article, spill: _Spill) -> tuple[_Article, dict[str, Any]]:
    """The article's row (as the loader makes it) with its text moved to the spill file."""
    row = _to_row(article)
    row["_spill_offset"], row["_spill_length"] = spill.write(article.text)
    row["text"] = ""
    article.text = ""  # the stub keeps what _unique_ids needs: id and path
    return article, row


@dataclass
class _CorpusScan:
    """What reading a corpus file line by line found out about the file as a whole."""

    has_nul: bool = False
    sample: list[str] = field(default_factory=list)
    sample_chars: int = 0

    def watch(self, lines: Iterable[str]) -> Iterator[str]:
        """Pass the lines on, noting NUL characters and keeping the first characters."""
        for line in lines:
            if "\x00" in line:
                self.has_nul = True
            if self.sample_chars < _BINARY_SAMPLE_CHARS:
                self.sample.append(line)
                self.sample_chars += len(line)
            yield line

    def looks_binary(self) -> bool:
        """The loader's binary test, on the whole file (NUL) and its first characters."""
        return self.has_nul or _looks_binary("".join(self.sample)[:_BINARY_SAMPLE_CHARS])


def _scan_corpus(
    file: Path, relative: str, max_article_bytes: int, spill: _Spill
) -> tuple[list[tuple[_Article, dict[str, Any]]], _Problems] | None:
    """A UTF-8 ``.jsonl``/``.csv`` corpus read line by line, with the loader's verdicts.

    Out: the articles found (texts spilled) and the file's problems, exactly as
    :func:`_read_file` would note them; or None when the file must be read whole
    by the loader instead: empty, UTF-16, or not valid UTF-8 (its encoding is
    then guessed from all its bytes). Whole-file verdicts (binary, CSV that does
    not parse, no ``text`` column) are only known at the end, so the rows found
    until then are dropped again and the problems replaced by that one reason;
    the spilled texts of such a file are simply never read back.
    """
    if file.stat().st_size == 0:
        return None
    problems = _Problems()
    scan = _CorpusScan()
    found: list[tuple[_Article, dict[str, Any]]] = []
    verdict = ""
    with file.open("rb") as raw:
        head = raw.read(4)
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None
        raw.seek(0)
        # As decode_bytes: a BOM means UTF-8 with bad bytes replaced; without one, strict
        # UTF-8 or the whole-file guess. newline="\n" splits lines as io.StringIO(text) does.
        bom = head.startswith(b"\xef\xbb\xbf")
        encoding = "utf-8-sig" if bom else "utf-8"
        text = io.TextIOWrapper(
            raw, encoding=encoding, errors="replace" if bom else "strict", newline="\n"
        )
        lines = scan.watch(text)
        try:
            if file.suffix.lower() == ".jsonl":
                records: Iterable[tuple[int, dict[str, Any]]] = _jsonl_records(
                    lines, relative, problems
                )
                for number, record in records:
                    article = _corpus_article(
                        number, record, file, relative, encoding, max_article_bytes, problems
                    )
                    if article is not None:
                        found.append(_spilled(article, spill))
            else:
                verdict = _scan_csv(
                    lines, file, relative, encoding, max_article_bytes, problems, found, spill
                )
            for _ in lines:  # a CSV stopped early: the rest still decides "binary"
                pass
        except UnicodeDecodeError:
            return None
    if scan.looks_binary():
        verdict = "binary file (control characters), not text"
    if verdict:
        problems = _Problems()
        problems.add(relative, "skipped", verdict)
        return [], problems
    return found, problems


def _scan_csv(
    lines: Iterator[str],
    file: Path,
    relative: str,
    encoding: str,
    max_article_bytes: int,
    problems: _Problems,
    found: list[tuple[_Article, dict[str, Any]]],
    spill: _Spill,
) -> str:
    """Read a CSV corpus's rows into ``found``; return the reason to skip the whole file, or ""."""
    reader = csv.DictReader(lines)
    try:
        has_text = reader.fieldnames is None or "text" in reader.fieldnames
        # Row numbers count the header as line 1, as a spreadsheet shows them.
        for number, row in enumerate(reader, start=2):
            if has_text:
                article = _corpus_article(
                    number, dict(row), file, relative, encoding, max_article_bytes, problems
                )
                if article is not None:
                    found.append(_spilled(article, spill))
    except csv.Error as error:
        # The loader parses every row before looking at the header: a parse error wins.
        return f"CSV could not be parsed: {error}"
    return "" if has_text else "corpus has no 'text' column"
