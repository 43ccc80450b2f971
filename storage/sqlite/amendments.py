"""Corrections after submit, and where each person stands in the one they are making."""

from __future__ import annotations

from collections.abc import Collection

from storage.clock import utcnow
from storage.models import Amendment, AmendStage, AmendState, NewAmendment
from storage.sqlite.queries import Queries, timestamp


class SqliteAmendments(Queries):
    async def add(self, amendment: NewAmendment) -> Amendment:
        row = {**amendment.model_dump(), "at": timestamp(utcnow())}
        amendment_id = await self._insert_row("amendments", row)
        stored = await self._one("SELECT * FROM amendments WHERE id = ?", (amendment_id,))
        assert stored is not None
        return Amendment.model_validate(dict(stored))

    async def of(self, inspection_id: int) -> list[Amendment]:
        rows = await self._all("SELECT * FROM amendments WHERE inspection_id = ? ORDER BY id", (inspection_id,))
        return [Amendment.model_validate(dict(r)) for r in rows]

    async def state_of(self, person_id: int) -> AmendState | None:
        row = await self._one(
            """SELECT person_id, inspection_id, stage, area_index, pos, new_value, new_note, step, withdraw
               FROM amend_states WHERE person_id = ?""",
            (person_id,),
        )
        if row is None:
            return None
        state = dict(row)
        state["withdraw"] = tuple(int(photo) for photo in str(state["withdraw"]).split(",") if photo)
        return AmendState.model_validate(state)

    async def move(
        self,
        person_id: int,
        inspection_id: int,
        stage: AmendStage,
        area_index: int | None = None,
        pos: int | None = None,
        new_value: str | None = None,
        new_note: str | None = None,
        withdraw: Collection[int] = (),
    ) -> AmendState:
        marked = ",".join(str(photo) for photo in sorted(withdraw))
        await self._run(
            """INSERT INTO amend_states
                   (person_id, inspection_id, stage, area_index, pos, new_value, new_note, withdraw, step, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
               ON CONFLICT (person_id) DO UPDATE SET
                   inspection_id = excluded.inspection_id, stage = excluded.stage,
                   area_index = excluded.area_index, pos = excluded.pos, new_value = excluded.new_value,
                   new_note = excluded.new_note, withdraw = excluded.withdraw, step = amend_states.step + 1,
                   updated_at = excluded.updated_at""",
            (person_id, inspection_id, stage.value, area_index, pos, new_value, new_note, marked, timestamp(utcnow())),
        )
        state = await self.state_of(person_id)
        assert state is not None
        return state
