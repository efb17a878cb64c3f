"""Files kept by the SHA-256 of their content in one directory: ``ab/cd/abcd…`` (two levels, so that no directory
holds millions), written atomically -- into a temporary file in the same directory tree, flushed to disk, then
linked into place -- so a reader finds a whole file or none, and the same content is kept once.

Derived files (thumbnails) live under ``derived/`` by the same hash and are made the same way.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class BlobStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def put(self, data: bytes) -> str:
        """Keep ``data`` (once) and answer its SHA-256 in hex."""
        digest = hashlib.sha256(data).hexdigest()
        self._write(self.path(digest), data)
        return digest

    def path(self, digest: str) -> Path:
        return self.directory / digest[:2] / digest[2:4] / digest

    def derived_path(self, digest: str, kind: str) -> Path:
        return self.directory / "derived" / digest[:2] / f"{digest}.{kind}"

    def put_derived(self, digest: str, kind: str, data: bytes) -> Path:
        path = self.derived_path(digest, kind)
        self._write(path, data)
        return path

    def _write(self, path: Path, data: bytes) -> None:
        """Atomically, and not again when ``path`` is there (same name, same content)."""
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            try:
                os.link(temporary, path)  # never replaces: a concurrent writer of the same content got there first
            except FileExistsError:
                return
            _sync_directory(path.parent)
        finally:
            os.unlink(temporary)


def _sync_directory(directory: Path) -> None:
    """The new directory entry on disk too (a crash right after must not lose a file the database references)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
