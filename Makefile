# Two commands matter: `make app` and `make test`. Both set everything up first.
PYTHON   ?= python3
VENV     ?= .venv
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
PORT     ?= 8866
WORK     ?= work/graduate-program
# Options for `workbook lab`, e.g. LAB_ARGS="--port=8890 --no-browser".
LAB_ARGS ?=
EXAMPLE  := examples/graduate-program
# Two pytest workers on a 2-core machine; each starts its own Voila server.
PYTEST_ARGS ?= -n 2

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help app lab test lint format setup browser office clean mutation

help:
	@echo "make app     set up, then open the workbook in Voila on the example program"
	@echo "make test    set up (venv, packages, Debian chromium and LibreOffice), then run every test"
	@echo "make lab     set up, then open JupyterLab on the example program's folder"
	@echo "make lint    ruff check, format check and mypy --strict"
	@echo "make mutation  mutation testing of the domain modules (slow; not in CI)"
	@echo "make format  ruff format and fix"
	@echo "make clean   remove the venv, caches and test artifacts (keeps work/)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# Browser tests drive Debian's chromium (Playwright cannot download browsers here).
browser:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The PDF charter is the Word file converted by LibreOffice; its tests read the PDF with
# poppler's tools. Word's Calibri and Cambria are replaced by their metric-compatible
# Carlito and Caladea, so the PDF's lines and pages break where Word's do.
OFFICE := libreoffice-writer-nogui fonts-crosextra-carlito fonts-crosextra-caladea poppler-utils
office:
	@{ command -v soffice && command -v pdfinfo && fc-list | grep -q Carlito; } >/dev/null 2>&1 || { \
	  echo "Installing LibreOffice Writer for the PDF charter"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $(OFFICE) >/dev/null; }

# A working copy of the example program, so the app never edits the committed example.
# work/ is the app's programs folder: programs created in the app are folders beside it.
$(WORK)/design.yaml:
	mkdir -p $(WORK)
	cp -n $(EXAMPLE)/design.yaml $(EXAMPLE)/roster.csv $(WORK)/

# The app lists every program in $(WORK)'s folder and opens this one first.
app: setup $(WORK)/design.yaml
	$(BIN)/workbook app $(WORK)/design.yaml --port=$(PORT)

# JupyterLab on the program's folder, with the program's own copies of the notebooks.
lab: setup $(WORK)/design.yaml
	$(BIN)/workbook lab $(WORK) $(LAB_ARGS)

test: setup browser office
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check workbook tests benchmarks
	$(BIN)/ruff format --check workbook tests benchmarks
	$(BIN)/mypy workbook

# Mutation testing with mutmut (not in CI: about an hour for every module on 2 cores).
# The modules and the fast tests run against each mutant are in pyproject.toml's
# [tool.mutmut]; the score per module is printed at the end. Latest figures:
# docs/mutation.md. MUTANTS='workbook.store* workbook.rules*' re-runs only those mutants
# and keeps every other result (after adding tests for a module's survivors).
MUTANTS ?=
mutation: setup
	$(BIN)/python -m pip install --quiet "mutmut>=3.8,<4"
	$(if $(MUTANTS),,rm -rf mutants)
	$(BIN)/mutmut run --max-children 2 $(foreach m,$(MUTANTS),'$(m)') || true
	$(BIN)/python benchmarks/mutation_score.py

format: setup
	$(BIN)/ruff format workbook tests benchmarks
	$(BIN)/ruff check --fix workbook tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The README's notebook-parameters tables, generated from the notebooks' parameters cells
# (tests/test_params.py fails when they are out of step).
.PHONY: docs
docs: setup
	$(BIN)/workbook params --readme README.md
