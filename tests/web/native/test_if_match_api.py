"""If-Match on native contact writes (RFC 9110 §13.1.1): a list of entity tags compared
strongly, or `*`; when none matches the answer is 412 with the current ETag, and nothing
changes."""

from __future__ import annotations

import httpx
import pytest

from tests.support.factories import Tenant, make_contact

# Entity tags that are not the current one ("1") under strong comparison, and values that are
# no entity tags at all: none of them matches.
NOT_MATCHING = [
    '"stale"',
    '"2"',
    '"01"',
    '"+1"',
    'W/"1"',  # a weak tag never matches under strong comparison
    '"2", W/"1"',
    '"1',
    "1",
    "yesterday",
    '"1" garbage',
    "",
    '"\xb2"',
    '"' + "1" * 5000 + '"',
]
MATCHING = ['"1"', '"7" ,\t"1"', '"7", "1"', 'W/"1", "1"', '"a,b", "1"', ',"1",', "*"]


def write(tenant: Tenant, method: str, url: str, if_match: str) -> httpx.Response:
    body = None if method == "DELETE" else {"name": "Changed"}
    # Latin-1, as HTTP carries header bytes; httpx would refuse the non-ASCII ones as text.
    headers = {b"If-Match": if_match.encode("latin-1")}
    return tenant.native.request(method, url, json=body, headers=headers)


def assert_precondition_failed(response: httpx.Response, current: int) -> None:
    assert response.status_code == 412, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["etag"] == f'"{current}"'
    assert response.json()["code"] == "precondition_failed"


@pytest.mark.parametrize("method", ["PATCH", "PUT", "DELETE"])
def test_tags_that_do_not_match_answer_412_and_change_nothing(tenant: Tenant, method: str) -> None:
    made = make_contact(tenant.native, name="Ann")
    url = f"/contacts/{made['id']}"
    for if_match in NOT_MATCHING:
        assert_precondition_failed(write(tenant, method, url, if_match), 1)
    after = tenant.native.get(url)
    assert after.status_code == 200
    assert (after.json()["name"], after.headers["etag"]) == ("Ann", '"1"')


@pytest.mark.parametrize("if_match", MATCHING)
def test_a_list_matches_when_any_member_does_and_star_matches_any(
    tenant: Tenant, if_match: str
) -> None:
    made = make_contact(tenant.native, name="Ann")
    url = f"/contacts/{made['id']}"
    patched = write(tenant, "PATCH", url, if_match)
    assert patched.status_code == 200, patched.text
    assert patched.headers["etag"] == '"2"'
    replaced = write(tenant, "PUT", url, if_match.replace("1", "2"))
    assert replaced.status_code == 200, replaced.text
    assert write(tenant, "DELETE", url, if_match.replace("1", "2")).status_code == 204
    assert tenant.native.get(url).status_code == 404


def test_header_lines_are_one_list(tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Ann")
    url = f"/contacts/{made['id']}"
    headers = [("If-Match", '"5"'), ("If-Match", '"1"')]
    assert tenant.native.patch(url, json={"name": "B"}, headers=headers).status_code == 200


def test_another_accounts_contact_looks_missing_whatever_the_tag(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = make_contact(other_tenant.native, name="Theirs")
    for if_match in ('"1"', '"stale"', "*", "yesterday"):
        for method in ("PATCH", "PUT", "DELETE"):
            response = write(tenant, method, f"/contacts/{theirs['id']}", if_match)
            missing = write(tenant, method, "/contacts/987654321", if_match)
            assert response.status_code == missing.status_code == 404, response.text
            assert response.json() == {**missing.json(), "detail": response.json()["detail"]}
            assert "etag" not in response.headers
    assert other_tenant.native.get(f"/contacts/{theirs['id']}").json()["version"] == 1


def test_batch_items_carry_if_match(tenant: Tenant) -> None:
    first, second = make_contact(tenant.native, name="A"), make_contact(tenant.native, name="B")
    stale = tenant.native.patch(
        "/contacts",
        json={"items": [{"id": first["id"], "name": "A2", "if_match": '"1"'},
                        {"id": second["id"], "name": "B2", "if_match": '"stale"'}]},
    )  # fmt: skip
    assert_precondition_failed(stale, 1)
    assert [e["field"] for e in stale.json()["errors"]] == ["items.1.if_match"]
    listed = tenant.native.get("/contacts").json()["items"]
    assert [(c["name"], c["version"]) for c in listed] == [("A", 1), ("B", 1)]

    weak = tenant.native.patch(
        "/contacts", json={"items": [{"id": first["id"], "name": "A2", "if_match": 'W/"1"'}]}
    )
    assert_precondition_failed(weak, 1)

    done = tenant.native.patch(
        "/contacts",
        json={"items": [{"id": first["id"], "name": "A2", "if_match": '"9", "1"'},
                        {"id": second["id"], "name": "B2", "if_match": "*"},
                        {"id": first["id"], "notes": "n"}]},
    )  # fmt: skip
    assert done.status_code == 200, done.text
    assert [(c["name"], c["version"]) for c in done.json()["items"]] == [
        ("A2", 3),
        ("B2", 2),
        ("A2", 3),
    ]
