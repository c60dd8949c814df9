"""Every domain error is mapped by every dialect: a status and a body in its own envelope."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import orjson
import pytest
from starlette.responses import Response

from contactbook.domain import errors
from contactbook.domain.errors import DomainError, Problem
from contactbook.web.dialects.chatwoot.errors import render as chatwoot_error
from contactbook.web.dialects.helpcrunch.errors import domain_error_response
from contactbook.web.dialects.native.errors import domain_problem
from contactbook.web.dialects.notificore.errors import domain_error as notificore_error


def every_error_class() -> Iterator[type[DomainError]]:
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        yield cls
        pending.extend(cls.__subclasses__())


ERROR_CLASSES = sorted(every_error_class(), key=lambda c: c.__name__)


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


# dialect name → its renderer of domain errors; each dialect adds itself here.
RENDERERS: dict[str, Callable[[DomainError], Response]] = {
    "native": domain_problem,
    "chatwoot": chatwoot_error,
    "notificore": notificore_error,
    "helpcrunch": domain_error_response,
}


@pytest.mark.parametrize("dialect", sorted(RENDERERS))
@pytest.mark.parametrize("cls", ERROR_CLASSES)
def test_every_error_renders_in_every_dialect(dialect: str, cls: type[DomainError]) -> None:
    response = RENDERERS[dialect](sample(cls))
    if issubclass(cls, errors.Busy):
        # The one error that is the store's, not the caller's: retry after the pause given.
        assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    else:
        assert 400 <= response.status_code < 500, (dialect, cls, response.status_code)
    assert response.headers["content-type"].startswith("application/")
    assert orjson.loads(response.body)


def test_codes_are_unique_and_snake_case() -> None:
    codes = [cls.code for cls in every_error_class()]
    assert len(codes) == len(set(codes))
    assert all(code.replace("_", "").isalpha() and code == code.lower() for code in codes)
