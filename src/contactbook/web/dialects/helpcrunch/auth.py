"""HelpCrunch authentication (`Authorization: Bearer <api key>`) and its rate limit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contactbook.domain.context import RequestContext, Source
from contactbook.web.credentials import credentials
from contactbook.web.deps import bearer_token, context_for_api_key, runtime_of
from contactbook.web.ratelimit import enforce_rate_limit

# Counters of this API are its own: a key's HelpCrunch traffic does not spend another API's.
RATE_LIMIT_NAMESPACE = "helpcrunch"


@credentials(Source.HELPCRUNCH)
async def caller(request: Request) -> RequestContext:
    """The authenticated caller, counted against the rate limit.

    Raises: Unauthenticated, RateLimited.
    """
    runtime = runtime_of(request)
    token = bearer_token(request.headers.get("authorization"))
    ctx = await context_for_api_key(runtime, token)
    await enforce_rate_limit(runtime, RATE_LIMIT_NAMESPACE, token)
    return ctx


Ctx = Annotated[RequestContext, Depends(caller)]
