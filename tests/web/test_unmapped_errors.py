"""A domain error that a dialect's table does not name is a programming error: over real HTTP
it is answered as that dialect's crash (500 in its envelope), on a connection that stays open.
(`tests/web/test_error_mapping.py` is what keeps such an error from being shipped.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import orjson
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI

from contactbook.domain.errors import Conflict
from contactbook.web.dialects.chatwoot import errors as chatwoot
from contactbook.web.dialects.helpcrunch import errors as helpcrunch
from contactbook.web.dialects.native import errors as native
from contactbook.web.dialects.notificore import errors as notificore
from contactbook.web.kit.answers import Answers, install
from contactbook.web.routes import DialectRoute
from tests.support.live import free_port

ANSWERS: dict[str, Answers] = {
    "native": native.ANSWERS,
    "chatwoot": chatwoot.ANSWERS,
    "notificore": notificore.ANSWERS,
    "helpcrunch": helpcrunch.ANSWERS,
}


class _Unplanned(Conflict):
    """An error no dialect has an answer for."""


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """One server with each dialect's answers installed on an app of its own, at `/<dialect>`."""
    root = FastAPI()
    for name, answers in ANSWERS.items():
        router = APIRouter(route_class=DialectRoute)

        @router.get("/unplanned")
        async def unplanned() -> None:
            raise _Unplanned()

        app = FastAPI()
        install(app, answers)
        app.include_router(router)
        root.mount(f"/{name}", app)
    port = free_port()
    config = uvicorn.Config(root, host="127.0.0.1", port=port, log_level="critical")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.parametrize("dialect", sorted(ANSWERS))
def test_an_unmapped_error_is_the_dialects_crash(base_url: str, dialect: str) -> None:
    crash = ANSWERS[dialect].crash()
    with httpx.Client(base_url=base_url) as client:
        answered = client.get(f"/{dialect}/unplanned")
        assert answered.status_code == 500
        assert answered.json() == orjson.loads(crash.body)
        assert answered.headers["content-type"] == crash.headers["content-type"]
        # The same connection serves the next request.
        again = client.get(f"/{dialect}/unplanned")
        assert again.status_code == 500
        assert _local_address(again) == _local_address(answered)


def _local_address(response: httpx.Response) -> object:
    return response.extensions["network_stream"].get_extra_info("client_addr")
