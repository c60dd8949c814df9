"""Id allocation: one sequence per table, shared by all accounts, on both databases
(docs/design.md §4.3)."""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

_PG_NEXT = text("SELECT nextval(CAST(:seq AS regclass)) FROM generate_series(1, :n)")
# SQLite has no sequences; a counter row per table, bumped under the write lock, serves.
_SQLITE_BUMP = text(
    "UPDATE id_sequences SET value = value + :n WHERE name = :name RETURNING value"
).bindparams(bindparam("n"), bindparam("name"))


def sequence_name(table: str) -> str:
    return f"{table}_id_seq"


async def next_ids(conn: AsyncConnection, table: str, count: int) -> list[int]:
    """Reserve `count` fresh ids for rows of `table`, ascending."""
    if count <= 0:
        return []
    if conn.dialect.name == "postgresql":
        result = await conn.execute(_PG_NEXT, {"seq": sequence_name(table), "n": count})
        return [row[0] for row in result]
    last = (await conn.execute(_SQLITE_BUMP, {"n": count, "name": table})).scalar_one()
    return list(range(last - count + 1, last + 1))


async def next_id(conn: AsyncConnection, table: str) -> int:
    """Reserve one fresh id for a row of `table`."""
    return (await next_ids(conn, table, 1))[0]
