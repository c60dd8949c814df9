"""Chatwoot's contact import and export, answered as Chatwoot does and run as store jobs."""

from __future__ import annotations

import csv
import io

import httpx

from tests.support.factories import Tenant, make_chatwoot_contact
from tests.support.jobs import wait_for_job

CHATWOOT_CSV = (
    b"name,email,phone_number,identifier,city\n"
    b"Ada,ada@example.com,+447700900001,crm-1,London\n"
    b"Bob,bob@example.com,+447700900002,crm-2,\n"
    b"Bad,not-an-email,,crm-3,\n"
)


def test_import_takes_chatwoot_columns(cw: httpx.Client, tenant: Tenant) -> None:
    response = cw.post(
        "/contacts/import", files={"import_file": ("c.csv", CHATWOOT_CSV, "text/csv")}
    )
    assert response.status_code == 200
    assert response.content == b""
    job = tenant.native.get("/imports").json()["items"][0]
    done = wait_for_job(tenant.native, f"/imports/{job['id']}")
    assert done["counts"] == {"rows": 3, "created": 2, "updated": 0, "skipped": 0, "rejected": 1}
    listed = cw.get("/contacts").json()["payload"]
    assert {(c["identifier"], c["phone_number"]) for c in listed} == {
        ("crm-1", "+447700900001"), ("crm-2", "+447700900002"),
    }  # fmt: skip
    ada = next(c for c in listed if c["identifier"] == "crm-1")
    assert ada["additional_attributes"]["city"] == "London"


def test_blank_or_missing_files_are_refused_as_chatwoot_does(cw: httpx.Client) -> None:
    blank = cw.post("/contacts/import", files={"import_file": ("c.csv", b"", "text/csv")})
    assert (blank.status_code, blank.json()) == (422, {"error": "File is blank"})
    missing = cw.post("/contacts/import", files={"other": ("c.csv", b"x", "text/csv")})
    assert (missing.status_code, missing.json()) == (422, {"error": "File is blank"})


def test_only_administrators_import_and_export(cw: httpx.Client, tenant: Tenant) -> None:
    key = tenant.native.post("/keys", json={"scopes": ["write"]}).json()["api_key"]
    for path in ("/contacts/import", "/contacts/export"):
        denied = cw.post(path, headers={"api_access_token": key},
                         files={"import_file": ("c.csv", CHATWOOT_CSV, "text/csv")})  # fmt: skip
        assert denied.status_code == 401
        assert denied.json() == {"error": "You are not authorized to do this action"}


def test_export_becomes_a_downloadable_file(cw: httpx.Client, tenant: Tenant) -> None:
    make_chatwoot_contact(cw, name="Ada", phone_number="+447700900007")
    response = cw.post("/contacts/export")
    assert response.status_code == 200
    assert response.content == b""
    job = tenant.native.get("/exports").json()["items"][0]
    done = wait_for_job(tenant.native, f"/exports/{job['id']}")
    file = tenant.native.get(done["links"]["file"].removeprefix("/contactbook/v1"))
    rows = list(csv.DictReader(io.StringIO(file.text)))
    assert [(r["name"], r["phone"]) for r in rows] == [("Ada", "+447700900007")]
