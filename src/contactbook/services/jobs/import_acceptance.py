"""Accepting an uploaded import file: reserve the job's id, store the file under the upload
limit, refuse an empty one, queue the job.

Every API that takes an import file goes through `accept_import`; each words the refusals
(`UploadTooLarge`, `EmptyUpload`) in its own envelope.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path

from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.imports import ImportOptions
from contactbook.domain.job_files import FileSeal, Sealer
from contactbook.domain.jobs import Job
from contactbook.services.jobs import files, queue
from contactbook.storage.uow import UnitOfWork

WriteUnits = Callable[[], AbstractAsyncContextManager[UnitOfWork]]


class UploadTooLarge(Exception):
    """The upload passed the configured size limit."""


class EmptyUpload(Exception):
    """The upload held no bytes."""


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as the edge received it, not yet read, and how to import it."""

    chunks: AsyncIterator[bytes]
    filename: str | None
    options: ImportOptions


async def accept_import(
    units: WriteUnits,
    ctx: RequestContext,
    receive: Callable[[], Awaitable[Upload]],
    folder: Callable[[], Awaitable[Path]],
    limit: int,
) -> Job:
    """Queue the import of the file `receive` opens, stored under the job's id in the
    account's `folder`, in two units of work: the id is reserved first, since the file is
    stored under it before the job row exists.

    Raises: Forbidden (before anything is read), UploadTooLarge past `limit` bytes,
    EmptyUpload, and whatever `receive` raises.
    """
    ctx.require(KeyScope.WRITE)
    async with units() as uow:
        job_id = await queue.new_job_id(uow, ctx)
    upload = await receive()
    try:
        path = files.job_file(await folder(), job_id, upload.options.format.value)
    except BaseException:
        await _close(upload.chunks)
        raise
    seal = await store(upload.chunks, path, limit)
    if seal.size == 0:
        path.unlink(missing_ok=True)
        raise EmptyUpload
    async with units() as uow:
        return await queue.queue_import(
            uow, ctx, job_id, str(path), seal, upload.options, upload.filename
        )


async def store(chunks: AsyncIterator[bytes], target: Path, limit: int) -> FileSeal:
    """Write `chunks` to `target` (atomically: a partial upload never appears); return its
    seal (size and SHA-256, computed as the bytes pass).

    Raises: UploadTooLarge.
    """
    partial = target.with_suffix(target.suffix + ".part")
    sealer = Sealer()
    try:
        with partial.open("wb") as out:
            async for chunk in chunks:
                sealer.update(chunk)
                if sealer.size > limit:
                    raise UploadTooLarge
                out.write(chunk)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        await _close(chunks)
    return sealer.seal()


async def _close(chunks: AsyncIterator[bytes]) -> None:
    closer = getattr(chunks, "aclose", None)
    if closer is not None:
        await closer()  # an upload cut short still releases its spooled file
