"""A Notificore client session for tests: the vendor's SDK (bsg-sdk, unmodified) logged in with
the tenant's API key, and a plain HTTP client carrying the same bearer token."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import bsg_api
import httpx
import orjson
from bsg_api.api.auth_api import AuthApi
from bsg_api.api.contact_api import ContactApi
from bsg_api.api.contact_field_api import ContactFieldApi
from bsg_api.api.contact_list_api import ContactListApi
from bsg_api.api.stop_list_api import StopListApi
from bsg_api.models import LoginRequest

from tests.support.factories import Tenant


@dataclass
class Notificore:
    """One account seen through the Notificore API."""

    tenant: Tenant
    sdk: bsg_api.ApiClient
    http: httpx.Client
    token: str

    @property
    def auth(self) -> AuthApi:
        return AuthApi(self.sdk)

    @property
    def contacts(self) -> ContactApi:
        return ContactApi(self.sdk)

    @property
    def fields(self) -> ContactFieldApi:
        return ContactFieldApi(self.sdk)

    @property
    def groups(self) -> ContactListApi:
        return ContactListApi(self.sdk)

    @property
    def stoplist(self) -> StopListApi:
        return StopListApi(self.sdk)

    def close(self) -> None:
        self.http.close()
        self.sdk.rest_client.pool_manager.clear()


def sdk_client(base_url: str, token: str | None = None) -> bsg_api.ApiClient:
    """The SDK pointed at Contactbook: only its host changes."""
    return bsg_api.ApiClient(bsg_api.Configuration(host=base_url, access_token=token))


def connect(tenant: Tenant) -> Notificore:
    """Log in with the tenant's API key, as a Notificore client does."""
    sdk = sdk_client(tenant.server.url)
    token = AuthApi(sdk).login(LoginRequest(api_key=tenant.api_key)).bearer
    assert token
    sdk.configuration.access_token = token
    http = httpx.Client(
        base_url=tenant.server.url + "/api",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    return Notificore(tenant, sdk, http, token)


def raw_json(response: Any, status: int) -> Any:
    """The JSON of an SDK `*_without_preload_content` response, checking status and type."""
    assert response.status == status, (response.status, response.data)
    assert response.headers["content-type"] == "application/json"
    return orjson.loads(response.data)


def json_of(response: httpx.Response, status: int) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"] == "application/json"
    return response.json()


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        assert self.headers.get("content-type") == "application/json", self.headers
        return orjson.loads(self.body)


def raw_request(
    base_url: str, method: str, target: str, headers: dict[str, str], body: bytes | None = None
) -> RawResponse:
    """Send exactly these bytes: the request target is not re-encoded, the body not re-serialised
    (as a client in another language would send them)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return RawResponse(
            response.status,
            {name.lower(): value for name, value in response.getheaders()},
            response.read(),
        )
    finally:
        conn.close()
