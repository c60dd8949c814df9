"""An operator makes an inbox with the CLI; Chatwoot clients then create contacts in it."""

from __future__ import annotations

import json

import httpx

from tests.support.cli import run_cli
from tests.support.factories import Tenant


def test_cli_inbox_serves_chatwoot_creates(
    database_url: str, tenant: Tenant, cw: httpx.Client
) -> None:
    done = run_cli(
        "inboxes",
        "create",
        "--account-id",
        str(tenant.account_id),
        "--name",
        "Website",
        "--channel",
        "api",
        "--database-url",
        database_url,
    )
    assert done.code == 0, done.err
    lines = done.out.splitlines()
    assert len(lines) == 1
    printed = json.loads(lines[0])
    assert printed == {
        "inbox_id": printed["inbox_id"],
        "account_id": tenant.account_id,
        "name": "Website",
        "channel_type": "api",
    }
    assert isinstance(printed["inbox_id"], int)
    made = cw.post("/contacts", json={"inbox_id": printed["inbox_id"], "name": "Via CLI inbox"})
    assert made.status_code == 200
    assert made.json()["payload"]["contact_inbox"]["inbox"]["name"] == "Website"
    native = tenant.native.get("/inboxes").json()["items"]
    assert [(i["id"], i["name"]) for i in native] == [(printed["inbox_id"], "Website")]
