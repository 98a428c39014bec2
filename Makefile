# Huzhu: `make run` serves the platform with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
# VENV=/path/to/ready/venv reuses a virtualenv made elsewhere as it is (never installs into it): the test of
# `make run` on a fresh clone does this to save the install. The code of THIS checkout is what runs, either way.
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1
export PYTHONPATH := $(CURDIR)/platform:$(CURDIR)

.PHONY: run test bench lint e2e venv frontend migrate demo system-deps schema clean-db messages stop-db

ifeq ($(VENV),.venv)
$(VENV)/.stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.stamp
else
venv:
	@test -x $(BIN)/huzhu || { echo "VENV=$(VENV) has no huzhu command: install the project into it first"; exit 1; }
endif

# Debian packages the platform needs on a fresh machine: a CJK font for PDFs, gettext for the translations,
# Chromium for the web tests. Installed once (as root; otherwise it says what to install).
SYSTEM_PACKAGES := fonts-noto-cjk fonts-wqy-zenhei fontconfig gettext $(if $(WITH_BROWSER),chromium chromium-driver,)
system-deps:
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK\|Noto Serif CJK" || ! command -v msgfmt >/dev/null \
	    || [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] \
	    || { [ -n "$(WITH_BROWSER)" ] && ! command -v chromium >/dev/null; }; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "apt-get install $(SYSTEM_PACKAGES)"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "please install with apt-get: $(SYSTEM_PACKAGES)"; fi; \
	fi

# Compiled translations (.mo, committed too) from the .po files whenever a .po is newer.
messages:
	@if command -v msgfmt >/dev/null; then \
	  for po in $$(find platform ledger -path '*/locale/*/LC_MESSAGES/*.po'); do \
	    mo=$${po%.po}.mo; [ "$$mo" -nt "$$po" ] || msgfmt --check-format -o "$$mo" "$$po" || exit 1; \
	  done; \
	fi

# HUZHU_SKIP_FRONTEND=1 serves without building the web app (the test of `make run` does; `make e2e` builds it).
frontend:
	@if [ -f frontend/package.json ] && [ -z "$(HUZHU_SKIP_FRONTEND)" ]; then \
	  cd frontend && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build; \
	fi

migrate: venv
	$(BIN)/huzhu migrate --no-input -v 0

demo: migrate
	$(BIN)/huzhu demo

run: venv system-deps messages frontend demo
	$(BIN)/huzhu serve --host $(HOST) --port $(PORT)

# Stop the embedded PostgreSQL of this checkout (it keeps running between commands otherwise).
stop-db: venv
	@$(BIN)/python -c "from huzhu.embedded_pg import stop_embedded; from pathlib import Path; import os; \
	  stop_embedded(Path(os.environ.get('HUZHU_DATA_DIR', '.data')) / 'pg')"

# pytest exits 5 when it collected no test (e.g. a PYTEST_ARGS filter that matches nothing): say so, pass.
test: venv system-deps messages
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc = 5 ]; then echo "pytest: no tests collected"; rc=0; fi; exit $$rc

bench: venv
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check platform ledger tests
	$(BIN)/mypy platform/huzhu ledger

e2e: venv
	$(MAKE) system-deps WITH_BROWSER=1
	$(MAKE) frontend
	cd frontend && npm run --silent test && npm run --silent e2e

schema: venv
	$(BIN)/huzhu graphql_schema --schema huzhu.graphql.schema.schema --out schema.graphql
