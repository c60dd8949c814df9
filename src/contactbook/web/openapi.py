"""What every dialect's OpenAPI document declares the same way: the error answers of a route.

Each dialect names its envelope (a JSON schema) and the statuses its error mapping can answer;
the statuses are then declared on each of its routes, so a client generated from the document
knows the body of every error it may get.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel


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


def documented_body(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """`openapi_extra` for a route that reads its JSON body itself (to keep the vendor's
    quirks): `model`'s schema documents the body."""
    schema = _inlined(model.model_json_schema())
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": required, "content": content}}


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with its `$defs` written in place: alone in an operation, a `#/$defs/…` link
    would point into the document's root."""
    defs = schema.pop("$defs", {})

    def expand(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return expand(defs[ref.removeprefix("#/$defs/")])
            return {key: expand(value) for key, value in node.items()}
        if isinstance(node, list):
            return [expand(item) for item in node]
        return node

    result: dict[str, Any] = expand(schema)
    return result


def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """One query parameter, for a route that reads its query string itself."""
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


def query_parameters(*parameters: dict[str, Any]) -> dict[str, Any]:
    """`openapi_extra` documenting `parameters`."""
    return {"parameters": list(parameters)}


def uploaded_file(field: str, *raw_types: str) -> dict[str, Any]:
    """`openapi_extra` for a route that streams its upload itself: a multipart part named
    `field`, or the file as the whole body in one of `raw_types`."""
    part = {"type": "object", "required": [field],
            "properties": {field: {"type": "string", "format": "binary"}}}  # fmt: skip
    content: dict[str, Any] = {"multipart/form-data": {"schema": part}}
    for media_type in raw_types:
        content[media_type] = {"schema": {"type": "string", "format": "binary"}}
    return {"requestBody": {"required": True, "content": content}}
