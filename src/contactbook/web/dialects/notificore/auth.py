"""Notificore authentication: `Authorization: Bearer <token>` from `POST /api/auth/login`."""

from __future__ import annotations

import secrets
import time
from typing import Annotated

from fastapi import Depends, Request

from contactbook.domain.context import RequestContext
from contactbook.domain.errors import NotFound, Unauthenticated
from contactbook.services import accounts
from contactbook.web.credentials import credentials
from contactbook.web.deps import runtime_of
from contactbook.web.dialects.notificore import tokens
from contactbook.web.runtime import Runtime

SECRET_NAME = "jwt_secret"  # noqa: S105 - the name of the stored setting
_KEY_SLOT = "notificore.signing_key"


async def signing_key(rt: Runtime) -> bytes:
    """The key tokens are signed with: from `secret_key` when configured, otherwise from a
    secret made once per installation and kept in the database (so every process agrees)."""
    cached = rt.extras.get(_KEY_SLOT)
    if isinstance(cached, bytes):
        return cached
    if rt.settings.secret_key is not None:
        secret = rt.settings.secret_key.get_secret_value()
    else:
        async with rt.db.unit() as uow:
            secret = await accounts.instance_secret(uow, SECRET_NAME, secrets.token_urlsafe(48))
    key = tokens.signing_key(secret)
    rt.extras[_KEY_SLOT] = key
    return key


async def issue_token(rt: Runtime, ctx: RequestContext) -> str:
    assert ctx.key_id is not None, "contexts of API keys name their key"
    claims = tokens.Claims(ctx.account_id, ctx.key_id)
    return tokens.issue(
        await signing_key(rt), claims, int(time.time()), rt.settings.token_ttl_seconds
    )


@credentials
async def caller(request: Request) -> RequestContext:
    """The account a bearer token stands for; its API key must still be valid (checked at most
    every `auth_cache_seconds`).

    Raises: Unauthenticated ("JWT Token not found", "Invalid JWT Token", "Expired JWT Token").
    """
    rt = runtime_of(request)
    token = tokens.token_of(request.headers.get("authorization"))
    if token is None:
        raise Unauthenticated(tokens.TOKEN_NOT_FOUND)
    claims = tokens.read(await signing_key(rt), token)

    async def load() -> RequestContext:
        async with rt.db.unit(write=False) as uow:
            try:
                return await accounts.context_for_key(uow, claims.account_id, claims.key_id)
            except (Unauthenticated, NotFound) as exc:
                raise Unauthenticated(tokens.INVALID_TOKEN) from exc

    return await rt.auth_cache.get_or_load(f"notificore:{claims.account_id}:{claims.key_id}", load)


async def runtime(request: Request) -> Runtime:
    return runtime_of(request)


Ctx = Annotated[RequestContext, Depends(caller)]
Rt = Annotated[Runtime, Depends(runtime)]
