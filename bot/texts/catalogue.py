"""Every fixed sentence a user reads comes from a message catalogue, one per language.

The wording lives in `bot/locales/<lang>.yaml`, apart from the logic, so the team can review it and a
translator can work without touching the engine. `Messages` names every key with its type, so a key
missing from a catalogue, or one misspelled, stops the bot when the catalogue is loaded instead of
showing a blank to someone in the field. Texts are Telegram HTML; anything a user typed is escaped by
the caller with `bot.html.esc`. Vietnamese is the default and the teams' working language: group chats
and documents use it whatever a person's own language is.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import ClassVar

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, model_validator

from bot.answers import VERDICTS, Value
from bot.events import ReportKind
from storage.models import FollowUpEventKind, Salutation, Stage

LANGUAGES = ("vi", "en")
DEFAULT = "vi"
LOCALES = Path(__file__).parent / "locales"

# Symbols, the same in every language.
RATING_ICONS = {Value.PASS: "✅", Value.FAIL: "❌", Value.PARTIAL: "🟡", Value.NA: "➖"}


class Messages(BaseModel):
    """One language's catalogue: a field per key of `bot/locales/<lang>.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Mappings looked up by a value the engine stores or sends: each must name exactly these.
    KEYED: ClassVar[dict[str, frozenset[str]]] = {
        "RATING_LABELS": frozenset(VERDICTS),
        "YESNO_LABELS": frozenset({Value.YES, Value.NO}),
        "STAGE_WHERE": frozenset(stage.value for stage in Stage if stage not in (Stage.ITEM, Stage.NOTE, Stage.PHOTOS)),
        "REPORT_WHAT": frozenset(kind.value for kind in ReportKind),
        "UNDELIVERED": frozenset({"say", "photos", "report"}),
        "FOLLOWUP_EVENTS": frozenset(kind.value for kind in FollowUpEventKind),
        "SALUTATION_LABELS": frozenset(salutation.value for salutation in Salutation),
    }

    RATING_LABELS: dict[str, str]
    YESNO_LABELS: dict[str, str]
    BACK: str
    SKIP: str
    SKIPPED: str
    DONE: str
    SUBMIT: str
    CANCEL: str
    KEEP: str
    HELP: str
    PRIVATE_COMMANDS: dict[str, str]
    GROUP_COMMANDS: dict[str, str]
    MYID: str
    MYID_ELSEWHERE: str
    LANG_USAGE: str
    LANG_SET: str
    NOT_MEMBER: str
    BAD_JOIN_CODE: str
    JOIN_USAGE: str
    JOIN_LOCKED: str
    BAD_INVITE: str
    JOINED: str
    ALREADY_MEMBER: str
    JOINED_GROUP: str
    JOINED_GROUP_MANY: str
    JOINED_GROUP_MORE: str
    NEWTEAM_IN_PRIVATE: str
    NEWTEAM_NOT_ADMIN: str
    NEWTEAM_USAGE: str
    NEWTEAM_NAME_RULE: str
    TEAM_CREATED: str
    TEAM_EXISTS: str
    NEWCODE_DONE: str
    REJOIN_REFUSED: str
    TITLE_SHOW: str
    TITLE_SAVED: str
    POSITION_RULE: str
    SALUTATION_ASK: str
    SALUTATION_LABELS: dict[str, str]
    GROUP_ONLY: str
    PRIVATE_ONLY: str
    NOT_TEAM_GROUP: str
    NO_SUBMITTED: str
    NO_MATCH: str
    UNKNOWN_COMMAND: str
    ERROR_REPLY: str
    DELIVERY_FAILED: str
    UNDELIVERED: dict[str, str]
    NO_DRAFT: str
    HAS_DRAFT: str
    NO_UNIT: str
    STATUS: str
    STAGE_WHERE: dict[str, str]
    ASK_UNIT: str
    ASK_UNIT_ROUND: str
    ASK_UNIT_RECENT: str
    UNIT_RULE: str
    ASK_LOCATION: str
    LOCATION_SAVED: str
    LOCATION_NOT_NOW: str
    POSITION: str
    AREA_ITEM: str
    AREA_NUMBER: str
    QUESTION_PHOTO_REQUIRED: str
    QUESTION_PHOTO_OPTIONAL: str
    QUESTION_NUMBER: str
    QUESTION_TEXT: str
    ANSWERED: str
    LOG_ANSWER: str
    LOG_PHOTOS: str
    NEEDS_BUTTON: str
    BLANK_TEXT: str
    NEEDS_NUMBER: str
    NEEDS_TEXT_PHOTO_STAGE: str
    NOTED_NUMBER: str
    QUESTION_INTEGER: str
    QUESTION_DATE: str
    QUESTION_CHOICES: str
    NEEDS_INTEGER: str
    NEEDS_DATE: str
    NOTED_DATE: str
    NUMBER_BETWEEN: str
    NUMBER_AT_LEAST: str
    NUMBER_AT_MOST: str
    CHOICES_NONE: str
    HELP_BUTTON: str
    HELP_TEXT: str
    HELP_BASIS: str
    RULE_HIDDEN: str
    RULE_SHOWN: str
    ASK_NOTE: str
    NEEDS_REVIEW_BUTTON: str
    PHOTO_REQUIRED: str
    PHOTO_NOT_NOW: str
    PHOTO_NOT_YOURS: str
    PHOTO_NO_DRAFT: str
    PHOTO_TOO_BIG: str
    PHOTO_NOT_IMAGE: str
    PHOTO_FETCH_FAILED: str
    PHOTO_EMPTY: str
    PHOTO_HUGE: str
    PHOTO_FORMAT: str
    PHOTO_BROKEN: str
    PHOTO_ITEM_FULL: str
    PHOTO_INSPECTION_FULL: str
    TEXT_TOO_LONG: str
    PHOTO_RECEIVED: str
    ALBUM_RECEIVED: str
    PHOTO_MORE: str
    PHOTO_EARLY: str
    ASK_PHOTOS: str
    PHOTO_RULE_REQUIRED: str
    PHOTO_RULE_OPTIONAL: str
    PHOTOS_SO_FAR: str
    PHOTO_COUNT: str
    ASK_RECOMMENDATIONS: str
    ASK_STRENGTHS: str
    ASK_REPRESENTATIVES: str
    REPRESENTATIVE_FORMAT: str
    REPRESENTATIVE_SAVED: str
    ASK_OPINION: str
    OPINION_AGREE: str
    OPINION_AGREED: str
    REMARK_SAVED: str
    REMARKS_SO_FAR: str
    REMARK_TOO_LONG: str
    REMARKS_FULL: str
    CANCEL_CONFIRM: str
    CANCELLED: str
    SUBMITTED: str
    MISSING_REQUIRED: str
    REVIEW_TITLE: str
    REVIEW_FOOTER: str
    SUMMARY_TITLE: str
    SUMMARY_UNIT: str
    UNIT_MISSING: str
    SUMMARY_INSPECTOR: str
    SUMMARY_INSPECTORS: str
    SUMMARY_PERSON_AREA: str
    SUMMARY_PERSON_AREAS: str
    SUMMARY_TEAM: str
    SUMMARY_TIME: str
    SUMMARY_PLACE: str
    SUMMARY_AREAS: str
    SUMMARY_AREA_MET: str
    SUMMARY_AREA_NONE: str
    SKIPPED_BY_RULE: str
    SUMMARY_AREA_RULED: str
    SUMMARY_AREA_SKIPPED: str
    SUMMARY_SCORE: str
    SUMMARY_AREA_SCORE: str
    SUMMARY_ROUND: str
    SUMMARY_REPRESENTATIVES: str
    SUMMARY_OPINION: str
    SECTION_ACHIEVEMENTS: str
    SECTION_SHORTCOMINGS: str
    SECTION_FIGURES: str
    SECTION_RECOMMENDATIONS: str
    NOTHING_NOTED: str
    NOTHING: str
    SUMMARY_PHOTOS: str
    SUMMARY_CORRECTED: str
    SUMMARY_MORE: str
    STALE_BUTTON: str
    FOREIGN_BUTTON: str
    FINISHED_BUTTON: str
    FIRST_STEP: str
    EDITED_IGNORED: str
    SLOW_DOWN: str
    UNSUPPORTED: str
    IDLE_HINT: str
    STRANGER_HINT: str

    # the team lead's side: rounds, reports, follow-ups, reminders, statistics
    LEAD_ONLY: str
    MEMBERS_ONLY: str
    OTHER_TEAM_BUTTON: str
    GROUP_STALE: str
    MEMBERS_TITLE: str
    MEMBER_LEAD: str
    MEMBER_LINE: str
    MEMBERS_HINT: str
    MEMBERS_MORE: str
    MEMBERS_ALONE: str
    MEMBER_REMOVE: str
    REMOVE_CONFIRM: str
    REMOVE_DRAFT: str
    REMOVE_YES: str
    REMOVE_NO: str
    MEMBER_KEPT: str
    MEMBER_REMOVED: str
    MEMBER_REMOVED_DRAFT: str
    REMOVED_YOU: str
    REMOVED_YOUR_DRAFT: str
    ROUND_NAME_RULE: str
    ROUND_NONE_OPEN: str
    ROUND_SHOW: str
    ROUND_SHOW_CHECKLIST: str
    ROUND_ASK_CHECKLIST: str
    ROUND_CHECKLIST_CHOSEN: str
    ROUND_CHECKLIST_KEPT: str
    ROUND_CHECKLIST_LOCKED: str
    ROUND_ALREADY_OPEN: str
    ROUND_NO_BASIS: str
    ROUND_ASK_BASIS: str
    ROUND_BASIS_SAVED: str
    ROUND_BASIS_SKIPPED: str
    ROUND_BASIS_RULE: str
    ROUND_BASIS_BUTTON: str
    ROUND_OPENED: str
    ENDROUND_NONE: str
    ENDROUND_CONFIRM: str
    ENDROUND_DRAFTS: str
    END_ROUND: str
    KEEP_ROUND: str
    ROUND_KEPT: str
    ROUND_ENDED: str
    DRAFT_CLOSED_BY_ROUND: str
    REPORT_MENU: str
    REPORT_MENU_NO_ROUND: str
    REPORT_NO_ROUND: str
    ROUND_OPEN_STATE: str
    ROUND_CLOSED_STATE: str
    REPORT_RECORD: str
    REPORT_ROUND: str
    REPORT_WORKBOOK: str
    REPORT_ARCHIVE: str
    REPORT_CHOOSE_UNIT: str
    REPORT_NOTHING: str
    REPORT_COMING: str
    REPORT_WHAT: dict[str, str]
    REPORT_TOO_BIG: str
    REPORT_FAILED: str
    CAPTION_RECORD: str
    CAPTION_PDF: str
    CAPTION_ROUND: str
    CAPTION_CHART: str
    CAPTION_WORKBOOK: str
    CAPTION_ARCHIVE: str
    CAPTION_PART: str
    CAPTION_STATS: str
    FOLLOWUPS_NONE: str
    FOLLOWUPS_TITLE: str
    FOLLOWUPS_MORE: str
    FOLLOWUPS_HINT: str
    FOLLOWUP_UNIT: str
    FOLLOWUP_AGE: str
    DUE_AHEAD: str
    DUE_TODAY: str
    DUE_OVERDUE: str
    DUE_PLUS: str
    FOLLOWUP_EVENTS: dict[str, str]
    AMEND_USAGE: str
    AMEND_NOT_FOUND: str
    AMEND_DRAFT: str
    AMEND_CANCELLED: str
    AMEND_NOT_PARTICIPANT: str
    AMEND_ROUND_CLOSED: str
    AMEND_CHOOSE_AREA: str
    AMEND_CHOOSE_ITEM: str
    AMEND_ASK_VALUE: str
    AMEND_ASK_REASON: str
    AMEND_REASON_EMPTY: str
    AMEND_NOTHING: str
    AMEND_DONE: str
    AMEND_STOP: str
    AMEND_STOPPED: str
    AMEND_USE_BUTTONS: str
    AMEND_OTHER_BUTTON: str
    AMEND_FINISHED_BUTTON: str
    AMEND_ASK_PHOTOS: str
    AMEND_PHOTO_WITHDRAW: str
    AMEND_PHOTO_KEEP: str
    AMEND_PHOTO_KEEP_ONE: str
    AMEND_PHOTO_FULL: str
    AMEND_ADDED: str
    AMEND_WITHDRAWN: str
    AMEND_GROUP: str
    AMEND_FOLLOWUP_CLOSED: str
    AMEND_FOLLOWUP_OPENED: str
    AMENDED_MARK: str
    FOLLOWUP_DONE: str
    FOLLOWUP_NO_PHOTO: str
    FOLLOWUP_TYPE_DATE: str
    FOLLOWUP_ASK_NOTE: str
    FOLLOWUP_ASK_PHOTO: str
    FOLLOWUP_ASK_DATE: str
    FOLLOWUP_BAD_DATE: str
    FOLLOWUP_NEW_DUE: str
    FOLLOWUP_CLOSED: str
    FOLLOWUP_PROOF_SAVED: str
    FOLLOWUP_NOT_OPEN: str
    FOLLOWUP_WAITING_PHOTO: str
    FOLLOWUP_WAITING_DATE: str
    FOLLOWUP_WAITING_TEXT: str
    PROOF_NOT_NOW: str
    DIGEST_TITLE: str
    DIGEST_FOOTER: str
    DRAFT_REMINDER: str
    STATS_NONE: str
    STATS_TITLE: str
    STATS_AREAS: str
    STATS_CHECKLIST: str
    STATS_UNITS: str
    STATS_MONTHS: str
    STATS_SCORE: str
    MENU_HINT: str
    REPORT_LINK: str
    DEMO_PERSON: str
    DEMO_TEAM: str
    DEMO_INTRO: str
    DEMO_SAMPLES_READY: str
    DEMO_TEAM_READY: str
    DEMO_MEMBER_READY: str
    DEMO_NOTHING_SHARED: str
    DEMO_PART_DONE: str
    DEMO_LOCATION_HINT: str
    DEMO_PHOTO_HINT: str
    DEMO_PHOTO_HINT_SAMPLES: str
    DEMO_NO_SAMPLES: str
    DEMO_NO_SUCH_FILE: str
    DEMO_SAMPLE_SENT: str
    DEMO_TOAST: str
    DEMO_GROUP_HEADER: str
    DEMO_GROUP_PHOTOS: str
    DEMO_EXPORTED: str
    DEMO_DATA_KEPT: str
    DEMO_NOT_FINISHED: str
    STATS_LINE: str
    AT_TIME: str

    _lang: str = PrivateAttr(default=DEFAULT)

    # A shared inspection
    TEAM_PICK: str
    TEAM_PICKED: str
    SHARE_NEEDS_UNIT: str
    SHARE_NOT_OWNER: str
    SHARE_INVITED: str
    SHARE_POST: str
    SHARE_POST_PEOPLE: str
    SHARE_POST_SUBMITTED: str
    SHARE_POST_CANCELLED: str
    SHARE_JOIN: str
    SHARE_AREA_LINE: str
    SHARE_AREA_FREE: str
    SHARE_JOINED_TOAST: str
    SHARE_ALREADY: str
    SHARE_OWN: str
    SHARE_BUSY: str
    SHARE_CLOSED: str
    SHARE_OTHER_TEAM: str
    SHARE_WELCOME: str
    SHARE_MENU_HEADING: str
    SHARE_MENU_DONE: str
    SHARE_MENU: str
    SHARE_TAKE_LABEL: str
    SHARE_MINE_LABEL: str
    SHARE_HELD_LABEL: str
    SHARE_START: str
    SHARE_CONTINUE: str
    SHARE_PICK_FIRST: str
    SHARE_TAKEN: str
    SHARE_RELEASED: str
    SHARE_HELD_BY: str
    SHARE_ASSIGN_ASK: str
    SHARE_ASSIGN_FREE: str
    SHARE_ASSIGNED: str
    SHARE_ASSIGNED_TO_YOU: str
    SHARE_TAKEN_FROM_YOU: str
    SHARE_LOCKED: str
    SHARE_NOT_YOURS: str
    SHARE_MEMBER_JOINED: str
    SHARE_MEMBER_LEFT: str
    SHARE_LEFT: str
    SHARE_LEAVE_OWNER: str
    SHARE_CANCEL_PARTICIPANT: str
    SHARE_READY: str
    SHARE_WAITING: str
    SHARE_SUBMITTED: str
    SHARE_CANCELLED: str
    SHARE_STATUS_TITLE: str
    SHARE_STATUS_NONE: str
    SHARE_STATUS_ONE: str

    @model_validator(mode="after")
    def _complete_mappings(self) -> Messages:
        for name, keys in self.KEYED.items():
            found = set(getattr(self, name))
            if found != keys:
                raise ValueError(f"{name} must have exactly the keys {sorted(keys)}, not {sorted(found)}")
        return self

    @property
    def lang(self) -> str:
        """The language code, for what is not in the catalogue: a checklist's own English wording."""
        return self._lang


@cache
def catalogue(lang: str) -> Messages:
    """Loaded once per language. Command menus may not differ from the Vietnamese ones in which commands
    they list, only in how they describe them."""
    if lang not in LANGUAGES:
        raise ValueError(f"no message catalogue for language {lang!r}")
    data = yaml.safe_load((LOCALES / f"{lang}.yaml").read_text(encoding="utf-8"))
    messages = Messages.model_validate(data)
    messages._lang = lang
    if lang != DEFAULT:
        reference = catalogue(DEFAULT)
        for name in ("PRIVATE_COMMANDS", "GROUP_COMMANDS"):
            if list(getattr(messages, name)) != list(getattr(reference, name)):
                raise ValueError(f"{lang}.yaml: {name} must list the same commands as {DEFAULT}.yaml, in order")
    return messages


def language_for(stored: str | None, language_code: str | None) -> str:
    """A choice made with /lang wins; otherwise Telegram's interface language, where English is the only
    other language the bot speaks."""
    if stored is not None and stored in LANGUAGES:
        return stored
    if language_code and language_code.lower().startswith("en"):
        return "en"
    return DEFAULT


VI = catalogue(DEFAULT)
