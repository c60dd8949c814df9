"""The benchmark's server: Contactbook's app plus a floor route.

`GET /bench/floor` answers the bytes of the file `CONTACTBOOK_BENCH_FLOOR` names, through the
same stack (uvicorn, middleware, FastAPI routing) as every API: what any endpoint costs before it
does any work of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.responses import Response
from starlette.routing import Mount

from contactbook.web.app import create_app
from contactbook.web.runtime import telemetry_config


def create_bench_app() -> FastAPI:
    app = create_app()
    cache: dict[str, bytes] = {}
    # Mounted like a vendor API (first in the root router, then its own routing), so the
    # floor pays exactly the routing the APIs pay.
    runtime = app.state.runtime
    bench = FastAPI(
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry=telemetry_config(runtime.settings),
    )

    @bench.get("/floor")
    async def floor() -> Response:
        if "body" not in cache:
            cache["body"] = Path(os.environ["CONTACTBOOK_BENCH_FLOOR"]).read_bytes()
        return Response(cache["body"], media_type="application/json")

    app.router.routes.insert(0, Mount("/bench", app=bench))
    return app
