# Huzhu: `make run` serves the platform with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test bench lint e2e venv frontend migrate demo system-deps schema clean-db

$(VENV)/.stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

venv: $(VENV)/.stamp

# Debian packages the platform needs on a fresh machine: a CJK font for PDFs, Chromium for the web tests.
system-deps:
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK\|Noto Serif CJK" || { [ -n "$(WITH_BROWSER)" ] && ! command -v chromium >/dev/null; }; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk $(if $(WITH_BROWSER),chromium,) >/dev/null; \
	  else echo "install fonts-noto-cjk$(if $(WITH_BROWSER), and chromium,) with apt-get"; fi; \
	fi

frontend:
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run --silent build; \
	fi

migrate: venv
	$(BIN)/huzhu migrate --no-input -v 0

demo: migrate
	$(BIN)/huzhu demo

run: venv system-deps frontend demo
	$(BIN)/huzhu serve --host $(HOST) --port $(PORT)

# pytest exits 5 when it collected no test (e.g. a PYTEST_ARGS filter that matches nothing): say so, pass.
test: venv system-deps
	@$(BIN)/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc = 5 ]; then echo "pytest: no tests collected"; rc=0; fi; exit $$rc

bench: venv
	$(BIN)/python -m tests.bench $(BENCH_ARGS)

lint: venv
	$(BIN)/ruff check platform ledger tests
	$(BIN)/mypy platform/huzhu ledger

e2e: venv
	$(MAKE) system-deps WITH_BROWSER=1
	$(MAKE) frontend
	cd frontend && npm run --silent e2e

schema: venv
	$(BIN)/huzhu graphql_schema --schema huzhu.graphql.schema.schema --out schema.graphql
