"""Native listing: cursor pages, sorts, text search, list/tag/field filters, totals."""

from __future__ import annotations

import pytest

from contactbook.domain.inboxes import ChannelType
from contactbook.services import inboxes
from contactbook.storage.uow import UnitOfWork
from tests.support.factories import Tenant, make_contact, make_contacts, make_list


@pytest.fixture
def populated(tenant: Tenant) -> Tenant:
    native = tenant.native
    assert native.post("/fields", json={"name": "Plan"}).status_code == 201
    assert native.post("/fields", json={"name": "Seats", "type": "number"}).status_code == 201
    vip = make_list(native, "VIP")
    for n in range(25):
        body = {
            "name": f"Person {n:02d}",
            "email": f"person{n}@{'gmail.com' if n % 2 else 'example.org'}",
            "phone": f"+4477009{n:05d}",
            "custom_fields": {"plan": "gold" if n % 5 == 0 else "basic", "seats": n},
            "tags": ["even"] if n % 2 == 0 else [],
            "lists": [vip] if n < 10 else [],
        }
        make_contact(native, **body)
    tenant.vip = vip  # type: ignore[attr-defined]
    return tenant


def collect(tenant: Tenant, **params: str | int | list[str]) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        page = tenant.native.get("/contacts", params=query)
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return items
        cursor = body["next_cursor"]


def test_cursor_pages_cover_everything_once(populated: Tenant) -> None:
    every = collect(populated, limit=7)
    assert len(every) == 25
    ids = [c["id"] for c in every]
    assert ids == sorted(ids) and len(set(ids)) == 25


@pytest.mark.parametrize("sort", ["-id", "created_at", "-created_at", "updated_at"])
def test_every_sort_pages_consistently(populated: Tenant, sort: str) -> None:
    one_page = populated.native.get("/contacts", params={"limit": 100, "sort": sort}).json()
    paged = collect(populated, limit=4, sort=sort)
    assert [c["id"] for c in paged] == [c["id"] for c in one_page["items"]]


def test_totals_on_request(populated: Tenant) -> None:
    body = populated.native.get("/contacts", params={"limit": 2, "count": "true"}).json()
    assert body["total"] == 25 and len(body["items"]) == 2
    assert "total" not in populated.native.get("/contacts", params={"limit": 2}).json()


def test_text_search(populated: Tenant) -> None:
    found = collect(populated, q="PERSON 1")
    assert sorted(c["name"] for c in found) == [f"Person {n}" for n in range(10, 20)]
    assert len(collect(populated, q="gmail")) == 12
    assert [c["name"] for c in collect(populated, q="447700900007")] == ["Person 07"]
    assert collect(populated, q="100%") == []  # wildcards are literal


def test_filters(populated: Tenant) -> None:
    assert len(collect(populated, list=populated.vip)) == 10  # type: ignore[attr-defined]
    assert len(collect(populated, tag="EVEN")) == 13
    assert len(collect(populated, filter="plan:eq:gold")) == 5
    assert len(collect(populated, filter=["seats:gte:20", "plan:eq:gold"])) == 1
    assert len(collect(populated, filter="seats:lt:3")) == 3
    assert len(collect(populated, filter="email:contains:GMAIL")) == 12
    assert len(collect(populated, filter="plan:ne:gold")) == 20
    assert len(collect(populated, filter="company:absent")) == 25
    total = populated.native.get(
        "/contacts",
        params={"list": populated.vip, "count": "true", "limit": 1},  # type: ignore[attr-defined]
    ).json()["total"]
    assert total == 10


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filter": "nosuch:eq:1"}, "custom_fields.nosuch"),
        ({"filter": "plan:like:x"}, "filter.0"),
        ({"filter": "seats:eq:many"}, "custom_fields.seats"),
        ({"filter": "plan"}, "filter.0"),
        ({"cursor": "garbage"}, "cursor"),
        ({"limit": 1001}, "limit"),
        ({"sort": "name"}, "sort"),
    ],
)
def test_bad_listing_parameters_name_the_parameter(
    populated: Tenant,
    params: dict,
    field: str,
) -> None:
    response = populated.native.get("/contacts", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field


def test_cursor_from_another_sort_is_refused(populated: Tenant) -> None:
    first = populated.native.get("/contacts", params={"limit": 2, "sort": "-id"}).json()
    response = populated.native.get(
        "/contacts", params={"limit": 2, "cursor": first["next_cursor"]}
    )
    assert response.status_code == 422


def test_text_operators_on_number_fields_read_the_number_as_text(populated: Tenant) -> None:
    found = collect(populated, filter="seats:contains:2")
    assert sorted(c["custom_fields"]["seats"] for c in found) == [2, 12, 20, 21, 22, 23, 24]
    found = collect(populated, filter="seats:starts_with:1")
    assert len(found) == 11  # 1 and 10..19


def test_filter_by_channel_identity(tenant: Tenant) -> None:
    made = make_contacts(tenant.native, {"name": "a"}, {"name": "b"})

    async def in_telegram(uow: UnitOfWork) -> None:
        inbox = await inboxes.create_inbox(uow, tenant.ctx, "Bot", ChannelType.TELEGRAM)
        await inboxes.add_contact_identity(uow, tenant.ctx, made[1], inbox.id, "tg-42")

    tenant.unit(in_telegram)

    def ids(filter_: str) -> list[int]:
        page = tenant.native.get("/contacts", params={"filter": filter_})
        assert page.status_code == 200, page.text
        return [c["id"] for c in page.json()["items"]]

    assert ids("identity.telegram:eq:tg-42") == [made[1]]
    assert ids("identity.telegram:ne:tg-42") == [made[0]]
    assert ids("identity.telegram:present") == [made[1]]
    assert ids("identity.viber:present") == []
