"""Bearer tokens: login with the account's API key, refresh, and 401 for every bad token."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from bsg_api.api.auth_api import AuthApi
from bsg_api.api.contact_api import ContactApi
from bsg_api.api.contact_list_api import ContactListApi
from bsg_api.exceptions import UnauthorizedException
from bsg_api.models import ContactListCreateRequest, LoginRequest, TokenSchema

from contactbook.services import accounts
from contactbook.web.dialects.notificore import tokens
from contactbook.web.instance_secret import installation_secret
from tests.support.factories import Tenant
from tests.web.notificore.support import Notificore, connect, json_of, sdk_client


def signing_key(tenant: Tenant) -> bytes:
    """The key the test server signs tokens with (it has no configured secret: its secret
    file's)."""
    secret = tenant.server.call(installation_secret, tenant.server.app.state.runtime)
    return tokens.signing_keys(secret).current


def test_login_gives_a_signed_expiring_token_for_the_account(nc: Notificore) -> None:
    claims = jwt.decode(nc.token, options={"verify_signature": False})
    assert claims["id"] == nc.tenant.account_id
    assert claims["key"] == nc.tenant.ctx.key_id
    assert claims["exp"] - claims["iat"] == nc.tenant.server.settings.token_ttl_seconds
    assert abs(claims["iat"] - time.time()) < 3600  # issued now, not at some fixed time
    jwt.decode(nc.token, signing_key(nc.tenant), algorithms=["HS256"])  # and really signed


def test_login_answers_200_with_bearer(tenant: Tenant) -> None:
    response = httpx.post(f"{tenant.server.url}/api/auth/login", json={"api_key": tenant.api_key})
    body = json_of(response, 200)
    assert list(body) == ["bearer"] and isinstance(body["bearer"], str)


def test_refresh_gives_a_working_token(nc: Notificore) -> None:
    fresh = nc.auth.refresh_token()
    assert isinstance(fresh, TokenSchema)
    assert fresh.bearer
    with sdk_client(nc.tenant.server.url, fresh.bearer) as other:
        assert ContactListApi(other).contact_lists().total == 0


def test_refresh_needs_a_valid_token(tenant: Tenant) -> None:
    response = httpx.post(f"{tenant.server.url}/api/auth/refresh")
    assert json_of(response, 401) == {"code": 401, "message": "JWT Token not found"}


def test_no_token_is_401_through_the_sdk(tenant: Tenant) -> None:
    with sdk_client(tenant.server.url) as anonymous, pytest.raises(UnauthorizedException) as caught:
        ContactApi(anonymous).contacts()
    assert caught.value.status == 401


@pytest.mark.parametrize("path", ["/contacts", "/groups", "/contacts/fields", "/stoplist"])
def test_missing_token_body(tenant: Tenant, path: str) -> None:
    response = httpx.get(f"{tenant.server.url}/api{path}")
    assert json_of(response, 401) == {"code": 401, "message": "JWT Token not found"}


@pytest.mark.parametrize(
    "header",
    ["Bearer garbage", "Bearer a.b.c", "Basic dXNlcjpwYXNz", "Bearer " + "x" * 500],
)
def test_bad_tokens_are_401(tenant: Tenant, header: str) -> None:
    response = httpx.get(f"{tenant.server.url}/api/contacts", headers={"Authorization": header})
    body = json_of(response, 401)
    assert body["code"] == 401
    assert body["message"] in ("Invalid JWT Token", "JWT Token not found")


def test_a_token_signed_with_another_key_is_invalid(tenant: Tenant) -> None:
    forged = tokens.issue(
        tokens.signing_keys("not ours").current,
        tokens.Claims(tenant.account_id, tenant.ctx.key_id or 0),
        int(time.time()),
        3600,
    )
    response = httpx.get(
        f"{tenant.server.url}/api/contacts", headers={"Authorization": f"Bearer {forged}"}
    )
    assert json_of(response, 401) == {"code": 401, "message": "Invalid JWT Token"}


def test_an_expired_token_is_401(tenant: Tenant) -> None:
    claims = tokens.Claims(tenant.account_id, tenant.ctx.key_id or 0)
    expired = tokens.issue(signing_key(tenant), claims, int(time.time()) - 7200, 3600)
    with (
        sdk_client(tenant.server.url, expired) as client,
        pytest.raises(UnauthorizedException) as caught,
    ):
        ContactListApi(client).contact_lists()
    assert caught.value.body is not None
    assert caught.value.body == '{"code":401,"message":"Expired JWT Token"}'


def test_the_documented_colon_form_is_accepted(nc: Notificore) -> None:
    response = nc.http.get("/groups", headers={"Authorization": f"Bearer: {nc.token}"})
    assert json_of(response, 200) == {"data": [], "total": 0}


def test_a_revoked_key_ends_its_tokens(nc: Notificore) -> None:
    key_id = nc.tenant.ctx.key_id
    assert key_id is not None
    assert nc.groups.contact_lists().total == 0
    nc.tenant.unit(lambda uow: accounts.revoke_key(uow, nc.tenant.ctx, key_id))
    with pytest.raises(UnauthorizedException) as caught:
        nc.groups.contact_lists()
    assert '"Invalid JWT Token"' in (caught.value.body or "")


def test_login_with_a_bad_key_is_401_with_a_message(tenant: Tenant) -> None:
    with sdk_client(tenant.server.url) as client:
        for key in ("live_0123456789", tenant.api_key + "x", "cbk_999999_nope", ""):
            with pytest.raises(UnauthorizedException) as caught:
                AuthApi(client).login(LoginRequest(api_key=key))
            assert caught.value.body is not None
            assert "message" in caught.value.body


def test_login_without_a_key_is_a_validation_error(tenant: Tenant) -> None:
    response = httpx.post(f"{tenant.server.url}/api/auth/login", json={})
    assert json_of(response, 422) == {
        "message": "The given data was invalid.",
        "errors": {"api_key": ["This field is missing."]},
    }


def test_each_login_reaches_only_its_account(nc: Notificore, other_nc: Notificore) -> None:
    nc.groups.contact_list_create(ContactListCreateRequest(name="Mine"))
    assert other_nc.groups.contact_lists().total == 0
    again = connect(nc.tenant)
    assert again.groups.contact_lists().total == 1
    again.close()


def test_tokens_signed_the_way_earlier_releases_did_stay_valid(tenant: Tenant) -> None:
    secret = tenant.server.call(installation_secret, tenant.server.app.state.runtime)
    keys = tokens.signing_keys(secret)
    assert keys.current != keys.previous
    claims = tokens.Claims(tenant.account_id, tenant.ctx.key_id or 0)
    url = f"{tenant.server.url}/api/groups"
    earlier = tokens.issue(keys.previous, claims, int(time.time()), 3600)
    assert json_of(httpx.get(url, headers={"Authorization": f"Bearer {earlier}"}), 200)
    expired = tokens.issue(keys.previous, claims, int(time.time()) - 7200, 3600)
    response = httpx.get(url, headers={"Authorization": f"Bearer {expired}"})
    assert json_of(response, 401) == {"code": 401, "message": "Expired JWT Token"}
