"""Reading requests the way Rails does: ids in paths, a JSON body merged over the query string,
forgiving page numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

import orjson
from fastapi import Depends
from starlette.requests import Request

from contactbook.domain.errors import NotFound
from contactbook.domain.ids import parse_id
from contactbook.web.dialects.chatwoot.errors import ChatwootReply

MAX_PAGE = 2**31 - 1
PAGE_SIZE = 15
_LEADING_INT = re.compile(r"\s*([+-]?)([0-9]+)")


def path_id(text: str) -> int:
    """An id from a path; anything that cannot name a row is a missing row.

    Raises: NotFound.
    """
    number = parse_id(text)
    if number is None:
        raise NotFound(text)
    return number


def param_id(value: object) -> int:
    """An id given as a parameter (a number or a string of digits).

    Raises: NotFound.
    """
    if isinstance(value, bool):
        raise NotFound(value)
    if isinstance(value, int):
        return path_id(str(value))
    if isinstance(value, str):
        return path_id(value.strip())
    raise NotFound(value)


def maybe_id(value: object) -> int:
    """An id given as a parameter, or 0 (which names nothing) when it cannot be one: the lookup
    then fails in its turn, after the checks that come before it."""
    try:
        return param_id(value)
    except NotFound:
        return 0


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON object in the body; `{}` for no body, and for JSON that is not an object
    (Rails files that under `_json`, where no action looks).

    Raises: ChatwootReply (400) when the body is not JSON.
    """
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ChatwootReply(400, {"status": 400, "error": "Bad Request"}) from exc
    return data if isinstance(data, dict) else {}


def merged_params(request: Request, body: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters with the body's over them, as Rails' `params`; `key[]=` repeats make
    a list under `key`."""
    params: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        if key.endswith("[]"):
            params.setdefault(key[:-2], []).append(value)
        else:
            params[key] = value
    params.update(body)
    return params


def page_of(params: Mapping[str, Any]) -> tuple[int, object]:
    """(the 1-based page to serve, the value to echo as `meta.current_page`).

    A value that is not a positive number serves page 1, as Kaminari does with `to_i`.
    """
    raw = params.get("page")
    if raw is None:
        return 1, 1
    number = 0
    if isinstance(raw, int) and not isinstance(raw, bool):
        number = raw
    elif isinstance(raw, str) and (match := _LEADING_INT.match(raw)):
        sign, digits = match.groups()
        # More digits than any page has: past the last page (int() refuses 4,300 digits).
        number = int(sign + digits) if len(digits) <= 10 else int(sign + str(MAX_PAGE))
    return min(max(number, 1), MAX_PAGE), raw


def offset_of(page: int) -> int:
    return (page - 1) * PAGE_SIZE


def wants_inboxes(params: Mapping[str, Any]) -> bool:
    """Contact inboxes are rendered unless `include_contact_inboxes` is sent and not true."""
    if "include_contact_inboxes" not in params:
        return True
    value = params["include_contact_inboxes"]
    return value is True or value == "true"


async def request_params(request: Request) -> dict[str, Any]:
    return merged_params(request, await json_body(request))


Params = Annotated[dict[str, Any], Depends(request_params)]
