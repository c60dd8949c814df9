"""Accepting an upload: what is queued, and what is refused before a job exists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from contactbook.domain.context import KeyScope, RequestContext
from contactbook.domain.errors import Forbidden
from contactbook.domain.imports import ImportFormat, ImportOptions
from contactbook.domain.jobs import Job, JobKind, JobState
from contactbook.services.jobs import queue
from contactbook.services.jobs.import_acceptance import (
    EmptyUpload,
    Upload,
    UploadTooLarge,
    accept_import,
)
from tests.support.factories import Tenant


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


def _accept(
    tenant: Tenant, folder: Path, *parts: bytes, limit: int = 100, ctx: RequestContext | None = None
) -> Job:
    ctx = ctx or tenant.ctx
    db = tenant.server.db
    assert db is not None

    async def receive() -> Upload:
        return Upload(_chunks(*parts), "people.ndjson", ImportOptions(ImportFormat.NDJSON))

    async def where() -> Path:
        return folder

    async def go() -> Job:
        return await accept_import(lambda: db.unit(ctx), ctx, receive, where, limit)

    return tenant.server.call(go)


def test_an_accepted_upload_is_a_queued_job_with_its_file(tenant: Tenant, tmp_path: Path) -> None:
    job = _accept(tenant, tmp_path, b'{"name": "A"}\n', b'{"name": "B"}\n')
    assert (job.kind, job.state, job.format, job.filename) == (
        JobKind.IMPORT,
        JobState.QUEUED,
        "ndjson",
        "people.ndjson",
    )
    assert Path(job.path) == tmp_path / f"{job.id}.ndjson"
    assert Path(job.path).read_bytes() == b'{"name": "A"}\n{"name": "B"}\n'
    assert job.file_size == job.bytes_total == 28
    stored = tenant.unit(lambda uow: queue.get_job(uow, tenant.ctx, JobKind.IMPORT, job.id))
    assert stored.id == job.id


@pytest.mark.parametrize(
    ("parts", "refusal"), [((), EmptyUpload), ((b"x" * 60, b"y" * 60), UploadTooLarge)]
)
def test_a_refused_upload_leaves_no_job_and_no_file(
    tenant: Tenant, tmp_path: Path, parts: tuple[bytes, ...], refusal: type[Exception]
) -> None:
    with pytest.raises(refusal):
        _accept(tenant, tmp_path, *parts)
    assert list(tmp_path.iterdir()) == []
    listed = tenant.unit(lambda uow: queue.list_jobs(uow, tenant.ctx, JobKind.IMPORT))
    assert listed == []


def test_a_read_only_key_is_refused_before_the_upload_is_read(
    tenant: Tenant, tmp_path: Path
) -> None:
    reader = replace(tenant.ctx, scopes=frozenset({KeyScope.READ}))
    with pytest.raises(Forbidden):
        _accept(tenant, tmp_path, b"never read", ctx=reader)
    assert list(tmp_path.iterdir()) == []
