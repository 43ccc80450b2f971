"""The checklists in use, and which checklist each inspection started with."""

from __future__ import annotations

from collections.abc import Sequence

from bot.checklist.model import Checklist
from storage.models import Inspection, Round
from storage.port import Tx


async def stored(tx: Tx, inspection: Inspection) -> Checklist:
    """The checklist an inspection started with, read from the database, for one-off readers (the
    export, the history) that keep no `ChecklistVersions`."""
    body = await tx.inspections.checklist_body(inspection.checklist_id, inspection.checklist_version)
    if body is None:
        raise LookupError(f"checklist {(inspection.checklist_id, inspection.checklist_version)} is not in the database")
    return Checklist.model_validate_json(body)


class ChecklistVersions:
    """The checklists in use now (`currents`), and the checklist each inspection started with, read from
    the database once and kept.

    An administrator may load a new version while drafts of the old one are open; those drafts keep
    asking the questions (and positions) they started with. `currents` keeps a stable order, the default
    first (what an inspection outside a round uses, offered first when a round opens), then the others as
    given: a button names a checklist by its place in that order.
    """

    def __init__(self, default: Checklist, others: Sequence[Checklist] = ()) -> None:
        self.currents: tuple[Checklist, ...] = (default, *others)
        self._by_id = {checklist.id: checklist for checklist in self.currents}
        assert len(self._by_id) == len(self.currents), "the loader refuses two checklists with one id"
        self._known: dict[tuple[str, int], Checklist] = {(c.id, c.version): c for c in self.currents}

    @property
    def default(self) -> Checklist:
        return self.currents[0]

    @property
    def several(self) -> bool:
        """Whether a round's lead has a checklist to choose; with one, nothing about choosing is shown."""
        return len(self.currents) > 1

    def in_use(self, checklist_id: str) -> Checklist | None:
        return self._by_id.get(checklist_id)

    async def register(self, tx: Tx) -> None:
        for checklist in self.currents:
            await tx.inspections.register_checklist(checklist.id, checklist.version, checklist.canonical_json())

    async def of_round(self, tx: Tx, chosen: Round | None) -> Checklist:
        """What an inspection starting now in `chosen` uses: the round's checklist as it stands now; the
        default outside a round and in a round opened before rounds had a checklist of their own.

        A round whose checklist was taken out of CHECKLIST_DIR keeps it, at the last version loaded, until
        it ends: every inspection of a round answers the same questions, so its report compares like with like.
        """
        if chosen is None or chosen.checklist_id is None:
            return self.default
        current = self.in_use(chosen.checklist_id)
        if current is not None:
            return current
        body = await tx.inspections.latest_checklist_body(chosen.checklist_id)
        if body is None:
            raise LookupError(f"checklist {chosen.checklist_id!r} of round {chosen.id} is not in the database")
        checklist = Checklist.model_validate_json(body)
        return self._known.setdefault((checklist.id, checklist.version), checklist)

    async def of(self, tx: Tx, inspection: Inspection) -> Checklist:
        key = (inspection.checklist_id, inspection.checklist_version)
        if key not in self._known:
            self._known[key] = await stored(tx, inspection)
        return self._known[key]
