"""Reading requests the way Rails does: ids as parameters, a JSON body merged over the query string,
forgiving page numbers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import Request

from contactbook.domain.errors import NotFound
from contactbook.web.dialects.chatwoot.errors import BAD_REQUEST, ChatwootReply
from contactbook.web.kit.ids import id_or_missing
from contactbook.web.kit.json_object import json_object

MAX_PAGE = 2**31 - 1
PAGE_SIZE = 15
_LEADING_INT = re.compile(r"\s*([+-]?)([0-9]+)")


def param_id(value: object) -> int:
    """An id given as a parameter (a number or a string of digits).

    Raises: NotFound.
    """
    if isinstance(value, bool):
        raise NotFound(value)
    if isinstance(value, int):
        return id_or_missing(str(value))
    if isinstance(value, str):
        return id_or_missing(value.strip())
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
    return await json_object(request, malformed=lambda: ChatwootReply(400, BAD_REQUEST.body))


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
