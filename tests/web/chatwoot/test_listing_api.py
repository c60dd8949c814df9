"""Chatwoot contact listing and search: pages of 15, meta, sort, labels, contact inboxes."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.factories import Tenant, make_chatwoot_contact, make_contact


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [contact["id"] for contact in response.json()["payload"]]


def make(cw: httpx.Client, **body: Any) -> int:
    return int(make_chatwoot_contact(cw, **body)["id"])


def test_pages_of_15_with_total_and_echoed_page(cw: httpx.Client) -> None:
    made = [make(cw, email=f"c{n}@example.com") for n in range(32)]
    first = cw.get("/contacts")
    assert first.json()["meta"] == {"count": 32, "current_page": 1}
    assert ids(first) == made[:15]
    second = cw.get("/contacts", params={"page": "2"})
    assert second.json()["meta"] == {"count": 32, "current_page": "2"}
    assert ids(second) == made[15:30]
    assert ids(cw.get("/contacts", params={"page": 3})) == made[30:]
    assert ids(cw.get("/contacts", params={"page": 4})) == []
    for odd in ("0", "-3", "abc"):
        response = cw.get("/contacts", params={"page": odd})
        assert ids(response) == made[:15] and response.json()["meta"]["current_page"] == odd
    assert ids(cw.get("/contacts", params={"page": "2abc"})) == made[15:30]


def test_list_shows_resolved_contacts_only(cw: httpx.Client, tenant: Tenant) -> None:
    nameless = make_contact(tenant.native, name="No way to reach")["id"]
    reachable = [
        make(cw, email="e@example.com"),
        make(cw, phone_number="+14155552671"),
        make(cw, identifier="ext-1"),
    ]
    listing = cw.get("/contacts")
    assert ids(listing) == reachable and listing.json()["meta"]["count"] == 3
    # search looks at every contact of the account
    assert ids(cw.get("/contacts/search", params={"q": "reach"})) == [nameless]


def test_sort_keys_directions_and_lists(cw: httpx.Client) -> None:
    b = make(cw, name="b", email="z@example.com")
    a = make(cw, name="A", email="y@example.com", additional_attributes={"city": "Lviv"})
    c = make(cw, name="c", phone_number="+14155552671", additional_attributes={"city": "Kyiv"})
    blank = make(cw, email="x@example.com")
    assert ids(cw.get("/contacts", params={"sort": "name"})) == [blank, a, b, c]
    assert ids(cw.get("/contacts", params={"sort": "-name"})) == [c, b, a, blank]
    assert ids(cw.get("/contacts", params={"sort": "email"})) == [blank, a, b, c]
    assert ids(cw.get("/contacts", params={"sort": "-email"})) == [c, b, a, blank]
    assert ids(cw.get("/contacts", params={"sort": "city,-name"})) == [c, a, b, blank]
    assert ids(cw.get("/contacts", params={"sort": "-city"})) == [a, c, b, blank]
    assert ids(cw.get("/contacts", params={"sort": "nonsense,-nothing"})) == [b, a, c, blank]
    assert ids(cw.get("/contacts", params={"sort": "-created_at"})) == [blank, c, a, b]


def test_labels_filter_keeps_contacts_with_any_label(cw: httpx.Client) -> None:
    vip = make(cw, email="a@example.com")
    lead = make(cw, email="b@example.com")
    make(cw, email="c@example.com")
    cw.post(f"/contacts/{vip}/labels", json={"labels": ["vip"]})
    cw.post(f"/contacts/{lead}/labels", json={"labels": ["lead", "cold"]})
    both = cw.get("/contacts", params=[("labels[]", "VIP"), ("labels[]", "lead")])
    assert ids(both) == [vip, lead] and both.json()["meta"]["count"] == 2
    assert ids(cw.get("/contacts", params={"labels": "cold"})) == [lead]


def test_contact_inboxes_are_included_unless_asked_not_to(cw: httpx.Client, inbox_id: int) -> None:
    make(cw, inbox_id=inbox_id, email="a@example.com")
    for path, params in (("/contacts", {}), ("/contacts/search", {"q": "a@"})):
        included = cw.get(path, params=params).json()["payload"][0]
        assert included["contact_inboxes"][0]["inbox"]["id"] == inbox_id
        assert isinstance(included["contact_inboxes"][0]["source_id"], str)
        explicit = cw.get(path, params={**params, "include_contact_inboxes": "true"})
        assert "contact_inboxes" in explicit.json()["payload"][0]
        for value in ("false", "0", ""):
            left_out = cw.get(path, params={**params, "include_contact_inboxes": value})
            assert "contact_inboxes" not in left_out.json()["payload"][0]


def test_search_matches_like_chatwoot(cw: httpx.Client) -> None:
    ada = make(cw, name="Ada Lovelace", email="ada@example.com", identifier="CaseSensitive")
    bob = make(cw, name="Bob", phone_number="+14155552671")
    assert ids(cw.get("/contacts/search", params={"q": "  LOVE  "})) == [ada]
    assert ids(cw.get("/contacts/search", params={"q": "ADA@EXAMPLE"})) == [ada]
    assert ids(cw.get("/contacts/search", params={"q": "555267"})) == [bob]
    assert ids(cw.get("/contacts/search", params={"q": "+1415"})) == [bob]
    assert ids(cw.get("/contacts/search", params={"q": "CaseSens"})) == [ada]
    assert ids(cw.get("/contacts/search", params={"q": "casesens"})) == []
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = cw.get("/contacts/search", params=params)
        assert response.status_code == 422
        assert response.json() == {"error": "Specify search string with parameter q"}


def test_search_pages_say_whether_more_follow(cw: httpx.Client) -> None:
    made = [make(cw, email=f"many{n}@example.com") for n in range(16)]
    first = cw.get("/contacts/search", params={"q": "many"})
    assert first.json()["meta"] == {"count": 15, "current_page": 1, "has_more": True}
    assert ids(first) == made[:15]
    second = cw.get("/contacts/search", params={"q": "many", "page": "2"})
    assert second.json()["meta"] == {"count": 1, "current_page": "2", "has_more": False}
    assert ids(cw.get("/contacts/search", params={"q": "many", "page": "0"})) == made[:15]
    assert ids(cw.get("/contacts/search", params={"q": "many", "sort": "-email"}))[0] == made[9]


def test_active_contacts_are_none_without_presence(cw: httpx.Client) -> None:
    make(cw, email="a@example.com")
    assert cw.get("/contacts/active").json() == {
        "meta": {"count": 0, "current_page": 1},
        "payload": [],
    }
    assert cw.get("/contacts/active", params={"page": "2"}).json()["meta"]["current_page"] == "2"
