"""`contactbook trash list` and `contactbook trash restore` against the live server's database:
what the API deleted is listed and restored from the command line, recorded as `cli`."""

from __future__ import annotations

import json
import uuid

from tests.support.cli import run_cli
from tests.support.factories import Tenant, make_contact, make_list


def _trash(database_url: str, account_id: int, *more: str) -> list[dict[str, object]]:
    done = run_cli("trash", "list", "--account-id", str(account_id), "--json", *more,
                   "--database-url", database_url)  # fmt: skip
    assert done.code == 0, done.err
    return [json.loads(line) for line in done.out.splitlines()]


def test_trash_list_shows_what_the_api_deleted(database_url: str, tenant: Tenant) -> None:
    mark = uuid.uuid4().hex[:10]
    made = [make_contact(tenant.native, name=f"Cli {n}", email=f"c{n}-{mark}@example.com")
            for n in range(3)]  # fmt: skip
    for contact in made:
        assert tenant.native.delete(f"/contacts/{contact['id']}").status_code == 204

    listed = _trash(database_url, tenant.account_id)
    api = tenant.native.get("/trash").json()["items"]
    assert [item["id"] for item in listed] == [c["id"] for c in reversed(made)]
    # One JSON object a line, as the API lists them.
    assert [json.dumps(item, sort_keys=True) for item in listed] == [
        json.dumps(item, sort_keys=True) for item in api
    ]
    assert [item["id"] for item in _trash(database_url, tenant.account_id, "--limit", "2")] == [
        made[2]["id"], made[1]["id"]
    ]  # fmt: skip

    table = run_cli("trash", "list", "--account-id", str(tenant.account_id),
                    "--database-url", database_url, env={"COLUMNS": "200"})  # fmt: skip
    assert table.code == 0, table.err
    assert f"c0-{mark}@example.com" in table.out and "native api_key" in table.out


def test_an_empty_trash_says_so(database_url: str, tenant: Tenant) -> None:
    done = run_cli("trash", "list", "--account-id", str(tenant.account_id),
                   "--database-url", database_url)  # fmt: skip
    assert done.code == 0, done.err
    assert "empty" in done.out
    assert _trash(database_url, tenant.account_id) == []


def test_trash_restore_brings_a_contact_back_recorded_as_cli(
    database_url: str, tenant: Tenant
) -> None:
    group = make_list(tenant.native, name="Cli restore")
    made = make_contact(tenant.native, name="Back", tags=["t"], lists=[group])
    assert tenant.native.delete(f"/contacts/{made['id']}").status_code == 204

    done = run_cli("trash", "restore", "--account-id", str(tenant.account_id), "--contact-id",
                   str(made["id"]), "--json", "--database-url", database_url)  # fmt: skip
    assert done.code == 0, done.err
    printed = json.loads(done.out)
    live = tenant.native.get(f"/contacts/{made['id']}").json()
    assert printed == json.loads(json.dumps(live))
    assert (live["tags"], live["lists"]) == (["t"], [group])
    assert tenant.native.get(f"/lists/{group}").json()["items"] == 1
    history = tenant.native.get(f"/contacts/{made['id']}/history").json()["items"]
    assert (history[0]["action"], history[0]["source"]) == ("restored", "cli")
    assert _trash(database_url, tenant.account_id) == []

    again = run_cli("trash", "restore", "--account-id", str(tenant.account_id),
                    "--contact-id", str(made["id"]), "--database-url", database_url)  # fmt: skip
    assert again.code == 2 and again.out == ""
    assert again.err == (
        f"error: Contact {made['id']} is not in the trash of account {tenant.account_id}.\n"
    )


def test_trash_restore_refused_names_the_identifier_and_its_holder(
    database_url: str, tenant: Tenant
) -> None:
    mark = uuid.uuid4().hex[:10]
    made = make_contact(tenant.native, email=f"r-{mark}@example.com")
    assert tenant.native.delete(f"/contacts/{made['id']}").status_code == 204
    taker = make_contact(tenant.native, email=f"r-{mark}@example.com")

    done = run_cli("trash", "restore", "--account-id", str(tenant.account_id),
                   "--contact-id", str(made["id"]), "--database-url", database_url)  # fmt: skip
    assert done.code == 2, done.out
    assert done.err == (
        f"error: Contact {made['id']} cannot be restored: another contact (contact "
        f"{taker['id']}) has its email now.\n"
    )
    assert [item["id"] for item in _trash(database_url, tenant.account_id)] == [made["id"]]

    assert tenant.native.delete(f"/contacts/{taker['id']}").status_code == 204
    plain = run_cli("trash", "restore", "--account-id", str(tenant.account_id),
                    "--contact-id", str(made["id"]), "--database-url", database_url)  # fmt: skip
    assert plain.code == 0, plain.err
    assert plain.out == f"Restored contact {made['id']} (version 2).\n"


def test_an_unknown_account_is_one_error_line(database_url: str) -> None:
    for args in (["list"], ["restore", "--contact-id", "1"]):
        done = run_cli("trash", *args, "--account-id", "999999999", "--database-url", database_url)
        assert done.code == 2 and done.out == ""
        assert done.err.startswith("error: No account 999999999 in ")
