"""Reverting a contact over HTTP: it becomes what it was at a version of its history, as one
new recorded version."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import delete

from contactbook.storage.tables import changes
from contactbook.storage.uow import UnitOfWork
from tests.storage.test_counters import check
from tests.support.factories import Tenant, make_contact, make_list

MOVING = ("version", "updated_at")


def state(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in MOVING}


def history(tenant: Tenant, contact_id: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = tenant.native.get(
        f"/contacts/{contact_id}/history", params={"limit": 1000}
    ).json()["items"]
    return items


def fields(tenant: Tenant, *specs: tuple[str, str]) -> None:
    for name, kind in specs:
        assert tenant.native.post("/fields", json={"name": name, "type": kind}).status_code == 201


def test_revert_brings_back_fields_tags_lists_and_custom_values(tenant: Tenant) -> None:
    fields(tenant, ("plan", "text"), ("seats", "number"))
    alpha, beta = make_list(tenant.native, "Alpha"), make_list(tenant.native, "Beta")
    made = make_contact(
        tenant.native, phone="+447700900123", email="a@example.com", name="First",
        tags=["vip", "early"], lists=[alpha], custom_fields={"plan": "gold"},
        additional_attributes={"city": "Kyiv", "n": 1}, last_seen="2024-01-01T00:00:00Z",
    )  # fmt: skip
    at_v1 = state(tenant.native.get(f"/contacts/{made['id']}").json())
    url = f"/contacts/{made['id']}"
    for body in (
        {"name": "Second", "email": None, "tags": ["late"], "lists": [beta]},
        {"custom_fields": {"plan": "silver", "seats": 3}, "phone": "+447700900999"},
        {"additional_attributes": {"city": "Lviv", "n": None, "m": 2}, "last_seen": None},
    ):
        assert tenant.native.patch(url, json=body).status_code == 200
    assert tenant.native.get(url).json()["version"] == 4
    check(tenant, [alpha, beta])

    reverted = tenant.native.post(f"{url}/revert", json={"version": 1})
    assert reverted.status_code == 200, reverted.text
    body = reverted.json()
    assert body["version"] == 5 and reverted.headers["etag"] == '"5"'
    assert state(body) == at_v1
    assert state(tenant.native.get(url).json()) == at_v1
    assert "x-contactbook-skipped" not in reverted.headers
    check(tenant, [alpha, beta])
    assert tenant.native.get(f"/lists/{alpha}").json()["items"] == 1
    assert tenant.native.get(f"/lists/{beta}").json()["items"] == 0

    records = history(tenant, made["id"])
    assert [r["version"] for r in records] == [5, 4, 3, 2, 1]
    assert records[0]["id"] == int(reverted.headers["x-contactbook-change"])
    assert records[0]["action"] == "updated"
    assert records[0]["changes"]["name"] == {"from": "Second", "to": "First"}
    assert records[0]["changes"]["lists"] == {"from": [beta], "to": [alpha]}

    # Back to a version in between: the revert itself is history, so 5 → 3 works too.
    middle = tenant.native.post(f"{url}/revert", json={"version": 3}).json()
    assert (middle["name"], middle["email"], middle["phone"]) == ("Second", None, "+447700900999")
    assert middle["custom_fields"] == {"plan": "silver", "seats": 3}
    assert middle["tags"] == ["late"] and middle["lists"] == [beta]
    assert middle["additional_attributes"] == {"city": "Kyiv", "n": 1}
    check(tenant, [alpha, beta])


def test_reverting_to_the_current_version_changes_nothing(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A")
    tenant.native.patch(f"/contacts/{made['id']}", json={"name": "B"})
    same = tenant.native.post(f"/contacts/{made['id']}/revert", json={"version": 2})
    assert same.status_code == 200
    assert same.json()["version"] == 2 and same.json()["name"] == "B"
    assert "x-contactbook-change" not in same.headers
    assert len(history(tenant, made["id"])) == 2


def test_a_version_the_history_does_not_hold_is_refused(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A")
    for n in range(2, 5):
        tenant.native.patch(f"/contacts/{made['id']}", json={"name": f"v{n}"})

    # As a contact made before history was kept: its records begin at version 3.
    async def forget(uow: UnitOfWork) -> None:
        await uow.conn.execute(
            delete(changes).where(
                changes.c.account_id == tenant.account_id,
                changes.c.contact_id == made["id"],
                changes.c.version < 3,
            )
        )

    tenant.unit(forget)
    for version in (0, -1, 5, 2, 1):
        refused = tenant.native.post(f"/contacts/{made['id']}/revert", json={"version": version})
        assert refused.status_code == 422, (version, refused.text)
        assert [e["field"] for e in refused.json()["errors"]] == ["version"]
    assert tenant.native.post(f"/contacts/{made['id']}/revert", json={}).status_code == 422
    assert tenant.native.get(f"/contacts/{made['id']}").json()["version"] == 4
    ok = tenant.native.post(f"/contacts/{made['id']}/revert", json={"version": 3})
    assert ok.status_code == 200 and ok.json()["name"] == "v3"


def test_a_value_another_contact_holds_now_is_a_conflict(tenant: Tenant) -> None:
    made = make_contact(tenant.native, email="mine@example.com", name="A")
    tenant.native.patch(f"/contacts/{made['id']}", json={"email": "new@example.com"})
    make_contact(tenant.native, email="mine@example.com")
    refused = tenant.native.post(f"/contacts/{made['id']}/revert", json={"version": 1})
    assert refused.status_code == 409, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == ["email"]
    after = tenant.native.get(f"/contacts/{made['id']}").json()
    assert after["email"] == "new@example.com" and after["version"] == 2
    assert len(history(tenant, made["id"])) == 2


def test_if_match_guards_the_revert(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A")
    tenant.native.patch(f"/contacts/{made['id']}", json={"name": "B"})
    url = f"/contacts/{made['id']}/revert"
    stale = tenant.native.post(url, json={"version": 1}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.headers["etag"] == '"2"'
    fresh = tenant.native.post(url, json={"version": 1}, headers={"If-Match": '"2"'})
    assert fresh.status_code == 200 and fresh.json()["name"] == "A"


def test_lists_tags_and_fields_deleted_since_are_skipped(tenant: Tenant) -> None:
    fields(tenant, ("plan", "text"))
    kept, doomed = make_list(tenant.native, "Kept"), make_list(tenant.native, "Doomed")
    made = make_contact(
        tenant.native, name="A", lists=[kept, doomed], tags=["stays", "goes", "вип, мабуть"],
        custom_fields={"plan": "gold"},
    )  # fmt: skip
    tenant.native.patch(
        f"/contacts/{made['id']}",
        json={"name": "B", "lists": [], "tags": [], "custom_fields": {"plan": None}},
    )
    plan = next(f for f in tenant.native.get("/fields").json()["items"] if f["key"] == "plan")
    assert tenant.native.delete(f"/fields/{plan['id']}").status_code == 204
    assert tenant.native.delete(f"/lists/{doomed}").status_code == 204
    assert tenant.native.delete("/tags/goes").status_code == 204
    assert tenant.native.delete(f"/tags/{quote('вип, мабуть')}").status_code == 204

    reverted = tenant.native.post(f"/contacts/{made['id']}/revert", json={"version": 1})
    assert reverted.status_code == 200, reverted.text
    body = reverted.json()
    assert (body["name"], body["lists"], body["tags"]) == ("A", [kept], ["stays"])
    assert body["custom_fields"] == {}
    skipped = [unquote(item) for item in reverted.headers["x-contactbook-skipped"].split(", ")]
    assert sorted(skipped) == sorted(
        [f"lists.{doomed}", "tags.goes", "tags.вип, мабуть", "custom_fields.plan"]
    )
    check(tenant, [kept])


def test_another_accounts_contact_cannot_be_reverted(tenant: Tenant, other_tenant: Tenant) -> None:
    theirs = make_contact(other_tenant.native, name="A")
    other_tenant.native.patch(f"/contacts/{theirs['id']}", json={"name": "B"})
    refused = tenant.native.post(f"/contacts/{theirs['id']}/revert", json={"version": 1})
    assert refused.status_code == 404
    assert other_tenant.native.get(f"/contacts/{theirs['id']}").json()["name"] == "B"
