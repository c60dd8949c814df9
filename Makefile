# One place for what developers and CI run. `make check` is what CI checks.
PY ?= .venv/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install test test-pg lint typecheck imports check fmt run constraints

install:
	python3 -m venv .venv && .venv/bin/pip install -q -c constraints.txt -e '.[dev]'

test:
	$(PY) -m pytest

test-pg:
	CONTACTBOOK_TEST_POSTGRES_URL=$(PG_URL) $(PY) -m pytest

lint:
	$(PY) -m ruff format --check src tests bench
	$(PY) -m ruff check src tests bench

typecheck:
	$(PY) -m mypy

imports:
	.venv/bin/lint-imports

fmt:
	$(PY) -m ruff format src tests
	$(PY) -m ruff check --fix src tests

check: lint typecheck imports test test-pg

run:
	.venv/bin/contactbook serve

constraints:
	rm -rf /tmp/contactbook-constraints && python3 -m venv /tmp/contactbook-constraints
	/tmp/contactbook-constraints/bin/pip install -q -e '.[dev]'
	(echo "# Pinned versions for reproducible installs: pip install -c constraints.txt ."; \
	 echo "# Regenerate after changing dependencies: make constraints"; \
	 /tmp/contactbook-constraints/bin/pip freeze --exclude-editable) > constraints.txt
