"""A TCP server that accepts connections and never answers: a hung Redis (or any hung
service). Told to `relay_to` a real server, it forwards the connections it accepts from then on,
as the service would once it is back; connections accepted while hung stay hung."""

from __future__ import annotations

import asyncio
import contextlib
import threading


class StalledServer:
    """Listening on a free loopback port until `stop()`."""

    # Set by the server's thread; declared here so __init__ does not read it as always None.
    _server: asyncio.Server | None = None

    def __init__(self) -> None:
        self._target: tuple[str, int] | None = None
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self.accepted = 0
        self._thread = threading.Thread(target=self._main, name="stalled-tcp", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("the stalled server did not start")
        assert self._server is not None
        self.port: int = self._server.sockets[0].getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}"

    def relay_to(self, host: str, port: int) -> None:
        """Forward connections accepted from now on to `host:port`."""
        self._target = (host, port)

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def listen() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self._started.set()

        self._loop.run_until_complete(listen())
        self._loop.run_forever()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        target = self._target
        try:
            if target is None:
                # Read what the client sends, answer nothing, until it gives up and closes.
                while await reader.read(65536):
                    pass
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(*target)
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    sink.close()
