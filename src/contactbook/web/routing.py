"""Routes whose unit of work runs again when concurrent writers made the store roll it back.

The edge owns the transaction (a handler opens the unit of work and the unit commits as it
closes), so the edge is where a transaction is retried. With one lock order for every write
(see `storage.locks`) a deadlock should not happen; a serialisation failure or a deadlock the
database still reports rolls the whole transaction back (`Busy`), so the handler can simply
run again with the same request. After a few attempts the caller gets `Busy` in its API's
envelope (503 with Retry-After), never a 500.
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

log = logging.getLogger("contactbook.retry")

ATTEMPTS = 4
# Seconds before attempt 2, 3, 4 (each with up to as much again at random, so writers that
# collided do not collide again in step).
BACKOFF = (0.005, 0.02, 0.05)


class RetryingRoute(APIRoute):
    """An API route that runs its handler again (up to `ATTEMPTS` times) on `Busy`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def run(request: Request) -> Response:
            for attempt in range(ATTEMPTS):
                try:
                    return await handler(request)
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
