# One entry point for setup, demo and tests. Every target builds .venv first if needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: demo test bench lint clean setup

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: setup            ## serve the bundled offline demo sites and crawl them into demo.db
	$(BIN)/pantau demo

test: setup            ## the whole test suite (real crawls of loopback fixture sites)
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup           ## benchmarks print their figures (see bench/)
	$(BIN)/python bench/crawl.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm demo.sources.yaml
