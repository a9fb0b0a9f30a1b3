"""What a file must be to be kept on a case: a PDF, a Word document or an image, judged by its content.

The name and the type a browser claims are the sender's to choose, so neither decides: the first bytes of
the file do (its "magic number"). The name is kept only to show and to offer on download, made safe first.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype

from casework.core.errors import Invalid, TooLarge

# Detected type -> (the extension it is offered with, how a person names it).
ACCEPTED: dict[str, tuple[str, str]] = {
    "application/pdf": ("pdf", "PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx", "Word document"),
    "application/msword": ("doc", "Word 97-2003 document"),
    "application/vnd.oasis.opendocument.text": ("odt", "OpenDocument text"),
    "image/jpeg": ("jpg", "JPEG image"),
    "image/png": ("png", "PNG image"),
    "image/gif": ("gif", "GIF image"),
    "image/tiff": ("tiff", "TIFF image"),
    "image/heic": ("heic", "HEIC photo"),
}
EXTENSIONS = frozenset({ext for ext, _ in ACCEPTED.values()} | {"jpeg", "tif"})
OLE_COMPOUND = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 files (filetype does not name them)
NAME_LENGTH = 150
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str


def content_type(data: bytes, *, max_bytes: int) -> Checked:
    """The file's type from its content; refuses an empty file, one too large, or one of another type."""
    if not data:
        raise Invalid("The file is empty. Choose the file again.", code="empty_file", field="file")
    if len(data) > max_bytes:
        raise TooLarge(f"The file is {_megabytes(len(data))}; files can be up to {_megabytes(max_bytes)}.",
                       field="file")
    guessed = filetype.guess(data)
    mime = guessed.mime if guessed is not None else None
    if mime is None and data.startswith(OLE_COMPOUND):
        mime = "application/msword"
    if mime not in ACCEPTED:
        raise Invalid("The file must be a PDF, a Word document or an image (JPEG, PNG, GIF, TIFF or HEIC).",
                      code="file_type", field="file")
    return Checked(mime, ACCEPTED[mime][0])


def _megabytes(size: int) -> str:
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or value == int(value) else f"{value:.1f} MB"


def safe_name(given: str | None, extension: str) -> str:
    """A name to show and offer on download: no folders, no control or unusual characters, not too long, and
    ending in the extension of what the file really is (report.exe that holds a PDF is offered as a PDF).

    The web layer passes names through werkzeug's secure_filename first; this holds whatever the caller."""
    name = unicodedata.normalize("NFKD", given or "").encode("ascii", "ignore").decode("ascii")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip("._-")
    stem, dot, ext = name.rpartition(".")
    if not dot:  # secure_filename leaves "pdf" of a name written only in other scripts ("доклад.pdf")
        stem, ext = ("", name) if name.lower() in EXTENSIONS else (name, "")
    stem = stem.strip("._-")[: NAME_LENGTH] or "document"
    if ext.lower() not in (extension, "jpeg" if extension == "jpg" else extension, "tif" if extension == "tiff"
                           else extension):
        return f"{stem}.{extension}"
    return f"{stem}.{ext.lower()}"
