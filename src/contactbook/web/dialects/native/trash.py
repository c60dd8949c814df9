"""Native trash routes: the contacts deleted through any API, and bringing one back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.responses import Response

from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.paging import decode_cursor, encode_cursor
from contactbook.services import trash
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.etags import etag
from contactbook.web.dialects.native.history import ActorOut
from contactbook.web.dialects.native.schemas import ContactOut, contact_out
from contactbook.web.kit.ids import PathId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["trash"], route_class=DialectRoute)

_ORDER = "trash"


class DeletedByOut(BaseModel):
    source: str
    actor: ActorOut | None
    request_id: str | None


class TrashedOut(BaseModel):
    id: int
    name: str | None
    phone: str | None
    email: str | None
    external_id: str | None
    deleted_at: datetime
    deleted_by: DeletedByOut | None
    merged_into: int | None
    purge_at: datetime


class TrashPageOut(BaseModel):
    items: list[TrashedOut]
    next_cursor: str | None


@router.get("/trash", response_model=TrashPageOut, operation_id="ListTrash")
async def list_trash(
    ctx: Ctx,
    rt: Rt,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: str | None = None,
) -> Response:
    """Deleted contacts, newest deletion first, each with who deleted it and when it will be
    purged for good (`CONTACTBOOK_TRASH_DAYS` after its deletion)."""
    after = _position(cursor) if cursor else None
    async with rt.db.unit(ctx, write=False) as uow:
        items, more = await trash.list_trash(uow, ctx, after=after, limit=limit)
    days = rt.settings.trash_days
    last = items[-1] if more and items else None
    return Json(
        {
            "items": [trash.shown(item, days) for item in items],
            "next_cursor": encode_cursor((last.deleted_at, last.id), _ORDER) if last else None,
        }
    )


def _position(cursor: str) -> tuple[datetime, int]:
    """The (deleted_at, id) a cursor of this listing continues after.

    Raises: InvalidInput naming `cursor`."""
    match decode_cursor(cursor, _ORDER):
        case (datetime() as at, int() as last_id):
            return at, last_id
    raise InvalidInput.single(
        "cursor", ProblemCode.INVALID_VALUE, "The cursor is not valid for this listing.", cursor
    )


@router.post(
    "/trash/{contact_id}/restore", response_model=ContactOut, operation_id="RestoreContact"
)
async def restore_contact(contact_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    """Bring a deleted contact back: the same id, values, custom values, lists and tags (those
    that still exist) and channel identities. 409 naming each of its phone, email and external
    id that a live contact holds now (nothing changes); 404 for a contact not in the trash."""
    async with rt.db.unit(ctx) as uow:
        contact = await trash.restore_contact(uow, ctx, contact_id)
    return Json(contact_out(contact), headers={"ETag": etag(contact.version)})
