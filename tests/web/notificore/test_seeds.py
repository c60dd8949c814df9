"""The two seed documents replayed: their requests byte for byte, their responses key by key.

`update-contact.request.json` is the seed's request example for PUT /api/contacts/{id}. The
seed text lost the lines holding only brackets and the group id; they are restored (the group
id as 1, the id of the list in the seed's response example), and every line the seed kept is
there verbatim. The replay runs on a fresh database whose ids are placed so that the field id
25964 and the group id 1 exist, as they did for the vendor.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contactbook.storage.migrate import migrate
from tests.conftest import test_settings as settings_for
from tests.support.databases import fresh_database
from tests.support.factories import Tenant, make_tenant
from tests.support.live import LiveServer
from tests.support.sequences import set_next_id
from tests.web.notificore.support import Notificore, RawResponse, connect, json_of, raw_request

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "notificore"
SEED_REQUEST_LINES = [
    '    "phone": 85267202829,',
    '    "groups": [',
    '    "fields": [',
    '            "id": 25964,',
    '            "value": "TARAS IVANOV"',
]
MOMENT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")

# The seeds' response parameters: key → JSON type(s).
CONTACT_SHAPE: dict[str, tuple[type, ...]] = {
    "id": (int,),
    "phone": (int,),
    "fields": (dict,),
    "created_at": (str,),
    "groups": (list,),
    "hlr_status": (str,),
    "hlr_last_check": (str, type(None)),
}
UPDATE_GROUP_SHAPE: dict[str, tuple[type, ...]] = {
    "id": (int,),
    "name": (str,),
    "description": (str, type(None)),
    "default": (bool,),
    "created_at": (str,),
}
LIST_GROUP_SHAPE = {**UPDATE_GROUP_SHAPE, "items": (int,), "stop_list_count": (int,)}


@pytest.fixture(scope="module")
def seed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with fresh_database(Path(tmp_path_factory.mktemp("seed-db"))) as url:
        asyncio.run(migrate(url))
        live = LiveServer(settings_for(url)).start()
        assert live.db is not None
        live.call(set_next_id, live.db, "fields", 25964)
        yield live
        live.stop()


@pytest.fixture(scope="module")
def seeded(seed_server: LiveServer) -> Iterator[tuple[Notificore, int]]:
    """An account with the seed's group (id 1) and field (id 25964) and one contact."""
    tenant: Tenant = make_tenant(seed_server)
    nc = connect(tenant)
    group = json_of(nc.http.post("/groups", json={"name": "Seed group"}), 201)["data"]
    field = json_of(
        nc.http.post("/contacts/fields", json={"name": "Full name", "type": "text"}), 201
    )
    assert (group["id"], field["data"]["id"]) == (1, 25964)
    contact = json_of(nc.http.post("/contacts", json={"phone": 380661260001}), 201)["data"]
    yield nc, contact["id"]
    nc.close()
    tenant.close()


def check_shape(value: dict[str, Any], shape: dict[str, tuple[type, ...]]) -> None:
    for key, types in shape.items():
        assert key in value, key
        assert type(value[key]) in types, (key, value[key])
    for key in ("created_at", "hlr_last_check"):
        if isinstance(value.get(key), str):
            assert MOMENT.match(value[key]), (key, value[key])


def send(nc: Notificore, method: str, target: str, body: bytes | None = None) -> RawResponse:
    headers = {"Authorization": f"Bearer {nc.token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return raw_request(nc.tenant.server.url, method, target, headers, body)


def test_the_fixture_keeps_every_line_of_the_seed_request() -> None:
    lines = (FIXTURES / "update-contact.request.json").read_text().splitlines()
    for line in SEED_REQUEST_LINES:
        assert line in lines, line


def test_update_contact_seed(seeded: tuple[Notificore, int]) -> None:
    nc, contact_id = seeded
    body = (FIXTURES / "update-contact.request.json").read_bytes()
    response = send(nc, "PUT", f"/api/contacts/{contact_id}", body)
    assert response.status == 200, response.body
    payload = response.json()
    assert list(payload) == ["data"]
    data = payload["data"]
    check_shape(data, CONTACT_SHAPE)
    assert data["id"] == contact_id
    assert data["phone"] == 85267202829
    assert data["fields"] == {"25964": "TARAS IVANOV"}
    assert len(data["groups"]) == 1
    check_shape(data["groups"][0], UPDATE_GROUP_SHAPE)
    assert data["groups"][0]["id"] == 1 and data["groups"][0]["default"] is False
    assert data["hlr_status"] == "unknown" and data["hlr_last_check"] is None
    # replaying it changes nothing more
    again = send(nc, "PUT", f"/api/contacts/{contact_id}", body)
    assert again.json()["data"] == data


@pytest.mark.parametrize(
    "target",
    [
        "/api/contacts",
        "/api/contacts?page[limit]=15",
        "/api/contacts?page[limit]=30&per[offset]=0",
        "/api/contacts?page[limit]=30&per[offset]=0&groups=1",
        "/api/contacts?page[limit]=30&per[offset]=0&groups[]=1",
    ],
)
def test_list_contacts_seed(seeded: tuple[Notificore, int], target: str) -> None:
    nc, contact_id = seeded
    if json_of(nc.http.get(f"/contacts/{contact_id}"), 200)["data"]["groups"] == []:
        send(
            nc,
            "PUT",
            f"/api/contacts/{contact_id}",
            (FIXTURES / "update-contact.request.json").read_bytes(),
        )
    response = send(nc, "GET", target)
    assert response.status == 200, response.body
    payload = response.json()
    assert list(payload) == ["data", "total"]
    assert type(payload["total"]) is int and payload["total"] == 1
    (contact,) = payload["data"]
    check_shape(contact, CONTACT_SHAPE)
    assert contact["id"] == contact_id and contact["fields"] == {"25964": "TARAS IVANOV"}
    (group,) = contact["groups"]
    check_shape(group, LIST_GROUP_SHAPE)
    assert group["items"] == 1 and group["stop_list_count"] == 0


def test_list_contacts_seed_offset_skips(seeded: tuple[Notificore, int]) -> None:
    nc, _ = seeded
    response = send(nc, "GET", "/api/contacts?page[limit]=15&per[offset]=1")
    assert response.json() == {"data": [], "total": 1}
