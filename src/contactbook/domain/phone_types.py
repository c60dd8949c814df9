"""What the numbering plan says of a number (region, line type, validity), computed with
precompiled metadata patterns.

phonenumbers answers the same questions through `number_type` and `region_code_for_number`, but
looks every pattern up in `re`'s cache on every call and works out the type twice when asked
for validity and type. Bulk imports classify millions of numbers, so this module follows the
library's rules step for step (`_number_type_helper`, `_region_code_for_number_from_list`) with
the patterns compiled once. `tests/domain/test_phones.py` checks it against the library.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from phonenumbers import PhoneMetadata, PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

# The order in which phonenumbers tests the specific types before fixed line and mobile.
_SPECIFIC = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)

Desc = tuple[frozenset[int], re.Pattern[str]] | None


class _Plan:
    """One region's compiled descriptions."""

    __slots__ = ("fixed_line", "general", "leading_digits", "mobile", "same_fixed_mobile",
                 "specific")  # fmt: skip

    def __init__(self, metadata: Any) -> None:
        self.general = _desc(metadata.general_desc)
        self.specific = [(_desc(getattr(metadata, name)), kind) for name, kind in _SPECIFIC]
        self.fixed_line = _desc(metadata.fixed_line)
        self.mobile = _desc(metadata.mobile)
        self.same_fixed_mobile = bool(metadata.same_mobile_and_fixed_line_pattern)
        self.leading_digits = (
            re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        )

    def kind(self, nsn: str) -> int:
        """`_number_type_helper`: the number's type, UNKNOWN when it is not valid."""
        if not _matches(nsn, self.general):
            return PhoneNumberType.UNKNOWN
        for desc, kind in self.specific:
            if _matches(nsn, desc):
                return kind
        if _matches(nsn, self.fixed_line):
            if self.same_fixed_mobile or _matches(nsn, self.mobile):
                return PhoneNumberType.FIXED_LINE_OR_MOBILE
            return PhoneNumberType.FIXED_LINE
        if not self.same_fixed_mobile and _matches(nsn, self.mobile):
            return PhoneNumberType.MOBILE
        return PhoneNumberType.UNKNOWN


def _desc(desc: Any) -> Desc:
    if desc is None or not desc.national_number_pattern:
        return None
    return frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern)


def _matches(nsn: str, desc: Desc) -> bool:
    """`_is_number_matching_desc`: lengths first, then the whole number against the pattern."""
    if desc is None:
        return False
    lengths, pattern = desc
    if lengths and len(nsn) not in lengths:
        return False
    return pattern.fullmatch(nsn) is not None


@cache
def _plan(country_code: int, region: str) -> _Plan | None:
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    return None if metadata is None else _Plan(metadata)


def classify(country_code: int, nsn: str) -> tuple[str | None, int]:
    """(region, line type) of a number as phonenumbers' `region_code_for_number` and
    `number_type` give them; the type is UNKNOWN for a number the plan does not know.

    `nsn` is the national significant number (digits, leading zeros included).
    """
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return None, PhoneNumberType.UNKNOWN
    region: str | None = regions[0]
    if len(regions) > 1:
        region = None
        for candidate in regions:
            plan = _plan(country_code, candidate)
            if plan is None:
                continue
            if plan.leading_digits is not None:
                if plan.leading_digits.match(nsn):
                    region = candidate
                    break
            elif plan.kind(nsn) != PhoneNumberType.UNKNOWN:
                region = candidate
                break
        if region is None:
            return None, PhoneNumberType.UNKNOWN
    plan = _plan(country_code, region)
    if plan is None:
        return region, PhoneNumberType.UNKNOWN
    return region, plan.kind(nsn)
