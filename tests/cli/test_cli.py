"""The `contactbook` command as operators use it, on real databases: in this process where only
its output, status and effect matter, as real processes for `serve` and the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.cli import run_cli, run_cli_process
from tests.support.databases import fresh_database
from tests.support.live import free_port


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(Path(tmp_path_factory.mktemp("cli"))) as database_url:
        yield database_url


def test_accounts_create_prints_the_id_and_key(url: str) -> None:
    done = run_cli("accounts", "create", "--name", "Acme", "--default-region", "ua",
               "--database-url", url)  # fmt: skip
    assert done.code == 0, done.err
    printed = json.loads(done.out)
    assert set(printed) == {"account_id", "api_key"}
    assert printed["api_key"].startswith(f"cbk_{printed['account_id']}_")


def test_database_url_comes_from_the_environment(url: str) -> None:
    done = run_cli("accounts", "create", "--name", "Env", env={"CONTACTBOOK_DATABASE_URL": url})
    assert done.code == 0, done.err
    listed = run_cli("accounts", "list", "--database-url", url)
    names = [json.loads(line)["name"] for line in listed.out.splitlines()]
    assert "Env" in names


def test_verify_number_and_inbox(url: str) -> None:
    account = json.loads(run_cli("accounts", "create", "--name", "T", "--test-mode",
                             "--default-region", "GB", "--database-url", url).out)  # fmt: skip
    account_id = str(account["account_id"])
    verified = run_cli("accounts", "verify-number", "--account-id", account_id,
                   "--phone", "07700 900123", "--database-url", url)  # fmt: skip
    assert verified.code == 0, verified.err
    assert json.loads(verified.out) == {"account_id": int(account_id), "phone": "+447700900123"}
    inbox = run_cli("inboxes", "create", "--account-id", account_id, "--name", "Website",
                "--database-url", url)  # fmt: skip
    assert inbox.code == 0, inbox.err
    assert json.loads(inbox.out)["inbox_id"] > 0


@pytest.mark.parametrize(
    "args",
    [
        ("accounts", "create", "--name", "X", "--default-region", "ZZ"),
        ("accounts", "verify-number", "--account-id", "999999", "--phone", "+447700900123"),
        ("inboxes", "create", "--account-id", "999999", "--name", "X"),
    ],
)
def test_bad_requests_exit_2_with_a_message(url: str, args: tuple[str, ...]) -> None:
    done = run_cli(*args, "--database-url", url)
    assert done.code == 2
    assert done.err.startswith("error:")


def test_unsupported_database_url_is_refused() -> None:
    done = run_cli("migrate", "--database-url", "mysql://localhost/x")
    assert done.code == 2
    assert "Unsupported database URL" in done.err


def test_the_installed_command_migrates_and_reports_the_revision(url: str) -> None:
    done = run_cli_process("migrate", "--database-url", url, installed=True)
    assert done.code == 0 and json.loads(done.out)["revision"]


def test_serve_migrates_and_answers(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as database_url:
        port = free_port()
        log = (tmp_path / "serve.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "contactbook", "serve", "--port", str(port),
             "--database-url", database_url, "--workers", "2", "--no-access-log"],
            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.2)
            made = json.loads(run_cli("accounts", "create", "--name", "S",
                                  "--database-url", database_url).out)  # fmt: skip
            headers = {"Authorization": f"Bearer {made['api_key']}"}
            created = httpx.post(base + "/contactbook/v1/contacts", headers=headers,
                                 json={"phone": "+447700900321"})  # fmt: skip
            assert created.status_code == 201
            for _ in range(4):  # whichever worker answers sees the same store
                got = httpx.get(base + f"/contactbook/v1/contacts/{created.json()['id']}",
                                headers=headers)  # fmt: skip
                assert got.json()["phone"] == "+447700900321"
        finally:
            server.terminate()
            server.wait(30)
            log.close()


@pytest.mark.parametrize("key", ["changeme", "short-secret"])
def test_serve_refuses_a_guessable_secret_key(url: str, key: str) -> None:
    done = run_cli_process("serve", "--port", str(free_port()), "--database-url", url,
                           env={"CONTACTBOOK_SECRET_KEY": key})  # fmt: skip
    assert done.code == 2
    assert "CONTACTBOOK_SECRET_KEY must be a random value of at least 16" in done.err
