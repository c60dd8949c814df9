"""The native API's errors: RFC 9457 `application/problem+json`, naming the fields at fault."""

from __future__ import annotations

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
    PreconditionFailed,
    RateLimited,
    Unauthenticated,
)
from contactbook.web.kit.answers import Answers
from contactbook.web.kit.error_table import entry_for
from contactbook.web.responses import Json
from contactbook.web.validation import problems_from_validation

# The status of every error class; the body is the same problem document for all.
STATUS: dict[type[DomainError], int] = {
    domain.InvalidInput: 422,
    domain.NotFound: 404,
    domain.AccountNotFound: 404,
    domain.ContactNotFound: 404,
    domain.ListNotFound: 404,
    domain.FieldNotFound: 404,
    domain.TagNotFound: 404,
    domain.StopEntryNotFound: 404,
    domain.InboxNotFound: 404,
    domain.JobNotFound: 404,
    domain.ChangeNotFound: 404,
    domain.DuplicateContact: 409,
    domain.DuplicateList: 409,
    domain.DuplicateField: 409,
    domain.DuplicateInbox: 409,
    domain.JobFileMismatch: 409,
    domain.NotUndoable: 409,
    domain.PreconditionFailed: 412,
    domain.Unauthenticated: 401,
    domain.Forbidden: 403,
    domain.RateLimited: 429,
    domain.Busy: 503,
}

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem(
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:contactbook:problem:{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Json(body, status, headers=headers, media_type="application/problem+json")


def domain_problem(exc: DomainError) -> Response:
    status = entry_for(STATUS, exc)
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    errors = None
    if isinstance(exc, InvalidInput):
        errors = [{"field": p.field, "code": p.code, "message": p.message} for p in exc.problems]
    elif isinstance(exc, Unauthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="contactbook"'
    elif isinstance(exc, RateLimited | Busy):
        headers["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, PreconditionFailed):
        headers["ETag"] = f'"{exc.current_version}"'
    if hasattr(exc, "fields") and not isinstance(exc, InvalidInput):
        fields = exc.fields
        errors = [{"field": f, "code": exc.code, "message": exc.message} for f in fields]
        if getattr(exc, "existing_id", None) is not None:
            extra["existing_id"] = exc.existing_id  # type: ignore[attr-defined]
    return problem(status, exc.code, exc.message, errors, headers or None, **extra)


def _on_domain(_: Request, exc: DomainError) -> Response:
    return domain_problem(exc)


def _on_validation(_: Request, exc: RequestValidationError) -> Response:
    status, errors = problems_from_validation(exc)
    detail = "The request body is not valid JSON." if status == 400 else errors[0]["message"]
    code = "malformed_json" if status == 400 else "invalid_input"
    return problem(status, code, detail, errors)


def _on_http(_: Request, exc: HTTPException) -> Response:
    code = {404: "not_found", 405: "method_not_allowed", 413: "content_too_large"}.get(
        exc.status_code, "http_error"
    )
    return problem(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))


def _on_crash() -> Response:
    return problem(500, "internal_error", "Something went wrong on our side.")


ANSWERS = Answers(domain=_on_domain, validation=_on_validation, http=_on_http, crash=_on_crash)
