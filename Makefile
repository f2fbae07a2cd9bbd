# Moka DX talent portal. `make help` lists the commands.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := .make
# The suite's Debian packages: slapd/ldap-utils for the directory tests (a throw-away
# OpenLDAP per test), xmlsec1 for the test SAML identity provider (pysaml2), Java for the
# Nu HTML Checker of the browser judges (tests/browser/test_judges.py).
APT_PACKAGES := gettext chromium chromium-driver fonts-noto-cjk poppler-utils slapd ldap-utils xmlsec1 default-jre-headless
# python-ldap (django-auth-ldap) compiles against these: installed before the virtualenv.
BUILD_APT_PACKAGES := libldap2-dev libsasl2-dev
# The Nu HTML Checker (vnu-jar) for the browser judges, from npm.
VNU_VERSION := 26.9.27
BENCH_APT_PACKAGES := wrk
# What the demo needs beyond Python: the 認定証 PDF's Japanese glyphs, and msgfmt.
RUN_APT_PACKAGES := gettext fonts-noto-cjk
PORT ?= 8000
export PLAYWRIGHT_BROWSERS_PATH := 0
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/moka_dx
# pytest runs in this many processes (pytest-xdist; one test database each, test_<name>_gwN).
# --dist loadfile keeps a file on one process: the judges' crawl is built once.
PYTEST_WORKERS ?= auto
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0

.DEFAULT_GOAL := help
.PHONY: help run test lint services migrate seed messages clean bench bench-large worker mutate

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP):
	@mkdir -p $(STAMP)

# Install Debian packages as root, never starting their daemons (slapd would take
# port 389): a policy-rc.d that says no, for the time of the install only.
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "apt-get install $$missing"; \
	    own_policy=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
	      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; own_policy=1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    status=$$?; [ -n "$$own_policy" ] && rm -f /usr/sbin/policy-rc.d; exit $$status; \
	  else echo "Please install: $$missing (sudo apt-get install $$missing)"; exit 1; fi; \
	fi
endef

$(STAMP)/apt-build: Makefile | $(STAMP)
	$(call apt_install,$(BUILD_APT_PACKAGES))
	@touch $@

# The virtualenv, re-installed only when a requirements file changes.
$(STAMP)/venv: requirements.txt requirements-dev.txt | $(STAMP) $(STAMP)/apt-build
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Debian packages the suite needs (as root; skipped when already installed).
$(STAMP)/apt: Makefile | $(STAMP)
	$(call apt_install,$(APT_PACKAGES))
	@touch $@

# Debian packages the demo needs (fonts for the certificate PDF, msgfmt).
$(STAMP)/apt-run: Makefile | $(STAMP)
	$(call apt_install,$(RUN_APT_PACKAGES))
	@touch $@

# vnu.jar (npm's vnu-jar), installed globally once; Java comes from APT_PACKAGES.
$(STAMP)/vnu: Makefile | $(STAMP)
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }
	@root=$$(npm root -g); grep -qs '"version": "$(VNU_VERSION)"' "$$root/vnu-jar/package.json" \
	  || npm install --global --no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION)
	@touch $@

messages: $(STAMP)/venv ## Compile the translations (needs gettext)
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	@DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v0

# The demo's own address: the certificate's QR code and e-mail links point at it.
RUN_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL DJANGO_DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT)

run: $(STAMP)/venv $(STAMP)/apt-run messages ## Demo site on SQLite at http://127.0.0.1:8000 (PORT=8001 for another port; tasks run in-process)
	@$(RUN_ENV) $(PY) manage.py migrate --noinput -v0
	@$(RUN_ENV) $(PY) manage.py seed_demo
	@$(RUN_ENV) $(PY) manage.py demo_logins
	@echo "http://127.0.0.1:$(PORT) を開いてください / open http://127.0.0.1:$(PORT)"
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(STAMP)/venv ## ruff and makemigrations --check
	$(VENV)/bin/ruff check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

services: ## Start the local PostgreSQL and Redis if installed and not answering
	@if command -v pg_ctlcluster >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; fi
	@if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no; fi
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break; sleep 1; done
	@pg_isready -h 127.0.0.1 -p 5432 2>/dev/null || echo "PostgreSQL is not answering"
	@redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || echo "Redis is not answering"

test: $(STAMP)/venv $(STAMP)/apt $(STAMP)/vnu messages services ## The whole suite: ruff, makemigrations --check, pytest
	$(VENV)/bin/ruff check .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	DJANGO_ALLOW_ASYNC_UNSAFE=true \
	$(PY) -m pytest --create-db -q -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# The recompute benchmarks queue their range tasks on BENCH_BROKER_URL (default: the
# CELERY_BROKER_URL of the shell, else Redis db 0) in a queue of their own.
BENCH_ARGS ?=
bench: $(STAMP)/venv services ## Benchmarks: recompute at 50,000 staff (1 and 2 workers), and HTTP under wrk (not part of test)
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BENCH_APT_PACKAGES) >/dev/null; }
	$(PY) bench/run.py recompute --size bench $(BENCH_ARGS)
	$(PY) bench/run.py http

bench-large: $(STAMP)/venv services ## Recompute benchmark at a prefecture's size: 200,000 staff, 1,000,000 evaluations (slow)
	$(PY) bench/run.py recompute --size large $(BENCH_ARGS)

# Mutation testing (not part of `make test`): config in pyproject.toml [tool.mutmut], the
# score and the survivors in docs/testing.md. MUTANTS narrows the run, e.g.
# `make mutate MUTANTS='certification.rules*'`. Results stay in mutants/ (git-ignored).
MUTANTS ?=
MUTATE_DATABASE_URL ?= $(TEST_DATABASE_URL)_mutate
mutate: $(STAMP)/venv messages services ## Mutation testing of the rules and the services (mutmut; slow)
	DATABASE_URL=$(MUTATE_DATABASE_URL) CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(VENV)/bin/mutmut run --max-children 1 $(MUTANTS)
	$(VENV)/bin/mutmut results

worker: $(STAMP)/venv ## A Celery worker and beat against CELERY_BROKER_URL
	$(VENV)/bin/celery -A moka_dx worker -B -l info

clean: ## Remove the virtualenv, the demo database and build stamps
	rm -rf $(VENV) $(STAMP) db.sqlite3 staticfiles
