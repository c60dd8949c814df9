"""Custom field definitions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Text, bindparam, cast, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.errors import DuplicateField, FieldNotFound
from contactbook.domain.fields import FieldDefinition, FieldScope, FieldType
from contactbook.storage.backend_sql import insert_ignore, one_of
from contactbook.storage.ids import next_id
from contactbook.storage.repositories._errors import violated
from contactbook.storage.tables import contacts, fields

# Contacts one statement handles (SQLite binds each id as a parameter).
_CHUNK = 10_000


def to_definition(row: Any) -> FieldDefinition:
    return FieldDefinition(
        id=row.id,
        key=row.key,
        name=row.name,
        type=FieldType(row.type),
        description=row.description,
        visible=row.visible,
        options=tuple(row.options or ()),
        scope=FieldScope(row.scope),
        regex_pattern=row.regex_pattern,
        regex_cue=row.regex_cue,
        default_value=row.default_value,
        implicit=row.implicit,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class FieldRepository:
    """The account's custom field definitions."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def list_all(self) -> list[FieldDefinition]:
        rows = await self.conn.execute(
            select(fields).where(fields.c.account_id == self.account_id).order_by(fields.c.id)
        )
        return [to_definition(row) for row in rows]

    async def get(self, field_id: int) -> FieldDefinition:
        """Raises: FieldNotFound."""
        row = (
            await self.conn.execute(
                select(fields).where(
                    fields.c.account_id == self.account_id, fields.c.id == field_id
                )
            )
        ).first()
        if row is None:
            raise FieldNotFound(field_id)
        return to_definition(row)

    async def add(self, definition: FieldDefinition) -> FieldDefinition:
        """Store a new definition (its id is assigned here).

        Raises: DuplicateField.
        """
        field_id = await next_id(self.conn, "fields")
        values = {
            "account_id": self.account_id,
            "id": field_id,
            "scope": definition.scope.value,
            "implicit": definition.implicit,
            "created_at": definition.created_at,
            **self._columns(definition),
        }
        try:
            await self.conn.execute(insert(fields).values(values))
        except IntegrityError as exc:
            raise self._translate(exc, definition.key) from exc
        return await self.get(field_id)

    async def add_if_free(self, definition: FieldDefinition) -> FieldDefinition | None:
        """Store a new definition unless its scope and key are taken (then None): a create
        that meets a concurrent one decides what to do instead of failing its transaction."""
        field_id = await self._insert_if_free(definition)
        return await self.get(field_id) if field_id is not None else None

    async def add_or_get(self, definition: FieldDefinition) -> FieldDefinition:
        """The stored definition with `definition`'s scope and key, adding it if there is
        none: for fields defined implicitly, which concurrent writers may define at once."""
        await self._insert_if_free(definition)
        stored = await self.find(definition.scope, definition.key)
        assert stored is not None  # inserted here, or by the writer that took the key
        return stored

    async def _insert_if_free(self, definition: FieldDefinition) -> int | None:
        """The new definition's id, or None when its scope and key were taken."""
        field_id = await next_id(self.conn, "fields")
        result = await self.conn.execute(
            insert_ignore(self.conn, fields, ["account_id", "scope", "key"]).values(
                account_id=self.account_id,
                id=field_id,
                scope=definition.scope.value,
                implicit=definition.implicit,
                created_at=definition.created_at,
                **self._columns(definition),
            )
        )
        return field_id if result.rowcount else None

    async def find(self, scope: FieldScope, key: str) -> FieldDefinition | None:
        """The definition of `scope` with `key`, if there is one."""
        row = (
            await self.conn.execute(
                select(fields).where(
                    fields.c.account_id == self.account_id,
                    fields.c.scope == scope.value,
                    fields.c.key == key,
                )
            )
        ).first()
        return None if row is None else to_definition(row)

    async def adopt(self, definition: FieldDefinition) -> FieldDefinition | None:
        """Give the implicit field `definition.id` everything `definition` says and make it
        explicit; None when it is no longer implicit (a concurrent create adopted it first:
        the condition is checked again on the row once its lock is granted) or is gone."""
        result = await self.conn.execute(
            update(fields)
            .where(
                fields.c.account_id == self.account_id,
                fields.c.id == definition.id,
                fields.c.implicit.is_(True),
            )
            .values(implicit=False, **self._columns(definition))
        )
        return await self.get(definition.id) if result.rowcount else None

    async def held_values(self, field_id: int) -> dict[int, object]:
        """The values contacts hold under the field, by contact id; on PostgreSQL those
        contacts are locked (in id order, the lock order) until the unit ends, so that the
        values read are the values a following `rewrite_values` replaces."""
        key = str(field_id)
        holding = self._holding(key)
        query = (
            select(contacts.c.id, contacts.c.custom)
            .where(contacts.c.account_id == self.account_id, holding)
            .order_by(contacts.c.id)
        )
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update(key_share=True)
        return {row.id: row.custom[key] for row in await self.conn.execute(query)}

    async def rewrite_values(self, field_id: int, values: dict[int, object], now: datetime) -> None:
        """Store new values under the field for the contacts given (each is a changed contact:
        a new version)."""
        if not values:
            return
        path = f'$."{field_id}"'
        where = (contacts.c.account_id == self.account_id, contacts.c.id == bindparam("cid"))
        if self.conn.dialect.name == "postgresql":
            new_custom: Any = func.jsonb_set(
                contacts.c.custom,
                array([str(field_id)]),
                cast(bindparam("value_json", type_=Text), JSONB),
            )
        else:
            new_custom = func.json_set(contacts.c.custom, path, func.json(bindparam("value_json")))
        await self.conn.execute(
            update(contacts)
            .where(*where)
            .values(custom=new_custom, updated_at=now, version=contacts.c.version + 1),
            [
                {"cid": cid, "value_json": json.dumps(value)}
                for cid, value in sorted(values.items())
            ],
        )

    def _holding(self, key: str) -> Any:
        """The condition "the contact holds a value under field `key`"."""
        if self.conn.dialect.name == "postgresql":
            return contacts.c.custom.op("?", return_type=Boolean)(key)
        return func.json_type(contacts.c.custom, f'$."{key}"').is_not(None)

    async def save(self, definition: FieldDefinition) -> FieldDefinition:
        """Write back a changed definition.

        Raises: FieldNotFound, DuplicateField.
        """
        try:
            result = await self.conn.execute(
                update(fields)
                .where(fields.c.account_id == self.account_id, fields.c.id == definition.id)
                .values(self._columns(definition))
            )
        except IntegrityError as exc:
            raise self._translate(exc, definition.key) from exc
        if not result.rowcount:
            raise FieldNotFound(definition.id)
        return await self.get(definition.id)

    @staticmethod
    def _columns(definition: FieldDefinition) -> dict[str, object]:
        return {
            "key": definition.key,
            "name": definition.name,
            "type": definition.type.value,
            "description": definition.description,
            "visible": definition.visible,
            "options": list(definition.options),
            "regex_pattern": definition.regex_pattern,
            "regex_cue": definition.regex_cue,
            "default_value": definition.default_value,
            "updated_at": definition.updated_at,
        }

    @staticmethod
    def _translate(exc: IntegrityError, key: str) -> Exception:
        if violated(exc, "uq_fields_account_id_scope_key", "fields.key"):
            return DuplicateField(f"A field with the key {key!r} already exists.", key=key)
        return exc

    async def holders(self, field_ids: Iterable[int]) -> list[int]:
        """The contacts holding a value under any of the fields, ascending; on PostgreSQL they
        are locked (in id order, the lock order) until the unit ends."""
        keys = sorted({str(field_id) for field_id in field_ids})
        if not keys:
            return []
        query = (
            select(contacts.c.id)
            .where(contacts.c.account_id == self.account_id, self._holding_any(keys))
            .order_by(contacts.c.id)
        )
        if self.conn.dialect.name == "postgresql":
            query = query.with_for_update(key_share=True)
        return [row[0] for row in await self.conn.execute(query)]

    def _holding_any(self, keys: list[str]) -> Any:
        if self.conn.dialect.name == "postgresql":
            return contacts.c.custom.op("?|", return_type=Boolean)(array(keys))
        return or_(*(self._holding(key) for key in keys))

    async def delete_many(
        self, field_ids: Iterable[int], now: datetime, holders: Sequence[int] | None = None
    ) -> list[int]:
        """Delete definitions and drop their values from `holders` (locked by the caller;
        by default every contact holding one, see `holders`), each of which gets one new
        version; return the ids deleted."""
        ids = sorted(set(field_ids))
        if not ids:
            return []
        found = [
            row[0]
            for row in await self.conn.execute(
                select(fields.c.id).where(
                    fields.c.account_id == self.account_id, fields.c.id.in_(ids)
                )
            )
        ]
        if not found:
            return []
        if holders is None:
            holders = await self.holders(found)
        await self._drop_values(found, holders, now)
        await self.conn.execute(
            delete(fields).where(fields.c.account_id == self.account_id, fields.c.id.in_(found))
        )
        return found

    async def _drop_values(
        self, field_ids: list[int], holders: Sequence[int], now: datetime
    ) -> None:
        """One statement per chunk of contacts, whatever the number of fields: a contact
        losing several values moves one version."""
        keys = [str(field_id) for field_id in field_ids]
        if self.conn.dialect.name == "postgresql":
            stripped: Any = contacts.c.custom.op("-", return_type=JSONB)(array(keys))
        else:
            stripped = func.json_remove(contacts.c.custom, *(f'$."{key}"' for key in keys))
        ids = sorted(set(holders))
        for start in range(0, len(ids), _CHUNK):
            await self.conn.execute(
                update(contacts)
                .where(
                    contacts.c.account_id == self.account_id,
                    one_of(self.conn, contacts.c.id, ids[start : start + _CHUNK]),
                    self._holding_any(keys),
                )
                .values(custom=stripped, updated_at=now, version=contacts.c.version + 1)
            )
