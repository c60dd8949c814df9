"""Every failure answers in HelpCrunch's envelope: auth, unknown paths, bad JSON, scopes, and
another account's customers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.factories import Tenant, make_customer
from tests.support.live import LiveServer
from tests.web.helpcrunch.conftest import codes_of, errors_of, helpcrunch_client

UNAUTHORIZED = [{"code": "unauthorized", "message": "Unauthorized"}]

# Every route of the API with a body that would succeed, `{id}` a customer of the caller's.
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/customers", None),
    ("POST", "/customers", {"name": "x"}),
    ("POST", "/customers/search", {}),
    ("PUT", "/customers/batch", [{"customer": "{id}", "name": "x"}]),
    ("GET", "/customers/{id}", None),
    ("PUT", "/customers/{id}", {"name": "x"}),
    ("PATCH", "/customers/{id}", {"name": "x"}),
    ("PUT", "/customers/{id}/tags", {"tags": [{"name": "x"}]}),
    ("DELETE", "/customers/{id}/tags", {"tags": [{"name": "x"}]}),
    ("POST", "/events", {"name": "x", "customer": "{id}"}),
    ("DELETE", "/customers/{id}", None),
]


def send(client: httpx.Client, method: str, path: str, body: Any, customer: int) -> httpx.Response:
    def fill(value: Any) -> Any:
        if value == "{id}":
            return customer
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    url = path.replace("{id}", str(customer))
    return (
        client.request(method, url, json=fill(body))
        if body is not None
        else client.request(method, url)
    )


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic abc"},
     {"Authorization": "Bearer cbk_1_wrong"}, {"Authorization": "wrong"}],
)  # fmt: skip
def test_every_route_wants_a_valid_key(
    server: LiveServer, tenant: Tenant, hc: httpx.Client, headers: dict[str, str]
) -> None:
    customer = make_customer(hc, name="Ann")["id"]
    with httpx.Client(base_url=server.url + "/v1", headers=headers) as anonymous:
        for method, path, body in ROUTES:
            response = send(anonymous, method, path, body, customer)
            assert errors_of(response, 401) == UNAUTHORIZED, (method, path)
    assert hc.get(f"/customers/{customer}").json()["name"] == "Ann"


def test_the_scheme_is_case_insensitive(tenant: Tenant) -> None:
    with httpx.Client(
        base_url=tenant.server.url + "/v1", headers={"Authorization": f"bearer  {tenant.api_key}"}
    ) as client:
        assert client.get("/customers").status_code == 200


def test_another_accounts_customers_look_missing_everywhere(
    tenant: Tenant, other_tenant: Tenant, hc: httpx.Client
) -> None:
    theirs = make_customer(hc, name="Secret", tags=[{"name": "private"}])["id"]
    with helpcrunch_client(other_tenant.server.url, other_tenant.api_key) as intruder:
        checked = 0
        for method, path, body in ROUTES:
            if "{id}" not in path and not (isinstance(body, list | dict) and "{id}" in str(body)):
                continue
            response = send(intruder, method, path, body, theirs)
            assert codes_of(response, 404) == ["not_found"], (method, path)
            checked += 1
        assert checked == 8
        assert intruder.get("/customers").json() == {"data": [], "total": 0}
        found = intruder.post("/customers/search", json={"filter": []}).json()
        assert found == {"data": [], "total": 0}
    mine = hc.get(f"/customers/{theirs}").json()
    assert mine["name"] == "Secret" and mine["tags"][0]["name"] == "private"


def test_a_read_only_key_cannot_write(tenant: Tenant, hc: httpx.Client) -> None:
    made = make_customer(hc, name="Ann")
    key = tenant.native.post("/keys", json={"scopes": ["read"]}).json()["api_key"]
    with helpcrunch_client(tenant.server.url, key) as reader:
        assert reader.get(f"/customers/{made['id']}").status_code == 200
        assert reader.post("/customers/search", json={}).status_code == 200
        for method, path, body in ROUTES:
            if method == "GET" or path == "/customers/search":
                continue
            response = send(reader, method, path, body, made["id"])
            assert codes_of(response, 403) == ["forbidden"], (method, path)
    assert hc.get(f"/customers/{made['id']}").json()["name"] == "Ann"


def test_unknown_paths_and_methods(hc: httpx.Client) -> None:
    assert errors_of(hc.get("/nothing"), 404) == [{"code": "not_found", "message": "Not found"}]
    assert codes_of(hc.get("/customers/1/nothing"), 404) == ["not_found"]
    assert codes_of(hc.get("/customers/search"), 404) == ["not_found"]  # an id that is no number
    assert codes_of(hc.post("/customers/batch", json=[]), 405) == ["method_not_allowed"]
    assert codes_of(hc.delete("/customers"), 405) == ["method_not_allowed"]


def test_bodies_must_be_json_objects(hc: httpx.Client) -> None:
    broken = hc.post(
        "/customers", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert errors_of(broken, 400) == [{"code": "body", "message": "Invalid JSON"}]
    assert codes_of(hc.post("/customers", json=["name"])) == ["body"]
    assert codes_of(hc.post("/customers/search", json="x")) == ["body"]
    assert hc.get("/customers").json()["total"] == 0


def test_json_is_read_whatever_the_content_type_says(hc: httpx.Client) -> None:
    response = hc.post(
        "/customers",
        content=b'{"name": "Form"}',
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201 and response.json()["name"] == "Form"
