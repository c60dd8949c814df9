"""`contactbook history`: what happened to one contact, write by write, for an operator."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from contactbook.cli.failures import reported
from contactbook.cli.options import DatabaseUrl
from contactbook.domain.changes import ChangeRecord, shown
from contactbook.domain.context import RequestContext, Source
from contactbook.services import accounts, history
from contactbook.settings import DEFAULT_DATABASE_URL
from contactbook.storage.migrate import migrate
from contactbook.storage.uow import Database, UnitOfWork

_PAGE = 1000  # the service's page; the command reads as many as --limit asks


def history_command(
    account_id: Annotated[int, typer.Option("--account-id", help="The contact's account.")],
    contact_id: Annotated[
        int, typer.Option("--contact-id", help="The contact (live, trashed or erased).")
    ],
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show at most this many records, newest first.")
    ] = 100,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object a record, as the history API gives.")
    ] = False,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Show a contact's change records, newest first: version, time, action, source, actor,
    request id and the fields each write changed."""
    ctx = RequestContext(account_id=account_id).through(Source.CLI)

    async def read(uow: UnitOfWork) -> list[ChangeRecord]:
        await accounts.get_account(uow, account_id)
        found: list[ChangeRecord] = []
        before = None
        while len(found) < limit:
            page = await history.contact_history(
                uow, ctx, contact_id, before=before, limit=min(_PAGE, limit - len(found))
            )
            found += page.items
            if not page.has_more or not page.items:
                break
            before = page.items[-1].id
        return found

    async def go() -> list[ChangeRecord]:
        await migrate(database_url)  # as every command: the schema is brought up to date first
        db = Database(database_url, pool_size=1)
        try:
            async with db.unit(ctx, write=False) as uow:
                return await read(uow)
        finally:
            await db.dispose()

    with reported(database_url, read_only=True):
        records = asyncio.run(go())
    if as_json:
        for record in records:
            line = orjson.dumps(shown(record), option=orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS)
            sys.stdout.write(line.decode() + "\n")
        return
    _table(contact_id, records)


def _table(contact_id: int, records: list[ChangeRecord]) -> None:
    console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    if not records:
        console.print(f"Contact {contact_id} has no recorded changes.")
        return
    table = Table(title=f"History of contact {contact_id} (newest first)", title_justify="left")
    for column in ("version", "at", "action", "source", "actor", "request id", "changes"):
        table.add_column(column, overflow="fold", no_wrap=column != "changes")
    for record in records:
        item = shown(record)
        actor = item["actor"]
        table.add_row(
            str(record.version),
            record.at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            record.action.value,
            item["source"],
            f"{actor['type']} {actor['id']}" if actor else "",
            item["request_id"] or "",
            _changes(record.changes),
        )
    console.print(table)


def _changes(changes: dict[str, dict[str, Any]]) -> Text:
    """One line a field: `name: "A" → "B"`, values as JSON."""
    lines = [
        f"{name}: {_value(change.get('from'))} → {_value(change.get('to'))}"
        for name, change in changes.items()
    ]
    return Text("\n".join(lines) if lines else "—")


def _value(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_UTC_Z).decode()
