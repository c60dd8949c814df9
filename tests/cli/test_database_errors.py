"""A database the command cannot open, or a wrong option, is one line on stderr and exit 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support.cli import Env, Result, run_cli, run_cli_process
from tests.support.databases import fresh_database, postgres_server_url
from tests.support.live import free_port


def run(*args: str, cwd: Path | None = None) -> Result:
    """The command without a database URL in its environment: in this process, but `serve` in
    its own, so that a server that wrongly started is stopped by the timeout."""
    env: Env = {"CONTACTBOOK_DATABASE_URL": None}
    if args[0] == "serve":
        return run_cli_process(*args, env=env, cwd=cwd, timeout=60)
    return run_cli(*args, env=env, cwd=cwd)


def one_error_line(done: Result) -> str:
    assert done.code == 2, (done.code, done.err[-2000:])
    lines = done.err.splitlines()
    assert len(lines) == 1, done.err[-2000:]
    assert lines[0].startswith("error: ")
    assert "serving on" not in done.err
    return lines[0]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("phone\n+447700900123\n")
    return path


def commands(csv_file: Path) -> dict[str, tuple[str, ...]]:
    """Every command that opens the database, with the arguments it needs."""
    return {
        "serve": ("serve", "--port", str(free_port())),
        "migrate": ("migrate",),
        "accounts create": ("accounts", "create", "--name", "X"),
        "accounts list": ("accounts", "list"),
        "accounts verify-number": (
            "accounts",
            "verify-number",
            "--account-id",
            "1",
            "--phone",
            "+447700900123",
        ),
        "accounts create-key": ("accounts", "create-key", "--account-id", "1"),
        "inboxes create": ("inboxes", "create", "--account-id", "1", "--name", "X"),
        "inboxes list": ("inboxes", "list", "--account-id", "1"),
        "import": ("import", str(csv_file), "--account-id", "1"),
        "export": ("export", "--account-id", "1"),
        "check": ("check", "--account-id", "1"),
        "check --repair": ("check", "--account-id", "1", "--repair"),
    }


COMMANDS = list(commands(Path("x")))


@pytest.mark.parametrize("command", COMMANDS)
def test_an_sqlite_file_in_a_missing_folder(tmp_path: Path, csv_file: Path, command: str) -> None:
    url = f"sqlite:///{tmp_path}/no-such-folder/contacts.db"
    line = one_error_line(run(*commands(csv_file)[command], "--database-url", url))
    assert url in line
    assert "folder" in line and "does not exist" in line


@pytest.mark.parametrize("command", ["migrate", "accounts create", "accounts list"])
def test_an_sqlite_path_that_is_a_folder(tmp_path: Path, csv_file: Path, command: str) -> None:
    url = f"sqlite:///{tmp_path}"
    line = one_error_line(run(*commands(csv_file)[command], "--database-url", url))
    assert url in line and "names a folder" in line


def test_a_refused_connection_names_the_masked_url(csv_file: Path) -> None:
    url = f"postgresql://someone:s3cret@127.0.0.1:{free_port()}/contacts"
    for command in ("serve", "migrate", "accounts create", "accounts list", "import", "export"):
        done = run(*commands(csv_file)[command], "--database-url", url)
        line = one_error_line(done)
        assert "s3cret" not in done.err
        assert url.replace("s3cret", "***") in line, line
        assert "connection refused" in line, line


def test_an_unsupported_url_is_refused_with_its_password_masked() -> None:
    line = one_error_line(run("migrate", "--database-url", "mysql://someone:s3cret@db/contacts"))
    assert "mysql://someone:***@db/contacts" in line and "s3cret" not in line


@pytest.fixture
def postgres() -> str:
    server = postgres_server_url()
    if server is None:
        pytest.skip("a PostgreSQL server is needed (CONTACTBOOK_TEST_POSTGRES_URL)")
    return server


def test_a_postgres_database_that_does_not_exist(postgres: str, csv_file: Path) -> None:
    url = make_url(postgres).set(database="contactbook_no_such_db").render_as_string(False)
    for command in ("serve", "migrate", "accounts create", "accounts list", "import", "export"):
        line = one_error_line(run(*commands(csv_file)[command], "--database-url", url))
        assert make_url(url).render_as_string(hide_password=True) in line, line
        assert "database does not exist" in line, line


def test_an_unknown_postgres_user(postgres: str, csv_file: Path) -> None:
    server = make_url(postgres)
    url = f"postgresql://contactbook_nobody:s3cret@{server.host}:{server.port or 5432}/postgres"
    for command in ("serve", "migrate", "accounts create", "accounts list", "import", "export"):
        done = run(*commands(csv_file)[command], "--database-url", url)
        line = one_error_line(done)
        assert "s3cret" not in done.err
        assert "contactbook_nobody:***@" in line, line
        assert "authentication failed or unknown user" in line, line


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_serve_refuses_a_port_outside_1_to_65535(tmp_path: Path, port: str) -> None:
    done = run("serve", "--port", port, "--database-url", f"sqlite:///{tmp_path}/c.db")
    assert done.code == 2, done.err[-2000:]
    assert "--port" in done.err
    assert "serving on" not in done.err
    assert not (tmp_path / "c.db").exists()


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(Path(tmp_path_factory.mktemp("dberrors"))) as database_url:
        assert run("migrate", "--database-url", database_url).code == 0
        yield database_url


@pytest.mark.parametrize(
    "command",
    ["accounts verify-number", "accounts create-key", "inboxes create", "inboxes list",
     "import", "export", "check", "check --repair"],
)  # fmt: skip
def test_an_unknown_account_names_its_id_and_the_database(
    url: str, csv_file: Path, command: str
) -> None:
    args = [a if a != "1" else "987654" for a in commands(csv_file)[command]]
    line = one_error_line(run(*args, "--database-url", url))
    assert f"No account 987654 in {make_url(url).render_as_string(hide_password=True)}" in line


@pytest.mark.parametrize("command", ["accounts list", "inboxes list", "export", "check"])
def test_a_read_only_command_does_not_create_a_database(
    tmp_path: Path, csv_file: Path, command: str
) -> None:
    path = tmp_path / "typo.db"
    line = one_error_line(run(*commands(csv_file)[command], "--database-url", f"sqlite:///{path}"))
    assert f"sqlite:///{path}" in line and "does not exist" in line
    assert list(tmp_path.iterdir()) == [csv_file]


@pytest.mark.parametrize("command", ["migrate", "accounts create"])
def test_a_write_command_creates_a_new_sqlite_database(
    tmp_path: Path, csv_file: Path, command: str
) -> None:
    path = tmp_path / "new.db"
    done = run(*commands(csv_file)[command], "--database-url", f"sqlite:///{path}")
    assert done.code == 0, done.err[-2000:]
    assert json.loads(done.out)
    assert path.is_file()
