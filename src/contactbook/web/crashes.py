"""Unexpected exceptions answered in the dialect's envelope, on a connection that stays open.

Starlette's outermost middleware renders a 500 for an unhandled exception and then re-raises
it, for the server to log; uvicorn then logs the traceback again and closes the keep-alive
connection, so the client's next request on it fails too. `AnswerCrashes` sits inside each
dialect's application, logs the traceback once, answers with the dialect's own 500 and returns
normally: the connection serves the next request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("contactbook.web")


class AnswerCrashes:
    """ASGI middleware: any exception below becomes `answer()`, logged once."""

    def __init__(self, app: ASGIApp, answer: Callable[[], Response]) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            log.exception("Unhandled error answering %s %s", scope["method"], scope["path"])
            if started:
                # Part of a reply is out; the server closes the connection, as it must.
                return
            await self.answer()(scope, receive, send)
