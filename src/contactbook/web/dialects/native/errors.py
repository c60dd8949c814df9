"""The native API's errors: RFC 9457 `application/problem+json`, naming the fields at fault."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contactbook.domain.errors import (
    Busy,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    RateLimited,
    Unauthenticated,
)
from contactbook.web.crashes import AnswerCrashes
from contactbook.web.responses import Json
from contactbook.web.validation import problems_from_validation

# MRO lookup: the most specific class wins (as in Starlette's exception handling).
STATUS: dict[type[DomainError], int] = {
    DomainError: 400,
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    PreconditionFailed: 412,
    Unauthenticated: 401,
    Forbidden: 403,
    RateLimited: 429,
    Busy: 503,
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


def status_for(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


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
    status = status_for(exc)
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


def install(app: FastAPI) -> None:
    """Register the problem+json handlers on `app`."""

    async def on_domain(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return domain_problem(exc)

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        status, errors = problems_from_validation(exc)
        detail = "The request body is not valid JSON." if status == 400 else errors[0]["message"]
        code = "malformed_json" if status == 400 else "invalid_input"
        return problem(status, code, detail, errors)

    async def on_http(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: "not_found", 405: "method_not_allowed", 413: "content_too_large"}.get(
            exc.status_code, "http_error"
        )
        return problem(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))

    def on_crash() -> Response:
        return problem(500, "internal_error", "Something went wrong on our side.")

    app.add_exception_handler(DomainError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_middleware(AnswerCrashes, answer=on_crash)
