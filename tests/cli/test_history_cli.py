"""`contactbook history`: a contact's change records as a table or as JSON lines, read from the
database a live server writes to."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete

from contactbook.storage.tables import changes
from contactbook.storage.uow import UnitOfWork
from tests.support.cli import run_cli
from tests.support.factories import Tenant, make_contact

WIDE = {"COLUMNS": "200"}  # rich wraps at the terminal's width; a wide one keeps lines whole


def _history(database_url: str, tenant: Tenant, contact_id: int, *args: str) -> str:
    done = run_cli("history", "--account-id", str(tenant.account_id), "--contact-id",
                   str(contact_id), *args, "--database-url", database_url, env=WIDE)  # fmt: skip
    assert done.code == 0, done.err
    return done.out


def test_json_lines_are_the_history_apis_items(database_url: str, tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Ann", email="ann@example.com", tags=["vip"])
    tenant.native.patch(f"/contacts/{made['id']}", json={"name": "Anna"},
                        headers={"X-Request-Id": "cli-1"})  # fmt: skip
    out = _history(database_url, tenant, made["id"], "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    api = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert lines == api
    assert [line["action"] for line in lines] == ["updated", "created"]
    assert lines[0]["changes"] == {"name": {"from": "Ann", "to": "Anna"}}


def test_the_table_shows_each_write_and_its_fields(database_url: str, tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Ann", email="ann@example.com")
    tenant.native.patch(f"/contacts/{made['id']}", json={"name": "Anna", "email": None},
                        headers={"X-Request-Id": "cli-2"})  # fmt: skip
    out = _history(database_url, tenant, made["id"])
    assert f"History of contact {made['id']}" in out
    for header in ("version", "at", "action", "source", "actor", "request id", "changes"):
        assert header in out
    assert 'name: "Ann" → "Anna"' in out
    assert 'email: "ann@example.com" → null' in out
    assert 'name: null → "Ann"' in out
    updated = next(line for line in out.splitlines() if "updated" in line)
    assert "native" in updated and "cli-2" in updated
    assert f"api_key {tenant.ctx.key_id}" in out
    assert out.index("updated") < out.index("created"), "newest first"


def test_limit_pages_through_the_newest(database_url: str, tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="v1")
    for n in range(2, 6):
        tenant.native.patch(f"/contacts/{made['id']}", json={"name": f"v{n}"})
    out = _history(database_url, tenant, made["id"], "--json", "--limit", "3")
    assert [json.loads(line)["version"] for line in out.splitlines()] == [5, 4, 3]


def test_an_erased_contact_shows_its_shape_without_values(
    database_url: str, tenant: Tenant
) -> None:
    made = make_contact(tenant.native, name="Gone Person")
    assert (
        tenant.native.delete(f"/contacts/{made['id']}", params={"erase": "true"}).status_code == 204
    )
    out = _history(database_url, tenant, made["id"])
    assert "erased" in out and "name: null → null" in out
    assert "Gone Person" not in out


@pytest.mark.parametrize("whose", ["unknown", "another account's"])
def test_a_contact_it_cannot_see_exits_2(
    database_url: str, tenant: Tenant, other_tenant: Tenant, whose: str
) -> None:
    contact_id = 999_999_999 if whose == "unknown" else make_contact(other_tenant.native)["id"]
    done = run_cli("history", "--account-id", str(tenant.account_id), "--contact-id",
                   str(contact_id), "--database-url", database_url)  # fmt: skip
    assert done.code == 2 and done.err.startswith("error:") and done.out == ""


def test_an_unknown_account_exits_2(database_url: str) -> None:
    done = run_cli("history", "--account-id", "999999", "--contact-id", "1",
                   "--database-url", database_url)  # fmt: skip
    assert done.code == 2 and "No account 999999" in done.err


def test_a_contact_without_records_says_so(database_url: str, tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Older than history")

    async def forget(uow: UnitOfWork) -> None:  # as a contact made before records were kept
        await uow.conn.execute(
            delete(changes).where(
                changes.c.account_id == tenant.account_id, changes.c.contact_id == made["id"]
            )
        )

    tenant.unit(forget)
    out = _history(database_url, tenant, made["id"])
    assert out.strip() == f"Contact {made['id']} has no recorded changes."
    assert _history(database_url, tenant, made["id"], "--json") == ""
