# Oversight: `make run` to try it, `make test` to check it. Everything else is a step of those two.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `PORT=8001 make run` serves on another port.
PORT ?= 8000
# `make test` also runs the suite on this PostgreSQL server (it creates its own test_... databases).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test test-sqlite test-postgres lint bench assets clean

$(STAMP): pyproject.toml
	@python=$$(bin/find-python) || exit 1; \
	  [ -x $(BIN)/python ] || $$python -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# The demo council's own policy file: the preset OVERSIGHT_POLICY names (Bedford's by default) with
# the obligations the presets leave out switched on (appraisals, probation reviews, the review of
# managers' evidence; ADR 0008). A policy file of your own (a path) is used as it is.
DEMO_POLICY := data/demo-policy.toml

run: $(STAMP)
	@case "$${OVERSIGHT_POLICY:-bedford}" in \
	  */*|*.toml) ;; \
	  *) $(BIN)/oversight demo --write-policy $(DEMO_POLICY) >/dev/null || exit 1; \
	     echo "The demo council follows $(DEMO_POLICY)";; \
	esac
	@# Reminders for the demo council, sent by the background worker that runs beside the server
	@# (stopped with it): emails are written to data/sent-emails/ and shown under Admin, Reminders.
	@case "$${OVERSIGHT_POLICY:-bedford}" in */*|*.toml) ;; *) export OVERSIGHT_POLICY=$(DEMO_POLICY);; esac; \
	  $(BIN)/oversight migrate --no-input && \
	  $(BIN)/oversight demo --if-empty && \
	  $(BIN)/oversight reminders --daily --weekly || exit 1; \
	  echo "Oversight is at http://127.0.0.1:$(PORT)/ (Ctrl+C stops it)."; \
	  $(BIN)/oversight db_worker --no-startup-delay --no-reload & worker=$$!; \
	  trap 'kill $$worker' EXIT; \
	  OVERSIGHT_DEBUG=1 $(BIN)/oversight runserver 127.0.0.1:$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-sqlite: $(STAMP)
	DATABASE_URL= $(BIN)/pytest -n 2 -q --durations=20

# The browser tests drive the pages, which are the same on either database: they run once, on
# SQLite, and the PostgreSQL run is everything else.
test-postgres: $(STAMP)
	@bin/require-postgres "$(POSTGRES_URL)"
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n 2 -q --durations=20 -m "not browser"

test: lint test-sqlite test-postgres

# The benchmarks run on the large demo council in PostgreSQL (generated once into this database),
# the load test against gunicorn with locust (the `bench` extra, installed only here).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/oversight_bench
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $@

bench: $(BENCH_STAMP)
	@bin/require-postgres "$(BENCH_DATABASE_URL)"
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/engine_bench.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/dashboards_bench.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/reminders_bench.py
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/load_bench.py

assets:
	bin/build-assets

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
