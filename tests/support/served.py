"""`contactbook serve` as an operator runs it: a real process tree (one supervisor, N worker
processes) on a free loopback port, for tests that need several workers, a kill -9, or a
process's memory."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.live import free_port


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the `contactbook` command; never raises on a failing status."""
    return subprocess.run(
        [sys.executable, "-m", "contactbook", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        check=False,
    )


def new_account(database_url: str, name: str = "Reliability") -> tuple[int, str]:
    """(account id, API key) of a fresh account, made with the CLI."""
    done = cli("accounts", "create", "--name", name, "--database-url", database_url)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    return int(printed["account_id"]), str(printed["api_key"])


class ServedProcess:
    """`contactbook serve --workers N` until `stop()` or `kill()`, run from the working folder
    `cwd` (`directory` when None), where it keeps what it keeps there."""

    def __init__(
        self,
        database_url: str,
        directory: Path,
        *,
        workers: int = 1,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        variables = {
            **os.environ,
            "CONTACTBOOK_IMPORT_DIR": str(directory / "uploads"),
            "CONTACTBOOK_RATE_LIMIT_ENABLED": "false",
            **(env or {}),
        }
        self.log_path = directory / f"serve-{self.port}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "contactbook", "serve", "--port", str(self.port),
             "--database-url", database_url, "--workers", str(workers), "--no-access-log"],
            stdout=self._log, stderr=subprocess.STDOUT, env=variables, cwd=cwd or directory,
        )  # fmt: skip
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 90
        while True:
            try:
                up = httpx.get(self.url + "/healthz", timeout=2).status_code == 200
                # With several workers, each must be running before the test starts.
                if up and len(self.worker_pids()) >= self.workers:
                    return
            except httpx.TransportError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not come up:\n{self.log()}")
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        """The processes answering requests: the supervisor's children with several workers,
        the supervisor itself with one."""
        if self.workers == 1:
            return [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            listed = [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []
        return [pid for pid in listed if _is_server(pid)]

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def client(self, api_key: str, prefix: str = "/contactbook/v1") -> httpx.Client:
        return httpx.Client(
            base_url=self.url + prefix,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=60,
        )

    def kill(self) -> None:
        """kill -9 the whole tree, as a crash would."""
        for pid in [*self.worker_pids(), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(30)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)
        self._log.close()


def _is_server(pid: int) -> bool:
    """A worker is a spawned interpreter (the supervisor also starts multiprocessing's resource
    tracker; the job cleaner's helpers are the workers' children, not the supervisor's)."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def rss_mib(pid: int) -> float:
    """A process's resident memory now, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
