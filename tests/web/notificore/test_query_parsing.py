"""Query strings as real clients write them: percent-encoded brackets, repeated `key[]`,
`key[N]`, a bare trailing `?`, and POSTs whose parameters are in the query with no body."""

from __future__ import annotations

from typing import Any

import pytest
from bsg_api.models import ContactGroupSchema

from tests.web.notificore.support import Notificore, RawResponse, raw_request
from tests.web.notificore.test_contacts import create, new_group


def get(nc: Notificore, target: str) -> RawResponse:
    return raw_request(nc.tenant.server.url, "GET", target, {"Authorization": f"Bearer {nc.token}"})


@pytest.fixture
def grouped(nc: Notificore) -> dict[str, Any]:
    a, b, c = new_group(nc, "Alpha"), new_group(nc, "Beta"), new_group(nc, "Gamma")
    made = {
        name: create(nc, phone, groups=[ContactGroupSchema(id=group)])["id"]
        for name, phone, group in (
            ("a", 380661250001, a),
            ("b", 380661250002, b),
            ("c", 380661250003, c),
        )
    }
    return {"groups": (a, b, c), "contacts": made}


def ids(response: RawResponse) -> list[int]:
    assert response.status == 200, response.body
    return [c["id"] for c in response.json()["data"]]


def test_encoded_and_plain_brackets_and_every_list_spelling(
    nc: Notificore, grouped: dict[str, Any]
) -> None:
    a, b, _ = grouped["groups"]
    both = [grouped["contacts"]["a"], grouped["contacts"]["b"]]
    for target in (
        f"/api/contacts?groups%5B%5D={a}&groups%5B%5D={b}",
        f"/api/contacts?groups[]={a}&groups[]={b}",
        f"/api/contacts?groups[0]={a}&groups[1]={b}",
        f"/api/contacts?groups={a}&groups={b}",
        f"/api/contacts?groups={a},{b}",
    ):
        assert ids(get(nc, target)) == both, target


def test_bare_trailing_question_mark(nc: Notificore, grouped: dict[str, Any]) -> None:
    assert len(ids(get(nc, "/api/contacts?"))) == 3
    assert get(nc, "/api/groups?").json()["total"] == 3


def test_page_limit_and_both_offset_spellings(nc: Notificore, grouped: dict[str, Any]) -> None:
    everyone = ids(get(nc, "/api/contacts"))
    assert ids(get(nc, "/api/contacts?page%5Boffset%5D=1&page%5Blimit%5D=15")) == everyone[1:]
    assert ids(get(nc, "/api/contacts?per[offset]=2&page[limit]=15")) == everyone[2:]


@pytest.mark.parametrize(
    ("target", "key"),
    [
        ("/api/contacts?page[limit]=14", "page[limit]"),
        ("/api/contacts?page[limit]=501", "page[limit]"),
        ("/api/contacts?page[limit]=ten", "page[limit]"),
        ("/api/contacts?page[offset]=-1", "page[offset]"),
        ("/api/contacts?per[offset]=x", "per[offset]"),
        ("/api/contacts?groups[]=x", "groups[]"),
        ("/api/groups?page[limit]=1000", "page[limit]"),
        ("/api/stoplist?page[limit]=0", "page[limit]"),
        ("/api/stoplist/search?contact_group_id=abc", "contact_group_id"),
    ],
)
def test_out_of_range_paging_is_422_naming_the_parameter(
    nc: Notificore, target: str, key: str
) -> None:
    response = get(nc, target)
    assert response.status == 422
    assert response.json() == {
        "message": "The given data was invalid.",
        "errors": {key: [response.json()["errors"][key][0]]},
    }


def test_encoded_search_operators(nc: Notificore, grouped: dict[str, Any]) -> None:
    first = grouped["contacts"]["a"]
    target = (
        "/api/contacts/search?search%5Bfield%5D=id&search%5Boperator%5D=%3E%3D"
        f"&search%5Bvalue%5D={first}&sort=id&way=desc"
    )
    response = get(nc, target)
    assert ids(response)[-1] == first and len(ids(response)) == 3
    assert response.json()["meta"]["search"] == {
        "field": "id",
        "operator": ">=",
        "value": str(first),
    }


def test_bulk_delete_reads_the_query_without_a_body(
    nc: Notificore, grouped: dict[str, Any]
) -> None:
    _, b, _ = grouped["groups"]
    headers = {"Authorization": f"Bearer {nc.token}"}
    response = raw_request(
        nc.tenant.server.url,
        "POST",
        f"/api/contacts/delete?contact_ids%5B%5D={grouped['contacts']['a']}&group_ids[]={b}",
        headers,
    )
    assert response.status == 204 and response.body == b""
    assert "content-type" not in response.headers
    assert ids(get(nc, "/api/contacts")) == [grouped["contacts"]["c"]]


def test_bulk_delete_also_reads_a_json_body(nc: Notificore, grouped: dict[str, Any]) -> None:
    response = nc.http.post("/contacts/delete", json={"contact_ids": [grouped["contacts"]["c"]]})
    assert response.status_code == 204
    assert len(ids(get(nc, "/api/contacts"))) == 2


def test_refresh_with_no_body_and_no_content_type(nc: Notificore) -> None:
    response = raw_request(
        nc.tenant.server.url,
        "POST",
        "/api/auth/refresh",
        {"Authorization": f"Bearer {nc.token}", "Content-Length": "0"},
    )
    assert response.status == 200 and response.json()["bearer"]


def test_non_ascii_json_escapes(nc: Notificore) -> None:
    body = b'{"name": "\\u0421\\u0442\\u0443\\u0434\\u0435\\u043d\\u0442\\u044b", "default": false}'
    response = raw_request(
        nc.tenant.server.url,
        "POST",
        "/api/groups",
        {"Authorization": f"Bearer {nc.token}", "Content-Type": "application/json"},
        body,
    )
    assert response.status == 201
    assert response.json()["data"]["name"] == "Студенты"
