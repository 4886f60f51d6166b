# One entry point for setup, demo and tests. Every target builds .venv first if needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test bench lint clean setup browser

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: setup            ## serve the bundled offline demo sites and crawl them into demo.db
	$(BIN)/pantau demo

test: setup browser lint  ## lint, then the whole test suite (real crawls of loopback sites, a real browser)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: setup            ## ruff (rule set in pyproject.toml) and the import-linter layer contracts
	$(BIN)/ruff check .
	$(BIN)/lint-imports

browser:               ## Debian's chromium for the review app's browser tests (Playwright drives it)
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; \
	fi

bench: setup           ## benchmarks print their figures (see bench/)
	$(BIN)/python bench/crawl.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo.sources.yaml
