"""Chatwoot's contact merge action over HTTP."""

from __future__ import annotations

import httpx

from tests.support.factories import Tenant, make_chatwoot_contact, make_contact

NOT_FOUND = {"error": "Resource could not be found"}


def test_merge_returns_the_bare_base_contact(
    cw: httpx.Client, tenant: Tenant, inbox_id: int
) -> None:
    base = make_chatwoot_contact(
        cw,
        name="Base",
        email="base@example.com",
        custom_attributes={"plan": "gold"},
        additional_attributes={"city": "Kyiv"},
    )
    mergee = make_chatwoot_contact(
        cw,
        inbox_id=inbox_id,
        name="Other",
        email="other@example.com",
        identifier="ext-1",
        phone_number="+14155552671",
        blocked=True,
        custom_attributes={"plan": "silver", "seats": 2},
        additional_attributes={"city": "Lviv", "company_name": "ACME"},
    )
    cw.post(f"/contacts/{mergee['id']}/labels", json={"labels": ["mergee-only"]})
    before = tenant.native.get("/account").json()["contacts"]
    response = cw.post(
        "/actions/contact_merge",
        json={"base_contact_id": base["id"], "mergee_contact_id": mergee["id"]},
    )
    assert response.status_code == 200
    merged = response.json()
    assert "payload" not in merged and "contact_inboxes" not in merged
    assert merged["id"] == base["id"]
    assert (merged["name"], merged["email"], merged["identifier"], merged["phone_number"]) == (
        "Base",
        "base@example.com",
        "ext-1",
        "+14155552671",
    )
    assert merged["blocked"] is False
    assert merged["custom_attributes"] == {"plan": "gold", "seats": 2}
    assert merged["additional_attributes"] == {"city": "Kyiv", "company_name": "ACME"}
    assert cw.get(f"/contacts/{mergee['id']}").status_code == 404
    assert cw.get(f"/contacts/{base['id']}/labels").json() == {"payload": []}
    shown = cw.get(f"/contacts/{base['id']}").json()["payload"]
    assert [i["inbox"]["id"] for i in shown["contact_inboxes"]] == [inbox_id]
    assert tenant.native.get("/account").json()["contacts"] == before - 1
    # the identifier moved to the base with the rest of the mergee's values
    taken = cw.post("/contacts", json={"identifier": "ext-1"})
    assert taken.json() == {
        "message": "Identifier has already been taken",
        "attributes": ["identifier"],
    }


def test_merge_with_missing_or_foreign_ids_is_not_found(
    cw: httpx.Client, other_tenant: Tenant
) -> None:
    mine = make_chatwoot_contact(cw, email="mine@example.com")["id"]
    theirs = make_contact(other_tenant.native, email="t@example.com")["id"]
    for body in (
        {"base_contact_id": mine},
        {"mergee_contact_id": mine},
        {"base_contact_id": mine, "mergee_contact_id": theirs},
        {"base_contact_id": theirs, "mergee_contact_id": mine},
        {"base_contact_id": mine, "mergee_contact_id": "abc"},
    ):
        response = cw.post("/actions/contact_merge", json=body)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), body
    assert other_tenant.native.get(f"/contacts/{theirs}").status_code == 200
    same = cw.post(
        "/actions/contact_merge", json={"base_contact_id": mine, "mergee_contact_id": str(mine)}
    )
    assert same.status_code == 200 and same.json()["email"] == "mine@example.com"
