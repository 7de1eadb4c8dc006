# lekstat — the commands the README names. Each target creates .venv and installs what it
# needs on first use, so a fresh clone needs nothing but Python 3.11+, make and (for the PDF
# report) the Pango library that WeasyPrint loads.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: run test demo lint bench clean help

help:
	@echo "make run    start the lekstat service on ./lekstat.duckdb (http://$(HOST):$(PORT))"
	@echo "make test   run the whole test suite"
	@echo "make demo   the whole story on synthetic data, written to ./demo-output"
	@echo "make lint   ruff check, ruff format --check, mypy"
	@echo "make bench  run the benchmarks and print their figures"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "lekstat needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/lekstat-server serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

demo: $(STAMP)
	$(BIN)/lekstat-server demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
