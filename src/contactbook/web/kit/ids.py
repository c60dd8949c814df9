"""Ids as the wire gives them, bounded to what a 64-bit column holds (`domain.ids`), so a number
the database cannot hold is refused before any lookup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field, StrictInt

from contactbook.domain.errors import NotFound
from contactbook.domain.ids import INT64_MAX, INT64_MIN, MAX_ID, parse_id

# A body's id: a JSON integer that can name a row.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
# A body's integer value: any signed 64-bit one.
Int64 = Annotated[StrictInt, Field(ge=INT64_MIN, le=INT64_MAX)]
# Ids as typed parameters (the framework answers one out of range as a validation error).
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="A positive 64-bit id")]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
ListedId = Annotated[int, Field(ge=1, le=MAX_ID)]


def id_or_missing(text: str, missing: Callable[[str], NotFound] = NotFound) -> int:
    """The id `text` spells; anything that cannot name a row is a missing one.

    Raises: `missing(text)` (NotFound unless the resource names its own).
    """
    number = parse_id(text)
    if number is None:
        raise missing(text)
    return number


def within_int64(number: int) -> bool:
    """Whether `number` and its negation both fit a signed 64-bit column."""
    return abs(number) <= INT64_MAX
