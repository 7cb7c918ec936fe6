# Netzwerk — the two commands of the README, and a few helpers.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# pip's notes about local package folders that this machine may not have are left out.
PIP_QUIET := 2>&1 | { grep -v "^WARNING: Location" || true; }

.PHONY: run test benchmark smoke cluster-test install install-dev lint format messages lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 13), "Python 3.13 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip $(PIP_QUIET)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.txt $(PIP_QUIET)
	@$(BIN)/python -c 'import django' && touch $@

$(VENV)/.installed-dev: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements-dev.txt $(PIP_QUIET)
	@$(BIN)/python -c 'import pytest' && touch $@

# axe-core and the Nu HTML checker for the browser tests (pinned in package-lock.json)
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev node_modules/.installed

## make run: set up everything and serve the app with demo data on http://127.0.0.1:$(PORT)
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py createcachetable
	DEBUG=1 $(BIN)/python manage.py demo_data --if-empty
	@echo "Sent e-mails are written to .data/mail/ (a file per message, now and then two in one)."
	DEBUG=1 $(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: install what the tests need and run the whole suite (browser tests need Chromium)
test: install-dev
	$(BIN)/pytest

## make benchmark: our pages against a bare Django view on reference data (PostgreSQL,
## gunicorn, wrk); takes about 4 minutes; see docs/performance.md
benchmark: install-dev
	@command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
	$(BIN)/python -m benchmark

## make smoke: the production stack as a whole over HTTP (Caddy, gunicorn with DEBUG off, Redis,
## the worker, PostgreSQL, a local SMTP server): login with TOTP, a round sent and answered
smoke: install-dev
	@command -v caddy >/dev/null || { apt-get update -q && apt-get install -y -q caddy; }
	$(BIN)/python deploy/smoke.py

## make cluster-test: two app hosts, a database host and a load host in network namespaces
## (root); a worker killed and PostgreSQL restarted under load; see deploy/cluster.py
cluster-test: install-dev
	$(BIN)/python deploy/cluster.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: update the German catalogue after changing texts, then translate and compile
messages: install-dev
	DEBUG=1 $(BIN)/python manage.py makemessages -l de --no-obsolete --add-location file -i ".venv/*" -i "staticfiles/*"
	DEBUG=1 $(BIN)/python manage.py compilemessages -l de --ignore ".venv/*"

## make lock: re-pin the dependencies from pyproject.toml
lock: $(BIN)/python
	$(BIN)/pip install -q pip-tools $(PIP_QUIET)
	$(BIN)/pip-compile -q --strip-extras --generate-hashes -o requirements.txt pyproject.toml
	$(BIN)/pip-compile -q --strip-extras --generate-hashes --extra dev -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) staticfiles
