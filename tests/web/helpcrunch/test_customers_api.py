"""HelpCrunch customers over HTTP: create, read, list, PUT vs PATCH, delete."""

from __future__ import annotations

import httpx

from tests.support.factories import Tenant, make_contact, make_customer, make_list
from tests.web.helpcrunch.conftest import codes_of, define, errors_of

ORDER = [
    "id", "name", "email", "userId", "company", "phone", "firstSeen", "lastSeen", "location",
    "device", "unsubscribed", "blocked", "source", "referer", "lastPage", "locale", "createdFrom",
    "integrationId", "notes", "tags", "customData",
]  # fmt: skip


def test_create_answers_201_with_the_bare_customer(hc: httpx.Client) -> None:
    response = hc.post(
        "/customers",
        json={"name": "Ann", "email": "Ann@Example.com", "userId": "u-1", "firstSeen": 1603885746,
              "lastSeen": "1603885800", "createdFrom": "api", "integrationId": 42,
              "tags": [{"name": "Lead"}, {"name": "PPC", "color": "#ccc"}]},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ORDER
    assert isinstance(body["id"], int)
    assert body["email"] == "ann@example.com" and body["userId"] == "u-1"
    assert body["firstSeen"] == "1603885746" and body["lastSeen"] == "1603885800"
    assert body["createdFrom"] == "api" and body["integrationId"] == "42"
    assert body["location"] == {"regionCode": None, "countryCode": None, "city": None}
    assert body["device"] is None and body["unsubscribed"] is False and body["blocked"] is False
    assert body["tags"] == [{"name": "Lead", "color": "#c377e0"}, {"name": "PPC", "color": "#ccc"}]
    assert body["customData"] == {}


def test_an_empty_body_creates_an_empty_customer(hc: httpx.Client) -> None:
    body = make_customer(hc)
    assert body["name"] is None and body["tags"] == [] and body["customData"] == {}


def test_get_reads_what_was_written(hc: httpx.Client) -> None:
    made = make_customer(hc, name="Ann", phone="+44 20 7946 0958", city="London", countryCode="gb")
    read = hc.get(f"/customers/{made['id']}")
    assert read.status_code == 200
    assert read.json() == made
    assert made["phone"] == "+442079460958"
    assert made["location"] == {"regionCode": None, "countryCode": "GB", "city": "London"}


def test_location_is_written_flat_or_as_the_object(hc: httpx.Client) -> None:
    made = make_customer(
        hc, location={"city": "Kyiv", "countryCode": "UA", "regionCode": "Kyiv Oblast"}
    )
    assert made["location"] == {"regionCode": "Kyiv Oblast", "countryCode": "UA", "city": "Kyiv"}
    patched = hc.patch(f"/customers/{made['id']}", json={"city": "Lviv"}).json()
    assert patched["location"] == {"regionCode": "Kyiv Oblast", "countryCode": "UA", "city": "Lviv"}
    cleared = hc.patch(f"/customers/{made['id']}", json={"location": None}).json()
    assert cleared["location"] == {"regionCode": None, "countryCode": None, "city": None}


def test_put_sets_everything_the_body_leaves_out_to_null(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text")
    made = make_contact(
        tenant.native, name="Ann", email="ann@example.com", external_id="u-1", company="ACME",
        phone="+442079460958", city="London", locale="en", notes="n", blocked=True,
        unsubscribed=True, first_seen="2024-01-01T00:00:00Z", tags=["vip"],
        custom_fields={"plan": "gold"}, created_from="telegram", integration_id="77",
        device={"id": 1, "platform": "desktop"}, additional_attributes={"kept": True},
    )  # fmt: skip
    list_id = make_list(tenant.native, "Clients")
    tenant.native.post(f"/lists/{list_id}/members", json={"contact_ids": [made["id"]]})
    response = hc.put(f"/customers/{made['id']}", json={"name": "Bob"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Bob"
    for key in ("email", "userId", "company", "phone", "firstSeen", "lastSeen", "source",
                "referer", "lastPage", "locale", "notes"):  # fmt: skip
        assert body[key] is None, key
    assert body["location"] == {"regionCode": None, "countryCode": None, "city": None}
    assert body["blocked"] is False and body["unsubscribed"] is False
    assert body["tags"] == [] and body["customData"] == {}
    # where the customer came from, its device, and what HelpCrunch cannot show stay
    assert body["createdFrom"] == "telegram" and body["integrationId"] == "77"
    assert body["device"] == {"id": 1, "platform": "desktop"}
    native = tenant.native.get(f"/contacts/{made['id']}").json()
    assert native["lists"] == [list_id]
    assert native["additional_attributes"] == {"kept": True}


def test_patch_changes_only_what_is_given_and_null_clears(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text", seats="number")
    made = make_customer(
        hc, name="Ann", email="ann@example.com", company="ACME", blocked=True, tags=["vip"],
        customData=[{"property": "plan", "value": "gold"}, {"property": "seats", "value": 3}],
    )  # fmt: skip
    response = hc.patch(
        f"/customers/{made['id']}",
        json={"company": None, "notes": "hi", "customData": [{"property": "seats", "value": 5}]},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["company"] is None and body["notes"] == "hi"
    assert body["name"] == "Ann" and body["email"] == "ann@example.com"
    assert body["blocked"] is True and body["tags"] == [{"name": "vip", "color": "#c377e0"}]
    assert body["customData"] == {"plan": "gold", "seats": 5}
    removed = hc.patch(
        f"/customers/{made['id']}", json={"customData": [{"property": "plan", "value": None}]}
    )
    assert removed.json()["customData"] == {"seats": 5}


def test_tags_in_an_update_replace_the_tags(hc: httpx.Client) -> None:
    made = make_customer(hc, tags=[{"name": "a"}, {"name": "b"}])
    body = hc.patch(f"/customers/{made['id']}", json={"tags": [{"name": "c"}]}).json()
    assert [tag["name"] for tag in body["tags"]] == ["c"]


def test_a_customer_read_can_be_written_back_unchanged(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, paid="date", score="number")
    made = make_customer(
        hc, name="Ann", userId="u-9", city="Kyiv", firstSeen="1603885746", tags=[{"name": "x"}],
        customData=[{"property": "paid", "value": "1603885746"},
                    {"property": "score", "value": 1.5}],
    )  # fmt: skip
    again = hc.put(f"/customers/{made['id']}", json=made)
    assert again.status_code == 200, again.text
    assert again.json() == made


def test_custom_data_keeps_json_types(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, n="number", f="number", d="date", b="boolean", t="text", day="date")
    made = make_customer(
        hc,
        customData=[{"property": "n", "value": "15"}, {"property": "f", "value": 15.99},
                    {"property": "d", "value": 1603885746}, {"property": "b", "value": "true"},
                    {"property": "t", "value": 15}, {"property": "day", "value": "2024-05-01"}],
    )  # fmt: skip
    assert made["customData"] == {
        "n": 15, "f": 15.99, "d": 1603885746, "b": True, "t": "15", "day": 1714521600,
    }  # fmt: skip


def test_custom_data_must_be_defined_first(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text", seats="number")
    response = hc.post(
        "/customers",
        json={"name": "x", "customData": [{"property": "plan", "value": "gold"},
                                          {"property": "nope", "value": 1},
                                          {"property": "seats", "value": "many"}]},
    )  # fmt: skip
    assert codes_of(response) == ["customData[1].property", "customData[2].value"]
    assert hc.get("/customers").json()["total"] == 0
    fields = tenant.native.get("/fields").json()["items"]
    assert sorted(f["key"] for f in fields) == ["plan", "seats"]  # nothing defined on the fly


def test_custom_data_values_must_be_scalars(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text")
    response = hc.post("/customers", json={"customData": [{"property": "plan", "value": [1]}]})
    assert codes_of(response) == ["customData[0].value"]


def test_duplicate_user_id_is_invalid_user_id_value(hc: httpx.Client) -> None:
    make_customer(hc, userId="u-1", email="a@example.com")
    response = hc.post("/customers", json={"userId": "u-1"})
    assert codes_of(response) == ["invalid_userId_value"]
    other = hc.post("/customers", json={"email": "A@example.com"})
    assert codes_of(other) == ["email"]
    assert hc.get("/customers").json()["total"] == 1


def test_bad_values_name_their_fields(hc: httpx.Client) -> None:
    response = hc.post(
        "/customers",
        json={"email": "nope", "phone": "call me", "name": 5, "blocked": "yes",
              "firstSeen": "yesterday", "tags": [{"color": "#fff"}]},
    )  # fmt: skip
    items = errors_of(response, 400)
    assert {i["code"] for i in items} == {"name", "blocked", "firstSeen", "tags[0].name"}
    assert {i["code"]: i["message"] for i in items}["firstSeen"] == (
        "This value should be of type numeric."
    )
    domain = hc.post("/customers", json={"email": "nope", "phone": "call me"})
    assert {i["code"]: i["message"] for i in errors_of(domain, 400)} == {
        "email": "This value is not a valid email address.",
        "phone": "This value is not a valid phone number.",
    }


def test_delete_answers_ok_then_the_customer_is_gone(hc: httpx.Client) -> None:
    made = make_customer(hc, name="Ann")
    response = hc.delete(f"/customers/{made['id']}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == b'"Ok"'
    assert codes_of(hc.get(f"/customers/{made['id']}"), 404) == ["not_found"]
    assert codes_of(hc.delete(f"/customers/{made['id']}"), 404) == ["not_found"]


def test_ids_are_numbers_only(hc: httpx.Client) -> None:
    make_customer(hc)
    for bad in ("abc", "1.0", "-1", "0", "99999999999999999999", "%201"):
        response = hc.get(f"/customers/{bad}")
        assert errors_of(response, 404) == [{"code": "not_found", "message": "Customer not found"}]
        assert codes_of(hc.put(f"/customers/{bad}", json={}), 404) == ["not_found"]


def test_list_pages_with_a_top_level_total(hc: httpx.Client) -> None:
    made = [make_customer(hc, name=f"c{i}") for i in range(5)]
    first = hc.get("/customers", params={"limit": 2})
    assert first.status_code == 200
    assert list(first.json()) == ["data", "total"]
    assert first.json()["total"] == 5
    assert [c["id"] for c in first.json()["data"]] == [made[0]["id"], made[1]["id"]]
    rest = hc.get("/customers", params={"offset": 2, "limit": 100}).json()
    assert [c["name"] for c in rest["data"]] == ["c2", "c3", "c4"] and rest["total"] == 5
    assert hc.get("/customers", params={"offset": 10}).json() == {"data": [], "total": 5}


def test_list_sorts_by_first_or_last_seen(hc: httpx.Client) -> None:
    early = make_customer(hc, firstSeen=100, lastSeen=900)
    late = make_customer(hc, firstSeen=200, lastSeen=800)
    never = make_customer(hc)
    ids = {early["id"]: "early", late["id"]: "late", never["id"]: "never"}

    def order(**params: str) -> list[str]:
        return [ids[c["id"]] for c in hc.get("/customers", params=params).json()["data"]]

    assert order(sort="customers.firstSeen") == ["early", "late", "never"]
    assert order(sort="customers.firstSeen", order="DESC") == ["late", "early", "never"]
    assert order(sort="customers.lastSeen", order="desc") == ["early", "late", "never"]
    assert order(sort="customers.lastSeen", order="asc") == ["late", "early", "never"]
    assert order() == ["early", "late", "never"]


def test_list_parameters_are_checked(hc: httpx.Client) -> None:
    assert codes_of(hc.get("/customers", params={"limit": 101})) == ["limit"]
    assert codes_of(hc.get("/customers", params={"limit": 0})) == ["limit"]
    assert codes_of(hc.get("/customers", params={"offset": -1})) == ["offset"]
    assert codes_of(hc.get("/customers", params={"offset": 10**20})) == ["offset"]
    assert codes_of(hc.get("/customers", params={"limit": "many"})) == ["limit"]
    assert codes_of(hc.get("/customers", params={"sort": "customers.name"})) == ["sort"]
    assert codes_of(hc.get("/customers", params={"order": "up"})) == ["order"]
