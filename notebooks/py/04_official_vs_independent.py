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
# # 4. Official figures against independent estimates
#
# **Reads** `tables/claims.csv` from the run folder (written by notebook 2); with
# `scope = "ledger"`, also the claims of every earlier run kept in the ledger and, when the
# parameter `reference` names one, a CSV of published estimates with their citations.
#
# **Writes** `tables/estimates.csv`, `tables/gap_summary.csv` and the figures
# `official_vs_independent` and `estimates_timeline` (PNG and SVG).
#
# How far apart are a side's official figures for its own losses and independent estimates,
# and how has that changed? Metrics stay apart (killed is never mixed with killed-or-wounded),
# figures for both sides together never enter one side's comparison, and a floor ("more than",
# a list of names) is compared as a floor.

# %% tags=["parameters"]
reference: str = "data/reference/loss_estimates.csv"  # published estimates CSV; "" for none
scope: str = "run"  # compare this "run" only, or every article in the "ledger"
ledger: str = ""  # DuckDB ledger of earlier runs; "" for ledger.duckdb in the outputs folder
top_n: int = 25  # rows shown in a notebook's tables; the full tables go to tables/
run_dir: str = "outputs/lab"  # run folder to read from and write to (the runner sets it)

# %%
from lossledger import plots, workbook
from lossledger.estimates import compare_estimates, findings, gap_summary

run = workbook.open_run(run_dir, reference=reference, scope=scope, ledger=ledger, top_n=top_n)
claims = workbook.claims_in_scope(run, scope, ledger)

# %% [markdown]
# ## The estimates table
#
# Every figure that enters the comparison: from the articles (origin is a claim id) and from
# the reference file (origin is its row id).

# %%
estimates = compare_estimates(claims, reference or None)
run.write("estimates", estimates)
workbook.head(
    estimates,
    ["party", "metric", "source", "source_type", "genre", "low", "value", "high", "bound", "as_of"],
    top_n,
)

# %% [markdown]
# ## The gap
#
# For each side and metric, the latest independent figure over the latest official one.

# %%
gaps = gap_summary(estimates)
run.write("gap_summary", gaps)
workbook.head(gaps, ["party", "metric", "official", "independent", "qualifier", "gap_note"], top_n)

# %% [markdown]
# ## Official against independent, figure by figure
#
# One panel per side, on a log scale: a dot is a point figure, a bar a range, an arrow a
# floor ("at least") or a ceiling ("fewer than"); hollow markers are lists of names.

# %%
figure = plots.official_vs_independent(estimates)
run.save_and_show(figure, "official_vs_independent")

# %% [markdown]
# ## Over time
#
# Official figures as steps, independent ranges as bands, by the date each figure refers to.

# %%
figure = plots.estimates_timeline(estimates)
run.save_and_show(figure, "estimates_timeline")

# %% [markdown]
# ## Findings
#
# Every number below comes from the tables above.

# %%
for sentence in findings(estimates):
    print("-", sentence)
