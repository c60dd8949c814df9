"""The per-key rate limit: in memory for one process, in Redis shared by several processes.

These servers run with a low limit of their own; the session's shared server runs unlimited.
Counting happens in a moving window, so a run shorter than the window sees every hit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from contactbook.web.app import create_app
from tests import conftest as root
from tests.support.factories import Tenant, make_customer, make_tenant
from tests.support.live import LiveServer, free_port
from tests.web.helpcrunch.conftest import errors_of, helpcrunch_client

REDIS_URL = os.environ.get("CONTACTBOOK_TEST_REDIS_URL", "redis://127.0.0.1:6379")
TOO_MANY = [{"code": "too_many_requests", "message": "Too many requests"}]


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        client.close()
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def assert_limited(response: httpx.Response) -> None:
    assert errors_of(response, 429) == TOO_MANY
    assert 1 <= int(response.headers["retry-after"]) <= 60


@pytest.fixture
def limited(database_url: str) -> Iterator[LiveServer]:
    live = LiveServer(
        root.test_settings(database_url, rate_limit_enabled=True, rate_limit="5/minute")
    )
    yield live.start()
    live.stop()


def test_a_key_gets_its_limit_then_429(limited: LiveServer) -> None:
    tenant, other = make_tenant(limited), make_tenant(limited)
    second_key = tenant.native.post("/keys", json={"scopes": ["read"]}).json()["api_key"]
    with (
        helpcrunch_client(limited.url, tenant.api_key) as hc,
        helpcrunch_client(limited.url, second_key) as hc2,
        helpcrunch_client(limited.url, other.api_key) as theirs,
        helpcrunch_client(limited.url, "cbk_1_not_a_key") as stranger,
    ):
        for _ in range(3):
            assert errors_of(stranger.get("/customers"), 401)  # refused keys spend nothing
        made = make_customer(hc, name="Ann")
        for _ in range(4):
            assert hc.get(f"/customers/{made['id']}").status_code == 200
        assert_limited(hc.get("/customers"))
        assert_limited(hc.post("/customers", json={"name": "Bob"}))
        # counted per key: the account's other key and another account go on
        assert hc2.get("/customers").json()["total"] == 1
        assert theirs.get("/customers").status_code == 200
    # nothing the refused requests asked for happened; the native API counts on its own
    assert tenant.native.get("/contacts", params={"count": "true"}).json()["total"] == 1
    tenant.close()
    other.close()


def test_a_malformed_limit_stops_the_start(database_url: str) -> None:
    with pytest.raises(ValueError, match="lots"):
        create_app(root.test_settings(database_url, rate_limit_enabled=True, rate_limit="lots"))


def test_an_unreachable_redis_leaves_the_limit_to_each_process(database_url: str) -> None:
    dead = f"redis://127.0.0.1:{free_port()}"
    settings = root.test_settings(
        database_url, rate_limit_enabled=True, rate_limit="2/minute", redis_url=dead
    )
    live = LiveServer(settings).start()
    try:
        tenant = make_tenant(live)
        with helpcrunch_client(live.url, tenant.api_key) as hc:
            for _ in range(2):
                assert hc.get("/customers").status_code == 200
            assert_limited(hc.get("/customers"))  # counted in the process's memory
        tenant.close()
    finally:
        live.stop()


class ServeProcess:
    """`contactbook serve` in a process of its own."""

    def __init__(self, database_url: str, env: dict[str, str], workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "contactbook", "serve", "--port", str(self.port),
                   "--database-url", database_url, "--no-access-log"]  # fmt: skip
        self.process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=workdir,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                assert self.process.stderr is not None
                raise RuntimeError(self.process.stderr.read().decode())
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"server on {self.url} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        if self.process.stderr is not None:
            self.process.stderr.close()


def test_two_processes_share_one_limit_through_redis(
    database_url: str, tenant: Tenant, tmp_path: Path
) -> None:
    store = redis_or_skip()
    prefix = f"contactbook-test-{uuid.uuid4().hex}"
    env = {
        "CONTACTBOOK_REDIS_URL": REDIS_URL,
        "CONTACTBOOK_RATE_LIMIT": "5/minute",
        "CONTACTBOOK_RATE_LIMIT_ENABLED": "true",
        "CONTACTBOOK_RATE_LIMIT_PREFIX": prefix,
    }
    servers = [ServeProcess(database_url, env, tmp_path) for _ in range(2)]
    try:
        for server in servers:
            server.wait_ready()
        with (
            helpcrunch_client(servers[0].url, tenant.api_key) as first,
            helpcrunch_client(servers[1].url, tenant.api_key) as second,
        ):
            for _ in range(3):
                assert first.get("/customers").status_code == 200
            for _ in range(2):
                assert second.get("/customers").status_code == 200
            # each process has seen fewer than 5 requests; together they have seen 5
            assert_limited(second.get("/customers"))
            assert_limited(first.get("/customers"))
        assert list(store.scan_iter(f"{prefix}*"))  # the count lives in Redis
    finally:
        for server in servers:
            server.stop()
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)
        store.close()
