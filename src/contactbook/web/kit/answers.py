"""The four ways a request fails, answered in one dialect's envelope.

A dialect states its `Answers` (one function for each way) and `install` registers them: a
domain error, a request the framework could not validate, an HTTP error (unknown path or verb,
a body past its limit), and a crash, answered by `AnswerCrashes` on a connection that stays
open. Errors only one vendor has (Chatwoot's fixed replies) come as `extra` handlers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from contactbook.domain.errors import DomainError
from contactbook.web.crashes import AnswerCrashes

Handler = Callable[[Request, Exception], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Answers:
    """One dialect's answer to each way a request fails."""

    domain: Callable[[Request, DomainError], Response]
    validation: Callable[[Request, RequestValidationError], Response]
    http: Callable[[Request, HTTPException], Response]
    crash: Callable[[], Response]


def install(app: FastAPI, answers: Answers, extra: Mapping[type[Exception], Handler] = {}) -> None:
    """Answer every failure of `app` with `answers` (and the exceptions of `extra` with theirs)."""

    async def on_domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return answers.domain(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return answers.validation(request, exc)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return answers.http(request, exc)

    app.add_exception_handler(DomainError, on_domain)
    for exc_class, handler in extra.items():
        app.add_exception_handler(exc_class, handler)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_middleware(AnswerCrashes, answer=answers.crash)
