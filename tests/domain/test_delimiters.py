"""Telling a CSV file's delimiter from its first lines."""

from __future__ import annotations

import pytest

from contactbook.domain.delimiters import detect_delimiter


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("phone,name,tags\n+447700900001,Ann,a;b|c\n", ","),
        ("phone;name;city\n+447700900001;Ann;Oslo\n", ";"),
        ("phone\tname\n+447700900001\tAnn, Jr\n", "\t"),
        ("phone|name\n+447700900001|Ann\n", "|"),
        ('phone;"Name, full";city\n+447700900001;"Doe, J";Oslo\n+447700900002;Bo;Rome\n', ";"),
        ('phone,"a;b",c\n1,2,3\n4,5,6\n', ","),
        ("phone\n+447700900001\n", ","),
        ("", ","),
    ],
)
def test_the_delimiter_is_one_the_header_splits_on(sample: str, expected: str) -> None:
    assert detect_delimiter(sample) == expected
