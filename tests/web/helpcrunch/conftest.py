"""Fixtures for the HelpCrunch dialect: a client at `/v1` speaking for a fresh account."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.factories import Tenant

INVALID_REQUEST = {"code": "invalid_request", "message": "Invalid request"}


def helpcrunch_client(base_url: str, api_key: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url + "/v1", headers={"Authorization": f"Bearer {api_key}"}, timeout=30
    )


@pytest.fixture
def hc(tenant: Tenant) -> Iterator[httpx.Client]:
    with helpcrunch_client(tenant.server.url, tenant.api_key) as client:
        yield client


def define(tenant: Tenant, **types: str) -> None:
    """Define custom attributes (HelpCrunch: Settings → Contacts → Custom attributes)."""
    for key, kind in types.items():
        response = tenant.native.post("/fields", json={"name": key, "key": key, "type": kind})
        assert response.status_code == 201, response.text


def errors_of(response: httpx.Response, status: int) -> list[dict[str, str]]:
    """The specific items of an error response, after checking the envelope."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["errors"]
    assert body["errors"][0] == INVALID_REQUEST
    assert len(body["errors"]) >= 2
    specific: list[dict[str, str]] = body["errors"][1:]
    for item in specific:
        assert set(item) == {"code", "message"} and item["message"]
    return specific


def codes_of(response: httpx.Response, status: int = 400) -> list[str]:
    return [item["code"] for item in errors_of(response, status)]
