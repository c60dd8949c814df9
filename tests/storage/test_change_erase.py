"""Erasing a contact's change records: every value nulled by the database, record by record, in
one statement however long the history, and nobody else's records touched."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from contactbook.domain.changes import Action, ChangeRecord, NewChange, erased
from contactbook.domain.clock import utcnow
from contactbook.domain.context import Origin, Source
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant

RECORDS = 2_500
CONTACT = 987_654_321  # records need no live contact: history outlives it


def _shapes(n: int) -> dict[str, dict[str, Any]]:
    """Records of varied shape: plain, custom and relation fields, nested values, none."""
    shapes: list[dict[str, dict[str, Any]]] = [
        {},
        {"name": {"from": f"A{n}", "to": f"B{n}"}},
        {"custom_fields.plan": {"from": None, "to": {"n": n}}, "tags": {"from": ["x"], "to": None}},
        {"phone": {"from": "+447700900123", "to": None}, "lists": {"from": [1, 2], "to": [n]}},
    ]  # fmt: skip
    return shapes[n % len(shapes)]


def test_erase_nulls_every_value_in_one_statement(tenant: Tenant) -> None:
    items = [
        NewChange(CONTACT, n + 1, Action.UPDATED, _shapes(n), {"took": [n]} if n % 2 else None)
        for n in range(RECORDS)
    ]
    bystander = NewChange(CONTACT + 1, 1, Action.CREATED, {"name": {"from": None, "to": "Kept"}})

    async def write(uow: UnitOfWork) -> None:
        await uow.changes.record(
            [*items, bystander], Origin(Source.CLI, request_id="r-1"), utcnow()
        )

    tenant.unit(write)

    async def erase(uow: UnitOfWork) -> tuple[int, list[str]]:
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        sync = uow.conn.sync_connection
        assert sync is not None
        event.listen(sync, "before_cursor_execute", seen)
        try:
            count = await uow.changes.erase(CONTACT)
        finally:
            event.remove(sync, "before_cursor_execute", seen)
        return count, statements

    count, statements = tenant.unit(erase)
    assert count == RECORDS
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("UPDATE")

    async def read(uow: UnitOfWork) -> tuple[list[ChangeRecord], list[ChangeRecord]]:
        return await uow.changes.of_contact(CONTACT), await uow.changes.of_contact(CONTACT + 1)

    records, others = tenant.unit(read, write=False)
    assert len(records) == RECORDS
    for record, item in zip(reversed(records), items, strict=True):
        assert record.changes == erased(item.changes)
        assert record.detail is None
        assert (record.version, record.action) == (item.version, Action.UPDATED)
        assert record.origin.request_id == "r-1"
    assert others[0].changes == {"name": {"from": None, "to": "Kept"}}
