"""Fixtures for the reliability suite: the tenant seen through each of the four APIs, each a
plain HTTP client whose keep-alive connection the tests watch."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.support.factories import Tenant

Healthy = tuple[str, str]  # (method, path) of a request the dialect always answers with 2xx


@dataclass
class Api:
    """One dialect's client for the tenant, and a request that must succeed on it."""

    name: str
    client: httpx.Client
    healthy: Healthy

    def close(self) -> None:
        self.client.close()


def native_api(tenant: Tenant) -> Api:
    client = httpx.Client(
        base_url=tenant.server.url + "/contactbook/v1",
        headers={"Authorization": f"Bearer {tenant.api_key}"},
        timeout=60,
    )
    return Api("native", client, ("GET", "/account"))


def notificore_api(tenant: Tenant) -> Api:
    client = httpx.Client(base_url=tenant.server.url + "/api", timeout=60)
    login = client.post("/auth/login", json={"api_key": tenant.api_key})
    assert login.status_code == 200, login.text
    client.headers["Authorization"] = f"Bearer {login.json()['bearer']}"
    return Api("notificore", client, ("GET", "/contacts/fields"))


def chatwoot_api(tenant: Tenant) -> Api:
    client = httpx.Client(
        base_url=f"{tenant.server.url}/api/v1/accounts/{tenant.account_id}",
        headers={"api_access_token": tenant.api_key},
        timeout=60,
    )
    return Api("chatwoot", client, ("GET", "/custom_attribute_definitions"))


def helpcrunch_api(tenant: Tenant) -> Api:
    client = httpx.Client(
        base_url=tenant.server.url + "/v1",
        headers={"Authorization": f"Bearer {tenant.api_key}"},
        timeout=60,
    )
    return Api("helpcrunch", client, ("GET", "/customers"))


@pytest.fixture
def native(tenant: Tenant) -> Iterator[Api]:
    api = native_api(tenant)
    yield api
    api.close()


@pytest.fixture
def notificore(tenant: Tenant) -> Iterator[Api]:
    api = notificore_api(tenant)
    yield api
    api.close()


@pytest.fixture
def chatwoot(tenant: Tenant) -> Iterator[Api]:
    api = chatwoot_api(tenant)
    yield api
    api.close()


@pytest.fixture
def helpcrunch(tenant: Tenant) -> Iterator[Api]:
    api = helpcrunch_api(tenant)
    yield api
    api.close()


def local_port(response: httpx.Response) -> int:
    """The client-side port of the connection that carried `response`."""
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


def assert_connection_kept(api: Api, answered: httpx.Response) -> None:
    """The connection that carried `answered` serves the dialect's next, ordinary request.

    A server that closes the connection after an error makes the client open another one (or
    fail outright); either way the port changes.
    """
    method, path = api.healthy
    following = api.client.request(method, path)
    assert following.status_code < 300, (api.name, following.status_code, following.text)
    assert local_port(following) == local_port(answered), f"{api.name}: connection was closed"
