"""The HelpCrunch REST API v1 (customers and events) as a sub-application at `/v1`."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from contactbook.web.dialects.helpcrunch import customer_tags, customers, errors, events
from contactbook.web.dialects.helpcrunch.openapi import API_KEY, ERRORS
from contactbook.web.kit.sub_app import vendor_app
from contactbook.web.ratelimit import rate_limiter
from contactbook.web.runtime import Runtime

PREFIX = "/v1"


def create_app(runtime: Runtime) -> FastAPI:
    """HelpCrunch's paths with its error envelope; its document is `/openapi/helpcrunch.json`."""
    # Build the limiter now, so a malformed `rate_limit` setting stops the start-up.
    rate_limiter(runtime)
    app = vendor_app(
        runtime,
        title="Contactbook: HelpCrunch REST API v1",
        description="HelpCrunch's customers and events, over the Contactbook store.",
        prefix=PREFIX,
        answers=errors.ANSWERS,
        security=API_KEY,
        # The literal /customers/search and /customers/batch come before /customers/{id}.
        routers=[module.router for module in (customers, customer_tags, events)],
        responses=ERRORS,
    )
    app.add_middleware(BodiesAreJson)
    return app


class BodiesAreJson:
    """Read every request body as JSON, whatever its Content-Type says.

    HelpCrunch's API speaks only JSON and clients (curl -d, PHP streams) often omit the header
    or send a form type; the body is what counts.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        await self.app(scope, receive, send)
