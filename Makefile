# The two commands: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3

.PHONY: run test dev setup install db redis worker replica stop migrate demo static messages lint check-migrations pytest clean bench interop audit phonebench

run: setup demo worker $(if $(REPLICA),replica)
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C stops the web server; 'make stop' stops the worker, Redis and the database)"
	$(if $(REPLICA),DATABASE_REPLICA_URL=$$(cat var/pg-replica/DATABASE_REPLICA_URL)) \
	HOST=$(HOST) PORT=$(PORT) WEB_WORKERS=$(WORKERS) exec .venv/bin/gunicorn config.wsgi -c config/gunicorn.conf.py

dev: setup demo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: setup lint check-migrations pytest

setup: install db redis messages migrate static

install:
	@bash scripts/install.sh

# The project's own PostGIS, unless DATABASE_URL points elsewhere.
db:
	@if [ -z "$$DATABASE_URL" ]; then bash scripts/db.sh start; else echo "Using DATABASE_URL"; fi

# The project's own Redis (shared cache, job queue), unless REDIS_URL points elsewhere.
redis:
	@if [ -z "$$REDIS_URL" ]; then bash scripts/redis.sh start; else echo "Using REDIS_URL"; fi

# The Celery worker that runs background jobs (detached; `make stop` stops it).
worker:
	@bash scripts/worker.sh start

# A streaming read replica of the project's PostGIS (optional; README "Read replica").
# `make run REPLICA=1` starts it and sends anonymous public reads there.
replica:
	@bash scripts/replica.sh start

stop:
	@bash scripts/worker.sh stop
	@bash scripts/replica.sh stop >/dev/null 2>&1 || true
	@bash scripts/redis.sh stop
	@bash scripts/db.sh stop

migrate:
	$(PY) manage.py migrate --noinput -v 0

demo:
	$(PY) manage.py load_demo

static:
	$(PY) manage.py collectstatic --noinput -v 0

messages:
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

check-migrations:
	$(PY) manage.py makemigrations --check --dry-run

# Two workers (pytest-xdist), a test file each at a time: the machines have two
# cores, and each worker has its own test database, Redis prefix and queue.
# Schemathesis runs after, in one process: its tests (one per API operation) share
# a node id, and xdist would run only one of each. PYTEST_WORKERS=0: all in one.
PYTEST_WORKERS ?= 2
SCHEMATHESIS := tests/api/test_schemathesis.py
pytest:
ifeq ($(PYTEST_WORKERS),0)
	.venv/bin/pytest $(PYTEST_ARGS)
else
	.venv/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile --ignore=$(SCHEMATHESIS) $(PYTEST_ARGS)
	.venv/bin/pytest -p no:xdist $(SCHEMATHESIS) $(PYTEST_ARGS)
endif

clean:
	rm -rf var/static var/test-media

# The benchmark suite, not part of `make test`: builds (or reuses) the S/M/L data
# sets and prints one table (var/bench/latest.md). BENCH_SIZES=S,M, BENCH_FRESH=1,
# BENCH_MIXED_S=60 ...: see bench/__main__.py.
bench: setup
	$(PY) -m bench

# GDAL and a headless QGIS read the OGC API layers and every export by URL; counts
# are checked against the REST API and a map is rendered (var/interop/qgis.png).
# Not part of `make test`: it installs QGIS (~400 MB) on first use.
interop: setup demo
	@bash scripts/interop.sh

# Known vulnerabilities in the pinned requirements.txt (pip-audit in its own
# virtualenv, var/audit-venv). Not part of `make test`: it asks PyPI's
# vulnerability service over the network (AUDIT_SERVICE=osv asks OSV).
audit:
	@bash scripts/audit.sh

# The phone-budget benchmark (issue 12), not a test: the reporting page on slow 3G
# with a 4x slower CPU beside an unthrottled baseline. See bench/phone.py.
phonebench: static
	$(PY) -m bench.phone
