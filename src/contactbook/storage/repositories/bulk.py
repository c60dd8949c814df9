"""Set-based contact writes for bulk import: match a batch, insert, update, tag; counters kept.

On PostgreSQL rows go through COPY into a session staging table and merge with one INSERT …
SELECT and one UPDATE … FROM; on SQLite they go through executemany. Either way a batch is a
fixed number of statements, never a statement per row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.imports import Existing
from contactbook.storage.backend_sql import insert_ignore, one_of
from contactbook.storage.counters import Counters, Identity
from contactbook.storage.ids import next_ids
from contactbook.storage.ledger import Ledger
from contactbook.storage.repositories.contacts import WRITABLE
from contactbook.storage.repositories.lists import ListRepository
from contactbook.storage.tables import contact_tags, contacts

_JSON_COLUMNS = ("device", "additional_attributes", "custom")
_PHONE_META = ("phone_region", "phone_type", "phone_valid")
_STAGE = "contacts_import_stage"
_COLUMNS = [column.name for column in contacts.columns]


class RowsRaced(Exception):  # a signal to retry, not a domain error
    """A concurrent writer took a unique value between matching and writing; retry the batch."""


class BulkContactRepository:
    """Bulk writes to one account's contacts."""

    def __init__(self, conn: AsyncConnection, account_id: int, ledger: Ledger) -> None:
        self.conn = conn
        self.account_id = account_id
        self.ledger = ledger
        self.pg = conn.dialect.name == "postgresql"
        self.counters = Counters(conn, account_id, ledger)
        self._lists = ListRepository(conn, account_id, ledger)

    async def match(
        self,
        ids: Sequence[int],
        phones: Sequence[str],
        emails: Sequence[str],
        external_ids: Sequence[str],
    ) -> list[Existing]:
        """Stored contacts having any of the given ids or unique values.

        One probe per unique index, each led by (account_id, column): with a single OR the
        planner, misled by statistics not yet gathered on a table a bulk load just filled, can
        fall back to filtering the whole account row by row.
        """
        found: dict[int, Existing] = {}
        for column, values in (
            ("id", ids),
            ("phone", phones),
            ("email", emails),
            ("external_id", external_ids),
        ):
            if not values:
                continue
            unique = sorted(set(values))  # type: ignore[type-var]
            if self.pg:
                rows = await self.conn.execute(
                    text(_PG_MATCH[column]), {"account_id": self.account_id, "values": unique}
                )
            else:
                rows = await self.conn.execute(
                    select(
                        contacts.c.id, contacts.c.phone, contacts.c.email, contacts.c.external_id
                    ).where(
                        contacts.c.account_id == self.account_id, contacts.c[column].in_(unique)
                    )
                )
            for row in rows:
                found[row.id] = Existing(row.id, row.phone, row.email, row.external_id)
        return list(found.values())

    async def lock(self, ids: Sequence[int]) -> list[Existing]:
        """Lock the matched contacts (ascending id, the lock order) and return them as they are
        now: what the batch is planned against and its counters are moved from."""
        if not ids:
            return []
        rows = await self.conn.execute(
            select(
                contacts.c.id, contacts.c.phone, contacts.c.email, contacts.c.external_id,
                contacts.c.version,
            )
            .where(
                contacts.c.account_id == self.account_id,
                one_of(self.conn, contacts.c.id, sorted(set(ids))),
            )
            .order_by(contacts.c.id)
            .with_for_update(key_share=True)
        )  # fmt: skip
        return [
            Existing(row.id, row.phone, row.email, row.external_id, row.version) for row in rows
        ]

    # --- inserts ------------------------------------------------------------------------------

    async def insert(
        self, rows: Sequence[tuple[Mapping[str, object], Mapping[str, object]]], now: datetime
    ) -> list[int]:
        """Insert (values, custom) pairs as new contacts; return their ids in order.

        Raises: RowsRaced when another writer took one of their unique values meanwhile.
        """
        if not rows:
            return []
        ids = await next_ids(self.conn, "contacts", len(rows))
        records = [
            self._record(contact_id, values, custom, now)
            for contact_id, (values, custom) in zip(ids, rows, strict=True)
        ]
        if self.pg:
            await self._stage(records)
            inserted = await self.conn.execute(text(_PG_MERGE_INSERT))
            if len(inserted.all()) != len(records):
                raise RowsRaced
        else:
            try:
                await self.conn.execute(contacts.insert(), records)
            except Exception as exc:  # an IntegrityError from a concurrent writer
                if "UNIQUE" in str(exc):
                    raise RowsRaced from exc
                raise
        self.counters.contacts_moved(map(Identity.of, records), +1)
        return ids

    def _record(
        self,
        contact_id: int,
        values: Mapping[str, object],
        custom: Mapping[str, object],
        now: datetime,
    ) -> dict[str, Any]:
        record: dict[str, Any] = dict.fromkeys(_COLUMNS)
        record.update({name: values[name] for name in WRITABLE if name in values})
        record.update(
            account_id=self.account_id,
            id=contact_id,
            blocked=bool(values.get("blocked", False)),
            unsubscribed=bool(values.get("unsubscribed", False)),
            additional_attributes=dict(_mapping(values.get("additional_attributes"))),
            custom=dict(custom),
            hlr_status="unknown",
            created_at=now,
            updated_at=now,
            version=1,
        )
        return record

    async def _stage(self, records: Sequence[Mapping[str, Any]]) -> None:
        """COPY records into the session's staging table (emptied at each commit)."""
        await self.conn.exec_driver_sql(_PG_CREATE_STAGE)
        await self.conn.exec_driver_sql(f"TRUNCATE {_STAGE}")
        raw = await self.conn.get_raw_connection()
        driver: Any = raw.driver_connection
        tuples = [
            tuple(
                orjson.dumps(r[name]).decode()
                if name in _JSON_COLUMNS and r[name] is not None
                else r[name]
                for name in _COLUMNS
            )
            for r in records
        ]
        await driver.copy_records_to_table(_STAGE, records=tuples, columns=_COLUMNS)

    # --- updates ------------------------------------------------------------------------------

    async def update(
        self,
        changes: Sequence[tuple[int, Mapping[str, object], Mapping[str, object]]],
        now: datetime,
        versions: Mapping[int, int],
    ) -> dict[int, Existing]:
        """Apply (contact id, values, custom) changes: given values win, absent ones stay;
        custom values and additional attributes merge key by key. A contact the change leaves
        as it was is not written. Return the unique values of each contact written.

        Raises: RowsRaced when another writer took one of the unique values meanwhile.
        """
        if not changes:
            return {}
        records = [
            self._record(cid, values, custom, now) | {"_given": set(values)}
            for cid, values, custom in changes
        ]
        for record in records:
            # Absent booleans and attributes must read as "not given", not as defaults.
            for name in ("blocked", "unsubscribed", "additional_attributes"):
                if name not in record["_given"]:
                    record[name] = None
            del record["_given"]
        try:
            if self.pg:
                await self._stage(records)
                rows = list(
                    await self.conn.execute(text(_PG_MERGE_UPDATE), {"account_id": self.account_id})
                )
            else:
                await self.conn.execute(
                    _sqlite_update(),
                    [
                        {
                            **{f"v_{name}": record[name] for name in (*WRITABLE, "custom")},
                            "v_account": self.account_id,
                            "v_id": record["id"],
                            "v_now": now,
                        }
                        for record in records
                    ],
                )
                ids = [record["id"] for record in records]
                rows = []
                for start in range(0, len(ids), 10_000):
                    rows += await self.conn.execute(
                        select(
                            contacts.c.id, contacts.c.phone, contacts.c.email,
                            contacts.c.external_id, contacts.c.version,
                        ).where(
                            contacts.c.account_id == self.account_id,
                            contacts.c.id.in_(ids[start : start + 10_000]),
                        )
                    )  # fmt: skip
                # Written are those whose version moved (SQLite's executemany returns no rows).
                rows = [row for row in rows if row.version != versions.get(row.id)]
        except IntegrityError as exc:
            raise RowsRaced from exc
        return {
            row.id: Existing(row.id, row.phone, row.email, row.external_id, row.version)
            for row in rows
        }

    async def refresh_statistics(self) -> None:
        """Let PostgreSQL's planner see what a bulk load just wrote (it otherwise plans with the
        statistics of a much smaller table until autovacuum comes round)."""
        if self.pg:
            for table in ("contacts", "list_members", "contact_tags"):
                await self.conn.exec_driver_sql(f"ANALYZE {table}")

    async def count_written(self, contact_id: int, before: Existing, after: Existing) -> None:
        """The counters an update moved: `after` was written over `before` (as locked)."""
        self.counters.identity_changed(Identity.of(before), Identity.of(after))
        await self.counters.phone_changed(contact_id, before.phone, after.phone)

    # --- relations and counters ---------------------------------------------------------------

    async def add_tags(self, wanted: Mapping[int, Sequence[int]], start: int) -> set[int]:
        """Give each contact the tag ids listed for it (kept if already there), positioned from
        `start` so tags added to an existing contact come after the ones it has; return the
        contacts that got one."""
        pairs = [
            {
                "account_id": self.account_id,
                "contact_id": cid,
                "tag_id": tag_id,
                "position": start + index,
            }
            for cid, tag_ids in wanted.items()
            for index, tag_id in enumerate(tag_ids)
        ]
        if not pairs:
            return set()
        if self.pg:
            rows = await self.conn.execute(
                text(_PG_ADD_TAGS),
                {
                    "account_id": self.account_id,
                    "contacts": [p["contact_id"] for p in pairs],
                    "tags": [p["tag_id"] for p in pairs],
                    "positions": [p["position"] for p in pairs],
                },
            )
            return {row[0] for row in rows}
        tagged: set[int] = set()
        for begin in range(0, len(pairs), 5000):
            rows = await self.conn.execute(
                insert_ignore(
                    self.conn, contact_tags, ["account_id", "contact_id", "tag_id"]
                ).returning(contact_tags.c.contact_id),
                pairs[begin : begin + 5000],
            )
            tagged |= {row[0] for row in rows}
        return tagged

    async def add_to_lists(self, members: Mapping[int, Sequence[int]]) -> set[int]:
        """Put contacts (locked, or new in this transaction) in lists (list id → contact ids),
        moving the lists' counters by the memberships actually inserted; return the contacts
        that joined one."""
        return {cid for _, cid in await self._lists.add_members_by_list(members)}


def _keep(name: str) -> str:
    return f"{name} = COALESCE(s.{name}, c.{name})"


_PG_MATCH = {
    column: f"""
SELECT c.id, c.phone, c.email, c.external_id
FROM unnest(CAST(:values AS {kind}[])) AS probe(value)
JOIN contacts AS c ON c.account_id = :account_id AND c.{column} = probe.value
"""  # noqa: S608  (constant names only)
    for column, kind in (
        ("id", "bigint"),
        ("phone", "varchar"),
        ("email", "varchar"),
        ("external_id", "varchar"),
    )
}
_PG_ADD_TAGS = """
INSERT INTO contact_tags (account_id, contact_id, tag_id, position)
SELECT :account_id, c, t, p FROM unnest(CAST(:contacts AS bigint[]), CAST(:tags AS bigint[]),
                                        CAST(:positions AS integer[])) AS x(c, t, p)
ON CONFLICT DO NOTHING
RETURNING contact_id
"""

# The statements below are built from constant names only (no input reaches them).
_PG_CREATE_STAGE = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE} ON COMMIT DELETE ROWS AS "  # noqa: S608
    "SELECT * FROM contacts WITH NO DATA"
)
_PG_MERGE_INSERT = (
    f"INSERT INTO contacts SELECT * FROM {_STAGE} ON CONFLICT DO NOTHING RETURNING id"  # noqa: S608
)
_KEPT = [name for name in WRITABLE if name not in (*_PHONE_META, "additional_attributes")]
# Each column's value after the merge: given values win, absent ones stay, free objects merge.
_PG_MERGED = {
    **{name: f"COALESCE(s.{name}, c.{name})" for name in _KEPT},
    **{name: f"CASE WHEN s.phone IS NULL THEN c.{name} ELSE s.{name} END" for name in _PHONE_META},
    "additional_attributes": "COALESCE(c.additional_attributes, '{}'::jsonb)"
    " || COALESCE(s.additional_attributes, '{}'::jsonb)",
    "custom": "COALESCE(c.custom, '{}'::jsonb) || COALESCE(s.custom, '{}'::jsonb)",
}
# Free objects compare as merged ("{}" and NULL hold the same nothing).
_PG_BEFORE = {
    name: f"COALESCE(c.{name}, '{{}}'::jsonb)" if name in ("additional_attributes", "custom")
    else f"c.{name}"
    for name in _PG_MERGED
}  # fmt: skip
# Only rows whose stored values the merge changes are written (and move their version): a
# file imported twice changes nothing the second time.
_PG_MERGE_UPDATE = (
    "UPDATE contacts AS c SET "  # noqa: S608
    + ", ".join(f"{name} = {merged}" for name, merged in _PG_MERGED.items())
    + ", updated_at = s.updated_at, version = c.version + 1 "
    f"FROM {_STAGE} AS s WHERE c.account_id = :account_id AND c.id = s.id AND ("
    + " OR ".join(
        f"{_PG_BEFORE[name]} IS DISTINCT FROM {merged}" for name, merged in _PG_MERGED.items()
    )
    + ") RETURNING c.id, c.phone, c.email, c.external_id, c.version"
)


def _sqlite_update() -> Any:
    values: dict[str, Any] = {}
    for name in WRITABLE:
        # Typed parameters: values go through the columns' own conversions (times, JSON).
        param = bindparam(f"v_{name}", type_=contacts.c[name].type)
        if name in _PHONE_META:
            phone = bindparam("v_phone", type_=contacts.c.phone.type)
            values[name] = func.iif(phone.is_(None), contacts.c[name], param)
        elif name == "additional_attributes":
            values[name] = func.json_patch(
                func.coalesce(contacts.c[name], "{}"), func.coalesce(param, "{}")
            )
        else:
            values[name] = func.coalesce(param, contacts.c[name])
    custom = bindparam("v_custom", type_=contacts.c.custom.type)
    values["custom"] = func.json_patch(func.coalesce(contacts.c.custom, "{}"), custom)
    before = {
        name: func.coalesce(contacts.c[name], "{}")
        if name in ("additional_attributes", "custom")
        else contacts.c[name]
        for name in values
    }
    changed = or_(*(before[name].is_distinct_from(merged) for name, merged in values.items()))
    values["updated_at"] = bindparam("v_now", type_=contacts.c.updated_at.type)
    values["version"] = contacts.c.version + 1
    return (
        update(contacts)
        .where(
            contacts.c.account_id == bindparam("v_account"),
            contacts.c.id == bindparam("v_id"),
            changed,
        )
        .values(values)
    )


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}
