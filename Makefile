# One task runner. Each target is what the README shows.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/kg:
	$(PY) -m venv $(VENV) && $(BIN)/pip install -q -e '.[test]'

install: $(BIN)/kg

run: install
	$(BIN)/kg ingest && $(BIN)/kg serve

test: install
	$(BIN)/pytest

eval: install
	$(BIN)/kg eval extraction && $(BIN)/kg eval entities && $(BIN)/kg eval search && $(BIN)/kg eval ask

bench: install
	$(BIN)/python bench/bench_suite.py

lint:
	$(BIN)/ruff check kg ingest search kgdatadir api kgcli tests

docs: install
	$(BIN)/kg settings > docs/settings.md

.PHONY: install run test eval bench lint docs
