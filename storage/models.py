"""Rows as the engine sees them. Plain pydantic models: no Telegram types, no SQL."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Row(BaseModel):
    model_config = ConfigDict(frozen=True)


class Role(StrEnum):
    LEAD = "lead"
    INSPECTOR = "inspector"


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


class Stage(StrEnum):
    """What the inspection waits for; together with `pos` it is the conversation cursor."""

    UNIT = "unit"
    LOCATION = "location"
    ITEM = "item"
    NOTE = "note"
    PHOTOS = "photos"
    RECOMMENDATIONS = "recommendations"
    STRENGTHS = "strengths"
    REVIEW = "review"


class RemarkKind(StrEnum):
    RECOMMENDATION = "recommendation"
    STRENGTH = "strength"


class Team(Row):
    id: int
    name: str
    group_chat_id: int
    lead_id: int
    invite_code: str
    created_at: datetime


class Member(Row):
    team_id: int
    user_id: int
    role: Role
    name: str


class Inspection(Row):
    id: int
    team_id: int
    inspector_id: int
    inspector_name: str
    checklist_id: str
    checklist_version: int
    unit: str | None
    latitude: float | None
    longitude: float | None
    status: Status
    stage: Stage
    pos: int
    step: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class Answer(Row):
    item_id: str
    area_id: str
    value: str
    note: str | None
    answered_by: int
    answered_at: datetime


class Remark(Row):
    kind: RemarkKind
    text: str
    created_at: datetime


class NewPhoto(BaseModel):
    """A validated photo about to be recorded; `path` is relative to the photo directory."""

    inspection_id: int
    area_id: str
    item_id: str
    sender_id: int
    sender_name: str
    sha256: str
    size: int
    width: int
    height: int
    mime: str
    path: str
    media_group_id: str | None


class Photo(NewPhoto):
    model_config = ConfigDict(frozen=True)

    id: int
    received_at: datetime


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SUPERSEDED = "superseded"


class InboxRow(Row):
    seq: int
    key: str
    body: str


class OutboxRow(Row):
    """One reply owed to a chat; `body` is the channel-neutral reply as JSON."""

    id: int
    chat_id: int
    body: str
    coalesce_key: str | None
    not_before: datetime
    attempts: int
    progress: int
    status: OutboxStatus
    last_error: str | None
