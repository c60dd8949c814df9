"""A job's file, sealed as it is written: its size and SHA-256, kept in the job's row.

A file is checked against its seal before it is served or imported: one changed on disk, or
another installation's file found under the job's name, does not match.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileSeal:
    size: int
    sha256: str  # hex


class Sealer:
    """Computes a seal from the bytes as they are written (no second read of the file)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self.size += len(chunk)

    def seal(self) -> FileSeal:
        return FileSeal(self.size, self._hash.hexdigest())
