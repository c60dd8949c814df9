"""`contactbook import` and `contactbook export`: bulk moves of contacts in and out."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from contactbook.cli.failures import fail, reported
from contactbook.cli.options import DatabaseUrl
from contactbook.domain.context import RequestContext, Source
from contactbook.domain.encodings import DEFAULT_ENCODING, check_encoding
from contactbook.domain.imports import (
    ImportFormat,
    ImportOptions,
    ImportSummary,
    OnConflict,
)
from contactbook.services import accounts
from contactbook.services.jobs.exports import export_contacts
from contactbook.services.jobs.import_files import ErrorFile, ImportFile
from contactbook.services.jobs.import_pipeline import Progress as ImportProgress
from contactbook.services.jobs.import_pipeline import run_import
from contactbook.services.jobs.process_pool import process_pool
from contactbook.settings import DEFAULT_DATABASE_URL
from contactbook.storage.migrate import migrate
from contactbook.storage.uow import Database


def guess_format(path: Path, given: ImportFormat | None) -> ImportFormat:
    if given is not None:
        return given
    return ImportFormat.NDJSON if path.suffix.lower() in (".ndjson", ".jsonl") else ImportFormat.CSV


def default_workers() -> int:
    """Processes that clean rows; one core stays for the database writes."""
    return max(1, min(8, (os.cpu_count() or 2) - 1))


def import_command(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row, or NDJSON.")],
    account_id: Annotated[int, typer.Option("--account-id", help="The account to import into.")],
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
    fmt: Annotated[
        ImportFormat | None, typer.Option("--format", help="Default: from the file's extension.")
    ] = None,
    list_name: Annotated[
        str | None, typer.Option("--list", help="Also put every imported contact in this list.")
    ] = None,
    on_conflict: Annotated[
        OnConflict, typer.Option("--on-conflict", help="A row matching a contact: update or skip.")
    ] = OnConflict.UPDATE,
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Where refused rows go [default: FILE.errors.csv]"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON summary.")] = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=0, help="Processes cleaning rows; 0 cleans in-process."),
    ] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=50_000)] = 5000,
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding",
            help="The file's text encoding: utf-8 (a byte order mark is skipped), cp1251, "
            "latin-1, utf-16, …",
        ),
    ] = DEFAULT_ENCODING,
) -> None:
    """Import contacts from FILE; refused rows go to the errors file with their line and reason."""
    if not file.is_file():
        fail(f"no such file: {file}")
    errors_path = errors or Path(f"{file}.errors.csv")
    count = default_workers() if workers is None else workers
    with reported(database_url):
        options = ImportOptions(
            guess_format(file, fmt), on_conflict, list_name, encoding=check_encoding(encoding)
        )
        summary = asyncio.run(
            _import(
                file,
                errors_path,
                account_id,
                database_url,
                options,
                count,
                batch_size,
                show_progress=not as_json and sys.stderr.isatty(),
            )
        )
    if as_json:
        sys.stdout.write(orjson.dumps(summary.as_dict()).decode() + "\n")
        return
    line = (
        f"{summary.rows} rows: {summary.created} created, {summary.updated} updated, "
        f"{summary.skipped} skipped, {summary.rejected} rejected in {summary.seconds:.1f}s"
    )
    if summary.rejected:
        line += f"; refused rows are in {errors_path}"
    sys.stdout.write(line + "\n")


async def _import(
    file: Path,
    errors_path: Path,
    account_id: int,
    database_url: str,
    options: ImportOptions,
    workers: int,
    batch_size: int,
    *,
    show_progress: bool,
) -> ImportSummary:
    await migrate(database_url)
    db = Database(database_url, pool_size=2)
    executor = process_pool(workers) if workers else None
    try:
        async with db.unit(write=False) as uow:
            account = await accounts.get_account(uow, account_id)
        # Recorded as the CLI's writes (the import runner may name its job too).
        ctx = RequestContext(
            account_id=account.id,
            test_mode=account.test_mode,
            default_region=account.default_region,
        ).through(Source.CLI)
        errors_path.unlink(missing_ok=True)
        with ImportFile(file, options.format, encoding=options.encoding) as source:
            sink = ErrorFile(errors_path, lambda: source.header)
            console = Console(stderr=True)
            with Progress(
                TextColumn("[bold]importing"),
                BarColumn(),
                TaskProgressColumn(),
                DownloadColumn(),
                TextColumn("{task.fields[rows]} rows {task.fields[rate]}"),
                TimeRemainingColumn(),
                console=console,
                disable=not show_progress,
            ) as bar:
                task = bar.add_task("import", total=source.size, rows=0, rate="")
                started = asyncio.get_running_loop().time()

                def update(progress: ImportProgress) -> None:
                    elapsed = max(asyncio.get_running_loop().time() - started, 1e-6)
                    bar.update(
                        task,
                        completed=progress.bytes_done,
                        rows=progress.rows_done,
                        rate=f"({progress.rows_done / elapsed:,.0f}/s)",
                    )

                summary = await run_import(
                    lambda: db.unit(ctx),
                    ctx,
                    source,
                    options,
                    errors=sink,
                    executor=executor,
                    ahead=max(2, workers + 1),
                    batch_size=batch_size,
                    on_progress=update,
                )
            sink.close()
        return summary
    finally:
        if executor is not None:
            executor.shutdown(cancel_futures=True)
        await db.dispose()


def export_command(
    account_id: Annotated[int, typer.Option("--account-id", help="The account to export.")],
    file: Annotated[Path | None, typer.Argument(help="Where to write [default: stdout].")] = None,
    database_url: DatabaseUrl = DEFAULT_DATABASE_URL,
    fmt: Annotated[ImportFormat, typer.Option("--format")] = ImportFormat.CSV,
    list_id: Annotated[int | None, typer.Option("--list", help="Only this list's members.")] = None,
) -> None:
    """Export contacts as CSV or NDJSON; the file imports back to the same data."""
    with reported(database_url, read_only=True):
        asyncio.run(_export(file, account_id, database_url, fmt, list_id))


async def _export(
    file: Path | None, account_id: int, database_url: str, fmt: ImportFormat, list_id: int | None
) -> None:
    await migrate(database_url)
    db = Database(database_url, pool_size=1)
    try:
        async with db.unit(write=False) as uow:
            account = await accounts.get_account(uow, account_id)
        ctx = RequestContext(
            account_id=account.id, default_region=account.default_region, source=Source.CLI
        )
        target = file.open("wb") if file is not None else sys.stdout.buffer
        try:
            async for chunk in export_contacts(
                lambda: db.unit(ctx, write=False), ctx, fmt, list_id
            ):
                target.write(chunk)
        finally:
            if file is not None:
                target.close()
            else:
                target.flush()
    finally:
        await db.dispose()
