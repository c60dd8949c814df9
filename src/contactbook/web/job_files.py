"""Job file paths in a server process: under this database's installation id, read once."""

from __future__ import annotations

from pathlib import Path

from contactbook.services.jobs import files as job_files
from contactbook.web.runtime import Runtime

_SLOT = "installation_id"


async def account_folder(runtime: Runtime, account_id: int) -> Path:
    """The folder of an account's job files: `<import_dir>/<installation>/<account>`.

    Call it outside a unit of work: the first call may store the installation id.
    """
    installation = runtime.extras.get(_SLOT)
    if not isinstance(installation, str):
        async with runtime.db.unit() as uow:
            installation = await job_files.installation_id(uow)
        runtime.extras[_SLOT] = installation
    folder = Path(runtime.settings.import_dir)
    return job_files.account_folder(folder, installation, account_id)
