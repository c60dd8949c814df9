"""Another account's ids look exactly like missing ones, on every native route that takes one."""

from __future__ import annotations

import re

import pytest

from contactbook.web.dialects.native import PREFIX
from tests.support.factories import Tenant, make_contact, make_list
from tests.support.live import LiveServer


def body_for(path: str, theirs: dict[str, object]) -> dict[str, object]:
    """A valid body for the route, so only the foreign id can make it fail."""
    if path.endswith("/tags"):
        return {"tags": ["x"]}
    if path.endswith("/merge"):
        return {"mergee_id": theirs["contact_id"]}
    if path.endswith("/revert"):
        return {"version": 1}
    if "/members" in path:
        return {"contact_ids": [theirs["contact_id"]]}
    resource = path[len(PREFIX) + 1 :].split("/")[0]
    bodies: dict[str, dict[str, object]] = {
        "contacts": {"name": "x"}, "lists": {"name": "xyz"}, "fields": {"name": "x"},
        "tags": {"name": "y"},
    }  # fmt: skip
    return bodies.get(resource, {})


def owned(tenant: Tenant) -> dict[str, object]:
    """One of each resource in `tenant`'s account, by path parameter name."""
    native = tenant.native
    field = native.post("/fields", json={"name": "Secret field"}).json()
    body = {"name": "secret", "tags": ["private"], "custom_fields": {"secret_field": "x"}}
    contact = make_contact(native, **body)
    list_id = make_list(native, "Secret")
    native.post(f"/lists/{list_id}/members", json={"contact_ids": [contact["id"]]})
    entry = native.post("/stoplist", json={"phones": ["+447700900999"], "channels": ["sms"]})
    key = native.post("/keys", json={"scopes": ["read"]}).json()["id"]
    job = native.post("/imports", content=b"phone\n+447700900998\nnope\n",
                      headers={"content-type": "text/csv"}).json()["id"]  # fmt: skip
    twin = make_contact(native, name="secret twin")
    merged = native.post(f"/contacts/{contact['id']}/merge", json={"mergee_id": twin["id"]})
    return {
        "contact_id": contact["id"],
        "list_id": list_id,
        "field_id": field["id"],
        "entry_id": entry.json()["items"][0]["id"],
        "key_id": key,
        "job_id": job,
        "change_id": int(merged.headers["x-contactbook-change"]),
        "name": "private",
    }


def routes(server: LiveServer) -> list[tuple[str, str]]:
    """Every documented native operation that takes an id in its path."""
    spec = server.app.openapi()
    return [
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        if path.startswith(PREFIX) and "{" in path
        for method in operations
    ]


def test_foreign_ids_are_not_found_everywhere(
    server: LiveServer, tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = owned(other_tenant)
    checked = 0
    for method, path in routes(server):
        url = path
        for name, value in theirs.items():
            url = url.replace("{" + name + "}", str(value))
        assert not re.search(r"\{\w+\}", url), f"no value for {path}"
        body = body_for(path, theirs)
        response = tenant.native.request(method, url.removeprefix(PREFIX), json=body)
        assert response.status_code == 404, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        assert response.json()["code"].endswith("not_found")
        checked += 1
    assert checked >= 15
    # and nothing of theirs moved
    assert other_tenant.native.get(f"/contacts/{theirs['contact_id']}").json()["name"] == "secret"
    assert other_tenant.native.get("/tags").json()["items"][0]["name"] == "private"


@pytest.mark.parametrize("path", ["/contacts", "/lists", "/fields", "/tags", "/stoplist"])
def test_listings_show_only_the_callers_data(
    tenant: Tenant, other_tenant: Tenant, path: str
) -> None:
    owned(other_tenant)
    assert tenant.native.get(path).json()["items"] == []


def test_references_to_foreign_ids_in_bodies_are_unknown(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = owned(other_tenant)
    mine = make_list(tenant.native, "Mine")
    response = tenant.native.post("/contacts", json={"lists": [theirs["list_id"]]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "unknown_list"
    members = tenant.native.post(
        f"/lists/{mine}/members", json={"contact_ids": [theirs["contact_id"]]}
    )
    assert members.status_code == 422
    assert members.json()["errors"][0]["code"] == "unknown_contact"
    field = tenant.native.post("/contacts", json={"custom_fields": {"secret_field": "x"}})
    assert field.status_code == 422
    # the same phone may live in two accounts
    phone = {"phone": "+447700900999"}
    assert tenant.native.post("/contacts", json=phone).status_code == 201
    assert other_tenant.native.post("/contacts", json=phone).status_code == 201


def test_foreign_contact_in_a_path_is_not_found(tenant: Tenant, other_tenant: Tenant) -> None:
    theirs = owned(other_tenant)
    mine = make_list(tenant.native, "Mine")
    response = tenant.native.delete(f"/lists/{mine}/members/{theirs['contact_id']}")
    assert response.status_code == 404
    assert response.json()["code"] == "contact_not_found"
