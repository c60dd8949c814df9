"""One store: what Notificore writes the native API reads (same id, phone, fields, lists), and
the other way round."""

from __future__ import annotations

from bsg_api.models import (
    ContactFieldType,
    ContactFieldValuePair,
    ContactGroupSchema,
    StoplistAddRequest,
)

from tests.support.factories import make_contact, make_list
from tests.web.notificore.support import Notificore, json_of
from tests.web.notificore.test_contacts import create, get, new_field, new_group


def test_written_here_read_natively(nc: Notificore) -> None:
    group = new_group(nc, "Cross")
    name = new_field(nc, "Full name")
    seats = new_field(nc, "Seats", ContactFieldType.NUMBER)
    born = new_field(nc, "Born", ContactFieldType.DATE)
    made = create(
        nc,
        85267202829,
        groups=[ContactGroupSchema(id=group)],
        fields=[
            ContactFieldValuePair(id=name, value="TARAS IVANOV"),
            ContactFieldValuePair(id=seats, value="12"),
            ContactFieldValuePair(id=born, value="1990-05-01 00:00:00"),
        ],
    )
    native = nc.tenant.native.get(f"/contacts/{made['id']}").json()
    assert native["id"] == made["id"]
    assert native["phone"] == "+85267202829"
    assert native["custom_fields"] == {
        "full_name": "TARAS IVANOV",
        "seats": 12,
        "born": "1990-05-01T00:00:00Z",
    }
    assert native["lists"] == [group]
    native_list = nc.tenant.native.get(f"/lists/{group}").json()
    assert native_list["name"] == "Cross" and native_list["items"] == 1


def test_written_natively_read_here(nc: Notificore) -> None:
    native = nc.tenant.native
    assert native.post("/fields", json={"name": "Plan"}).status_code == 201
    assert native.post("/fields", json={"name": "Seats", "type": "number"}).status_code == 201
    list_id = make_list(native, "Native list")
    made = make_contact(
        native,
        phone="+44 20 7946 0958",
        name="Ada",
        custom_fields={"plan": "gold", "seats": 3},
        lists=[list_id],
    )
    fields = {f.name: f.id for f in nc.fields.contact_fields().data or []}
    contact = get(nc, made["id"])
    assert contact["id"] == made["id"] and contact["phone"] == 442079460958
    assert contact["fields"] == {str(fields["Plan"]): "gold", str(fields["Seats"]): "3"}
    assert [g["id"] for g in contact["groups"]] == [list_id]
    # and a change here shows there
    body = {"phone": 442079460958, "fields": [{"id": fields["Plan"], "value": "silver"}]}
    json_of(nc.http.put(f"/contacts/{made['id']}", json=body), 200)
    after = native.get(f"/contacts/{made['id']}").json()
    assert after["custom_fields"] == {"plan": "silver", "seats": 3}
    assert after["name"] == "Ada"  # what Notificore cannot say is left alone


def test_stop_list_and_deletes_are_shared(nc: Notificore) -> None:
    nc.stoplist.stoplist_add(StoplistAddRequest(phones=[442079460959], types=["sms"]))
    items = nc.tenant.native.get("/stoplist").json()["items"]
    assert [(e["phone"], e["channels"]) for e in items] == [("+442079460959", ["sms"])]
    made = create(nc, 442079460959)
    assert nc.tenant.native.delete(f"/contacts/{made['id']}").status_code == 204
    assert nc.http.get(f"/contacts/{made['id']}").status_code == 422
