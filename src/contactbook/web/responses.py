"""JSON responses rendered with orjson (the hot paths skip FastAPI's encoder)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.background import BackgroundTask
from starlette.responses import Response


class Json(Response):
    """`application/json` rendered by orjson; non-str keys allowed, datetimes as ISO 8601."""

    media_type = "application/json"

    def __init__(
        self,
        content: Any,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        media_type: str | None = None,
        background: BackgroundTask | None = None,
    ) -> None:
        super().__init__(content, status_code, headers, media_type, background)

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)


def empty(status_code: int = 204, headers: dict[str, str] | None = None) -> Response:
    """A response with no body and no Content-Type."""
    return Response(status_code=status_code, headers=headers)
