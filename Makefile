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
PYTEST_ARGS ?= -n 2 --durations=20

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help app lab test lint format setup browser office clean mutation hub hub-proxy

help:
	@echo "make app     set up, then open the workbook in Voila on the example program"
	@echo "make test    set up (venv, packages, Debian chromium and LibreOffice), then run every test"
	@echo "make lab     set up, then open JupyterLab on the example program's folder"
	@echo "make hub     set up, then serve the app to several people through a JupyterHub"
	@echo "make lint    ruff check, format check and mypy --strict"
	@echo "make mutation  mutation testing of the domain modules (slow; not in CI)"
	@echo "make format  ruff format and fix"
	@echo "make clean   remove the venv, caches and test artifacts (keeps work/)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,hub]"
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

# The hub's proxy, configurable-http-proxy, is an npm package: installed into the venv's
# node/ folder (removed by `make clean`), with Debian's nodejs and npm when missing.
HUB_PROXY := $(VENV)/node/node_modules/.bin/configurable-http-proxy
hub-proxy: setup
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's nodejs and npm for the hub's proxy"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq nodejs npm >/dev/null; }
	@[ -x $(HUB_PROXY) ] || npm install --silent --no-fund --no-audit \
	  --prefix $(VENV)/node configurable-http-proxy@4

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

# JupyterHub on this machine (deploy/jupyterhub/jupyterhub_config.py): each person signs
# in and gets the app on the programs folder work/. The demo sign-in takes any name with
# one password: $WORKBOOK_HUB_PASSWORD, else one made up once and kept in work/.hub/.
HUB_PORT ?= 8000
HUB_STATE := $(dir $(WORK)).hub
hub: hub-proxy $(WORK)/design.yaml
	@mkdir -p $(HUB_STATE)
	@[ -n "$$WORKBOOK_HUB_PASSWORD" ] || [ -s $(HUB_STATE)/password ] || \
	  (umask 077; $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" \
	  > $(HUB_STATE)/password)
	@export WORKBOOK_HUB_PASSWORD="$${WORKBOOK_HUB_PASSWORD:-$$(cat $(HUB_STATE)/password)}"; \
	echo "Sign in at http://127.0.0.1:$(HUB_PORT)/ with any name and the password" \
	  "$$WORKBOOK_HUB_PASSWORD (Ctrl+C stops the hub)"; \
	WORKBOOK_PROGRAMS=$(dir $(WORK)) WORKBOOK_HUB_STATE=$(HUB_STATE) \
	WORKBOOK_HUB_PORT=$(HUB_PORT) WORKBOOK_HUB_PROXY=$(HUB_PROXY) PATH="$(BIN):$$PATH" \
	  exec $(BIN)/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

test: setup browser office hub-proxy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check workbook tests benchmarks deploy
	$(BIN)/ruff format --check workbook tests benchmarks deploy
	$(BIN)/yamllint --strict -c deploy/.yamllint deploy
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
	$(BIN)/ruff format workbook tests benchmarks deploy
	$(BIN)/ruff check --fix workbook tests benchmarks deploy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The README's notebook-parameters tables, generated from the notebooks' parameters cells
# (tests/test_params.py fails when they are out of step).
.PHONY: docs
docs: setup
	$(BIN)/workbook params --readme README.md
