"""Bulk import use cases: prepare an account for a file, then write it batch by batch.

Each batch is one unit of work: it commits whole or not at all, so an import interrupted between
batches leaves exactly the batches before it, and can resume after them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from contactbook.domain.clock import utcnow
from contactbook.domain.context import RequestContext, Scope
from contactbook.domain.errors import DuplicateList, InvalidInput
from contactbook.domain.fields import (
    FieldDefinition,
    FieldScope,
    FieldType,
    check_key,
    slugify_key,
)
from contactbook.domain.imports import (
    BatchPlan,
    CleanRow,
    Entry,
    ImportOptions,
    ImportSummary,
    RowError,
    custom_columns,
    plan_batch,
)
from contactbook.domain.lists import clean_list_text
from contactbook.domain.queries import Condition, Op
from contactbook.domain.tags import TagInput
from contactbook.storage.repositories.bulk import BulkContactRepository
from contactbook.storage.uow import UnitOfWork

# Tags added to an existing contact are placed after any it has (positions start here).
APPENDED_TAG_POSITION = 1000


@dataclass(slots=True)
class ImportTarget:
    """What every batch of one import needs to know about the account."""

    fields_by_column: dict[str, FieldDefinition]
    default_region: str | None
    list_id: int | None = None
    lists_by_name: dict[str, int] = field(default_factory=dict)


async def prepare_import(
    uow: UnitOfWork, ctx: RequestContext, header: Sequence[str], options: ImportOptions
) -> ImportTarget:
    """Resolve the header's custom columns to fields (defining missing ones as text) and find
    or create the target list.

    Raises: InvalidInput (a column that cannot be a field key, a bad list name), Forbidden.
    """
    ctx.require(Scope.WRITE)
    target = ImportTarget({}, ctx.default_region)
    await define_columns(uow, header, target)
    if options.list_name:
        target.list_id = await _list_by_name(uow, options.list_name, target)
    return target


async def define_columns(uow: UnitOfWork, columns: Iterable[str], target: ImportTarget) -> None:
    """Map custom columns to fields: by key, else by display name, else a new text field keyed
    by the column's slug. Columns already mapped are left alone.

    Raises: InvalidInput naming a column that cannot become a key.
    """
    wanted = [c for c in custom_columns(list(columns)) if c not in target.fields_by_column]
    if not wanted:
        return
    catalog = await uow.field_catalog()
    contact_fields = [d for d in catalog.values() if d.scope is FieldScope.CONTACT]
    by_key = {d.key: d for d in contact_fields}
    by_name = {d.name.casefold(): d for d in contact_fields}
    problems = []
    now = utcnow()
    for column in wanted:
        found = by_key.get(column) or by_name.get(column.casefold())
        if found is None:
            key = column if not check_key(column) else slugify_key(column)
            key_problems = check_key(key, column)
            if key_problems:
                problems.extend(key_problems)
                continue
            found = by_key.get(key) or await uow.fields.add(
                FieldDefinition(
                    id=0, key=key, name=column, type=FieldType.TEXT, created_at=now, updated_at=now
                )
            )
            by_key[key] = found
        target.fields_by_column[column] = found
    uow.forget_catalog()
    if problems:
        raise InvalidInput(problems)


async def _list_by_name(uow: UnitOfWork, name: str, target: ImportTarget) -> int:
    if name in target.lists_by_name:
        return target.lists_by_name[name]
    clean, _ = clean_list_text(name, None)
    assert clean is not None
    items, _total = await uow.lists.page(0, 1000)
    for item in items:
        if item.name.casefold() == clean.casefold():
            target.lists_by_name[name] = item.id
            return item.id
    try:
        made = await uow.lists.add(clean, None, False, utcnow())
    except DuplicateList:
        # A list past the first 1000: look it up by name.
        found, _ = await uow.lists.page(0, 1, [Condition("name", Op.EQ, clean)])
        target.lists_by_name[name] = found[0].id
        return found[0].id
    target.lists_by_name[name] = made.id
    return made.id


async def write_batch(
    uow: UnitOfWork,
    ctx: RequestContext,
    rows: Sequence[CleanRow],
    target: ImportTarget,
    options: ImportOptions,
) -> tuple[ImportSummary, list[RowError]]:
    """Match, plan and write one batch of clean rows.

    Raises: RowsRaced when a concurrent writer took a unique value meanwhile (retry the batch).
    """
    ctx.require(Scope.WRITE)
    bulk = BulkContactRepository(uow.conn, ctx.account_id)
    existing = await bulk.match(
        [r.id for r in rows if r.id is not None],
        [str(r.values["phone"]) for r in rows if r.values.get("phone")],
        [str(r.values["email"]) for r in rows if r.values.get("email")],
        [str(r.values["external_id"]) for r in rows if r.values.get("external_id")],
    )
    plan = plan_batch(rows, existing, options.on_conflict)
    await _write(uow, bulk, plan, target)
    summary = ImportSummary(
        created=plan.created,
        updated=plan.updated,
        skipped=plan.skipped,
        rejected=len(plan.errors),
    )
    return summary, plan.errors


async def _write(
    uow: UnitOfWork, bulk: BulkContactRepository, plan: BatchPlan, target: ImportTarget
) -> None:
    now = utcnow()
    new = [e for e in plan.entries if e.contact_id is None]
    changed = [e for e in plan.entries if e.contact_id is not None]
    ids = await bulk.insert([(e.row.values, e.row.custom) for e in new], now)
    for entry, contact_id in zip(new, ids, strict=True):
        entry.contact_id = contact_id
    await bulk.update([(e.contact_id, e.row.values, e.row.custom) for e in changed], now)  # type: ignore[misc]
    await _account_deltas(bulk, changed)
    for entry in changed:
        await _restop(uow, bulk, entry)
    await _tags(uow, bulk, new, changed)
    await _lists(uow, bulk, plan.entries, target)


async def _account_deltas(bulk: BulkContactRepository, changed: Sequence[Entry]) -> None:
    phones = resolved = 0
    for entry in changed:
        before = entry.before
        assert before is not None
        values = entry.row.values
        phone = values.get("phone", before.phone)
        email = values.get("email", before.email)
        external_id = values.get("external_id", before.external_id)
        phones += int(phone is not None) - int(before.phone is not None)
        was = before.phone or before.email or before.external_id
        resolved += int(bool(phone or email or external_id)) - int(bool(was))
    await bulk.move_account_counters(0, phones, resolved)


async def _restop(uow: UnitOfWork, bulk: BulkContactRepository, entry: Entry) -> None:
    """An update that moved a phone moves the phone and stop counts of the contact's lists
    (an import sets phones, never clears them)."""
    before = entry.before
    new_phone = entry.row.values.get("phone")
    if before is None or new_phone is None or new_phone == before.phone:
        return
    was = before.phone is not None and await uow.stoplist.is_counted(before.phone)
    now = await uow.stoplist.is_counted(str(new_phone))
    assert entry.contact_id is not None
    await bulk.shift_list_counts(
        entry.contact_id, with_phone=int(before.phone is None), stopped=int(now) - int(was)
    )


async def _tags(
    uow: UnitOfWork,
    bulk: BulkContactRepository,
    new: Sequence[Entry],
    changed: Sequence[Entry],
) -> None:
    names = list(dict.fromkeys(name for e in (*new, *changed) for name in e.row.tags))
    if not names:
        return
    stored = await uow.tags.ensure([TagInput(name) for name in names], utcnow())
    by_name = {tag.name.casefold(): tag.id for tag in stored}
    for entries, start in ((new, 0), (changed, APPENDED_TAG_POSITION)):
        wanted = {
            e.contact_id: [by_name[n.casefold()] for n in e.row.tags]
            for e in entries
            if e.row.tags and e.contact_id is not None
        }
        await bulk.add_tags(wanted, start)


async def _lists(
    uow: UnitOfWork, bulk: BulkContactRepository, entries: Sequence[Entry], target: ImportTarget
) -> None:
    members: dict[int, list[int]] = {}
    by_id = await uow.lists.existing_ids(
        {ref for entry in entries for ref in entry.row.lists if isinstance(ref, int)}
    )
    for entry in entries:
        assert entry.contact_id is not None
        wanted = [target.list_id] if target.list_id is not None else []
        for ref in entry.row.lists:
            if isinstance(ref, int):
                if ref in by_id:  # ids of other accounts' lists are ignored, like unknown ones
                    wanted.append(ref)
            else:
                wanted.append(await _list_by_name(uow, ref, target))
        for list_id in dict.fromkeys(wanted):
            members.setdefault(list_id, []).append(entry.contact_id)
    existed = {e.contact_id for e in entries if e.before is not None and e.contact_id is not None}
    await bulk.add_to_lists(members, existed)


async def refresh_statistics(uow: UnitOfWork, ctx: RequestContext) -> None:
    """After a bulk load: let the database's planner see the new rows."""
    await BulkContactRepository(uow.conn, ctx.account_id).refresh_statistics()
