"""The trash at the service level, over a live server's database: delete, restore."""

from __future__ import annotations

from contactbook.services import trash
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant, make_contact, make_list


def test_deleted_contact_goes_to_trash_and_comes_back_whole(tenant: Tenant) -> None:
    group = make_list(tenant.native, name="Customers")
    made = make_contact(
        tenant.native, phone="+380661234567", email="t@example.com", name="T", tags=["vip"],
        lists=[group],
    )  # fmt: skip
    assert tenant.native.delete(f"/contacts/{made['id']}").status_code == 204
    assert tenant.native.get(f"/contacts/{made['id']}").status_code == 404
    assert tenant.native.get(f"/lists/{group}").json()["items"] == 0
    # Its identifiers are free at once.
    other = make_contact(tenant.native, email="t@example.com")

    async def listed(uow: UnitOfWork) -> list[int]:
        found, _ = await trash.list_trash(uow, tenant.ctx)
        return [item.id for item in found]

    assert tenant.unit(listed, write=False) == [made["id"]]
    tenant.native.delete(f"/contacts/{other['id']}")

    async def restore(uow: UnitOfWork) -> object:
        return await trash.restore_contact(uow, tenant.ctx, made["id"])

    tenant.unit(restore)
    back = tenant.native.get(f"/contacts/{made['id']}").json()
    assert back["email"] == "t@example.com" and back["tags"] == ["vip"]
    assert back["lists"] == [group]
    assert tenant.native.get(f"/lists/{group}").json()["items"] == 1
    history = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert [item["action"] for item in history] == ["restored", "deleted", "created"]
