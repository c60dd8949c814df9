"""An exception nobody expected still answers 500 in the dialect's envelope, is logged once, and
leaves the keep-alive connection open for the client's next request.

The failure is real, not simulated: tables the requests need are renamed under a running
server, so the database itself fails the statements.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.reliability.conftest import Api, assert_connection_kept
from tests.support.databases import fresh_database
from tests.support.served import ServedProcess, new_account

BROKEN_TABLES = ("lists", "contact_inboxes", "events")


def rename_tables(database_url: str, names: tuple[str, ...]) -> None:
    statements = [f"ALTER TABLE {name} RENAME TO {name}_gone" for name in names]
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(str(parsed.database)) as conn:
            for statement in statements:
                conn.execute(statement)
        return

    async def run() -> None:
        conn = await asyncpg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username,
            password=parsed.password, database=parsed.database,
        )  # fmt: skip
        try:
            for statement in statements:
                await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture
def broken(tmp_path: Path) -> Iterator[tuple[ServedProcess, dict[str, Api], int]]:
    """A served process, a contact in an inbox with an event, then the tables gone."""
    with fresh_database(tmp_path) as url:
        process = ServedProcess(url, tmp_path)
        try:
            account_id, key = new_account(url)
            native = httpx.Client(
                base_url=process.url + "/contactbook/v1",
                headers={"Authorization": f"Bearer {key}"}, timeout=60,
            )  # fmt: skip
            inbox = native.post("/inboxes", json={"name": "Web"}).json()["id"]
            cw = httpx.Client(
                base_url=f"{process.url}/api/v1/accounts/{account_id}",
                headers={"api_access_token": key}, timeout=60,
            )  # fmt: skip
            made = cw.post("/contacts", json={"inbox_id": inbox, "name": "Ada"})
            assert made.status_code == 200, made.text
            contact_id = made.json()["payload"]["contact"]["id"]
            nc = httpx.Client(base_url=process.url + "/api", timeout=60)
            token = nc.post("/auth/login", json={"api_key": key}).json()["bearer"]
            nc.headers["Authorization"] = f"Bearer {token}"
            hc = httpx.Client(
                base_url=process.url + "/v1", headers={"Authorization": f"Bearer {key}"},
                timeout=60,
            )  # fmt: skip
            apis = {
                "native": Api("native", native, ("GET", "/account")),
                "notificore": Api("notificore", nc, ("GET", "/contacts/fields")),
                "chatwoot": Api("chatwoot", cw, ("GET", "/custom_attribute_definitions")),
                "helpcrunch": Api("helpcrunch", hc, ("GET", "/customers")),
            }
            rename_tables(url, BROKEN_TABLES)
            yield process, apis, contact_id
            for api in apis.values():
                api.close()
        finally:
            process.stop()


def test_an_unexpected_error_is_a_500_in_each_envelope_on_a_connection_that_stays_open(
    broken: tuple[ServedProcess, dict[str, Api], int],
) -> None:
    process, apis, contact_id = broken

    native = apis["native"]
    for path in ("/lists", f"/contacts/{contact_id}/events"):
        response = native.client.get(path)
        assert response.status_code == 500, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "internal_error"
        assert_connection_kept(native, response)

    notificore = apis["notificore"]
    response = notificore.client.get("/groups")
    assert response.status_code == 500, response.text
    assert response.json() == {"message": "Server Error"}
    assert_connection_kept(notificore, response)

    chatwoot = apis["chatwoot"]
    response = chatwoot.client.get("/contacts")
    assert response.status_code == 500, response.text
    assert response.json() == {"status": 500, "error": "Internal Server Error"}
    assert_connection_kept(chatwoot, response)

    helpcrunch = apis["helpcrunch"]
    response = helpcrunch.client.post("/events", json={"name": "Click", "customer": contact_id})
    assert response.status_code == 500, response.text
    assert response.json()["errors"] == [
        {"code": "invalid_request", "message": "Invalid request"},
        {"code": "internal_error", "message": "Internal server error"},
    ]
    assert_connection_kept(helpcrunch, response)

    # Each failure is logged once, with its traceback, by us rather than by the server.
    log = process.log()
    assert "Exception in ASGI application" not in log
    assert log.count("Unhandled error answering") == 5, log[-3000:]
    assert "sqlalchemy.exc" in log
