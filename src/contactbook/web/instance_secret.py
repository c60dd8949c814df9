"""This process's installation secret, read once: `CONTACTBOOK_SECRET_KEY` when set, otherwise
the secret file of this machine (see `services.token_secret`). Either way, no secret stays in
the database."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from contactbook.domain.instance_secret import fingerprint
from contactbook.services import token_secret
from contactbook.storage import secret_file
from contactbook.web.runtime import Runtime

log = logging.getLogger("contactbook.secrets")

_SLOT = "instance_secret"
_LOCK_SLOT = "instance_secret.lock"


def secret_path(runtime: Runtime) -> Path:
    """Where the secret file of `runtime`'s installation is (when no key is configured)."""
    configured = runtime.settings.secret_file
    if configured:
        return Path(configured)
    return secret_file.default_path(runtime.settings.database_url)


async def installation_secret(runtime: Runtime) -> str:
    """The secret every key of this installation is derived from.

    Raises: OSError when no key is configured and the secret file can be neither read nor
    made.
    """
    cached = runtime.extras.get(_SLOT)
    if isinstance(cached, str):
        return cached
    lock = runtime.extras.setdefault(_LOCK_SLOT, asyncio.Lock())
    assert isinstance(lock, asyncio.Lock)
    async with lock:
        cached = runtime.extras.get(_SLOT)
        if isinstance(cached, str):
            return cached
        configured = runtime.settings.secret_key
        if configured is not None:
            secret = configured.get_secret_value()
            async with runtime.db.unit() as uow:
                same = await token_secret.drop_stored_secret(uow, secret)
            _report_dropped(same)
        else:
            async with runtime.db.unit() as uow:
                found = await token_secret.file_secret(uow, secret_path(runtime))
            _report(found)
            secret = found.secret
        runtime.extras[_SLOT] = secret
        return secret


def _report(found: token_secret.FileSecret) -> None:
    if found.moved:
        log.warning(
            "moved the token-signing secret out of the database into %s (0600); tokens signed "
            "with it stay valid. Keep that file with the database's backups, or set "
            "CONTACTBOOK_SECRET_KEY",
            found.path,
        )
    elif found.differs:
        log.warning(
            "the token-signing secret in %s (fingerprint %s) is not the one this database's "
            "other processes use: tokens they issued are refused here and the other way round. "
            "Give every machine the same CONTACTBOOK_SECRET_KEY, or the same secret file",
            found.path,
            fingerprint(found.secret),
        )


def _report_dropped(same: bool | None) -> None:
    if same is True:
        log.warning(
            "removed the token-signing secret earlier releases kept in the database; it is "
            "CONTACTBOOK_SECRET_KEY now, so the tokens signed with it stay valid"
        )
    elif same is False:
        log.warning(
            "removed the token-signing secret earlier releases kept in the database: "
            "CONTACTBOOK_SECRET_KEY replaces it, so tokens signed with it are no longer "
            "accepted (clients log in again)"
        )
