# Two commands for a fresh machine: `make build` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test lint format serve system-deps test-assets clean

# requirements.lock pins every library's version (pyproject.toml keeps the ranges), so a
# new machine builds the same bytes.
$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

## Validate the sample catalogue and build every output into build/. `catalogue build`
## runs validate's checks itself (refusing on errors, reporting the same warnings), so
## running both would print every warning twice.
build: $(BIN)/.installed
	$(BIN)/catalogue build

## Preview the public site on http://127.0.0.1:8000/, rebuilt and reloaded on every save.
serve: $(BIN)/.installed
	$(BIN)/catalogue serve

## Lint, check formatting and run the whole test suite (browser tests included).
test: $(BIN)/.installed-test system-deps test-assets lint
	$(BIN)/pytest

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(BIN)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Browser tests need Debian's Chromium and CJK fonts; install them when missing.
system-deps:
	@scripts/ensure-system-deps

## The accessibility tests inject axe-core (npm), cached in .cache/test-assets.
test-assets:
	@scripts/ensure-test-assets

clean:
	rm -rf build .build-* $(VENV)
