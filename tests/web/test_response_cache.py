"""Cached reads are served only while the account's data is unchanged, whoever changed it."""

from __future__ import annotations

from contactbook.domain.contacts import ContactInput
from contactbook.services import contacts
from contactbook.storage.uow import Database
from tests.support.factories import Tenant, make_contact
from tests.support.live import LiveServer


def cache_of(server: LiveServer):
    return server.app.state.runtime.responses


def test_repeated_reads_are_served_from_the_cache(server: LiveServer, tenant: Tenant) -> None:
    made = make_contact(tenant.native, name="Cached")
    cache = cache_of(server)
    first = tenant.native.get(f"/contacts/{made['id']}")
    hits = cache.hits
    again = tenant.native.get(f"/contacts/{made['id']}")
    assert cache.hits == hits + 1
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == "application/json"


def test_a_write_from_another_process_is_seen_at_once(
    server: LiveServer, tenant: Tenant, database_url: str
) -> None:
    made = make_contact(tenant.native, name="Before")
    assert tenant.native.get(f"/contacts/{made['id']}").json()["name"] == "Before"
    assert tenant.native.get("/contacts").json()["items"][0]["name"] == "Before"

    async def rename() -> None:
        other = Database(database_url)  # its own engine: nothing shared with the server
        try:
            async with other.unit(tenant.ctx) as uow:
                await contacts.update_contact(
                    uow, tenant.ctx, made["id"], ContactInput(name="After")
                )
        finally:
            await other.dispose()

    server.call(rename)
    assert tenant.native.get(f"/contacts/{made['id']}").json()["name"] == "After"
    assert tenant.native.get("/contacts").json()["items"][0]["name"] == "After"


def test_one_account_writing_leaves_another_accounts_entries(
    server: LiveServer, tenant: Tenant, other_tenant: Tenant
) -> None:
    made = make_contact(tenant.native, name="Mine")
    tenant.native.get(f"/contacts/{made['id']}")
    make_contact(other_tenant.native, name="Theirs")
    hits = cache_of(server).hits
    tenant.native.get(f"/contacts/{made['id']}")
    assert cache_of(server).hits == hits + 1


def test_errors_are_never_cached(tenant: Tenant) -> None:
    assert tenant.native.get("/contacts/999999999").status_code == 404
    made = make_contact(tenant.native, name="Late")
    assert tenant.native.get(f"/contacts/{made['id']}").status_code == 200
