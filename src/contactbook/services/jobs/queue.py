"""Job use cases: queue an import or an export, read a job's state."""

from __future__ import annotations

from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import JobNotFound
from contactbook.domain.imports import ImportFormat, ImportOptions
from contactbook.domain.job_files import FileSeal
from contactbook.domain.jobs import Job, JobKind, JobState
from contactbook.storage.uow import UnitOfWork

MAX_LISTED = 100


async def new_job_id(uow: UnitOfWork, ctx: RequestContext) -> int:
    """Reserve an id (the upload is stored under it before the job row exists)."""
    ctx.require(KeyScope.WRITE)
    return await uow.jobs.new_id()


async def queue_import(
    uow: UnitOfWork,
    ctx: RequestContext,
    job_id: int,
    path: str,
    seal: FileSeal,
    options: ImportOptions,
    filename: str | None = None,
) -> Job:
    """Queue the import of an uploaded file (already stored at `path`, with `seal`)."""
    ctx.require(KeyScope.WRITE)
    job = Job(
        id=job_id,
        account_id=ctx.account_id,
        kind=JobKind.IMPORT,
        state=JobState.QUEUED,
        format=options.format.value,
        path=path,
        created_at=utcnow(),
        filename=filename,
        options={
            "on_conflict": options.on_conflict.value,
            "list": options.list_name,
            "aliases": dict(options.aliases),
            "encoding": options.encoding,  # a resumed job decodes the file as the first run did
        },
        bytes_total=seal.size,
        errors_path=f"{path}.errors.csv",
        file_size=seal.size,
        file_sha256=seal.sha256,
    )
    return await uow.jobs.add(job)


async def queue_export(
    uow: UnitOfWork,
    ctx: RequestContext,
    job_id: int,
    path: str,
    fmt: ImportFormat,
    list_id: int | None = None,
) -> Job:
    """Queue an export of the account (or of one list) to a file at `path`.

    Raises: ListNotFound.
    """
    ctx.require(KeyScope.READ)
    if list_id is not None:
        await uow.lists.get(list_id)
    job = Job(
        id=job_id,
        account_id=ctx.account_id,
        kind=JobKind.EXPORT,
        state=JobState.QUEUED,
        format=fmt.value,
        path=path,
        created_at=utcnow(),
        options={"list_id": list_id},
    )
    return await uow.jobs.add(job)


async def get_job(uow: UnitOfWork, ctx: RequestContext, kind: JobKind, job_id: int) -> Job:
    """Raises: JobNotFound (also for another account's job or another kind)."""
    ctx.require(KeyScope.READ)
    job = await uow.jobs.get(job_id)
    if job.kind is not kind:
        raise JobNotFound(job_id)
    return job


async def list_jobs(uow: UnitOfWork, ctx: RequestContext, kind: JobKind) -> list[Job]:
    """The account's latest jobs of `kind`, newest first."""
    ctx.require(KeyScope.READ)
    return await uow.jobs.recent(kind, MAX_LISTED)
