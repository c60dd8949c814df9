"""Pages of results and the opaque cursors that continue them."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

import orjson

from contactbook.domain.errors import InvalidInput, ProblemCode

T = TypeVar("T")

# Deepest offset a listing may ask for: SQL offsets are signed 64-bit integers, and this leaves
# room for the limit added to it.
MAX_OFFSET = 2**62


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items of one page; `total` when it was asked for; `after` is the keyset position of the
    last item when more follow."""

    items: Sequence[T]
    total: int | None = None
    has_more: bool = False
    after: tuple[object, ...] | None = None


def encode_cursor(position: tuple[object, ...], order: str) -> str:
    """An opaque token for "the page after `position` in `order`"."""
    values = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in position]
    raw = orjson.dumps({"o": order, "p": values})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, order: str, field: str = "cursor") -> tuple[object, ...]:
    """The position inside a token made by `encode_cursor` for the same `order`.

    Raises: InvalidInput naming `field` when the token is damaged or made for another order.
    """
    try:
        data = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if data["o"] != order or not isinstance(data["p"], list):
            raise ValueError(token)
        return tuple(
            datetime.fromisoformat(v["t"]) if isinstance(v, dict) else v for v in data["p"]
        )
    except (ValueError, KeyError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise InvalidInput.single(
            field, ProblemCode.INVALID_VALUE, "The cursor is not valid for this listing.", token
        ) from exc
