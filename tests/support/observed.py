"""What an account really holds, read through the native API: counters as stored, and the rows
they count (paged through, never a stored total), plus what a served process logged.

`Findings` gathers every expectation a test checks, so one failure reports all that went
wrong (lost updates, counters, 5xx, the server log, `contactbook check`) at once.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.support.invariants import invariant_problems

DEADLOCK = re.compile(r"deadlock", re.IGNORECASE)
TRACEBACK = "Traceback (most recent call last)"


def list_counters(native: httpx.Client, list_id: int) -> dict[str, Any]:
    """The list as stored (`items`, `stop_list_count`)."""
    reply = native.get(f"/lists/{list_id}")
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def member_ids(native: httpx.Client, list_id: int) -> set[int]:
    """The list's members, paged through (their rows, not a counter)."""
    return _paged_ids(native, {"list": str(list_id)})


def contact_ids(native: httpx.Client) -> set[int]:
    """Every contact of the account, paged through."""
    return _paged_ids(native, {})


def _paged_ids(native: httpx.Client, params: dict[str, str]) -> set[int]:
    found: set[int] = set()
    cursor: str | None = None
    while True:
        query = {**params, "limit": "1000", **({"cursor": cursor} if cursor else {})}
        reply = native.get("/contacts", params=query)
        assert reply.status_code == 200, reply.text
        page = reply.json()
        found.update(int(item["id"]) for item in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            return found


def stopped_members(native: httpx.Client, list_id: int) -> int:
    """Stop-list entries (SMS or Viber, what `stop_list_count` counts) held by the list's
    members, counted by the stop-list query."""
    reply = native.get(
        "/stoplist", params=[("list_id", list_id), ("channel", "sms"), ("channel", "viber")]
    )
    assert reply.status_code == 200, reply.text
    return int(reply.json()["total"])


def stop_entries(native: httpx.Client) -> int:
    reply = native.get("/stoplist", params={"limit": 1})
    assert reply.status_code == 200, reply.text
    return int(reply.json()["total"])


def account_totals(native: httpx.Client) -> tuple[int, int]:
    """(contacts, contacts_with_phone) as the account's counters say."""
    reply = native.get("/account")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    return int(body["contacts"]), int(body["contacts_with_phone"])


class LogWatch:
    """What a served process wrote to its log after this point."""

    def __init__(self, log_path: Path) -> None:
        self.path = log_path
        self.start = log_path.stat().st_size if log_path.exists() else 0

    def text(self) -> str:
        with self.path.open("rb") as log:
            log.seek(self.start)
            return log.read().decode(errors="replace")

    def tracebacks(self) -> int:
        return self.text().count(TRACEBACK)

    def deadlocks(self) -> int:
        """Lines that mention a deadlock (PostgreSQL's `deadlock detected`, asyncpg's
        `DeadlockDetectedError`), wherever they were logged."""
        return sum(1 for line in self.text().splitlines() if DEADLOCK.search(line))

    def first_traceback(self) -> str:
        text = self.text()
        at = text.find(TRACEBACK)
        if at < 0:
            return ""
        lines = text[at:].splitlines()
        # The exception's own line ends the traceback; keep it and a little context.
        tail = [line for line in lines[1:40] if line and not line.startswith(" ")]
        return " / ".join(tail[:2])[:400]


class Findings:
    """Expectations of one test; `conclude` fails with all that did not hold."""

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.notes: list[str] = []

    def expect(self, holds: bool, message: str) -> None:
        if not holds:
            self.failed.append(message)

    def equal(self, what: str, actual: object, expected: object) -> None:
        if actual != expected:
            self.failed.append(f"{what}: {actual!r}, expected {expected!r}")

    def same_ids(self, what: str, actual: set[int], expected: set[int]) -> None:
        """Two sets of ids are equal; otherwise how many (and which, a few) differ."""
        if actual != expected:
            missing, extra = sorted(expected - actual), sorted(actual - expected)
            self.failed.append(
                f"{what}: {len(actual)}, expected {len(expected)}; missing {len(missing)} "
                f"{missing[:10]}, unexpected {len(extra)} {extra[:10]}"
            )

    def note(self, message: str) -> None:
        """A figure worth reading whether or not the test fails (throughput, counts)."""
        self.notes.append(message)

    def conclude(self, database_url: str, account_id: int, log: LogWatch | None = None) -> None:
        """Add the server log's unhandled errors and `contactbook check`'s findings, then fail
        with everything that did not hold."""
        if log is not None:
            tracebacks = log.tracebacks()
            self.expect(
                tracebacks == 0,
                f"the server logged {tracebacks} tracebacks ({log.deadlocks()} lines mention a "
                f"deadlock); first: {log.first_traceback()}",
            )
        self.failed.extend(invariant_problems(database_url, account_id))
        for note in self.notes:
            sys.stdout.write(note + "\n")  # shown for passing tests too, with pytest -rP
        message = "\n".join(self.failed + [f"(note) {n}" for n in self.notes])
        assert not self.failed, message
