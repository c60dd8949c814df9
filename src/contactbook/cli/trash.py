"""`contactbook trash list` and `contactbook trash restore`: the deleted contacts of an account,
and bringing one back, for an operator."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import orjson
import typer
from rich.console import Console
from rich.table import Table

from contactbook.cli.failures import fail, reported
from contactbook.cli.options import AccountId, DatabaseUrl
from contactbook.domain.contacts import Contact
from contactbook.domain.context import RequestContext, Source
from contactbook.domain.errors import Busy, ContactNotFound, DuplicateContact
from contactbook.services import accounts, trash
from contactbook.settings import DEFAULT_DATABASE_URL, get_settings
from contactbook.storage.migrate import migrate
from contactbook.storage.repositories.trash import TrashedContact
from contactbook.storage.uow import Database, UnitOfWork

T = TypeVar("T")

app = typer.Typer(help="List and restore deleted contacts.", no_args_is_help=True)

AsJson = Annotated[bool, typer.Option("--json", help="JSON, as the native API answers.")]
_PAGE = 1000  # the service's page; the command reads as many as --limit asks
_ATTEMPTS = 4
_JSON = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
_MINUTE = "%Y-%m-%d %H:%M UTC"


@app.command("list")
def list_command(
    account_id: AccountId,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Show at most this many, newest deletion first.")
    ] = 100,
    as_json: AsJson = False,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Show an account's deleted contacts, newest deletion first: who they were, when and by
    whom they were deleted, and when they will be purged."""
    ctx = RequestContext(account_id=account_id).through(Source.CLI)

    async def read(uow: UnitOfWork) -> list[TrashedContact]:
        await accounts.get_account(uow, account_id)
        found: list[TrashedContact] = []
        after = None
        while len(found) < limit:
            page, more = await trash.list_trash(
                uow, ctx, after=after, limit=min(_PAGE, limit - len(found))
            )
            found += page
            if not more or not page:
                break
            after = (page[-1].deleted_at, page[-1].id)
        return found

    items = _run(database_url, read, ctx, write=False)
    days = get_settings().trash_days
    if as_json:
        for item in items:
            sys.stdout.write(orjson.dumps(trash.shown(item, days), option=_JSON).decode() + "\n")
        return
    _table(account_id, items, days)


@app.command("restore")
def restore_command(
    account_id: AccountId,
    contact_id: Annotated[int, typer.Option("--contact-id", help="The deleted contact.")],
    as_json: AsJson = False,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Bring a deleted contact back with its lists, tags, custom values and channel
    identities; refused, changing nothing, when a live contact took its phone, email or
    external id."""
    ctx = RequestContext(account_id=account_id).through(Source.CLI)

    async def restore(uow: UnitOfWork) -> Contact:
        await accounts.get_account(uow, account_id)
        try:
            return await trash.restore_contact(uow, ctx, contact_id)
        except ContactNotFound:
            fail(f"Contact {contact_id} is not in the trash of account {account_id}.")
        except DuplicateContact as exc:
            holder = f" (contact {exc.existing_id})" if exc.existing_id is not None else ""
            fail(f"Contact {contact_id} cannot be restored: another contact{holder} has its "
                 f"{', '.join(exc.fields)} now.")  # fmt: skip

    contact = _run(database_url, restore, ctx, write=True)
    if as_json:
        # Here, not at the top: every other command starts without the web framework.
        from contactbook.web.dialects.native.schemas import contact_out

        sys.stdout.write(orjson.dumps(contact_out(contact), option=_JSON).decode() + "\n")
        return
    sys.stdout.write(f"Restored contact {contact.id} (version {contact.version}).\n")


def _run(
    database_url: str,
    work: Callable[[UnitOfWork], Awaitable[T]],
    ctx: RequestContext,
    *,
    write: bool,
) -> T:
    """Migrate (as every command does), then run `work` in one unit of work, again when
    concurrent writers made the database roll it back."""

    async def go() -> T:
        await migrate(database_url)
        db = Database(database_url, pool_size=1)
        try:
            for attempt in range(_ATTEMPTS):
                try:
                    async with db.unit(ctx, write=write) as uow:
                        return await work(uow)
                except Busy:  # rolled back whole: nothing changed yet
                    if attempt == _ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.05 * (attempt + 1))
            raise AssertionError("unreachable")
        finally:
            await db.dispose()

    with reported(database_url, read_only=not write):
        return asyncio.run(go())
    raise AssertionError("unreachable")


def _table(account_id: int, items: list[TrashedContact], days: int) -> None:
    console = Console(file=sys.stdout, highlight=False, soft_wrap=False)
    if not items:
        console.print(f"The trash of account {account_id} is empty.")
        return
    table = Table(title=f"Trash of account {account_id} (newest deletion first)",
                  title_justify="left")  # fmt: skip
    merges = any(item.merged_into is not None for item in items)
    columns = ["id", "name", "phone", "email", "external id", "deleted at", "by", "purge at"]
    for column in columns + (["merged into"] if merges else []):
        table.add_column(column, overflow="fold")
    for item in items:
        shown: dict[str, Any] = trash.shown(item, days)
        by = shown["deleted_by"]
        who = ""
        if by is not None:
            actor = by["actor"]
            who = by["source"] + (f" {actor['type']} {actor['id']}" if actor else "")
        row = [str(item.id), item.name or "", item.phone or "", item.email or "",
               item.external_id or "", item.deleted_at.strftime(_MINUTE), who,
               shown["purge_at"].strftime(_MINUTE)]  # fmt: skip
        if merges:
            row.append("" if item.merged_into is None else str(item.merged_into))
        table.add_row(*row)
    console.print(table)
