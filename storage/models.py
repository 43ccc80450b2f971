"""Rows as the engine sees them. Plain pydantic models: no Telegram types, no SQL."""

from __future__ import annotations

from datetime import date, datetime
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
    # Appended after the first stages so stored cursors keep their meaning; asked after STRENGTHS.
    REPRESENTATIVES = "representatives"
    OPINION = "opinion"
    # A participant of a shared inspection choosing the areas they take, or done with them.
    AREAS = "areas"


class RemarkKind(StrEnum):
    RECOMMENDATION = "recommendation"
    STRENGTH = "strength"
    REPRESENTATIVE = "representative"  # one of the unit's representatives, "Họ tên – Chức vụ"
    OPINION = "opinion"  # the unit's own opinion on the findings


class Team(Row):
    id: int
    name: str
    group_chat_id: int
    lead_id: int
    invite_code: str
    created_at: datetime
    join_code: str = ""
    codes_at: datetime | None = None
    roster_version: int = 0
    joins_told_at: datetime | None = None


class Identity(Row):
    """A person or chat of one channel: `chat_id` is the bot's id for it, `external_id` the channel's."""

    chat_id: int
    channel: str
    external_id: str


class Salutation(StrEnum):
    """How a record addresses a person; "Ông/Bà" until they say which."""

    MR = "Ông"
    MRS = "Bà"


class Title(Row):
    """What a person told the bot about themselves for the documents (/chucvu, /xungho)."""

    position: str | None = None  # position and agency: "Phó Giám đốc Sở Nội vụ"
    salutation: Salutation | None = None


class Member(Row):
    team_id: int
    user_id: int
    role: Role
    name: str
    position: str | None = None
    salutation: Salutation | None = None


class NewInspection(BaseModel):
    """An inspection about to start: who, for which team and round, with which checklist."""

    team_id: int
    inspector_id: int
    inspector_name: str
    checklist_id: str
    checklist_version: int
    round_id: int | None = None


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
    round_id: int | None = None
    shared: bool = False  # the owner invited the team: others may join and hold areas
    # The person whose cursor `stage`, `pos` and `step` are: None for the owner's (the inspection's own
    # row), a participant's id when the inspection is read as that participant walks it.
    seat_of: int | None = None


class Participant(Row):
    """A team member who joined someone else's inspection, with their own cursor through their areas."""

    inspection_id: int
    user_id: int
    name: str
    stage: Stage
    pos: int
    step: int
    joined_at: datetime
    left_at: datetime | None = None


class AreaHold(Row):
    """Who holds an area of a shared inspection: only they answer its items."""

    area_id: str
    user_id: int
    name: str
    taken_at: datetime


class SharedPost(Row):
    """The invitation in the team's group: which message shows it (known once someone taps it) and
    when it may next be rewritten (a group takes 20 messages a minute)."""

    inspection_id: int
    chat_id: int
    message_id: int | None
    next_edit_at: datetime | None


class CarriedLog(Row):
    """The answered questions a chat's current question message shows above it (see `carried_logs`)."""

    message_id: int | None
    log: str


class Answer(Row):
    item_id: str
    area_id: str
    value: str
    note: str | None
    answered_by: int
    answered_at: datetime
    amended: bool = False  # corrected after submit: the value and note are the latest correction's


class Remark(Row):
    kind: RemarkKind
    text: str
    created_at: datetime


class StoredFile(BaseModel):
    """A validated photo file kept byte for byte; `path` is relative to the photo directory."""

    sha256: str
    size: int
    width: int
    height: int
    mime: str
    path: str


class SentFile(StoredFile):
    """A photo file, with who sent it."""

    sender_id: int
    sender_name: str


class NewPhoto(SentFile):
    """Evidence about to be recorded against the item it proves."""

    inspection_id: int
    area_id: str
    item_id: str
    media_group_id: str | None


class Photo(NewPhoto):
    model_config = ConfigDict(frozen=True)

    id: int
    received_at: datetime


class Round(Row):
    """An inspection round (đợt kiểm tra): one trip covering a district and some of its communes."""

    id: int
    team_id: int
    name: str
    opened_by: int
    opened_by_name: str
    opened_at: datetime
    closed_by: int | None
    closed_at: datetime | None
    basis: str | None = None  # the decision or plan that set the round up ("Quyết định số …")
    checklist_id: str | None = None  # what its inspections answer; None: the default (rounds of old)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class FollowUpStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class FollowUp(Row):
    """A shortcoming the unit is asked to fix (đề nghị khắc phục), due on a Vietnam calendar date."""

    id: int
    team_id: int
    inspection_id: int
    unit: str
    area_id: str
    item_id: str
    value: str
    note: str | None
    due_on: date
    status: FollowUpStatus
    version: int
    created_at: datetime
    done_at: datetime | None
    done_by: int | None
    done_by_name: str | None
    done_note: str | None


class FollowUpEventKind(StrEnum):
    CREATED = "created"
    DUE_CHANGED = "due_changed"
    DONE = "done"
    PHOTO = "photo"
    REOPENED = "reopened"  # a correction after submit made the criterion a shortcoming again


class FollowUpEvent(Row):
    followup_id: int
    kind: FollowUpEventKind
    person_id: int
    person_name: str
    detail: str | None
    at: datetime


class FollowUpPhoto(SentFile):
    """A photo showing a shortcoming fixed."""

    model_config = ConfigDict(frozen=True)

    id: int
    followup_id: int
    received_at: datetime


class PromptStage(StrEnum):
    """What the bot waits for from one person in a group chat."""

    NOTE = "note"
    PHOTO = "photo"
    DUE = "due"
    BASIS = "basis"  # a round's legal basis, asked after /round


class GroupPrompt(Row):
    """What the bot asked one person in a group: about a follow-up, or (BASIS) about a round."""

    chat_id: int
    person_id: int
    followup_id: int | None
    stage: PromptStage
    created_at: datetime
    round_id: int | None = None


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
    notice: bool = False


class NewAmendment(BaseModel):
    """A correction of one answer after submit, about to be recorded; `old_value` None: it had none."""

    inspection_id: int
    area_id: str
    item_id: str
    old_value: str | None
    new_value: str
    old_note: str | None
    new_note: str | None
    reason: str
    person_id: int
    person_name: str
    photos_added: int = 0
    photos_withdrawn: int = 0


class Amendment(NewAmendment):
    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime


class AmendStage(StrEnum):
    """Where a correction (`/amend`) waits: an area, an item, the new value, its note, the reason."""

    AREA = "area"
    ITEM = "item"
    VALUE = "value"
    NOTE = "note"
    PHOTOS = "photos"  # photos of the item to add or to withdraw
    REASON = "reason"
    DONE = "done"


class AmendState(Row):
    """One person's correction in progress; `step` makes the buttons of every earlier step stale."""

    person_id: int
    inspection_id: int
    stage: AmendStage
    area_index: int | None
    pos: int | None
    new_value: str | None
    new_note: str | None
    step: int
    withdraw: tuple[int, ...] = ()  # the item's photos marked to be withdrawn


class TrailKind(StrEnum):
    """What happened to an inspection besides its answers, in its trail (`python -m bot history`)."""

    JOIN = "join"
    LEAVE = "leave"
    AREA_TAKE = "area_take"
    AREA_RELEASE = "area_release"
    AREA_ASSIGN = "area_assign"
    CORRECTION = "correction"
    SUBMIT = "submit"
    CANCEL = "cancel"


class TrailEntry(Row):
    inspection_id: int
    person_id: int
    person_name: str
    kind: TrailKind
    detail: str | None
    at: datetime
