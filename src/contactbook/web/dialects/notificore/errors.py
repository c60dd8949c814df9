"""Notificore's error envelopes.

- business errors: 422 `{"message": "<documented text>", "errors": []}`;
- validation errors: 422 `{"message": "The given data was invalid.", "errors": {path: [msgs]}}`
  with the vendor's flattened paths (`fields.0.value` → `fields0value`);
- authentication: 401 `{"code": 401, "message": "JWT Token not found" | …}`;
- unknown routes: 404 `{"message": "Not Found"}`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contactbook.domain.errors import (
    Busy,
    Conflict,
    ContactNotFound,
    DomainError,
    DuplicateContact,
    DuplicateField,
    DuplicateList,
    FieldNotFound,
    Forbidden,
    InvalidInput,
    ListNotFound,
    NotFound,
    Problem,
    ProblemCode,
    RateLimited,
    StopEntryNotFound,
    Unauthenticated,
)
from contactbook.web.crashes import AnswerCrashes
from contactbook.web.dialects.notificore.body import message_for
from contactbook.web.responses import Json

INVALID_DATA = "The given data was invalid."
INVALID_CONTACT = "Invalid contact id"
GROUP_NOT_FOUND = "Contact group is not found"
GROUP_EXISTS = "Contact group is already exists"
PHONE_EXISTS = "Phone number is already exist in contact book"
PHONE_FORMAT = "Invalid phone number format"

# Status and the vendor's documented message (None: the error's own) by domain error; the most
# specific class wins.
BUSINESS: dict[type[DomainError], tuple[int, str | None]] = {
    ContactNotFound: (422, INVALID_CONTACT),
    ListNotFound: (422, GROUP_NOT_FOUND),
    FieldNotFound: (422, "Contact field is not found"),
    StopEntryNotFound: (422, "Stop list item is not found"),
    NotFound: (404, "Not Found"),
    DuplicateList: (422, GROUP_EXISTS),
    DuplicateField: (422, "Contact field is already exists"),
    Conflict: (409, None),
    Forbidden: (403, None),
    RateLimited: (429, "Too many requests"),
    Busy: (503, None),
    DomainError: (400, None),
}

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
    if isinstance(exc, Unauthenticated):
        return unauthorized(exc.message)
    if isinstance(exc, InvalidInput):
        return invalid_input(exc)
    if isinstance(exc, DuplicateContact):
        if "phone" in exc.fields:
            return business(PHONE_EXISTS)
        return business("Contact is already exist in contact book")
    status, message = next(BUSINESS[cls] for cls in type(exc).__mro__ if cls in BUSINESS)
    message = message or exc.message
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited | Busy) else None
    if status == 404:
        return Json({"message": message}, 404)
    return business(message, status, headers)


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


def install(app: FastAPI) -> None:
    """Register the envelopes on the dialect's app."""

    async def on_domain(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return domain_error(exc)

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            loc = [str(part) for part in error.get("loc", ())[1:]]
            key = wire_path(".".join(loc) or "body")
            message = message_for(str(error.get("type")), error.get("ctx") or {}, error["msg"])
            errors.setdefault(key, []).append(message)
        return Json({"message": INVALID_DATA, "errors": errors}, 422)

    async def on_http(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return Json({"message": "Not Found"}, 404)
        if exc.status_code == 405:
            return Json({"message": "Method Not Allowed"}, 405, headers=dict(exc.headers or {}))
        return business(str(exc.detail), exc.status_code)

    def on_crash() -> Response:
        return Json({"message": "Server Error"}, 500)

    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_middleware(AnswerCrashes, answer=on_crash)
