# Tessera: two commands do all the set-up on a fresh machine.
#   make demo   install, build assets, migrate SQLite, seed a synthetic world, serve on 127.0.0.1:8000
#               (gunicorn and a background worker, as in production, with TESSERA_DEMO: no DEBUG)
#   make test   install test tools (Debian's chromium included), then ruff, mypy and the whole pytest suite
#   make audit-deps  pip-audit of constraints.txt where a vulnerability service can be reached

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
ASSETS := tessera/web/static/dist/app.css
DEMO_ENV := TESSERA_DEMO=true
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: demo test install assets chromium pdf-fonts lint typecheck pytest serve clean audit-deps

demo: install assets pdf-fonts
	$(DEMO_ENV) $(PY) manage.py migrate --no-input
	$(DEMO_ENV) $(PY) manage.py seed_demo
	@echo "Starting Tessera on http://127.0.0.1:8000/ and a background worker (Ctrl+C stops both)"
	$(DEMO_ENV) $(PY) manage.py run_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(DEMO_ENV) TESSERA_BIND=127.0.0.1:8000 $(VENV)/bin/gunicorn tessera.wsgi:application

test: install assets chromium pdf-fonts lint typecheck pytest

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(ASSETS): node_modules/.package-lock.json assets/scss/*.scss scripts/build-assets.mjs
	npm run --silent build

assets: $(ASSETS)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The chronology PDF is set in Liberation Sans (Arial's metric twin) from Debian's fonts-liberation.
pdf-fonts:
	@test -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf || { \
		echo "Installing Debian's fonts-liberation for the chronology PDF"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-liberation; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy tessera bench tests

pytest: install assets
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Known vulnerabilities in the locked dependencies. Needs a vulnerability service (PyPI's JSON API or
# OSV); where none answers it says COULD NOT AUDIT and exits 2, never passing silently. Not part of `test`.
audit-deps: install
	$(PY) scripts/audit_deps.py $(AUDIT_ARGS)

clean:
	rm -rf $(VENV) node_modules tessera/web/static/dist var
