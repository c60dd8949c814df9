"""Maintained counters always equal what a COUNT would say, whatever moved them."""

from __future__ import annotations

from sqlalchemy import case, func, select

from contactbook.domain.contacts import ContactInput
from contactbook.domain.lists import ListInput
from contactbook.domain.stoplist import Channel
from contactbook.services import contacts, lists, stoplist
from contactbook.storage.tables import contacts as contacts_table
from contactbook.storage.tables import list_members
from contactbook.storage.tables import stoplist as stop_table
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant
from tests.support.jobs import wait_for_job

SMS = frozenset({Channel.SMS})
RCS = frozenset({Channel.RCS})


async def _true_counts(uow: UnitOfWork, list_id: int) -> tuple[int, int, int]:
    """(members, members whose phone is stopped on SMS or Viber, members with a phone), counted
    the slow way: one pass over the list's members, their contacts and stop entries."""
    account = uow.account_id
    stopped = stop_table.c.sms | stop_table.c.viber
    members = (
        list_members.join(
            contacts_table,
            (contacts_table.c.account_id == list_members.c.account_id)
            & (contacts_table.c.id == list_members.c.contact_id),
        ).outerjoin(
            stop_table,
            (stop_table.c.account_id == contacts_table.c.account_id)
            & (stop_table.c.phone == contacts_table.c.phone),
        )
    )  # fmt: skip
    row = (
        await uow.conn.execute(
            select(
                func.count(),
                func.sum(case((stopped, 1), else_=0)),
                func.count(contacts_table.c.phone),
            )
            .select_from(members)
            .where(list_members.c.account_id == account, list_members.c.list_id == list_id)
        )
    ).one()
    return int(row[0]), int(row[1] or 0), int(row[2])


def check(tenant: Tenant, list_ids: list[int]) -> None:
    async def work(uow: UnitOfWork) -> None:
        for list_id in list_ids:
            stored = await uow.lists.get(list_id)
            with_phone = await uow.lists.members_with_phone(list_id)
            counted = (stored.items, stored.stop_list_count, with_phone)
            assert counted == await _true_counts(uow, list_id)
        total, with_phone, resolved = await uow.accounts.totals(tenant.account_id)
        rows = (
            await uow.conn.execute(
                select(
                    func.count(),
                    func.count(contacts_table.c.phone),
                    func.count(
                        func.coalesce(
                            contacts_table.c.phone, contacts_table.c.email,
                            contacts_table.c.external_id,
                        )
                    ),
                ).where(contacts_table.c.account_id == tenant.account_id)
            )
        ).one()  # fmt: skip
        assert (total, with_phone, resolved) == tuple(rows)

    tenant.unit(work, write=False)


def test_counters_follow_every_kind_of_change(tenant: Tenant) -> None:
    ctx = tenant.ctx

    async def setup(uow: UnitOfWork) -> tuple[list[int], list[int]]:
        a = await lists.create_list(uow, ctx, ListInput("Alpha"))
        b = await lists.create_list(uow, ctx, ListInput("Beta"))
        ids = []
        for n in range(6):
            made = await contacts.create_contact(
                uow, ctx, ContactInput(phone=f"+3806612345{n:02d}", lists=[a.id])
            )
            ids.append(made.id)
        for data in (ContactInput(email="nophone@example.com"), ContactInput(name="Nobody")):
            ids.append((await contacts.create_contact(uow, ctx, data)).id)
        return [a.id, b.id], ids

    list_ids, ids = tenant.unit(setup)
    check(tenant, list_ids)

    steps = [
        # phones stopped on a counted channel, one on a channel that is not counted
        lambda uow: stoplist.stop_phones(uow, ctx, ["+380661234500", "+380661234501"], SMS),
        lambda uow: stoplist.stop_phones(uow, ctx, ["+380661234502"], RCS),
        # a phone stopped with no contact yet, then a contact takes it
        lambda uow: stoplist.stop_phones(uow, ctx, ["+380661234599"], SMS),
        lambda uow: contacts.update_contact(uow, ctx, ids[2], ContactInput(phone="+380661234599")),
        # membership moves
        lambda uow: lists.attach_contacts(uow, ctx, list_ids, ids),
        lambda uow: lists.detach_contacts(uow, ctx, [list_ids[0]], ids[:2]),
        lambda uow: contacts.update_contact(uow, ctx, ids[3], ContactInput(lists=[list_ids[0]])),
        # phone moves off a stopped number; phone cleared; email added to a phoneless contact
        lambda uow: contacts.update_contact(uow, ctx, ids[0], ContactInput(phone="+380661234588")),
        lambda uow: contacts.update_contact(uow, ctx, ids[1], ContactInput(phone=None)),
        # members without a phone: joining moves no phone count, gaining and losing one does
        lambda uow: lists.attach_contacts(uow, ctx, list_ids, ids[6:]),
        lambda uow: contacts.update_contact(uow, ctx, ids[6], ContactInput(phone="+380661234577")),
        lambda uow: contacts.update_contact(uow, ctx, ids[7], ContactInput(phone="+380661234500")),
        lambda uow: contacts.update_contact(uow, ctx, ids[6], ContactInput(phone=None)),
        # stop entries released, deletes
        lambda uow: stoplist.release_phones(uow, ctx, ["+380661234599"], SMS),
        lambda uow: contacts.delete_contact(uow, ctx, ids[4]),
        lambda uow: contacts.delete_contacts(uow, ctx, [], [list_ids[0]]),
    ]
    for step in steps:
        tenant.unit(step)
        check(tenant, list_ids)


def test_deleting_a_list_keeps_its_contacts(tenant: Tenant) -> None:
    ctx = tenant.ctx

    async def work(uow: UnitOfWork) -> tuple[int, int]:
        made = await lists.create_list(uow, ctx, ListInput("Temporary"))
        data = ContactInput(phone="+447700900123", lists=[made.id])
        contact = await contacts.create_contact(uow, ctx, data)
        await lists.delete_list(uow, ctx, made.id)
        again = await contacts.get_contact(uow, ctx, contact.id)
        return len(again.lists), again.version

    assert tenant.unit(work) == (0, 2)
    check(tenant, [])


def test_imports_move_list_counters(tenant: Tenant) -> None:
    """An import that gives a member its first phone (a stopped one), updates members and
    creates new ones moves every counter of the lists involved."""
    ctx = tenant.ctx

    async def setup(uow: UnitOfWork) -> list[int]:
        imported = await lists.create_list(uow, ctx, ListInput("Imported"))
        other = await lists.create_list(uow, ctx, ListInput("Other"))
        await contacts.create_contact(
            uow, ctx, ContactInput(email="member@example.com", lists=[imported.id, other.id])
        )
        await stoplist.stop_phones(uow, ctx, ["+447700900001"], SMS)
        return [imported.id, other.id]

    list_ids = tenant.unit(setup)
    check(tenant, list_ids)
    body = b"email,phone\nmember@example.com,+447700900001\nfresh@example.com,\n,+447700900002\n"
    job = tenant.native.post(
        "/imports", content=body, params={"list": "Imported"},
        headers={"content-type": "text/csv"},
    ).json()  # fmt: skip
    done = wait_for_job(tenant.native, f"/imports/{job['id']}")
    assert done["counts"] == {"rows": 3, "created": 2, "updated": 1, "skipped": 0, "rejected": 0}
    check(tenant, list_ids)

    async def counts(uow: UnitOfWork) -> list[tuple[int, int, int]]:
        found = []
        for list_id in list_ids:
            stored = await uow.lists.get(list_id)
            with_phone = await uow.lists.members_with_phone(list_id)
            found.append((stored.items, with_phone, stored.stop_list_count))
        return found

    # Imported: the member (now with a stopped phone) and both new contacts, two with phones;
    # Other: only the member, whose phone it now counts too.
    assert tenant.unit(counts, write=False) == [(3, 2, 1), (1, 1, 1)]
