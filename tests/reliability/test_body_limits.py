"""Request bodies are bounded while they stream in, and nobody's body is read before their
credentials are checked: a huge body costs a worker no memory, authenticated or not."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.reliability.conftest import Api, assert_connection_kept
from tests.support.databases import fresh_database
from tests.support.factories import Tenant
from tests.support.served import ServedProcess, new_account, rss_mib

MIB = 1024 * 1024
DEFAULT_LIMIT = 10 * MIB
HUGE_MIB = 300
MAX_GROWTH_MIB = 50
SMALL_LIMIT = 1 * MIB
SMALL_UPLOAD_LIMIT = 3 * MIB


def chunks(total_mib: int, chunk: bytes = b"x" * MIB) -> Iterator[bytes]:
    """A body of `total_mib` MiB, made as it is sent (the client holds 1 MiB at a time)."""
    for _ in range(total_mib):
        yield chunk


@contextmanager
def peak_rss(pid: int) -> Iterator[dict[str, float]]:
    """Sample the process's resident memory while the block runs; yields {"before", "peak"}."""
    figures = {"before": rss_mib(pid), "peak": 0.0}
    figures["peak"] = figures["before"]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            figures["peak"] = max(figures["peak"], rss_mib(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield figures
    finally:
        done.set()
        sampler.join()
        figures["peak"] = max(figures["peak"], rss_mib(pid))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServedProcess, int, str]]:
    """`contactbook serve` with one worker on a database of its own: (process, account, key)."""
    directory = Path(tmp_path_factory.mktemp("served"))
    with fresh_database(directory) as url:
        process = ServedProcess(
            url,
            directory,
            env={
                "CONTACTBOOK_MAX_BODY_BYTES": str(SMALL_LIMIT),
                "CONTACTBOOK_MAX_UPLOAD_BYTES": str(SMALL_UPLOAD_LIMIT),
            },
        )
        try:
            account_id, key = new_account(url)
            yield process, account_id, key
        finally:
            process.stop()


# Where each API takes a JSON body.
UNAUTHENTICATED = [
    ("native", "/contactbook/v1/contacts"),
    ("notificore", "/api/contacts"),
    ("chatwoot", "/api/v1/accounts/{account}/contacts"),
    ("helpcrunch", "/v1/customers"),
]


def assert_unauthenticated(dialect: str, response: httpx.Response) -> None:
    assert response.status_code == 401, (dialect, response.status_code, response.text[:300])
    body = response.json()
    if dialect == "native":
        assert body["code"] == "unauthenticated"
    elif dialect == "notificore":
        assert body == {"code": 401, "message": "JWT Token not found"}
    elif dialect == "chatwoot":
        assert body == {"errors": ["You need to sign in or sign up before continuing."]}
    else:
        assert body["errors"][1] == {"code": "unauthorized", "message": "Unauthorized"}


def test_an_unauthenticated_300_mib_body_is_refused_without_being_read(
    served: tuple[ServedProcess, int, str],
) -> None:
    process, account_id, _key = served
    (pid,) = process.worker_pids()
    for dialect, path in UNAUTHENTICATED:
        url = process.url + path.format(account=account_id)
        with peak_rss(pid) as figures, httpx.Client(timeout=300) as client:
            response = client.post(
                url, content=chunks(HUGE_MIB), headers={"content-type": "application/json"}
            )
        growth = figures["peak"] - figures["before"]
        assert_unauthenticated(dialect, response)
        assert growth < MAX_GROWTH_MIB, (
            f"{dialect}: the worker grew by {growth:.0f} MiB ({figures})"
        )


def test_an_authenticated_300_mib_body_stops_at_the_limit(
    served: tuple[ServedProcess, int, str],
) -> None:
    process, _account, key = served
    (pid,) = process.worker_pids()
    with peak_rss(pid) as figures, process.client(key) as client:
        response = client.post(
            "/contacts", content=chunks(HUGE_MIB), headers={"content-type": "application/json"}
        )
    growth = figures["peak"] - figures["before"]
    assert response.status_code == 413, response.text[:300]
    assert response.json()["code"] == "content_too_large"
    assert growth < MAX_GROWTH_MIB, f"the worker grew by {growth:.0f} MiB ({figures})"


def test_json_bodies_and_uploads_each_have_their_limit(
    served: tuple[ServedProcess, int, str],
) -> None:
    process, _account, key = served
    with process.client(key) as client:
        # A declared length past the limit is refused before any of the body is read.
        response = client.post(
            "/contacts",
            content=chunks(HUGE_MIB),
            headers={"content-type": "application/json", "content-length": str(HUGE_MIB * MIB)},
        )
        assert response.status_code == 413, response.text[:300]
        assert response.json()["code"] == "content_too_large"
        assert str(SMALL_LIMIT) in response.json()["detail"]
        # The setting is the limit: a body under it is read as usual.
        under = client.post("/lists", json={"name": "Clients", "description": "x" * 200})
        assert under.status_code == 201, under.text

        # Import uploads are bounded by their own, larger limit.
        rows = b"phone\n" + b"".join(b"+4420794%05d\n" % i for i in range(100_000))
        assert SMALL_LIMIT < len(rows) < SMALL_UPLOAD_LIMIT
        accepted = client.post("/imports", content=rows, headers={"content-type": "text/csv"})
        assert accepted.status_code == 202, accepted.text
        too_big = client.post("/imports", content=chunks(4), headers={"content-type": "text/csv"})
        assert too_big.status_code == 413, too_big.text
        assert too_big.json()["code"] == "upload_too_large"
        multipart = client.post(
            "/imports", files={"file": ("big.csv", b"phone\n" + b"1" * (4 * MIB), "text/csv")}
        )
        assert multipart.status_code == 413, multipart.text
        assert multipart.json()["code"] == "upload_too_large"


# --- the 413 of each API, at the default limit --------------------------------------------------


def over_the_default() -> bytes:
    """A JSON body just past the default limit."""
    padding = DEFAULT_LIMIT - len(b'{"name": ""}') + 1
    return b'{"name": "' + b"x" * padding + b'"}'


def test_each_api_answers_413_in_its_own_envelope(
    tenant: Tenant, native: Api, notificore: Api, chatwoot: Api, helpcrunch: Api
) -> None:
    body = over_the_default()
    headers = {"content-type": "application/json"}

    response = native.client.post("/contacts", content=body, headers=headers)
    assert response.status_code == 413, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413 and problem["code"] == "content_too_large"
    assert str(DEFAULT_LIMIT) in problem["detail"]
    assert_connection_kept(native, response)

    response = notificore.client.post("/groups", content=body, headers=headers)
    assert response.status_code == 413, response.text[:300]
    assert response.json()["errors"] == [] and str(DEFAULT_LIMIT) in response.json()["message"]
    assert_connection_kept(notificore, response)

    response = chatwoot.client.post("/contacts", content=body, headers=headers)
    assert response.status_code == 413, response.text[:300]
    assert response.json() == {"status": 413, "error": "Payload Too Large"}
    assert_connection_kept(chatwoot, response)

    response = helpcrunch.client.post("/customers", content=body, headers=headers)
    assert response.status_code == 413, response.text[:300]
    errors = response.json()["errors"]
    assert errors[0]["code"] == "invalid_request" and errors[1]["code"] == "content_too_large"
    assert_connection_kept(helpcrunch, response)

    assert tenant.native.get("/account").json()["contacts"] == 0
    assert tenant.native.get("/lists").json()["items"] == []
