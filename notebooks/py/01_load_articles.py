# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. Load the articles
#
# **Reads** the folder `articles`: plain text, Markdown (with optional YAML front matter),
# HTML pages (main text only), and `.jsonl`/`.csv` corpora with one article per row, plus a
# `sources.csv` giving each file's outlet, publication date, URL, title and language.
#
# **Writes** `tables/articles.csv` (one row per distinct article) and `tables/skipped.csv`
# (every file or row that was skipped, repaired or merged, with the reason) into the run folder.
#
# **To use your own articles**, change `articles` below, or run
# `lossledger run --articles PATH`. Run the notebooks in order: each reads what the one before
# wrote.

# %% tags=["parameters"]
articles: str = "data/articles"  # folder (or one file) of articles, relative to the project root
max_file_mb: float = 5.0  # files (and corpus rows) larger than this many megabytes are skipped
non_english: str = "process"  # articles not in English: "process" them (flagged) or "skip" them
top_n: int = 25  # rows shown in a notebook's tables; the full tables go to tables/
run_dir: str = "outputs/lab"  # run folder to read from and write to (the runner sets it)

# %%
from lossledger import workbook
from lossledger.articles import load_articles_report

run = workbook.open_run(
    run_dir, articles=articles, max_file_mb=max_file_mb, non_english=non_english, top_n=top_n
)

# %% [markdown]
# ## The articles
#
# Each article becomes one row. Where the folder gives no outlet, the outlet stays empty:
# the workbook does not guess who published a text.

# %%
article_table, skipped = load_articles_report(
    articles, max_file_bytes=round(max_file_mb * 1e6), non_english=non_english
)
run.write("articles", article_table)
run.write("skipped", skipped)
print(workbook.articles_summary(article_table, skipped))
workbook.head(
    workbook.with_outlet_label(article_table),
    ["article_id", "outlet_label", "published", "title", "language", "n_chars", "note"],
    top_n,
)

# %% [markdown]
# ## Files skipped or repaired
#
# Nothing is dropped silently: an unreadable, empty, oversized or duplicate file is listed
# here with the reason, and the rest of the folder is processed. Articles that are not in
# English are flagged (the word lists are English) or, with `non_english = "skip"`, left out.

# %%
workbook.head(skipped, ["path", "action", "reason"], top_n)
