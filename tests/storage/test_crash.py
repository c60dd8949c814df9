"""A process killed in the middle of a write leaves the database as it was."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.support.factories import Tenant

# Runs in a child process: half a contact write, then SIGKILL before the commit.
CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from contactbook.domain.context import RequestContext
    from contactbook.domain.contacts import ContactInput
    from contactbook.domain.lists import ListInput
    from contactbook.services import contacts, lists
    from contactbook.storage.uow import Database

    async def main(url, account_id):
        ctx = RequestContext(account_id=account_id)
        db = Database(url)
        async with db.unit(ctx) as uow:
            made = await lists.create_list(uow, ctx, ListInput("Doomed"))
            await contacts.create_contact(
                uow, ctx, ContactInput(phone="+447700900666", lists=[made.id])
            )
            print("written", flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
    """
)


def test_sigkill_mid_transaction_changes_nothing(tenant: Tenant, database_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, database_url, str(tenant.account_id)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == -9, done.stderr
    assert done.stdout.strip() == "written"
    assert tenant.native.get("/lists").json()["total"] == 0
    assert tenant.native.get("/account").json()["contacts"] == 0
    # the store is usable and the phone was never taken
    created = tenant.native.post("/contacts", json={"phone": "+447700900666"})
    assert created.status_code == 201
