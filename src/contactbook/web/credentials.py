"""Credentials before bodies.

FastAPI reads and parses a route's body model before it solves the route's dependencies, the
credentials check among them: a caller nobody has authenticated could make a worker read,
hold and parse a body of any size (300 MiB grew one by 600 MiB). Each dialect marks its
credentials dependency with `@credentials`; `DialectRoute` runs the marked dependencies of a
route before anything reads the request, and the dependency then returns the answer it gave
(so a rate limit counts the request once).

The caller it answers is marked with the dialect it came through and the request's id, which
the change records of its writes carry.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi.dependencies.models import Dependant
from starlette.requests import Request

from contactbook.domain.context import RequestContext, Source
from contactbook.web.request_ids import request_id_of

T = TypeVar("T")
Check = Callable[[Request], Awaitable[T]]

_ANSWERS = "contactbook.credentials"
_CHECKS: set[Callable[..., object]] = set()


def credentials(source: Source) -> Callable[[Check[RequestContext]], Check[RequestContext]]:
    """Mark a dependency taking the request as the credentials check of the dialect `source`:
    it runs once per request, before the body is read on `DialectRoute` routes."""

    def mark(check: Check[RequestContext]) -> Check[RequestContext]:
        @functools.wraps(check)
        async def once(request: Request) -> RequestContext:
            answers: dict[object, RequestContext] = request.scope.setdefault(_ANSWERS, {})
            if once not in answers:
                caller = await check(request)
                answers[once] = caller.through(source, request_id_of(request.scope))
            return answers[once]

        _CHECKS.add(once)
        return once

    return mark


def credential_checks(dependant: Dependant) -> list[Check[object]]:
    """The credentials checks among a route's dependencies, deepest first (a dependency that
    needs the caller, such as an admin check, is solved after its caller anyway)."""
    found: list[Check[object]] = []
    for sub in dependant.dependencies:
        for check in credential_checks(sub):
            if check not in found:
                found.append(check)
        if sub.call in _CHECKS and sub.call not in found:
            found.append(sub.call)
    return found
