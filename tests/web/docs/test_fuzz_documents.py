"""Each API's OpenAPI document is what the server does: requests generated from it, sent with
real credentials, never answer 5xx, and every answer has a documented status, content type and
body."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.factories import Tenant, make_contact

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Few examples per operation, the same ones on every run: the four documents together stay
# within a couple of minutes per database, and a failure is repeatable.
EXAMPLES = 6
# Revoking keys would revoke the one the run authenticates with.
SKIPPED = {"RevokeKey"}


def native_headers(tenant: Tenant) -> dict[str, str]:
    return {"Authorization": f"Bearer {tenant.api_key}"}


def notificore_headers(tenant: Tenant) -> dict[str, str]:
    login = httpx.post(tenant.server.url + "/api/auth/login", json={"api_key": tenant.api_key})
    return {"Authorization": f"Bearer {login.json()['bearer']}"}


def chatwoot_headers(tenant: Tenant) -> dict[str, str]:
    return {"api_access_token": tenant.api_key}


# document name → (base path of its operations, the credentials it takes)
DOCUMENTS: dict[str, tuple[str, Callable[[Tenant], dict[str, str]]]] = {
    "native": ("", native_headers),
    "notificore": ("/api", notificore_headers),
    "chatwoot": ("/api/v1/accounts", chatwoot_headers),
    "helpcrunch": ("/v1", native_headers),
}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_generated_requests_get_documented_answers(tenant: Tenant, name: str) -> None:
    base, credentials = DOCUMENTS[name]
    schema = schemathesis.openapi.from_url(f"{tenant.server.url}/openapi/{name}.json")
    seed = make_contact(tenant.native, name="seed")["id"]
    headers = credentials(tenant)
    failures: set[str] = set()
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # a document schemathesis cannot read fails here
        operations.append(result.ok())
    assert len(operations) > 5
    for operation in operations:
        if operation.definition.raw.get("operationId") in SKIPPED:
            continue
        failures |= fuzz(operation, tenant.server.url + base, headers, tenant, seed)
    assert not failures, "\n".join(sorted(failures))


def fuzz(
    operation: schemathesis.APIOperation,
    base_url: str,
    headers: dict[str, str],
    tenant: Tenant,
    seed: int,
) -> set[str]:
    """Send generated requests for one operation; describe each answer off its document."""
    failures: set[str] = set()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        params = case.path_parameters or {}
        if "account_id" in params:
            params["account_id"] = tenant.account_id
        for name in ("contact_id", "customer_id"):
            if name in params:
                params[name] = seed
        response = case.call(base_url=base_url, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.add(f"{operation.label}: {response.status_code} {failure.title}: "
                             f"{failure.message.strip()[:300]}")  # fmt: skip

    check()
    return failures
