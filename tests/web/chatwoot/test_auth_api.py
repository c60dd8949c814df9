"""Chatwoot authentication and routing: the token header, the order of Chatwoot's checks, its
401 bodies, and the paths Rails accepts."""

from __future__ import annotations

import httpx
import pytest

from tests.support.factories import Tenant, make_chatwoot_contact, make_contact
from tests.support.live import LiveServer
from tests.web.chatwoot.conftest import PREFIX

SIGN_IN = {"errors": ["You need to sign in or sign up before continuing."]}
NOT_FOUND = {"error": "Resource could not be found"}


def test_missing_or_blank_token_gets_devises_body(server: LiveServer, tenant: Tenant) -> None:
    url = f"{server.url}{PREFIX}/{tenant.account_id}/contacts"
    for headers in ({}, {"api_access_token": ""}, {"Api-Access-Token": ""}):
        response = httpx.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json() == SIGN_IN


@pytest.mark.parametrize(
    "token", ["nonsense", "cbk_1_not-a-real-key", "cbk_999999_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]
)
def test_unknown_token_is_invalid_access_token(
    server: LiveServer, tenant: Tenant, token: str
) -> None:
    response = httpx.get(
        f"{server.url}{PREFIX}/{tenant.account_id}/contacts", headers={"api_access_token": token}
    )
    assert response.status_code == 401
    assert response.json() == {"error": "Invalid Access Token"}


@pytest.mark.parametrize("name", ["api_access_token", "Api-Access-Token", "API_ACCESS_TOKEN"])
def test_header_spellings_rack_accepts(server: LiveServer, tenant: Tenant, name: str) -> None:
    response = httpx.get(
        f"{server.url}{PREFIX}/{tenant.account_id}/contacts", headers={name: tenant.api_key}
    )
    assert response.status_code == 200, response.text


def test_account_checks_come_in_chatwoots_order(
    server: LiveServer, tenant: Tenant, other_tenant: Tenant
) -> None:
    headers = {"api_access_token": tenant.api_key}
    unknown = httpx.get(f"{server.url}{PREFIX}/987654321/contacts", headers=headers)
    assert unknown.status_code == 404 and unknown.json() == NOT_FOUND
    garbage = httpx.get(f"{server.url}{PREFIX}/abc/contacts", headers=headers)
    assert garbage.status_code == 404 and garbage.json() == NOT_FOUND
    foreign = httpx.get(f"{server.url}{PREFIX}/{other_tenant.account_id}/contacts", headers=headers)
    assert foreign.status_code == 401
    assert foreign.json() == {"error": "You are not authorized to access this account"}
    # a bad token loses before the account is even looked at
    bad = httpx.get(
        f"{server.url}{PREFIX}/987654321/contacts", headers={"api_access_token": "nonsense"}
    )
    assert bad.status_code == 401 and bad.json() == {"error": "Invalid Access Token"}


def test_another_accounts_contact_is_not_found(
    cw: httpx.Client, server: LiveServer, other_tenant: Tenant
) -> None:
    theirs = make_contact(other_tenant.native, email="x@example.com")["id"]
    for method, path in [
        ("GET", f"/contacts/{theirs}"),
        ("PATCH", f"/contacts/{theirs}"),
        ("PUT", f"/contacts/{theirs}"),
        ("DELETE", f"/contacts/{theirs}"),
        ("GET", f"/contacts/{theirs}/labels"),
        ("POST", f"/contacts/{theirs}/labels"),
        ("GET", f"/contacts/{theirs}/contactable_inboxes"),
        ("GET", f"/contacts/{theirs}/conversations"),
        ("POST", f"/contacts/{theirs}/destroy_custom_attributes"),
        ("DELETE", f"/contacts/{theirs}/avatar"),
    ]:
        response = cw.request(method, path, json={"name": "mine now", "labels": ["x"]})
        assert (response.status_code, response.json()) == (404, NOT_FOUND), (method, path)
    assert other_tenant.native.get(f"/contacts/{theirs}").json()["name"] is None


def test_another_accounts_definitions_and_inboxes_are_not_found(
    cw: httpx.Client, other_tenant: Tenant
) -> None:
    field = other_tenant.native.post("/fields", json={"name": "Secret"}).json()["id"]
    inbox = other_tenant.native.post("/inboxes", json={"name": "Theirs"}).json()["id"]
    for method in ("GET", "PATCH", "PUT", "DELETE"):
        response = cw.request(
            method, f"/custom_attribute_definitions/{field}", json={"attribute_key": "mine"}
        )
        assert (response.status_code, response.json()) == (404, NOT_FOUND), method
    assert cw.get("/custom_attribute_definitions").json() == []
    mine = make_chatwoot_contact(cw, email="a@example.com")
    attach = cw.post(f"/contacts/{mine['id']}/contact_inboxes", json={"inbox_id": inbox})
    assert (attach.status_code, attach.json()) == (404, NOT_FOUND)
    create = cw.post("/contacts", json={"inbox_id": inbox, "email": "b@example.com"})
    assert (create.status_code, create.json()) == (404, NOT_FOUND)
    assert cw.get(f"/contacts/{mine['id']}/contactable_inboxes").json() == {"payload": []}
    assert other_tenant.native.get(f"/fields/{field}").json()["key"] == "secret"


def test_delete_is_for_administrators_only(
    server: LiveServer, tenant: Tenant, cw: httpx.Client
) -> None:
    made = make_chatwoot_contact(cw, email="a@example.com")
    writer = tenant.native.post("/keys", json={"scopes": ["read", "write"]}).json()["api_key"]
    url = f"{server.url}{PREFIX}/{tenant.account_id}/contacts/{made['id']}"
    refused = httpx.delete(url, headers={"api_access_token": writer})
    assert refused.status_code == 401
    assert refused.json() == {"error": "You are not authorized to do this action"}
    # the same key may update
    updated = httpx.patch(url, headers={"api_access_token": writer}, json={"name": "B"})
    assert updated.status_code == 200
    done = cw.delete(f"/contacts/{made['id']}")
    assert done.status_code == 200 and done.content == b""
    assert cw.get(f"/contacts/{made['id']}").status_code == 404


def test_a_read_only_key_cannot_write(server: LiveServer, tenant: Tenant) -> None:
    reader = tenant.native.post("/keys", json={"scopes": ["read"]}).json()["api_key"]
    base = f"{server.url}{PREFIX}/{tenant.account_id}"
    headers = {"api_access_token": reader}
    assert httpx.get(f"{base}/contacts", headers=headers).status_code == 200
    refused = httpx.post(f"{base}/contacts", headers=headers, json={"name": "x"})
    assert refused.status_code == 401
    assert refused.json() == {"error": "You are not authorized to do this action"}
    assert tenant.native.get("/account").json()["contacts"] == 0


def test_double_slashes_and_json_suffix_route_like_rails(
    server: LiveServer, tenant: Tenant
) -> None:
    headers = {"api_access_token": tenant.api_key}
    for path in (
        f"//api/v1/accounts/{tenant.account_id}/contacts",
        f"/api/v1/accounts/{tenant.account_id}/contacts.json",
        f"//api/v1/accounts/{tenant.account_id}//contacts.json",
    ):
        response = httpx.get(server.url + path, headers=headers)
        assert response.status_code == 200, path
        assert response.json()["payload"] == []


def test_unknown_routes_and_verbs_are_chatwoots_404(cw: httpx.Client) -> None:
    for method, path in [
        ("GET", "/nothing"),
        ("GET", "/contacts/1/nothing"),
        ("PATCH", "/contacts"),
        ("DELETE", "/custom_attribute_definitions"),
    ]:
        response = cw.request(method, path)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), (method, path)


def test_malformed_json_is_rails_400(cw: httpx.Client, tenant: Tenant) -> None:
    response = cw.post(
        "/contacts", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json() == {"status": 400, "error": "Bad Request"}
    assert tenant.native.get("/account").json()["contacts"] == 0


def test_empty_and_empty_object_bodies_are_fine_on_get_and_delete(cw: httpx.Client) -> None:
    made = make_chatwoot_contact(cw, email="a@example.com")
    headers = {"content-type": "application/json; charset=utf-8"}
    assert cw.request("GET", "/contacts", content=b"", headers=headers).status_code == 200
    assert cw.request("GET", "/contacts", content=b"{}", headers=headers).status_code == 200
    deleted = cw.request("DELETE", f"/contacts/{made['id']}", content=b"{}", headers=headers)
    assert deleted.status_code == 200


def test_deleting_a_custom_attribute_definition_is_for_administrators_only(
    server: LiveServer, tenant: Tenant, cw: httpx.Client
) -> None:
    made = cw.post(
        "/custom_attribute_definitions",
        json={"attribute_display_name": "Plan", "attribute_key": "plan", "attribute_model": 1},
    )
    assert made.status_code == 200, made.text
    path = f"/custom_attribute_definitions/{made.json()['id']}"
    writer = tenant.native.post("/keys", json={"scopes": ["read", "write"]}).json()["api_key"]
    url = f"{server.url}{PREFIX}/{tenant.account_id}{path}"
    refused = httpx.delete(url, headers={"api_access_token": writer})
    assert refused.status_code == 401
    assert refused.json() == {"error": "You are not authorized to do this action"}
    assert cw.get(path).status_code == 200  # still there
    assert httpx.get(url, headers={"api_access_token": writer}).status_code == 200
    assert cw.delete(path).status_code == 204
    assert cw.get(path).status_code == 404
