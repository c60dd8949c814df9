"""Writes are atomic: a failure part-way leaves no partial contact, membership or counter."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from contactbook.domain.contacts import ContactInput
from contactbook.domain.lists import ListInput
from contactbook.services import contacts, lists
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant, make_list


class Boom(Exception):
    pass


def test_an_exception_inside_a_unit_rolls_everything_back(tenant: Tenant) -> None:
    ctx = tenant.ctx

    async def half_done(uow: UnitOfWork) -> None:
        made = await lists.create_list(uow, ctx, ListInput("Half"))
        await contacts.create_contact(
            uow, ctx, ContactInput(phone="+447700900777", lists=[made.id], tags=[])
        )
        raise Boom

    with pytest.raises(Boom):
        tenant.unit(half_done)
    assert tenant.native.get("/lists").json()["total"] == 0
    assert tenant.native.get("/contacts", params={"count": "true"}).json()["total"] == 0
    assert tenant.native.get("/account").json()["contacts"] == 0
    # the phone is free: nothing of the failed unit survived
    assert tenant.native.post("/contacts", json={"phone": "+447700900777"}).status_code == 201


def test_concurrent_creates_of_one_phone_make_one_contact(tenant: Tenant) -> None:
    list_id = make_list(tenant.native, "Race")

    def attempt(n: int) -> int:
        with httpx.Client(base_url=str(tenant.native.base_url),
                          headers=dict(tenant.native.headers), timeout=30) as client:  # fmt: skip
            body = {"phone": "+447700900888", "name": f"racer {n}", "lists": [list_id]}
            return client.post("/contacts", json=body).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(attempt, range(16)))
    assert statuses.count(201) == 1
    assert set(statuses) == {201, 409}
    assert tenant.native.get(f"/lists/{list_id}").json()["items"] == 1
    assert tenant.native.get("/account").json()["contacts"] == 1
