"""The plain-address fast path accepts exactly what email-validator accepts unchanged."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contactbook.domain.emails import normalise_email, quick_email

LOCAL = st.text(alphabet="abcXYZ019._%+-'!#", min_size=1, max_size=70)
LABEL = st.text(alphabet="abc019-", min_size=1, max_size=70)
TLD = st.sampled_from(["com", "org", "ua", "test", "local", "arpa", "c0m", "x", "onion", "Co"])


@settings(max_examples=5000, deadline=None)
@given(LOCAL, st.lists(LABEL, min_size=0, max_size=3), TLD)
@example("a..b", ["x"], "com")
@example("a", ["xn--80ak6aa92e"], "com")
@example("a", ["ab--cd"], "com")
@example(".a", ["x"], "com")
def test_fast_path_agrees_with_the_validator(local: str, labels: list[str], tld: str) -> None:
    address = f"{local}@{'.'.join([*labels, tld])}".lower()
    quick = quick_email(address)
    if quick is None:
        return  # the validator decides those
    try:
        expected = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AssertionError(f"fast path accepted what the validator refuses: {address}") from exc
    assert quick == expected


def test_unicode_and_punycode_still_go_through_the_validator() -> None:
    assert normalise_email("ПРИВЕТ@пример.рф") == "привет@пример.рф"
    assert quick_email("a@xn--80ak6aa92e.com") is None
