"""A JSON object body read by hand, where a vendor's rules for absent or odd bodies differ from
the framework's (FastAPI body models read through `web.json_body` instead).

An empty body is `{}`: vendors' clients send bodiless POSTs (a bulk delete, a token refresh).
What malformed JSON and a non-object answer is the dialect's, so it passes the exceptions.
Decoded with orjson, as these vendor bodies always were (a number past 64 bits reads as a
float, where `web.json_body` keeps it exact).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import Request


async def json_object(
    request: Request,
    malformed: Callable[[], Exception],
    not_object: Callable[[], Exception] | None = None,
) -> dict[str, Any]:
    """The JSON object in the body; `{}` for an empty body, and for JSON that is not an object
    when `not_object` is None.

    Raises: `malformed()` when the body is not JSON, `not_object()` when it is not an object.
    """
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise malformed() from exc
    if isinstance(data, dict):
        return data
    if not_object is None:
        return {}
    raise not_object()
