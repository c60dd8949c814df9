"""A write that changes no stored value changes nothing: same version, same ETag, same
`updated_at`, no counter moved, whichever API sends it and however often."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.factories import Tenant, make_contact, make_list

FULL = {
    "phone": "+447700900555",
    "email": "Ada@Example.com",
    "name": "Ada",
    "company": "Engines",
    "custom_fields": {"plan": "gold"},
    "additional_attributes": {"source": "fair"},
    "tags": ["vip", "beta"],
}


def _made(tenant: Tenant) -> tuple[dict[str, Any], int]:
    native = tenant.native
    assert native.post("/fields", json={"name": "Plan", "key": "plan"}).status_code == 201
    list_id = make_list(native, "Clients")
    return make_contact(native, **FULL, lists=[list_id]), list_id


def test_repeated_patch_and_put_change_nothing(tenant: Tenant) -> None:
    native = tenant.native
    contact, list_id = _made(tenant)
    url = f"/contacts/{contact['id']}"
    before = native.get(url)
    for _ in range(3):
        patched = native.patch(url, json={**FULL, "lists": [list_id]})
        assert patched.status_code == 200, patched.text
        assert patched.headers["etag"] == before.headers["etag"]
        assert patched.json()["version"] == contact["version"]
        assert patched.json()["updated_at"] == contact["updated_at"]
    same = native.put(url, json={**FULL, "lists": [list_id]})
    assert same.status_code == 200, same.text
    assert (same.json()["version"], same.headers["etag"]) == (
        contact["version"],
        before.headers["etag"],
    )
    # A real change moves the version once, and the next repeat of it does not.
    changed = native.patch(url, json={"custom_fields": {"plan": "silver"}})
    assert changed.json()["version"] == contact["version"] + 1
    again = native.patch(url, json={"custom_fields": {"plan": "silver"}})
    assert again.json()["version"] == contact["version"] + 1
    # Tags in another order are a change; the same order again is not.
    reordered = native.patch(url, json={"tags": ["beta", "vip"]})
    assert reordered.json()["version"] == contact["version"] + 2
    assert native.patch(url, json={"tags": ["beta", "vip"]}).json()["version"] == (
        contact["version"] + 2
    )
    assert native.get(f"/lists/{list_id}").json()["items"] == 1


def test_vendor_writes_that_repeat_the_stored_values_change_nothing(tenant: Tenant) -> None:
    contact, _ = _made(tenant)
    base = tenant.server.url
    chatwoot = httpx.Client(
        base_url=f"{base}/api/v1/accounts/{tenant.account_id}",
        headers={"api_access_token": tenant.api_key},
        timeout=30,
    )
    helpcrunch = httpx.Client(
        base_url=f"{base}/v1", headers={"Authorization": f"Bearer {tenant.api_key}"}, timeout=30
    )
    with chatwoot, helpcrunch:
        for _ in range(2):
            reply = chatwoot.put(
                f"/contacts/{contact['id']}",
                json={"name": "Ada", "custom_attributes": {"plan": "gold"}},
            )
            assert reply.status_code == 200, reply.text
            reply = helpcrunch.patch(
                f"/customers/{contact['id']}", json={"name": "Ada", "company": "Engines"}
            )
            assert reply.status_code == 200, reply.text
    after = tenant.native.get(f"/contacts/{contact['id']}").json()
    assert (after["version"], after["updated_at"]) == (contact["version"], contact["updated_at"])
