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
# # 2. Extract the claims
#
# **Reads** `tables/articles.csv` from the run folder (written by notebook 1).
#
# **Writes** `tables/claims.csv`: one row per figure about people or bodies, with its hedge
# ("more than", "as many as"), what is counted, whose losses, who asserts it and as of when;
# and one row per direct quotation with its speaker. Every row keeps its article, character
# offsets and sentence, so each claim can be traced back to the text.
#
# Articles already in the ledger (same text, same extractor version) are not extracted again:
# their stored claims are reused.

# %% tags=["parameters"]
backend: str = "serial"  # where extraction runs: "serial", "processes" (every core) or "dask"
scheduler_address: str = ""  # with backend "dask": scheduler address; "" for a local cluster
ledger: str = ""  # DuckDB ledger of earlier runs; "" for ledger.duckdb in the outputs folder
top_n: int = 25  # rows shown in a notebook's tables; the full tables go to tables/
run_dir: str = "outputs/lab"  # run folder to read from and write to (the runner sets it)

# %%
from lossledger import workbook
from lossledger.schema import ARTICLE_COLUMNS

run = workbook.open_run(
    run_dir,
    backend=backend,
    scheduler_address=scheduler_address,
    ledger=ledger,
    top_n=top_n,
)
article_table = run.read("articles", ARTICLE_COLUMNS)

# %%
claims, reuse_note = workbook.extract_with_ledger(
    article_table, ledger, backend=backend, scheduler_address=scheduler_address
)
run.write("claims", claims)
print(reuse_note)
print(workbook.claims_summary(claims, article_table))

# %% [markdown]
# ## Figures
#
# A hedge is kept as a bound, never rounded into a point: "more than 46,000" has a lower
# bound, "as many as 6,000" an upper one, and "between 150,000 and 300,000" a range.

# %%
figures = claims[claims["kind"] == "figure"]
workbook.head(
    figures,
    ["article_id", "text", "bound", "metric", "party", "source", "source_type", "genre", "as_of"],
    top_n,
)

# %% [markdown]
# ## Who is cited
#
# How many figures each kind of source stands behind, per article. "Unattributed" means the
# article gives the figure without saying who it came from.

# %%
workbook.crosstab(figures, "article_id", "source_type")

# %% [markdown]
# ## Quotations
#
# Direct quotations with the speaker each article credits them to.

# %%
workbook.head(claims[claims["kind"] == "quote"], ["article_id", "source", "text"], top_n)
