"""Evidence photos of inspections."""

from __future__ import annotations

from storage.clock import utcnow
from storage.models import (
    NewPhoto,
    Photo,
)
from storage.sqlite.queries import Queries, timestamp


class SqlitePhotos(Queries):
    async def add(self, photo: NewPhoto) -> int:
        return await self._insert_row("photos", {**photo.model_dump(), "received_at": timestamp(utcnow())})

    async def of(self, inspection_id: int) -> list[Photo]:
        rows = await self._all("SELECT * FROM photos WHERE inspection_id = ? ORDER BY id", (inspection_id,))
        return [Photo.model_validate(dict(r)) for r in rows]

    async def count(self, inspection_id: int, item_id: str | None = None) -> int:
        if item_id is None:
            row = await self._one("SELECT COUNT(*) FROM photos WHERE inspection_id = ?", (inspection_id,))
        else:
            row = await self._one(
                "SELECT COUNT(*) FROM photos WHERE inspection_id = ? AND item_id = ?", (inspection_id, item_id)
            )
        return int(row[0]) if row else 0

    async def album_count(self, media_group_id: str) -> int:
        row = await self._one("SELECT COUNT(*) FROM photos WHERE media_group_id = ?", (media_group_id,))
        return int(row[0]) if row else 0
