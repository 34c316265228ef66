# Tandem: `make run` serves the demo college, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-pg lint format i18n bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.installed

## run: set up, migrate the SQLite database, load the demo if empty, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(BIN)/tandem db upgrade
	$(BIN)/tandem demo --if-empty
	$(BIN)/tandem serve --host $(HOST) --port $(PORT)

## test: set up with the dev extras, lint, type-check and run every test on SQLite
test: $(VENV)/.dev-installed lint
	$(BIN)/python -m pytest -n auto

## test-pg: the database tests again on PostgreSQL (what CI runs after `make test`)
test-pg: $(VENV)/.dev-installed
	TANDEM_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -n auto -m db

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

## i18n: extract messages and merge them into the zh_CN and en catalogues
i18n: $(VENV)/.dev-installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NC_:1c,2 --no-location --sort-output \
	  --project Tandem --copyright-holder "Tandem contributors" -o src/tandem/locale/messages.pot .
	$(BIN)/pybabel update -i src/tandem/locale/messages.pot -d src/tandem/locale \
	  --no-fuzzy-matching --ignore-obsolete -w 100

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
