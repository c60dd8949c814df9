"""The Notificore dialect as its own application, mounted at `/api`, with its own envelopes."""

from __future__ import annotations

from fastapi import FastAPI, Security

from contactbook import __version__
from contactbook.web.dialects.notificore import contacts, errors, fields, groups, login, stoplist
from contactbook.web.dialects.notificore.openapi import ERRORS, TOKEN
from contactbook.web.runtime import Runtime, telemetry_config

PREFIX = "/api"


def create_app(runtime: Runtime) -> FastAPI:
    """Every Notificore route, relative to the mount point."""
    app = FastAPI(
        title="Contactbook: Notificore contacts API",
        version=__version__,
        description="Notificore's contacts, contact fields, groups and stop list, over the "
        "Contactbook store. Log in with `POST /api/auth/login` and authorize with its token.",
        servers=[{"url": PREFIX}],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry_config(runtime.settings),
    )
    app.state.runtime = runtime
    errors.install(app)
    # Literal paths (`/contacts/fields`, `/contacts/search`, `/groups/attach`…) are declared
    # before the `{id}` routes they would otherwise fall into.
    app.include_router(login.router, responses=ERRORS)
    for module in (fields, contacts, groups, stoplist):
        app.include_router(module.router, dependencies=[Security(TOKEN)], responses=ERRORS)
    return app
