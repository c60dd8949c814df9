"""Notificore authentication: `Authorization: Bearer <token>` from `POST /api/auth/login`."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request

from contactbook.domain.context import RequestContext, Source
from contactbook.domain.errors import NotFound, Unauthenticated
from contactbook.services import accounts
from contactbook.web.credentials import credentials
from contactbook.web.deps import runtime_of
from contactbook.web.dialects.notificore import tokens
from contactbook.web.instance_secret import installation_secret
from contactbook.web.runtime import Runtime

_KEYS_SLOT = "notificore.signing_keys"


async def signing_keys(rt: Runtime) -> tokens.SigningKeys:
    """The keys tokens are signed with, derived from the installation secret (once per
    process)."""
    cached = rt.extras.get(_KEYS_SLOT)
    if isinstance(cached, tokens.SigningKeys):
        return cached
    keys = tokens.signing_keys(await installation_secret(rt))
    rt.extras[_KEYS_SLOT] = keys
    return keys


async def issue_token(rt: Runtime, ctx: RequestContext) -> str:
    assert ctx.key_id is not None, "contexts of API keys name their key"
    claims = tokens.Claims(ctx.account_id, ctx.key_id)
    keys = await signing_keys(rt)
    return tokens.issue(keys.current, claims, int(time.time()), rt.settings.token_ttl_seconds)


@credentials(Source.NOTIFICORE)
async def caller(request: Request) -> RequestContext:
    """The account a bearer token stands for; its API key must still be valid (a revocation
    reaches every process within a second, see `AuthCache`).

    Raises: Unauthenticated ("JWT Token not found", "Invalid JWT Token", "Expired JWT Token").
    """
    rt = runtime_of(request)
    token = tokens.token_of(request.headers.get("authorization"))
    if token is None:
        raise Unauthenticated(tokens.TOKEN_NOT_FOUND)
    claims = tokens.read(await signing_keys(rt), token)

    async def load() -> RequestContext:
        async with rt.db.unit(write=False) as uow:
            try:
                return await accounts.context_for_key(uow, claims.account_id, claims.key_id)
            except (Unauthenticated, NotFound) as exc:
                raise Unauthenticated(tokens.INVALID_TOKEN) from exc

    return await rt.auth_cache.get_or_load(f"notificore:{claims.account_id}:{claims.key_id}", load)


Ctx = Annotated[RequestContext, Depends(caller)]
