"""HelpCrunch's error envelope: `{"errors": [{"code": "invalid_request", ...}, {specific}...]}`.

The first item is always `invalid_request`; the specific items follow. A 400 has one item per
invalid field, its `code` the field path in HelpCrunch's names (`customer`, `filter[0].field`,
`customData[1].value`, `[2].email` in a batch) and its message in Symfony's wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contactbook.domain import errors as domain
from contactbook.domain.errors import (
    Busy,
    DomainError,
    InvalidInput,
    Problem,
    ProblemCode,
    RateLimited,
)
from contactbook.web.kit.answers import Answers
from contactbook.web.kit.error_table import entry_for
from contactbook.web.responses import Json

INVALID_REQUEST = {"code": "invalid_request", "message": "Invalid request"}

# Canonical attribute names → HelpCrunch's.
NAMES = {
    "external_id": "userId",
    "first_seen": "firstSeen",
    "last_seen": "lastSeen",
    "last_page": "lastPage",
    "created_from": "createdFrom",
    "integration_id": "integrationId",
    "country_code": "countryCode",
    "region_code": "regionCode",
}

# Pydantic error types → Symfony validator messages.
MESSAGES = {
    "missing": "This value should not be blank.",
    "string_type": "This value should be of type string.",
    "bool_type": "This value should be of type bool.",
    "int_type": "This value should be of type numeric.",
    "int_parsing": "This value should be of type numeric.",
    "int_from_float": "This value should be of type numeric.",
    "list_type": "This value should be of type array.",
    "dict_type": "This value should be of type object.",
    "model_type": "This value should be of type object.",
    "model_attributes_type": "This value should be of type object.",
    "too_short": "This collection should contain {min_length} element or more.",
    "too_long": "This collection should contain {max_length} elements or less.",
    "greater_than_equal": "This value should be greater than or equal to {ge}.",
    "less_than_equal": "This value should be less than or equal to {le}.",
    "literal_error": "The value you selected is not a valid choice.",
}

# A batch item's problems are named `items.<position>.<field>`.
_INDEX = re.compile(r"^items\.(\d+)(?:\.(.*))?$")


def envelope(
    status: int, items: list[dict[str, str]], headers: Mapping[str, str] | None = None
) -> Response:
    """The error response: `invalid_request` first, then `items`."""
    return Json({"errors": [INVALID_REQUEST, *items]}, status, headers=dict(headers or {}))


def item(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def not_found(message: str = "Customer not found") -> Response:
    return envelope(404, [item("not_found", message)])


# --- field paths -----------------------------------------------------------------------------


def wire_path(field: str) -> str:
    """A canonical problem path in HelpCrunch's names: `items.0.external_id` → `[0].userId`,
    `tags.1.color` → `tags[1].color`, `custom_fields.plan` → `customData`."""
    prefix = ""
    batch = _INDEX.match(field)
    if batch:
        prefix, field = f"[{batch.group(1)}]", batch.group(2) or ""
        if not field:
            return prefix
    parts = field.split(".")
    head = parts[0]
    if head == "tags" and len(parts) > 1 and parts[1].isdigit():
        rest = ".".join(parts[2:]) or "name"
        return _join(prefix, f"tags[{parts[1]}].{rest}")
    if head == "custom_fields":
        return _join(prefix, "customData")
    return _join(prefix, ".".join([NAMES.get(head, head), *parts[1:]]))


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return prefix + (path if path.startswith("[") else "." + path)


def loc_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """A validation error location as HelpCrunch writes it: `filter[0].field`, `[1].customer`."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


@contextmanager
def custom_data_paths(indexes: Mapping[int | None, Mapping[str, int]]) -> Iterator[None]:
    """Name custom-value problems by their place in the request's `customData` lists.

    `indexes` maps a batch item (None outside a batch) to {property: position in customData}.
    """
    try:
        yield
    except InvalidInput as exc:
        raise InvalidInput([_placed(p, indexes) for p in exc.problems], exc.message) from exc


def _placed(problem: Problem, indexes: Mapping[int | None, Mapping[str, int]]) -> Problem:
    batch: int | None = None
    field = problem.field
    match = _INDEX.match(field)
    if match and match.group(2):
        batch, field = int(match.group(1)), match.group(2)
    if not field.startswith("custom_fields."):
        return problem
    prop = field.removeprefix("custom_fields.")
    position = indexes.get(batch, {}).get(prop)
    if position is None:
        return problem
    leaf = "property" if problem.code == ProblemCode.UNKNOWN_FIELD else "value"
    path = f"customData[{position}].{leaf}"
    if batch is not None:
        path = f"[{batch}].{path}"
    message = (
        f'The property "{prop}" is not defined; add it as a custom attribute first.'
        if leaf == "property"
        else problem.message
    )
    return Problem(path, problem.code, message, problem.value)


# --- domain errors ---------------------------------------------------------------------------


def domain_error_response(exc: DomainError) -> Response:
    """Any domain error as HelpCrunch would answer it."""
    answer: Callable[[Any], Response] = entry_for(ANSWERS_BY_ERROR, exc)
    return answer(exc)


def _invalid(exc: InvalidInput) -> Response:
    seen: dict[str, str] = {}
    for problem in exc.problems:
        seen.setdefault(wire_path(problem.field), problem.message)
    return envelope(400, [item(code, message) for code, message in seen.items()])


def _too_many(exc: RateLimited) -> Response:
    return envelope(429, [item("too_many_requests", "Too many requests")], _retry_after(exc))


def _busy(exc: Busy) -> Response:
    return envelope(503, [item("service_unavailable", exc.message)], _retry_after(exc))


def _retry_after(exc: RateLimited | Busy) -> dict[str, str]:
    return {"Retry-After": str(exc.retry_after)}


def _caller_caused(exc: DomainError) -> Response:
    """Any other refusal (a duplicate list or field, a stale version): its code and message."""
    return envelope(400, [item(exc.code, exc.message)])


# The answer to every error class.
ANSWERS_BY_ERROR: dict[type[DomainError], Callable[[Any], Response]] = {
    domain.InvalidInput: _invalid,
    domain.DuplicateContact: lambda exc: envelope(400, [_duplicate(field) for field in exc.fields]),
    domain.ContactNotFound: lambda _: not_found(),
    **dict.fromkeys(
        (
            domain.NotFound,
            domain.AccountNotFound,
            domain.ListNotFound,
            domain.FieldNotFound,
            domain.TagNotFound,
            domain.StopEntryNotFound,
            domain.InboxNotFound,
            domain.JobNotFound,
            domain.ChangeNotFound,
        ),
        lambda exc: not_found(exc.message.rstrip(".")),
    ),
    domain.Unauthenticated: lambda _: envelope(401, [item("unauthorized", "Unauthorized")]),
    domain.Forbidden: lambda exc: envelope(403, [item("forbidden", exc.message)]),
    domain.RateLimited: _too_many,
    domain.Busy: _busy,
    **dict.fromkeys(
        (
            domain.DuplicateList,
            domain.DuplicateField,
            domain.DuplicateInbox,
            domain.PreconditionFailed,
            domain.JobFileMismatch,
            domain.NotUndoable,
        ),
        _caller_caused,
    ),
}


def _duplicate(field: str) -> dict[str, str]:
    path = wire_path(field)
    if path.endswith("userId"):
        # Clients branch on this code (seen in the wild), so it is kept exactly.
        return item("invalid_userId_value", "A customer with this userId already exists.")
    return item(path, "This value is already used.")


def validation_response(exc: RequestValidationError) -> Response:
    items: list[dict[str, str]] = []
    for error in exc.errors():
        kind = str(error.get("type", ""))
        if kind == "json_invalid":
            return envelope(400, [item("body", "Invalid JSON")])
        template = MESSAGES.get(kind, "This value is not valid.")
        message = template.format(**(error.get("ctx") or {}))
        code = loc_path(error.get("loc", ()))
        if all(seen["code"] != code for seen in items):
            items.append(item(code, message))
    return envelope(400, items or [item("body", "This value is not valid.")])


def _on_http(_: Request, exc: HTTPException) -> Response:
    if exc.status_code == 404:
        return not_found("Not found")
    code = {405: "method_not_allowed", 413: "content_too_large"}.get(exc.status_code, "http_error")
    message = "Method not allowed" if exc.status_code == 405 else str(exc.detail)
    return envelope(exc.status_code, [item(code, message)], exc.headers)


ANSWERS = Answers(
    domain=lambda _, exc: domain_error_response(exc),
    validation=lambda _, exc: validation_response(exc),
    http=_on_http,
    crash=lambda: envelope(500, [item("internal_error", "Internal server error")]),
)
