"""Domain rules other than phones: emails, custom values, tags, lists, cursors, keys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contactbook.domain.accounts import hash_key, new_key_secret, parse_key
from contactbook.domain.contacts import ContactInput, clean_plain_fields
from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.emails import normalise_email
from contactbook.domain.errors import Forbidden, InvalidInput
from contactbook.domain.fields import (
    FieldDefinition,
    FieldType,
    check_key,
    coerce_value,
    date_to_unix,
    retype_values,
    slugify_key,
)
from contactbook.domain.lists import clean_list_text
from contactbook.domain.paging import decode_cursor, encode_cursor
from contactbook.domain.queries import Visibility, is_visible
from contactbook.domain.tags import TagInput, check_color, normalise_tag_name, unique_tags


def definition(kind: FieldType, options: tuple[str, ...] = ()) -> FieldDefinition:
    return FieldDefinition(id=1, key="f", name="F", type=kind, options=options)


def test_email_is_lower_cased() -> None:
    assert normalise_email("  John.Doe@Example.COM ") == "john.doe@example.com"


@pytest.mark.parametrize("raw", ["a@b", "nope", "a b@c.com", "x@@y.com", "a" * 250 + "@b.com"])
def test_bad_emails_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_email(raw)
    assert caught.value.problems[0].code == "invalid_email"


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        (FieldType.NUMBER, "15", 15),
        (FieldType.NUMBER, 15.99, 15.99),
        (FieldType.NUMBER, "15.5", 15.5),
        (FieldType.NUMBER, 3.0, 3),
        (FieldType.BOOLEAN, "true", True),
        (FieldType.BOOLEAN, 0, False),
        (FieldType.TEXT, 42, "42"),
        (FieldType.TEXT, True, "true"),
        (FieldType.DATE, "1603885746", "2020-10-28T11:49:06Z"),
        (FieldType.DATE, 1603885746, "2020-10-28T11:49:06Z"),
        (FieldType.DATE, "2024-05-01", "2024-05-01"),
        (FieldType.DATE, "2024-05-01 10:00:00", "2024-05-01T10:00:00Z"),
        (FieldType.DATE, "2024-05-01T12:00:00+02:00", "2024-05-01T10:00:00Z"),
    ],
)
def test_values_are_stored_typed(kind: FieldType, raw: object, stored: object) -> None:
    value = coerce_value(definition(kind), raw, "custom_fields.f")
    assert value == stored
    assert type(value) is type(stored)


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (FieldType.NUMBER, "abc"),
        (FieldType.NUMBER, True),
        (FieldType.NUMBER, float("nan")),
        (FieldType.BOOLEAN, "maybe"),
        (FieldType.DATE, "yesterday"),
        (FieldType.TEXT, {"a": 1}),
        (FieldType.TEXT, "x" * 10_001),
    ],
)
def test_values_of_the_wrong_type_are_refused(kind: FieldType, raw: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        coerce_value(definition(kind), raw, "custom_fields.f")
    assert caught.value.fields == ("custom_fields.f",)


def test_list_fields_hold_one_of_their_options() -> None:
    field = definition(FieldType.LIST, ("gold", "silver"))
    assert coerce_value(field, "gold", "p") == "gold"
    with pytest.raises(InvalidInput):
        coerce_value(field, "bronze", "p")


def test_values_held_take_a_new_type_or_name_what_refuses_it() -> None:
    held: dict[int, object] = {1: "12", 2: 7, 3: True}
    assert retype_values(definition(FieldType.TEXT), held) == ({2: "7", 3: "true"}, [])
    changed, problems = retype_values(definition(FieldType.NUMBER), held)
    assert changed == {1: 12} and [(p.field, p.code) for p in problems] == [
        ("type", "invalid_type")
    ]
    _, problems = retype_values(definition(FieldType.LIST, ("a",)), {1: "a", 2: "b", 3: "c"})
    assert [(p.field, p.code) for p in problems] == [("options", "invalid_choice")]
    assert retype_values(definition(FieldType.NUMBER), {1: 1, 2: 2.5}) == ({}, [])


def test_dates_convert_to_unix_seconds() -> None:
    assert date_to_unix("2020-10-28T11:49:06Z") == 1603885746
    assert date_to_unix("2024-05-01") == int(datetime(2024, 5, 1, tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("name", "key"),
    [("Favourite Colour", "favourite_colour"), ("2nd phone", "f_2nd_phone"), ("Plan", "plan")],
)
def test_keys_are_slugs_of_names(name: str, key: str) -> None:
    assert slugify_key(name) == key
    assert check_key(key) == []


@pytest.mark.parametrize("key", ["phone", "Email", "12", "has space", ""])
def test_reserved_or_malformed_keys_are_refused(key: str) -> None:
    assert check_key(key)


def test_plain_fields_report_every_problem_at_once() -> None:
    data = ContactInput(phone="abc", email="nope", name="x" * 256, blocked="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as caught:
        clean_plain_fields(data, None)
    assert set(caught.value.fields) == {"phone", "email", "name", "blocked"}


def test_blank_strings_clear_and_country_codes_are_upper_cased() -> None:
    values = clean_plain_fields(ContactInput(name="  ", country_code="ua", phone=""), None)
    assert values["name"] is None
    assert values["phone"] is None and values["phone_valid"] is None
    assert values["country_code"] == "UA"


def test_list_names_are_three_to_fifty_characters() -> None:
    assert clean_list_text(" VIP ", "") == ("VIP", None)
    for bad in ("ab", "x" * 51):
        with pytest.raises(InvalidInput) as caught:
            clean_list_text(bad, None)
        assert caught.value.fields == ("name",)


def test_tags_fold_case_and_accept_css_colours() -> None:
    tags = unique_tags([TagInput("VIP"), TagInput("vip"), TagInput("Lead")])
    assert [t.name for t in tags] == ["VIP", "Lead"]
    assert normalise_tag_name("  big   fish ") == "big fish"
    for colour in ("#c377e0", "#ccc", "red", "rgb(1, 2, 3)"):
        assert check_color(colour) == colour
    with pytest.raises(InvalidInput):
        check_color("javascript:alert(1)")


def test_cursors_round_trip_and_refuse_tampering() -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    token = encode_cursor((moment, 42), "-created_at")
    assert decode_cursor(token, "-created_at") == (moment, 42)
    with pytest.raises(InvalidInput):
        decode_cursor(token, "id")
    with pytest.raises(InvalidInput):
        decode_cursor("not-a-cursor", "id")


def test_api_keys_name_their_account_and_hash_stably() -> None:
    secret = new_key_secret(17)
    parsed = parse_key(secret)
    assert parsed is not None and parsed.account_id == 17
    assert parsed.digest == hash_key(secret) and len(parsed.digest) == 64
    assert parse_key("cbk_x_abc") is None
    assert parse_key("Bearer abc") is None


def test_scopes_include_lesser_ones() -> None:
    writer = RequestContext(account_id=1, scopes=frozenset({KeyScope.WRITE}))
    assert writer.allows(KeyScope.READ) and not writer.allows(KeyScope.ADMIN)
    with pytest.raises(Forbidden):
        writer.require(KeyScope.ADMIN)


@pytest.mark.parametrize(
    ("identifiers", "shown"),
    [
        (("+380661234567", None, None), {"all", "with_phone", "resolved"}),
        ((None, "a@example.com", None), {"all", "resolved"}),
        ((None, None, "crm-7"), {"all", "resolved"}),
        ((None, None, None), {"all"}),
    ],
)
def test_what_each_visibility_shows(
    identifiers: tuple[str | None, str | None, str | None], shown: set[str]
) -> None:
    assert {v.value for v in Visibility if is_visible(v, *identifiers)} == shown
