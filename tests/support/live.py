"""A real server for tests: uvicorn on a free loopback port, in a thread with its own loop.

The same loop runs test helpers' coroutines (`call`), so factories can go through the services
while requests go through real HTTP.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import uvicorn

from contactbook.settings import Settings
from contactbook.storage.uow import Database
from contactbook.web.app import create_app

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """Serve `create_app(settings)` until `stop()`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = create_app(settings)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._thread = threading.Thread(target=self._main, name="live-server", daemon=True)
        self._ready = threading.Event()
        self.db: Database | None = None

    def start(self) -> LiveServer:
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the test server did not start")
        deadline = time.monotonic() + 30
        while self._server is None or not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start listening")
            time.sleep(0.02)
        return self

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self.db = self.app.state.runtime.db
        self._ready.set()
        loop.run_until_complete(self._server.serve())
        loop.close()

    def call(self, fn: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
        """Run `await fn(*args, **kwargs)` on the server's loop and return its result."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(fn(*args, **kwargs), self._loop).result(60)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(30)
