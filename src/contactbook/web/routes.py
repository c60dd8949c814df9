"""How every dialect route runs: JSON bodies decoded strictly. Each dialect's routers use
`DialectRoute` as their route class."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from contactbook.web.json_body import JsonRequest


class DialectRoute(APIRoute):
    """An API route of one of the dialects."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def run(request: Request) -> Response:
            return await handle(JsonRequest(request.scope, request.receive))

        return run
