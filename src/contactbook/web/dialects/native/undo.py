"""Native undo routes: undo a merge, revert a contact to an earlier version.

Both are writes like any other, recorded in the contacts' history; the record a write left is
named in `X-Contactbook-Change` (see `web.kit.change_header`).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from contactbook.services import merge_undo, reverts
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.etags import etag, if_match_condition
from contactbook.web.dialects.native.schemas import ContactOut, contact_out
from contactbook.web.kit.change_header import documented, with_change
from contactbook.web.kit.ids import Int64, PathId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute

router = APIRouter(tags=["history"], route_class=DialectRoute)
IfMatch = Annotated[list[str] | None, Header(alias="If-Match")]

# What a revert left out because it no longer exists (`lists.7`, `tags.vip`,
# `custom_fields.plan`), comma-separated; absent when nothing was. Each is percent-encoded
# (UTF-8), since a tag's name may hold what a header cannot, a comma included.
SKIPPED_HEADER = "X-Contactbook-Skipped"


class MergeUndoOut(BaseModel):
    change_id: int = Field(description="The merge that was undone (the path's id).")
    restored_id: int = Field(description="The merged-away contact, back from the trash.")
    survivor_id: int = Field(description="The contact the merge kept.")
    reverted: list[str] = Field(description="Survivor fields put back as before the merge.")
    conflicts: list[str] = Field(
        description="Survivor fields changed again since the merge: kept as they are."
    )


class RevertIn(BaseModel):
    """The version to go back to."""

    model_config = ConfigDict(extra="forbid")

    version: Int64 = Field(description="A version in the contact's history (see its history).")


@router.post(
    "/merges/{change_id}/undo",
    response_model=MergeUndoOut,
    operation_id="UndoMerge",
    responses=documented("The id of the undo's change record on the survivor."),
)
async def undo_merge(change_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    """Undo a merge, named by its change record (`X-Contactbook-Change` of the merge, or the
    survivor's history): the merged-away contact comes back with the same id, lists, tags,
    custom values, identities and events; the survivor's fields the merge filled go back,
    unless they changed since (`conflicts`), and it leaves the lists the merge added.
    409 when the merge was undone already or the merged-away contact's phone, email or
    external id is another contact's now."""
    async with rt.db.unit(ctx) as uow:
        undone = await merge_undo.undo_merge(uow, ctx, change_id, frozenset())
    body = {
        "change_id": undone.undo_of,
        "restored_id": undone.restored.id,
        "survivor_id": undone.survivor.id,
        "reverted": list(undone.reverted),
        "conflicts": list(undone.conflicts),
    }
    return with_change(Json(body), undone.change_id)


@router.post(
    "/contacts/{contact_id}/revert",
    response_model=ContactOut,
    operation_id="RevertContact",
    responses={
        200: {
            "headers": {
                **documented("The id of the revert's change record.")[200]["headers"],
                SKIPPED_HEADER: {
                    "description": "What the revert left out because it no longer exists "
                    "(`lists.7`, `tags.vip`, `custom_fields.plan`), comma-separated, each "
                    "percent-encoded (UTF-8).",
                    "schema": {"type": "string"},
                },
            }
        }
    },
)
async def revert_contact(
    contact_id: PathId, body: RevertIn, ctx: Ctx, rt: Rt, if_match: IfMatch = None
) -> Response:
    """Make the contact what it was at `version`: fields, custom values, additional
    attributes, tags and lists, as one new version (reverting to the current version changes
    nothing). 422 for a version its history does not hold; 409 when a value it had is another
    contact's now. Lists, tags and custom fields deleted since are left out and named in
    `X-Contactbook-Skipped`."""
    async with rt.db.unit(ctx) as uow:
        done = await reverts.revert_contact(
            uow, ctx, contact_id, body.version, condition=if_match_condition(if_match)
        )
    headers = {"ETag": etag(done.contact.version)}
    if done.skipped:
        headers[SKIPPED_HEADER] = ", ".join(quote(item, safe="._-") for item in done.skipped)
    return with_change(Json(contact_out(done.contact), headers=headers), done.change_id)
