"""Checking an account's invariants against its rows, and repairing what drifted (operators)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contactbook.storage.repositories.integrity import Drift
from contactbook.storage.uow import UnitOfWork


@dataclass(slots=True)
class IntegrityReport:
    """What differs in one account; empty when every invariant holds."""

    account_id: int
    drift: list[Drift] = field(default_factory=list)
    orphans: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    repaired: bool = False

    @property
    def clean(self) -> bool:
        return not self.drift and not any(self.orphans.values()) and not self.duplicates

    def as_json(self) -> dict[str, Any]:
        differences: list[dict[str, Any]] = []
        for item in self.drift:
            entry: dict[str, Any] = {"invariant": item.invariant}
            if item.list_id is not None:
                entry["list_id"] = item.list_id
            entry.update(stored=item.stored, actual=item.actual)
            differences.append(entry)
        differences += [
            {"invariant": name, "stored": count, "actual": 0}
            for name, count in self.orphans.items()
            if count
        ]
        differences += [
            {"invariant": f"unique.{name}", "stored": values, "actual": []}
            for name, values in self.duplicates.items()
        ]
        return {
            "account_id": self.account_id,
            "clean": self.clean,
            "differences": differences,
            "repaired": self.repaired,
        }


async def check_account(
    uow: UnitOfWork, account_id: int, *, repair: bool = False
) -> IntegrityReport:
    """Recompute every counter of the account (its totals, each list's `items`,
    `items_with_phone` and `stop_list_count`) and look for rows that break the other
    invariants (memberships and tags of missing rows, repeated unique values). With `repair`,
    counters move by their difference and orphans go, all in the caller's unit of work.
    Repeated unique values are reported only: the database's constraints keep them out, and
    which contact keeps a value is not a choice to make for the operator.

    Raises: AccountNotFound.
    """
    await uow.accounts.get(account_id)
    store = uow.integrity(account_id)
    report = IntegrityReport(
        account_id,
        drift=[*await store.account_drift(), *await store.list_drift()],
        orphans=await store.orphans(),
        duplicates=await store.duplicates(),
    )
    if repair and not report.clean:
        # Orphans first: the list counters above were counted without them.
        await store.drop_orphans()
        await store.repair_lists(report.drift)
        await store.repair_account(report.drift)
        report.repaired = True
    return report
