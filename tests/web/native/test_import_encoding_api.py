"""Native import jobs of files in other encodings, or with bytes their encoding cannot decode."""

from __future__ import annotations

import csv
import io

from tests.support.factories import Tenant
from tests.support.jobs import wait_for_job

TEXT = (
    "phone,name,city,Улюблений колір\n"
    "+380661000001,Ірина,Київ,синій\n"
    '+380661000002,Їжак,"Львів\nвул. Городоцька",\n'
    "+380661000003,Євген,Одеса,жовтий\n"
)


def run(tenant: Tenant, content: bytes, **params: str) -> dict:  # type: ignore[type-arg]
    response = tenant.native.post(
        "/imports", content=content, params=params, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 202, response.text
    return wait_for_job(tenant.native, f"/imports/{response.json()['id']}")


def refused(tenant: Tenant, job: dict) -> list[list[str]]:  # type: ignore[type-arg]
    errors = tenant.native.get(f"/imports/{job['id']}/errors")
    assert errors.status_code == 200
    return list(csv.reader(io.StringIO(errors.text)))[1:]


def contacts(tenant: Tenant) -> list[tuple[str, str]]:
    items = tenant.native.get("/contacts", params={"limit": 100}).json()["items"]
    return sorted((c["phone"], c["name"]) for c in items)


def test_one_invalid_byte_refuses_one_row_of_ten_thousand(tenant: Tenant) -> None:
    lines = [b"phone,name,city"]
    for n in range(1, 10_001):
        lines.append(b"+44770%07d,Person %d,%s" % (n, n, b"Ky\xffiv" if n == 5001 else b"Kyiv"))
    done = run(tenant, b"\n".join(lines) + b"\n")
    assert done["state"] == "succeeded", done
    assert done["counts"] == {"rows": 10_000, "created": 9_999, "updated": 0, "skipped": 0,
                              "rejected": 1}  # fmt: skip
    assert [row[:2] for row in refused(tenant, done)] == [["5002", "city"]]
    assert tenant.native.get("/account").json()["contacts"] == 9_999
