"""Native API authentication: `Authorization: Bearer <api key>`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contactbook.domain.context import RequestContext
from contactbook.web.credentials import credentials
from contactbook.web.deps import bearer_token, context_for_api_key, runtime_of
from contactbook.web.runtime import Runtime


@credentials
async def caller(request: Request) -> RequestContext:
    """Raises: Unauthenticated."""
    token = bearer_token(request.headers.get("authorization"))
    return await context_for_api_key(runtime_of(request), token)


async def runtime(request: Request) -> Runtime:
    return runtime_of(request)


Ctx = Annotated[RequestContext, Depends(caller)]
Rt = Annotated[Runtime, Depends(runtime)]
