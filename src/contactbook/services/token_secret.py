"""The installation secret when none is configured: kept in a file outside the database, and
moved there from the database where an earlier release kept it. With one configured, what an
earlier release stored is removed.

Releases up to this one stored the secret in plaintext in `instance_settings`, beside the data
its tokens open. The first process to start after the upgrade puts that same secret in the
file and removes it from the database, so the tokens signed with it keep working; the database
keeps only the secret's fingerprint, by which a process that finds a different secret in its
file (another machine, another folder) can say that its tokens and theirs differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contactbook.domain.instance_secret import fingerprint, new_secret
from contactbook.storage import secret_file
from contactbook.storage.uow import UnitOfWork

# Where releases before this one kept the secret itself.
STORED_SETTING = "jwt_secret"
# What replaces it: the fingerprint of the secret that was moved out.
MOVED_SETTING = "jwt_secret_moved"


@dataclass(frozen=True, slots=True)
class FileSecret:
    """The secret of this machine's file, and how it relates to the database's."""

    secret: str
    path: Path
    # This process moved the database's secret to the file.
    moved: bool = False
    # The database's secret (still stored, or moved elsewhere) is not this one: tokens signed
    # with that one are refused here.
    differs: bool = False


async def file_secret(uow: UnitOfWork, path: Path) -> FileSecret:
    """The secret kept in `path`, which is made on first use: with the secret the database
    still holds, if any, then removed from it; otherwise a new one.

    Raises: OSError when the file can be neither read nor made.
    """
    stored = await uow.accounts.setting(STORED_SETTING)
    secret = secret_file.read_or_create(path, stored if stored is not None else new_secret())
    if stored is not None:
        if secret != stored:
            # A file made before this database's secret was seen (copied in, or a database
            # restored from an old backup): the operator decides which to keep.
            return FileSecret(secret, path, differs=True)
        # Concurrent movers all find the same file; the delete and insert are idempotent.
        await uow.accounts.delete_setting(STORED_SETTING)
        await uow.accounts.put_setting_once(MOVED_SETTING, fingerprint(stored))
        return FileSecret(secret, path, moved=True)
    moved = await uow.accounts.setting(MOVED_SETTING)
    return FileSecret(secret, path, differs=moved is not None and moved != fingerprint(secret))


async def drop_stored_secret(uow: UnitOfWork, configured: str) -> bool | None:
    """Remove the secret an earlier release kept in the database, now that `configured`
    (CONTACTBOOK_SECRET_KEY) is the installation secret. None when there was none; whether it
    was the configured one (so its tokens stay valid) otherwise."""
    stored = await uow.accounts.setting(STORED_SETTING)
    if stored is None:
        return None
    await uow.accounts.delete_setting(STORED_SETTING)
    return stored == configured
