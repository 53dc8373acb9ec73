# Loss Ledger: `make run` executes the workbook, `make test` runs the tests.
# Both create .venv on first use and install the pinned requirements into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ARGS ?=
PYTEST_ARGS ?=

.PHONY: run test lint format lab notebooks venv clean-venv

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

venv: $(STAMP)

## run: execute the four notebooks on data/articles (ARGS="--articles DIR ..." to change)
run: $(STAMP)
	$(BIN)/lossledger run $(ARGS)

## test: the whole test suite, lint included
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks/py
	$(BIN)/ruff format --check src tests benchmarks notebooks/py

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks notebooks/py

## notebooks: bring each notebook and its py:percent twin back in step (newest wins)
notebooks: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.ipynb

## lab: JupyterLab on the project, with the project's Python as the python3 kernel
lab: $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (lossledger)" >/dev/null
	$(BIN)/jupyter lab --notebook-dir=.

clean-venv:
	rm -rf $(VENV)
