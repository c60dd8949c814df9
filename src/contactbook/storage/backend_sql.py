"""Statements the two SQL backends, SQLite and PostgreSQL, spell differently, each written once.

Each helper asks the connection which backend it talks to (SQLAlchemy calls that its dialect;
in this project "dialect" names a vendor API, so the module says backend).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Table, any_, bindparam, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeEngine


def insert_ignore(conn: AsyncConnection, table: Table, keys: Sequence[str]) -> Any:
    """`INSERT … ON CONFLICT (keys) DO NOTHING` for the connection's database."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so user text matches literally (with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def one_of(
    conn: AsyncConnection,
    column: Any,
    values: Sequence[object],
    item_type: TypeEngine[Any] | None = None,
) -> ColumnElement[bool]:
    """`column IN values`: one array parameter on PostgreSQL (`= ANY($1)`), so thousands of
    values neither expand into thousands of parameters nor make a new statement to plan."""
    if conn.dialect.name == "postgresql":
        array = postgresql.ARRAY(item_type if item_type is not None else BigInteger())
        return column == any_(bindparam(None, list(values), type_=array))  # type: ignore[no-any-return]
    return column.in_(list(values))  # type: ignore[no-any-return]


def keys_nulled(conn: AsyncConnection, column: Any) -> ColumnElement[Any]:
    """The JSON object in `column` (of the row being updated) with every value replaced by
    `{"from": null, "to": null}`: computed by the database for each row, so one statement
    rewrites any number of rows whatever their keys."""
    nulled = {"from": None, "to": None}
    if conn.dialect.name == "postgresql":
        key = func.jsonb_object_keys(column).column_valued("k")
        each = func.jsonb_object_agg(key, literal(nulled, JSONB()))
        return func.coalesce(select(each).scalar_subquery(), literal({}, JSONB()))
    pairs = func.json_each(column).table_valued("key").alias("pairs")
    each = func.json_group_object(pairs.c.key, func.json(literal(json.dumps(nulled))))
    return func.coalesce(select(each).select_from(pairs).scalar_subquery(), literal("{}"))
