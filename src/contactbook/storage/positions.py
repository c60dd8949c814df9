"""Offsets as keyset positions: deep pages of offset-paged APIs without walking skipped rows.

Notificore, HelpCrunch and Chatwoot page by offset. An OFFSET walks every skipped row, so page
900,000 costs 30,000 times page one. For the listings these APIs ask most (all contacts of a
visibility, or of one list, by id) this module keeps checkpoints: the id at every `STEP`th
position, computed in one snapshot together with the account's data version. While that version
is current the checkpoints are exact, and a page at offset O starts from the checkpoint before
O, skipping fewer than `STEP` rows. When the version has moved, the page takes the plain OFFSET
path and the checkpoints are recomputed in the background: never slower than before.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contactbook.storage.repositories.accounts import AccountRepository
from contactbook.storage.tables import contacts

log = logging.getLogger("contactbook.positions")

STEP = 1000
# Below this offset OFFSET itself is cheap; checkpoints are not worth a version read.
MIN_OFFSET = 5 * STEP
MAX_KEYS = 256


@dataclass(frozen=True, slots=True)
class Checkpoints:
    version: int
    ids: tuple[int, ...]  # ids[k] is the id at position k * STEP (0-based)


class PositionIndex:
    """Checkpoints per (account, listing), shared by the units of one process."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._entries: OrderedDict[tuple[Any, ...], Checkpoints] = OrderedDict()
        self._building: set[tuple[Any, ...]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    def lookup(self, key: tuple[Any, ...], version: int, offset: int) -> tuple[int, int] | None:
        """(first id to scan from, rows to skip from it) for `offset`, when the checkpoints of
        `key` are those of `version`; None otherwise."""
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        index = min(offset // STEP, len(entry.ids) - 1)
        if index < 1:
            return None
        self._entries.move_to_end(key)
        return entry.ids[index], offset - index * STEP

    def refresh(
        self, key: tuple[Any, ...], account_id: int, where: Sequence[ColumnElement[bool]]
    ) -> None:
        """Recompute `key`'s checkpoints in the background (once at a time per key)."""
        if key in self._building:
            return
        self._building.add(key)
        task = asyncio.get_running_loop().create_task(self._build(key, account_id, list(where)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Stop the builds under way (before the engine they use is disposed)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _build(
        self, key: tuple[Any, ...], account_id: int, where: list[ColumnElement[bool]]
    ) -> None:
        try:
            numbered = (
                select(contacts.c.id, func.row_number().over(order_by=contacts.c.id).label("n"))
                .where(*where)
                .subquery()
            )
            marks = (
                select(numbered.c.id).where((numbered.c.n - 1) % STEP == 0).order_by(numbered.c.id)
            )
            async with self.engine.connect() as conn:
                if conn.dialect.name == "postgresql":
                    # One snapshot for the version and the positions.
                    conn = await conn.execution_options(isolation_level="REPEATABLE READ")
                async with conn.begin():
                    version = await AccountRepository(conn).data_version(account_id)
                    ids = tuple(row[0] for row in await conn.execute(marks))
            if ids:
                self._entries[key] = Checkpoints(int(version), ids)
                self._entries.move_to_end(key)
                while len(self._entries) > MAX_KEYS:
                    self._entries.popitem(last=False)
        except Exception:  # a failed build only means plain OFFSET pages for a while
            log.exception("building offset checkpoints failed")
        finally:
            self._building.discard(key)
