"""Waiting for background jobs in tests (bounded: a job that never ends fails the test)."""

from __future__ import annotations

import time
from typing import Any

import httpx


def wait_for_job(client: httpx.Client, url: str, timeout: float = 120) -> dict[str, Any]:
    """Poll `url` until the job has finished; return its last state."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(url).json()
        if body["state"] in ("succeeded", "failed"):
            return body
        assert time.monotonic() < deadline, f"job still {body['state']}: {body}"
        time.sleep(0.1)
