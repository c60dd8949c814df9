"""Native routes about the caller's account: its summary, API keys and inboxes."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from contactbook.domain.context import KeyScope
from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.inboxes import ChannelType
from contactbook.services import accounts, inboxes
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.mapping import inbox_out
from contactbook.web.dialects.native.schemas import (
    AccountOut,
    InboxIn,
    InboxItemsOut,
    InboxOut,
    IssuedKeyOut,
    KeyIn,
    KeyItemsOut,
)
from contactbook.web.kit.ids import PathId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json, empty
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["account"], route_class=DialectRoute)


@router.get("/account", response_model=AccountOut, operation_id="GetAccount")
async def get_account(ctx: Ctx, rt: Rt) -> Response:
    """The caller's account and its contact totals."""
    async with rt.db.unit(ctx, write=False) as uow:
        summary = await accounts.account_summary(uow, ctx)
    account = summary.account
    return Json(
        {
            "id": account.id,
            "name": account.name,
            "test_mode": account.test_mode,
            "default_region": account.default_region,
            "created_at": account.created_at,
            "contacts": summary.contacts,
            "contacts_with_phone": summary.contacts_with_phone,
            "verified_numbers": summary.verified_numbers,
        }
    )


@router.get("/keys", response_model=KeyItemsOut, operation_id="ListKeys")
async def list_keys(ctx: Ctx, rt: Rt) -> Response:
    """The account's API keys (never their secrets). Needs the admin scope."""
    async with rt.db.unit(ctx, write=False) as uow:
        keys = await accounts.list_keys(uow, ctx)
    return Json(
        {
            "items": [
                {"id": k.id, "name": k.name, "scopes": sorted(k.scopes), "created_at": k.created_at}
                for k in keys
            ]
        }
    )


@router.post("/keys", status_code=201, response_model=IssuedKeyOut, operation_id="CreateKey")
async def create_key(body: KeyIn, ctx: Ctx, rt: Rt) -> Response:
    """A new API key; the secret is in this response only. Needs the admin scope, and every
    scope the new key gets (a key grants only what it holds)."""
    async with rt.db.unit(ctx) as uow:
        issued = await accounts.create_key(
            uow, ctx, frozenset(KeyScope(s) for s in body.scopes), body.name
        )
    return Json(
        {
            "id": issued.key.id,
            "name": issued.key.name,
            "scopes": sorted(issued.key.scopes),
            "api_key": issued.secret,
            "created_at": issued.key.created_at,
        },
        201,
    )


@router.delete("/keys/{key_id}", status_code=204, operation_id="RevokeKey")
async def revoke_key(key_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    """The key stops working here at once, and in every other process within a second."""
    async with rt.db.unit(ctx) as uow:
        await accounts.revoke_key(uow, ctx, key_id)
    rt.auth_cache.clear()
    return empty()


@router.get("/inboxes", response_model=InboxItemsOut, operation_id="ListInboxes")
async def list_inboxes(ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        found = await inboxes.list_inboxes(uow, ctx)
    return Json({"items": [inbox_out(i) for i in found]})


@router.post("/inboxes", status_code=201, response_model=InboxOut, operation_id="CreateInbox")
async def create_inbox(body: InboxIn, ctx: Ctx, rt: Rt) -> Response:
    """A channel contacts can have identities in (Chatwoot's inboxes). Needs the admin scope."""
    try:
        channel = ChannelType(body.channel_type)
    except ValueError as exc:
        raise InvalidInput.single(
            "channel_type",
            ProblemCode.INVALID_CHOICE,
            "Use one of " + ", ".join(c.value for c in ChannelType) + ".",
        ) from exc
    async with rt.db.unit(ctx) as uow:
        inbox = await inboxes.create_inbox(uow, ctx, body.name, channel, body.avatar_url)
    return Json(inbox_out(inbox), 201)
