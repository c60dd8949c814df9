"""Inputs found by fuzzing that used to answer 500 (and close the connection): each is now a 4xx
in the dialect's own envelope naming what is wrong, changes nothing, and leaves the keep-alive
connection serving the next request."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.reliability.conftest import Api, assert_connection_kept
from tests.support.factories import Tenant, make_contact

PROBLEM = "application/problem+json"
INVALID_REQUEST = {"code": "invalid_request", "message": "Invalid request"}
LONG = "a" * 60_000  # past SQLite's 50,000-byte LIKE pattern limit

# Keys of our form whose account part cannot be an account id: past 64 bits, 25 digits, more
# digits than int() reads, a superscript that isdigit() accepts and int() refuses.
BAD_KEYS = [
    b"cbk_9223372036854775808_x",
    b"cbk_1234567890123456789012345_x",
    b"cbk_" + b"9" * 5000 + b"_x",
    b"cbk_\xb2_x",
]


def raw(client: httpx.Client, method: str, path: str, body: bytes) -> httpx.Response:
    """Send `body` as given: JSON escapes such as a lone surrogate reach the server verbatim."""
    return client.request(method, path, content=body, headers={"content-type": "application/json"})


def assert_problem(response: httpx.Response, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"] == code, body
    if field is not None:
        assert [error["field"] for error in body["errors"]] == [field], body


def assert_notificore_invalid(response: httpx.Response, field: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["message"] == "The given data was invalid.", body
    assert list(body["errors"]) == [field], body


def assert_helpcrunch_invalid(response: httpx.Response, code: str) -> None:
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert errors[0] == INVALID_REQUEST and [e["code"] for e in errors[1:]] == [code], errors


@pytest.fixture
def seeded(tenant: Tenant) -> dict[str, Any]:
    """A custom field, a list and a contact in both: SQLite only evaluates a LIKE on rows, so
    a search of an empty account never meets the pattern limit."""
    native = tenant.native
    assert native.post("/fields", json={"name": "Plan", "key": "plan"}).status_code == 201
    made = native.post("/lists", json={"name": "Clients", "description": "all"})
    assert made.status_code == 201, made.text
    contact = make_contact(
        native, name="Ada", phone="+442079460958", email="ada@example.com",
        custom_fields={"plan": "gold"}, tags=["vip"], lists=[made.json()["id"]],
    )  # fmt: skip
    fields = native.get("/fields").json()["items"]
    return {"contact": contact, "list": made.json(), "field_id": fields[0]["id"]}


# --- API keys whose account id cannot be one ---------------------------------------------------


def test_keys_naming_impossible_accounts_are_401_in_every_api(
    server: Any, tenant: Tenant, native: Api, notificore: Api, chatwoot: Api, helpcrunch: Api
) -> None:
    for key in BAD_KEYS:
        response = native.client.get("/contacts", headers={b"Authorization": b"Bearer " + key})
        assert_problem(response, 401, "unauthenticated", None)
        assert_connection_kept(native, response)

        response = notificore.client.post("/auth/login", json={"api_key": key.decode("latin-1")})
        assert response.status_code == 401, response.text
        assert response.json() == {"code": 401, "message": "Invalid API key."}
        assert_connection_kept(notificore, response)

        for account in (str(tenant.account_id), "1234567890123456789012345"):
            response = chatwoot.client.get(
                f"{server.url}/api/v1/accounts/{account}/contacts",
                headers={b"api_access_token": key},
            )
            assert response.status_code == 401, response.text
            assert response.json() == {"error": "Invalid Access Token"}
            assert_connection_kept(chatwoot, response)

        response = helpcrunch.client.get("/customers", headers={b"Authorization": b"Bearer " + key})
        assert response.status_code == 401, response.text
        assert response.json()["errors"] == [
            INVALID_REQUEST,
            {"code": "unauthorized", "message": "Unauthorized"},
        ]
        assert_connection_kept(helpcrunch, response)

    # With a good key, an account id in Chatwoot's path that cannot be one is a missing account.
    response = chatwoot.client.get(f"{server.url}/api/v1/accounts/{'9' * 25}/contacts")
    assert response.status_code == 404 and response.json() == {
        "error": "Resource could not be found"
    }
    assert_connection_kept(chatwoot, response)


# --- lone surrogates in JSON bodies ------------------------------------------------------------

SURROGATE_NAME = b'{"name": "\\ud800"}'


def test_lone_surrogates_are_malformed_json_in_every_api(
    tenant: Tenant, native: Api, notificore: Api, chatwoot: Api, helpcrunch: Api
) -> None:
    # A surrogate escape without its pair decodes to no Unicode character: no database can
    # store it, and no reply can echo it.
    for method, path, body in [
        ("POST", "/contacts", SURROGATE_NAME),
        ("POST", "/contacts", b'{"custom_fields": {"\\udc00": "x"}}'),
        ("POST", "/contacts", b'{"additional_attributes": {"k": ["\\ud83d"]}}'),
        ("POST", "/fields", SURROGATE_NAME),
        ("POST", "/lists", b'{"name": "abc\\ud800"}'),
        ("POST", "/contacts", '{"name": "\ud800"}'.encode("utf-8", "surrogatepass")),
    ]:
        response = raw(native.client, method, path, body)
        assert_problem(response, 400, "malformed_json", "body")
        assert_connection_kept(native, response)

    for method, path, body in [
        ("POST", "/customers", SURROGATE_NAME),
        ("PUT", "/customers/batch", b'[{"customer": 1, "name": "\\ud800"}]'),
        ("POST", "/customers/search",
         b'{"filter": [{"field": "customers.name", "operator": "~", "value": "\\ud800"}]}'),
        ("POST", "/events", b'{"name": "\\ud800", "customer": 1}'),
    ]:  # fmt: skip
        response = raw(helpcrunch.client, method, path, body)
        assert response.status_code == 400, response.text
        assert response.json()["errors"] == [
            INVALID_REQUEST,
            {"code": "body", "message": "Invalid JSON"},
        ]
        assert_connection_kept(helpcrunch, response)

    response = raw(notificore.client, "POST", "/groups", SURROGATE_NAME)
    assert response.status_code == 400, response.text
    assert response.json() == {"message": "The request body is not valid JSON.", "errors": []}
    assert_connection_kept(notificore, response)

    response = raw(chatwoot.client, "POST", "/contacts", b'{"inbox_id": 1, "name": "\\ud800"}')
    assert response.status_code == 400, response.text
    assert response.json() == {"status": 400, "error": "Bad Request"}
    assert_connection_kept(chatwoot, response)

    # Nothing was written.
    assert tenant.native.get("/account").json()["contacts"] == 0
    assert tenant.native.get("/fields").json()["items"] == []
    assert tenant.native.get("/lists").json()["items"] == []


# --- offsets past 64 bits ----------------------------------------------------------------------


def test_offsets_past_64_bits_are_refused_naming_the_parameter(
    native: Api, notificore: Api, helpcrunch: Api
) -> None:
    for path in ("/lists", "/stoplist"):
        for offset in ("9223372036854775808", "9" * 5000):
            response = native.client.get(path, params={"offset": offset})
            assert_problem(response, 422, "invalid_input", "offset")
            assert_connection_kept(native, response)

    for path in ("/contacts", "/groups", "/stoplist", "/contacts/search", "/groups/search"):
        response = notificore.client.get(path, params={"page[offset]": "9223372036854775808"})
        assert_notificore_invalid(response, "page[offset]")
        assert_connection_kept(notificore, response)

    response = helpcrunch.client.get("/customers", params={"offset": "9223372036854775808"})
    assert_helpcrunch_invalid(response, "offset")
    assert_connection_kept(helpcrunch, response)


# --- search values longer than any stored text ------------------------------------------------


def test_long_search_values_are_refused_naming_the_parameter_in_every_api(
    seeded: dict[str, Any], native: Api, notificore: Api, chatwoot: Api, helpcrunch: Api
) -> None:
    for params, field in [
        ({"q": LONG}, "q"),
        ({"q": LONG, "count": "true"}, "q"),
        ({"tag": LONG}, "tag"),
        ({"filter": f"name:contains:{LONG}"}, "filter.0"),
        ({"filter": f"plan:starts_with:{LONG}"}, "filter.0"),
        ({"filter": f"email:not_contains:{LONG}"}, "filter.0"),
        ({"filter": f"identity.telegram:contains:{LONG}"}, "filter.0"),
    ]:
        response = native.client.get("/contacts", params=params)
        assert_problem(response, 422, "invalid_input", field)
        assert_connection_kept(native, response)

    custom = str(seeded["field_id"])
    for path, field, operator in [
        ("/contacts/search", custom, "like"),
        ("/contacts/search", "phone", "like"),
        ("/groups/search", "name", "like"),
        ("/groups/search", "description", "="),
        ("/stoplist/search", "phone", "like"),
    ]:
        params = {"search[field]": field, "search[operator]": operator, "search[value]": LONG}
        response = notificore.client.get(path, params=params)
        assert_notificore_invalid(response, "search[value]")
        assert_connection_kept(notificore, response)

    response = chatwoot.client.get("/contacts/search", params={"q": LONG})
    assert response.status_code == 422, response.text
    assert response.json()["attributes"] == ["q"]
    assert_connection_kept(chatwoot, response)
    for key in ("name", "email", "phone_number", "company", "plan"):
        condition = {"attribute_key": key, "filter_operator": "contains", "values": [LONG]}
        response = chatwoot.client.post("/contacts/filter", json={"payload": [condition]})
        assert response.status_code == 422, response.text
        assert response.json() == {
            "error": f"Invalid value. The values provided for {key} are invalid"
        }
        assert_connection_kept(chatwoot, response)

    for field in ("customers.name", "customers.email", "customers.userId", "customers.city"):
        for operator in ("~", "!~", "="):
            condition = {"field": field, "operator": operator, "value": "é" * 30_000}
            response = helpcrunch.client.post("/customers/search", json={"filter": [condition]})
            assert_helpcrunch_invalid(response, "filter[0].value")
            assert_connection_kept(helpcrunch, response)


def test_queries_with_more_conditions_than_sql_can_nest_are_refused(
    seeded: dict[str, Any], native: Api, chatwoot: Api, helpcrunch: Api
) -> None:
    # SQLite refuses an expression nested 1,000 deep; a few hundred conditions reach that.
    many = 2000
    response = native.client.get(
        "/contacts", params=[("filter", f"name:contains:{i}") for i in range(many)]
    )
    assert_problem(response, 422, "invalid_input", "filter")
    assert_connection_kept(native, response)

    payload = [
        {"attribute_key": "name", "filter_operator": "contains", "values": [f"x{i}"],
         "query_operator": "OR"}
        for i in range(many)
    ]  # fmt: skip
    response = chatwoot.client.post("/contacts/filter", json={"payload": payload})
    assert response.status_code == 422, response.text
    assert response.json() == {
        "error": "Invalid value. The values provided for payload are invalid"
    }
    assert_connection_kept(chatwoot, response)

    conditions = [
        {"field": "customers.name", "operator": "~", "value": f"x{i}"} for i in range(many)
    ]
    response = helpcrunch.client.post(
        "/customers/search", json={"comparison": "OR", "filter": conditions}
    )
    assert_helpcrunch_invalid(response, "filter")
    assert_connection_kept(helpcrunch, response)


# --- text that reaches SQL ---------------------------------------------------------------------


def test_nul_in_searched_and_looked_up_text_is_refused_on_both_databases(
    seeded: dict[str, Any], native: Api, notificore: Api, helpcrunch: Api
) -> None:
    # PostgreSQL cannot take NUL in a text parameter; SQLite can, so both refuse it alike.
    for field in ("name", "description"):
        for operator in ("like", "="):
            params = {"search[field]": field, "search[operator]": operator,
                      "search[value]": "a\x00b"}  # fmt: skip
            response = notificore.client.get("/groups/search", params=params)
            assert_notificore_invalid(response, "search[value]")
            assert_connection_kept(notificore, response)

    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("PATCH", "/tags/v%00ip", {"json": {"color": "#ff0000"}}, "name"),
        ("DELETE", "/tags/v%00ip", {}, "name"),
        ("DELETE", f"/contacts/{seeded['contact']['id']}/tags/v%00ip", {}, "name"),
        ("GET", "/contacts", {"params": {"filter": "identity.tele\x00gram:eq:1"}}, "filter.0"),
        ("GET", "/contacts", {"params": {"filter": "pl\x00an:eq:gold"}}, "filter.0"),
        ("POST", "/keys", {"json": {"scopes": ["read"], "name": "k\x00"}}, "name"),
        ("POST", "/keys", {"json": {"scopes": ["read"], "name": "k" * 256}}, "name"),
    ]
    for method, path, kwargs, field in cases:
        response = native.client.request(method, path, **kwargs)
        assert_problem(response, 422, "invalid_input", field)
        assert_connection_kept(native, response)

    response = native.client.post(
        "/imports", params={"list": "Spring\x00"}, content=b"phone\n+442079460959\n",
        headers={"content-type": "text/csv"},
    )  # fmt: skip
    assert_problem(response, 422, "invalid_input", "list")
    assert_connection_kept(native, response)

    contact_id = seeded["contact"]["id"]
    response = helpcrunch.client.request(
        "DELETE", f"/customers/{contact_id}/tags", json={"tags": [{"name": "v\x00ip"}]}
    )
    assert_helpcrunch_invalid(response, "tags[0].name")
    assert_connection_kept(helpcrunch, response)

    # Nothing changed.
    contact = native.client.get(f"/contacts/{contact_id}").json()
    assert contact["tags"] == ["vip"] and contact["version"] == seeded["contact"]["version"]
    assert [key["name"] for key in native.client.get("/keys").json()["items"]] == ["initial"]
    assert native.client.get("/imports").json()["items"] == []


# --- numbers written in other scripts' digits -------------------------------------------------


def test_digits_that_int_cannot_read_are_refused_naming_the_field(
    seeded: dict[str, Any], native: Api, notificore: Api, chatwoot: Api, helpcrunch: Api
) -> None:
    # str.isdigit() accepts superscripts and other scripts' digits; int() refuses some of
    # them, and any run of more than 4,300 digits. As entity tags they are simply not the
    # contact's: the precondition fails.
    contact_id = seeded["contact"]["id"]
    current = f'"{seeded["contact"]["version"]}"'
    for tag in (b'"\xb2"', b'"' + b"1" * 5000 + b'"'):
        response = native.client.patch(
            f"/contacts/{contact_id}", json={"name": "Ada"}, headers={b"If-Match": tag}
        )
        assert_problem(response, 412, "precondition_failed", None)
        assert response.headers["etag"] == current
        assert_connection_kept(native, response)

    for value in ("²", "1" * 5000):
        condition = {"field": "customers.id", "operator": "=", "value": value}
        response = helpcrunch.client.post("/customers/search", json={"filter": [condition]})
        assert_helpcrunch_invalid(response, "filter[0].value")
        assert_connection_kept(helpcrunch, response)

        definition = {
            "attribute_display_name": "Level",
            "attribute_key": "level",
            "attribute_display_type": value,
            "attribute_model": "contact_attribute",
        }
        response = chatwoot.client.post("/custom_attribute_definitions", json=definition)
        assert response.status_code == 422, response.text
        assert response.json()["attributes"] == ["attribute_display_type"]
        assert_connection_kept(chatwoot, response)

    huge = "9" * 5000
    response = notificore.client.get(f"/contacts/{huge}")
    assert response.status_code == 422, response.text
    assert response.json() == {"message": "Invalid contact id", "errors": []}
    assert_connection_kept(notificore, response)
    # A criterion index no request reaches is no criterion, like any unknown parameter.
    response = notificore.client.get(
        "/contacts/search", params={f"search_fields[{huge}][field]": "phone"}
    )
    assert response.status_code == 200, response.text
    assert_connection_kept(notificore, response)

    response = chatwoot.client.get(f"/contacts/{huge}")
    assert response.status_code == 404, response.text
    assert_connection_kept(chatwoot, response)
    response = chatwoot.client.get("/contacts", params={"page": huge})
    assert response.status_code == 200 and response.json()["payload"] == [], response.text
    assert_connection_kept(chatwoot, response)

    response = helpcrunch.client.get(f"/customers/{huge}")
    assert response.status_code == 404, response.text
    assert_connection_kept(helpcrunch, response)

    assert (
        native.client.get(f"/contacts/{contact_id}").json()["version"]
        == (seeded["contact"]["version"])
    )


# --- more tags than one statement can bind ----------------------------------------------------


def test_more_tags_than_a_contact_may_carry_are_refused(native: Api, helpcrunch: Api) -> None:
    response = native.client.post("/contacts", json={"tags": [f"t{i}" for i in range(40_000)]})
    assert_problem(response, 422, "invalid_input", "tags")
    assert_connection_kept(native, response)
    assert native.client.get("/tags").json()["items"] == []
