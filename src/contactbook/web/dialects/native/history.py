"""Native history routes: what happened to a contact, write by write."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.responses import Response

from contactbook.domain.changes import ChangeRecord, shown
from contactbook.domain.paging import decode_cursor, encode_cursor
from contactbook.services import history
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.kit.ids import PathId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["history"], route_class=DialectRoute)

_ORDER = "history"


class ActorOut(BaseModel):
    type: str
    id: int


class ChangeOut(BaseModel):
    id: int
    version: int
    at: datetime
    action: str
    source: str
    actor: ActorOut | None
    request_id: str | None
    job_id: int | None
    changes: dict[str, dict[str, Any]]


class HistoryOut(BaseModel):
    items: list[ChangeOut]
    next_cursor: str | None


def change_out(record: ChangeRecord) -> dict[str, Any]:
    """A change record in the native API's form."""
    return shown(record)


@router.get(
    "/contacts/{contact_id}/history", response_model=HistoryOut, operation_id="ContactHistory"
)
async def contact_history(
    contact_id: PathId,
    ctx: Ctx,
    rt: Rt,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    cursor: str | None = None,
) -> Response:
    """Every write to the contact, newest first, with the fields it changed (`from`, `to`).
    Readable while the contact is in the trash."""
    before = None
    if cursor:
        position = decode_cursor(cursor, _ORDER)
        before = position[0] if position and isinstance(position[0], int) else None
    async with rt.db.unit(ctx, write=False) as uow:
        page = await history.contact_history(uow, ctx, contact_id, before=before, limit=limit)
    return Json(
        {
            "items": [change_out(record) for record in page.items],
            "next_cursor": encode_cursor(page.after, _ORDER) if page.after else None,
        }
    )
