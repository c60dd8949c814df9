"""The trash's purge in a server process: once at start, then every `trash_purge_seconds`,
contacts deleted more than `trash_days` ago go for good, their history kept.

Each batch is its own short transaction over trash rows only, so no live contact waits for
it; several processes purge side by side (on PostgreSQL each skips the rows another holds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from contactbook.services.trash import purge_trash
from contactbook.web.runtime import Runtime

log = logging.getLogger("contactbook.trash")

# Contacts per transaction: short enough that SQLite's one writer is not held for long.
BATCH = 500


class TrashPurger:
    """Purges expired trash in the background of a server process."""

    def __init__(self, runtime: Runtime, batch: int = BATCH) -> None:
        self.runtime = runtime
        self.batch = batch
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="contactbook-trash-purge")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def purge(self) -> int:
        """One pass: batch after batch until none is left; how many contacts went."""
        days = self.runtime.settings.trash_days
        gone = 0
        while True:
            async with self.runtime.db.unit(None) as uow:
                purged = await purge_trash(uow, days, self.batch)
            gone += purged
            if purged < self.batch:
                return gone

    async def _run(self) -> None:
        while True:
            try:
                gone = await self.purge()
            except Exception as exc:  # a busy or unreachable database: the next pass retries
                log.warning("trash purge failed, retrying in %.0f s: %r",
                            self.runtime.settings.trash_purge_seconds, exc)  # fmt: skip
            else:
                if gone:
                    log.info("trash purge: %d contacts deleted over %d days ago removed",
                             gone, self.runtime.settings.trash_days)  # fmt: skip
            await asyncio.sleep(self.runtime.settings.trash_purge_seconds)
