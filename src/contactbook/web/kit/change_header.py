"""The header that names the change record a write left (merges, undos, reverts), in every API
that can make such a write: a client can undo the write, or find it in the contact's history,
without reading the history first."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

CHANGE_HEADER = "X-Contactbook-Change"


def documented(description: str) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry of a route that sends the header with its 200."""
    schema = {"type": "integer"}
    return {200: {"headers": {CHANGE_HEADER: {"description": description, "schema": schema}}}}


def with_change(response: Response, change_id: int | None) -> Response:
    """`response`, naming the change record `change_id` (none when the write changed nothing)."""
    if change_id is not None:
        response.headers[CHANGE_HEADER] = str(change_id)
    return response
