"""A revoked API key stops working in every worker process within one second, with the auth
cache at its default: used directly, and through the Notificore bearer tokens naming it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.served import ServedProcess, new_account

# Fresh connections spread over the workers (the kernel hands each to one of them); this many
# reach both with near certainty, so each worker has the key in its cache when it is revoked.
REQUESTS = 60


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[ServedProcess]:
    server = ServedProcess(database_url, tmp_path, workers=2)
    yield server
    server.stop()


def statuses(url: str, headers: dict[str, str]) -> list[int]:
    """The status of REQUESTS requests, each on a connection of its own."""
    return [httpx.get(url, headers=headers, timeout=30).status_code for _ in range(REQUESTS)]


def test_a_revoked_key_and_its_tokens_stop_in_every_worker_within_a_second(
    served: ServedProcess, database_url: str
) -> None:
    _, admin_key = new_account(database_url, "Revocation")
    with served.client(admin_key) as native:
        issued = native.post("/keys", json={"name": "doomed", "scopes": ["read"]})
        assert issued.status_code == 201, issued.text
        key_id, doomed = issued.json()["id"], issued.json()["api_key"]
        login = httpx.post(served.url + "/api/auth/login", json={"api_key": doomed})
        assert login.status_code == 200, login.text
        token = login.json()["bearer"]
        plain = {"Authorization": f"Bearer {doomed}"}
        bearer = {"Authorization": f"Bearer {token}"}
        native_url = served.url + "/contactbook/v1/contacts"
        notificore_url = served.url + "/api/groups"
        # Every worker checks and caches both credentials.
        assert set(statuses(native_url, plain)) == {200}
        assert set(statuses(notificore_url, bearer)) == {200}

        assert native.delete(f"/keys/{key_id}").status_code == 204
        time.sleep(1.0)

        assert set(statuses(native_url, plain)) == {401}
        assert set(statuses(notificore_url, bearer)) == {401}
        refused = httpx.get(notificore_url, headers=bearer)
        assert refused.json() == {"code": 401, "message": "Invalid JWT Token"}
        # The key that revoked goes on working.
        assert native.get("/contacts").status_code == 200
