# FireGrid — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/firegrid
PYTEST_ARGS ?=

.PHONY: install demo serve test lint typecheck migrations-check test-sqlite test-postgres bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Demo mode: the committed secret and a derived PII key are tolerated (with a warning).
demo: export FIREGRID_DEMO = 1
demo: install
	$(BIN)/firegrid migrate --noinput
	$(BIN)/firegrid demo load
	$(BIN)/firegrid collectstatic --noinput --verbosity 0
	$(BIN)/firegrid serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/firegrid serve --host $(HOST) --port $(PORT)

test: install lint typecheck migrations-check test-sqlite test-postgres

lint: install
	$(BIN)/ruff check src benchmarks
	$(BIN)/ruff format --check src benchmarks

typecheck: install
	$(BIN)/mypy

migrations-check: install
	DATABASE_URL=sqlite:///:memory: $(BIN)/firegrid makemigrations --check --dry-run

test-sqlite: install
	@echo "== pytest on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== pytest on PostgreSQL ($(TEST_DATABASE_URL)) =="
	@$(BIN)/python scripts/check_postgres.py "$(TEST_DATABASE_URL)"
	DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/bench_locate.py
	$(BIN)/python benchmarks/bench_import_grids.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_schedule.py
	$(BIN)/python benchmarks/bench_open311.py
	$(BIN)/python benchmarks/bench_ledger_parse.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts

# Refresh the zh-Hans catalogue (needs GNU gettext): extract msgids from code and templates
# (tests excluded), report untranslated/fuzzy counts, compile the .mo committed beside the .po.
# var/ is pinned to the repository's: settings open the huey SQLite file there.
.PHONY: messages
messages: install
	mkdir -p var
	cd src/firegrid && FIREGRID_VAR_DIR=$(CURDIR)/var ../../$(BIN)/firegrid makemessages \
		-l zh_Hans --no-obsolete --ignore 'tests*' --ignore '*/tests/*'
	msgfmt --check --statistics -o /dev/null src/firegrid/locale/zh_Hans/LC_MESSAGES/django.po
	cd src/firegrid && FIREGRID_VAR_DIR=$(CURDIR)/var ../../$(BIN)/firegrid compilemessages \
		-l zh_Hans
