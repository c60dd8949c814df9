"""Notificore's error envelopes.

- business errors: 422 `{"message": "<documented text>", "errors": []}`;
- validation errors: 422 `{"message": "The given data was invalid.", "errors": {path: [msgs]}}`
  with the vendor's flattened paths (`fields.0.value` → `fields0value`);
- authentication: 401 `{"code": 401, "message": "JWT Token not found" | …}`;
- unknown routes: 404 `{"message": "Not Found"}`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contactbook.domain import errors as domain
from contactbook.domain.errors import (
    DomainError,
    DuplicateContact,
    InvalidInput,
    Problem,
    ProblemCode,
)
from contactbook.web.dialects.notificore.body import message_for
from contactbook.web.kit.answers import Answers
from contactbook.web.kit.error_table import entry_for
from contactbook.web.responses import Json

INVALID_DATA = "The given data was invalid."
INVALID_CONTACT = "Invalid contact id"
GROUP_NOT_FOUND = "Contact group is not found"
GROUP_EXISTS = "Contact group is already exists"
PHONE_EXISTS = "Phone number is already exist in contact book"
PHONE_FORMAT = "Invalid phone number format"

# Problems that the vendor reports as a business error rather than as a form error; when every
# problem is one of these, the first kind in this order names the failure.
_BUSINESS_PROBLEMS = (
    (ProblemCode.INVALID_PHONE, "phone", PHONE_FORMAT),
    (ProblemCode.UNKNOWN_LIST, None, GROUP_NOT_FOUND),
    (ProblemCode.UNKNOWN_CONTACT, None, INVALID_CONTACT),
)

# Canonical names the core reports, as Notificore calls them.
_RENAMES = {"lists": "groups", "channels": "types", "custom_fields": "fields"}


def business(message: str, status: int = 422, headers: dict[str, str] | None = None) -> Response:
    return Json({"message": message, "errors": []}, status, headers=headers)


def unauthorized(message: str) -> Response:
    return Json({"code": 401, "message": message}, 401, headers={"WWW-Authenticate": "Bearer"})


def wire_path(field: str) -> str:
    """`lists.0` → `groups0`; `fields.2.value` → `fields2value`; `page[limit]` as it is."""
    head, dot, rest = field.partition(".")
    return (_RENAMES.get(head, head) + dot + rest).replace(".", "")


def invalid_input(exc: InvalidInput) -> Response:
    problems = exc.problems
    if problems and all(_is_business(p) for p in problems):
        for code, field, message in _BUSINESS_PROBLEMS:
            if any(p.code == code and field in (None, p.field) for p in problems):
                return business(message)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        messages = errors.setdefault(wire_path(problem.field), [])
        if problem.message not in messages:
            messages.append(problem.message)
    return Json({"message": INVALID_DATA, "errors": errors}, 422)


def _is_business(problem: Problem) -> bool:
    return any(
        problem.code == code and field in (None, problem.field)
        for code, field, _ in _BUSINESS_PROBLEMS
    )


def domain_error(exc: DomainError) -> Response:
    """The response for any domain error."""
    answer: Callable[[Any], Response] = entry_for(ANSWERS_BY_ERROR, exc)
    return answer(exc)


def _duplicate_contact(exc: DuplicateContact) -> Response:
    if "phone" in exc.fields:
        return business(PHONE_EXISTS)
    return business("Contact is already exist in contact book")


def _documented(message: str, status: int = 422) -> Callable[[DomainError], Response]:
    """The vendor's documented `message` for an error, whatever the error's own says."""
    return lambda _: business(message, status)


def _own(status: int) -> Callable[[DomainError], Response]:
    """A business error with the error's own message."""
    return lambda exc: business(exc.message, status)


def _too_many(exc: domain.RateLimited) -> Response:
    return business("Too many requests", 429, _retry_after(exc))


def _busy(exc: domain.Busy) -> Response:
    return business(exc.message, 503, _retry_after(exc))


def _retry_after(exc: domain.RateLimited | domain.Busy) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)}


def _not_found(_: DomainError) -> Response:
    return Json({"message": "Not Found"}, 404)


# The answer to every error class; a missing record the vendor documents is a 422 with its
# text, any other missing thing is the 404 of an unknown path.
ANSWERS_BY_ERROR: dict[type[DomainError], Callable[[Any], Response]] = {
    domain.InvalidInput: invalid_input,
    domain.Unauthenticated: lambda exc: unauthorized(exc.message),
    domain.Forbidden: _own(403),
    domain.RateLimited: _too_many,
    domain.Busy: _busy,
    domain.ContactNotFound: _documented(INVALID_CONTACT),
    domain.ListNotFound: _documented(GROUP_NOT_FOUND),
    domain.FieldNotFound: _documented("Contact field is not found"),
    domain.StopEntryNotFound: _documented("Stop list item is not found"),
    **dict.fromkeys(
        (
            domain.NotFound,
            domain.AccountNotFound,
            domain.TagNotFound,
            domain.InboxNotFound,
            domain.JobNotFound,
            domain.ChangeNotFound,
        ),
        _not_found,
    ),
    domain.DuplicateContact: _duplicate_contact,
    domain.DuplicateList: _documented(GROUP_EXISTS),
    domain.DuplicateField: _documented("Contact field is already exists"),
    **dict.fromkeys(
        (
            domain.DuplicateInbox,
            domain.PreconditionFailed,
            domain.JobFileMismatch,
            domain.NotUndoable,
        ),
        _own(409),
    ),
}


@contextmanager
def custom_paths(paths: Mapping[str, str], *, query: bool = False) -> Iterator[None]:
    """Point the core's `custom_fields.<id>` problems at the wire names in `paths`: the id
    part for an unknown field, the value part otherwise (`fields.0.id`, `search[value]`)."""
    try:
        yield
    except InvalidInput as exc:
        problems = []
        for problem in exc.problems:
            base = paths.get(problem.field)
            if base is not None:
                unknown = problem.code == ProblemCode.UNKNOWN_FIELD
                part = (
                    ("field" if unknown else "value") if query else ("id" if unknown else "value")
                )
                problem = replace(problem, field=f"{base}[{part}]" if query else f"{base}.{part}")
            problems.append(problem)
        raise InvalidInput(problems, exc.message) from exc


def _on_domain(_: Request, exc: DomainError) -> Response:
    return domain_error(exc)


def _on_validation(_: Request, exc: RequestValidationError) -> Response:
    errors: dict[str, list[str]] = {}
    for error in exc.errors():
        loc = [str(part) for part in error.get("loc", ())[1:]]
        key = wire_path(".".join(loc) or "body")
        message = message_for(str(error.get("type")), error.get("ctx") or {}, error["msg"])
        errors.setdefault(key, []).append(message)
    return Json({"message": INVALID_DATA, "errors": errors}, 422)


def _on_http(_: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return Json({"message": "Not Found"}, 404)
    if exc.status_code == 405:
        return Json({"message": "Method Not Allowed"}, 405, headers=dict(exc.headers or {}))
    return business(str(exc.detail), exc.status_code)


def _on_crash() -> Response:
    return Json({"message": "Server Error"}, 500)


ANSWERS = Answers(domain=_on_domain, validation=_on_validation, http=_on_http, crash=_on_crash)
