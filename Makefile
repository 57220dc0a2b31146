# Osez — every command a newcomer needs. `make run` serves the demo; `make test` runs everything.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := postgresql redis-server gettext chromium chromium-driver libpango-1.0-0 libpangoft2-1.0-0
# `make run PORT=8001` serves there; links in emails follow (config/settings.py derives SITE_URL).
PORT ?= 8000

# A Python >= 3.12: an explicit $(PYTHON), then python3.13/python3.12/python3 on the PATH,
# then every pyenv version (through PYENV_VERSION), newest first.
define find_python
for c in $${PYTHON:-} python3.13 python3.12 python3; do \
  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v "$$c"; exit 0; fi; \
done; \
if command -v pyenv >/dev/null 2>&1; then \
  for v in $$(pyenv versions --bare 2>/dev/null | sort -rV); do \
    p=$$(PYENV_VERSION=$$v pyenv which python 2>/dev/null) || continue; \
    if "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo "$$p"; exit 0; fi; \
  done; \
fi; exit 1
endef

.PHONY: help
help:
	@echo "make run       set up and serve the demo at http://127.0.0.1:$(PORT) (PORT=8001 for another port)"
	@echo "make run-day   the same demo as the day itself, happening now (a fresh demo-day.sqlite3)"
	@echo "make test      install what tests need, start PostgreSQL + Redis, run the whole suite with coverage"
	@echo "make lint      ruff, import contracts, makemigrations --check, translations compiled"
	@echo "make messages  refresh locale/*.po from the code, then compile"
	@echo "make audit     the installed packages against PyPI's known vulnerabilities (pip-audit; network)"

$(VENV)/.installed: pyproject.toml
	@py=$$($(find_python)) || { echo "Osez needs Python >= 3.12 and none was found (tried \$$PYTHON, python3.13, python3.12, python3 and pyenv)." >&2; echo "Install one (e.g. 'pyenv install 3.12') or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; }; \
	echo "Using $$py"; \
	[ -x $(PY) ] || "$$py" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: venv
venv: $(VENV)/.installed

.PHONY: compilemessages
compilemessages: venv
	@command -v msgfmt >/dev/null || $(MAKE) system-packages
	$(PY) manage.py compilemessages --ignore '.venv' -v 0

.PHONY: run
run: venv compilemessages
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py load_demo
	DJANGO_DEBUG=1 PORT=$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The demo as the day itself, happening now (`load_demo --day`), in a database of its own made
# afresh each time: the day is placed around the moment it is loaded.
DAY_DB := demo-day.sqlite3
DAY_ENV := DATABASE_URL=sqlite:///$(CURDIR)/$(DAY_DB) DJANGO_DEBUG=1 PORT=$(PORT)
.PHONY: run-day
run-day: venv compilemessages
	rm -f $(DAY_DB)
	$(DAY_ENV) $(PY) manage.py migrate --no-input -v 0
	$(DAY_ENV) $(PY) manage.py load_demo --day
	$(DAY_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Debian packages the tests need; installed only when one is missing.
.PHONY: system-packages
system-packages:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

.PHONY: test
test: system-packages venv compilemessages
	$(PY) -m tests.stack -- $(PY) -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

.PHONY: lint
lint: venv compilemessages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -c pyproject.toml -r . --severity-level medium -q
	$(PY) manage.py makemigrations --check --dry-run

# Every installed package against the vulnerabilities PyPI knows (its JSON API, per version).
# --strict: a package that could not be audited fails the target instead of passing unseen.
# Not in CI: it needs the registry's vulnerability data (README, "Production").
.PHONY: audit
audit: venv
	$(VENV)/bin/pip-audit --strict --skip-editable --progress-spinner off

.PHONY: messages
messages: venv
	$(PY) manage.py makemessages -l fr -l en --no-obsolete --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --ignore '.venv' -v 0
