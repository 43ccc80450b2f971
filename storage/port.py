"""What the engine asks of storage, and nothing about how it is kept.

The engine, the channels and the composition root see only these protocols; `storage.sqlite` is the
one implementation today. A store hands out one transaction per event (`Store.transaction()`), and
everything an event changes (the answer, the conversation cursor, the replies it owes, the record that
the update was processed) is written through that one `Tx`, so it is committed together or not at all.
`Tx` groups its queries by aggregate, the way the data hangs together.

`Database` is the store before it is opened: where the data lives, and what backups, restores and
health checks do with it.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from storage.models import (
    Amendment,
    AmendStage,
    AmendState,
    Answer,
    AreaHold,
    CarriedLog,
    FollowUp,
    FollowUpEvent,
    FollowUpPhoto,
    GroupPrompt,
    Identity,
    InboxRow,
    Inspection,
    Member,
    NewAmendment,
    NewInspection,
    NewPhoto,
    OutboxRow,
    OutboxStatus,
    Participant,
    Photo,
    PromptStage,
    Remark,
    RemarkKind,
    Round,
    SentFile,
    SharedPost,
    Stage,
    Status,
    Team,
    Title,
    TrailEntry,
    TrailKind,
)


class StoreError(Exception):
    """The database cannot be used as it is (for example a checklist changed without a new version)."""


class BackupError(Exception):
    """A database or backup file cannot be used as asked; the message is one line for the operator."""


@dataclass(frozen=True)
class StoredPhoto:
    """What the database promises about one photo file, so the file can be verified against it."""

    id: int
    owner: str  # what the photo is evidence for, as the operator reads it
    sha256: str
    size: int
    path: str


class DeliveryRepo(Protocol):
    """Updates processed, the inbox, the outbox, reminders sent and menus shown."""

    async def claim_update(self, key: str) -> bool:
        """False when this update was already processed: redelivery must change nothing.

        Its inbox row goes in the same transaction, so an update is either waiting or done.
        """
        ...

    async def was_processed(self, key: str) -> bool: ...

    async def forget_before(self, moment: datetime) -> None:
        """Telegram keeps an update at most a day; a week of memory is plenty to recognise redelivery."""
        ...

    async def inbox_add(self, rows: Collection[tuple[str, str]]) -> None:
        """(key, body) of updates just received; one already there is left as it is."""
        ...

    async def inbox_done(self, keys: Collection[str]) -> None: ...

    async def inbox_pending(self, prefix: str = "") -> list[InboxRow]:
        """Updates committed but not yet processed; `prefix` picks one channel's (keys are `tg:…`, `zalo:…`)."""
        ...

    async def outbox_add(
        self, chat_id: int, body: str, coalesce_key: str | None, not_before: datetime, notice: bool = False
    ) -> None:
        """A reply in a burst (an album's acknowledgement) replaces the one still waiting before it. A
        `notice` goes out after every other reply due in its chat."""
        ...

    async def outbox_due(self, now: datetime) -> list[OutboxRow]:
        """The next reply (by the rule of `outbox_next`) of every chat whose next reply may go out now; a
        chat held back by a reply waiting for its retry is not due, however many replies queue behind it."""
        ...

    async def outbox_next(self, chat_id: int, now: datetime) -> OutboxRow | None:
        """The reply to send next in this chat, or None while the chat must wait.

        Replies to one chat go out in the order they were decided: one waiting for a retry holds back
        those after it. Only a burst's acknowledgement, deliberately deferred, lets later ones pass, and
        notices wait for every other reply of the chat.
        """
        ...

    async def outbox_next_wakeup(self, now: datetime) -> datetime | None:
        """When a reply not sendable now becomes sendable (a retry or a burst coming due); replies due
        already are found by `outbox_due`."""
        ...

    async def outbox_finish(self, outbox_id: int, status: OutboxStatus, error: str | None = None) -> None: ...

    async def outbox_progress(self, outbox_id: int, progress: int) -> None:
        """How many parts of a long reply are out, so a retry does not send them twice."""
        ...

    async def outbox_retry_later(self, outbox_id: int, not_before: datetime, error: str) -> None: ...

    async def remember_reminder(self, key: str) -> bool:
        """False when this reminder was already sent; the caller owes it only when this is True."""
        ...

    async def remember_menu(self, chat_id: int, items: str) -> None: ...

    async def menu_of(self, chat_id: int) -> str | None: ...

    async def log_of(self, chat_id: int, inspection_id: int) -> CarriedLog | None: ...

    async def keep_log(self, chat_id: int, inspection_id: int, message_id: int | None, log: str) -> None:
        """What the question message `message_id` (None: the next one sent) now shows above its question."""
        ...


class TeamsRepo(Protocol):
    """Teams and their members."""

    async def create(
        self, name: str, group_chat_id: int, lead_id: int, lead_name: str, code: str, join_code: str
    ) -> Team: ...

    async def get(self, team_id: int) -> Team | None: ...

    async def by_group(self, group_chat_id: int) -> Team | None: ...

    async def by_invite(self, code: str) -> Team | None: ...

    async def by_join_code(self, code: str) -> Team | None: ...

    async def join_code_taken(self, code: str) -> bool: ...

    async def new_codes(self, team_id: int, code: str, join_code: str) -> Team:
        """Replaces the invitation link's code and the join code: the old ones stop working."""
        ...

    async def move_group(self, old_chat_id: int, new_chat_id: int) -> None: ...

    async def all(self) -> list[Team]: ...

    async def members(self, team_id: int) -> list[Member]:
        """The lead first, then inspectors in the order they joined; removed ones are not members."""
        ...

    async def names(self, team_id: int) -> dict[int, str]:
        """The name of everyone who ever was a member, removed ones included, by person id: work done by
        someone since removed stays under their name."""
        ...

    async def add_member(self, team_id: int, user_id: int, name: str, joined_at: datetime) -> None:
        """Joins, or joins again after being removed."""
        ...

    async def joined_after(self, team_id: int, moment: datetime) -> list[str]:
        """Names of the members who joined after `moment`, in the order they joined."""
        ...

    async def joins_told(self, team_id: int, at: datetime) -> None: ...

    async def remove_member(self, team_id: int, user_id: int, removed_by: int) -> None:
        """The person stops being a member; who removed them and when are kept."""
        ...

    async def membership(self, team_id: int, user_id: int) -> Member | None: ...

    async def removed_at(self, team_id: int, user_id: int) -> datetime | None:
        """When the person was last removed from the team, if they are not a member now."""
        ...

    async def latest_of(self, user_id: int) -> Team | None:
        """A person in several teams inspects for the one they joined last."""
        ...

    async def teams_of(self, user_id: int) -> list[Team]:
        """Every team someone is a member of, the one joined last first."""
        ...

    async def join_failures_since(self, person_id: int, since: datetime) -> list[datetime]:
        """When this person gave a wrong join code or invitation since `since`, oldest first."""
        ...

    async def record_join_failure(self, person_id: int, at: datetime, forget_before: datetime) -> None:
        """Records a wrong code; failures of anyone before `forget_before` no longer count and are dropped."""
        ...


class PeopleRepo(Protocol):
    """People and chats of every channel: the bot's id for each, its channel, and a person's language."""

    async def identity(self, channel: str, external_id: str, native: int | None = None) -> int:
        """The bot's id for this person or chat of `channel`, recorded on first sight: `native` when the
        channel's own ids are integers the bot keeps (Telegram), else one the store makes up."""
        ...

    async def identity_of(self, chat_id: int) -> Identity | None:
        """Which channel carries this person or chat, and its id there."""
        ...

    async def set_language(self, person_id: int, lang: str) -> None: ...

    async def language_of(self, person_id: int) -> str | None: ...

    async def set_title(self, person_id: int, title: Title) -> None:
        """Replaces what the person said about themselves for the documents (position, salutation)."""
        ...

    async def title_of(self, person_id: int) -> Title: ...


class InspectionsRepo(Protocol):
    """Inspections with their cursor, answers and remarks, and the checklists they use."""

    async def register_checklist(self, checklist_id: str, version: int, body: str) -> None: ...

    async def checklist_body(self, checklist_id: str, version: int) -> str | None: ...

    async def latest_checklist_body(self, checklist_id: str) -> str | None:
        """The highest version of a checklist ever loaded, for a round whose checklist is no longer in use."""
        ...

    async def create(self, new: NewInspection) -> Inspection: ...

    async def get(self, inspection_id: int) -> Inspection | None: ...

    async def draft_of(self, inspector_id: int) -> Inspection | None:
        """The draft someone owns or, failing that, the one they joined, read with their own cursor."""
        ...

    async def move(self, inspection: Inspection, stage: Stage, pos: int | None = None) -> Inspection:
        """Moves the cursor; the step counter makes every button of an earlier question stale."""
        ...

    async def set_unit(self, inspection_id: int, unit: str) -> None: ...

    async def set_location(self, inspection_id: int, latitude: float, longitude: float) -> None: ...

    async def finish(self, inspection_id: int, status: Status) -> None: ...

    async def recent_units(self, team_id: int, limit: int = 5) -> list[tuple[int, str]]:
        """(an inspection id, its unit) for the team's most recently inspected distinct units."""
        ...

    async def submitted_of_team(self, team_id: int, limit: int = 200) -> list[Inspection]: ...

    async def submitted_in_round(self, round_id: int) -> list[Inspection]: ...

    async def drafts_of_team(self, team_id: int) -> list[Inspection]: ...

    async def drafts_in_round(self, round_id: int) -> list[Inspection]: ...

    async def idle_drafts(self, untouched_since: datetime) -> list[Inspection]: ...

    async def submitted_with_answers(self, team_id: int) -> list[tuple[Inspection, dict[str, Answer]]]:
        """Every submitted inspection of the team, in the order they were submitted, with its answers as
        corrected (every stored one: which of them are in force is the checklist's to say)."""
        ...

    async def save_answer(self, inspection_id: int, area_id: str, item_id: str, value: str, answered_by: int) -> None:
        """A new value replaces the old one and clears its note: the note described the old value."""
        ...

    async def save_note(self, inspection_id: int, item_id: str, note: str | None) -> None: ...

    async def delete_answer(self, inspection_id: int, item_id: str) -> None: ...

    async def answers(self, inspection_id: int) -> dict[str, Answer]:
        """The current answers: as given, or as last corrected after submit (`Answer.amended`)."""
        ...

    async def given_answers(self, inspection_id: int) -> list[Answer]:
        """The answers as given before submit, corrections aside, in the order they were last given."""
        ...

    async def answer(self, inspection_id: int, item_id: str) -> Answer | None:
        """The current answer to one item, as `answers` has it."""
        ...

    async def add_remark(self, inspection_id: int, kind: RemarkKind, text: str) -> None: ...

    async def remarks(self, inspection_id: int) -> list[Remark]: ...


class PhotosRepo(Protocol):
    """Evidence photos of inspections."""

    async def add(self, photo: NewPhoto, pending_of: int | None = None) -> int:
        """`pending_of`: sent during this person's correction, shown once it is saved."""
        ...

    async def of(self, inspection_id: int) -> list[Photo]: ...

    async def count(self, inspection_id: int, item_id: str | None = None) -> int: ...

    async def album_count(self, media_group_id: str) -> int: ...

    async def pending(self, inspection_id: int, person_id: int) -> list[Photo]:
        """Photos sent during this person's correction, not yet saved with it."""
        ...

    async def settle(self, inspection_id: int, person_id: int) -> int:
        """The correction is saved: its photos count from now on. How many."""
        ...

    async def withdraw(self, inspection_id: int, photo_ids: Collection[int], person_id: int) -> int:
        """Out of every document, kept stored with who withdrew it and when. How many."""
        ...

    async def drop_pending(self, inspection_id: int, person_id: int) -> None:
        """The correction was given up: what was sent for it never counts."""
        ...


class RoundsRepo(Protocol):
    """Inspection rounds."""

    async def open(self, team_id: int, name: str, person_id: int, person_name: str, checklist_id: str) -> Round:
        """A new open round, its inspections answering `checklist_id` until the lead chooses another."""
        ...

    async def get(self, round_id: int) -> Round | None: ...

    async def open_of(self, team_id: int) -> Round | None: ...

    async def latest_of(self, team_id: int) -> Round | None:
        """The open round, else the one closed last: what a lead most likely wants a report of."""
        ...

    async def close(self, round_id: int, person_id: int) -> bool: ...

    async def set_basis(self, round_id: int, basis: str | None) -> None: ...

    async def set_checklist(self, round_id: int, checklist_id: str) -> None: ...

    async def ask_basis(self, chat_id: int, person_id: int, round_id: int) -> None:
        """Records that the bot asked this person in the group for the round's basis; a reply of theirs
        then answers it, and replaces whatever else they were answering there."""
        ...


class FollowUpsRepo(Protocol):
    """Follow-ups with their history and proof photos, and what a person in a group is answering."""

    async def add(self, inspection: Inspection, answer: Answer, due_on: date) -> None:
        """One per shortcoming; submitting twice (it cannot happen, but) would not duplicate it."""
        ...

    async def get(self, followup_id: int) -> FollowUp | None: ...

    async def of(self, inspection_id: int) -> list[FollowUp]: ...

    async def open_of_team(self, team_id: int, due_by: date | None = None) -> list[FollowUp]:
        """Open follow-ups by unit, then by due date; with `due_by`, only those due by that day."""
        ...

    async def set_due(self, followup_id: int, due_on: date, person_id: int, person_name: str) -> None: ...

    async def mark_done(self, followup_id: int, note: str, person_id: int, person_name: str) -> None: ...

    async def bump(self, followup_id: int) -> None:
        """Makes the buttons of earlier messages about this follow-up stale."""
        ...

    async def reopen(
        self, followup_id: int, answer: Answer, due_on: date, person_id: int, person_name: str, reason: str
    ) -> None:
        """Opens a follow-up again for the shortcoming a correction made of its criterion, due anew."""
        ...

    async def add_photo(self, followup_id: int, photo: SentFile) -> None: ...

    async def photos(self, followup_id: int) -> list[FollowUpPhoto]: ...

    async def events(self, followup_id: int) -> list[FollowUpEvent]: ...

    async def set_prompt(self, chat_id: int, person_id: int, followup_id: int, stage: PromptStage) -> None: ...

    async def prompt_of(self, chat_id: int, person_id: int) -> GroupPrompt | None: ...

    async def clear_prompt(self, chat_id: int, person_id: int) -> None: ...


class SharingRepo(Protocol):
    """Who joined whose inspection, who holds which of its areas, and its invitation in the group."""

    async def post(self, inspection_id: int, chat_id: int) -> None: ...

    async def post_of(self, inspection_id: int) -> SharedPost | None: ...

    async def seen_post(self, inspection_id: int, chat_id: int, message_id: int) -> None:
        """The invitation's message, learnt from a tap on it, so later changes rewrite it in place."""
        ...

    async def post_edited(self, inspection_id: int, next_edit_at: datetime) -> None: ...

    async def join(self, inspection_id: int, user_id: int, name: str) -> Participant:
        """Joins, or joins again after leaving, choosing areas first."""
        ...

    async def participant(self, inspection_id: int, user_id: int) -> Participant | None: ...

    async def participants(self, inspection_id: int) -> list[Participant]:
        """Everyone who ever joined, those who left too, in the order they joined."""
        ...

    async def leave(self, inspection_id: int, user_id: int) -> list[str]:
        """Leaves, handing back the areas held (returned)."""
        ...

    async def holds(self, inspection_id: int) -> dict[str, AreaHold]: ...

    async def take(self, inspection_id: int, area_id: str, user_id: int, name: str) -> bool:
        """False when someone holds the area already."""
        ...

    async def release(self, inspection_id: int, area_id: str) -> None: ...


class AmendmentsRepo(Protocol):
    """Corrections of submitted answers, and where each person stands in the one they are making."""

    async def add(self, amendment: NewAmendment) -> Amendment: ...

    async def of(self, inspection_id: int) -> list[Amendment]:
        """In the order they were made."""
        ...

    async def state_of(self, person_id: int) -> AmendState | None: ...

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
        """Records where the person's correction stands now; the step counter makes every earlier
        button stale, those of a correction already finished too."""
        ...


class TrailRepo(Protocol):
    """What happened to an inspection besides its answers, with who and when."""

    async def add(
        self, inspection_id: int, person_id: int, person_name: str, kind: TrailKind, detail: str | None = None
    ) -> None: ...

    async def of(self, inspection_id: int) -> list[TrailEntry]:
        """In the order they happened."""
        ...


class Tx(Protocol):
    """One open transaction, its queries grouped by aggregate."""

    @property
    def teams(self) -> TeamsRepo: ...
    @property
    def people(self) -> PeopleRepo: ...
    @property
    def inspections(self) -> InspectionsRepo: ...
    @property
    def photos(self) -> PhotosRepo: ...
    @property
    def rounds(self) -> RoundsRepo: ...
    @property
    def followups(self) -> FollowUpsRepo: ...
    @property
    def delivery(self) -> DeliveryRepo: ...
    @property
    def sharing(self) -> SharingRepo: ...
    @property
    def amendments(self) -> AmendmentsRepo: ...
    @property
    def trail(self) -> TrailRepo: ...


class Store(Protocol):
    """An open store. Transactions of one store never overlap: each waits for the one before."""

    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """Writes, committed when the block ends and rolled back when it raises."""
        ...

    def reading(self) -> AbstractAsyncContextManager[Tx]:
        """A consistent snapshot to read from that takes no write lock, so building a large report on a
        store of its own never holds up an inspector's answer."""
        ...

    async def close(self) -> None: ...


class Database(Protocol):
    """Where the data lives, whether or not it is open."""

    @property
    def name(self) -> str:
        """How the operator recognises it in a message (a path, an address without its password)."""
        ...

    @property
    def copy_name(self) -> str:
        """The file name of a standalone copy inside a backup."""
        ...

    def exists(self) -> bool:
        """Whether there is data there at all, leftovers of an earlier database included: a restore must
        not mix with them."""
        ...

    async def open(self, *, durable: bool = True) -> Store:
        """Opens a store of it, creating or upgrading the schema as needed. Stores of one database write
        one after another. With `durable=False` its commits survive a crash of the process but a power
        cut may undo the last ones: for what costs only a repeat when lost."""
        ...

    def copy_to(self, target: Path) -> Database:
        """A consistent standalone copy of the data, even while others write; blocking, for a worker thread.
        `target` appears complete or not at all."""
        ...

    def restore_from(self, copy: Path) -> None:
        """Puts a copy made by `copy_to` in place of a database that does not exist yet."""
        ...

    def problems(self) -> list[str]:
        """What the database itself can tell is damaged, one line each; blocking."""
        ...

    def photos(self) -> list[StoredPhoto]:
        """Every photo file the data refers to; blocking. Raises BackupError when the rows cannot be read."""
        ...
