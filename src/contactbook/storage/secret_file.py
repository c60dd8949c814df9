"""The installation secret in a file of its own, outside the database whose tokens it signs.

Every process of one machine reads the same file. It is made once and atomically: each
process that finds none writes a complete file of its own under a temporary name and links it
into place, which fails when another got there first (a secret is never overwritten), then
reads back whatever is in place. So processes starting at once all end up with one secret.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import stat
import time
from pathlib import Path

from contactbook.storage.engine import async_url

log = logging.getLogger("contactbook.secrets")

FILE_MODE = 0o600
SUFFIX = ".secret"
# A file that exists but is still empty is one being written without link() (see _place).
_SETTLE_SECONDS = 2.0


def default_path(database_url: str) -> Path:
    """Beside the SQLite file (`contactbook.db` → `contactbook.db.secret`); for PostgreSQL, in
    the working folder, named after the server and the database, so installations served from
    one folder keep apart (`contactbook-127.0.0.1-5432-contactbook.secret`)."""
    url = async_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return Path("contactbook" + SUFFIX)
        return Path(url.database + SUFFIX)
    parts = [url.host or "local", str(url.port or 5432), url.database or ""]
    name = "-".join(re.sub(r"[^A-Za-z0-9._]", "_", part) for part in parts)
    return Path(f"contactbook-{name}{SUFFIX}")


def read(path: Path) -> str | None:
    """The secret in `path`; None when there is no file (or it is still being written)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    secret = text.strip()
    if secret and stat.S_IMODE(path.stat().st_mode) & 0o077:
        log.warning("%s can be read by other users; chmod 600 it", path)
    return secret or None


def read_or_create(path: Path, candidate: str) -> str:
    """The secret in `path`, after putting `candidate` there if there was none.

    Raises: OSError when the folder cannot be written; ValueError when the file stays empty.
    """
    found = read(path)
    if found is not None:
        return found
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _place(path, candidate)
    deadline = time.monotonic() + _SETTLE_SECONDS
    while (found := read(path)) is None:
        if time.monotonic() > deadline:
            raise ValueError(f"the secret file {path} is empty")
        time.sleep(0.02)
    return found


def _place(path: Path, secret: str) -> None:
    """Put `secret` at `path` unless a file is there already."""
    data = (secret + "\n").encode()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        _write_new(temporary, data)
        try:
            os.link(temporary, path)  # atomic, and never replaces an existing file
        except FileExistsError:
            return
        except OSError:
            # No hard links on this file system: create the file itself exclusively; readers
            # meanwhile see an empty file and wait for it to fill.
            with contextlib.suppress(FileExistsError):
                _write_new(path, data)
            return
        _sync_folder(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (0600, failing if it exists) holding `data`, flushed to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (a crash must not lose the secret tokens were signed with)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
