# The two commands: `make run` and `make test`. Everything else is a step of them.
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3

.PHONY: run test dev setup install db stop migrate demo static messages lint check-migrations pytest clean

run: setup demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C stops the web server; 'make stop' stops the database)"
	exec .venv/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) \
	  --access-logfile - --graceful-timeout 5

dev: setup demo
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: setup lint check-migrations pytest

setup: install db messages migrate static

install:
	@bash scripts/install.sh

# The project's own PostGIS, unless DATABASE_URL points elsewhere.
db:
	@if [ -z "$$DATABASE_URL" ]; then bash scripts/db.sh start; else echo "Using DATABASE_URL"; fi

stop:
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

pytest:
	.venv/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf var/static var/test-media
