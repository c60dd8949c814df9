"""Request ids: every request gets one, echoed in `X-Request-Id` and kept in the change records
of its writes, so an operator can find what one request did.

A caller's own id (`X-Request-Id`, printable and at most 64 characters) is kept; otherwise one
is made.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_SLOT = "contactbook.request_id"
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:/+=@-]{1,64}$")


def request_id_of(scope: MutableMapping[str, Any]) -> str | None:
    """The id the middleware gave this request (None outside it)."""
    value = scope.get(_SLOT)
    return value if isinstance(value, str) else None


class RequestIds:
    """Give each HTTP request an id and answer it in `X-Request-Id`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next(
            (
                value.decode("latin-1")
                for name, value in scope["headers"]
                if name == b"x-request-id"
            ),
            "",
        ).strip()
        request_id = given if _ACCEPTED.match(given) else uuid.uuid4().hex
        scope[_SLOT] = request_id
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                message = {**message, "headers": [*headers, header]}
            await send(message)

        await self.app(scope, receive, send_with_id)
