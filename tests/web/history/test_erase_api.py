"""Erase over HTTP: `DELETE /contacts/{id}?erase=true` removes a contact for good, live or from
the trash, and leaves its history with field names and times but no value of the person."""

from __future__ import annotations

import random
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from contactbook.domain.errors import ContactNotFound
from contactbook.services import integrity, trash
from contactbook.storage.tables import metadata
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant, make_contact, make_list


def _person(tenant: Tenant) -> tuple[dict[str, Any], list[str]]:
    """A contact with values no other test uses (a live server's database is shared), made
    with a list, a tag, a custom value, an event and a Chatwoot identity; its body and the
    values that must not survive an erase."""
    mark = uuid.uuid4().hex[:12]
    phone = f"+447700{random.randrange(900000, 999999)}"
    values = {
        "phone": phone,
        "email": f"erase-{mark}@example.com",
        "name": f"Name {mark}",
        "city": f"City{mark}",
        "plan": f"plan-{mark}",
        "event": f"clicked-{mark}",
        "source_id": f"visitor-{mark}",
        "renamed": f"Renamed {mark}",
    }
    assert tenant.native.post("/fields", json={"name": "Plan", "key": "plan"}).status_code == 201
    group = make_list(tenant.native, name=f"Erase {mark}")
    made = make_contact(
        tenant.native, phone=phone, email=values["email"], name=values["name"],
        city=values["city"], custom_fields={"plan": values["plan"]}, tags=[f"tag{mark}"],
        lists=[group],
    )  # fmt: skip
    renamed = tenant.native.patch(f"/contacts/{made['id']}", json={"name": values["renamed"]})
    assert renamed.status_code == 200, renamed.text
    base = tenant.server.url
    auth = {"Authorization": f"Bearer {tenant.api_key}"}
    with httpx.Client(base_url=base + "/v1", headers=auth, timeout=30) as hc:
        event = hc.post(
            "/events",
            json={"name": "Click", "data": {"what": values["event"]}, "customer": made["id"]},
        )
        assert event.status_code == 200, event.text
    inbox = tenant.native.post("/inboxes", json={"name": f"Inbox {mark}"}).json()["id"]
    chatwoot = f"{base}/api/v1/accounts/{tenant.account_id}"
    with httpx.Client(base_url=chatwoot, headers={"api_access_token": tenant.api_key}) as cw:
        attached = cw.post(
            f"/contacts/{made['id']}/contact_inboxes",
            json={"inbox_id": inbox, "source_id": values["source_id"]},
        )
        assert attached.status_code == 200, attached.text
    made["list"] = group
    return made, list(values.values())


def _rows_holding(tenant: Tenant, values: list[str]) -> list[str]:
    """Every row of every table, read raw, that holds one of `values` (the account's rows of
    each table of account data: the session's database holds every other test's too)."""

    async def scan(uow: UnitOfWork) -> list[str]:
        found = []
        for table in metadata.sorted_tables:
            query = select(table)
            if "account_id" in table.c:
                query = query.where(table.c.account_id == tenant.account_id)
            for row in await uow.conn.execute(query):
                text = repr(tuple(row))
                found += [f"{table.name}: {v}" for v in values if v.lower() in text.lower()]
        return found

    return tenant.unit(scan, write=False)


def _seen_by_each_api(tenant: Tenant, contact_id: int) -> list[int]:
    """How each API answers a read of the contact: native (it, its events), HelpCrunch,
    Chatwoot, Notificore."""
    statuses = [
        tenant.native.get(f"/contacts/{contact_id}").status_code,
        tenant.native.get(f"/contacts/{contact_id}/events").status_code,
    ]
    with httpx.Client(base_url=tenant.server.url, timeout=30) as raw:
        bearer = {"Authorization": f"Bearer {tenant.api_key}"}
        statuses.append(raw.get(f"/v1/customers/{contact_id}", headers=bearer).status_code)
        chatwoot = f"/api/v1/accounts/{tenant.account_id}/contacts/{contact_id}"
        statuses.append(raw.get(chatwoot, headers={"api_access_token": tenant.api_key}).status_code)
        token = raw.post("/api/auth/login", json={"api_key": tenant.api_key}).json()["bearer"]
        notificore = raw.get(
            f"/api/contacts/{contact_id}", headers={"Authorization": f"Bearer {token}"}
        )
        if notificore.status_code == 422:
            assert notificore.json()["message"] == "Invalid contact id"
        statuses.append(notificore.status_code)
    return statuses


def _check_clean(tenant: Tenant) -> None:
    async def check(uow: UnitOfWork) -> bool:
        return (await integrity.check_account(uow, tenant.account_id)).clean

    assert tenant.unit(check, write=False), "every counter equals what its rows say"


def _restore(tenant: Tenant, contact_id: int) -> None:
    async def restore(uow: UnitOfWork) -> object:
        return await trash.restore_contact(uow, tenant.ctx, contact_id)

    tenant.unit(restore)


def test_erasing_a_live_contact_leaves_no_value_of_it_anywhere(tenant: Tenant) -> None:
    made, values = _person(tenant)
    contact_id = made["id"]
    assert _rows_holding(tenant, values), "the values are there to be found before the erase"
    version = tenant.native.get(f"/contacts/{contact_id}").json()["version"]
    assert _seen_by_each_api(tenant, contact_id) == [200] * 5

    erased = tenant.native.delete(f"/contacts/{contact_id}", params={"erase": "true"},
                                  headers={"X-Request-Id": "erase-1"})  # fmt: skip
    assert erased.status_code == 204, erased.text

    assert _rows_holding(tenant, values) == []
    # Native (the contact, its events), HelpCrunch, Chatwoot, and Notificore's own "not found".
    assert _seen_by_each_api(tenant, contact_id) == [404, 404, 404, 404, 422]
    assert tenant.native.get(f"/lists/{made['list']}").json()["items"] == 0
    assert tenant.native.get("/account").json()["contacts"] == 0
    _check_clean(tenant)
    with pytest.raises(ContactNotFound):
        _restore(tenant, contact_id)

    history = tenant.native.get(f"/contacts/{contact_id}/history")
    assert history.status_code == 200
    items = history.json()["items"]
    # Created, renamed, given a Chatwoot identity (the event is no contact write), erased.
    assert [item["action"] for item in items] == ["erased", "updated", "updated", "created"]
    # The erase is one version past the last state the contact had.
    assert [item["version"] for item in items] == [version + 1, 3, 2, 1]
    assert items[0]["changes"] == {} and items[0]["request_id"] == "erase-1"
    assert erased.headers["x-contactbook-change"] == str(items[0]["id"])
    assert items[0]["source"] == "native" and items[0]["actor"]["type"] == "api_key"
    assert items[1]["changes"] == {"inboxes": {"from": None, "to": None}}
    assert items[2]["changes"] == {"name": {"from": None, "to": None}}
    created = items[3]["changes"]
    assert {"phone", "email", "name", "city", "custom_fields.plan", "tags", "lists"} <= set(created)
    assert all(change == {"from": None, "to": None} for change in created.values())

    # Erased is gone: a second erase finds nothing, and the freed phone is anyone's.
    again = tenant.native.delete(f"/contacts/{contact_id}", params={"erase": "true"})
    assert again.status_code == 404 and again.json()["code"] == "contact_not_found"
    assert tenant.native.post("/contacts", json={"phone": values[0]}).status_code == 201


def test_erasing_a_trashed_contact_empties_the_trash_of_it(tenant: Tenant) -> None:
    made, values = _person(tenant)
    contact_id = made["id"]
    version = tenant.native.get(f"/contacts/{contact_id}").json()["version"]
    assert tenant.native.delete(f"/contacts/{contact_id}").status_code == 204

    async def trashed(uow: UnitOfWork) -> list[int]:
        found, _ = await trash.list_trash(uow, tenant.ctx)
        return [item.id for item in found]

    assert tenant.unit(trashed, write=False) == [contact_id]

    erased = tenant.native.delete(f"/contacts/{contact_id}", params={"erase": "true"})
    assert erased.status_code == 204, erased.text

    assert tenant.unit(trashed, write=False) == []
    assert _rows_holding(tenant, values) == []
    with pytest.raises(ContactNotFound):
        _restore(tenant, contact_id)
    items = tenant.native.get(f"/contacts/{contact_id}/history").json()["items"]
    assert [item["action"] for item in items] == [
        "erased", "deleted", "updated", "updated", "created"
    ]  # fmt: skip
    assert [item["version"] for item in items] == [version + 1, version, 3, 2, 1]
    assert set(items[1]["changes"]) == {"phone", "email"}  # the identifiers it freed
    assert all(
        change == {"from": None, "to": None}
        for item in items
        for change in item["changes"].values()
    )
    _check_clean(tenant)
    assert tenant.native.delete(f"/contacts/{contact_id}", params={"erase": "1"}).status_code == 404


def test_only_an_admin_key_erases(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Kept")
    issued = tenant.native.post("/keys", json={"name": "writer", "scopes": ["read", "write"]})
    assert issued.status_code == 201, issued.text
    writer = {"Authorization": f"Bearer {issued.json()['api_key']}"}

    refused = tenant.native.delete(
        f"/contacts/{made['id']}", params={"erase": "true"}, headers=writer
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "forbidden"
    assert tenant.native.get(f"/contacts/{made['id']}").json()["name"] == "Kept"
    history = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert [item["action"] for item in history] == ["created"]
    assert history[0]["changes"]["name"] == {"from": None, "to": "Kept"}
    # The same key may still move it to the trash.
    assert tenant.native.delete(f"/contacts/{made['id']}", headers=writer).status_code == 204


def test_unknown_and_another_accounts_contacts_are_not_found(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = make_contact(other_tenant.native, name="Theirs", email=f"{uuid.uuid4().hex}@x.io")
    for contact_id in (theirs["id"], 999_999_999_999):
        missing = tenant.native.delete(f"/contacts/{contact_id}", params={"erase": "true"})
        assert missing.status_code == 404
        assert missing.json()["code"] == "contact_not_found"
    kept = other_tenant.native.get(f"/contacts/{theirs['id']}")
    assert kept.status_code == 200 and kept.json()["name"] == "Theirs"
    history = other_tenant.native.get(f"/contacts/{theirs['id']}/history").json()["items"]
    assert history[0]["changes"]["name"]["to"] == "Theirs"


def test_a_bad_flag_or_a_stale_if_match_changes_nothing(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Stays")
    bad = tenant.native.delete(f"/contacts/{made['id']}", params={"erase": "maybe"})
    assert bad.status_code == 422
    assert [error["field"] for error in bad.json()["errors"]] == ["erase"]
    stale = tenant.native.delete(
        f"/contacts/{made['id']}", params={"erase": "true"}, headers={"If-Match": '"7"'}
    )
    assert stale.status_code == 412 and stale.headers["etag"] == '"1"'
    assert tenant.native.get(f"/contacts/{made['id']}").json()["name"] == "Stays"
    items = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert [item["action"] for item in items] == ["created"]
    matching = tenant.native.delete(
        f"/contacts/{made['id']}", params={"erase": "true"}, headers={"If-Match": '"1"'}
    )
    assert matching.status_code == 204
    assert tenant.native.get(f"/contacts/{made['id']}").status_code == 404
