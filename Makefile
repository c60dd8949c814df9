# One place for what developers and CI run. `make check` is what CI checks.
PY ?= .venv/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install test test-pg lint typecheck imports static coverage check fmt run constraints

install:
	python3 -m venv .venv && .venv/bin/pip install -q -c constraints.txt -e '.[dev]'

test:
	$(PY) -m pytest

test-pg:
	CONTACTBOOK_TEST_POSTGRES_URL=$(PG_URL) $(PY) -m pytest

# The static checks are listed once, in .ci/checks (CI and pre-commit run the same file).
lint typecheck imports:
	PY=$(PY) .ci/checks $@

static:
	PY=$(PY) .ci/checks

# The suite on SQLite with branch coverage and the floor of pyproject.toml, as CI runs it.
coverage:
	PY=$(PY) .ci/coverage $(PY) -m pytest

fmt:
	$(PY) -m ruff format src tests
	$(PY) -m ruff check --fix src tests

check: static coverage test-pg

run:
	.venv/bin/contactbook serve

constraints:
	rm -rf /tmp/contactbook-constraints && python3 -m venv /tmp/contactbook-constraints
	/tmp/contactbook-constraints/bin/pip install -q -e '.[dev]'
	(echo "# Pinned versions for reproducible installs: pip install -c constraints.txt ."; \
	 echo "# Regenerate after changing dependencies: make constraints"; \
	 /tmp/contactbook-constraints/bin/pip freeze --exclude-editable) > constraints.txt
