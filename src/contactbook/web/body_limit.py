"""Request bodies bounded while they stream in.

`BodyLimit` wraps the ASGI `receive` of every HTTP request: it counts the body's bytes as they
arrive and raises `ContentTooLarge` as soon as more than the request's limit came (or at once,
when the declared Content-Length is already past it), so no reader ever holds more than the
limit plus one chunk. The exception is an HTTP 413, raised inside whichever dialect is reading,
so that dialect answers it in its own envelope.

The limit is `max_body_bytes` unless the route raises it before reading: import uploads do,
to `max_upload_bytes`, with `allow_body`.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SCOPE_KEY = "contactbook.body_budget"


class ContentTooLarge(HTTPException):
    """The request body is longer than the route accepts (413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request bodies are limited to {limit} bytes here.")
        self.limit = limit


@dataclass
class BodyBudget:
    """How many body bytes one request may still send."""

    limit: int
    declared: int | None
    received: int = 0

    def check(self) -> None:
        """Raises: ContentTooLarge."""
        if self.received > self.limit or (self.declared or 0) > self.limit:
            raise ContentTooLarge(self.limit)


def allow_body(scope: Scope, limit: int) -> None:
    """Let the request in `scope` send up to `limit` body bytes (before anything is read)."""
    budget = scope.get(SCOPE_KEY)
    if isinstance(budget, BodyBudget):
        budget.limit = limit


class BodyLimit:
    """ASGI middleware: at most `limit` body bytes a request, counted while they stream."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        budget = BodyBudget(self.limit, _declared_length(scope))
        scope = {**scope, SCOPE_KEY: budget}

        async def bounded() -> Message:
            budget.check()  # a declared length past the limit: refuse before reading any
            message = await receive()
            if message["type"] == "http.request":
                budget.received += len(message.get("body", b""))
                budget.check()
            return message

        await self.app(scope, bounded, send)


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 20 else None
