"""Free-form JSON objects a contact carries (device, additional attributes): checked so that
whatever is stored can be stored on both databases and read back through every API."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import orjson

from contactbook.domain.errors import InvalidInput, ProblemCode
from contactbook.domain.ids import INT64_MAX
from contactbook.domain.text import check_text

MAX_BYTES = 64 * 1024
MAX_DEPTH = 16
INT_LIMIT = INT64_MAX


def check_object(value: object, path: str) -> dict[str, Any]:
    """`value` as a plain JSON object.

    Raises: InvalidInput naming `path` (not an object, too deep, too big, a number out of range).
    """
    if not isinstance(value, Mapping):
        raise InvalidInput.single(path, ProblemCode.INVALID_TYPE, "This value should be an object.")
    _walk(value, path, 0)
    try:
        size = len(orjson.dumps(value))
    except (TypeError, orjson.JSONEncodeError) as exc:
        raise InvalidInput.single(
            path, ProblemCode.INVALID_VALUE, "This value is not plain JSON."
        ) from exc
    if size > MAX_BYTES:
        raise InvalidInput.single(path, ProblemCode.TOO_LONG, f"At most {MAX_BYTES} bytes of JSON.")
    return dict(value)


def _walk(value: object, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidInput.single(path, ProblemCode.INVALID_VALUE, "Nested too deeply.")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput.single(path, ProblemCode.INVALID_TYPE, "Keys are strings.")
            check_text(key, path)
            _walk(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}.{index}", depth + 1)
    elif isinstance(value, str):
        check_text(value, path)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > INT_LIMIT:
            raise InvalidInput.single(path, ProblemCode.OUT_OF_RANGE, "This number is too large.")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput.single(path, ProblemCode.INVALID_VALUE, "Numbers must be finite.")
    else:
        raise InvalidInput.single(path, ProblemCode.INVALID_TYPE, "This value is not plain JSON.")
