"""The stop list: per account, per phone, per channel; a phone may be on it without a contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MAX_PHONES_PER_CHANGE = 1000


class Channel(StrEnum):
    """The channels a phone can be stopped on."""

    SMS = "sms"
    VIBER = "viber"
    RCS = "rcs"
    WHATSAPP = "whatsapp"


# A list's stop_list_count counts members stopped on SMS or Viber (Notificore's definition).
COUNTED_CHANNELS = frozenset({Channel.SMS, Channel.VIBER})


@dataclass(frozen=True, slots=True)
class StopEntry:
    """One phone on the stop list."""

    id: int
    phone: str
    channels: frozenset[Channel]
    created_at: datetime

    @property
    def counted(self) -> bool:
        return bool(self.channels & COUNTED_CHANNELS)
