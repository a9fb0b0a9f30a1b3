"""Where the files of documents live: outside the database, behind a small interface.

A file is kept under a name the service makes up (never the name it was uploaded with), so no upload can
choose where it lands or overwrite another. The folder store is the default; a council that keeps files
elsewhere (an object store, a records system) supplies another class with the same three methods.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any, Protocol

from casework.core.errors import NotFound
from casework.core.settings import REPO_ROOT

_KEY = re.compile(r"^[0-9a-f]{40}$")


class Storage(Protocol):
    def put(self, data: bytes) -> str:
        """Keep the bytes; returns the key they are kept under."""

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...


class FolderStorage:
    """Files in a folder, two levels deep by the first characters of their key, written atomically."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise NotFound("There is no such file.")
        return self.root / key[:2] / key

    def put(self, data: bytes) -> str:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
        return key

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound("The file of this document is missing from the store.") from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


def folder_from_settings(settings: dict[str, Any]) -> FolderStorage:
    """``[documents] path``; a relative path is taken from the repository root, as the database's is."""
    path = Path(settings.get("documents", {}).get("path", "instance/documents"))
    return FolderStorage(path if path.is_absolute() else REPO_ROOT / path)
