"""Phone numbers: every stored phone is E.164, normalised with the account's default region.

The rule (docs/design.md §3.5): input that cannot be a phone number is refused; a number that
is possible for its country code but unknown to the numbering-plan metadata (new ranges, test
numbers such as `+10233456781`) is kept, with `valid=False` recorded so callers can tell. A number
that is only "possible, local only" (`12345` in Ukraine: the area code is missing) is refused too,
since it cannot be dialled from outside its area and so is no E.164 number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberType,
    ValidationResult,
)
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.phone_types import classify

E164_MAX_LENGTH = 16  # "+" and at most 15 digits (ITU-T E.164)

_TYPE_NAMES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
    PhoneNumberType.UNKNOWN: "unknown",
}

# Characters people put in phone numbers; anything else (letters, "@") means it is not a number.
_ALLOWED = re.compile(r"^[\d\s+()\-./]+$")
_DIGITS = re.compile(r"\D")


class LineType(StrEnum):
    """Line types as phonenumbers' metadata knows them."""

    FIXED_LINE = "fixed_line"
    MOBILE = "mobile"
    FIXED_LINE_OR_MOBILE = "fixed_line_or_mobile"
    TOLL_FREE = "toll_free"
    PREMIUM_RATE = "premium_rate"
    SHARED_COST = "shared_cost"
    VOIP = "voip"
    PERSONAL_NUMBER = "personal_number"
    PAGER = "pager"
    UAN = "uan"
    VOICEMAIL = "voicemail"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Phone:
    """A normalised phone number and what the numbering plan says of it."""

    e164: str
    region: str | None
    line_type: str
    valid: bool


def is_supported_region(region: str) -> bool:
    """True if `region` is an ISO 3166 alpha-2 code the phone metadata knows."""
    return region.upper() in phonenumbers.SUPPORTED_REGIONS


def normalise_phone(raw: str, default_region: str | None = None, field: str = "phone") -> Phone:
    """Normalise `raw` to E.164.

    Accepts international forms (`+44 (0)20 7946 0958`, `0044…`), national forms when the
    account has a default region (`0661234567` with UA) and bare international digits
    (`85267202829`).

    Raises: InvalidInput (code `invalid_phone`) when `raw` cannot be a phone number, or lacks
    its area code (possible only as a local number).
    """
    return _normalise_cached(raw.strip(), (default_region or "").upper() or None, field)


@lru_cache(maxsize=65536)
def _normalise_cached(text: str, region: str | None, field: str) -> Phone:
    if not text or not _ALLOWED.match(text):
        raise _invalid(field, text)
    digits = _DIGITS.sub("", text)
    if not 2 <= len(digits) <= 17:
        raise _invalid(field, text)
    candidates: list[tuple[str, str | None]] = []
    if text.startswith("+"):
        candidates.append((text, None))
    elif digits.startswith("00"):
        candidates.append(("+" + digits[2:], None))
    else:
        if region:
            candidates.append((text, region))
        # Bare digits that already carry a country code (Notificore's ITU form, CSV exports).
        candidates.append(("+" + digits, None))
    best: Phone | None = None
    for candidate, parse_region in candidates:
        phone = _parse(candidate, parse_region)
        if phone is None:
            continue
        if phone.valid:
            return phone
        best = best or phone
    if best is None:
        raise _invalid(field, text)
    return best


def _parse(text: str, region: str | None) -> Phone | None:
    number = _quick_international(text) if region is None else None
    if number is None:
        try:
            number = phonenumbers.parse(text, region)
        except NumberParseException:
            return None
    # is_possible_number also admits IS_POSSIBLE_LOCAL_ONLY: a number lacking its area code.
    if phonenumbers.is_possible_number_with_reason(number) != ValidationResult.IS_POSSIBLE:
        return None
    nsn = phonenumbers.national_significant_number(number)
    country_code = number.country_code or 0
    e164 = f"+{country_code}{nsn}"
    if len(e164) > E164_MAX_LENGTH or e164[1] == "0":
        return None
    found_region, kind = classify(country_code, nsn)
    if kind != PhoneNumberType.UNKNOWN:
        return Phone(e164, found_region, _TYPE_NAMES.get(kind, "unknown"), True)
    region_code = phonenumbers.region_code_for_country_code(country_code)
    return Phone(e164, None if region_code == "ZZ" else region_code, "unknown", False)


def _quick_international(text: str) -> PhoneNumber | None:
    """The number of an international `+digits` text without phonenumbers' full parse (the hot
    path of bulk imports); None whenever the full parse could read it differently (a leading
    zero or a national prefix after the country code)."""
    if not text.startswith("+"):
        return None
    digits = _DIGITS.sub("", text)
    if not digits or digits[0] == "0" or len(digits) > 17:
        return None
    for size in (1, 2, 3):
        country_code = int(digits[:size])
        if country_code in COUNTRY_CODE_TO_REGION_CODE:
            nsn = digits[size:]
            break
    else:
        return None
    if len(nsn) < 2 or nsn[0] == "0" or _strips_national_prefix(country_code, nsn):
        return None
    return PhoneNumber(country_code=country_code, national_number=int(nsn))


@cache
def _national_prefix(country_code: int) -> re.Pattern[str] | None:
    region = phonenumbers.region_code_for_country_code(country_code)
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    prefix = getattr(metadata, "national_prefix_for_parsing", None)
    return re.compile(prefix) if prefix else None


def _strips_national_prefix(country_code: int, nsn: str) -> bool:
    pattern = _national_prefix(country_code)
    return pattern is not None and pattern.match(nsn) is not None


def _invalid(field: str, text: str) -> InvalidInput:
    return InvalidInput.single(
        field, ProblemCode.INVALID_PHONE, "This value is not a valid phone number.", text
    )
