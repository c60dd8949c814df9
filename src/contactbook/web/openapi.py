"""What every dialect's OpenAPI document declares the same way: the error answers of a route.

Each dialect names its envelope (a JSON schema) and the statuses its error mapping can answer;
the statuses are then declared on each of its routes, so a client generated from the document
knows the body of every error it may get.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any


def error_responses(
    envelope: dict[str, Any], statuses: Iterable[int | str], media_type: str = "application/json"
) -> dict[int | str, dict[str, Any]]:
    """A FastAPI `responses=` mapping: each of `statuses` (a code, or a range such as "4XX")
    answered with `envelope`."""
    return {
        status: {
            "description": HTTPStatus(status).phrase if isinstance(status, int) else "Error",
            "content": {media_type: {"schema": envelope}},
        }
        for status in statuses
    }
