"""The Notificore dialect as its own application, mounted at `/api`, with its own envelopes."""

from __future__ import annotations

from fastapi import FastAPI

from contactbook.web.dialects.notificore import contacts, errors, fields, groups, login, stoplist
from contactbook.web.runtime import Runtime, telemetry_config


def create_app(runtime: Runtime) -> FastAPI:
    """Every Notificore route, relative to the mount point."""
    app = FastAPI(
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry_config(runtime.settings),
    )
    app.state.runtime = runtime
    errors.install(app)
    # Literal paths (`/contacts/fields`, `/contacts/search`, `/groups/attach`…) are declared
    # before the `{id}` routes they would otherwise fall into.
    for module in (login, fields, contacts, groups, stoplist):
        app.include_router(module.router)
    return app
