"""Tags: Chatwoot's labels and HelpCrunch's tags are the same tags."""

from __future__ import annotations

import re
from dataclasses import dataclass

from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.text import check_text

DEFAULT_TAG_COLOR = "#c377e0"
TAG_NAME_MAX_LENGTH = 255
COLOR_MAX_LENGTH = 50
# Most tags one contact may carry (one statement writes them all, within PostgreSQL's 32,767
# parameters; no vendor API shows more than a handful).
MAX_TAGS_PER_CONTACT = 1_000
_COLOR = re.compile(r"^(#[0-9A-Fa-f]{3,8}|[A-Za-z]+|(rgb|rgba|hsl|hsla)\([\d\s.,%]+\))$")


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag as stored."""

    id: int
    name: str
    color: str


@dataclass(frozen=True, slots=True)
class TagInput:
    """A tag named by a caller; colour None keeps the stored one (or the default)."""

    name: str
    color: str | None = None


def normalise_tag_name(name: str, field: str = "tags") -> str:
    """Trim a tag name; names are unique per account case-insensitively.

    Raises: InvalidInput when blank or too long.
    """
    text = " ".join(check_text(name, field).split())
    if not text:
        raise InvalidInput.single(field, ProblemCode.REQUIRED, "A tag name should not be blank.")
    if len(text) > TAG_NAME_MAX_LENGTH:
        raise InvalidInput.single(
            field, ProblemCode.TOO_LONG, f"At most {TAG_NAME_MAX_LENGTH} characters.", name
        )
    return text


def check_color(color: str, field: str = "color") -> str:
    """Accept any CSS colour of the common forms (`#ff0000`, `red`, `rgb(…)`).

    Raises: InvalidInput.
    """
    text = color.strip()
    if len(text) > COLOR_MAX_LENGTH or not _COLOR.match(text):
        raise InvalidInput.single(
            field, ProblemCode.INVALID_VALUE, "This value is not a valid CSS colour.", color
        )
    return text


def unique_tags(tags: list[TagInput], field: str = "tags") -> list[TagInput]:
    """Drop repeats case-insensitively, keeping the first spelling and the order given.

    Raises: InvalidInput naming `field` when more than `MAX_TAGS_PER_CONTACT` are left.
    """
    seen: set[str] = set()
    result: list[TagInput] = []
    for tag in tags:
        folded = tag.name.casefold()
        if folded not in seen:
            seen.add(folded)
            result.append(tag)
    if len(result) > MAX_TAGS_PER_CONTACT:
        raise InvalidInput.single(
            field, ProblemCode.TOO_MANY, f"At most {MAX_TAGS_PER_CONTACT} tags on a contact."
        )
    return result
