"""The Notificore dialect as its own application, mounted at `/api`, with its own envelopes."""

from __future__ import annotations

from fastapi import FastAPI

from contactbook.web.dialects.notificore import contacts, errors, fields, groups, login, stoplist
from contactbook.web.dialects.notificore.openapi import ERRORS, TOKEN
from contactbook.web.kit.sub_app import vendor_app
from contactbook.web.runtime import Runtime

PREFIX = "/api"


def create_app(runtime: Runtime) -> FastAPI:
    """Every Notificore route, relative to the mount point."""
    return vendor_app(
        runtime,
        title="Contactbook: Notificore contacts API",
        description="Notificore's contacts, contact fields, groups and stop list, over the "
        "Contactbook store. Log in with `POST /api/auth/login` and authorize with its token.",
        prefix=PREFIX,
        answers=errors.ANSWERS,
        security=TOKEN,
        # Literal paths (`/contacts/fields`, `/contacts/search`, `/groups/attach`…) are declared
        # before the `{id}` routes they would otherwise fall into.
        public=[login.router],
        routers=[module.router for module in (fields, contacts, groups, stoplist)],
        responses=ERRORS,
    )
