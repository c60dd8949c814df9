"""Placing the next id of a table, so a vendor's documented example can be replayed with the
very ids it names."""

from __future__ import annotations

from sqlalchemy import text

from contactbook.storage.ids import sequence_name
from contactbook.storage.uow import Database


async def set_next_id(db: Database, table: str, next_id: int) -> None:
    """Make the next id of `table` be `next_id` (on a fresh database, before it is reached)."""
    async with db.engine.begin() as conn:
        if db.backend == "postgresql":
            await conn.execute(
                text("SELECT setval(CAST(:seq AS regclass), :value)"),
                {"seq": sequence_name(table), "value": next_id - 1},
            )
        else:
            await conn.execute(
                text("UPDATE id_sequences SET value = :value WHERE name = :name"),
                {"value": next_id - 1, "name": table},
            )
