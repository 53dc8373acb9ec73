"""Article text is data, never markup: a hostile articles folder through the whole workbook.

``tests/data/hostile`` holds two newsy articles (figures, quotations, sources) laced with
script tags, event-handler attributes, ``javascript:`` links, Markdown, ``$$`` mathematics and
HTML comments, and a ``sources.csv`` whose outlet names and titles are markup too. The folder
goes through ``lossledger run`` as a user would run it; then every HTML report, every
``text/html`` output of the executed notebooks and every table is checked:

- the reports carry no script but nbconvert's own (those an empty notebook exported with the
  same template carries), no ``on*`` attribute, no ``javascript:`` address, no image that is not
  an embedded figure, and none of the article's comments, headings or emphasis as markup;
- the hostile strings are there, as text, escaped in the page's source;
- the CSV tables keep every string exactly as the article or ``sources.csv`` gave it.
"""

from __future__ import annotations

import csv
import html
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import matplotlib as mpl
import nbformat
import pandas as pd
import pytest

from lossledger import workbook
from lossledger.runner import NOTEBOOKS
from tests.conftest import REPO

HOSTILE = REPO / "tests" / "data" / "hostile"
VARIANTS = ("reader", "full")

# Markup from the hostile folder that the reports show (pandas cuts cells at 50 characters),
# which a reader must see as typed, characters and all.
SHOWN_AS_TEXT: tuple[str, ...] = (
    "<b onmouseover=alert(4)>Wire Outlet</b>",
    '<img src=x onerror=alert(14)>"Feature" & Co $5',
    "<script>alert(15)</script><!-- c -->",
    "# **Bold** $$t$$ [x](javascript:alert(13))",
    "# Help **now** [go](javascript:alert(3)) <u>x</u>",
    "<!-- hidden comment: <script>alert(7)</script>",
    "Another 1,200 bodies <img src=x onerror=alert(",
)
# Words of the hostile articles that must never be an element's own text (a heading, bold,
# a link, a comment) as they would be if the markup around them were live.
ARTICLE_WORDS: tuple[str, ...] = (
    "alert(",
    "Wire Outlet",
    "Feature",
    "Bold",
    "bold claim",
    "Help",
    "heading inside",
    "Bodies returned",
    "overlay",
    "hidden comment",
    "must stay text",
)
# Tags that have no business in a report beyond what nbconvert's template itself emits.
DANGEROUS_TAGS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "svg", "math", "form", "base", "meta"}
)
# Attributes whose value is an address a browser may follow or load.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
)
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
EMPHASIS = frozenset({"a", "b", "i", "em", "strong", "u", "mark", "div", "span"})


@dataclass
class Markup:
    """What a browser would build from an HTML page: elements, scripts, comments, text."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    scripts: list[tuple[tuple[tuple[str, str], ...], str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # (tag, text) for each text node, with the innermost open element it sits in.
    placed: list[tuple[str, str]] = field(default_factory=list)


class _Auditor(HTMLParser):
    """Collect a page's elements, script bodies, comments and text nodes (stdlib parser)."""

    VOID = frozenset(
        {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Markup()
        self._open: list[str] = []
        self._script: list[str] | None = None
        self._script_attrs: tuple[tuple[str, str], ...] = ()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): value or "" for name, value in attrs}
        self.found.tags.append((tag, values))
        if tag == "script":
            self._script = []
            self._script_attrs = tuple(sorted(values.items()))
        if tag not in self.VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.tags.append((tag, {name.lower(): value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.found.scripts.append((self._script_attrs, "".join(self._script).strip()))
            self._script = None
        if tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        if self._open and self._open[-1] == "style":
            return
        self.found.texts.append(data)
        self.found.placed.append((self._open[-1] if self._open else "", data))

    def handle_comment(self, data: str) -> None:
        self.found.comments.append(data)


def parse(page: str) -> Markup:
    """Parse ``page`` the forgiving way a browser does and return what it holds."""
    auditor = _Auditor()
    auditor.feed(page)
    auditor.close()
    return auditor.found


def _template_baseline() -> Markup:
    """What nbconvert's ``lab`` template puts into a page around an empty notebook."""
    from nbconvert import HTMLExporter

    baseline = Markup()
    for hide_code in (True, False):
        exporter = HTMLExporter(template_name="lab")
        exporter.exclude_input = hide_code
        body, _ = exporter.from_notebook_node(nbformat.v4.new_notebook())
        found = parse(body)
        baseline.scripts += found.scripts
        baseline.tags += found.tags
        baseline.comments += found.comments
    return baseline


def _is_script_address(value: str) -> bool:
    """True for ``javascript:``/``vbscript:``/``data:text/html`` addresses, however spelled."""
    squeezed = "".join(ch for ch in html.unescape(value) if ch > " ").lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text/html"))


def markup_problems(found: Markup, allowed_scripts: set[tuple[object, str]]) -> list[str]:
    """Every way hostile input could have become live markup in ``found``; [] when none."""
    problems = []
    for attrs, body in found.scripts:
        if (attrs, body) not in allowed_scripts:
            problems.append(f"a script that is not nbconvert's own: {dict(attrs)} {body[:80]!r}")
    for tag, attrs in found.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"<{tag}> with an event handler {name}={value!r}")
            if name in URL_ATTRIBUTES and _is_script_address(value):
                problems.append(f"<{tag}> with {name}={value!r}")
            if "alert(" in value:
                problems.append(f"<{tag}> with article text in its {name} attribute: {value!r}")
        if tag == "img" and not attrs.get("src", "").startswith("data:image/png;base64,"):
            problems.append(f"an image that is not an embedded figure: {attrs}")
    for comment in found.comments:
        if any(word in comment for word in ARTICLE_WORDS):
            problems.append(f"article text turned into an HTML comment: {comment[:80]!r}")
    for tag, text in found.placed:
        if (tag in HEADINGS or tag in EMPHASIS) and any(
            text.strip() == word or text.strip().startswith(word) for word in ARTICLE_WORDS
        ):
            problems.append(f"article text rendered as <{tag}>: {text[:80]!r}")
    return problems


def dangerous_tag_counts(found: Markup) -> dict[str, int]:
    counts: dict[str, int] = {}
    for tag, _ in found.tags:
        if tag in DANGEROUS_TAGS:
            counts[tag] = counts.get(tag, 0) + 1
    return counts


@pytest.fixture(scope="module")
def baseline() -> Markup:
    return _template_baseline()


@pytest.fixture(scope="module")
def allowed_scripts(baseline: Markup) -> set[tuple[object, str]]:
    assert baseline.scripts, "nbconvert's lab template emits its own scripts; found none"
    assert not any("alert(" in body for _, body in baseline.scripts)
    return set(baseline.scripts)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the whole workbook on the hostile folder, in a child process; return the run."""
    out = tmp_path_factory.mktemp("hostile") / "out"
    result = subprocess.run(
        [sys.executable, "-m", "lossledger", "run", "--articles", str(HOSTILE), "--out", str(out)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runs = [p for p in out.iterdir() if (p / "manifest.json").is_file()]
    assert len(runs) == 1, runs
    manifest = json.loads((runs[0] / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok", manifest
    return runs[0]


def _reports(run: Path) -> Iterator[Path]:
    for variant in VARIANTS:
        for name in NOTEBOOKS:
            yield run / "html" / variant / f"{name}.html"


def _html_outputs(run: Path) -> Iterator[tuple[str, str]]:
    """(where, html) for every ``text/html`` output of the run's executed notebooks."""
    for name in NOTEBOOKS:
        notebook = nbformat.read(run / "executed" / f"{name}.ipynb", as_version=4)
        for number, cell in enumerate(notebook.cells, start=1):
            for output in cell.get("outputs", []):
                data = output.get("data", {}).get("text/html")
                if data is not None:
                    page = data if isinstance(data, str) else "".join(data)
                    yield f"{name} cell {number}", page


pytestmark = pytest.mark.slow


def test_the_hostile_folder_is_read_and_yields_claims(hostile_run: Path) -> None:
    articles = pd.read_csv(hostile_run / "tables" / "articles.csv", dtype=str)
    claims = pd.read_csv(hostile_run / "tables" / "claims.csv", dtype=str)
    assert sorted(articles["article_id"]) == ["hostile_feature", "hostile_wire"]
    for kind in ("figure", "quote"):
        per_article = claims[claims["kind"] == kind].groupby("article_id").size()
        assert set(per_article.index) == {"hostile_feature", "hostile_wire"}, kind


def test_every_report_is_free_of_live_hostile_markup(
    hostile_run: Path, baseline: Markup, allowed_scripts: set[tuple[object, str]]
) -> None:
    expected = dangerous_tag_counts(baseline)
    reports = list(_reports(hostile_run))
    assert all(path.is_file() for path in reports), reports
    problems = []
    for path in reports:
        found = parse(path.read_text(encoding="utf-8"))
        where = f"{path.parent.name}/{path.name}"
        problems += [f"{where}: {p}" for p in markup_problems(found, allowed_scripts)]
        for tag, count in dangerous_tag_counts(found).items():
            # Each of the two template variants was exported once into the baseline.
            if count > expected.get(tag, 0) // len(VARIANTS):
                problems.append(f"{where}: {count} <{tag}> element(s) beyond the template's")
    assert problems == []


def test_hostile_strings_are_shown_escaped_in_the_reports(hostile_run: Path) -> None:
    for variant in VARIANTS:
        pages = {
            path.name: path.read_text(encoding="utf-8")
            for path in (hostile_run / "html" / variant).glob("*.html")
        }
        texts = {name: "".join(parse(page).texts) for name, page in pages.items()}
        for shown in SHOWN_AS_TEXT:
            carriers = [name for name, text in texts.items() if shown in text]
            assert carriers, f"{variant}: {shown!r} is not shown as text in any report"
            for name in carriers:
                # Visible as typed, so in the source its brackets must be escaped
                # (quotation marks may or may not be: compare up to the first one).
                escaped = html.escape(shown, quote=False).split('"')[0]
                assert escaped in pages[name], f"{variant}/{name}: {escaped!r}"
        for name, page in pages.items():
            for raw in ("<script>alert", "<img src=x", "<b onmouseover", "<svg onload", "<u>x"):
                assert raw not in page, f"{variant}/{name} holds {raw!r} unescaped"
        assert "&lt;script&gt;alert(15)&lt;/script&gt;" in pages["01_load_articles.html"]


def test_notebook_html_outputs_are_free_of_live_hostile_markup(hostile_run: Path) -> None:
    outputs = list(_html_outputs(hostile_run))
    assert len(outputs) >= 8, "the notebooks show their tables as HTML"
    problems = []
    for where, page in outputs:
        found = parse(page)
        problems += [f"{where}: {p}" for p in markup_problems(found, allowed_scripts=set())]
        problems += [f"{where}: <{tag}>" for tag in dangerous_tag_counts(found)]
    assert problems == []
    shown = "".join("".join(parse(page).texts) for _, page in outputs)
    for markup in SHOWN_AS_TEXT:
        assert markup in shown, markup


def test_no_output_is_markdown_latex_or_javascript_carrying_article_text(
    hostile_run: Path,
) -> None:
    for name in NOTEBOOKS:
        executed = nbformat.read(hostile_run / "executed" / f"{name}.ipynb", as_version=4)
        source = nbformat.read(REPO / "notebooks" / f"{name}.ipynb", as_version=4)
        for cell in executed.cells:
            for output in cell.get("outputs", []):
                for mime in ("text/markdown", "text/latex", "application/javascript"):
                    assert mime not in output.get("data", {}), f"{name}: a {mime} output"
        # Markdown cells are the notebook's own prose: article text never lands in them.
        ours = [c.source for c in source.cells if c.cell_type == "markdown"]
        theirs = [c.source for c in executed.cells if c.cell_type == "markdown"]
        assert theirs == ours, name


def test_tables_holding_dollar_signs_are_kept_from_mathjax(hostile_run: Path) -> None:
    for where, page in _html_outputs(hostile_run):
        found = parse(page)
        if "$" not in "".join(found.texts):
            continue
        tables = [attrs for tag, attrs in found.tags if tag == "table"]
        assert tables, where
        for attrs in tables:
            classes = attrs.get("class", "").split()
            assert "tex2jax_ignore" in classes, where
            assert "mathjax_ignore" in classes, where


def test_text_as_data_marks_tables_for_mathjax_to_skip() -> None:
    table = pd.DataFrame({"text": ["costs of $5 and $10 million", "$$x^2$$"]})
    with pd.option_context("display.html.use_mathjax", True), mpl.rc_context():
        assert "tex2jax_ignore" not in table._repr_html_()
        workbook.text_as_data()
        shown = table._repr_html_()
        workbook.text_as_data()
        assert table._repr_html_() == shown
    assert 'class="dataframe tex2jax_ignore mathjax_ignore"' in shown
    assert "costs of $5 and $10 million" in shown


DOLLAR_QUOTE = "“We paid $$x^2$$ and $5 for $10 of fuel,”"


def _dollar_grid() -> pd.DataFrame:
    """An outlet grid whose one claim group is labelled with a quotation full of dollars."""
    return pd.DataFrame(
        {
            "group_id": ["g1", "g1"],
            "article_id": ["a", "b"],
            "label": [DOLLAR_QUOTE, DOLLAR_QUOTE],
            "mark": ["present", "absent"],
        }
    )


def test_charts_show_dollar_signs_verbatim(tmp_path: Path) -> None:
    from lossledger import plots

    with mpl.rc_context():
        figure = plots.outlet_agreement(_dollar_grid())
        paths = plots.save_figure(figure, tmp_path, "dollars")
    assert all(path.stat().st_size > 0 for path in paths)
    assert "$$x^2$$" in paths[1].read_text(encoding="utf-8")


def test_a_chart_label_with_dollar_signs_draws_in_the_house_style(tmp_path: Path) -> None:
    """Even where matplotlib would parse maths, the house style keeps a "$" as text."""
    from lossledger import plots

    with mpl.rc_context({"text.parse_math": True}):
        figure = plots.outlet_agreement(_dollar_grid())
        paths = plots.save_figure(figure, tmp_path, "dollars")
    assert "$$x^2$$" in paths[1].read_text(encoding="utf-8")


def test_reports_embed_the_charts(hostile_run: Path) -> None:
    for name, least in (("03_compare_outlets", 1), ("04_official_vs_independent", 2)):
        for variant in VARIANTS:
            page = (hostile_run / "html" / variant / f"{name}.html").read_text(encoding="utf-8")
            images = [attrs for tag, attrs in parse(page).tags if tag == "img"]
            assert len(images) >= least, f"{variant}/{name}: {len(images)} chart(s)"


def test_save_and_show_displays_the_png_it_saved(tmp_path: Path) -> None:
    from lossledger import plots

    run = workbook.RunFolder(tmp_path)
    figure = plots.outlet_agreement(_dollar_grid())
    shown = run.save_and_show(figure, "dollars")
    assert shown.data.startswith(b"\x89PNG")
    assert shown.data == (tmp_path / "figures" / "dollars.png").read_bytes()
    assert (tmp_path / "figures" / "dollars.svg").is_file()
    assert shown.width == round(figure.get_figwidth() * 100)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tables_keep_the_hostile_text_verbatim(hostile_run: Path) -> None:
    tables = hostile_run / "tables"
    articles = {row["article_id"]: row for row in _rows(tables / "articles.csv")}
    given = {row["file"]: row for row in _rows(HOSTILE / "sources.csv")}
    for article in articles.values():
        source = given[article["path"]]
        for column in ("outlet", "published", "url", "title"):
            assert article[column] == source[column], column
    wire = (HOSTILE / "hostile_wire.txt").read_text(encoding="utf-8")
    assert articles["hostile_wire"]["text"].strip() == wire.strip()
    feature = (HOSTILE / "hostile_feature.md").read_text(encoding="utf-8")
    body = feature.split("---\n", 2)[2]
    assert articles["hostile_feature"]["text"].strip() == body.strip()

    claims = _rows(tables / "claims.csv")
    for claim in claims:
        text = articles[claim["article_id"]]["text"]
        assert text[int(claim["start"]) : int(claim["end"])] == claim["text"], claim["claim_id"]
        assert claim["sentence"] in text, claim["claim_id"]
        assert claim["outlet"] == articles[claim["article_id"]]["outlet"]
    sentences = "\n".join(claim["sentence"] for claim in claims)
    for shown in ("<img src=x onerror=alert(2)>", "$$x^2 + \\alpha$$", "**bold claim**"):
        assert shown in sentences
    for name in ("claim_groups", "staleness", "estimates"):
        assert (tables / f"{name}.csv").is_file(), name
