"""Chatwoot's contact import and export, on the store's background jobs.

Chatwoot answers both with an empty 200 and does the work later (it mails the export); here an
import becomes an import job and an export an export job, both visible through the native API
(`/contactbook/v1/imports`, `/contactbook/v1/exports`).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from contactbook.domain.imports import ImportFormat, ImportOptions
from contactbook.services.jobs import files, queue
from contactbook.services.jobs.import_acceptance import (
    EmptyUpload,
    Upload,
    UploadTooLarge,
    accept_import,
)
from contactbook.web.dialects.chatwoot.auth import AdminCtx
from contactbook.web.dialects.chatwoot.errors import ChatwootReply
from contactbook.web.job_files import account_folder
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import uploaded_file
from contactbook.web.routes import DialectRoute
from contactbook.web.uploads import upload_chunks

router = APIRouter(route_class=DialectRoute)

# Chatwoot's import columns that name standard attributes under other names.
COLUMN_ALIASES = {"phone_number": "phone", "identifier": "external_id", "company_name": "company"}


def _ok() -> Response:
    return Response(status_code=200)  # Rails' `head :ok`, like contact delete


@router.post(
    "/{account_id}/contacts/import",
    response_class=Response,
    openapi_extra=uploaded_file("import_file"),
)
async def import_contacts(request: Request, ctx: AdminCtx, rt: Rt) -> Response:
    """Queue the CSV in the multipart field `import_file`."""

    async def receive() -> Upload:
        try:
            chunks, filename, _ = await upload_chunks(request, "import_file", limit)
        except UploadTooLarge:
            raise
        except Exception as exc:  # no multipart body, or no such part
            raise ChatwootReply.error("File is blank") from exc
        return Upload(chunks, filename, ImportOptions(ImportFormat.CSV, aliases=COLUMN_ALIASES))

    limit = rt.settings.max_upload_bytes
    units, folder = (lambda: rt.db.unit(ctx)), (lambda: account_folder(rt, ctx.account_id))
    try:
        await accept_import(units, ctx, receive, folder, limit)
    except UploadTooLarge as exc:
        raise ChatwootReply.error("File is too large") from exc
    except EmptyUpload as exc:
        raise ChatwootReply.error("File is blank") from exc
    rt.wake_jobs()
    return _ok()


@router.post("/{account_id}/contacts/export", response_class=Response)
async def export_contacts(ctx: AdminCtx, rt: Rt) -> Response:
    """Queue a CSV export of every contact."""
    folder = await account_folder(rt, ctx.account_id)
    async with rt.db.unit(ctx) as uow:
        job_id = await queue.new_job_id(uow, ctx)
        path = files.job_file(folder, job_id, "export.csv")
        await queue.queue_export(uow, ctx, job_id, str(path), ImportFormat.CSV)
    rt.wake_jobs()
    return _ok()
