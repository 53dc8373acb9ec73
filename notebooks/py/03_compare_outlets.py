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
# # 3. Compare the outlets
#
# **Reads** `tables/claims.csv` from the run folder (written by notebook 2); with
# `scope = "ledger"`, also the claims of every earlier run kept in the ledger.
#
# **Writes** `tables/claim_groups.csv` (claims that different articles make about the same
# thing, with whether they agree), `tables/staleness.csv` (how old each figure was when
# printed) and `figures/outlet_agreement.png`/`.svg`.

# %% tags=["parameters"]
scope: str = "run"  # compare this "run" only, or every article in the "ledger"
ledger: str = ""  # DuckDB ledger of earlier runs; "" for ledger.duckdb in the outputs folder
top_n: int = 25  # rows shown in a notebook's tables; the full tables go to tables/
run_dir: str = "outputs/lab"  # run folder to read from and write to (the runner sets it)

# %%
from lossledger import plots, workbook
from lossledger.align import align_claims, chart_grid, conflict_pairs, staleness

run = workbook.open_run(run_dir, scope=scope, ledger=ledger, top_n=top_n)
claims = workbook.claims_in_scope(run, scope, ledger)

# %% [markdown]
# ## Where the outlets agree and where they differ
#
# Conflicts come first: the same figure or quotation credited to different sources, then
# different values, then different hedges. A `single` group is a claim only one article makes.

# %%
groups = align_claims(claims)
run.write("claim_groups", groups)
print(workbook.groups_summary(groups))
workbook.head(groups, ["status", "kind", "metric", "party", "n_articles", "detail"], top_n)

# %% [markdown]
# ## Article by article
#
# Each row is a group of claims, each column an article: which articles carry the claim, and
# whether they agree with the others. On a big run the chart keeps the `top_n` groups that
# matter most (conflicts first, then the most widely printed) and the `top_n` articles that
# print most of them; every group is in `tables/claim_groups.csv`.

# %%
grid = chart_grid(groups, claims, max_groups=top_n, max_articles=top_n)
figure = plots.outlet_agreement(grid)
run.save_and_show(figure, "outlet_agreement")

# %% [markdown]
# ## The conflicts, sentence by sentence
#
# For every group where the articles differ, the two sentences side by side.

# %%
workbook.head(
    conflict_pairs(groups, claims),
    ["status", "article_a", "source_a", "sentence_a", "article_b", "source_b", "sentence_b"],
    top_n,
)

# %% [markdown]
# ## How old each figure was when printed
#
# The number of days between the date a figure refers to and the day the article printed it.
# An old figure repeated as if current is a common way for coverage to mislead.

# %%
ages = staleness(claims)
run.write("staleness", ages)
workbook.head(ages, ["article_id", "text", "metric", "party", "as_of", "age_days"], top_n)
