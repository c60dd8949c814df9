"""Export: every contact of an account (or of one list) as CSV or NDJSON, streamed page by page.

The columns are the ones import reads, so an export re-imports to the same data: canonical
columns, one column per custom field (by key), tags and lists by name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

import orjson

from contactbook.domain.contacts import BOOL_FIELDS, TEXT_FIELDS, Contact
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.fields import FieldScope
from contactbook.domain.imports import CANONICAL_COLUMNS, LIST_SEPARATOR, ImportFormat
from contactbook.domain.queries import Condition, ContactQuery, Op, SortKey
from contactbook.storage.uow import UnitOfWork

ReadUnits = Callable[[], AbstractAsyncContextManager[UnitOfWork]]
PAGE = 2000
BASE_COLUMNS = CANONICAL_COLUMNS  # what import reads is what export writes


async def export_contacts(
    units: ReadUnits, ctx: RequestContext, fmt: ImportFormat, list_id: int | None = None
) -> AsyncIterator[bytes]:
    """The export file, chunk by chunk (one page of contacts a chunk).

    Raises: ListNotFound (before the first chunk) when `list_id` names no list of the account.
    """
    ctx.require(KeyScope.READ)
    async with units() as uow:
        if list_id is not None:
            await uow.lists.get(list_id)
        keys = [
            d.key for d in (await uow.field_catalog()).values() if d.scope is FieldScope.CONTACT
        ]
    where = Condition("lists", Op.EQ, list_id) if list_id is not None else None
    columns = [*BASE_COLUMNS, *keys]
    if fmt is ImportFormat.CSV:
        yield _csv_line(columns)
    after: tuple[object, ...] | None = None
    while True:
        query = ContactQuery(
            where=where,
            sort=(SortKey("id"),),
            limit=PAGE,
            after=after,
            probe_next=True,
            include=frozenset({"lists", "tags"}),
        )
        async with units() as uow:
            items, more, _ = await uow.contacts.page(query)
        if not items:
            return
        if fmt is ImportFormat.CSV:
            yield b"".join(_csv_line([_cell(v) for v in _row(c, keys).values()]) for c in items)
        else:
            yield b"".join(orjson.dumps(_object(c)) + b"\n" for c in items)
        if not more:
            return
        after = (items[-1].id,)


def _row(contact: Contact, keys: list[str]) -> dict[str, Any]:
    custom = contact.custom_by_key()
    row: dict[str, Any] = {"id": contact.id, "phone": contact.phone, "email": contact.email}
    row.update({name: getattr(contact, name) for name in (*TEXT_FIELDS, *BOOL_FIELDS)})
    row.update(
        first_seen=contact.first_seen,
        last_seen=contact.last_seen,
        tags=_joined([t.name for t in contact.tags]),
        lists=_joined([item.name for item in contact.lists]),
        device=dict(contact.device) if contact.device else None,
        additional_attributes=dict(contact.additional_attributes) or None,
    )
    row.update({key: custom.get(key) for key in keys})
    return row


def _object(contact: Contact) -> dict[str, Any]:
    """The canonical contact object of an NDJSON line (lists by name)."""
    body: dict[str, Any] = {"id": contact.id, "phone": contact.phone, "email": contact.email}
    body.update({name: getattr(contact, name) for name in (*TEXT_FIELDS, *BOOL_FIELDS)})
    body.update(
        first_seen=_time(contact.first_seen),
        last_seen=_time(contact.last_seen),
        device=contact.device,
        additional_attributes=dict(contact.additional_attributes),
        custom_fields=contact.custom_by_key(),
        tags=[t.name for t in contact.tags],
        lists=[item.name for item in contact.lists],
    )
    return {key: value for key, value in body.items() if value not in (None, {}, [])}


def _joined(names: list[str]) -> str | None:
    if not names:
        return None
    if any(LIST_SEPARATOR in name for name in names):
        return orjson.dumps(names).decode()  # import reads a JSON array cell too
    return LIST_SEPARATOR.join(names)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _time(value) or ""
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    return str(value)


def _csv_line(cells: list[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue().encode()
