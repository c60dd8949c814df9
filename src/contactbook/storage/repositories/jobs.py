"""Jobs: the account's view, and the queue workers claim from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from contactbook.domain.errors import JobNotFound
from contactbook.domain.jobs import Job, JobKind, JobState
from contactbook.storage.ids import next_id
from contactbook.storage.tables import jobs


def to_job(row: Any) -> Job:
    return Job(
        id=row.id,
        account_id=row.account_id,
        kind=JobKind(row.kind),
        state=JobState(row.state),
        format=row.format,
        path=row.path,
        created_at=row.created_at,
        filename=row.filename,
        options=dict(row.options or {}),
        rows=row.rows,
        created=row.created,
        updated=row.updated,
        skipped=row.skipped,
        rejected=row.rejected,
        rows_done=row.rows_done,
        last_line=row.last_line,
        bytes_done=row.bytes_done,
        bytes_total=row.bytes_total,
        errors_path=row.errors_path,
        message=row.message,
        started_at=row.started_at,
        finished_at=row.finished_at,
        heartbeat_at=row.heartbeat_at,
        lease=row.lease,
        file_size=row.file_size,
        file_sha256=row.file_sha256,
    )


class JobRepository:
    """The account's jobs."""

    def __init__(self, conn: AsyncConnection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id

    async def new_id(self) -> int:
        return await next_id(self.conn, "jobs")

    async def add(self, job: Job) -> Job:
        await self.conn.execute(
            insert(jobs).values(
                account_id=self.account_id,
                id=job.id,
                kind=job.kind.value,
                state=job.state.value,
                format=job.format,
                filename=job.filename,
                path=job.path,
                options=job.options,
                bytes_total=job.bytes_total,
                errors_path=job.errors_path,
                created_at=job.created_at,
                file_size=job.file_size,
                file_sha256=job.file_sha256,
            )
        )
        return await self.get(job.id)

    async def get(self, job_id: int) -> Job:
        """Raises: JobNotFound."""
        row = (
            await self.conn.execute(
                select(jobs).where(jobs.c.account_id == self.account_id, jobs.c.id == job_id)
            )
        ).first()
        if row is None:
            raise JobNotFound(job_id)
        return to_job(row)

    async def recent(self, kind: JobKind, limit: int) -> list[Job]:
        rows = await self.conn.execute(
            select(jobs)
            .where(jobs.c.account_id == self.account_id, jobs.c.kind == kind.value)
            .order_by(jobs.c.id.desc())
            .limit(limit)
        )
        return [to_job(row) for row in rows]

    async def save(self, job_id: int, lease: int | None = None, **values: object) -> bool:
        """Write `values` to the job; with `lease`, only while the job is still held under
        that token (False when another worker has claimed it since)."""
        where = [jobs.c.account_id == self.account_id, jobs.c.id == job_id]
        if lease is not None:
            where.append(jobs.c.lease == lease)
        result = await self.conn.execute(update(jobs).where(*where).values(values))
        return bool(result.rowcount)


class JobQueue:
    """Claiming work across accounts (workers serve every account)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def candidates(self, stale_before: datetime, limit: int = 20) -> list[Job]:
        """Queued jobs, and running ones that have not reported since `stale_before` (their
        worker may be gone: whether it is, its lease tells), oldest first."""
        rows = await self.conn.execute(
            select(jobs)
            .where(
                or_(
                    jobs.c.state == JobState.QUEUED.value,
                    and_(
                        jobs.c.state == JobState.RUNNING.value,
                        or_(jobs.c.heartbeat_at.is_(None), jobs.c.heartbeat_at < stale_before),
                    ),
                )
            )
            .order_by(jobs.c.id)
            .limit(limit)
        )
        return [to_job(row) for row in rows]

    async def claim(self, job: Job, now: datetime) -> Job | None:
        """Mark `job` running under a new lease token and return it as stored now (its
        committed progress); None if it finished meanwhile. The caller holds its lease."""
        result = await self.conn.execute(
            update(jobs)
            .where(
                jobs.c.account_id == job.account_id,
                jobs.c.id == job.id,
                jobs.c.state.in_([JobState.QUEUED.value, JobState.RUNNING.value]),
            )
            .values(
                state=JobState.RUNNING.value,
                heartbeat_at=now,
                started_at=func.coalesce(jobs.c.started_at, now),
                lease=jobs.c.lease + 1,
            )
            .returning(*jobs.c)
        )
        row = result.first()
        return None if row is None else to_job(row)
