"""The secret that signs Notificore bearer tokens: derived from `CONTACTBOOK_SECRET_KEY` when
set, otherwise kept in a 0600 file outside the database that every process of one machine
shares; an installation that kept it in the database moves it out without ending its tokens."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import multiprocessing
import re
import secrets
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import jwt
from sqlalchemy import text
from sqlalchemy.engine import make_url

from contactbook.storage.secret_file import read_or_create
from contactbook.storage.uow import Database
from tests.support.databases import fresh_database
from tests.support.served import ServedProcess, cli, new_account

# How the previous release signed tokens: its stored secret, hashed with this label.
PREVIOUS_LABEL = b"contactbook notificore bearer\x00"


def secret_file(database_url: str, working_folder: Path) -> Path:
    """Where the README says the secret is kept: beside the SQLite file, or in the working
    folder named after the PostgreSQL server and database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return Path(f"{url.database}.secret")
    parts = [url.host or "local", str(url.port or 5432), url.database or ""]
    name = "-".join(re.sub(r"[^A-Za-z0-9._]", "_", part) for part in parts)
    return working_folder / f"contactbook-{name}.secret"


def derived_key(secret: str) -> bytes:
    """HKDF-SHA256 (RFC 5869) of the secret, as the README documents it."""
    extracted = hmac.new(b"contactbook", secret.encode(), hashlib.sha256).digest()
    return hmac.new(extracted, b"notificore bearer token\x01", hashlib.sha256).digest()


def token_signed_by_previous_release(secret: str, account_id: int, key_id: int) -> str:
    now = int(time.time())
    payload = {"iat": now, "exp": now + 3600, "roles": [], "id": account_id, "key": key_id}
    key = hashlib.sha256(PREVIOUS_LABEL + secret.encode()).digest()
    return jwt.encode(payload, key, algorithm="HS256")


async def _sql(database_url: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    db = Database(database_url, pool_size=1)
    try:
        async with db.engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await db.dispose()


def sql(database_url: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    return asyncio.run(_sql(database_url, statement, **params))


def login(base_url: str, api_key: str) -> str:
    response = httpx.post(base_url + "/api/auth/login", json={"api_key": api_key})
    assert response.status_code == 200, response.text
    return str(response.json()["bearer"])


def groups_status(base_url: str, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(base_url + "/api/groups", headers=headers, timeout=30).status_code


def test_a_token_of_the_previous_release_keeps_working_and_its_secret_leaves_the_database(
    tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    with fresh_database(tmp_path) as url:
        assert cli("migrate", "--database-url", url).returncode == 0
        account_id, api_key = new_account(url)
        # The previous release made its secret on first use and kept it in the database.
        stored = secrets.token_urlsafe(48)
        sql(url, "INSERT INTO instance_settings (name, value) VALUES ('jwt_secret', :v)", v=stored)
        [(key_id,)] = sql(url, "SELECT id FROM api_keys WHERE account_id = :a", a=account_id)
        assert isinstance(key_id, int)
        issued_before = token_signed_by_previous_release(stored, account_id, key_id)

        served = ServedProcess(url, tmp_path, workers=2, cwd=work)
        try:
            assert {groups_status(served.url, issued_before) for _ in range(20)} == {200}
            issued_after = login(served.url, api_key)
        finally:
            served.stop()
        path = secret_file(url, work)
        assert path.read_text().strip() == stored  # moved, not rotated
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        values = [value for (value,) in sql(url, "SELECT value FROM instance_settings")]
        assert stored not in values
        assert not [v for v in values if isinstance(v, str) and stored[:16] in v]

        again = ServedProcess(url, tmp_path, cwd=work)
        try:
            assert groups_status(again.url, issued_before) == 200
            assert groups_status(again.url, issued_after) == 200
        finally:
            again.stop()

        # Another machine without CONTACTBOOK_SECRET_KEY cannot have the moved secret: it
        # makes its own, and says that tokens issued elsewhere are refused there.
        elsewhere = tmp_path / "elsewhere"
        env = {"CONTACTBOOK_SECRET_FILE": str(elsewhere / "contactbook.secret")}
        other = ServedProcess(url, tmp_path, cwd=work, env=env)
        try:
            assert groups_status(other.url, issued_before) == 401
            assert "is not the one this database's other processes use" in other.log()
        finally:
            other.stop()


def test_processes_starting_at_once_on_one_machine_agree_on_one_secret(tmp_path: Path) -> None:
    with fresh_database(tmp_path) as url:
        assert cli("migrate", "--database-url", url).returncode == 0
        _, api_key = new_account(url)
        with ThreadPoolExecutor(2) as pool:
            starts = [
                pool.submit(ServedProcess, url, tmp_path, workers=2, cwd=tmp_path) for _ in range(2)
            ]
            servers = [start.result() for start in starts]
        try:
            tokens = [login(server.url, api_key) for server in servers for _ in range(10)]
            for server in servers:
                assert {groups_status(server.url, token) for token in tokens} == {200}
        finally:
            for server in servers:
                server.stop()
        path = secret_file(url, tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)] == [path.name]


def _race(path: str, barrier: object) -> str:
    assert hasattr(barrier, "wait")
    barrier.wait()
    return read_or_create(Path(path), secrets.token_urlsafe(48))


def test_concurrent_creators_of_the_secret_file_all_read_back_the_same_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "contactbook.db.secret"
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(8)
        with context.Pool(8) as pool:
            seen = pool.starmap(_race, [(str(path), barrier)] * 8)
    assert len(set(seen)) == 1 and len(seen[0]) >= 32
    assert path.read_text().strip() == seen[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary files left


def test_with_a_secret_key_no_file_is_needed_and_servers_accept_each_others_tokens(
    tmp_path: Path,
) -> None:
    # Upgrading several machines: the secret the database held becomes CONTACTBOOK_SECRET_KEY
    # on each, so the tokens issued before the upgrade stay valid on all of them.
    key = secrets.token_urlsafe(48)
    env = {"CONTACTBOOK_SECRET_KEY": key}
    folders = [tmp_path / "one", tmp_path / "two"]
    with fresh_database(tmp_path) as url:
        assert cli("migrate", "--database-url", url).returncode == 0
        account_id, api_key = new_account(url)
        sql(url, "INSERT INTO instance_settings (name, value) VALUES ('jwt_secret', :v)", v=key)
        [(key_id,)] = sql(url, "SELECT id FROM api_keys WHERE account_id = :a", a=account_id)
        assert isinstance(key_id, int)
        issued_before = token_signed_by_previous_release(key, account_id, key_id)
        servers = []
        for folder in folders:
            folder.mkdir()
            servers.append(ServedProcess(url, folder, env=env, cwd=folder))
        try:
            first, second = (login(server.url, api_key) for server in servers)
            assert groups_status(servers[1].url, first) == 200
            assert groups_status(servers[0].url, second) == 200
            assert {groups_status(server.url, issued_before) for server in servers} == {200}
        finally:
            for server in servers:
                server.stop()
        values = [value for (value,) in sql(url, "SELECT value FROM instance_settings")]
        assert key not in values
    # Signed with a key derived from the configured one for this purpose, not with it.
    jwt.decode(first, derived_key(key), algorithms=["HS256"])
    assert not list(tmp_path.rglob("*.secret"))
