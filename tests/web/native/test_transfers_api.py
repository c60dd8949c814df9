"""Native import jobs and exports over HTTP."""

from __future__ import annotations

import csv
import io

import orjson

from contactbook.domain.imports import OBJECT_KEYS
from contactbook.web.dialects.native.schemas import ContactChangeIn
from tests.support.factories import Tenant, make_contact, make_contacts, make_list
from tests.support.jobs import wait_for_job

CSV = (
    b"phone,email,name,tags,plan\n"
    b"+447700900001,one@example.com,One,vip,gold\n"
    b"+447700900002,two@example.com,Two,,basic\n"
    b"not a phone,three@example.com,Three,,\n"
    b"+447700900001,,One again,lead,\n"
)


def upload(tenant: Tenant, content: bytes, **params: str) -> dict:
    response = tenant.native.post(
        "/imports", content=content, params=params, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 202, response.text
    assert response.headers["location"] == response.json()["links"]["self"]
    return response.json()


def test_raw_csv_upload_imports_in_the_background(tenant: Tenant) -> None:
    job = upload(tenant, CSV, list="Imported")
    assert job["state"] in ("queued", "running", "succeeded")
    done = wait_for_job(tenant.native, job["links"]["self"].removeprefix("/contactbook/v1"))
    assert done["state"] == "succeeded", done
    assert done["counts"] == {"rows": 4, "created": 2, "updated": 1, "skipped": 0, "rejected": 1}
    assert done["progress"]["percent"] == 100
    errors = tenant.native.get(done["links"]["errors"].removeprefix("/contactbook/v1"))
    assert errors.status_code == 200
    rows = list(csv.reader(io.StringIO(errors.text)))
    assert rows[0][:3] == ["line", "field", "reason"]
    assert rows[1][:2] == ["4", "phone"]
    listed = tenant.native.get("/contacts", params={"count": "true"}).json()
    assert listed["total"] == 2
    one = next(c for c in listed["items"] if c["phone"] == "+447700900001")
    assert one["name"] == "One again" and one["tags"] == ["vip", "lead"]
    assert one["custom_fields"] == {"plan": "gold"}
    lists = tenant.native.get("/lists").json()["items"]
    assert [(item["name"], item["items"]) for item in lists] == [("Imported", 2)]


def test_multipart_upload_and_ndjson(tenant: Tenant) -> None:
    lines = b'{"phone": "+447700900011", "custom_fields": {"plan": "x"}}\n[1,2]\n'
    response = tenant.native.post(
        "/imports", files={"file": ("people.ndjson", lines, "application/octet-stream")}
    )
    assert response.status_code == 202, response.text
    assert response.json()["format"] == "ndjson"
    assert response.json()["filename"] == "people.ndjson"
    done = wait_for_job(tenant.native, f"/imports/{response.json()['id']}")
    assert done["counts"]["created"] == 1 and done["counts"]["rejected"] == 1


def test_an_ndjson_line_takes_the_keys_a_native_contact_takes() -> None:
    # One schema: a key the API refuses is refused in an import too, and the other way round.
    # A batch item's `if_match` is the item's condition, not an attribute of the contact.
    assert set(ContactChangeIn.model_fields) - {"if_match"} == OBJECT_KEYS


def test_rerunning_the_same_file_creates_nothing_new(tenant: Tenant) -> None:
    wait_for_job(tenant.native, f"/imports/{upload(tenant, CSV)['id']}")
    again = wait_for_job(tenant.native, f"/imports/{upload(tenant, CSV)['id']}")
    assert again["counts"]["created"] == 0
    assert again["counts"]["updated"] == 3
    skipped = wait_for_job(
        tenant.native, f"/imports/{upload(tenant, CSV, on_conflict='skip')['id']}"
    )
    assert skipped["counts"]["skipped"] == 3
    assert tenant.native.get("/account").json()["contacts"] == 2


def test_a_file_that_cannot_be_imported_fails_clearly(tenant: Tenant) -> None:
    job = upload(tenant, b"phone,phone\n1,2\n")
    done = wait_for_job(tenant.native, f"/imports/{job['id']}")
    assert done["state"] == "failed"
    assert "repeats a column" in done["message"]
    empty = tenant.native.post("/imports", content=b"", headers={"content-type": "text/csv"})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "file"
    bad_format = tenant.native.post("/imports", content=b"x", params={"format": "xlsx"})
    assert bad_format.status_code == 422


def test_export_streams_and_reimports_to_the_same_data(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    wait_for_job(tenant.native, f"/imports/{upload(tenant, CSV, list='Imported')['id']}")
    exported = tenant.native.get("/contacts/export")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    done = wait_for_job(
        other_tenant.native, f"/imports/{upload(other_tenant, exported.content)['id']}"
    )
    assert done["counts"]["created"] == 2 and done["counts"]["rejected"] == 0
    again = other_tenant.native.get("/contacts/export").text
    strip = lambda text: [line.split(",", 1)[1] for line in text.splitlines()]  # noqa: E731
    assert strip(again) == strip(exported.text)
    ndjson = tenant.native.get("/contacts/export", params={"format": "ndjson"})
    assert ndjson.headers["content-type"] == "application/x-ndjson"
    objects = [orjson.loads(line) for line in ndjson.content.splitlines()]
    assert {o["phone"] for o in objects} == {"+447700900001", "+447700900002"}
    assert all(o["lists"] == ["Imported"] for o in objects)


def test_export_of_one_list_and_of_a_missing_list(tenant: Tenant) -> None:
    list_id = make_list(tenant.native, "Chosen")
    make_contacts(tenant.native, {"name": "in", "lists": [list_id]}, {"name": "out"})
    body = tenant.native.get("/contacts/export", params={"list": list_id}).text
    assert len(body.splitlines()) == 2 and ",in," in body
    missing = tenant.native.get("/contacts/export", params={"list": 999_999_999})
    assert missing.status_code == 404


def test_export_job_writes_a_downloadable_file(tenant: Tenant) -> None:
    make_contact(tenant.native, phone="+447700900099")
    job = tenant.native.post("/exports", params={"format": "ndjson"})
    assert job.status_code == 202
    done = wait_for_job(tenant.native, f"/exports/{job.json()['id']}")
    assert done["state"] == "succeeded"
    file = tenant.native.get(done["links"]["file"].removeprefix("/contactbook/v1"))
    assert orjson.loads(file.content.splitlines()[0])["phone"] == "+447700900099"
    assert [j["id"] for j in tenant.native.get("/exports").json()["items"]] == [done["id"]]


def test_a_row_naming_a_list_that_cannot_exist_is_refused_alone(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    theirs = make_list(other_tenant.native, "Theirs")
    content = (
        b"phone,name,lists\n"
        b"+447700900021,One,Friends\n"
        b"+447700900022,Two,ab\n"
        + f"+447700900023,Three,[{theirs}]\n".encode()
        + b"+447700900024,Four,Friends\n"
    )
    done = wait_for_job(tenant.native, f"/imports/{upload(tenant, content)['id']}")
    assert done["state"] == "succeeded", done
    assert done["counts"] == {"rows": 4, "created": 2, "updated": 0, "skipped": 0, "rejected": 2}
    errors = tenant.native.get(done["links"]["errors"].removeprefix("/contactbook/v1"))
    rows = list(csv.reader(io.StringIO(errors.text)))
    assert [row[:2] for row in rows[1:]] == [["3", "lists"], ["4", "lists"]]
    assert f"No list {theirs}." in rows[2][2]  # another account's list looks missing
    lists = tenant.native.get("/lists").json()["items"]
    assert [(item["name"], item["items"]) for item in lists] == [("Friends", 2)]
