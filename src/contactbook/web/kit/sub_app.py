"""A vendor's API as its own application, mounted at its prefix, so that it answers every
failure (unknown paths included) in its own envelope."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import APIRouter, FastAPI, Security

from contactbook import __version__
from contactbook.web.kit.answers import Answers, Handler, install
from contactbook.web.runtime import Runtime, telemetry_config


def vendor_app(
    runtime: Runtime,
    *,
    title: str,
    description: str,
    prefix: str,
    answers: Answers,
    security: Any,
    routers: Iterable[APIRouter],
    responses: dict[int | str, dict[str, Any]],
    public: Iterable[APIRouter] = (),
    extra_handlers: Mapping[type[Exception], Handler] = {},
) -> FastAPI:
    """The sub-application serving `routers` (each behind `security`; `public` ones before
    them, open to anyone), its errors answered with `answers`, every route documenting the
    error `responses`. Its document is served by `web.docs`, not by the sub-application."""
    app = FastAPI(
        title=title,
        version=__version__,
        description=description,
        servers=[{"url": prefix}],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry_config(runtime.settings),
    )
    app.state.runtime = runtime
    install(app, answers, extra_handlers)
    for router in public:
        app.include_router(router, responses=responses)
    for router in routers:
        app.include_router(router, dependencies=[Security(security)], responses=responses)
    return app
