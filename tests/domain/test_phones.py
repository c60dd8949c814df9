"""Phone normalisation: every common written form of a number gives the same E.164."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactbook.domain.errors import InvalidInput
from contactbook.domain.phones import normalise_phone

E164 = re.compile(r"^\+[1-9]\d{1,14}$")
REGIONS = sorted(
    r for r in phonenumbers.SUPPORTED_REGIONS
    if phonenumbers.example_number_for_type(r, phonenumbers.PhoneNumberType.MOBILE)
)  # fmt: skip


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str, str | None]:
    """(expected E.164, the number as a person might write it, the region to parse with)."""
    region = draw(st.sampled_from(REGIONS))
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert number is not None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    style = draw(st.sampled_from(["e164", "international", "00", "digits", "national"]))
    if style == "e164":
        text = e164
    elif style == "international":
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    elif style == "00":
        text = "00" + e164[1:]
    elif style == "digits":
        text = e164[1:]
    else:
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    separator = draw(st.sampled_from(["", " ", "-", "."]))
    if separator and style != "national":
        text = text.replace(" ", separator)
    padding = draw(st.sampled_from(["", " ", "  "]))
    return e164, padding + text + padding, region if style == "national" else None


@settings(max_examples=300, deadline=None)
@given(written_numbers())
def test_written_forms_normalise_to_e164(case: tuple[str, str, str | None]) -> None:
    expected, text, region = case
    phone = normalise_phone(text, region)
    assert phone.e164 == expected
    assert phone.valid
    assert E164.match(phone.e164)


@settings(max_examples=200, deadline=None)
@given(written_numbers())
def test_normalising_twice_changes_nothing(case: tuple[str, str, str | None]) -> None:
    _, text, region = case
    once = normalise_phone(text, region)
    assert normalise_phone(once.e164, region) == once
    assert normalise_phone(once.e164) == once


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=20).filter(lambda s: any(c.isalpha() for c in s)))
def test_text_with_letters_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_phone(text, "UA")
    assert caught.value.problems[0].field == "phone"
    assert caught.value.problems[0].code == "invalid_phone"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 +-()", min_size=1, max_size=24))
def test_anything_accepted_is_e164(text: str) -> None:
    try:
        phone = normalise_phone(text, "GB")
    except InvalidInput:
        return
    assert E164.match(phone.e164)


@pytest.mark.parametrize(
    ("raw", "region", "expected", "valid"),
    [
        ("+44 (0)20 7946 0958", None, "+442079460958", True),
        ("0661234567", "UA", "+380661234567", True),
        ("85267202829", None, "+85267202829", True),
        ("85267202829", "UA", "+85267202829", True),
        ("380965901726", "GB", "+380965901726", True),
        ("+10233456781", None, "+10233456781", False),
    ],
)
def test_documented_examples(raw: str, region: str | None, expected: str, valid: bool) -> None:
    phone = normalise_phone(raw, region)
    assert (phone.e164, phone.valid) == (expected, valid)


def test_possible_number_outside_the_plan_records_that() -> None:
    phone = normalise_phone("+10233456781")
    assert phone.valid is False
    assert phone.line_type == "unknown"
    assert phone.region == "US"


def test_known_number_records_region_and_line_type() -> None:
    phone = normalise_phone("+380661234567")
    assert (phone.region, phone.line_type) == ("UA", "mobile")


@pytest.mark.parametrize(
    "raw", ["", "   ", "+", "1", "+1234", "12345678901234567890", "0661234567"]
)
def test_impossible_numbers_are_refused(raw: str) -> None:
    # The last one is a national number with no region to read it in.
    with pytest.raises(InvalidInput):
        normalise_phone(raw, None)


@pytest.mark.parametrize(
    ("raw", "region"),
    [("12345", "UA"), ("1234567", "UA"), ("+38012345", None), ("+380 123 4567", "GB"),
     ("2345678", "US"), ("+12345678", None)],
)  # fmt: skip
def test_numbers_without_their_area_code_are_refused(raw: str, region: str | None) -> None:
    # "Possible, local only": dialled only from inside the area, so not a number to store.
    with pytest.raises(InvalidInput) as caught:
        normalise_phone(raw, region)
    assert caught.value.problems[0].code == "invalid_phone"


def test_error_names_the_field_given() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalise_phone("nope", None, field="phones.3")
    assert caught.value.fields == ("phones.3",)


# --- the fast paths agree with phonenumbers itself ---------------------------------------------

CALLING_CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
TYPE_NAMES = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed_line",
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "premium_rate",
    phonenumbers.PhoneNumberType.SHARED_COST: "shared_cost",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    phonenumbers.PhoneNumberType.PAGER: "pager",
    phonenumbers.PhoneNumberType.UAN: "uan",
    phonenumbers.PhoneNumberType.VOICEMAIL: "voicemail",
}


def library_says(text: str, region: str | None) -> tuple[str, str | None, str, bool] | None:
    """The oracle: the answer assembled from phonenumbers' public functions only."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number):
        kind = TYPE_NAMES.get(phonenumbers.number_type(number), "unknown")
        return e164, phonenumbers.region_code_for_number(number), kind, True
    assert number.country_code is not None
    main = phonenumbers.region_code_for_country_code(number.country_code)
    return e164, None if main == "ZZ" else main, "unknown", False


@settings(max_examples=3000, deadline=None)
@given(
    st.sampled_from(CALLING_CODES),
    st.text(alphabet="0123456789", min_size=2, max_size=14),
    st.sampled_from(["", " ", "-"]),
)
def test_international_numbers_classify_as_phonenumbers_does(
    code: int, rest: str, separator: str
) -> None:
    text = f"+{code}{separator}{rest}"
    expected = library_says(text, None)
    if expected is None or len(expected[0]) > 16:
        return  # refused here too: the equality of refusals is the next test
    phone = normalise_phone(text)
    assert (phone.e164, phone.region, phone.line_type, phone.valid) == expected


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(REGIONS), st.text(alphabet="0123456789", min_size=4, max_size=12))
def test_national_numbers_classify_as_phonenumbers_does(region: str, digits: str) -> None:
    expected = library_says(digits, region)
    try:
        phone = normalise_phone(digits, region)
    except InvalidInput:
        phone = None
    if expected is not None and expected[3] and len(expected[0]) <= 16:
        assert phone is not None
        assert (phone.e164, phone.region, phone.line_type, phone.valid) == expected


@settings(max_examples=3000, deadline=None)
@given(st.sampled_from(CALLING_CODES), st.text(alphabet="0123456789", min_size=0, max_size=16))
def test_numbers_refused_by_phonenumbers_are_refused(code: int, rest: str) -> None:
    text = f"+{code}{rest}"
    if library_says(text, None) is None:
        with pytest.raises(InvalidInput):
            normalise_phone(text)
