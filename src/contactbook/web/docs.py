"""The API reference: one OpenAPI document per API at `/openapi/<name>.json`, and `/docs`,
Swagger UI served from the installed `fastapi-offline` package (no CDN, so it works on a
machine with no internet), where the reader picks the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.staticfiles import StaticFiles

# Swagger UI 5 (it renders OpenAPI 3.1, which FastAPI writes; the 4.x bundles cannot).
SWAGGER_UI = Path(fastapi_offline.__file__).parent / "static"
ASSETS = "/docs/assets"


@dataclass(frozen=True)
class Document:
    """One API's OpenAPI document, published at `/openapi/<name>.json`."""

    name: str
    title: str
    openapi: Callable[[], dict[str, Any]]

    @property
    def url(self) -> str:
        return f"/openapi/{self.name}.json"


def install(app: FastAPI, documents: list[Document]) -> None:
    """Serve `/docs` for `documents` (the first is shown unless `?api=` names another)."""
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI), name="docs-assets")
    for document in documents:
        publish(app, document)

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        wanted = request.query_params.get("api")
        shown = next((d for d in documents if d.name == wanted), documents[0])
        return HTMLResponse(page(documents, shown))


def publish(app: FastAPI, document: Document) -> None:
    async def openapi() -> JSONResponse:
        return JSONResponse(document.openapi())

    app.add_api_route(document.url, openapi, include_in_schema=False)


def page(documents: list[Document], shown: Document) -> str:
    """The Swagger UI page for `shown`, with a link to each of the other documents."""
    links = " · ".join(
        f"<b>{escape(d.title)}</b>" if d is shown
        else f'<a href="/docs?api={escape(d.name)}">{escape(d.title)}</a>'
        for d in documents
    )  # fmt: skip
    config = json.dumps({"url": shown.url, "dom_id": "#swagger-ui", "deepLinking": True,
                         "persistAuthorization": True})  # fmt: skip
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Contactbook · {escape(shown.title)}</title>
<link rel="icon" type="image/png" href="{ASSETS}/favicon.png">
<link rel="stylesheet" type="text/css" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<nav style="font-family: sans-serif; padding: 12px 20px">{links}</nav>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script>
const config = {config};
config.presets = [SwaggerUIBundle.presets.apis];
window.ui = SwaggerUIBundle(config);
</script>
</body>
</html>
"""
