"""Merging contacts: the base wins, the mergee fills its gaps and goes, its lists, identities and
events move over, and every counter stays equal to what a COUNT would say."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from contactbook.domain.contacts import Contact, ContactInput
from contactbook.domain.errors import ContactNotFound
from contactbook.domain.lists import ListInput
from contactbook.domain.stoplist import Channel
from contactbook.domain.tags import TagInput
from contactbook.services import contacts, events, inboxes, lists, merges, stoplist
from contactbook.storage.uow import UnitOfWork
from tests.storage.test_counters import check
from tests.support.factories import Tenant


def test_merge_moves_everything_and_keeps_counters_right(tenant: Tenant) -> None:
    ctx = tenant.ctx

    async def setup(uow: UnitOfWork) -> tuple[list[int], int, int, int]:
        a = await lists.create_list(uow, ctx, ListInput("Alpha"))
        b = await lists.create_list(uow, ctx, ListInput("Beta"))
        await stoplist.stop_phones(uow, ctx, ["+447700900123"], frozenset({Channel.SMS}))
        inbox = await inboxes.create_inbox(uow, ctx, "Site")
        base = await contacts.create_contact(
            uow,
            ctx,
            ContactInput(
                email="base@example.com",
                name="Base",
                lists=[a.id],
                tags=[TagInput("kept")],
                additional_attributes={"a": {"x": 1, "y": ""}},
                custom={"plan": "gold"},
            ),
            define_missing_fields=True,
        )
        mergee = await contacts.create_contact(
            uow,
            ctx,
            ContactInput(
                phone="+447700900123",
                email="other@example.com",
                name="Other",
                external_id="ext-9",
                company="ACME",
                blocked=True,
                lists=[a.id, b.id],
                tags=[TagInput("dropped")],
                last_seen=datetime(2024, 1, 1, tzinfo=UTC),
                additional_attributes={"a": {"x": 2, "y": 3, "z": 4}, "b": 5},
                custom={"plan": "silver", "seats": 4},
            ),
            define_missing_fields=True,
        )
        await inboxes.add_contact_identity(uow, ctx, mergee.id, inbox.id, "src-1")
        await events.record_event(uow, ctx, mergee.id, "signed_up")
        return [a.id, b.id], base.id, mergee.id, inbox.id

    list_ids, base_id, mergee_id, inbox_id = tenant.unit(setup)
    check(tenant, list_ids)

    everything = frozenset({"lists", "tags", "inboxes"})
    merged: Contact = tenant.unit(
        lambda uow: merges.merge_contacts(uow, ctx, base_id, mergee_id, everything)
    )
    check(tenant, list_ids)
    assert merged.id == base_id
    assert (merged.name, merged.email, merged.phone, merged.external_id, merged.company) == (
        "Base",
        "base@example.com",
        "+447700900123",
        "ext-9",
        "ACME",
    )
    assert merged.blocked is False
    assert merged.last_seen == datetime(2024, 1, 1, tzinfo=UTC)
    assert merged.additional_attributes == {"a": {"x": 1, "y": 3, "z": 4}, "b": 5}
    assert merged.custom_by_key() == {"plan": "gold", "seats": 4}
    assert [tag.name for tag in merged.tags] == ["kept"]
    assert sorted(item.id for item in merged.lists) == sorted(list_ids)
    assert [(i.inbox.id, i.source_id) for i in merged.inboxes] == [(inbox_id, "src-1")]

    async def after(uow: UnitOfWork) -> tuple[list[str], int, int]:
        with pytest.raises(ContactNotFound):
            await contacts.get_contact(uow, ctx, mergee_id)
        moved = [event.name for event in await events.list_events(uow, ctx, base_id)]
        alpha = await uow.lists.get(list_ids[0])
        beta = await uow.lists.get(list_ids[1])
        return moved, alpha.items, beta.stop_list_count

    assert tenant.unit(after, write=False) == (["signed_up"], 1, 1)


def test_merging_a_contact_with_itself_or_a_missing_one(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    ctx = tenant.ctx
    made = tenant.unit(lambda uow: contacts.create_contact(uow, ctx, ContactInput(name="Solo")))
    same = tenant.unit(lambda uow: merges.merge_contacts(uow, ctx, made.id, made.id))
    assert same.id == made.id and same.version == made.version
    theirs = other_tenant.unit(
        lambda uow: contacts.create_contact(uow, other_tenant.ctx, ContactInput(name="Theirs"))
    )
    for base, mergee in ((made.id, theirs.id), (theirs.id, made.id), (made.id, 987654321)):
        with pytest.raises(ContactNotFound):
            tenant.unit(partial(merges.merge_contacts, ctx=ctx, base_id=base, mergee_id=mergee))
    assert other_tenant.native.get(f"/contacts/{theirs.id}").json()["name"] == "Theirs"
    check(tenant, [])
