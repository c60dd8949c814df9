"""Pure translation pieces of the HelpCrunch dialect."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from contactbook.domain.contacts import Contact, CustomValue
from contactbook.domain.errors import DuplicateContact, InvalidInput, Problem, RateLimited
from contactbook.domain.fields import FieldDefinition, FieldType
from contactbook.domain.tags import Tag
from contactbook.web.dialects.helpcrunch.errors import domain_error_response, loc_path, wire_path
from contactbook.web.dialects.helpcrunch.mapping import customer_input, customer_out, path_id
from contactbook.web.dialects.helpcrunch.schemas import CustomerIn


@pytest.mark.parametrize(
    ("canonical", "wire"),
    [
        ("external_id", "userId"),
        ("first_seen", "firstSeen"),
        ("country_code", "countryCode"),
        ("tags.2", "tags[2].name"),
        ("tags.0.color", "tags[0].color"),
        ("custom_fields.plan", "customData"),
        ("items.3.email", "[3].email"),
        ("items.3.tags.1", "[3].tags[1].name"),
        ("customData[1].value", "customData[1].value"),
        ("[2].customData[0].property", "[2].customData[0].property"),
        ("filter[0].field", "filter[0].field"),
    ],
)
def test_problem_paths_use_helpcrunch_names(canonical: str, wire: str) -> None:
    assert wire_path(canonical) == wire


def test_validation_locations_use_brackets_for_indexes() -> None:
    assert loc_path(("body", "filter", 0, "field")) == "filter[0].field"
    assert loc_path(("body", 1, "customer")) == "[1].customer"
    assert loc_path(("query", "limit")) == "limit"
    assert loc_path(("body",)) == "body"


def test_errors_render_in_the_envelope() -> None:
    invalid = domain_error_response(InvalidInput([Problem("external_id", "x", "Bad.")]))
    assert orjson.loads(invalid.body)["errors"] == [
        {"code": "invalid_request", "message": "Invalid request"},
        {"code": "userId", "message": "Bad."},
    ]
    duplicate = orjson.loads(domain_error_response(DuplicateContact(["external_id"], 1)).body)
    assert duplicate["errors"][1]["code"] == "invalid_userId_value"
    limited = domain_error_response(RateLimited(7))
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"


def test_customer_out_keeps_value_types_and_dates_as_unix() -> None:
    def field(key: str, kind: FieldType) -> FieldDefinition:
        return FieldDefinition(id=len(key), key=key, name=key, type=kind)

    contact = Contact(
        id=5,
        account_id=1,
        first_seen=datetime(2020, 10, 28, 11, 49, 6, tzinfo=UTC),
        tags=(Tag(1, "vip", "#ff0000"),),
        custom=(
            CustomValue(field("paid", FieldType.DATE), "2020-10-28T11:49:06Z"),
            CustomValue(field("day", FieldType.DATE), "2020-10-28"),
            CustomValue(field("amount", FieldType.CURRENCY), 15.99),
        ),
    )
    out = customer_out(contact)
    assert out["firstSeen"] == "1603885746" and out["lastSeen"] is None
    assert out["customData"] == {"paid": 1603885746, "day": 1603843200, "amount": 15.99}
    assert out["tags"] == [{"name": "vip", "color": "#ff0000"}]


def test_put_sets_every_helpcrunch_field_and_patch_only_the_given() -> None:
    body = CustomerIn.model_validate({"name": "A", "createdFrom": None})
    put = customer_input(body, "put")
    assert put.name == "A" and put.email is None and put.external_id is None
    assert put.blocked is None and put.city is None and put.tags == [] and put.custom == {}
    assert put.custom_mode == "replace" and put.created_from is None
    assert repr(put.integration_id) == "UNSET" and repr(put.device) == "UNSET"
    assert repr(put.lists) == "UNSET" and repr(put.additional_attributes) == "UNSET"
    patch = customer_input(body, "patch")
    assert patch.given() == {"name": "A", "created_from": None}


def test_path_ids_are_positive_64_bit_numbers() -> None:
    assert path_id("42") == 42
    for bad in ("", "x", "-1", "0", "١٢", str(2**63)):
        with pytest.raises(Exception, match="contact") as caught:
            path_id(bad)
        assert caught.type.__name__ == "ContactNotFound"
