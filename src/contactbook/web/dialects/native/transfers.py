"""Native bulk routes: import jobs (upload, state, refused rows), exports (stream or job)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Query, Request
from starlette.responses import FileResponse, Response, StreamingResponse

from contactbook.domain.encodings import DEFAULT_ENCODING, check_encoding
from contactbook.domain.errors import InvalidInput, JobNotFound, ProblemCode
from contactbook.domain.imports import ImportFormat, ImportOptions, OnConflict
from contactbook.domain.jobs import Job, JobKind, JobState
from contactbook.domain.text import check_text
from contactbook.services.jobs import files, queue
from contactbook.services.jobs.exports import export_contacts
from contactbook.services.jobs.import_acceptance import (
    EmptyUpload,
    Upload,
    UploadTooLarge,
    accept_import,
)
from contactbook.web.dialects.native.auth import Ctx
from contactbook.web.dialects.native.errors import problem
from contactbook.web.dialects.native.openapi import CONTACTS_FILE, REFUSED_ROWS
from contactbook.web.dialects.native.paths import PREFIX
from contactbook.web.dialects.native.schemas import JobItemsOut, JobOut
from contactbook.web.job_files import account_folder
from contactbook.web.kit.ids import PathId, QueryId
from contactbook.web.kit.runtime_param import Rt
from contactbook.web.openapi import uploaded_file
from contactbook.web.responses import Json
from contactbook.web.routes import DialectRoute
from contactbook.web.uploads import format_of, upload_chunks

router = APIRouter(tags=["import and export"], route_class=DialectRoute)

MEDIA = {ImportFormat.CSV: "text/csv; charset=utf-8", ImportFormat.NDJSON: "application/x-ndjson"}


def job_out(job: Job) -> dict[str, Any]:
    kind = "imports" if job.kind is JobKind.IMPORT else "exports"
    links = {"self": f"{PREFIX}/{kind}/{job.id}"}
    if job.kind is JobKind.IMPORT and job.rejected:
        links["errors"] = f"{PREFIX}/imports/{job.id}/errors"
    if job.kind is JobKind.EXPORT and job.state is JobState.SUCCEEDED:
        links["file"] = f"{PREFIX}/exports/{job.id}/file"
    body: dict[str, Any] = {
        "id": job.id,
        "kind": job.kind.value,
        "state": job.state.value,
        "format": job.format,
        "filename": job.filename,
        "options": job.options,
        "progress": {
            "bytes_done": job.bytes_done,
            "bytes_total": job.bytes_total,
            "percent": round(100 * job.bytes_done / job.bytes_total, 1) if job.bytes_total else 0,
        },
        "message": job.message,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "links": links,
    }
    if job.kind is JobKind.IMPORT:
        body["counts"] = {
            "rows": job.rows,
            "created": job.created,
            "updated": job.updated,
            "skipped": job.skipped,
            "rejected": job.rejected,
        }
    return body


@router.post(
    "/imports",
    status_code=202,
    response_model=JobOut,
    operation_id="CreateImport",
    openapi_extra=uploaded_file("file", "text/csv", "application/x-ndjson"),
)
async def create_import(
    request: Request,
    ctx: Ctx,
    rt: Rt,
    format_: Annotated[str | None, Query(alias="format", description="csv or ndjson")] = None,
    list_: Annotated[
        str | None, Query(alias="list", description="Put contacts in this list")
    ] = None,
    on_conflict: OnConflict = OnConflict.UPDATE,
    encoding: Annotated[
        str,
        Query(
            description="The file's text encoding: utf-8 (a byte order mark is skipped), "
            "cp1251, latin-1, utf-16, …"
        ),
    ] = DEFAULT_ENCODING,
) -> Response:
    """Upload a file (multipart field `file`, or the raw body) to import in the background.

    Answers 202 with the job; follow its `links.self` for state and counts. A row holding bytes
    that are not valid in the file's encoding is refused on its own, naming the column.
    """
    if list_ is not None:
        check_text(list_, "list")  # names a stored list: text that reaches SQL
    codec = check_encoding(encoding)  # before the upload is read and stored

    async def receive() -> Upload:
        chunks, filename, content_type = await upload_chunks(request, "file", limit)
        fmt = format_of(format_, content_type, filename)
        return Upload(chunks, filename, ImportOptions(fmt, on_conflict, list_, encoding=codec))

    limit = rt.settings.max_upload_bytes
    units, folder = (lambda: rt.db.unit(ctx)), (lambda: account_folder(rt, ctx.account_id))
    try:
        job = await accept_import(units, ctx, receive, folder, limit)
    except UploadTooLarge:
        return problem(413, "upload_too_large", f"Uploads are limited to {limit} bytes.")
    except EmptyUpload as exc:
        raise InvalidInput.single("file", ProblemCode.REQUIRED, "The file is empty.") from exc
    rt.wake_jobs()
    location = f"{PREFIX}/imports/{job.id}"
    return Json(job_out(job), 202, headers={"Location": location})


@router.get("/imports", response_model=JobItemsOut, operation_id="ListImports")
async def list_imports(ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        found = await queue.list_jobs(uow, ctx, JobKind.IMPORT)
    return Json({"items": [job_out(job) for job in found]})


@router.get("/imports/{job_id}", response_model=JobOut, operation_id="GetImport")
async def get_import(job_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        job = await queue.get_job(uow, ctx, JobKind.IMPORT, job_id)
    return Json(job_out(job))


@router.get(
    "/imports/{job_id}/errors",
    operation_id="GetImportErrors",
    response_class=Response,
    responses=REFUSED_ROWS,
)
async def get_import_errors(job_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    """The refused rows so far, as CSV: line, field, reason, then the row's cells."""
    async with rt.db.unit(ctx, write=False) as uow:
        job = await queue.get_job(uow, ctx, JobKind.IMPORT, job_id)
    if not job.errors_path or not job.rejected:
        raise JobNotFound(job_id, "This import has refused no rows.")
    return FileResponse(
        job.errors_path,
        media_type="text/csv; charset=utf-8",
        filename=f"import-{job.id}-errors.csv",
    )


@router.get(
    "/contacts/export",
    operation_id="ExportContacts",
    response_class=Response,
    responses=CONTACTS_FILE,
)
async def export(
    ctx: Ctx,
    rt: Rt,
    format_: Annotated[ImportFormat, Query(alias="format")] = ImportFormat.CSV,
    list_: Annotated[QueryId, Query(alias="list")] = None,
) -> Response:
    """Stream every contact (or one list's members) as CSV or NDJSON; it imports back."""
    stream = export_contacts(lambda: rt.db.unit(ctx, write=False), ctx, format_, list_)
    first = await anext(stream, b"")  # a missing list fails here, before the 200 is sent

    async def body() -> Any:
        yield first
        async for chunk in stream:
            yield chunk

    name = f"contacts.{'csv' if format_ is ImportFormat.CSV else 'ndjson'}"
    return StreamingResponse(
        body(),
        media_type=MEDIA[format_],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/exports", status_code=202, response_model=JobOut, operation_id="CreateExport")
async def create_export(
    ctx: Ctx,
    rt: Rt,
    format_: Annotated[ImportFormat, Query(alias="format")] = ImportFormat.CSV,
    list_: Annotated[QueryId, Query(alias="list")] = None,
) -> Response:
    """Write an export file in the background; download it from `links.file` when done."""
    folder = await account_folder(rt, ctx.account_id)
    async with rt.db.unit(ctx) as uow:
        job_id = await queue.new_job_id(uow, ctx)
        path = files.job_file(folder, job_id, f"export.{format_.value}")
        job = await queue.queue_export(uow, ctx, job_id, str(path), format_, list_)
    rt.wake_jobs()
    return Json(job_out(job), 202, headers={"Location": f"{PREFIX}/exports/{job.id}"})


@router.get("/exports", response_model=JobItemsOut, operation_id="ListExports")
async def list_exports(ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        found = await queue.list_jobs(uow, ctx, JobKind.EXPORT)
    return Json({"items": [job_out(job) for job in found]})


@router.get("/exports/{job_id}", response_model=JobOut, operation_id="GetExport")
async def get_export(job_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        job = await queue.get_job(uow, ctx, JobKind.EXPORT, job_id)
    return Json(job_out(job))


@router.get(
    "/exports/{job_id}/file",
    operation_id="GetExportFile",
    response_class=Response,
    responses=CONTACTS_FILE,
)
async def get_export_file(job_id: PathId, ctx: Ctx, rt: Rt) -> Response:
    async with rt.db.unit(ctx, write=False) as uow:
        job = await queue.get_job(uow, ctx, JobKind.EXPORT, job_id)
    if job.state is not JobState.SUCCEEDED:
        return problem(409, "not_ready", f"The export is {job.state.value}; try again later.")
    # Served from the handle that was checked: a file put at the path later is not sent.
    handle = await files.opened_job_file(job)
    fmt = ImportFormat(job.format)
    return StreamingResponse(
        _read_through(handle),
        media_type=MEDIA[fmt],
        headers={
            "content-length": str(os.fstat(handle.fileno()).st_size),
            "content-disposition": f'attachment; filename="contacts-{job.id}.{fmt.value}"',
        },
    )


async def _read_through(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(handle.read, 1024 * 1024):
            yield chunk
    finally:
        handle.close()
