"""Fixtures for the Chatwoot dialect: raw HTTP, the official SDK and the generated client, each
pointed at the live server with the tenant's API key."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from chatwoot import ChatwootClient
from chatwoot_client import ApiClient, Configuration

from tests.support.factories import Tenant
from tests.support.live import LiveServer

PREFIX = "/api/v1/accounts"


def chatwoot_http(server: LiveServer, tenant: Tenant) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.url}{PREFIX}/{tenant.account_id}",
        headers={"api_access_token": tenant.api_key},
        timeout=30,
    )


@pytest.fixture
def cw(server: LiveServer, tenant: Tenant) -> Iterator[httpx.Client]:
    """Raw HTTP at `/api/v1/accounts/{tenant's account}`."""
    with chatwoot_http(server, tenant) as client:
        yield client


@pytest.fixture
def sdk(server: LiveServer, tenant: Tenant) -> Iterator[ChatwootClient]:
    """chatwoot-sdk, as its README sets it up, with our URL."""
    with ChatwootClient(base_url=server.url, api_token=tenant.api_key) as client:
        yield client


@pytest.fixture
def generated(server: LiveServer, tenant: Tenant) -> Iterator[ApiClient]:
    """chatwoot-python-client; the host ends in "/" like its default, so it sends `//api/…`."""
    config = Configuration()
    config.host = server.url + "/"
    config.api_key["api_access_token"] = tenant.api_key
    client = ApiClient(config)
    yield client
    client.rest_client.pool_manager.clear()


@pytest.fixture
def inbox_id(tenant: Tenant) -> int:
    """An API inbox of the tenant, made through the native API."""
    made = tenant.native.post("/inboxes", json={"name": "API inbox"})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])
