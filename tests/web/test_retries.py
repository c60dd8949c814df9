"""A unit of work the store rolled back for concurrent writers (`Busy`) runs again; after the
last attempt the caller gets 503 with Retry-After in its API's envelope, never a 500."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from contactbook.domain.errors import Busy
from contactbook.web.dialects.native import errors as native_errors
from contactbook.web.kit import answers
from contactbook.web.responses import Json
from contactbook.web.routes import ATTEMPTS, DialectRoute
from tests.support.live import free_port


@pytest.fixture(scope="module")
def app_url() -> Iterator[tuple[str, dict[str, int]]]:
    calls: dict[str, int] = {}
    router = APIRouter(route_class=DialectRoute)

    @router.post("/collides/{times}")
    async def collides(times: int, request: Request) -> Response:
        body = await request.json()  # read on every attempt: the body must be there each time
        key = f"{times}:{body['n']}"
        calls[key] = calls.get(key, 0) + 1
        if calls[key] <= times:
            raise Busy()
        return Json({"attempts": calls[key], "n": body["n"]})

    app = FastAPI()
    answers.install(app, native_errors.ANSWERS)
    app.include_router(router)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.02)
    yield f"http://127.0.0.1:{port}", calls
    server.should_exit = True
    thread.join(10)


def test_a_collision_is_retried_with_the_same_body(app_url: tuple[str, dict[str, int]]) -> None:
    url, _ = app_url
    done = httpx.post(f"{url}/collides/2", json={"n": 7})
    assert done.status_code == 200
    assert done.json() == {"attempts": 3, "n": 7}


def test_collisions_past_the_last_attempt_are_a_503(app_url: tuple[str, dict[str, int]]) -> None:
    url, calls = app_url
    done = httpx.post(f"{url}/collides/{ATTEMPTS}", json={"n": 8})
    assert done.status_code == 503
    assert done.headers["retry-after"] == "1"
    assert done.headers["content-type"] == "application/problem+json"
    assert done.json()["code"] == "busy"
    assert calls[f"{ATTEMPTS}:8"] == ATTEMPTS
