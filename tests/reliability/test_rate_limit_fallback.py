"""The rate limit when its Redis hangs (accepts connections, never answers): requests stay
fast, counted per process in memory, the log says so once; when Redis answers again the count
is shared in Redis again."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from tests.support.served import ServedProcess, new_account
from tests.support.stalled_tcp import StalledServer

REDIS_URL = os.environ.get("CONTACTBOOK_TEST_REDIS_URL", "redis://127.0.0.1:6379")
# A correctness bound, not a benchmark: a hung Redis cost ~5 s a request before.
FAST = 1.0
FALLBACK_LINE = "rate limit storage did not answer"


@pytest.fixture
def stalled() -> Iterator[StalledServer]:
    server = StalledServer()
    yield server
    server.stop()


def timed_get(client: httpx.Client, path: str) -> tuple[int, float]:
    started = time.monotonic()
    status = client.get(path).status_code
    return status, time.monotonic() - started


def test_a_hung_redis_falls_back_to_the_per_process_limit_and_back(
    database_url: str, tmp_path: Path, stalled: StalledServer
) -> None:
    prefix = f"contactbook-test-{uuid.uuid4().hex}"
    env = {
        "CONTACTBOOK_REDIS_URL": stalled.url,
        "CONTACTBOOK_RATE_LIMIT_ENABLED": "true",
        "CONTACTBOOK_RATE_LIMIT": "8/minute",
        "CONTACTBOOK_RATE_LIMIT_PREFIX": prefix,
    }
    _, key = new_account(database_url, "Hung Redis")
    served = ServedProcess(database_url, tmp_path, env=env)
    try:
        with served.client(key, prefix="/v1") as hc:
            answers = [timed_get(hc, "/customers") for _ in range(10)]
            assert all(seconds < FAST for _, seconds in answers), answers
            # Counted in memory all the same: the limit holds while Redis is out.
            assert [status for status, _ in answers] == [200] * 8 + [429] * 2
            assert served.log().count(FALLBACK_LINE) == 1
            assert stalled.accepted >= 1  # Redis was asked, and did not answer

            store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
            try:
                store.ping()
            except redis.RedisError:
                pytest.skip(f"no Redis at {REDIS_URL} to come back")
            try:
                target = store.connection_pool.connection_kwargs
                stalled.relay_to(str(target["host"]), int(target["port"]))
                other = new_account(database_url, "Back on Redis")[1]
                deadline = time.monotonic() + 10
                with served.client(other, prefix="/v1") as fresh:
                    while not list(store.scan_iter(f"{prefix}*")):
                        assert time.monotonic() < deadline, "the limit never went back to Redis"
                        status, seconds = timed_get(fresh, "/customers")
                        assert status == 200 and seconds < FAST
                        time.sleep(0.2)
                assert "rate limit storage answers again" in served.log()
            finally:
                for leftover in store.scan_iter(f"{prefix}*"):
                    store.delete(leftover)
                store.close()
    finally:
        served.stop()
