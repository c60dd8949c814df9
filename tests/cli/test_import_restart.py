"""An import job survives its server being killed: it resumes after the last committed batch,
and the counts come out exact. Another account is served while the import runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.cli import run_cli
from tests.support.databases import fresh_database
from tests.support.jobs import wait_for_job
from tests.support.live import free_port

ROWS = 20_000


def make_file(path: Path) -> tuple[int, int, int]:
    """Rows with a few bad phones and repeats; returns (created, updated, rejected)."""
    phones: list[str] = []
    created = updated = rejected = 0
    with path.open("w") as out:
        out.write("phone,name\n")
        for n in range(ROWS):
            if n % 97 == 13:
                out.write(f"not-a-phone-{n},Bad {n}\n")
                rejected += 1
            elif n % 50 == 7 and phones:
                out.write(f"{phones[n % len(phones)]},Repeat {n}\n")
                updated += 1
            else:
                phone = f"+44770{n:07d}"
                phones.append(phone)
                out.write(f"{phone},Person {n}\n")
                created += 1
    return created, updated, rejected


class Server:
    def __init__(self, url: str, directory: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CONTACTBOOK_JOB_BATCH_SIZE": "200",
               "CONTACTBOOK_JOB_STALE_SECONDS": "2",
               "CONTACTBOOK_IMPORT_DIR": str(directory / "uploads")}  # fmt: skip
        self.log = (directory / f"serve-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "contactbook", "serve", "--port", str(self.port),
             "--database-url", url, "--no-access-log"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=directory,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert self.process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not come up"
            time.sleep(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        self.log.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def test_a_killed_import_resumes_with_exact_counts(tmp_path: Path) -> None:
    created, updated, rejected = make_file(tmp_path / "big.csv")
    with fresh_database(tmp_path) as url:
        first = json.loads(
            run_cli("accounts", "create", "--name", "Big", "--database-url", url).out
        )
        other = json.loads(
            run_cli("accounts", "create", "--name", "Other", "--database-url", url).out
        )
        server = Server(url, tmp_path)
        big = httpx.Client(base_url=server.base + "/contactbook/v1", timeout=30,
                           headers={"Authorization": f"Bearer {first['api_key']}"})  # fmt: skip
        small = httpx.Client(base_url=server.base + "/contactbook/v1", timeout=30,
                             headers={"Authorization": f"Bearer {other['api_key']}"})  # fmt: skip
        try:
            job = big.post("/imports", content=(tmp_path / "big.csv").read_bytes(),
                           headers={"content-type": "text/csv"}).json()  # fmt: skip
            url_of_job = f"/imports/{job['id']}"
            deadline = time.monotonic() + 60
            while True:
                state = big.get(url_of_job).json()
                if state["state"] == "running" and state["counts"]["rows"] >= 1000:
                    break
                assert state["state"] != "succeeded", "finished before it could be interrupted"
                assert time.monotonic() < deadline
                time.sleep(0.02)
            # another account is served while the import runs
            assert small.post("/contacts", json={"phone": "+447700900123"}).status_code == 201
            assert big.get(url_of_job).json()["state"] == "running"
            server.kill()
            server = Server(url, tmp_path)
            big.base_url = httpx.URL(server.base + "/contactbook/v1")
            done = wait_for_job(big, url_of_job, timeout=300)
        finally:
            server.stop()
            big.close()
            small.close()
        assert done["state"] == "succeeded", done
        assert done["counts"] == {"rows": ROWS, "created": created, "updated": updated,
                                  "skipped": 0, "rejected": rejected}  # fmt: skip
        exported = run_cli(
            "export", "--account-id", str(first["account_id"]), "--database-url", url
        )
        assert len(exported.out.strip().splitlines()) - 1 == created  # no row written twice
        # Under the database's installation id, the one folder in the imports folder.
        (errors,) = (tmp_path / "uploads").glob(
            f"*/{first['account_id']}/{job['id']}.csv.errors.csv"
        )
        lines = [row.split(",")[0] for row in errors.read_text().splitlines()[1:]]
        assert len(lines) == rejected and len(set(lines)) == rejected
