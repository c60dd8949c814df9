"""The Chatwoot sub-application: Chatwoot's paths, its error bodies, Rails' `.json` suffix."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from contactbook.web.dialects.chatwoot import (
    contacts,
    custom_attributes,
    errors,
    inboxes,
    labels,
    merges,
    transfers,
)
from contactbook.web.dialects.chatwoot.openapi import ACCESS_TOKEN, ERRORS
from contactbook.web.kit.sub_app import vendor_app
from contactbook.web.runtime import Runtime

PREFIX = "/api/v1/accounts"


class StripJsonSuffix:
    """Rails routes every path with an optional `.json` format suffix; so do we."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith(".json"):
            scope = dict(scope)
            scope["path"] = scope["path"][: -len(".json")]
            if scope.get("raw_path"):
                scope["raw_path"] = scope["raw_path"].removesuffix(b".json")
        await self.app(scope, receive, send)


def create_app(runtime: Runtime) -> FastAPI:
    """Chatwoot's contacts surface, to mount at `PREFIX`."""
    app = vendor_app(
        runtime,
        title="Contactbook: Chatwoot application API (contacts)",
        description="Chatwoot's contacts, labels, inboxes and custom attribute definitions, "
        "over the Contactbook store.",
        prefix=PREFIX,
        answers=errors.ANSWERS,
        extra_handlers={errors.ChatwootReply: errors.on_reply},
        security=ACCESS_TOKEN,
        # Fixed paths (search, filter, active) are registered before `/contacts/{contact_id}`.
        routers=[
            module.router
            for module in (transfers, contacts, labels, inboxes, merges, custom_attributes)
        ],
        responses=ERRORS,
    )
    app.add_middleware(StripJsonSuffix)
    return app
