"""Files the stand-in knows: user uploads, bot uploads and the thumbnails Telegram derives from them.

Telegram hands a bot opaque ``file_id`` strings, several ``PhotoSize`` variants per photo and a
``file_path`` from getFile that is only valid under the file-download URL. Reproducing that matters:
a bot that keeps ``photo[0]`` gets a 90-pixel thumbnail in production, and one that tries to download
a 30 MB document crashes on ``file is too big``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import mimetypes
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image, ImageOps

FileKind = Literal["photo", "document", "thumbnail"]

#: Longest side of the variants Telegram makes of a photo (it keeps the original size as the last one).
PHOTO_THUMBNAIL_SIDES = (90, 320, 800)
DOCUMENT_THUMBNAIL_SIDE = 320
MAX_PHOTO_UPLOAD = 10 * 1024 * 1024
MAX_DOCUMENT_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024

# Real ids start with a type-dependent prefix; keeping them makes logs look familiar.
_FILE_ID_PREFIX: dict[FileKind, str] = {
    "photo": "AgACAgUAAxkBAA",
    "document": "BQACAgUAAxkBAA",
    "thumbnail": "AAMCBQ",
}
_UNIQUE_ID_PREFIX: dict[FileKind, str] = {"photo": "AQAD", "document": "AgAD", "thumbnail": "AQAD"}
_EXTENSIONS: dict[FileKind, str] = {"photo": "jpg", "document": "bin", "thumbnail": "jpg"}
_DIRECTORIES: dict[FileKind, str] = {"photo": "photos", "document": "documents", "thumbnail": "thumbnails"}


class NotAnImageError(ValueError):
    """The bytes are not an image Pillow (and so, for our purposes, Telegram) can decode."""


@dataclass(frozen=True)
class StoredFile:
    """One downloadable file, addressed by ``file_id`` (getFile) or ``file_path`` (download URL)."""

    kind: FileKind
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    width: int | None = None
    height: int | None = None
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def file_size(self) -> int:
        return len(self.data)

    def photo_size(self) -> dict[str, Any]:
        """The ``PhotoSize`` object describing this file."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "width": self.width,
            "height": self.height,
        }

    def file_object(self) -> dict[str, Any]:
        """The ``File`` object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


def image_size(data: bytes) -> tuple[int, int]:
    """Decode fully (not just the header) so truncated or fake images are refused like Telegram does."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return image.size
    except Exception as error:  # Pillow raises many unrelated types for garbage input
        raise NotAnImageError(str(error)) from error


def _jpeg_thumbnail(data: bytes, side: int) -> tuple[bytes, int, int]:
    with Image.open(io.BytesIO(data)) as image:
        oriented = ImageOps.exif_transpose(image)
        oriented.thumbnail((side, side))
        out = io.BytesIO()
        oriented.convert("RGB").save(out, format="JPEG", quality=80)
        return out.getvalue(), oriented.width, oriented.height


def guess_mime_type(file_name: str | None) -> str:
    """Telegram derives a document's MIME type from its name when the uploader gives none."""
    guessed = mimetypes.guess_type(file_name or "")[0]
    return guessed or "application/octet-stream"


class FileStore:
    """All files by id and by path; ids are deterministic per store so test runs are reproducible."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._photo_sets: dict[str, list[StoredFile]] = {}
        self._thumbnails: dict[str, StoredFile] = {}
        self._counter = 0

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def photo_set(self, file_id: str) -> list[StoredFile] | None:
        """All sizes of the photo that ``file_id`` (any of its sizes) belongs to."""
        return self._photo_sets.get(file_id)

    def thumbnail_of(self, file_id: str) -> StoredFile | None:
        return self._thumbnails.get(file_id)

    def add(
        self,
        kind: FileKind,
        data: bytes,
        *,
        width: int | None = None,
        height: int | None = None,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        self._counter += 1
        digest = hashlib.sha256(f"{kind}:{self._counter}".encode()).digest()
        token = base64.urlsafe_b64encode(digest).decode().rstrip("=")
        extension = _extension(kind, file_name)
        stored = StoredFile(
            kind=kind,
            file_id=f"{_FILE_ID_PREFIX[kind]}{token}",
            file_unique_id=f"{_UNIQUE_ID_PREFIX[kind]}{token[:12]}",
            file_path=f"{_DIRECTORIES[kind]}/file_{self._counter}.{extension}",
            data=data,
            width=width,
            height=height,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, data: bytes) -> list[StoredFile]:
        """Store a photo as Telegram does: smaller JPEG variants first, the full picture last."""
        width, height = image_size(data)
        sizes = [
            self.add("photo", thumb, width=w, height=h)
            for thumb, w, h in (
                _jpeg_thumbnail(data, side) for side in PHOTO_THUMBNAIL_SIDES if side < max(width, height)
            )
        ]
        sizes.append(self.add("photo", data, width=width, height=height))
        for size in sizes:
            self._photo_sets[size.file_id] = sizes
        return sizes

    def add_document(
        self, data: bytes, file_name: str | None, mime_type: str | None
    ) -> tuple[StoredFile, StoredFile | None]:
        """Store a document; image documents also get the thumbnail Telegram would generate."""
        document = self.add("document", data, file_name=file_name, mime_type=mime_type or guess_mime_type(file_name))
        try:
            image_size(data)
        except NotAnImageError:
            return document, None
        thumb, width, height = _jpeg_thumbnail(data, DOCUMENT_THUMBNAIL_SIDE)
        thumbnail = self.add("thumbnail", thumb, width=width, height=height)
        self._thumbnails[document.file_id] = thumbnail
        return document, thumbnail


def _extension(kind: FileKind, file_name: str | None) -> str:
    if kind == "document" and file_name and "." in file_name:
        suffix = file_name.rsplit(".", 1)[1].lower()
        if suffix.isalnum() and len(suffix) <= 8:
            return suffix
    return _EXTENSIONS[kind]


def document_object(document: StoredFile, thumbnail: StoredFile | None) -> dict[str, Any]:
    """The ``Document`` object of a message."""
    result: dict[str, Any] = {}
    if thumbnail is not None:
        result["thumbnail"] = thumbnail.photo_size()
    if document.file_name:
        result["file_name"] = document.file_name
    result.update(
        mime_type=document.mime_type,
        file_id=document.file_id,
        file_unique_id=document.file_unique_id,
        file_size=document.file_size,
    )
    return result
