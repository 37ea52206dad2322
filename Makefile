# Everything a fresh machine needs is set up from here: `make demo` and `make test` create .venv from
# requirements.lock on first use. PYTHON may point at any Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock | cksum | cut -d' ' -f1)

.PHONY: demo test browser pdf-libs pdf-tools lint typecheck bench lock clean

$(STAMP): requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP) pdf-libs
	$(BIN)/python run_assessment.py demo

test: $(STAMP) browser pdf-libs pdf-tools
	$(BIN)/python -m pytest -q

# The PDF reports are laid out by WeasyPrint, which loads Pango and HarfBuzz from the system (Debian packages
# below; fonts-dejavu-core gives it fonts). tests/test_reports_render.py reads the PDFs back with poppler-utils'
# pdftotext. Installed here when missing, as root; anyone else is told how.
PDF_LIBS  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(PDF_LIBS); \
	  else \
	    echo "Pango is missing (the PDF reports need it): sudo apt-get install $(PDF_LIBS)" >&2; exit 1; \
	  fi; \
	fi

pdf-tools:
	@if ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils; \
	  else \
	    echo "pdftotext is missing (the PDF tests need it): sudo apt-get install poppler-utils" >&2; exit 1; \
	  fi; \
	fi

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
