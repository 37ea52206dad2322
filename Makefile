# Everything a fresh machine needs is set up from here: `make demo` and `make test` create .venv from
# requirements.lock on first use. PYTHON may point at any Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock | cksum | cut -d' ' -f1)

.PHONY: demo test browser lint typecheck bench lock clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(BIN)/python run_assessment.py demo

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

# tests/test_reports_browser.py opens each HTML report in Debian's chromium. Installed here when missing, as root
# (CI runs as root); anyone else is told how to install it.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else \
	    echo "chromium is missing (the browser test needs it): sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

# The layer contract (pyproject.toml [tool.importlinter]), style and types: .ci/run runs this before the tests.
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/mypy msplus snapshots collectors analyzers lab ledger reports app

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

lock:
	$(PYTHON) -m venv /tmp/msplus-lock && /tmp/msplus-lock/bin/pip install -q -r requirements.in
	/tmp/msplus-lock/bin/pip freeze > requirements.lock

clean:
	rm -rf $(VENV) out .pytest_cache
