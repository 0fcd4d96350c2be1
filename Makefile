# Two commands on a fresh machine:
#   make book   - create .venv from the pinned lock, build the HTML book into _build/html
#   make test   - same install, then every test (what CI runs through .ci/run)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
export PYTHONHASHSEED := 0
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help venv book book-strict test unit nbval figures-check browser chromium bench lock clean

help:
	@echo "make book   - build the HTML book into _build/html (creates .venv first)"
	@echo "make test   - unit/property tests, strict nbval, figure check, zero-warning build, browser check"
	@echo "make bench  - run the benchmarks (figures for book/performance.md)"

$(STAMP): requirements-lock.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (companion)" >/dev/null
	touch $@

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --builder html
	@echo "Open $(CURDIR)/_build/html/index.html"

# Zero warnings: -n (nitpicky: every cross-reference must resolve), -W (warnings are errors),
# --keep-going (report all of them, then fail). The log is also scanned, belt and braces.
book-strict: $(STAMP)
	mkdir -p _build
	$(BIN)/jupyter-book build . --builder html --all -n -W --keep-going 2>&1 | tee _build/book-build.log
	@if grep -E "WARNING|ERROR" _build/book-build.log; then echo "book build printed warnings"; exit 1; fi

test: $(STAMP) chromium
	$(MAKE) unit
	$(MAKE) nbval
	$(MAKE) figures-check
	$(MAKE) book-strict
	$(MAKE) browser
	@echo "make test: all stages passed"

# pytest exits 5 when it collects nothing: under `set -e` that fails the stage, as it should.
unit: $(STAMP)
	$(BIN)/python -m pytest tests -p no:cacheprovider

# Strict nbval (not --nbval-lax): every stored output must be reproduced by a fresh execution.
nbval: $(STAMP)
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider notebooks

# The notebooks just rewrote figures/: they must be byte-identical to the committed files.
figures-check:
	git diff --exit-code --stat -- figures/
	@test -z "$$(git status --porcelain --untracked-files=all -- figures/)" || { git status --porcelain -- figures/; echo "figures/ has files not committed"; exit 1; }

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "installing Debian's chromium for the browser check"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; \
	fi

browser: $(STAMP) chromium
	$(BIN)/python tests/browser/check_site.py _build/html --chromium $(CHROMIUM) --screenshot-dir _build/screenshots

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b; done

# Re-resolve the lock from requirements.in in a scratch venv.
lock:
	rm -rf _build/lockenv && $(PYTHON) -m venv _build/lockenv
	_build/lockenv/bin/pip install --quiet -r requirements.in
	{ head -n 2 requirements-lock.txt; _build/lockenv/bin/pip freeze --all | grep -v '^pip==' | sort -f; } > requirements-lock.new
	mv requirements-lock.new requirements-lock.txt
	$(PYTHON) tools/write_environment_yml.py

clean:
	rm -rf _build .venv
