"""Every counter move, in one place: the account totals and each list's three counters.

The account keeps (all contacts, contacts with a phone, resolved contacts); a list keeps
`items`, `items_with_phone` and `stop_list_count`. They move here only, by what the statement
that changed the rows reported (RETURNING or rowcount), never by what was read before the
change (docs/concurrency.md, "Counters that cannot drift"). The deltas go to the unit's
`Ledger`, which applies them at commit in the one lock order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, String, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.queries import IDENTIFIERS, is_resolved
from contactbook.domain.stoplist import COUNTED_CHANNELS, Channel
from contactbook.storage.backend_sql import one_of
from contactbook.storage.ledger import Ledger
from contactbook.storage.tables import contacts, list_members, stoplist

# The stop list's flag column of each channel.
STOP_FLAGS = {
    Channel.SMS: stoplist.c.sms,
    Channel.VIBER: stoplist.c.viber,
    Channel.RCS: stoplist.c.rcs,
    Channel.WHATSAPP: stoplist.c.whatsapp,
}
# Ids one statement reads at once (SQLite binds each id as a parameter).
_CHUNK = 10_000


class Identity(NamedTuple):
    """What the account totals look at in a contact."""

    phone: object
    email: object
    external_id: object

    @classmethod
    def of(cls, row: Any) -> Identity:
        """The identity of a row, a mapping, or anything with the three attributes."""
        if isinstance(row, dict):
            return cls(*(row.get(name) for name in IDENTIFIERS))
        return cls(*(getattr(row, name) for name in IDENTIFIERS))

    def flags(self) -> tuple[int, int]:
        """(has a phone, is resolved) as 0/1."""
        return int(self.phone is not None), int(is_resolved(*self))


def resolved(table: Any = contacts) -> ColumnElement[bool]:
    """The domain's `is_resolved` in SQL, over a table or alias with the contact columns."""
    return or_(*(table.c[name].is_not(None) for name in IDENTIFIERS))


def stop_counted(account_col: Any, phone_col: Any) -> ColumnElement[bool]:
    """EXISTS a stop entry for the phone on a counted channel (`COUNTED_CHANNELS`)."""
    return exists().where(
        stoplist.c.account_id == account_col,
        stoplist.c.phone == phone_col,
        or_(*(STOP_FLAGS[channel] for channel in sorted(COUNTED_CHANNELS))),
    )


class Counters:
    """The counter moves of one account's unit of work."""

    def __init__(self, conn: AsyncConnection, account_id: int, ledger: Ledger) -> None:
        self.conn = conn
        self.account_id = account_id
        self.ledger = ledger

    # --- account totals -----------------------------------------------------------------------

    def contacts_moved(self, identities: Iterable[Identity], sign: int) -> None:
        """Contacts with these identities were inserted (+1) or deleted (-1)."""
        total = phones = resolved_ = 0
        for identity in identities:
            has_phone, is_resolved_ = identity.flags()
            total, phones, resolved_ = total + 1, phones + has_phone, resolved_ + is_resolved_
        if total:
            self.ledger.contacts(sign * total, sign * phones, sign * resolved_)

    def identity_changed(self, before: Identity, after: Identity) -> None:
        """An update wrote `after` over `before` (what it locked)."""
        was, now = before.flags(), after.flags()
        self.ledger.contacts(0, now[0] - was[0], now[1] - was[1])

    # --- list counters ------------------------------------------------------------------------

    async def memberships_moved(self, pairs: Sequence[tuple[int, int]], sign: int) -> None:
        """(list, contact) memberships were inserted (+1) or deleted (-1); the contacts are
        locked, so whether their phones are present and stopped is read now."""
        if not pairs:
            return
        phoned, stopped = await self.phone_flags(cid for _, cid in pairs)
        self.memberships_of(pairs, sign, phoned, stopped)

    def memberships_of(
        self,
        pairs: Iterable[tuple[int, int]],
        sign: int,
        phoned: Collection[int],
        stopped: Collection[int],
    ) -> None:
        """As `memberships_moved`, with the contacts' phone flags known."""
        for lid, cid in pairs:
            self.ledger.members(lid, sign, sign * (cid in phoned), sign * (cid in stopped))

    async def phone_flags(self, contact_ids: Iterable[int]) -> tuple[set[int], set[int]]:
        """Of `contact_ids`: those with a phone, and those whose phone is counted as stopped."""
        wanted = sorted(set(contact_ids))
        phoned, stopped = set(), set()
        for start in range(0, len(wanted), _CHUNK):
            rows = await self.conn.execute(
                select(contacts.c.id, stop_counted(contacts.c.account_id, contacts.c.phone)).where(
                    contacts.c.account_id == self.account_id,
                    one_of(self.conn, contacts.c.id, wanted[start : start + _CHUNK]),
                    contacts.c.phone.is_not(None),
                )
            )
            for contact_id, is_stopped in rows:
                phoned.add(contact_id)
                if is_stopped:
                    stopped.add(contact_id)
        return phoned, stopped

    async def phone_changed(self, contact_id: int, old: object, new: object) -> None:
        """An update moved the contact's phone (locked, with its buckets held): the lists
        holding it may gain or lose a member with a phone, or a stopped member."""
        if old == new:
            return
        with_phone = int(new is not None) - int(old is not None)
        stopped = int(await self._counted(new)) - int(await self._counted(old))
        if with_phone == 0 and stopped == 0:
            return
        rows = await self.conn.execute(
            select(list_members.c.list_id).where(
                list_members.c.account_id == self.account_id,
                list_members.c.contact_id == contact_id,
            )
        )
        for (list_id,) in rows:
            self.ledger.members(list_id, with_phone=with_phone, stopped=stopped)

    async def phones_stopped(self, phones: Sequence[str], delta: int) -> None:
        """Phones moved on (+1) or off (-1) the counted stop list: every list holding a
        contact with one of them moves by the number of such members. The caller holds the
        phones' buckets and the contacts holding them, so these memberships stand still."""
        if not phones or delta == 0:
            return
        rows = await self.conn.execute(
            select(list_members.c.list_id, func.count())
            .select_from(
                list_members.join(
                    contacts,
                    (contacts.c.account_id == list_members.c.account_id)
                    & (contacts.c.id == list_members.c.contact_id),
                )
            )
            .where(
                list_members.c.account_id == self.account_id,
                one_of(self.conn, contacts.c.phone, list(phones), String()),
            )
            .group_by(list_members.c.list_id)
        )
        for list_id, count in rows:
            self.ledger.members(list_id, stopped=delta * int(count))

    async def _counted(self, phone: object) -> bool:
        if phone is None:
            return False
        row = await self.conn.execute(
            select(literal(1)).where(stop_counted(literal(self.account_id), literal(phone)))
        )
        return row.first() is not None
