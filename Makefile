# Two commands for a newcomer: `make run` and `make test`. Only Python 3.11+, make and git needed.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: run serve test lint format migrate seed superuser clean bench bench-security check-deploy

# Install the locked dependencies; redone only when the lock file changes.
$(BIN)/.synced: uv.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --inexact --quiet
	@touch $@

run: $(BIN)/.synced
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed
	@# With DEBUG off, pages link to the hashed files collectstatic writes: collect them first.
	@if [ "$${DJANGO_DEBUG:-1}" = "0" ]; then DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0; fi
	@echo
	@echo "  The tracker is at http://127.0.0.1:$(PORT)/"
	@echo "  Editors sign in at http://127.0.0.1:$(PORT)/admin/"
	@echo "  Create an admin user first with:  $(BIN)/python manage.py createsuperuser"
	@echo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production server: DEBUG off, static files collected (compressed, hashed), gunicorn.
serve: $(BIN)/.synced
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=0 $(BIN)/python manage.py seed
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	@echo "  Serving http://127.0.0.1:$(PORT)/ with gunicorn (DEBUG off)"
	DJANGO_DEBUG=0 PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py

# Every page under load against the stack's floor (bench/run.py): SQLite, or DATABASE_URL.
bench: $(BIN)/.synced
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Django's deployment checklist under the documented production environment: no warning passes.
check-deploy: $(BIN)/.synced
	DJANGO_DEBUG=0 DJANGO_HTTPS=1 DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-tracker.example.org} \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Hostile requests, 64 connections for 60 s and the sign-in lockout (bench/security.py).
bench-security: $(BIN)/.synced
	$(BIN)/python bench/security.py $(BENCH_ARGS)

# One test process per core (pytest-xdist), each file's tests in one process; TEST_WORKERS=0
# runs them all in this process.
TEST_WORKERS ?= auto
test: $(BIN)/.synced
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(BIN)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.synced
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

superuser: $(BIN)/.synced
	DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser

clean:
	rm -rf $(VENV) staticfiles
