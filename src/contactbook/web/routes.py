"""How every dialect route runs: credentials checked before the body is read, and JSON bodies
decoded strictly. Each dialect's routers use `DialectRoute` as their route class."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from contactbook.web.credentials import credential_checks
from contactbook.web.json_body import JsonRequest


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
            return await handle(request)

        return run
