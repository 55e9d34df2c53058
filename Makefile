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

# The full crash trial (not in CI: about an hour on 2 cores): 20 random SIGKILLs of a cold ingest and 20 of an
# ingest of one changed document, each read at once by the real CLI; and the CI kill test with 5 random kills
# instead of CI's 2. Figures in docs/reliability.md.
stress: install
	KG_STRESS=1 KG_KILLS_RANDOM=5 KG_KILL_REPORT=bench/results/stress.jsonl $(BIN)/pytest tests/reliability/test_kill.py -s -q

lint:
	$(BIN)/ruff check kg ingest search kgdatadir api kgcli tests

docs: install
	$(BIN)/kg settings > docs/settings.md

.PHONY: install run test eval bench lint docs stress
