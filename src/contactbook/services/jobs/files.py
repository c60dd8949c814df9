"""Where job files live, and whether a file found there is still its job's own.

Files go under `<imports folder>/<installation id>/<account>/<job>.<suffix>`. The installation
id is made once per database and kept in it, so installations started in one working folder (a
SQLite one and a PostgreSQL one, say) each keep to their own folder there, while every process
serving one database finds the same files. Each job records the seal of its file as it is
written; the file is checked against it before it is served or imported.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from typing import BinaryIO

from contactbook.domain.errors import JobFileMismatch
from contactbook.domain.job_files import FileSeal, Sealer
from contactbook.domain.jobs import Job, JobKind
from contactbook.storage.uow import UnitOfWork

INSTALLATION_SETTING = "installation_id"
_CHUNK = 1024 * 1024


async def installation_id(uow: UnitOfWork) -> str:
    """This database's installation id, made on first use."""
    stored = await uow.accounts.setting(INSTALLATION_SETTING)
    if stored is not None:
        return stored
    # Processes starting together each offer one; the first stored wins and all read it back.
    return await uow.accounts.put_setting_once(INSTALLATION_SETTING, uuid.uuid4().hex)


def account_folder(folder: Path, installation: str, account_id: int) -> Path:
    """The folder of an account's job files (made if need be)."""
    directory = folder / installation / str(account_id)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def job_file(directory: Path, job_id: int, suffix: str) -> Path:
    """A job's file in its account's folder."""
    return directory / f"{job_id}.{suffix}"


def seal_of(path: Path) -> FileSeal:
    with path.open("rb") as source:
        return _seal_read(source)


def _seal_read(source: BinaryIO) -> FileSeal:
    sealer = Sealer()
    while chunk := source.read(_CHUNK):
        sealer.update(chunk)
    return sealer.seal()


def open_job_file(job: Job) -> BinaryIO:
    """The job's file, opened, when it is the one the job wrote.

    The size and hash are read through the returned handle, so whoever reads from it reads the
    bytes that were checked, even if another file is put at the path afterwards. A job from a
    release that did not seal its files is checked by size alone.

    Raises: JobFileMismatch when the file is gone, or its size or hash differ from the job's.
    """
    again = "upload it again" if job.kind is JobKind.IMPORT else "export again"
    try:
        handle = Path(job.path).open("rb")  # noqa: SIM115  (returned open: the caller closes it)
    except FileNotFoundError as exc:
        raise JobFileMismatch(f"The job's file is no longer on this server; {again}.") from exc
    try:
        expected = job.file_size if job.file_size is not None else job.bytes_total
        if os.fstat(handle.fileno()).st_size != expected or (
            job.file_sha256 is not None and _seal_read(handle).sha256 != job.file_sha256
        ):
            raise JobFileMismatch(
                "The file kept for this job was changed since it was written, or does not "
                f"belong to this job; {again}."
            )
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def check_job_file(job: Job) -> Path:
    """The job's path, when the file there is the one the job wrote.

    Raises: JobFileMismatch.
    """
    open_job_file(job).close()
    return Path(job.path)


async def checked_job_file(job: Job) -> Path:
    """`check_job_file` off the event loop (a large file takes a while to hash).

    Raises: JobFileMismatch.
    """
    return await asyncio.to_thread(check_job_file, job)


async def opened_job_file(job: Job) -> BinaryIO:
    """`open_job_file` off the event loop.

    Raises: JobFileMismatch.
    """
    return await asyncio.to_thread(open_job_file, job)
