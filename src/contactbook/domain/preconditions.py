"""Conditional writes: the versions of a resource a caller's write is conditioned on.

A contact's version is its ETag (RFC 9110 §8.8.3). The dialect that reads the caller's
condition (`If-Match` on the native API) turns it into a `VersionCondition`; the service that
writes compares it with the version it holds locked, so the check and the write are one.
"""

from __future__ import annotations

from dataclasses import dataclass

from contactbook.domain.errors import PreconditionFailed


@dataclass(frozen=True, slots=True)
class VersionCondition:
    """The write may go ahead on any existing version (`any_version`, If-Match `*`) or on one
    of `versions`; an empty set (only tags that are not ours) matches nothing."""

    versions: frozenset[int] = frozenset()
    any_version: bool = False

    def holds(self, version: int) -> bool:
        return self.any_version or version in self.versions


def check_condition(condition: VersionCondition | None, version: int) -> None:
    """Raises: PreconditionFailed (carrying `version`, the current one) unless `condition` is
    absent or holds for `version`."""
    if condition is not None and not condition.holds(version):
        raise PreconditionFailed(version)
