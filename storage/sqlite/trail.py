"""The trail of an inspection besides its answers: joins, areas, corrections, submit, cancel."""

from __future__ import annotations

from storage.clock import utcnow
from storage.models import TrailEntry, TrailKind
from storage.sqlite.queries import Queries, timestamp


class SqliteTrail(Queries):
    async def add(
        self, inspection_id: int, person_id: int, person_name: str, kind: TrailKind, detail: str | None = None
    ) -> None:
        await self._run(
            """INSERT INTO trail (inspection_id, person_id, person_name, kind, detail, at)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (inspection_id, person_id, person_name, kind.value, detail, timestamp(utcnow())),
        )

    async def of(self, inspection_id: int) -> list[TrailEntry]:
        rows = await self._all(
            """SELECT inspection_id, person_id, person_name, kind, detail, at FROM trail
               WHERE inspection_id = ? ORDER BY id""",
            (inspection_id,),
        )
        return [TrailEntry.model_validate(dict(r)) for r in rows]
