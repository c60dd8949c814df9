"""Contact lists (Notificore groups) with their maintained counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from contactbook.domain.errors import InvalidInput, Problem, ProblemCode
from contactbook.domain.text import check_text

LIST_NAME_MIN_LENGTH = 3
LIST_NAME_MAX_LENGTH = 50
LIST_DESCRIPTION_MAX_LENGTH = 255
MAX_LISTS_PER_CONTACT = 100


@dataclass(frozen=True, slots=True)
class ContactList:
    """A list and its counters (`items` members, `stop_list_count` members on the stop list)."""

    id: int
    name: str
    description: str | None
    is_default: bool
    created_at: datetime
    items: int = 0
    stop_list_count: int = 0


@dataclass(frozen=True, slots=True)
class ListInput:
    """A list to create."""

    name: str
    description: str | None = None
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class ListChanges:
    """A partial change; `clear_description` sets it to null."""

    name: str | None = None
    description: str | None = None
    is_default: bool | None = None
    clear_description: bool = False


def clean_list_text(name: str | None, description: str | None) -> tuple[str | None, str | None]:
    """Trim and check a list's name (3..50) and description (1..255; blank becomes None).

    Raises: InvalidInput naming `name` or `description`.
    """
    problems: list[Problem] = []
    for field_name, value in (("name", name), ("description", description)):
        if value is not None:
            try:
                check_text(value, field_name)
            except InvalidInput as exc:
                problems.extend(exc.problems)
    if problems:
        raise InvalidInput(problems)
    clean_name = None
    if name is not None:
        clean_name = name.strip()
        if len(clean_name) < LIST_NAME_MIN_LENGTH:
            problems.append(
                Problem(
                    "name",
                    ProblemCode.TOO_SHORT,
                    f"This value is too short. It should have {LIST_NAME_MIN_LENGTH} characters "
                    "or more.",
                    name,
                )
            )
        elif len(clean_name) > LIST_NAME_MAX_LENGTH:
            problems.append(
                Problem(
                    "name",
                    ProblemCode.TOO_LONG,
                    f"This value is too long. It should have {LIST_NAME_MAX_LENGTH} characters "
                    "or less.",
                    name,
                )
            )
    clean_description = None
    if description is not None:
        clean_description = description.strip() or None
        if clean_description and len(clean_description) > LIST_DESCRIPTION_MAX_LENGTH:
            problems.append(
                Problem(
                    "description",
                    ProblemCode.TOO_LONG,
                    f"This value is too long. It should have {LIST_DESCRIPTION_MAX_LENGTH} "
                    "characters or less.",
                    description,
                )
            )
    if problems:
        raise InvalidInput(problems)
    return clean_name, clean_description
