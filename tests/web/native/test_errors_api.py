"""Bad input gets problem+json naming the field, and changes nothing."""

from __future__ import annotations

import pytest

from tests.support.factories import Tenant, make_contact

PROBLEM = "application/problem+json"


def test_malformed_json_is_400(tenant: Tenant) -> None:
    response = tenant.native.post(
        "/contacts", content=b'{"phone": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "malformed_json" and body["status"] == 400
    assert body["errors"][0]["field"] == "body"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": 5}, "name"),
        ({"blocked": "yes"}, "blocked"),
        ({"lists": ["one"]}, "lists.0"),
        ({"tags": "vip"}, "tags"),
        ({"custom_fields": {"x": {"nested": 1}}}, "custom_fields.x"),
        ({"first_seen": "last tuesday"}, "first_seen"),
        ({"unknown_attribute": 1}, "unknown_attribute"),
        ({"phone": "not a phone"}, "phone"),
        ({"email": "not an email"}, "email"),
        ({"name": "x" * 256}, "name"),
        ({"lists": [123456789]}, "lists.0"),
    ],
)
def test_wrong_input_names_the_field_and_changes_nothing(
    tenant: Tenant,
    body: dict,
    field: str,
) -> None:
    response = tenant.native.post("/contacts", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"].startswith("urn:contactbook:problem:")
    assert problem["status"] == 422 and problem["title"]
    assert field in [error["field"] for error in problem["errors"]]
    assert tenant.native.get("/contacts", params={"count": "true"}).json()["total"] == 0


def test_a_failed_patch_changes_nothing(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="A", phone="+447700900500")
    response = tenant.native.patch(
        f"/contacts/{made['id']}",
        json={"name": "B", "phone": "+447700900501", "email": "broken", "tags": ["t"]},
    )
    assert response.status_code == 422
    after = tenant.native.get(f"/contacts/{made['id']}").json()
    assert after == made
    assert tenant.native.get("/tags").json()["items"] == []


def test_missing_or_bad_credentials(tenant: Tenant) -> None:
    url = tenant.native.base_url.join("/contactbook/v1/contacts")
    for headers in ({}, {"Authorization": "Bearer cbk_1_wrong"}, {"Authorization": "Basic x"},
                    {"Authorization": "Bearer"}):  # fmt: skip
        response = tenant.native.get(url, headers={**headers, "Authorization":
                                                   headers.get("Authorization", "")})  # fmt: skip
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_unknown_paths_and_methods(tenant: Tenant) -> None:
    missing = tenant.native.get("/nothing-here")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM
    wrong = tenant.native.request("PUT", "/contacts")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == PROBLEM


def test_health_needs_no_key(tenant: Tenant) -> None:
    response = tenant.native.get(tenant.server.url + "/healthz", headers={"Authorization": ""})
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_openapi_documents_the_native_api(tenant: Tenant) -> None:
    spec = tenant.native.get(tenant.server.url + "/openapi.json").json()
    assert "/contactbook/v1/contacts" in spec["paths"]
    operations = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"CreateContact", "ListContacts", "UpdateContact", "CreateList"} <= operations
    assert tenant.native.get(tenant.server.url + "/docs").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "params"),
    [
        ("POST", "/contacts", {"name": "a\x00b"}, None),
        ("POST", "/contacts", {"additional_attributes": {"k": "v\x00"}}, None),
        ("POST", "/contacts", {"tags": ["t\x00"]}, None),
        ("POST", "/lists", {"name": "abc\x00"}, None),
        ("GET", "/contacts", None, {"q": "x\x00"}),
        ("GET", "/contacts/lookup", None, {"external_id": "x\x00"}),
    ],
)
def test_nul_characters_are_refused_on_both_databases(
    tenant: Tenant, method: str, path: str, body: object, params: object
) -> None:
    response = tenant.native.request(method, path, json=body, params=params)  # type: ignore[arg-type]
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "invalid_value"
