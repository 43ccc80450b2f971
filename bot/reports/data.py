"""What a report is built from: read once from the database, then handed to the file builders."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.checklist.model import Checklist, Item
from bot.findings.snapshot import Snapshot
from bot.texts.plain import fold
from storage.models import FollowUp, Inspection, Member, Round, Team

# Whom a round's report goes to ("Nơi nhận"), when REPORT_RECIPIENTS does not say.
DEFAULT_RECIPIENTS = ["Lãnh đạo UBND tỉnh (để báo cáo)", "Các đơn vị được kiểm tra", "Lưu: VT, Đoàn kiểm tra"]
# What people type in front of a basis, which the documents write themselves ("Căn cứ …;").
_LEAD_IN = re.compile(r"^\s*căn\s+cứ\s*:?\s*", re.IGNORECASE)


def basis_lines(text: str) -> list[str]:
    """A typed basis as the documents state it, one decision or plan per line, without the "Căn cứ"
    and the closing punctuation each document adds."""
    lines = (_LEAD_IN.sub("", " ".join(line.split())).rstrip(" ;.,") for line in text.splitlines())
    return [line for line in lines if line]


def item_basis(item: Item) -> str | None:
    """The legal text a criterion rests on, as the documents print it beside the criterion: typed over
    several lines, its texts joined by ';'."""
    if not item.basis:
        return None
    return "; ".join(basis_lines(item.basis)) or None


class InspectionReport(BaseModel):
    """Everything the record (biên bản) of one inspected unit shows."""

    model_config = ConfigDict(frozen=True)

    snapshot: Snapshot
    round: Round | None
    members: list[Member]
    followups: list[FollowUp]

    @property
    def inspection(self) -> Inspection:
        return self.snapshot.inspection

    @property
    def team(self) -> Team:
        return self.snapshot.team

    @property
    def checklist(self) -> Checklist:
        return self.snapshot.checklist

    @property
    def unit(self) -> str:
        return self.snapshot.inspection.unit or "(chưa nhập đơn vị)"


def latest_per_unit(inspections: list[Inspection]) -> tuple[list[Inspection], dict[int, int]]:
    """The last submitted inspection of each unit, and which older ones they replace (old id -> new id).

    Units are compared without case, diacritics or extra spaces: a correction typed in a hurry is
    still the same unit. `inspections` must be in the order they were submitted.
    """
    latest: dict[str, Inspection] = {}
    superseded: dict[int, int] = {}
    for inspection in inspections:
        key = fold(" ".join((inspection.unit or "").split()))
        if key in latest:
            superseded[latest[key].id] = inspection.id
        latest[key] = inspection
    return list(latest.values()), superseded


class RoundReport(BaseModel):
    """A round's submitted inspections: the latest one of each unit, in the order they were submitted.

    A submitted inspection is final; a correction is a new inspection of the same unit, so the older
    one is listed in `superseded` (old id -> new id) instead of being counted twice.
    """

    model_config = ConfigDict(frozen=True)

    team: Team
    round: Round | None
    inspections: list[InspectionReport]
    superseded: dict[int, int] = {}

    @property
    def title(self) -> str:
        if self.round is not None:
            return self.round.name
        if len(self.inspections) == 1:
            return f"Phiên #{self.inspections[0].inspection.id} · {self.inspections[0].unit}"
        return self.team.name


class ReportContext(BaseModel):
    """Where and by whom documents are issued, and where the photo files live; the basis of rounds that
    have none of their own, how many copies of a record are signed, and whom the round's report goes to."""

    model_config = ConfigDict(frozen=True)

    issuer: str
    place: str
    photo_dir: Path
    generated_at: datetime
    basis: str | None = None
    copies: int = Field(default=2, ge=2, le=20)
    recipients: list[str] = DEFAULT_RECIPIENTS

    def basis_of(self, chosen: Round | None) -> list[str]:
        """The "Căn cứ" lines of a document: the round's own, else the agency's general one, else none."""
        if chosen is not None and chosen.basis:
            return basis_lines(chosen.basis)
        return basis_lines(self.basis or "")
