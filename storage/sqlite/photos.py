"""Evidence photos of inspections."""

from __future__ import annotations

from collections.abc import Collection

from storage.clock import utcnow
from storage.models import (
    NewPhoto,
    Photo,
)
from storage.sqlite.queries import Queries, timestamp

# The photos every document and count shows: neither waiting for a correction to be saved nor withdrawn.
SHOWN = "pending_of IS NULL AND withdrawn_at IS NULL"


class SqlitePhotos(Queries):
    async def add(self, photo: NewPhoto, pending_of: int | None = None) -> int:
        row = {**photo.model_dump(), "received_at": timestamp(utcnow()), "pending_of": pending_of}
        return await self._insert_row("photos", row)

    async def of(self, inspection_id: int) -> list[Photo]:
        rows = await self._all(
            f"SELECT * FROM photos WHERE inspection_id = ? AND {SHOWN} ORDER BY id", (inspection_id,)
        )
        return [Photo.model_validate(dict(r)) for r in rows]

    async def count(self, inspection_id: int, item_id: str | None = None) -> int:
        if item_id is None:
            row = await self._one(f"SELECT COUNT(*) FROM photos WHERE inspection_id = ? AND {SHOWN}", (inspection_id,))
        else:
            row = await self._one(
                f"SELECT COUNT(*) FROM photos WHERE inspection_id = ? AND item_id = ? AND {SHOWN}",
                (inspection_id, item_id),
            )
        return int(row[0]) if row else 0

    async def pending(self, inspection_id: int, person_id: int) -> list[Photo]:
        rows = await self._all(
            """SELECT * FROM photos WHERE inspection_id = ? AND pending_of = ? AND withdrawn_at IS NULL
               ORDER BY id""",
            (inspection_id, person_id),
        )
        return [Photo.model_validate(dict(r)) for r in rows]

    async def settle(self, inspection_id: int, person_id: int) -> int:
        return await self._run(
            "UPDATE photos SET pending_of = NULL WHERE inspection_id = ? AND pending_of = ? AND withdrawn_at IS NULL",
            (inspection_id, person_id),
        )

    async def withdraw(self, inspection_id: int, photo_ids: Collection[int], person_id: int) -> int:
        marks = ", ".join("?" * len(photo_ids))
        return await self._run(
            f"""UPDATE photos SET withdrawn_at = ?, withdrawn_by = ?
                WHERE inspection_id = ? AND withdrawn_at IS NULL AND id IN ({marks})""",
            (timestamp(utcnow()), person_id, inspection_id, *photo_ids),
        )

    async def drop_pending(self, inspection_id: int, person_id: int) -> None:
        await self._run(
            """UPDATE photos SET withdrawn_at = ?, withdrawn_by = ?
               WHERE inspection_id = ? AND pending_of = ? AND withdrawn_at IS NULL""",
            (timestamp(utcnow()), person_id, inspection_id, person_id),
        )

    async def album_count(self, media_group_id: str) -> int:
        row = await self._one("SELECT COUNT(*) FROM photos WHERE media_group_id = ?", (media_group_id,))
        return int(row[0]) if row else 0
