# OC Pizza — the two set-up commands are `make demo` and `make test` (see README.md).
# The venv's interpreter: the system's Python 3.11 first, the one the servers run (Debian's
# python3.11 package, docs/exploitation.md), else the first python3.11 on the PATH. Debian builds
# it with profile-guided and link-time optimisation; a version manager's default build (pyenv's)
# has neither and ran the suite about 10 % slower on MariaDB (issue 14, docs/performance.md).
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) ocpizza/manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
STRIPE_PORT ?= 8420
# pytest-xdist workers: one per core (each has its own test database, localstripe and live server).
TEST_WORKERS ?= auto

.PHONY: demo test venv install install-dev browser-deps migrate populate run bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

venv: $(VENV)/bin/activate

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt
	@# The apps are top-level packages under ocpizza/: lint-imports (and any tool the venv runs)
	@# finds them without PYTHONPATH.
	$(PY) -c "import pathlib, sysconfig; pathlib.Path(sysconfig.get_paths()['purelib'], 'ocpizza-apps.pth').write_text('$(CURDIR)/ocpizza\n')"
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright's own download cannot work here): the
# headless shell they run in, and the full browser of one layout check (tests/browser/conftest.py).
browser-deps:
	@{ command -v chromium && command -v chromium-headless-shell; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq chromium chromium-headless-shell) >/dev/null; \
	  else echo "Debian's chromium or chromium-headless-shell missing: the browser tests run in what is there," \
	    "or are skipped (sudo apt-get install chromium chromium-headless-shell)"; fi; }

migrate: install
	$(MANAGE) migrate --noinput

populate: migrate
	$(MANAGE) setup_roles >/dev/null
	$(MANAGE) populate
	$(MANAGE) dashboard_sample

# Embedded SQLite, localstripe on $(STRIPE_PORT), a job worker (Celery on the folder queue of
# var/queue: no server to install), the site on $(PORT). Ctrl-C stops all three.
demo: populate
	@$(VENV)/bin/localstripe --port $(STRIPE_PORT) > var-localstripe.log 2>&1 & echo $$! > .localstripe.pid; \
	$(VENV)/bin/celery --workdir=ocpizza -A ocpizza worker --beat --concurrency=1 --loglevel=INFO > var-worker.log 2>&1 & echo $$! > .worker.pid; \
	trap 'kill $$(cat .localstripe.pid) $$(cat .worker.pid) 2>/dev/null; rm -f .localstripe.pid .worker.pid' EXIT INT TERM; \
	sleep 1; \
	STRIPE_API_BASE=http://localhost:$(STRIPE_PORT) $(PY) deploy/register_webhook.py http://$(HOST):$(PORT) || true; \
	echo ""; \
	echo "  Site public  : http://$(HOST):$(PORT)/"; \
	echo "  Back office  : http://$(HOST):$(PORT)/admin/"; \
	echo "  localstripe  : http://localhost:$(STRIPE_PORT)/ (Stripe factice, cartes de test dans README.md)"; \
	echo "  Comptes      : siege@ / gerant@ / pizzaiolo@ / livreur@ / client@ocpizza.fr, mot de passe pizza-demo-2026"; \
	echo ""; \
	STRIPE_API_BASE=http://localhost:$(STRIPE_PORT) $(MANAGE) runserver $(HOST):$(PORT)

# The import contracts first (.importlinter, docs/architecture.md): screens -> domain, never back.
test: install browser-deps
	PYTHONPATH=ocpizza $(VENV)/bin/lint-imports
	APP_ENV=test $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) ocpizza/db.sqlite3 ocpizza/db.sqlite3-wal ocpizza/db.sqlite3-shm var .pytest_cache
