"""Working through queued jobs: claim one, run it batch by batch, record how it ended.

A worker runs a job only while it holds the job's lease (`storage.leases`: released by the
database or the kernel the moment the worker is gone, however long a batch takes while it
lives). Each batch records the job's progress in its own transaction, under the claim's
fencing token: a worker that lost the lease cannot commit. If the worker stops (a restart, a
crash), the job keeps its last committed progress and the next worker to take the lease
resumes after the last committed row. A job whose file is gone, or is not the one it wrote (see
`services.jobs.files`), fails with a message saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import Executor
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from contactbook.domain.clock import utcnow
from contactbook.domain.context import RequestContext
from contactbook.domain.encodings import DEFAULT_ENCODING
from contactbook.domain.errors import DomainError, InvalidInput
from contactbook.domain.imports import ImportFormat, ImportOptions, ImportSummary, OnConflict
from contactbook.domain.job_files import Sealer
from contactbook.domain.jobs import Job, JobKind, JobState
from contactbook.services.jobs.exports import export_contacts
from contactbook.services.jobs.files import checked_job_file
from contactbook.services.jobs.import_files import ErrorFile, ImportFile, keep_errors_up_to
from contactbook.services.jobs.import_pipeline import Progress, run_import
from contactbook.storage.leases import JobLeases, Lease
from contactbook.storage.uow import UnitOfWork

log = logging.getLogger("contactbook.jobs")


class LeaseLost(Exception):  # a signal to stop, not a domain error
    """Another worker claimed the job since this one did: stop without writing anything."""


class Units(Protocol):
    def __call__(
        self, ctx: RequestContext | None = None, *, write: bool = True
    ) -> AbstractAsyncContextManager[UnitOfWork]: ...


class JobRunner:
    """Runs one job at a time from the shared queue."""

    def __init__(
        self,
        units: Units,
        leases: JobLeases,
        executor: Executor | None,
        batch_size: int,
        *,
        stale_after: timedelta = timedelta(seconds=60),
        idle_seconds: float = 1.0,
    ) -> None:
        self.units = units
        self.leases = leases
        self.stale_after = stale_after
        self.executor = executor
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A job was queued here: look now instead of at the next idle tick."""
        self._wake.set()

    async def serve(self) -> None:
        """Claim and run jobs until cancelled."""
        while True:
            claimed = await self.claim()
            if claimed is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.idle_seconds)
                continue
            job, lease = claimed
            try:
                await self.run(job)
            finally:
                await lease.release()

    async def claim(self) -> tuple[Job, Lease] | None:
        """The oldest job this process can run (its file is here) and no live worker holds,
        now marked running under a new token, with its lease."""
        now = utcnow()
        async with self.units(write=False) as uow:
            candidates = await uow.job_queue.candidates(now - self.stale_after)
        for job in candidates:
            local = job.kind is JobKind.EXPORT or Path(job.path).exists()
            if not local and job.state is JobState.QUEUED and job.heartbeat_at is None:
                continue  # another machine received the upload
            lease = await self.leases.take(job.id)
            if lease is None:
                continue  # a live worker has it
            try:
                async with self.units() as uow:
                    claimed = await uow.job_queue.claim(job, now)
            except BaseException:
                await lease.release()
                raise
            if claimed is not None:
                return claimed, lease
            await lease.release()  # it finished meanwhile
        return None

    async def run(self, job: Job) -> None:
        """Run a claimed job (its lease held by the caller) to its end."""
        ctx = await self._context(job)
        try:
            if ctx is None:
                raise InvalidInput.single("account", "not_found", "The job's account is gone.")
            if job.kind is JobKind.IMPORT:
                await self._import(job, ctx)
            else:
                await self._export(job, ctx)
        except asyncio.CancelledError:
            raise  # stopping: the job resumes from its last committed batch
        except LeaseLost:
            log.warning("job %s was claimed by another worker; this one stops", job.id)
        except (DomainError, OSError, ValueError) as exc:
            await self._finish(job, ctx, JobState.FAILED, _describe(exc))
        except Exception as exc:
            log.exception("job %s failed", job.id)
            await self._finish(job, ctx, JobState.FAILED, f"Unexpected error: {exc}")

    async def _context(self, job: Job) -> RequestContext | None:
        async with self.units(write=False) as uow:
            try:
                account = await uow.accounts.get(job.account_id)
            except DomainError:
                return None
        return RequestContext(
            account_id=account.id,
            test_mode=account.test_mode,
            default_region=account.default_region,
        )

    async def _import(self, job: Job, ctx: RequestContext) -> None:
        path = Path(job.path)
        if not path.exists():
            raise OSError("The uploaded file is no longer on this server; upload it again.")
        # Before every run, the first and each resumed one: a file changed since the upload,
        # or another installation's under the same name, is not imported.
        await checked_job_file(job)
        options = ImportOptions(
            ImportFormat(job.format),
            OnConflict(job.options.get("on_conflict", OnConflict.UPDATE.value)),
            job.options.get("list"),
            job.options.get("aliases") or {},
            job.options.get("encoding") or DEFAULT_ENCODING,  # jobs queued before it was stored
        )
        errors_path = Path(job.errors_path or f"{job.path}.errors.csv")
        resuming = job.rows_done > 0
        if resuming:
            keep_errors_up_to(errors_path, job.last_line)
        done = ImportSummary(job.rows, job.created, job.updated, job.skipped, job.rejected)

        async def record(uow: UnitOfWork, progress: Progress) -> None:
            s = progress.summary
            # Under the claim's token, before the batch's refused rows are written: a batch
            # of a worker that lost the job rolls back and leaves no trace.
            held = await uow.jobs.save(
                job.id,
                lease=job.lease,
                rows=s.rows,
                created=s.created,
                updated=s.updated,
                skipped=s.skipped,
                rejected=s.rejected,
                rows_done=progress.rows_done,
                last_line=progress.last_line,
                bytes_done=progress.bytes_done,
                heartbeat_at=utcnow(),
            )
            if not held:
                raise LeaseLost

        with ImportFile(path, options.format, options.aliases, encoding=options.encoding) as source:
            sink = ErrorFile(errors_path, lambda: source.header, append=resuming)
            try:
                await run_import(
                    lambda: self.units(ctx),
                    ctx,
                    source,
                    options,
                    errors=sink,
                    executor=self.executor,
                    batch_size=self.batch_size,
                    skip=job.rows_done,
                    done=done,
                    on_batch=record,
                )
            finally:
                sink.close()
        await self._finish(job, ctx, JobState.SUCCEEDED, None)

    async def _export(self, job: Job, ctx: RequestContext) -> None:
        path = Path(job.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        sealer = Sealer()
        # Written aside and moved into place once this claim still holds the job: readers
        # never see half a file, and a worker that lost the job never overwrites the one
        # that took it over.
        draft = path.with_name(f"{path.name}.{job.lease}.part")
        with draft.open("wb") as target:
            async for chunk in export_contacts(
                lambda: self.units(ctx, write=False),
                ctx,
                ImportFormat(job.format),
                job.options.get("list_id"),
            ):
                target.write(chunk)
                sealer.update(chunk)
        seal = sealer.seal()
        async with self.units(ctx) as uow:
            if not await uow.jobs.save(
                job.id,
                lease=job.lease,
                bytes_done=seal.size,
                bytes_total=seal.size,
                file_size=seal.size,
                file_sha256=seal.sha256,
            ):
                draft.unlink(missing_ok=True)
                raise LeaseLost
            draft.replace(path)
        await self._finish(job, ctx, JobState.SUCCEEDED, None)

    async def _finish(
        self, job: Job, ctx: RequestContext | None, state: JobState, message: str | None
    ) -> None:
        async with self.units(ctx or RequestContext(account_id=job.account_id)) as uow:
            await uow.jobs.save(
                job.id,
                lease=job.lease,
                state=state.value,
                message=message,
                finished_at=utcnow(),
                heartbeat_at=utcnow(),
            )


def _describe(exc: BaseException) -> str:
    if isinstance(exc, InvalidInput):
        return "; ".join(f"{p.field}: {p.message}" for p in exc.problems) or exc.message
    if isinstance(exc, DomainError):
        return exc.message
    return str(exc)
