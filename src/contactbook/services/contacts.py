"""Contact use cases: create, read, change, delete, list, look up."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from contactbook.domain.clock import utcnow
from contactbook.domain.contacts import Contact, ContactInput, Unset, clean_plain_fields
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import (
    ContactNotFound,
    DuplicateContact,
    InvalidInput,
    Problem,
    ProblemCode,
)
from contactbook.domain.fields import Scalar, coerce_value
from contactbook.domain.free_json import check_object
from contactbook.domain.lists import MAX_LISTS_PER_CONTACT
from contactbook.domain.paging import Page
from contactbook.domain.phones import normalise_phone
from contactbook.domain.preconditions import VersionCondition, check_condition
from contactbook.domain.queries import (
    IDENTIFIERS,
    All,
    AnyOf,
    Condition,
    ContactQuery,
    CustomField,
    Expr,
    Not,
    Op,
    SortKey,
    Visibility,
    check_query,
    is_visible,
)
from contactbook.domain.tags import TagInput
from contactbook.domain.text import check_text
from contactbook.services.custom_values import apply_values, resolve_field, typed_values
from contactbook.services.phone_matching import match_phones
from contactbook.services.recording import record_created, track
from contactbook.services.tags import clean_tags
from contactbook.services.trash import trash_contacts
from contactbook.storage.repositories.contacts import DEFAULT_INCLUDE
from contactbook.storage.uow import UnitOfWork

LOOKUP_COLUMNS = IDENTIFIERS  # each is unique within an account


async def get_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    include: frozenset[str] = DEFAULT_INCLUDE,
    *,
    visibility: Visibility = Visibility.ALL,
) -> Contact:
    """Raises: ContactNotFound (another account's id, or a contact `visibility` hides, looks
    the same)."""
    ctx.require(KeyScope.READ)
    return _shown(await uow.contacts.get(contact_id, include), visibility)


async def find_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    column: str,
    value: str,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """The contact whose phone, email or external id is `value` (normalised first).

    Raises: ContactNotFound, InvalidInput (bad phone or email).
    """
    ctx.require(KeyScope.READ)
    if column not in LOOKUP_COLUMNS:
        raise ValueError(column)
    key = check_text(value, column).strip()
    if column == "phone":
        key = normalise_phone(key, ctx.default_region).e164
    elif column == "email":
        key = key.lower()
    contact = await uow.contacts.find(column, key, include)
    if contact is None:
        raise ContactNotFound(value)
    return contact


async def create_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    data: ContactInput,
    *,
    define_missing_fields: bool = False,
    include: frozenset[str] = DEFAULT_INCLUDE,
) -> Contact:
    """Create a contact from `data` (attributes not given take their defaults).

    Raises: InvalidInput (every problem at once, each naming its field), DuplicateContact.
    """
    ctx.require(KeyScope.WRITE)
    plain = _Plain(data, ctx)
    await uow.hold_phones([plain.phone])
    prepared = await _prepare(uow, ctx, data, None, define_missing_fields, plain)
    conflicts = await uow.contacts.conflicts(prepared.values)
    if conflicts:
        raise DuplicateContact(list(conflicts), next(iter(conflicts.values())))
    now = utcnow()
    custom = apply_values({}, prepared.custom or {}, replace=True)
    contact_id = await uow.contacts.insert(prepared.values, custom, now)
    if prepared.lists:
        await uow.lists.add_members(prepared.lists, [contact_id])
    if prepared.tags:
        tags = await uow.tags.ensure(prepared.tags, now)
        await uow.tags.replace_on_contact(contact_id, [tag.id for tag in tags])
    await record_created(uow, ctx, [contact_id])
    return await uow.contacts.get(contact_id, include)


async def update_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    data: ContactInput,
    *,
    condition: VersionCondition | None = None,
    define_missing_fields: bool = False,
    include: frozenset[str] = DEFAULT_INCLUDE,
    visibility: Visibility = Visibility.ALL,
    detail: Mapping[str, Any] | None = None,
) -> Contact:
    """Change the attributes given in `data`; explicit None clears.

    For a full replace (PUT) the caller gives every attribute its API can represent. The
    contact is locked before it is read, so merges (custom values, additional attributes,
    tags, lists) build on the last committed state and concurrent changes are never lost;
    `condition` (If-Match) is checked against that locked version. `detail` goes into the
    write's change record (a revert says which version it went back to).

    A contact `visibility` hides is not found, and stays as it is.

    Raises: ContactNotFound, PreconditionFailed, InvalidInput, DuplicateContact.
    """
    ctx.require(KeyScope.WRITE)
    plain = _Plain(data, ctx)
    await uow.hold_phones([plain.phone])
    current = _shown(await uow.contacts.get(contact_id, frozenset(), lock=True), visibility)
    check_condition(condition, current.version)
    tracking = await track(uow, ctx, [contact_id])
    expected_version = None if condition is None else current.version
    await _write(uow, ctx, current, data, plain, define_missing_fields, expected_version)
    # Records what changed, and moves the version of a contact whose relations alone did.
    await tracking.finish(detail=detail)
    return await uow.contacts.get(contact_id, include)


async def write_locked(
    uow: UnitOfWork, ctx: RequestContext, current: Contact, data: ContactInput
) -> None:
    """Write `data` to `current` as `update_contact` does, without recording it: for services
    whose one write changes more than this contact and that record it as a whole (a merge,
    an undo). The caller has held the phone bucket of any phone `data` gives, locked the
    contact (`current` is its locked read) and begun tracking it.

    Raises: InvalidInput, DuplicateContact.
    """
    await _write(uow, ctx, current, data, _Plain(data, ctx), False, None)


async def _write(
    uow: UnitOfWork,
    ctx: RequestContext,
    current: Contact,
    data: ContactInput,
    plain: _Plain,
    define_missing_fields: bool,
    expected_version: int | None,
) -> None:
    contact_id = current.id
    prepared = await _prepare(uow, ctx, data, current, define_missing_fields, plain)
    conflicts = await uow.contacts.conflicts(prepared.values, exclude_id=contact_id)
    if conflicts:
        raise DuplicateContact(list(conflicts), next(iter(conflicts.values())))
    now = utcnow()
    custom = None
    if prepared.custom is not None:
        stored = {str(item.field.id): item.value for item in current.custom}
        custom = apply_values(stored, prepared.custom, replace=data.custom_mode == "replace")
    # A write that changes no stored value changes nothing: no version, no updated_at.
    await uow.contacts.update(current, prepared.values, custom, now, expected_version)
    if prepared.lists is not None:
        await uow.lists.replace_for_contact(contact_id, prepared.lists)
    if prepared.tags is not None:
        tags = await uow.tags.ensure(prepared.tags, now)
        await uow.tags.replace_on_contact(contact_id, [tag.id for tag in tags])


async def delete_contact(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_id: int,
    *,
    condition: VersionCondition | None = None,
    visibility: Visibility = Visibility.ALL,
) -> None:
    """Move the contact to the trash (see `services.trash`). A contact `visibility` hides is
    not found, and stays.

    Raises: ContactNotFound, PreconditionFailed."""
    ctx.require(KeyScope.WRITE)
    if condition is not None or visibility is not Visibility.ALL:
        current = _shown(await uow.contacts.get(contact_id, frozenset(), lock=True), visibility)
        check_condition(condition, current.version)
    if not await trash_contacts(uow, ctx, [contact_id]):
        raise ContactNotFound(contact_id)


async def delete_contacts(
    uow: UnitOfWork,
    ctx: RequestContext,
    contact_ids: Sequence[int] = (),
    list_ids: Sequence[int] = (),
) -> int:
    """Move the given contacts and every member of the given lists to the trash; return how
    many went.

    Ids of other accounts or of nothing are skipped.
    """
    ctx.require(KeyScope.WRITE)
    doomed = list(contact_ids)
    if list_ids:
        members = ContactQuery(where=Condition("lists", Op.IN, tuple(list_ids)))
        doomed += await uow.contacts.ids_of(uow.contacts.select_ids(members))
    return len(await trash_contacts(uow, ctx, doomed))


async def list_contacts(uow: UnitOfWork, ctx: RequestContext, query: ContactQuery) -> Page[Contact]:
    """One page of contacts; `total` when the query asks for it.

    Totals of unfiltered listings and of one list come from maintained counters; only filtered
    totals are counted.

    Raises: InvalidInput (a condition names an unknown custom field or has a bad value).
    """
    ctx.require(KeyScope.READ)
    query = await resolve_query(uow, ctx, query)
    # An unfiltered total comes from the account's counters, read in the page's own statement.
    unfiltered = query.with_total and query.where is None
    items, more, totals = await uow.contacts.page(query, account_totals=unfiltered)
    if totals is not None:
        total: int | None = _by_visibility(totals, query.visibility)
    else:
        total = await _total(uow, ctx, query) if query.with_total else None
    after = uow.contacts.sort_values(items[-1], query) if more and items else None
    return Page(items, total, more, after)


async def count_contacts(uow: UnitOfWork, ctx: RequestContext, query: ContactQuery) -> int:
    """Matches of `query` across pages."""
    ctx.require(KeyScope.READ)
    return await _total(uow, ctx, await resolve_query(uow, ctx, query))


async def resolve_query(uow: UnitOfWork, ctx: RequestContext, query: ContactQuery) -> ContactQuery:
    """Bind custom field references in conditions and sort keys to their definitions, type
    the values compared with them, and put phone values in the stored form."""
    check_query(query.where)
    where = match_phones(query.where, ctx.default_region)
    where = await _resolve_expr(uow, where) if where is not None else None
    sort = []
    for key in query.sort:
        if isinstance(key.target, CustomField):
            definition = await resolve_field(uow, key.target.ref, path="sort")
            key = SortKey(CustomField(key.target.ref, definition), key.descending,
                          key.nulls_last, key.ci)  # fmt: skip
        sort.append(key)
    return replace(query, where=where, sort=tuple(sort))


async def _resolve_expr(uow: UnitOfWork, node: Expr) -> Expr:
    if isinstance(node, All):
        return All(tuple([await _resolve_expr(uow, item) for item in node.items]))
    if isinstance(node, AnyOf):
        return AnyOf(tuple([await _resolve_expr(uow, item) for item in node.items]))
    if isinstance(node, Not):
        return Not(await _resolve_expr(uow, node.item))
    if not isinstance(node.target, CustomField) or node.target.definition is not None:
        return node
    definition = await resolve_field(uow, node.target.ref)
    value = node.value
    if node.op not in (Op.PRESENT, Op.ABSENT, Op.CONTAINS, Op.NOT_CONTAINS, Op.STARTS_WITH):
        path = f"custom_fields.{node.target.ref}"
        if isinstance(value, list | tuple):
            value = tuple(coerce_value(definition, v, path) for v in value)
        elif value is not None:
            value = coerce_value(definition, value, path)
    return Condition(CustomField(node.target.ref, definition), node.op, value, node.ci)


async def _total(uow: UnitOfWork, ctx: RequestContext, query: ContactQuery) -> int:
    if query.where is None:
        return _by_visibility(await uow.accounts.totals(ctx.account_id), query.visibility)
    single_list = _single_list(query.where)
    if single_list is not None and query.visibility is Visibility.ALL:
        return (await uow.lists.get(single_list)).items
    if single_list is not None and query.visibility is Visibility.WITH_PHONE:
        return await uow.lists.members_with_phone(single_list)
    return await uow.contacts.count(query)


def _shown(contact: Contact, visibility: Visibility) -> Contact:
    """`contact`, if a dialect showing only `visibility` can represent it.

    Raises: ContactNotFound (a hidden contact looks like a missing one on every method).
    """
    if not is_visible(visibility, contact.phone, contact.email, contact.external_id):
        raise ContactNotFound(contact.id)
    return contact


def _by_visibility(totals: tuple[int, int, int], visibility: Visibility) -> int:
    everyone, with_phone, resolved = totals
    return {Visibility.ALL: everyone, Visibility.WITH_PHONE: with_phone,
            Visibility.RESOLVED: resolved}[visibility]  # fmt: skip


def _single_list(node: Expr) -> int | None:
    if isinstance(node, Condition) and node.target == "lists":
        values = node.value if isinstance(node.value, tuple | list) else (node.value,)
        if node.op in (Op.EQ, Op.IN) and len(values) == 1:
            return int(str(values[0]))
    return None


# --- preparing input --------------------------------------------------------------------------


def given_phones(ctx: RequestContext, inputs: Sequence[ContactInput]) -> list[str | None]:
    """The phones the inputs would give their contacts, normalised (invalid ones left out:
    they are reported when each input is cleaned)."""
    return [_Plain(data, ctx).phone for data in inputs]


class _Plain:
    """The plain fields of an input, cleaned once: the phone is needed before the contact is
    locked (its bucket comes first in the lock order), the rest after."""

    __slots__ = ("phone", "problems", "values")

    def __init__(self, data: ContactInput, ctx: RequestContext) -> None:
        self.problems: list[Problem] = []
        try:
            self.values = clean_plain_fields(data, ctx.default_region)
        except InvalidInput as exc:
            self.values = {}
            self.problems = list(exc.problems)
        phone = self.values.get("phone")
        self.phone = str(phone) if phone is not None else None


class _Prepared:
    __slots__ = ("custom", "lists", "tags", "values")

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.custom: dict[str, Scalar | None] | None = None
        self.lists: list[int] | None = None
        self.tags: list[TagInput] | None = None


async def _prepare(
    uow: UnitOfWork,
    ctx: RequestContext,
    data: ContactInput,
    current: Contact | None,
    define_missing_fields: bool,
    plain: _Plain,
) -> _Prepared:
    """Clean every part of `data`, gathering all problems before raising once."""
    prepared = _Prepared()
    problems: list[Problem] = list(plain.problems)
    prepared.values = dict(plain.values)
    if not isinstance(data.additional_attributes, Unset):
        given = dict(data.additional_attributes or {})
        replace_all = data.additional_mode == "replace" or current is None
        merged = {} if replace_all else dict(current.additional_attributes)  # type: ignore[union-attr]
        for key, value in given.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        try:
            prepared.values["additional_attributes"] = check_object(merged, "additional_attributes")
        except InvalidInput as exc:
            problems.extend(exc.problems)
    if not isinstance(data.custom, Unset):
        prepared.custom = dict(
            await typed_values(
                uow, data.custom, define_missing=define_missing_fields, problems=problems
            )
        )
    if not isinstance(data.lists, Unset):
        prepared.lists = await _check_lists(uow, list(data.lists or ()), problems)
    if not isinstance(data.tags, Unset):
        try:
            prepared.tags = clean_tags(list(data.tags or ()))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    phone = prepared.values.get("phone")
    changes_phone = phone is not None and (current is None or phone != current.phone)
    if (
        ctx.test_mode
        and changes_phone
        and not await uow.accounts.is_verified(ctx.account_id, str(phone))
    ):
        problems.append(
            Problem(
                "phone",
                ProblemCode.PHONE_NOT_VERIFIED,
                "A test account may only use verified phone numbers.",
                phone,
            )
        )
    if problems:
        raise InvalidInput(problems)
    return prepared


async def _check_lists(uow: UnitOfWork, list_ids: list[int], problems: list[Problem]) -> list[int]:
    wanted = list(dict.fromkeys(list_ids))
    if len(wanted) > MAX_LISTS_PER_CONTACT:
        problems.append(
            Problem(
                "lists",
                ProblemCode.TOO_MANY,
                f"A contact can be in at most {MAX_LISTS_PER_CONTACT} lists.",
            )
        )
        return wanted
    # Held: a list cannot be deleted between this check and the membership written.
    existing = await uow.lists.existing_ids(wanted, hold=True)
    problems.extend(
        Problem(f"lists.{index}", ProblemCode.UNKNOWN_LIST, f"No list {list_id}.", list_id)
        for index, list_id in enumerate(wanted)
        if list_id not in existing
    )
    return wanted
