"""What a contact's change records must say after any run of writes: one record per version,
versions 1..v without a gap or a repeat, the last one the contact's own version."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.observed import Findings


def records_of(native: httpx.Client, contact_id: int) -> list[dict[str, Any]]:
    """Every record of the contact through the history API, newest first."""
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    while True:
        reply = native.get(f"/contacts/{contact_id}/history", params=params)
        assert reply.status_code == 200, reply.text
        page = reply.json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        params["cursor"] = page["next_cursor"]


def check_versions(findings: Findings, native: httpx.Client, contact_ids: list[int]) -> int:
    """Expect each contact's records to be one per version 1..v, v its version; return how
    many records there are in all."""
    total = 0
    for contact_id in contact_ids:
        reply = native.get(f"/contacts/{contact_id}")
        assert reply.status_code == 200, reply.text
        version = int(reply.json()["version"])
        versions = sorted(r["version"] for r in records_of(native, contact_id))
        total += len(versions)
        findings.equal(
            f"contact {contact_id} (version {version}): versions of its records",
            versions,
            list(range(1, version + 1)),
        )
    return total
