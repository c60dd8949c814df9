"""Another account's ids look exactly like unknown ones on every Notificore route that takes
an id in its path, and listings show only the caller's data."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from contactbook.web.dialects.notificore import contacts, fields, groups, login, stoplist
from tests.web.notificore.support import Notificore, json_of
from tests.web.notificore.test_contacts import create, new_field, new_group

# What an unknown id of each path parameter answers, and a valid body for writes.
EXPECTED = {
    "contact_id": ({"message": "Invalid contact id", "errors": []}, {"phone": 380661270009}),
    "group_id": ({"message": "Contact group is not found", "errors": []}, {"name": "Mine"}),
    "field_id": ({"message": "Contact field is not found", "errors": []}, {"name": "Mine"}),
}


def id_routes() -> list[tuple[str, str, str]]:
    """(method, path, parameter) of every dialect route with an id in its path."""
    found: list[tuple[str, str, str]] = []
    routes = [r for m in (login, fields, contacts, groups, stoplist) for r in m.router.routes]
    for route in routes:
        if isinstance(route, Route) and "{" in route.path:
            parameter = route.path.split("{")[1].split("}")[0]
            found.extend((method, route.path, parameter) for method in route.methods or ())
    return found


def owned(nc: Notificore) -> dict[str, Any]:
    group = new_group(nc, "Secret group")
    field = new_field(nc, "Secret field")
    body = {"phone": 380661270001, "groups": [group], "fields": [{"id": field, "value": "x"}]}
    contact = json_of(nc.http.post("/contacts", json=body), 201)["data"]
    return {"contact_id": contact["id"], "group_id": group, "field_id": field}


def test_foreign_ids_are_unknown_on_every_route(nc: Notificore, other_nc: Notificore) -> None:
    theirs = owned(other_nc)
    before = json_of(other_nc.http.get(f"/contacts/{theirs['contact_id']}"), 200)
    checked = 0
    for method, path, parameter in id_routes():
        if method == "HEAD":
            continue
        expected, body = EXPECTED[parameter]
        url = path.replace("{" + parameter + "}", str(theirs[parameter]))
        response = nc.http.request(method, url, json=body if method in ("PUT", "PATCH") else None)
        assert json_of(response, 422) == expected, (method, path)
        checked += 1
    assert checked >= 7
    assert json_of(other_nc.http.get(f"/contacts/{theirs['contact_id']}"), 200) == before


def test_listings_and_references_stay_in_the_account(nc: Notificore, other_nc: Notificore) -> None:
    theirs = owned(other_nc)
    other_nc.http.post("/stoplist/attach", json={"phones": [380661270001], "types": ["sms"]})
    for path in ("/contacts", "/groups", "/stoplist"):
        assert json_of(nc.http.get(path), 200) == {"data": [], "total": 0}, path
    assert json_of(nc.http.get("/contacts/fields"), 200) == {"data": []}
    for path in ("/contacts/search", "/groups/search", "/stoplist/search"):
        assert json_of(nc.http.get(path), 200)["data"] == [], path
    # their field id cannot be written by this account
    body = {"phone": 380661270002, "fields": [{"id": theirs["field_id"], "value": "x"}]}
    assert list(json_of(nc.http.post("/contacts", json=body), 422)["errors"]) == ["fields0id"]
    # their group is not a filter that finds anything, nor a bulk delete that deletes anything
    create(nc, 380661270003)
    assert (
        json_of(nc.http.get("/contacts", params={"groups[]": theirs["group_id"]}), 200)["total"]
        == 0
    )
    nc.contacts.contacts_delete(group_ids=[theirs["group_id"]])
    assert json_of(other_nc.http.get("/contacts"), 200)["total"] == 1
    # the same phone may live in both accounts
    assert nc.http.post("/contacts", json={"phone": 380661270001}).status_code == 201
