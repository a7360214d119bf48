# The two commands of the README: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow lint bench clean install

# The stamp is remade when pyproject.toml changes, so a new dependency is installed by the next
# `make test` or `make run`. A half-made venv (pip failed) has no stamp and is retried.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kafinea-tui --demo

# The suite, two workers a core (pytest-xdist's `-n auto` in pyproject's addopts), without the
# scale and exhaustive tests marked `slow` (hundreds of thousands of rows, thousands of
# deliveries, the OpenAPI coverage sweep, the commands compared through the owner), which
# `test-slow` runs and `.ci/run` runs after it; a run that finds no tests (pytest's exit status
# 5) is a failure too.
# Bytecode is written and read beside the sources (tests/conftest.py says why), even where
# PYTHONDONTWRITEBYTECODE is set, for pytest's own start as for the workers and commands.
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q

test: $(STAMP)
	$(PYTEST) -m "not slow"

test-slow: $(STAMP)
	$(PYTEST) -m slow

lint: $(STAMP)
	$(BIN)/ruff check kafinea_tui tests bench
	$(BIN)/ruff format --check kafinea_tui tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
