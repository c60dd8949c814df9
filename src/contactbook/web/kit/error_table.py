"""A dialect's answer to each domain error class, looked up along the exception's MRO.

A table names every error class it answers and has no entry for `DomainError` itself (nor for
an abstract base such as `Conflict`): a new error class then finds no answer, which
tests/web/test_error_mapping.py reports for every dialect, instead of slipping into a generic
one. At run time an error without an answer is a programming error, and is answered as a crash
(500, in the dialect's envelope).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from contactbook.domain.errors import DomainError

T = TypeVar("T")


class Unmapped(LookupError):
    """A domain error the dialect's table does not answer."""


def entry_for(table: Mapping[type[DomainError], T], exc: DomainError) -> T:
    """The entry of the most specific class of `exc` that `table` names.

    Raises: Unmapped.
    """
    for cls in type(exc).__mro__:
        if cls in table:
            return table[cls]
    raise Unmapped(f"no answer for {type(exc).__name__}") from exc
