"""Job files (uploads, refused rows, exports) belong to one installation and one job.

Two installations started in one working folder share its imports folder; each keeps to its own
files there. A file changed after it was written is refused rather than served or imported.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from contactbook.storage.migrate import migrate
from tests import conftest
from tests.support.databases import fresh_database, fresh_sqlite
from tests.support.factories import Tenant, make_tenant
from tests.support.jobs import wait_for_job
from tests.support.live import LiveServer


def installation(database_url: str, imports: Path, **overrides: object) -> LiveServer:
    asyncio.run(migrate(database_url))
    return LiveServer(
        conftest.test_settings(database_url, import_dir=str(imports), **overrides)
    ).start()


@pytest.fixture
def imports(tmp_path: Path) -> Path:
    return tmp_path / "contactbook-imports"


@pytest.fixture
def two_databases(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A SQLite database and one of the backend this run tests (PostgreSQL, or SQLite)."""
    with fresh_sqlite(tmp_path) as first, fresh_database(tmp_path) as second:
        yield first, second


def contacts_csv(prefix: str) -> bytes:
    return (
        f"phone,name\n+4477009{prefix}01,{prefix} one\n+4477009{prefix}02,{prefix} two\n"
        f"not a phone,{prefix} refused\n"
    ).encode()


def import_and_export(tenant: Tenant, prefix: str) -> tuple[str, str]:
    """Import the installation's contacts, export them; the refused rows and the export."""
    upload = tenant.native.post(
        "/imports", content=contacts_csv(prefix), headers={"content-type": "text/csv"}
    )
    assert upload.status_code == 202, upload.text
    done = wait_for_job(tenant.native, f"/imports/{upload.json()['id']}")
    assert done["state"] == "succeeded", done
    assert done["counts"]["created"] == 2, done
    refused = tenant.native.get(f"/imports/{done['id']}/errors")
    assert refused.status_code == 200, refused.text
    export = tenant.native.post("/exports", params={"format": "csv"})
    assert export.status_code == 202, export.text
    finished = wait_for_job(tenant.native, f"/exports/{export.json()['id']}")
    assert finished["state"] == "succeeded", finished
    return refused.text, download(tenant, finished["id"])


def download(tenant: Tenant, export_id: int) -> str:
    response = tenant.native.get(f"/exports/{export_id}/file")
    assert response.status_code == 200, response.text
    return response.text


def names_in(text: str) -> set[str]:
    return {row["name"] for row in csv.DictReader(io.StringIO(text)) if row.get("name")}


def test_two_installations_in_one_folder_keep_to_their_own_files(
    two_databases: tuple[str, str], imports: Path
) -> None:
    first_url, second_url = two_databases
    first = installation(first_url, imports)
    second = installation(second_url, imports)
    try:
        ours, theirs = make_tenant(first), make_tenant(second)
        our_refused, _ = import_and_export(ours, "11")
        their_refused, their_export = import_and_export(theirs, "22")
        # Read after the other installation wrote its files under the same numbers.
        ours_again = tenant_files(ours)
        assert "11 refused" in our_refused and "22 refused" not in ours_again[0]
        assert names_in(ours_again[1]) == {"11 one", "11 two"}
        assert "22 refused" in their_refused
        assert names_in(their_export) == {"22 one", "22 two"}
        ours.close()
        theirs.close()
    finally:
        first.stop()
        second.stop()


def tenant_files(tenant: Tenant) -> tuple[str, str]:
    """The account's latest refused rows and latest export, as served now."""
    job = tenant.native.get("/imports").json()["items"][0]
    refused = tenant.native.get(f"/imports/{job['id']}/errors")
    assert refused.status_code == 200, refused.text
    export = tenant.native.get("/exports").json()["items"][0]
    return refused.text, download(tenant, export["id"])


def stored_path(tenant: Tenant, job_id: int) -> Path:
    job = tenant.unit(lambda uow: uow.jobs.get(job_id), write=False)
    return Path(job.path)


def test_a_changed_export_file_is_refused(database_url: str, imports: Path) -> None:
    server = installation(database_url, imports)
    try:
        tenant = make_tenant(server)
        import_and_export(tenant, "33")
        export_id = tenant.native.get("/exports").json()["items"][0]["id"]
        path = stored_path(tenant, export_id)
        data = path.read_bytes()
        path.write_bytes(data.replace(b"33 one", b"99 one"))  # the same size, other bytes
        response = tenant.native.get(f"/exports/{export_id}/file")
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "job_file_mismatch"
        assert "changed" in response.json()["detail"]
        path.write_bytes(data + b"+447700900999,appended\n")
        assert tenant.native.get(f"/exports/{export_id}/file").status_code == 409
        path.write_bytes(data)  # put back as written: served again
        assert names_in(download(tenant, export_id)) == {"33 one", "33 two"}
        tenant.close()
    finally:
        server.stop()


def test_an_import_file_changed_before_it_runs_is_refused(database_url: str, imports: Path) -> None:
    receiver = installation(database_url, imports, jobs_enabled=False)
    try:
        tenant = make_tenant(receiver)
        upload = tenant.native.post(
            "/imports", content=contacts_csv("44"), headers={"content-type": "text/csv"}
        )
        assert upload.status_code == 202, upload.text
        job_id = upload.json()["id"]
        path = stored_path(tenant, job_id)
        path.write_bytes(contacts_csv("55"))  # the same size: another file under its name
        worker = installation(database_url, imports)
        try:
            done = wait_for_job(tenant.native, f"/imports/{job_id}")
        finally:
            worker.stop()
        assert done["state"] == "failed", done
        assert "changed" in done["message"], done
        assert tenant.native.get("/contacts", params={"count": "true"}).json()["total"] == 0
        tenant.close()
    finally:
        receiver.stop()
