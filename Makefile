# One task runner. Each target is what the README shows.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

$(BIN)/kg:
	$(PY) -m venv $(VENV) && $(BIN)/pip install -q -e '.[test]'

install: $(BIN)/kg

run: install
	$(BIN)/kg ingest && $(BIN)/kg stats

test: install
	$(BIN)/pytest

eval: install
	$(BIN)/kg eval

lint:
	$(BIN)/ruff check kg ingest search api tests

docs: install
	$(BIN)/kg settings > docs/settings.md

.PHONY: install run test eval lint docs
