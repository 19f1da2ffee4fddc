# Two commands do all set-up on a fresh machine with Python 3.11+ and make:
#   make run    serve the site at http://127.0.0.1:$(PORT) the way production does
#   make test   run the whole test suite against real PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STATIC_SOURCES := $(shell find static -type f 2>/dev/null)

# Safe local defaults for a production-like server on this machine; any of them can be overridden
# from the environment (see README.md). The secret key is generated once and kept in .secret_key.
export SECRET_KEY ?= $(shell cat .secret_key 2>/dev/null)
export ALLOWED_HOSTS ?= 127.0.0.1,localhost,[::1]
export HTTPS ?= 0
export SITE_URL ?= http://127.0.0.1:$(PORT)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run dev test test-quick test-slow screenshots soak bench bench-load bench-render bench-preview setup lint format lock clean reading-level
.DEFAULT_GOAL := run

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Locked, hash-checked installs. The stamp files re-run the install whenever a lock file changes.
$(VENV)/.run-deps: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

$(VENV)/.dev-deps: requirements-dev.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@ $(VENV)/.run-deps

.secret_key:
	umask 077; $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

staticfiles/staticfiles.json: $(STATIC_SOURCES) $(VENV)/.run-deps .secret_key
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# Migrate, then load the shipped data only when the database is empty (nothing twice).
setup: $(VENV)/.run-deps .secret_key staticfiles/staticfiles.json
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py load_shipped_data

run: setup
	@echo "Serving on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(BIN)/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-2} \
		--config config/gunicorn.conf.py

dev: setup
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Two workers (pytest-xdist), one per core, each with its own test database; TEST_WORKERS=0 for one process.
# A worker is sent at most 16 tests at once: with more, one was left with a module of browser tests to
# run alone at the end while the other had finished (20 s).
TEST_WORKERS ?= 2
test: $(VENV)/.dev-deps .secret_key staticfiles/staticfiles.json
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxschedchunk 16 $(PYTEST_ARGS)

# While working: the suite without the browser, its own servers and the migration tests (make test runs all).
test-quick: $(VENV)/.dev-deps .secret_key staticfiles/staticfiles.json
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser and not server and not migrations" $(PYTEST_ARGS)

# Checks on the whole archive of ICE's lists (328 lists; a few minutes). CI runs it after `make test`.
test-slow: $(VENV)/.dev-deps .secret_key staticfiles/staticfiles.json
	$(BIN)/python -m pytest tests/slow -p no:cacheprovider $(PYTEST_ARGS)

# A county page's first render, in-process, with nothing kept (bench/render.py).
bench-render: setup
	$(BIN)/python bench/render.py --rounds 2

# An editor's upload preview: the dry run of an ordinary new list on all the shipped lists (bench/preview.py).
bench-preview: setup $(VENV)/.dev-deps
	$(BIN)/python bench/preview.py

# Migrating and loading all the shipped data on a new, empty embedded database (bench/load.py).
bench-load: $(VENV)/.run-deps
	$(BIN)/python bench/load.py

# Load and page-weight figures (bench/run.py; not part of CI). Needs wrk from Debian's packages.
bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk; }
	$(BIN)/python bench/run.py

# Screenshots of the pages at 390 px (docs/screenshots/): each page type's first screen, and the first two
# screens of four county pages in both languages (tests/browser/test_phone*.py, UPDATE_SCREENSHOTS=1).
screenshots: $(VENV)/.dev-deps .secret_key staticfiles/staticfiles.json
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -n 0 -p no:cacheprovider tests/browser/test_phone.py \
		tests/browser/test_phone_first_screens.py -k "sideways_on_a_phone or first_on_a_phone" $(PYTEST_ARGS)

# The production shape (nginx, two app servers, Debian's PostgreSQL) on this machine, attacked and measured
# (deploy/soak.py; the README's deploy section). As root it installs nginx and postgresql when missing.
soak: $(VENV)/.run-deps .secret_key staticfiles/staticfiles.json
	@{ command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; } && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ [ "$$(id -u)" = 0 ] && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends nginx postgresql; }
	$(BIN)/python deploy/soak.py

lint: $(VENV)/.dev-deps .secret_key
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Reading level of every explainer page, English and Spanish (docs/reading-levels.md).
reading-level: $(VENV)/.dev-deps
	DEBUG=1 $(BIN)/python manage.py reading_level --write docs/reading-levels.md

# Re-lock after editing the dependencies in pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 --extra dev -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
