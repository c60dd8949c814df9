"""JSON bodies decoded as text: valid UTF-8 holding only Unicode characters.

Python's decoder accepts a lone surrogate, escaped (`"\\ud800"`) or even encoded in the bytes,
and hands over a string that no database can store and no reply can echo (I-JSON, RFC 7493,
forbids them). Such a body is refused as malformed JSON, as the dialects that decode with
orjson already refuse it; everything else decodes exactly as the standard library does (big
integers stay exact).
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

_SURROGATE = re.compile("[\ud800-\udfff]")


def loads(raw: bytes) -> Any:
    """The JSON document in `raw`.

    Raises: json.JSONDecodeError (a ValueError) when it is not JSON, not valid UTF-8 (or the
    UTF-16/32 the standard allows), or holds a lone surrogate.
    """
    try:
        text = raw.decode(json.detect_encoding(raw))
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("The body is not valid UTF-8.", "", exc.start) from exc
    data = json.loads(text)
    # Only an escape can still spell a surrogate once the bytes decoded strictly.
    if "\\u" in text and _holds_surrogate(data):
        raise json.JSONDecodeError("The body holds a lone surrogate.", text, 0)
    return data


def _holds_surrogate(data: Any) -> bool:
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class JsonRequest(Request):
    """A request whose `json()` is `loads` (FastAPI reads body models through it)."""

    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            self._strict_json = loads(await self.body())
        return self._strict_json
