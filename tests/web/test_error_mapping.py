"""Every domain error is mapped by every dialect: an entry of its own in the dialect's error
table, and a status and a body in the dialect's envelope.

The tables have no entry for a base class (`DomainError`, `Conflict`), so a new error class
fails here, once per dialect, until each dialect says how it answers it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping

import orjson
import pytest
from starlette.responses import Response

import contactbook
from contactbook.domain import errors
from contactbook.domain.errors import Conflict, DomainError, Problem
from contactbook.web.dialects.chatwoot import errors as chatwoot
from contactbook.web.dialects.helpcrunch import errors as helpcrunch
from contactbook.web.dialects.native import errors as native
from contactbook.web.dialects.notificore import errors as notificore
from contactbook.web.kit.error_table import Unmapped, entry_for

# Bases no code raises as such: they group the errors below them, and an entry for one would
# answer every error added under it without anyone deciding how.
ABSTRACT: frozenset[type[DomainError]] = frozenset({DomainError, Conflict})


def _import_every_module() -> None:
    """Load the whole package, so that an error class defined anywhere in it is seen."""
    for module in pkgutil.walk_packages(contactbook.__path__, "contactbook."):
        if ".migrations." not in module.name and not module.name.endswith(".__main__"):
            importlib.import_module(module.name)


def every_error_class() -> Iterator[type[DomainError]]:
    """`DomainError` and every subclass of it that the package defines, recursively."""
    _import_every_module()
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("contactbook."):
            yield cls
        pending.extend(cls.__subclasses__())


CONCRETE = sorted((set(every_error_class()) - ABSTRACT), key=lambda c: c.__name__)


def sample(cls: type[DomainError]) -> DomainError:
    """One instance of each error, built the way the code raises it."""
    if issubclass(cls, errors.InvalidInput):
        return cls([Problem("phone", "invalid_phone", "Not a phone.")])
    if issubclass(cls, errors.NotFound):
        return cls(7)
    if issubclass(cls, errors.DuplicateContact):
        return cls(["phone"], 3)
    if issubclass(cls, errors.PreconditionFailed):
        return cls(4)
    if issubclass(cls, errors.RateLimited):
        return cls(30)
    return cls("message")


# dialect name → its error table and its renderer of domain errors; each dialect adds itself.
TABLES: dict[str, Mapping[type[DomainError], object]] = {
    "native": native.STATUS,
    "chatwoot": chatwoot.ANSWERS_BY_ERROR,
    "notificore": notificore.ANSWERS_BY_ERROR,
    "helpcrunch": helpcrunch.ANSWERS_BY_ERROR,
}
RENDERERS: dict[str, Callable[[DomainError], Response]] = {
    "native": native.domain_problem,
    "chatwoot": chatwoot.render,
    "notificore": notificore.domain_error,
    "helpcrunch": helpcrunch.domain_error_response,
}


@pytest.mark.parametrize("dialect", sorted(TABLES))
@pytest.mark.parametrize("cls", CONCRETE, ids=lambda c: c.__name__)
def test_every_error_has_its_own_entry_in_every_dialect(
    dialect: str, cls: type[DomainError]
) -> None:
    assert cls in TABLES[dialect], (
        f"the {dialect} dialect has no answer of its own for {cls.__name__}: "
        f"add it to the error table in web/dialects/{dialect}/errors.py"
    )


@pytest.mark.parametrize("dialect", sorted(TABLES))
def test_no_table_answers_a_base_class(dialect: str) -> None:
    assert not ABSTRACT & TABLES[dialect].keys()


@pytest.mark.parametrize("dialect", sorted(RENDERERS))
@pytest.mark.parametrize("cls", CONCRETE, ids=lambda c: c.__name__)
def test_every_error_renders_in_every_dialect(dialect: str, cls: type[DomainError]) -> None:
    response = RENDERERS[dialect](sample(cls))
    if issubclass(cls, errors.Busy):
        # The one error that is the store's, not the caller's: retry after the pause given.
        assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    else:
        assert 400 <= response.status_code < 500, (dialect, cls, response.status_code)
    assert response.headers["content-type"].startswith("application/")
    assert orjson.loads(response.body)


class _Unplanned(Conflict):
    """An error no dialect has heard of."""


@pytest.mark.parametrize("dialect", sorted(TABLES))
def test_an_error_without_an_entry_finds_none(dialect: str) -> None:
    # Answered as a crash at run time (tests/reliability/test_server_errors.py).
    with pytest.raises(Unmapped, match="_Unplanned"):
        entry_for(TABLES[dialect], _Unplanned())


def test_codes_are_unique_and_snake_case() -> None:
    codes = [cls.code for cls in every_error_class()]
    assert len(codes) == len(set(codes))
    assert all(code.replace("_", "").isalpha() and code == code.lower() for code in codes)
