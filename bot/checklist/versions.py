"""Which checklist each inspection started with."""

from __future__ import annotations

from bot.checklist.model import Checklist
from storage.models import Inspection
from storage.port import Tx


async def stored(tx: Tx, inspection: Inspection) -> Checklist:
    """The checklist an inspection started with, read from the database, for one-off readers (the
    export, the history) that keep no `ChecklistVersions`."""
    body = await tx.inspections.checklist_body(inspection.checklist_id, inspection.checklist_version)
    if body is None:
        raise LookupError(f"checklist {(inspection.checklist_id, inspection.checklist_version)} is not in the database")
    return Checklist.model_validate_json(body)


class ChecklistVersions:
    """The checklist each inspection started with, read from the database once and kept.

    An administrator may load a new version while drafts of the old one are open; those drafts keep
    asking the questions (and positions) they started with.
    """

    def __init__(self, current: Checklist) -> None:
        self.current = current
        self._known: dict[tuple[str, int], Checklist] = {(current.id, current.version): current}

    async def register(self, tx: Tx) -> None:
        await tx.inspections.register_checklist(self.current.id, self.current.version, self.current.canonical_json())

    async def of(self, tx: Tx, inspection: Inspection) -> Checklist:
        key = (inspection.checklist_id, inspection.checklist_version)
        if key not in self._known:
            self._known[key] = await stored(tx, inspection)
        return self._known[key]
