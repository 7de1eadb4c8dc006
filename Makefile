# lekstat — the commands the README names. Each target creates .venv and installs what it
# needs on first use, so a fresh clone needs nothing but Python 3.11+, make and (for the PDF
# report) the Pango library that WeasyPrint loads. `make test` also installs Debian's Chromium
# for the browser tests when it runs as root (as CI does), or says how to.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What running needs (the server extra) and what testing and linting need on top (dev).
RUN_STAMP := $(VENV)/.installed-server
STAMP  := $(VENV)/.installed-dev
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=
# Two workers, each file on one of them (a file's tests keep their order and fixtures): most
# tests wait on a server, a subprocess or Chromium, so two cores run the suite in ~11 min, not ~18.
PARALLEL ?= -n 2 --dist loadfile
# The browser tests drive this Chromium (Debian's package; Playwright's own download is not used).
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test demo lint bench clean help browser

help:
	@echo "make run    start the lekstat service on ./lekstat.duckdb (http://$(HOST):$(PORT))"
	@echo "make test   run the whole test suite (installs Chromium for the browser tests)"
	@echo "make demo   the whole story on synthetic data, written to ./demo-output"
	@echo "make lint   ruff check, ruff format --check, mypy"
	@echo "make bench  run the benchmarks and print their figures"

$(RUN_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "lekstat needs Python 3.11 or newer (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[server]'
	touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(RUN_STAMP)
	$(BIN)/lekstat-server serve --host $(HOST) --port $(PORT)

# Quick when Chromium is there; else apt-get as root; else fail and say what to install.
browser:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser tests (apt-get)"; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium >/dev/null || exit 1; \
		[ -x "$(CHROMIUM)" ] || { echo "apt-get installed chromium, but $(CHROMIUM) is missing"; exit 1; }; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM), and it is not there."; \
		echo "Install it:  sudo apt-get install chromium   (Debian/Ubuntu)"; \
		echo "or run make as root, or point to another binary: make test CHROMIUM=/path/to/chromium"; \
		exit 1; \
	fi

test: $(STAMP) browser
	LEKSTAT_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

demo: $(RUN_STAMP)
	$(BIN)/lekstat-server demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
