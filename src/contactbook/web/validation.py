"""Turning the framework's request validation errors into field paths and messages."""

from __future__ import annotations

import re
from typing import Any

from fastapi.exceptions import RequestValidationError

# Pydantic adds the member type of a union to the error location (`phone.str`, `phone.int`).
_UNION_TAG = re.compile(r"^(str|int|float|bool|none|[a-z-]+\[.*\])$")


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "lists", 0)` → `lists.0`; `("query", "limit")` → `limit`."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    while len(parts) > 1 and _UNION_TAG.match(parts[-1]):
        parts.pop()
    return ".".join(parts) or "body"


def problems_from_validation(exc: RequestValidationError) -> tuple[int, list[dict[str, Any]]]:
    """(status, [{field, code, message}]): 400 when the body is not JSON at all, else 422."""
    errors: list[dict[str, Any]] = []
    status = 422
    for error in exc.errors():
        kind = str(error.get("type", "invalid"))
        if kind == "json_invalid":
            status = 400
            errors.append({"field": "body", "code": "malformed_json",
                           "message": "The request body is not valid JSON."})  # fmt: skip
            continue
        message = str(error.get("msg", "Invalid value."))
        path = field_path(error.get("loc", ()))
        if any(seen["field"] == path for seen in errors):
            continue  # one problem a field: the union's other members say the same
        errors.append({"field": path, "code": kind, "message": message})
    if not errors:
        errors.append({"field": "body", "code": "invalid", "message": "Invalid request."})
    return status, errors
