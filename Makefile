# Everything a fresh machine needs is set up from here: `make demo` and `make test` create .venv from
# requirements.lock on first use. PYTHON may point at any Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock | cksum | cut -d' ' -f1)

.PHONY: demo test lint typecheck bench lock clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/python run_assessment.py demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy msplus collectors analyzers lab

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

lock:
	$(PYTHON) -m venv /tmp/msplus-lock && /tmp/msplus-lock/bin/pip install -q -r requirements.in
	/tmp/msplus-lock/bin/pip freeze > requirements.lock

clean:
	rm -rf $(VENV) out .pytest_cache
