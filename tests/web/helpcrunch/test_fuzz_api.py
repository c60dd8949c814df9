"""Generated requests to every HelpCrunch route: never a 5xx, always HelpCrunch's envelope."""

from __future__ import annotations

import os
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.factories import Tenant, make_customer
from tests.web.helpcrunch.conftest import INVALID_REQUEST, define

KEYS = ["name", "email", "userId", "company", "phone", "firstSeen", "lastSeen", "unsubscribed",
        "blocked", "source", "referer", "lastPage", "locale", "createdFrom", "integrationId",
        "notes", "city", "regionCode", "countryCode", "location", "tags", "customData",
        "customer", "filter", "comparison", "limit", "offset", "sort", "order", "data", "value",
        "property", "field", "operator"]  # fmt: skip
FIELDS = ["customers.id", "customers.name", "customers.email", "customers.phone",
          "customers.tagsData", "customers.lastSeen", "customers.telegramId", "nope"]  # fmt: skip
OPERATORS = ["=", "!=", ">", "<", ">=", "<=", "~", "!~", "like"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["1603885746", "+442079460958", "a@example.com", "plan", "#ccc", "vip"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=12,
)
custom_data = st.lists(
    st.fixed_dictionaries(
        {"property": st.sampled_from(["plan", "seats", "paid", "x"]), "value": json_values}
    ),
    max_size=3,
)
filters = st.lists(
    st.fixed_dictionaries(
        {
            "field": st.sampled_from(FIELDS),
            "operator": st.sampled_from(OPERATORS),
            "value": json_values,
        }
    ),
    max_size=3,
)
extremes = st.sampled_from([2**63, -(2**63), 2**63 - 1, 10**20, -1, 0, "9" * 30, "\x00"])
events = st.fixed_dictionaries(
    {
        "name": st.text(max_size=10) | extremes,
        "customer": st.just("{id}") | extremes,
        "data": json_values,
    }
)
bodies = st.one_of(
    st.dictionaries(st.sampled_from(KEYS), json_values | extremes, max_size=6),
    events,
    st.fixed_dictionaries({"customData": custom_data, "tags": json_values}),
    st.fixed_dictionaries({"filter": filters, "comparison": json_values}),
    json_values,
)
routes = st.sampled_from(
    [
        ("POST", "/customers"),
        ("PUT", "/customers/{id}"),
        ("PATCH", "/customers/{id}"),
        ("PUT", "/customers/batch"),
        ("POST", "/customers/search"),
        ("POST", "/events"),
        ("PUT", "/customers/{id}/tags"),
        ("DELETE", "/customers/{id}/tags"),
    ]
)
queries = st.dictionaries(
    st.sampled_from(["offset", "limit", "sort", "order"]),
    st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        extremes.map(str),
        st.text(max_size=10),
    ),
)


def broken(response: httpx.Response) -> str | None:
    """What is wrong with `response`, if anything."""
    if response.status_code >= 500:
        return f"{response.status_code} {response.text[:200]}"
    if response.status_code >= 400:
        if response.headers.get("content-type") != "application/json":
            return f"{response.status_code} as {response.headers.get('content-type')}"
        errors = response.json().get("errors")
        if not errors or errors[0] != INVALID_REQUEST or len(errors) < 2:
            return f"{response.status_code} outside the envelope: {response.text[:200]}"
    return None


def test_generated_requests_never_break_the_server(tenant: Tenant, hc: httpx.Client) -> None:
    define(tenant, plan="text", seats="number", paid="date")
    seed = make_customer(hc, name="seed")["id"]
    failures: list[str] = []

    # Random locally (to find new breakage), repeatable in CI (to never flake).
    @settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None,
              database=None, derandomize=bool(os.environ.get("CI")),
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(route=routes, body=bodies, query=queries)
    def check(route: tuple[str, str], body: Any, query: dict[str, str]) -> None:
        method, path = route
        if isinstance(body, dict) and body.get("customer") == "{id}":
            body = {**body, "customer": seed}
        if path == "/customers/batch" and isinstance(body, dict):
            body = [{**body, "customer": body.get("customer", seed)}]
        response = hc.request(method, path.replace("{id}", str(seed)), json=body)
        problem = broken(response)
        if problem:
            failures.append(f"{method} {path} {body!r}: {problem}")
        listing = hc.get("/customers", params=query)
        problem = broken(listing)
        if problem:
            failures.append(f"GET /customers {query!r}: {problem}")

    check()
    assert failures == []
