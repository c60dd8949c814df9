"""The `contactbook` command: serve, migrate, and operator tasks over the same services."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import orjson
import typer

from contactbook.cli import history, transfer, trash
from contactbook.cli.failures import fail, reported
from contactbook.cli.options import AccountId, DatabaseUrl
from contactbook.domain.context import KeyScope, RequestContext, Source
from contactbook.domain.errors import Busy
from contactbook.domain.inboxes import ChannelType, Inbox
from contactbook.services import accounts, inboxes, integrity
from contactbook.settings import DEFAULT_DATABASE_URL, Settings
from contactbook.storage.migrate import migrate as run_migrations
from contactbook.storage.uow import Database, UnitOfWork

T = TypeVar("T")

app = typer.Typer(
    help="Contactbook: one contact store behind the Notificore, Chatwoot, HelpCrunch and "
    "native APIs.",
    no_args_is_help=True,
    add_completion=False,
)
accounts_app = typer.Typer(help="Create and manage accounts.", no_args_is_help=True)
inboxes_app = typer.Typer(help="Create and list inboxes (Chatwoot channels).", no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(inboxes_app, name="inboxes")
app.add_typer(trash.app, name="trash")
app.command("import")(transfer.import_command)
app.command("export")(transfer.export_command)
app.command("history")(history.history_command)

_ATTEMPTS = 4


def _print(data: dict[str, Any]) -> None:
    sys.stdout.write(orjson.dumps(data).decode() + "\n")


def _run(database_url: str, work: Callable[[UnitOfWork], Awaitable[T]], *, migrate: bool = True,
         ctx: RequestContext | None = None, read_only: bool = False) -> T:  # fmt: skip
    """Migrate (idempotent), then run `work` in one unit of work that commits on success."""

    async def go() -> T:
        if migrate:
            await run_migrations(database_url)
        db = Database(database_url, pool_size=1)
        try:
            for attempt in range(_ATTEMPTS):
                try:
                    async with db.unit(ctx) as uow:
                        return await work(uow)
                except Busy:  # rolled back for concurrent writers: nothing changed yet
                    if attempt == _ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.05 * (attempt + 1))
            raise AssertionError("unreachable")
        finally:
            await db.dispose()

    with reported(database_url, read_only=read_only):
        return asyncio.run(go())
    raise AssertionError("unreachable")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8080,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Apply migrations, then serve every API on HOST:PORT."""
    import uvicorn
    from pydantic import ValidationError

    try:
        # Every worker reads these settings; refuse bad ones here, once, with their reason.
        Settings(database_url=database_url)
    except ValidationError as exc:
        fail("; ".join(str(error["msg"]) for error in exc.errors()))
    # Before "serving on": a database that cannot be opened stops the start with its reason.
    with reported(database_url):
        revision = asyncio.run(run_migrations(database_url))
    sys.stderr.write(f"contactbook: database at revision {revision}; serving on "
                     f"http://{host}:{port} (docs at /docs)\n")  # fmt: skip
    # Workers are separate processes: they read the database URL from the environment.
    os.environ["CONTACTBOOK_DATABASE_URL"] = database_url
    uvicorn.run(
        "contactbook.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        proxy_headers=True,
        server_header=False,
    )


@app.command()
def migrate(database_url: DatabaseUrl = DEFAULT_DATABASE_URL) -> None:
    """Bring the database schema up to date."""
    with reported(database_url):
        revision = asyncio.run(run_migrations(database_url))
    _print({"revision": revision})


@accounts_app.command("create")
def accounts_create(
    name: Annotated[str, typer.Option("--name", help="The account's name.")],
    test_mode: Annotated[
        bool, typer.Option("--test-mode", help="Only verified phones may be used.")
    ] = False,
    default_region: Annotated[
        str | None,
        typer.Option("--default-region", help="ISO country code for local numbers, e.g. UA."),
    ] = None,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Create an account; prints its id and its API key (shown this once)."""
    created = _run(
        database_url,
        lambda uow: accounts.create_account(
            uow, name, test_mode=test_mode, default_region=default_region
        ),
    )
    _print({"account_id": created.account.id, "api_key": created.key.secret})


@accounts_app.command("verify-number")
def accounts_verify_number(
    account_id: AccountId,
    phone: Annotated[str, typer.Option("--phone", help="The phone number to mark verified.")],
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Mark a phone verified (a test-mode account may only give contacts verified phones)."""
    number = _run(database_url, lambda uow: accounts.verify_number(uow, account_id, phone))
    _print({"account_id": account_id, "phone": number})


@accounts_app.command("list")
def accounts_list(database_url: DatabaseUrl = DEFAULT_DATABASE_URL) -> None:
    """List accounts, one JSON object a line."""
    for account in _run(database_url, accounts.list_accounts, read_only=True):
        _print(
            {
                "account_id": account.id,
                "name": account.name,
                "test_mode": account.test_mode,
                "default_region": account.default_region,
            }
        )


@accounts_app.command("create-key")
def accounts_create_key(
    account_id: AccountId,
    scopes: Annotated[
        str, typer.Option("--scopes", help="Comma-separated: read, write, admin.")
    ] = "read,write,admin",
    name: Annotated[str | None, typer.Option("--name", help="A label for the key.")] = None,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Issue another API key for an account; prints it (shown this once)."""
    try:
        wanted = frozenset(KeyScope(s.strip()) for s in scopes.split(",") if s.strip())
    except ValueError:
        fail("scopes are read, write and admin")
    issued = _run(database_url, lambda uow: accounts.issue_key(uow, account_id, wanted, name))
    _print({"account_id": account_id, "key_id": issued.key.id, "api_key": issued.secret,
            "scopes": sorted(issued.key.scopes)})  # fmt: skip


@inboxes_app.command("create")
def inboxes_create(
    account_id: AccountId,
    name: Annotated[str, typer.Option("--name", help="The inbox's name.")],
    channel: Annotated[
        ChannelType, typer.Option("--channel", help="The channel type.")
    ] = ChannelType.API,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Create an inbox; prints its id."""
    ctx = RequestContext(account_id=account_id).through(Source.CLI)

    async def work(uow: UnitOfWork) -> Inbox:
        await accounts.get_account(uow, account_id)
        return await inboxes.create_inbox(uow, ctx, name, channel)

    inbox = _run(database_url, work, ctx=ctx)
    _print({"inbox_id": inbox.id, "account_id": account_id, "name": inbox.name,
            "channel_type": inbox.channel_type.value})  # fmt: skip


@inboxes_app.command("list")
def inboxes_list(account_id: AccountId, database_url: DatabaseUrl = DEFAULT_DATABASE_URL) -> None:
    """List an account's inboxes, one JSON object a line."""
    ctx = RequestContext(account_id=account_id).through(Source.CLI)

    async def work(uow: UnitOfWork) -> list[Inbox]:
        await accounts.get_account(uow, account_id)
        return await inboxes.list_inboxes(uow, ctx)

    for inbox in _run(database_url, work, ctx=ctx, read_only=True):
        _print({"inbox_id": inbox.id, "name": inbox.name,
                "channel_type": inbox.channel_type.value})  # fmt: skip


@app.command()
def check(
    account_id: AccountId,
    repair: Annotated[
        bool, typer.Option("--repair", help="Fix what differs, in one transaction.")
    ] = False,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
) -> None:
    """Recompute an account's counters and invariants from its rows; print what differs as
    JSON. Exit status 1 when something differs (also when repaired), 0 when clean."""
    report = _run(
        database_url,
        lambda uow: integrity.check_account(uow, account_id, repair=repair),
        read_only=not repair,
    )
    _print(report.as_json())
    if not report.clean:
        raise typer.Exit(1)


def main() -> None:
    app()
