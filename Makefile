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

.PHONY: help venv book book-strict test lint unit nbval figures-check browser chromium bench dist lock clean atlas atlas-n atlas-big

help:
	@echo "make book   - build the HTML book into _build/html (creates .venv first)"
	@echo "make test   - unit/property tests, strict nbval, figure check, zero-warning build, browser check"
	@echo "make bench  - run the benchmarks (figures for book/performance.md)"
	@echo "make atlas  - recompute the exact price-of-cardinality atlas, m <= 30 (Dask; SCHEDULER=tcp://HOST:PORT for a cluster)"
	@echo "make dist   - release archive of the built book, figures/, data/, CITATION.cff, LICENSE (after make book)"

$(STAMP): requirements-lock.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (companion)" >/dev/null
	mkdir -p _build   # where reruns write (README's papermill one-liner, the sweep runner)
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
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) nbval
	$(MAKE) figures-check
	$(MAKE) book-strict
	$(MAKE) browser
	@echo "make test: all stages passed"

# ruff (pinned in the lock): lint and formatting of code and notebooks, 88 columns (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/book.yml

# pytest exits 5 when it collects nothing: under `set -e` that fails the stage, as it should.
unit: $(STAMP)
	$(BIN)/python -m pytest tests -p no:cacheprovider

# Strict nbval (not --nbval-lax): every stored output must be reproduced by a fresh execution.
# FAIRLIB_FIGURES_DIR: only this stage writes the committed figures/ (a reader's rerun writes _build/figures).
nbval: $(STAMP)
	FAIRLIB_FIGURES_DIR=$(CURDIR)/figures $(BIN)/python -m pytest --nbval --nbval-current-env --nbval-cell-timeout=900 -p no:cacheprovider notebooks

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

# The release archive to deposit (e.g. on Zenodo, with .zenodo.json): the HTML site as built and checked by
# `make book` or `make test` (run one of them first), figures/, data/, CITATION.cff and .zenodo.json, in
# _build/dist/$(DIST).tar.gz. Version from CITATION.cff; file times and owners are fixed (the commit's
# time), so the same tree gives the same archive.
VERSION = $(shell sed -n 's/^version: *//p' CITATION.cff)
DIST = fair-division-companion-$(VERSION)
dist:
	@test -f _build/html/index.html || { echo "error: no built book in _build/html: run make book (or make test) first"; exit 1; }
	rm -rf _build/dist/$(DIST) _build/dist/$(DIST).tar.gz
	mkdir -p _build/dist/$(DIST)
	cp -R _build/html _build/dist/$(DIST)/html
	cp -R figures data CITATION.cff .zenodo.json README.md LICENSE _build/dist/$(DIST)/
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@$$(git log -1 --format=%ct 2>/dev/null || echo 0) \
	  -C _build/dist -cf - $(DIST) | gzip -n > _build/dist/$(DIST).tar.gz
	rm -rf _build/dist/$(DIST)
	@echo "wrote _build/dist/$(DIST).tar.gz"

# The exact atlas (data/exact_poc_atlas*.csv) on Dask: a local cluster of all cores, or SCHEDULER=tcp://HOST:PORT.
SCHEDULER ?=
ATLAS_ARGS = $(if $(SCHEDULER),--scheduler $(SCHEDULER))
atlas: $(STAMP)
	$(BIN)/python data/make_atlas.py $(ATLAS_ARGS)
atlas-n: $(STAMP)
	$(BIN)/python data/make_atlas.py --part n $(ATLAS_ARGS)
atlas-big: $(STAMP)
	$(BIN)/python data/exact_poc_atlas_big_run.py $(ATLAS_ARGS)   # 31 <= m <= 40, long: resumes where it stopped

# Re-resolve the lock from requirements.in in a scratch venv.
lock:
	rm -rf _build/lockenv && $(PYTHON) -m venv _build/lockenv
	_build/lockenv/bin/pip install --quiet -r requirements.in
	{ head -n 2 requirements-lock.txt; _build/lockenv/bin/pip freeze --all | grep -v '^pip==' | sort -f; } > requirements-lock.new
	mv requirements-lock.new requirements-lock.txt
	$(PYTHON) tools/write_environment_yml.py

clean:
	rm -rf _build .venv
