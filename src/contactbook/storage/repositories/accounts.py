"""Accounts, API keys and verified numbers (the only repository not bound to one account)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Text, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.accounts import Account, ApiKey
from contactbook.domain.context import KeyScope
from contactbook.domain.errors import AccountNotFound
from contactbook.storage.backend_sql import insert_ignore
from contactbook.storage.ids import next_id
from contactbook.storage.tables import (
    account_counters,
    accounts,
    api_keys,
    instance_settings,
    verified_numbers,
)


def _account(row: Any) -> Account:
    return Account(
        id=row.id,
        name=row.name,
        test_mode=row.test_mode,
        default_region=row.default_region,
        created_at=row.created_at,
    )


# The account's counters are shard rows (see storage.ledger): summed, at most SHARDS rows.
_DATA_VERSION = select(func.coalesce(func.sum(account_counters.c.data_version), 0)).where(
    account_counters.c.account_id == bindparam("account_id")
)


def totals_of(account_id: Any) -> Any:
    """A select of the account's (all, with a phone, resolved) contact totals."""
    table = account_counters.c
    return select(
        func.coalesce(func.sum(table.contacts_total), 0),
        func.coalesce(func.sum(table.contacts_with_phone), 0),
        func.coalesce(func.sum(table.contacts_resolved), 0),
    ).where(table.account_id == account_id)


# The instance setting counting changes to credentials; read by every process twice a second.
_CREDENTIALS_REVISION = "credentials_revision"
_REVISION = select(instance_settings.c.value).where(
    instance_settings.c.name == _CREDENTIALS_REVISION
)


def _scopes(text: str) -> frozenset[KeyScope]:
    return frozenset(KeyScope(part) for part in text.split(",") if part)


class AccountRepository:
    """Accounts and their credentials."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(
        self, name: str, test_mode: bool, default_region: str | None, now: datetime
    ) -> Account:
        result = await self.conn.execute(
            insert(accounts)
            .values(name=name, test_mode=test_mode, default_region=default_region, created_at=now)
            .returning(accounts.c.id)
        )
        return Account(result.scalar_one(), name, test_mode, default_region, now)

    async def get(self, account_id: int) -> Account:
        """Raises: AccountNotFound."""
        row = (await self.conn.execute(select(accounts).where(accounts.c.id == account_id))).first()
        if row is None:
            raise AccountNotFound(account_id)
        return _account(row)

    async def exists(self, account_id: int) -> bool:
        row = await self.conn.execute(select(accounts.c.id).where(accounts.c.id == account_id))
        return row.first() is not None

    async def list_all(self) -> list[Account]:
        rows = await self.conn.execute(select(accounts).order_by(accounts.c.id))
        return [_account(row) for row in rows]

    async def update(self, account_id: int, **values: object) -> None:
        await self.conn.execute(update(accounts).where(accounts.c.id == account_id).values(values))

    async def data_version(self, account_id: int) -> int:
        """How many writes the account's data has seen (0 for an unknown account)."""
        row = await self.conn.execute(_DATA_VERSION, {"account_id": account_id})
        first = row.first()
        return 0 if first is None else int(first[0])

    async def totals(self, account_id: int) -> tuple[int, int, int]:
        """(all contacts, contacts with a phone, resolved contacts), from the counters."""
        row = (await self.conn.execute(totals_of(account_id))).one()
        return int(row[0]), int(row[1]), int(row[2])

    # --- API keys -----------------------------------------------------------------------------

    async def new_key_id(self) -> int:
        return await next_id(self.conn, "api_keys")

    async def add_key(
        self,
        account_id: int,
        key_id: int,
        digest: str,
        scopes: frozenset[KeyScope],
        name: str | None,
        now: datetime,
    ) -> ApiKey:
        ordered = sorted(scopes, key=list(KeyScope).index)
        await self.conn.execute(
            insert(api_keys).values(
                account_id=account_id,
                id=key_id,
                key_hash=digest,
                name=name,
                scopes=",".join(s.value for s in ordered),
                created_at=now,
            )
        )
        return ApiKey(key_id, account_id, frozenset(scopes), now, name)

    async def find_key(self, account_id: int, digest: str) -> ApiKey | None:
        row = (
            await self.conn.execute(
                select(api_keys).where(
                    api_keys.c.account_id == account_id,
                    api_keys.c.key_hash == digest,
                    api_keys.c.revoked_at.is_(None),
                )
            )
        ).first()
        if row is None:
            return None
        return ApiKey(row.id, row.account_id, _scopes(row.scopes), row.created_at, row.name)

    async def list_keys(self, account_id: int) -> list[ApiKey]:
        rows = await self.conn.execute(
            select(api_keys)
            .where(api_keys.c.account_id == account_id, api_keys.c.revoked_at.is_(None))
            .order_by(api_keys.c.id)
        )
        return [
            ApiKey(row.id, row.account_id, _scopes(row.scopes), row.created_at, row.name)
            for row in rows
        ]

    async def revoke_key(self, account_id: int, key_id: int, now: datetime) -> bool:
        result = await self.conn.execute(
            update(api_keys)
            .where(
                api_keys.c.account_id == account_id,
                api_keys.c.id == key_id,
                api_keys.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return bool(result.rowcount)

    # --- verified numbers ---------------------------------------------------------------------

    async def add_verified_number(self, account_id: int, phone: str, now: datetime) -> bool:
        if await self.is_verified(account_id, phone):
            return False
        await self.conn.execute(
            insert(verified_numbers).values(account_id=account_id, phone=phone, created_at=now)
        )
        return True

    async def remove_verified_number(self, account_id: int, phone: str) -> bool:
        result = await self.conn.execute(
            delete(verified_numbers).where(
                verified_numbers.c.account_id == account_id, verified_numbers.c.phone == phone
            )
        )
        return bool(result.rowcount)

    async def is_verified(self, account_id: int, phone: str) -> bool:
        row = await self.conn.execute(
            select(verified_numbers.c.phone).where(
                verified_numbers.c.account_id == account_id, verified_numbers.c.phone == phone
            )
        )
        return row.first() is not None

    async def verified_numbers(self, account_id: int) -> list[str]:
        rows = await self.conn.execute(
            select(verified_numbers.c.phone)
            .where(verified_numbers.c.account_id == account_id)
            .order_by(verified_numbers.c.phone)
        )
        return [row[0] for row in rows]

    # --- instance-wide settings ---------------------------------------------------------------

    async def setting(self, name: str) -> str | None:
        row = await self.conn.execute(
            select(instance_settings.c.value).where(instance_settings.c.name == name)
        )
        first = row.first()
        return None if first is None else str(first[0])

    async def delete_setting(self, name: str) -> None:
        await self.conn.execute(delete(instance_settings).where(instance_settings.c.name == name))

    async def put_setting_once(self, name: str, value: str) -> str:
        """Store `value` under `name` unless one is there; return what is stored."""
        # Several processes may start at once; the first insert wins and all read it back.
        await self.conn.execute(
            insert_ignore(self.conn, instance_settings, ["name"]).values(name=name, value=value)
        )
        stored = await self.setting(name)
        assert stored is not None
        return stored

    # --- the credentials revision ---------------------------------------------------------

    async def credentials_revision(self) -> int:
        """How many times credentials changed (0 before the first change): one primary-key
        read, cheap enough for every process to poll."""
        value = (await self.conn.execute(_REVISION)).scalar()
        return 0 if value is None else int(value)

    async def bump_credentials_revision(self) -> None:
        """Count a change to credentials, in the transaction that makes it: processes that see
        the new revision also see the change."""
        await self.conn.execute(
            insert_ignore(self.conn, instance_settings, ["name"]).values(
                name=_CREDENTIALS_REVISION, value="0"
            )
        )
        value = instance_settings.c.value
        await self.conn.execute(
            update(instance_settings)
            .where(instance_settings.c.name == _CREDENTIALS_REVISION)
            .values(value=cast(cast(value, BigInteger) + 1, Text))
        )
