"""Fixtures for the reliability suite.

Contention and crash tests: one fresh database per module, served by `contactbook serve
--workers 2` (which migrates it), and a fresh account per test (`stage`, `account`).
Bad-input tests: the session's tenant seen through each of the four APIs, each a plain HTTP
client whose keep-alive connection the tests watch (`native`, `notificore`, `chatwoot`,
`helpcrunch`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.databases import fresh_database
from tests.support.factories import Tenant
from tests.support.observed import LogWatch
from tests.support.served import ServedProcess, new_account

NATIVE = "/contactbook/v1"


@dataclass
class Stage:
    """The module's database and the server in front of it."""

    database_url: str
    directory: Path
    served: ServedProcess


@dataclass
class Account:
    """A fresh account on the stage, with a native client and what a test made in it."""

    id: int
    key: str
    stage: Stage
    native: httpx.Client
    log: LogWatch
    made: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.stage.served.url

    @property
    def database_url(self) -> str:
        return self.stage.database_url

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def notificore_headers(self) -> dict[str, str]:
        reply = httpx.post(self.base + "/api/auth/login", json={"api_key": self.key}, timeout=30)
        assert reply.status_code == 200, reply.text
        return {"Authorization": f"Bearer {reply.json()['bearer']}"}

    def chatwoot_headers(self) -> dict[str, str]:
        return {"api_access_token": self.key}

    def create(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.native.post(path, json=body)
        assert reply.status_code == 201, f"{path}: {reply.status_code} {reply.text}"
        created: dict[str, Any] = reply.json()
        return created

    def new_list(self, name: str) -> int:
        return int(self.create("/lists", {"name": name})["id"])

    def new_fields(self, keys: list[str]) -> dict[str, int]:
        """Text fields by key; their ids."""
        return {key: int(self.create("/fields", {"name": key, "key": key})["id"]) for key in keys}

    def new_contact(self, **body: Any) -> int:
        return int(self.create("/contacts", body)["id"])


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    directory = Path(tmp_path_factory.mktemp("reliability"))
    with fresh_database(directory) as url:
        served = ServedProcess(url, directory, workers=2)
        try:
            yield Stage(url, directory, served)
        finally:
            served.stop()


@pytest.fixture
def account(stage: Stage) -> Iterator[Account]:
    account_id, key = new_account(stage.database_url)
    native = httpx.Client(
        base_url=stage.served.url + NATIVE,
        headers={"Authorization": f"Bearer {key}"},
        timeout=60,
    )
    try:
        yield Account(account_id, key, stage, native, LogWatch(stage.served.log_path))
    finally:
        native.close()


# --- the four APIs of one tenant ---------------------------------------------------------

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
