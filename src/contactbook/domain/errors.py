"""The one error tree of Contactbook.

Every failure a caller can cause is a `DomainError` with a stable snake_case `code`. Codes are API:
dialects map them to their own status codes and envelopes. Messages may change; codes may not.
Nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input field.

    `field` is a dotted path in canonical names (`phone`, `custom_fields.plan`, `lists.0`); `code`
    is stable (see `ProblemCode`); `message` is for people.
    """

    field: str
    code: str
    message: str
    value: object = None


class ProblemCode:
    """Stable codes for `Problem.code`."""

    REQUIRED = "required"
    INVALID_TYPE = "invalid_type"
    INVALID_VALUE = "invalid_value"
    INVALID_PHONE = "invalid_phone"
    INVALID_EMAIL = "invalid_email"
    TOO_LONG = "too_long"
    TOO_SHORT = "too_short"
    OUT_OF_RANGE = "out_of_range"
    TOO_MANY = "too_many"
    INVALID_CHOICE = "invalid_choice"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_LIST = "unknown_list"
    UNKNOWN_CONTACT = "unknown_contact"
    UNKNOWN_INBOX = "unknown_inbox"
    PHONE_NOT_VERIFIED = "phone_not_verified"
    RESERVED_KEY = "reserved_key"
    EXTRA_FORBIDDEN = "extra_forbidden"


class DomainError(Exception):
    """Base of every error a caller can cause."""

    code: ClassVar[str] = "domain_error"

    def __init__(self, message: str | None = None, **details: object) -> None:
        self.message = message or self.__class__.__doc__ or self.code
        self.details = details
        super().__init__(self.message)


# --- bad input -------------------------------------------------------------------------------


class InvalidInput(DomainError):
    """The input is not acceptable."""

    code = "invalid_input"

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0].message if self.problems else "Invalid input."
        super().__init__(message or first)

    @classmethod
    def single(cls, field: str, code: str, message: str, value: object = None) -> InvalidInput:
        return cls([Problem(field, code, message, value)])

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.field for p in self.problems))

    def has(self, code: str) -> bool:
        return any(p.code == code for p in self.problems)


# --- missing things (another account's ids look exactly like these) ---------------------------


class NotFound(DomainError):
    """The resource does not exist."""

    code = "not_found"

    def __init__(self, resource_id: object = None, message: str | None = None) -> None:
        self.resource_id = resource_id
        super().__init__(message, id=resource_id)


class AccountNotFound(NotFound):
    """No such account."""

    code = "account_not_found"


class ContactNotFound(NotFound):
    """No such contact."""

    code = "contact_not_found"


class ListNotFound(NotFound):
    """No such list."""

    code = "list_not_found"


class FieldNotFound(NotFound):
    """No such custom field."""

    code = "field_not_found"


class TagNotFound(NotFound):
    """No such tag."""

    code = "tag_not_found"


class StopEntryNotFound(NotFound):
    """No such stop-list entry."""

    code = "stop_entry_not_found"


class InboxNotFound(NotFound):
    """No such inbox."""

    code = "inbox_not_found"


class JobNotFound(NotFound):
    """No such import job."""

    code = "job_not_found"


class ChangeNotFound(NotFound):
    """No such change record (of the kind asked for)."""

    code = "change_not_found"


# --- conflicts --------------------------------------------------------------------------------


class Conflict(DomainError):
    """The change conflicts with the stored state."""

    code = "conflict"


class DuplicateContact(Conflict):
    """Another contact already has this phone, email or external id."""

    code = "duplicate_contact"

    def __init__(self, fields: Sequence[str], existing_id: int | None = None) -> None:
        self.fields = tuple(fields)
        self.existing_id = existing_id
        names = ", ".join(self.fields)
        super().__init__(f"Another contact already has this {names}.")


class DuplicateList(Conflict):
    """A list with this name already exists."""

    code = "duplicate_list"


class DuplicateField(Conflict):
    """A custom field with this key already exists."""

    code = "duplicate_field"


class DuplicateInbox(Conflict):
    """An inbox with this name already exists."""

    code = "duplicate_inbox"


class PreconditionFailed(Conflict):
    """The resource changed since the version the caller holds."""

    code = "precondition_failed"

    def __init__(self, current_version: int, fields: Sequence[str] = ()) -> None:
        self.current_version = current_version
        # Where the input carries the condition (a batch item's `items.2.if_match`); a header's
        # condition has no field.
        self.fields = tuple(fields)
        super().__init__("The resource was changed by someone else; re-read it and retry.")


class NotUndoable(Conflict):
    """The change cannot be undone any more (undone already, or what it touched is gone)."""

    code = "not_undoable"


class JobFileMismatch(Conflict):
    """The file kept for a job is not the one the job wrote (changed on disk, or another
    installation's file under the same name)."""

    code = "job_file_mismatch"


# --- who is asking ----------------------------------------------------------------------------


class Unauthenticated(DomainError):
    """The credentials are missing, unknown or expired."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The credentials do not allow this operation."""

    code = "forbidden"


class RateLimited(DomainError):
    """Too many requests."""

    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("Too many requests.", retry_after=retry_after)


# --- the store ----------------------------------------------------------------------------------


class Busy(DomainError):
    """Concurrent writes kept colliding with this one; nothing was changed. Retry shortly.

    Raised for a deadlock or a serialisation failure the store detected (the transaction was
    rolled back). The edge retries the whole unit of work a few times before a caller sees it.
    """

    code = "busy"

    def __init__(self, message: str | None = None, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__(
            message or "The store is busy with concurrent changes; nothing changed. Retry.",
            retry_after=retry_after,
        )
