# One place for every task: `make run`, `make test`, `make test-quick`, `make check`, `make bench`.
# The environment in .venv is the locked set of uv.lock, installed by a pinned uv; `make lock`
# refreshes the lock after a change to pyproject.toml.
PYTHON ?= python3.11
UV_VERSION := 0.13.9
# The pip that Python 3.11.5-3.11.7 bundle: tests/test_packaging.py installs the wheel with it.
OLD_PIP := 23.2.1
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
UV_STAMP := $(UV_HOME)/.uv-$(UV_VERSION)
WHEELHOUSE := $(VENV)/wheelhouse
WHEELS := $(WHEELHOUSE)/.complete

# uv installs into .venv whatever the caller's environment says, and never downloads a Python.
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test test-quick check format bench bench-quick lock wheelhouse messages clean

$(UV_STAMP):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	rm -rf $(UV_HOME)
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

$(STAMP): pyproject.toml uv.lock $(UV_STAMP)
	$(UV) sync --locked --group dev --python $(PYTHON) \
		|| { echo "make: if uv.lock is out of date with pyproject.toml, run 'make lock'"; exit 1; }
	touch $(STAMP)

# The locked runtime dependencies as wheels, for the offline install in tests/test_packaging.py.
$(WHEELS): uv.lock | $(STAMP)
	rm -rf $(WHEELHOUSE)
	mkdir -p $(WHEELHOUSE)
	$(UV) export --locked --no-dev --no-emit-project --no-header --format requirements.txt --output-file $(WHEELHOUSE)/requirements.txt --quiet
	$(BIN)/python -m pip wheel --quiet --wheel-dir $(WHEELHOUSE) --requirement $(WHEELHOUSE)/requirements.txt
	$(BIN)/python -m pip download --quiet --no-deps --dest $(WHEELHOUSE) pip==$(OLD_PIP)
	touch $@

wheelhouse: $(WHEELS)

lock: $(UV_STAMP)
	$(UV) lock

run: $(STAMP)
	$(BIN)/reader

# The whole suite in two runs: first every test but the timed ones on one worker per CPU
# (pytest-xdist), then the timed ones (wall-clock limits, processes killed at random moments,
# real terminals) alone, as they would fail if another test took the CPU from them.
WORKERS ?= auto

test: $(STAMP) $(WHEELS)
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

# The translations: extract the messages into reader/locale/reader.pot, merge them into each
# language's reader.po (translate what is new there), compile the reader.mo files the package ships.
messages: $(STAMP)
	$(BIN)/python -m tests.support.messages

bench: $(STAMP)
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) $(UV_HOME) .pytest_cache .mypy_cache .ruff_cache dist build
