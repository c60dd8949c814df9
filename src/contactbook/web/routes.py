"""How every dialect route runs: credentials checked before the body is read, JSON bodies
decoded strictly, and the unit of work run again when concurrent writers made the store roll
it back. Each dialect's routers use `DialectRoute` as their route class.

Retries belong here because the edge owns the transaction: a handler opens the unit of work
and the unit commits as it closes. With one lock order for every write (`storage.locks`) a
deadlock should not happen; a serialisation failure or a deadlock the database still reports
rolls the whole transaction back (`Busy`), so the handler can simply run again with the same
request. After `ATTEMPTS` the caller gets `Busy` in its API's envelope (503 with Retry-After),
never a 500.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from contactbook.domain.errors import Busy
from contactbook.web.credentials import credential_checks
from contactbook.web.json_body import JsonRequest

log = logging.getLogger("contactbook.retry")

ATTEMPTS = 4
# Seconds before attempt 2, 3, 4 (each with up to as much again at random, so writers that
# collided do not collide again in step).
BACKOFF = (0.005, 0.02, 0.05)


class DialectRoute(APIRoute):
    """An API route of one of the dialects."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()
        checks = credential_checks(self.dependant)

        async def run(request: Request) -> Response:
            request = JsonRequest(request.scope, request.receive)
            # Before FastAPI reads the body: a refusal here means no byte of it was read.
            for check in checks:
                await check(request)
            for attempt in range(ATTEMPTS):
                try:
                    return await handle(request)
                except Busy:
                    if attempt == ATTEMPTS - 1 or not _replayable(request):
                        raise
                    log.info("retrying %s %s after a write conflict", request.method, self.path)
                    pause = BACKOFF[min(attempt, len(BACKOFF) - 1)]
                    await asyncio.sleep(pause + random.uniform(0, pause))  # noqa: S311
            raise AssertionError("unreachable")

        return run


def _replayable(request: Request) -> bool:
    """A request can run again if its body was read whole (Starlette keeps it on the request)
    or not at all; a body streamed elsewhere (an upload) cannot be read twice."""
    consumed = getattr(request, "_stream_consumed", False)
    return not consumed or hasattr(request, "_body")
