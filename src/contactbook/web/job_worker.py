"""The job runner's place in a server process: started with the app, stopped with it."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

from contactbook.services.jobs.process_pool import process_pool
from contactbook.services.jobs.runner import JobRunner
from contactbook.web.runtime import Runtime


class JobWorker:
    """Runs queued jobs in the background of a server process.

    Rows are cleaned in one helper process, so a big import never stalls this process's
    requests.
    """

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.executor: ProcessPoolExecutor | None = None
        self.runner: JobRunner | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if not self.runtime.settings.jobs_enabled:
            return
        self.executor = process_pool(1)
        settings = self.runtime.settings
        self.runner = JobRunner(
            self.runtime.db.unit,
            self.runtime.db.leases,
            self.executor,
            settings.job_batch_size,
            stale_after=timedelta(seconds=settings.job_stale_seconds),
            idle_seconds=min(1.0, settings.job_stale_seconds / 2),
        )
        self._task = asyncio.create_task(self.runner.serve(), name="contactbook-jobs")

    def wake(self) -> None:
        if self.runner is not None:
            self.runner.wake()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)
