"""Email addresses: validated by syntax (no DNS), stored lower-cased so uniqueness is case-blind."""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from contactbook.domain.errors import InvalidInput, ProblemCode

EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit


def normalise_email(raw: str, field: str = "email") -> str:
    """Return the address lower-cased, with an internationalised domain in its Unicode form.

    Raises: InvalidInput (code `invalid_email`).
    """
    return _normalise_cached(raw.strip(), field)


@lru_cache(maxsize=65536)
def _normalise_cached(text: str, field: str) -> str:
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
