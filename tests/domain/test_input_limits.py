"""Rules that keep input the databases cannot take out of SQL: ids, text, query size."""

from __future__ import annotations

import pytest

from contactbook.domain.accounts import clean_key_name, parse_key
from contactbook.domain.errors import InvalidInput
from contactbook.domain.ids import MAX_ID, parse_id, parse_int64
from contactbook.domain.queries import (
    MAX_CONDITIONS,
    SEARCH_TEXT_MAX_LENGTH,
    AnyOf,
    ChannelIdentity,
    Condition,
    CustomField,
    Op,
    check_query,
    check_search_text,
)
from contactbook.domain.tags import MAX_TAGS_PER_CONTACT, TagInput, unique_tags
from contactbook.domain.text import check_text


@pytest.mark.parametrize(
    "text", ["0", "-1", str(MAX_ID + 1), "9" * 5000, "\u00b2", "\u0661", " 1", "1.0", ""]
)
def test_only_ascii_digits_of_a_64_bit_id_name_a_row(text: str) -> None:
    assert parse_id(text) is None


def test_ids_and_integers_read_as_written() -> None:
    assert parse_id("1") == 1 and parse_id(str(MAX_ID)) == MAX_ID
    assert parse_int64(" -42 ") == -42 and parse_int64("+7") == 7
    assert parse_int64(str(2**63)) is None and parse_int64("-" + "9" * 30) is None
    assert parse_int64("\u00b2") is None and parse_int64("-") is None


@pytest.mark.parametrize(
    "secret",
    ["cbk_9223372036854775808_x", "cbk_1234567890123456789012345_x", "cbk_\u00b2_x",
     "cbk_" + "9" * 5000 + "_x", "cbk_0_x"],
)  # fmt: skip
def test_keys_naming_no_possible_account_are_not_keys(secret: str) -> None:
    assert parse_key(secret) is None


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfffy"])
def test_text_holds_no_nul_and_no_lone_surrogate(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_text(text, "name")
    assert caught.value.fields == ("name",)


def test_paired_surrogates_are_ordinary_characters() -> None:
    assert check_text("😀 é", "name") == "😀 é"


def test_search_text_is_bounded() -> None:
    assert check_search_text("a" * SEARCH_TEXT_MAX_LENGTH, "q")
    with pytest.raises(InvalidInput) as caught:
        check_search_text("a" * (SEARCH_TEXT_MAX_LENGTH + 1), "q")
    assert caught.value.has("too_long") and caught.value.fields == ("q",)


def test_queries_are_bounded_in_size_and_checked_in_every_name() -> None:
    many = AnyOf(tuple(Condition("name", Op.EQ, str(i)) for i in range(MAX_CONDITIONS + 1)))
    for where in (
        many,
        Condition("name", Op.IN, tuple(str(i) for i in range(1001))),
        Condition(ChannelIdentity("tele\x00gram"), Op.EQ, "1"),
        Condition(CustomField("pl\x00an"), Op.EQ, "gold"),
        Condition("name", Op.CONTAINS, ("ok", "x" * (SEARCH_TEXT_MAX_LENGTH + 1))),
    ):
        with pytest.raises(InvalidInput) as caught:
            check_query(where, "filter")
        assert caught.value.fields == ("filter",)
    check_query(None)
    check_query(Condition(CustomField(7), Op.EQ, 5))


def test_a_contact_carries_a_bounded_number_of_tags() -> None:
    assert len(unique_tags([TagInput(f"t{i}") for i in range(MAX_TAGS_PER_CONTACT)])) == 1000
    with pytest.raises(InvalidInput):
        unique_tags([TagInput(f"t{i}") for i in range(MAX_TAGS_PER_CONTACT + 1)])


def test_key_names_are_trimmed_and_bounded() -> None:
    assert clean_key_name(None) is None and clean_key_name("  ci  ") == "ci"
    for bad in ("k\x00", "k" * 256):
        with pytest.raises(InvalidInput):
            clean_key_name(bad)
