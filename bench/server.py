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

from contactbook.web.app import create_app


def create_bench_app() -> FastAPI:
    app = create_app()
    cache: dict[str, bytes] = {}

    @app.get("/bench/floor", include_in_schema=False)
    async def floor() -> Response:
        if "body" not in cache:
            cache["body"] = Path(os.environ["CONTACTBOOK_BENCH_FLOOR"]).read_bytes()
        return Response(cache["body"], media_type="application/json")

    return app
