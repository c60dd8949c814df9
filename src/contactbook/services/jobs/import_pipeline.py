"""Running an import: read in batches, clean them ahead in worker processes, write each batch in
its own unit of work, in file order.

The edge (the CLI or the job runner) decides where units come from, which executor cleans, and
what happens after each batch (progress, job state); the batch's hook runs inside the batch's
own transaction, so recorded progress never runs ahead of what committed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import TypeVar

from contactbook.domain.context import RequestContext
from contactbook.domain.errors import Busy, InvalidInput, Problem
from contactbook.domain.fields import FieldDefinition
from contactbook.domain.imports import (
    CUSTOM_FIELDS,
    CleanRow,
    ImportFormat,
    ImportOptions,
    ImportSummary,
    RowError,
    clean_row,
    custom_columns,
    object_of,
)
from contactbook.services.jobs.import_batches import (
    ImportTarget,
    column_key,
    define_columns,
    prepare_import,
    refresh_statistics,
    write_batch,
)
from contactbook.services.jobs.import_files import ErrorFile, ImportFile, RawRow
from contactbook.storage.repositories.bulk import RowsRaced
from contactbook.storage.uow import UnitOfWork

UnitFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]
BatchHook = Callable[[UnitOfWork, "Progress"], Awaitable[None]]
ProgressHook = Callable[["Progress"], None]

DEFAULT_BATCH = 5000
RACE_RETRIES = 4
T = TypeVar("T")


async def retrying(units: UnitFactory, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
    """`work` in a unit of its own, run again (a few times) when concurrent writers made the
    store roll the unit back."""
    for attempt in range(RACE_RETRIES):
        try:
            async with units() as uow:
                return await work(uow)
        except Busy:
            if attempt == RACE_RETRIES - 1:
                raise
            await asyncio.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an import stands after a committed batch."""

    summary: ImportSummary
    rows_done: int
    last_line: int
    bytes_done: int
    bytes_total: int


def clean_batch(
    batch: list[RawRow], fields_by_column: Mapping[str, FieldDefinition], region: str | None
) -> tuple[list[CleanRow], list[RowError]]:
    """Apply the row rules to a batch (runs in a worker process)."""
    rows: list[CleanRow] = []
    errors: list[RowError] = []
    for line, raw in batch:
        if raw is None:
            continue
        try:
            rows.append(clean_row(line, raw, fields_by_column, region))
        except InvalidInput as exc:
            errors.append(RowError.refusing(line, exc, raw))
    return rows, errors


async def run_import(
    units: UnitFactory,
    ctx: RequestContext,
    source: ImportFile,
    options: ImportOptions,
    *,
    errors: ErrorFile | None = None,
    executor: Executor | None = None,
    ahead: int = 2,
    batch_size: int = DEFAULT_BATCH,
    skip: int = 0,
    done: ImportSummary | None = None,
    on_batch: BatchHook | None = None,
    on_progress: ProgressHook | None = None,
) -> ImportSummary:
    """Import `source` (its header not yet read); return the totals.

    `skip` rows are passed over and `done` holds their totals (resuming). Raises InvalidInput
    when the file cannot be imported at all (header, columns that cannot be fields).
    """
    started = time.perf_counter()
    source.read_header()
    try:
        target = await retrying(units, lambda uow: prepare_import(uow, ctx, source.header, options))
    except InvalidInput as exc:
        raise _in_header(exc, source.header) from exc
    loop = asyncio.get_running_loop()
    totals = replace(done) if done is not None else ImportSummary()
    rows_done = skip
    pending: deque[
        tuple[asyncio.Future[tuple[list[CleanRow], list[RowError]]], list[RawRow], list[RowError]]
    ] = deque()
    batches = source.batches(batch_size, skip)

    async def fill() -> None:
        while len(pending) < max(1, ahead):
            try:
                batch, unreadable = next(batches)
            except StopIteration:
                return
            if options.format is ImportFormat.NDJSON:
                await _define_new_keys(units, batch, target, unreadable)
            args = (batch, target.fields_by_column, target.default_region)
            future: asyncio.Future[tuple[list[CleanRow], list[RowError]]]
            if executor is None:
                future = loop.create_future()
                future.set_result(clean_batch(*args))
            else:
                future = asyncio.wrap_future(executor.submit(clean_batch, *args))
            pending.append((future, batch, unreadable))

    await fill()
    batches_done = 0
    while pending:
        future, batch, unreadable = pending.popleft()
        await fill()  # keep the workers busy while this batch is written
        rows, refused = await future
        for attempt in range(RACE_RETRIES):
            try:
                async with units() as uow:
                    summary, clashes = await write_batch(uow, ctx, rows, target, options)
                    batch_errors = [*unreadable, *refused, *clashes]
                    summary.rows = len(batch)
                    summary.rejected = len(batch_errors)
                    after = replace(totals)
                    after.add(summary)
                    progress = Progress(
                        after, rows_done + len(batch), batch[-1][0], source.position, source.size
                    )
                    if on_batch is not None:
                        await on_batch(uow, progress)
                    # Before the commit: a stop after it must not lose the batch's refused
                    # rows (a resume starts after it). A stop before it leaves rows past the
                    # committed line, which a resume drops and writes again.
                    if errors is not None:
                        errors.write(batch_errors)
                break
            except (RowsRaced, Busy):
                # Another writer took a unique value or collided with the batch: the batch's
                # transaction rolled back whole (errors file included: it is written last).
                if attempt == RACE_RETRIES - 1:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
        totals, rows_done = after, rows_done + len(batch)
        batches_done += 1
        if batches_done & (batches_done - 1) == 0:  # after batches 1, 2, 4, 8, …
            async with units() as uow:
                await refresh_statistics(uow, ctx)
        if on_progress is not None:
            on_progress(progress)
    totals.seconds = time.perf_counter() - started
    return totals


def _in_header(exc: InvalidInput, header: list[str]) -> InvalidInput:
    """Problems with columns, as problems of the header: the file's line and column."""
    return InvalidInput(
        Problem(
            "header",
            p.code,
            f"Line 1, column {header.index(p.field) + 1} ({p.field}): {p.message}",
            p.value,
        )
        if p.field in header
        else p
        for p in exc.problems
    )


async def _define_new_keys(
    units: UnitFactory, batch: list[RawRow], target: ImportTarget, unreadable: list[RowError]
) -> None:
    """NDJSON has no header: custom keys are defined as the batches that bring them are read.

    A key that cannot be a field is refused on the rows that carry it.
    """
    keys = list(dict.fromkeys(key for _, raw in batch if raw for key in raw))  # file order
    if not set(keys) - target.fields_by_column.keys():
        return
    bad = {
        key: problems[0].message
        for key in custom_columns(keys)
        if key not in target.fields_by_column and (problems := column_key(key)[1])
    }
    good = [key for key in keys if key not in bad]
    await retrying(units, lambda uow: define_columns(uow, good, target))
    for index, (line, raw) in enumerate(batch):
        if raw and bad.keys() & raw.keys():
            key = sorted(bad.keys() & raw.keys())[0]
            name = f"{CUSTOM_FIELDS}.{key}"
            unreadable.append(RowError(line, name, f"{name}: {bad[key]}", object_of(raw)))
            batch[index] = (line, None)
