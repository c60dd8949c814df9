"""Native API authentication: `Authorization: Bearer <api key>`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contactbook.domain.context import RequestContext, Source
from contactbook.web.credentials import credentials
from contactbook.web.deps import bearer_token, context_for_api_key, runtime_of


@credentials(Source.NATIVE)
async def caller(request: Request) -> RequestContext:
    """Raises: Unauthenticated."""
    token = bearer_token(request.headers.get("authorization"))
    return await context_for_api_key(runtime_of(request), token)


Ctx = Annotated[RequestContext, Depends(caller)]
