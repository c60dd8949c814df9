"""Chatwoot's contact import reads UTF-8 only (Chatwoot takes no encoding): a row with bytes
that are not UTF-8 is refused alone, where Chatwoot would drop the bytes silently."""

from __future__ import annotations

import csv
import io

import httpx

from tests.support.factories import Tenant
from tests.support.jobs import wait_for_job


def test_a_row_with_invalid_bytes_is_refused_alone(cw: httpx.Client, tenant: Tenant) -> None:
    content = (
        b"name,email,phone_number,identifier\n"
        b"Ada,ada@example.com,+447700900001,crm-1\n"
        b"Bj\xf6rn,bjorn@example.com,+447700900002,crm-2\n"
        b"Zo\xc3\xab,zoe@example.com,+447700900003,crm-3\n"
    )
    response = cw.post("/contacts/import", files={"import_file": ("c.csv", content, "text/csv")})
    assert response.status_code == 200
    job = tenant.native.get("/imports").json()["items"][0]
    done = wait_for_job(tenant.native, f"/imports/{job['id']}")
    assert done["counts"] == {"rows": 3, "created": 2, "updated": 0, "skipped": 0, "rejected": 1}
    assert done["options"]["encoding"] == "utf-8"
    errors = tenant.native.get(f"/imports/{job['id']}/errors").text
    assert [row[:2] for row in csv.reader(io.StringIO(errors))][1:] == [["3", "name"]]
    names = sorted(c["name"] for c in cw.get("/contacts").json()["payload"])
    assert names == ["Ada", "Zoë"]
