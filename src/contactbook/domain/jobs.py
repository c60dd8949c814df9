"""Background jobs: an import or an export with its state and progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class JobKind(StrEnum):
    IMPORT = "import"
    EXPORT = "export"


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobState.SUCCEEDED, JobState.FAILED)


@dataclass(frozen=True, slots=True)
class Job:
    """A job as stored. Counts are those of the batches that committed."""

    id: int
    account_id: int
    kind: JobKind
    state: JobState
    format: str
    path: str
    created_at: datetime
    filename: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    rows_done: int = 0
    last_line: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    errors_path: str | None = None
    message: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    heartbeat_at: datetime | None = None
    # The token of the claim this copy was read under (see storage.leases).
    lease: int = 0
    # The job's file as written (`FileSeal`); None before it is written, and for jobs from
    # releases that did not seal their files.
    file_size: int | None = None
    file_sha256: str | None = None
