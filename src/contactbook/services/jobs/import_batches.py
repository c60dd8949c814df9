"""Bulk import use cases: prepare an account for a file, then write it batch by batch.

Each batch is one unit of work: it commits whole or not at all, so an import interrupted between
batches leaves exactly the batches before it, and can resume after them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from contactbook.domain.clock import utcnow
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
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
    ctx.require(KeyScope.WRITE)
    target = ImportTarget({}, ctx.default_region)
    await define_columns(uow, header, target)
    if options.list_name:
        try:
            clean_list_text(options.list_name, None)
        except InvalidInput as exc:  # the option, not a row: named as the option
            raise InvalidInput(replace(p, field="list") for p in exc.problems) from exc
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
    mapped: dict[str, FieldDefinition] = {}
    new: dict[str, list[str]] = {}
    for column in wanted:
        found = by_key.get(column) or by_name.get(column.casefold())
        if found is not None:
            mapped[column] = found
            continue
        key, key_problems = column_key(column)
        if key_problems:
            problems.extend(key_problems)
            continue
        new.setdefault(key, []).append(column)
    # In key order, so two imports defining the same fields wait for each other instead of
    # deadlocking; a field another writer defined meanwhile is taken as it is.
    for key in sorted(new):
        columns_of_key = new[key]
        found = await uow.fields.add_or_get(
            FieldDefinition(
                id=0, key=key, name=columns_of_key[0], type=FieldType.TEXT, implicit=True,
                created_at=now, updated_at=now,
            )
        )  # fmt: skip
        for column in columns_of_key:
            mapped[column] = found
    uow.forget_catalog()
    if problems:
        raise InvalidInput(problems)
    # Only once everything is stored: a unit that rolls back (and runs again) leaves no
    # mapping to a field that does not exist.
    target.fields_by_column.update(mapped)


def column_key(column: str) -> tuple[str, list[Problem]]:
    """The field key a custom column gets (its own name, else its slug), and what is wrong
    with it if it cannot be one."""
    key = column if not check_key(column) else slugify_key(column)
    return key, check_key(key, column)


async def _list_by_name(uow: UnitOfWork, name: str, target: ImportTarget) -> int:
    if name in target.lists_by_name:
        return target.lists_by_name[name]
    clean, _ = clean_list_text(name, None)
    assert clean is not None
    target.lists_by_name[name] = await uow.lists.find_or_add(clean, utcnow())
    return target.lists_by_name[name]


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
    ctx.require(KeyScope.WRITE)
    bulk = uow.bulk
    rows, unknown = await _refuse_unknown_lists(uow, rows)
    # The lock order: the buckets of the phones the rows give, then the stored contacts they
    # match (ascending id), read again once locked: the plan and the counters build on those.
    await uow.hold_phones(str(r.values["phone"]) for r in rows if r.values.get("phone"))
    matched = await bulk.match(
        [r.id for r in rows if r.id is not None],
        [str(r.values["phone"]) for r in rows if r.values.get("phone")],
        [str(r.values["email"]) for r in rows if r.values.get("email")],
        [str(r.values["external_id"]) for r in rows if r.values.get("external_id")],
    )
    existing = await bulk.lock([contact.id for contact in matched])
    plan = plan_batch(rows, existing, options.on_conflict)
    await _write(uow, bulk, plan, target)
    refused = [*unknown, *plan.errors]
    summary = ImportSummary(
        created=plan.created,
        updated=plan.updated,
        skipped=plan.skipped,
        rejected=len(refused),
    )
    return summary, refused


async def _refuse_unknown_lists(
    uow: UnitOfWork, rows: Sequence[CleanRow]
) -> tuple[list[CleanRow], list[RowError]]:
    """The rows whose list ids all name lists of the account, and the refusals of the others
    (another account's list answers like a missing one), as the contacts API refuses them."""
    wanted = {ref for row in rows for ref in row.lists if isinstance(ref, int)}
    if not wanted:
        return list(rows), []
    known = await uow.lists.existing_ids(wanted)
    kept: list[CleanRow] = []
    refused: list[RowError] = []
    for row in rows:
        missing = [ref for ref in row.lists if isinstance(ref, int) and ref not in known]
        if missing:
            problems = [Problem("lists", ProblemCode.UNKNOWN_LIST, f"No list {ref}.", ref)
                        for ref in missing]  # fmt: skip
            refused.append(RowError.refusing(row.line, InvalidInput(problems), {}))
        else:
            kept.append(row)
    return kept, refused


async def _write(
    uow: UnitOfWork, bulk: BulkContactRepository, plan: BatchPlan, target: ImportTarget
) -> None:
    now = utcnow()
    new = [e for e in plan.entries if e.contact_id is None]
    changed = [e for e in plan.entries if e.contact_id is not None]
    ids = await bulk.insert([(e.row.values, e.row.custom) for e in new], now)
    for entry, contact_id in zip(new, ids, strict=True):
        entry.contact_id = contact_id
    versions = {e.before.id: e.before.version for e in changed if e.before is not None}
    written = await bulk.update(
        [(e.contact_id, e.row.values, e.row.custom) for e in changed],  # type: ignore[misc]
        now,
        versions,
    )
    for entry in changed:
        # The counters move by what the update wrote against what was locked before it.
        assert entry.before is not None
        assert entry.contact_id is not None
        after = written.get(entry.contact_id, entry.before)
        await bulk.count_written(entry.contact_id, entry.before, after)
    related = await _tags(uow, bulk, new, changed)
    related |= await _lists(uow, bulk, plan.entries, target)
    # A stored contact that only gained a tag or a list still changed: its version moves once.
    await uow.contacts.touch(sorted((related & set(versions)) - set(written)), now)


async def _tags(
    uow: UnitOfWork,
    bulk: BulkContactRepository,
    new: Sequence[Entry],
    changed: Sequence[Entry],
) -> set[int]:
    """Add the rows' tags; return the contacts that got one."""
    names = list(dict.fromkeys(name for e in (*new, *changed) for name in e.row.tags))
    if not names:
        return set()
    stored = await uow.tags.ensure([TagInput(name) for name in names], utcnow())
    by_name = {tag.name.casefold(): tag.id for tag in stored}
    tagged: set[int] = set()
    for entries, start in ((new, 0), (changed, APPENDED_TAG_POSITION)):
        wanted = {
            e.contact_id: [by_name[n.casefold()] for n in e.row.tags]
            for e in entries
            if e.row.tags and e.contact_id is not None
        }
        tagged |= await bulk.add_tags(wanted, start)
    return tagged


async def _lists(
    uow: UnitOfWork, bulk: BulkContactRepository, entries: Sequence[Entry], target: ImportTarget
) -> set[int]:
    """Add the rows' memberships; return the contacts that joined a list."""
    members: dict[int, list[int]] = {}
    for entry in entries:
        assert entry.contact_id is not None
        wanted = [target.list_id] if target.list_id is not None else []
        for ref in entry.row.lists:
            if isinstance(ref, int):  # known: rows naming another list were refused
                wanted.append(ref)
            else:
                wanted.append(await _list_by_name(uow, ref, target))
        for list_id in dict.fromkeys(wanted):
            members.setdefault(list_id, []).append(entry.contact_id)
    return await bulk.add_to_lists(members)


async def refresh_statistics(uow: UnitOfWork, ctx: RequestContext) -> None:
    """After a bulk load: let the database's planner see the new rows."""
    ctx.require(KeyScope.WRITE)
    await uow.bulk.refresh_statistics()
