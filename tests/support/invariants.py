"""`contactbook check` from a test: the account's stored counters and other invariants
against what its rows say, recomputed by the command operators run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.support.served import cli

# Typer draws its usage errors in a box; the words are what a failure message needs.
_BOX = str.maketrans(dict.fromkeys("│╭╮╰╯─", " "))


@dataclass
class CheckResult:
    """What one `contactbook check` run said."""

    returncode: int
    stdout: str
    stderr: str
    report: dict[str, Any] | None = None
    differences: list[dict[str, Any]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return (
            self.returncode == 0
            and self.report is not None
            and self.report.get("clean") is True
            and not self.differences
        )

    def problems(self, account_id: int) -> list[str]:
        """Why the account is not clean, one line each ([] when it is)."""
        if self.report is None:
            said = " ".join(self.stderr.translate(_BOX).split())[-300:]
            return [
                f"`contactbook check --account-id {account_id}` exited {self.returncode} "
                f"without one JSON object on stdout: stdout={self.stdout.strip()[:300]!r} "
                f"stderr={said!r}"
            ]
        found: list[str] = []
        if self.report.get("account_id") != account_id:
            found.append(f"check reported account {self.report.get('account_id')!r}")
        if self.report.get("clean") is not True:
            found.append("check says the account is not clean")
        if self.returncode != 0:
            found.append(f"check exited {self.returncode}")
        found.extend(
            "check: " + json.dumps(difference, sort_keys=True, default=str)
            for difference in self.differences
        )
        return found


def run_check(database_url: str, account_id: int, *, repair: bool = False) -> CheckResult:
    """Run `contactbook check` once; never raises on what it reports."""
    args = ["check", "--account-id", str(account_id), "--database-url", database_url]
    done = cli(*args, *(["--repair"] if repair else []))
    result = CheckResult(done.returncode, done.stdout, done.stderr)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return result
    if isinstance(report, dict):
        result.report = report
        differences = report.get("differences")
        result.differences = list(differences) if isinstance(differences, list) else []
    return result


def invariant_problems(database_url: str, account_id: int) -> list[str]:
    """What `contactbook check` finds wrong with the account, one line each."""
    return run_check(database_url, account_id).problems(account_id)


def assert_invariants(database_url: str, account_id: int) -> None:
    """`contactbook check` exits 0 and says the account is clean; otherwise the failure
    lists every difference it printed."""
    problems = invariant_problems(database_url, account_id)
    assert not problems, "\n".join(problems)
