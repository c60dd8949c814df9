"""Merges over HTTP are one record on the survivor and can be undone: the merged-away contact
comes back whole and the survivor goes back to what it was, as far as nothing changed it since."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from contactbook.services import events, inboxes
from contactbook.storage.uow import UnitOfWork
from tests.storage.test_counters import check
from tests.support.databases import postgres_server_url
from tests.support.factories import Tenant, make_contact, make_list

# What a contact's state is, for "as before": everything but its version and times.
MOVING = ("version", "updated_at")


def shown(tenant: Tenant, contact_id: int) -> dict[str, Any]:
    response = tenant.native.get(f"/contacts/{contact_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return {k: v for k, v in body.items() if k not in MOVING}


def history(tenant: Tenant, contact_id: int) -> list[dict[str, Any]]:
    response = tenant.native.get(f"/contacts/{contact_id}/history", params={"limit": 1000})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def identities_and_events(tenant: Tenant, contact_id: int) -> tuple[list[str], list[str]]:
    async def read(uow: UnitOfWork) -> tuple[list[str], list[str]]:
        held = (await uow.inboxes.for_contacts([contact_id])).get(contact_id, [])
        found = await events.list_events(uow, tenant.ctx, contact_id)
        return sorted(i.source_id for i in held), sorted(e.name for e in found)

    return tenant.unit(read, write=False)


def a_pair(tenant: Tenant) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """A survivor and a mergee with lists, tags, custom values, an identity and an event."""
    alpha, beta = make_list(tenant.native, "Alpha"), make_list(tenant.native, "Beta")
    for name, kind in (("plan", "text"), ("seats", "number")):
        assert tenant.native.post("/fields", json={"name": name, "type": kind}).status_code == 201
    base = make_contact(
        tenant.native, email="base@example.com", name="Base", lists=[alpha], tags=["kept"],
        additional_attributes={"a": 1}, custom_fields={"plan": "gold"},
    )  # fmt: skip
    mergee = make_contact(
        tenant.native, phone="+447700900123", email="other@example.com", name="Other",
        external_id="ext-9", company="ACME", lists=[alpha, beta], tags=["dropped"],
        additional_attributes={"a": 2, "b": 5}, custom_fields={"plan": "silver", "seats": 4},
    )  # fmt: skip

    async def relations(uow: UnitOfWork) -> None:
        inbox = await inboxes.create_inbox(uow, tenant.ctx, "Site")
        await inboxes.add_contact_identity(uow, tenant.ctx, mergee["id"], inbox.id, "src-1")
        await events.record_event(uow, tenant.ctx, mergee["id"], "signed_up")

    tenant.unit(relations)
    return base, mergee, [alpha, beta]


def test_a_native_merge_is_one_record_and_its_undo_brings_both_back(tenant: Tenant) -> None:
    base, mergee, lists = a_pair(tenant)
    before = {cid: shown(tenant, cid) for cid in (base["id"], mergee["id"])}
    relations_before = identities_and_events(tenant, mergee["id"])
    assert relations_before == (["src-1"], ["signed_up"])
    survivor_history = len(history(tenant, base["id"]))

    merged = tenant.native.post(f"/contacts/{base['id']}/merge", json={"mergee_id": mergee["id"]})
    assert merged.status_code == 200, merged.text
    change_id = int(merged.headers["x-contactbook-change"])
    assert "change_id" not in merged.json()  # the body stays the native contact
    records = history(tenant, base["id"])
    assert len(records) == survivor_history + 1
    record = records[0]
    assert (record["id"], record["action"]) == (change_id, "merged")
    assert record["version"] == merged.json()["version"]
    assert record["changes"]["phone"] == {"from": None, "to": "+447700900123"}
    assert record["changes"]["company"] == {"from": None, "to": "ACME"}
    assert record["changes"]["custom_fields.seats"] == {"from": None, "to": 4}
    assert record["changes"]["lists"] == {"from": [lists[0]], "to": sorted(lists)}
    assert record["changes"]["inboxes"]["from"] is None
    assert [i["source_id"] for i in record["changes"]["inboxes"]["to"]] == ["src-1"]
    assert history(tenant, mergee["id"])[0]["action"] == "deleted"
    assert identities_and_events(tenant, base["id"]) == (["src-1"], ["signed_up"])
    check(tenant, lists)

    undone = tenant.native.post(f"/merges/{change_id}/undo")
    assert undone.status_code == 200, undone.text
    answer = undone.json()
    assert answer["change_id"] == change_id
    assert (answer["restored_id"], answer["survivor_id"]) == (mergee["id"], base["id"])
    assert sorted(answer["reverted"]) == sorted(record["changes"])
    assert answer["conflicts"] == []
    assert {cid: shown(tenant, cid) for cid in (base["id"], mergee["id"])} == before
    assert identities_and_events(tenant, mergee["id"]) == relations_before
    assert identities_and_events(tenant, base["id"]) == ([], [])
    check(tenant, lists)
    assert tenant.native.get(f"/lists/{lists[0]}").json()["items"] == 2
    assert tenant.native.get(f"/lists/{lists[1]}").json()["items"] == 1

    survivor_records, mergee_records = history(tenant, base["id"]), history(tenant, mergee["id"])
    assert survivor_records[0]["action"] == "updated"
    assert survivor_records[0]["id"] == int(undone.headers["x-contactbook-change"])
    assert survivor_records[0]["changes"]["phone"] == {"from": "+447700900123", "to": None}
    assert survivor_records[0]["changes"]["inboxes"]["to"] is None
    assert mergee_records[0]["action"] == "restored"
    for records in (survivor_records, mergee_records):
        versions = [r["version"] for r in records if r["action"] != "deleted"]
        assert len(versions) == len(set(versions))
    assert (
        survivor_records[0]["version"]
        == tenant.native.get(f"/contacts/{base['id']}").json()["version"]
    )

    again = tenant.native.post(f"/merges/{change_id}/undo")
    assert again.status_code == 409
    assert again.json()["code"] == "not_undoable"
    assert len(history(tenant, base["id"])) == len(survivor_records)


def test_later_changes_to_the_survivor_are_kept_as_conflicts(tenant: Tenant) -> None:
    base, mergee, lists = a_pair(tenant)
    merged = tenant.native.post(f"/contacts/{base['id']}/merge", json={"mergee_id": mergee["id"]})
    change_id = merged.headers["x-contactbook-change"]
    # After the merge: a field it filled, and one of the lists it added, change again.
    changed = tenant.native.patch(
        f"/contacts/{base['id']}", json={"company": "Later Ltd", "lists": [lists[0]]}
    )
    assert changed.status_code == 200, changed.text

    undone = tenant.native.post(f"/merges/{change_id}/undo")
    assert undone.status_code == 200, undone.text
    answer = undone.json()
    assert sorted(answer["conflicts"]) == ["company", "lists"]
    assert "phone" in answer["reverted"] and "company" not in answer["reverted"]
    survivor = tenant.native.get(f"/contacts/{base['id']}").json()
    assert survivor["company"] == "Later Ltd" and survivor["phone"] is None
    assert survivor["lists"] == [lists[0]]
    back = tenant.native.get(f"/contacts/{mergee['id']}").json()
    assert back["company"] == "ACME" and back["phone"] == "+447700900123"
    assert sorted(back["lists"]) == sorted(lists)
    check(tenant, lists)


def test_an_identifier_taken_meanwhile_refuses_the_undo_and_changes_nothing(
    tenant: Tenant,
) -> None:
    base, mergee, lists = a_pair(tenant)
    merged = tenant.native.post(f"/contacts/{base['id']}/merge", json={"mergee_id": mergee["id"]})
    change_id = merged.headers["x-contactbook-change"]
    # The survivor kept its own email: the mergee's went free, and someone took it.
    make_contact(tenant.native, email="other@example.com")
    survivor_before = tenant.native.get(f"/contacts/{base['id']}").json()
    records_before = history(tenant, base["id"])

    refused = tenant.native.post(f"/merges/{change_id}/undo")
    assert refused.status_code == 409, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["email"]
    assert tenant.native.get(f"/contacts/{base['id']}").json() == survivor_before
    assert tenant.native.get(f"/contacts/{mergee['id']}").status_code == 404
    assert history(tenant, base["id"]) == records_before
    assert identities_and_events(tenant, base["id"]) == (["src-1"], ["signed_up"])
    check(tenant, lists)


def test_only_a_merge_of_this_account_can_be_undone(tenant: Tenant, other_tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Solo")
    created = history(tenant, made["id"])[0]["id"]
    assert tenant.native.post(f"/merges/{created}/undo").status_code == 404
    assert tenant.native.post("/merges/999999999/undo").status_code == 404
    theirs = make_contact(other_tenant.native, name="Theirs")
    gone = make_contact(other_tenant.native, name="Gone")
    merged = other_tenant.native.post(
        f"/contacts/{theirs['id']}/merge", json={"mergee_id": gone["id"]}
    )
    change_id = merged.headers["x-contactbook-change"]
    answer = tenant.native.post(f"/merges/{change_id}/undo")
    assert answer.status_code == 404
    assert answer.json()["code"] == "change_not_found"
    assert other_tenant.native.get(f"/contacts/{gone['id']}").status_code == 404


def test_a_chatwoot_merge_is_undone_through_the_native_api(tenant: Tenant) -> None:
    base, mergee, lists = a_pair(tenant)
    before = {cid: shown(tenant, cid) for cid in (base["id"], mergee["id"])}
    with httpx.Client(
        base_url=f"{tenant.server.url}/api/v1/accounts/{tenant.account_id}",
        headers={"api_access_token": tenant.api_key},
        timeout=30,
    ) as cw:
        merged = cw.post(
            "/actions/contact_merge",
            json={"base_contact_id": base["id"], "mergee_contact_id": mergee["id"]},
        )
    assert merged.status_code == 200, merged.text
    change_id = int(merged.headers["x-contactbook-change"])
    record = history(tenant, base["id"])[0]
    assert (record["id"], record["action"], record["source"]) == (change_id, "merged", "chatwoot")

    undone = tenant.native.post(f"/merges/{change_id}/undo")
    assert undone.status_code == 200, undone.text
    assert {cid: shown(tenant, cid) for cid in (base["id"], mergee["id"])} == before
    assert identities_and_events(tenant, mergee["id"]) == (["src-1"], ["signed_up"])
    check(tenant, lists)


def race(tenant: Tenant, base_id: int, mergee_id: int, updates: int) -> list[int]:
    """One merge into `base_id` and `updates` updates of it, released together, each on its
    own connection; their statuses."""
    barrier = threading.Barrier(updates + 1)
    statuses: list[int] = []

    def client() -> httpx.Client:
        return httpx.Client(
            base_url=str(tenant.native.base_url), headers=dict(tenant.native.headers), timeout=60
        )

    def merge() -> None:
        with client() as native:
            barrier.wait()
            reply = native.post(f"/contacts/{base_id}/merge", json={"mergee_id": mergee_id})
            statuses.append(reply.status_code)

    def update(n: int) -> None:
        with client() as native:
            barrier.wait()
            body = {"notes": f"note {n}", "additional_attributes": {f"k{n}": n}}
            statuses.append(native.patch(f"/contacts/{base_id}", json=body).status_code)

    threads = [threading.Thread(target=merge)]
    threads += [threading.Thread(target=update, args=(n,)) for n in range(updates)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.skipif(not postgres_server_url(), reason="row locks are PostgreSQL's")
def test_a_merge_racing_updates_of_the_survivor_never_fails_and_keeps_one_record_per_version(
    tenant: Tenant,
) -> None:
    for round_ in range(3):
        base = make_contact(tenant.native, name=f"Base {round_}")
        mergee = make_contact(
            tenant.native, phone=f"+44770090{round_:04d}", company="ACME", name="Other"
        )
        statuses = race(tenant, base["id"], mergee["id"], updates=4)
        assert statuses == [200] * 5, statuses
        records = history(tenant, base["id"])
        versions = [r["version"] for r in records]
        assert sorted(versions) == list(range(1, len(records) + 1))
        assert [r["action"] for r in records].count("merged") == 1
        final = tenant.native.get(f"/contacts/{base['id']}").json()
        assert final["version"] == max(versions)
        assert final["phone"] == mergee["phone"] and final["company"] == "ACME"
        assert {f"k{n}" for n in range(4)} <= final["additional_attributes"].keys()


def together(tenant: Tenant, *requests: tuple[str, str, dict[str, Any] | None]) -> list[int]:
    """The requests (method, path, body) sent at once, each on its own connection; their
    statuses in the order given."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def send(index: int) -> None:
        method, path, body = requests[index]
        with httpx.Client(
            base_url=str(tenant.native.base_url), headers=dict(tenant.native.headers), timeout=60
        ) as native:
            barrier.wait()
            statuses[index] = native.request(method, path, json=body).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.skipif(not postgres_server_url(), reason="row locks are PostgreSQL's")
def test_undos_racing_each_other_and_updates_undo_once(tenant: Tenant) -> None:
    base, mergee, lists = a_pair(tenant)
    merged = tenant.native.post(f"/contacts/{base['id']}/merge", json={"mergee_id": mergee["id"]})
    undo = ("POST", f"/merges/{merged.headers['x-contactbook-change']}/undo", None)
    update = ("PATCH", f"/contacts/{base['id']}", {"notes": "meanwhile"})
    statuses = together(tenant, undo, undo, undo, update, update)
    assert sorted(statuses[:3]) == [200, 409, 409], statuses
    assert statuses[3:] == [200, 200], statuses
    for contact_id in (base["id"], mergee["id"]):
        records = [r for r in history(tenant, contact_id) if r["action"] != "deleted"]
        versions = [r["version"] for r in records]
        assert len(versions) == len(set(versions))
        assert max(versions) == tenant.native.get(f"/contacts/{contact_id}").json()["version"]
    assert identities_and_events(tenant, mergee["id"]) == (["src-1"], ["signed_up"])
    assert tenant.native.get(f"/contacts/{base['id']}").json()["notes"] == "meanwhile"
    check(tenant, lists)
