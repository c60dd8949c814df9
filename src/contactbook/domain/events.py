"""Events: things a contact did, recorded by an integration (HelpCrunch's customer events)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

EVENT_NAME_MAX_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded event."""

    id: int
    contact_id: int
    name: str
    data: dict[str, Any]
    created_at: datetime
