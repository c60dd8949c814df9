"""The trash's races, made to happen in a set order: two units of work of the live server's
database, the second started while the first is still open."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from contactbook.domain.contacts import Contact, ContactInput
from contactbook.domain.errors import DuplicateContact
from contactbook.services import contacts, integrity, lists, tags, trash
from tests.support.factories import Tenant, make_contact, make_list

# Long enough for the second unit to reach the statement that waits for the first.
HOLD_SECONDS = 0.3


def test_a_create_committing_while_a_restore_waits_for_its_email_makes_a_409(
    tenant: Tenant,
) -> None:
    """The restore finds the email free, then its insert waits for a create of the same email
    and fails when that commits: a unique violation, which aborts a PostgreSQL transaction.
    The restore answers the conflict naming the field and the holder, and changes nothing."""
    mark = uuid.uuid4().hex[:10]
    group = make_list(tenant.native, name=f"Waited {mark}")
    email = f"w-{mark}@example.com"
    made = make_contact(tenant.native, email=email, phone="+447700900321", lists=[group])
    assert tenant.native.delete(f"/contacts/{made['id']}").status_code == 204
    db = tenant.server.db
    assert db is not None
    ctx = tenant.ctx

    async def race() -> tuple[Contact, BaseException | Contact]:
        opened = asyncio.Event()

        async def create() -> Contact:
            async with db.unit(ctx) as uow:
                created = await contacts.create_contact(uow, ctx, ContactInput(email=email))
                opened.set()
                await asyncio.sleep(HOLD_SECONDS)
            return created

        async def restore() -> Contact:
            await opened.wait()
            async with db.unit(ctx) as uow:
                return await trash.restore_contact(uow, ctx, made["id"])

        created, restored = await asyncio.gather(create(), restore(), return_exceptions=True)
        assert isinstance(created, Contact), created
        return created, restored

    created, restored = tenant.server.call(race)
    assert isinstance(restored, DuplicateContact), restored
    assert restored.fields == ("email",) and restored.existing_id == created.id
    # Nothing changed: still in the trash, the list and the account count only the new one.
    assert made["id"] in [i["id"] for i in tenant.native.get("/trash").json()["items"]]
    assert tenant.native.get(f"/lists/{group}").json()["items"] == 0
    assert tenant.native.get("/account").json()["contacts"] == 1
    answer = tenant.native.post(f"/trash/{made['id']}/restore")
    assert answer.status_code == 409 and answer.json()["existing_id"] == created.id

    async def clean(uow: object) -> bool:
        return (await integrity.check_account(uow, tenant.account_id)).clean  # type: ignore[arg-type]

    assert tenant.unit(clean, write=False)


@pytest.mark.parametrize("first", ["delete", "update"])
def test_a_delete_and_an_update_of_one_contact_in_either_order(tenant: Tenant, first: str) -> None:
    """Update first: the delete waits for it and files the updated contact. Delete first: the
    update waits for it and finds no contact."""
    made = make_contact(tenant.native, name="Before", phone="+447700900654")
    db = tenant.server.db
    assert db is not None
    ctx = tenant.ctx

    async def race() -> tuple[object, object]:
        opened = asyncio.Event()

        async def delete() -> None:
            if first != "delete":
                await opened.wait()
            async with db.unit(ctx) as uow:
                await contacts.delete_contact(uow, ctx, made["id"])
                if first == "delete":
                    opened.set()
                    await asyncio.sleep(HOLD_SECONDS)

        async def update() -> Contact:
            if first != "update":
                await opened.wait()
            async with db.unit(ctx) as uow:
                changed = await contacts.update_contact(
                    uow, ctx, made["id"], ContactInput(name="After")
                )
                if first == "update":
                    opened.set()
                    await asyncio.sleep(HOLD_SECONDS)
            return changed

        done = await asyncio.gather(delete(), update(), return_exceptions=True)
        return done[0], done[1]

    deleted, updated = tenant.server.call(race)
    assert deleted is None, deleted
    listed = tenant.native.get("/trash").json()["items"]
    assert [item["id"] for item in listed] == [made["id"]]
    history = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    if first == "update":
        assert isinstance(updated, Contact), updated
        assert listed[0]["name"] == "After"
        assert [(i["action"], i["version"]) for i in history] == [
            ("deleted", 2), ("updated", 2), ("created", 1)
        ]  # fmt: skip
    else:
        assert type(updated).__name__ == "ContactNotFound", updated
        assert listed[0]["name"] == "Before"
        assert [i["action"] for i in history] == ["deleted", "created"]
    back = tenant.native.post(f"/trash/{made['id']}/restore").json()
    assert back["name"] == listed[0]["name"]


@pytest.mark.parametrize("gone", ["list", "tag"])
@pytest.mark.parametrize("first", ["restore", "removal"])
def test_a_restore_and_the_deletion_of_its_list_or_tag_in_either_order(
    tenant: Tenant, first: str, gone: str
) -> None:
    """Whichever commits first, the contact comes back without the list or the tag that is
    gone, the lists' counters are exact, and neither write fails."""
    mark = uuid.uuid4().hex[:10]
    doomed, kept = (
        make_list(tenant.native, name=f"Doomed {mark}"),
        make_list(tenant.native, name=f"Kept {mark}"),
    )
    made = make_contact(tenant.native, phone="+447700900987", tags=[f"gone{mark}", "kept"],
                        lists=[doomed, kept])  # fmt: skip
    assert tenant.native.delete(f"/contacts/{made['id']}").status_code == 204
    db = tenant.server.db
    assert db is not None
    ctx = tenant.ctx

    async def race() -> list[object]:
        opened = asyncio.Event()

        async def restore() -> Contact:
            if first != "restore":
                await opened.wait()
            async with db.unit(ctx) as uow:
                back = await trash.restore_contact(uow, ctx, made["id"])
                if first == "restore":
                    opened.set()
                    await asyncio.sleep(HOLD_SECONDS)
            return back

        async def removal() -> None:
            if first != "removal":
                await opened.wait()
            async with db.unit(ctx) as uow:
                if gone == "tag":
                    await tags.delete_tag(uow, ctx, f"gone{mark}")
                else:
                    await lists.delete_list(uow, ctx, doomed)
                if first == "removal":
                    opened.set()
                    await asyncio.sleep(HOLD_SECONDS)

        return list(await asyncio.gather(restore(), removal(), return_exceptions=True))

    restored, removed = tenant.server.call(race)
    assert isinstance(restored, Contact), restored
    assert removed is None, removed
    live = tenant.native.get(f"/contacts/{made['id']}").json()
    if gone == "tag":
        assert (live["tags"], live["lists"]) == (["kept"], [doomed, kept])
    else:
        assert (live["tags"], live["lists"]) == ([f"gone{mark}", "kept"], [kept])
    assert tenant.native.get(f"/lists/{kept}").json()["items"] == 1

    async def clean(uow: object) -> bool:
        return (await integrity.check_account(uow, tenant.account_id)).clean  # type: ignore[arg-type]

    assert tenant.unit(clean, write=False)
