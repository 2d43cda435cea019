# One place for every task: `make run`, `make test`, `make test-quick`, `make check`, `make bench`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-quick check format bench bench-quick clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/reader

# The whole suite in two runs: first every test but the timed ones on one worker per CPU
# (pytest-xdist), then the timed ones (wall-clock limits, processes killed at random moments,
# real terminals) alone, as they would fail if another test took the CPU from them.
WORKERS ?= auto

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(WORKERS) -m "not timed"; parallel=$$?; \
	$(BIN)/python -m pytest -q -m timed && exit $$parallel

# Everything but the slow, real-terminal and real-corpora tests (CI runs them all).
test-quick: $(STAMP)
	$(BIN)/python -m pytest -q -n $(WORKERS) -m "not slow and not e2e and not acceptance and not timed"; \
	parallel=$$?; \
	$(BIN)/python -m pytest -q -m "timed and not slow and not e2e and not acceptance" && exit $$parallel

check: $(STAMP)
	$(BIN)/ruff format --check reader tests bench
	$(BIN)/ruff check reader tests bench
	$(BIN)/mypy reader tests
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format reader tests bench
	$(BIN)/ruff check --fix reader tests bench

bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache dist build
