"""Chatwoot authentication: the `api_access_token` header, checked in Chatwoot's order."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from contactbook.domain.context import KeyScope, RequestContext, Source
from contactbook.domain.errors import AccountNotFound
from contactbook.services import accounts
from contactbook.web.credentials import credentials
from contactbook.web.deps import context_for_api_key, runtime_of
from contactbook.web.dialects.chatwoot.errors import NEEDS_SIGN_IN, NOT_A_MEMBER, ChatwootReply
from contactbook.web.kit.ids import id_or_missing

HEADER = "api-access-token"


def access_token(request: Request) -> str | None:
    """The token of `api_access_token` (any case; `-` and `_` are the same, as in Rack)."""
    for name, value in request.headers.items():
        if name.replace("_", "-") == HEADER and value.strip():
            return value.strip()
    return None


@credentials(Source.CHATWOOT)
async def caller(request: Request) -> RequestContext:
    """Who is asking, for the account in the path.

    Checked in Chatwoot's order: a missing token, an unknown token, an unknown account, an
    account the token does not belong to (docs/design.md §3.7).

    Raises: ChatwootReply (401), Unauthenticated, AccountNotFound.
    """
    token = access_token(request)
    if token is None:
        raise ChatwootReply(401, {"errors": [NEEDS_SIGN_IN]})
    rt = runtime_of(request)
    ctx = await context_for_api_key(rt, token)
    account_id = id_or_missing(request.path_params["account_id"])
    if account_id != ctx.account_id:
        async with rt.db.unit(write=False) as uow:
            exists = await accounts.account_exists(uow, account_id)
        if not exists:
            raise AccountNotFound(account_id)
        raise ChatwootReply.error(NOT_A_MEMBER, 401)
    return ctx


async def administrator(ctx: Annotated[RequestContext, Depends(caller)]) -> RequestContext:
    """A caller allowed what Chatwoot keeps for administrators (deleting contacts and custom
    attribute definitions).

    Raises: Forbidden.
    """
    ctx.require(KeyScope.ADMIN)
    return ctx


Ctx = Annotated[RequestContext, Depends(caller)]
AdminCtx = Annotated[RequestContext, Depends(administrator)]
