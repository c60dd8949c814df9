"""Assembling the application: the native API at the root, each vendor dialect mounted at its
own paths with its own error envelope."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Literal

from fastapi import FastAPI
from pydantic import BaseModel
from starlette.responses import Response
from starlette.routing import Mount

from contactbook import __version__
from contactbook.services import accounts
from contactbook.settings import Settings, get_settings
from contactbook.web import docs
from contactbook.web.auth_cache import CredentialsWatch
from contactbook.web.body_limit import BodyLimit
from contactbook.web.dialects import chatwoot, helpcrunch, native, notificore
from contactbook.web.dialects.native.errors import ANSWERS as NATIVE_ANSWERS
from contactbook.web.instance_secret import installation_secret
from contactbook.web.job_worker import JobWorker
from contactbook.web.kit import answers
from contactbook.web.middleware import SquashSlashes
from contactbook.web.request_ids import RequestIds
from contactbook.web.responses import Json
from contactbook.web.runtime import Runtime, telemetry_config
from contactbook.web.trash_purge import TrashPurger

DESCRIPTION = """\
One contact store, four APIs. This document describes the **native** API under
`/contactbook/v1`; the same contacts are served at the vendors' paths for Notificore
(`/api/…`), Chatwoot (`/api/v1/accounts/{id}/…`) and HelpCrunch (`/v1/…`).

Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem details.
Each vendor API has its own document (`/openapi/notificore.json`, `/openapi/chatwoot.json`,
`/openapi/helpcrunch.json`); pick one at the top of `/docs`.
"""

log = logging.getLogger("contactbook.app")


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    version: str


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI application for `settings` (the environment's when None)."""
    runtime = Runtime.build(settings or get_settings())

    worker = JobWorker(runtime)
    runtime.jobs = worker
    purger = TrashPurger(runtime)

    async def credentials_revision() -> int:
        async with runtime.db.unit(write=False) as uow:
            return await accounts.credentials_revision(uow)

    watch = CredentialsWatch(runtime.auth_cache, credentials_revision)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker.start()
        watch.start()
        purger.start()
        await _prepare_secret(runtime)
        # What exists by now (modules, phone-number metadata, routes, schemas) lives as long as
        # the process. Frozen, it is no longer walked by the collector's full passes, which
        # otherwise stall every request in flight: the p99 of a lookup under 4 concurrent
        # callers measured 68 ms, and 5 ms once frozen.
        gc.collect()
        gc.freeze()
        yield
        await purger.stop()
        await watch.stop()
        await worker.stop()
        await runtime.db.dispose()

    app = FastAPI(
        title="Contactbook",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        # Served by `docs.install` from the installed package instead of a CDN.
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry_config(runtime.settings),
    )
    app.state.runtime = runtime
    answers.install(app, NATIVE_ANSWERS)
    app.include_router(native.router())

    @app.get(
        "/healthz",
        tags=["health"],
        operation_id="Health",
        response_model=Health,
        responses={503: {"model": Health, "description": "The database cannot be reached."}},
    )
    async def healthz() -> Response:
        """200 when the process can reach its database; no authentication."""
        ok = await runtime.db.ping()
        body = {"status": "ok" if ok else "unavailable", "version": __version__}
        return Json(body, 200 if ok else 503)

    vendors = mount_vendor_dialects(app, runtime)
    docs.install(
        app,
        [
            docs.Document("native", "Native API", app.openapi),
            *(docs.Document(name, title, vendors[name].openapi) for name, title in VENDOR_TITLES),
        ],
    )
    app.add_middleware(SquashSlashes)
    # Outermost, so that every dialect's reads are counted.
    app.add_middleware(BodyLimit, limit=runtime.settings.max_body_bytes)
    # Around everything, so that even a refused body's answer names its request.
    app.add_middleware(RequestIds)
    return app


async def _prepare_secret(runtime: Runtime) -> None:
    """Read (or make, or move out of the database) the installation secret at start, where
    processes starting together settle on one and an upgrade's move is logged at once."""
    try:
        await installation_secret(runtime)
    except Exception:  # the first request that needs it tries again
        log.exception("the token-signing secret is not available; Notificore logins will fail")


def mount_vendor_dialects(app: FastAPI, runtime: Runtime) -> dict[str, FastAPI]:
    """Mount each vendor's API at its own paths, longest prefix first (Chatwoot's
    `/api/v1/accounts` must win over Notificore's `/api`). Each is its own sub-application, so
    each answers errors, unknown paths included, in its own envelope. Returns each
    sub-application by its dialect's name."""
    mounted: dict[str, FastAPI] = {}
    for position, (name, prefix, factory) in enumerate(VENDOR_DIALECTS):
        sub = factory(runtime)
        sub.state.runtime = runtime
        # Ahead of the native routes: a vendor request is then routed by one prefix check
        # instead of being tried against every native route first.
        app.router.routes.insert(position, Mount(prefix, app=sub))
        mounted[name] = sub
    return mounted


# (name, path prefix, factory) for every vendor dialect; one line each. The first matching prefix
# wins, so a dialect whose prefix is longer (Chatwoot's /api/v1/accounts) goes above one it
# starts with (Notificore's /api).
VENDOR_DIALECTS: list[tuple[str, str, Callable[[Runtime], FastAPI]]] = [
    ("chatwoot", chatwoot.PREFIX, chatwoot.create_app),
    ("notificore", notificore.PREFIX, notificore.create_app),
    ("helpcrunch", helpcrunch.PREFIX, helpcrunch.create_app),
]

# The order the reader is offered the vendors' documents in `/docs`.
VENDOR_TITLES = [
    ("notificore", "Notificore"),
    ("chatwoot", "Chatwoot"),
    ("helpcrunch", "HelpCrunch"),
]
