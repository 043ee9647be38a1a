# Vigil: `make demo` runs the app with demo data, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/vigil_test
ADDRPORT ?= 127.0.0.1:8000

.PHONY: demo test lint typecheck pytest pytest-sqlite pytest-postgresql messages clean

$(STAMP): requirements.lock requirements-dev.lock pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  if [[ ! -x $(BIN)/python ]] || ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	    rm -rf $(VENV); echo "creating $(VENV) with $$python"; "$$python" -m venv $(VENV); \
	  fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

demo: $(STAMP) messages
	$(BIN)/vigil demo --addrport $(ADDRPORT)

messages: $(STAMP)
	@VIGIL_DATA_DIR=$${VIGIL_DATA_DIR:-$(CURDIR)/var} $(BIN)/vigil compiletranslations -v 0

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy vigil tests bench

pytest-sqlite: $(STAMP) messages
	env -u DATABASE_URL VIGIL_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -n 2 -q

pytest-postgresql: $(STAMP) messages
	@if $(BIN)/python scripts/pg-reachable "$(TEST_DATABASE_URL)"; then \
	  DATABASE_URL="$(TEST_DATABASE_URL)" VIGIL_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -n 2 -q -m "not browser"; \
	else \
	  echo "PostgreSQL at $(TEST_DATABASE_URL) is not reachable: skipping the PostgreSQL run"; \
	fi

test: lint typecheck pytest-sqlite pytest-postgresql

clean:
	rm -rf $(VENV) var/test
