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


def run(tenant: Tenant, content: bytes, **params: str) -> dict:
    response = tenant.native.post(
        "/imports", content=content, params=params, headers={"content-type": "text/csv"}
    )
    assert response.status_code == 202, response.text
    return wait_for_job(tenant.native, f"/imports/{response.json()['id']}")


def refused(tenant: Tenant, job: dict) -> list[list[str]]:
    errors = tenant.native.get(f"/imports/{job['id']}/errors")
    assert errors.status_code == 200
    return list(csv.reader(io.StringIO(errors.text)))[1:]


def contacts(tenant: Tenant) -> list[tuple[str, str]]:
    items = tenant.native.get("/contacts", params={"limit": 100}).json()["items"]
    return sorted((c["phone"], c["name"]) for c in items)


def test_a_cp1251_upload_decodes_with_the_encoding_parameter(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    twin = run(other_tenant, TEXT.encode())
    # 0x98 is the one byte cp1251 leaves undefined: that row alone is refused.
    windows = TEXT.encode("cp1251") + "+380661000004,Ян\x00,Суми,\n".encode("cp1251")
    windows = windows.replace(b"\x00", b"\x98")
    done = run(tenant, windows, encoding="windows-1251")
    assert done["state"] == "succeeded", done
    assert done["options"]["encoding"] == "cp1251"
    assert done["counts"] == {"rows": 4, "created": 3, "updated": 0, "skipped": 0, "rejected": 1}
    assert [row[:2] for row in refused(tenant, done)] == [["6", "name"]]
    assert contacts(tenant) == contacts(other_tenant)
    assert ("+380661000001", "Ірина") in contacts(tenant)
    fields = tenant.native.get("/fields").json()["items"]
    assert "Улюблений колір" in [field["name"] for field in fields]
    assert twin["options"]["encoding"] == "utf-8"


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


def test_an_unknown_encoding_is_refused_before_the_upload(tenant: Tenant) -> None:
    for name in ("klingon", "base64", "idna", ""):
        response = tenant.native.post(
            "/imports", content=TEXT.encode(), params={"encoding": name},
            headers={"content-type": "text/csv"},
        )  # fmt: skip
        assert response.status_code == 422, response.text
        assert [error["field"] for error in response.json()["errors"]] == ["encoding"]
    assert tenant.native.get("/imports").json()["items"] == []


def test_a_file_the_encoding_cannot_read_fails_naming_the_line(tenant: Tenant) -> None:
    content = "phone,name\n+447700900001,Аня\n".encode("utf-16") + b"\x41"
    done = run(tenant, content, encoding="utf-16")
    assert done["state"] == "failed"
    assert done["message"].startswith("encoding: Line 3 cannot be read as utf-16")
    assert done["counts"]["rows"] == 0
    assert tenant.native.get("/account").json()["contacts"] == 0


def test_a_semicolon_separated_latin_1_upload_imports_with_its_encoding(tenant: Tenant) -> None:
    content = "phone;name;Ville\n+447700900031;José;München\n+447700900032;Zoë;Orléans\n"
    done = run(tenant, content.encode("latin-1"), encoding="latin-1")
    assert done["state"] == "succeeded", done
    assert done["counts"]["created"] == 2 and done["counts"]["rejected"] == 0
    assert contacts(tenant) == [("+447700900031", "José"), ("+447700900032", "Zoë")]
    items = tenant.native.get("/contacts").json()["items"]
    assert sorted(c["custom_fields"]["Ville"] for c in items) == ["München", "Orléans"]
    without = run(tenant, content.encode("latin-1"))  # read as UTF-8: each row names its byte
    assert without["counts"]["rejected"] == 2
    assert [row[:2] for row in refused(tenant, without)] == [["2", "name"], ["3", "name"]]
    assert "0xE9" in refused(tenant, without)[0][2]
