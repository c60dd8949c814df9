"""Email addresses: validated by syntax (no DNS), stored lower-cased so uniqueness is case-blind."""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from contactbook.domain.errors import InvalidInput, ProblemCode

EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit


def normalise_email(raw: str, field: str = "email") -> str:
    """Return the address lower-cased, with an internationalised domain in its Unicode form.

    Raises: InvalidInput (code `invalid_email`).
    """
    return _normalise_cached(raw.strip(), field)


# The plain ASCII addresses email-validator accepts unchanged (bar case): bulk imports take this
# path; anything else (Unicode, quoted parts, Punycode, odd TLDs) goes to the validator.
_PLAIN = re.compile(
    r"(?P<local>[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*)@"
    r"(?P<domain>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?P<tld>[a-z]{2,63}))"
)
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
LOCAL_MAX_LENGTH = 64
DOMAIN_MAX_LENGTH = 253


def quick_email(lowered: str) -> str | None:
    """`lowered` when it is a plain address the validator would accept as is; else None."""
    match = _PLAIN.fullmatch(lowered)
    if match is None:
        return None
    domain = match["domain"]
    if (
        len(match["local"]) > LOCAL_MAX_LENGTH
        or len(domain) > DOMAIN_MAX_LENGTH
        or "--" in domain
        or match["tld"] in _SPECIAL_USE
    ):
        return None
    return lowered


@lru_cache(maxsize=65536)
def _normalise_cached(text: str, field: str) -> str:
    if len(text) <= EMAIL_MAX_LENGTH and (plain := quick_email(text.lower())) is not None:
        return plain
    if len(text) > EMAIL_MAX_LENGTH:
        raise InvalidInput.single(
            field, ProblemCode.INVALID_EMAIL, "This value is not a valid email address.", text
        )
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput.single(
            field, ProblemCode.INVALID_EMAIL, "This value is not a valid email address.", text
        ) from exc
    return result.normalized.lower()
