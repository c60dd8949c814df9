"""The Chatwoot sub-application: Chatwoot's paths, its error bodies, Rails' `.json` suffix."""

from __future__ import annotations

from fastapi import FastAPI, Security
from starlette.types import ASGIApp, Receive, Scope, Send

from contactbook import __version__
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
from contactbook.web.runtime import Runtime, telemetry_config

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
    app = FastAPI(
        title="Contactbook: Chatwoot application API (contacts)",
        version=__version__,
        description="Chatwoot's contacts, labels, inboxes and custom attribute definitions, "
        "over the Contactbook store.",
        servers=[{"url": PREFIX}],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry_config(runtime.settings),
    )
    app.state.runtime = runtime
    errors.install(app)
    # Fixed paths (search, filter, active) are registered before `/contacts/{contact_id}`.
    for module in (transfers, contacts, labels, inboxes, merges, custom_attributes):
        app.include_router(module.router, dependencies=[Security(ACCESS_TOKEN)], responses=ERRORS)
    app.add_middleware(StripJsonSuffix)
    return app
