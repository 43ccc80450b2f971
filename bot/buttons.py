"""Button data: `<action>:<inspection>:<step>:<arg>` in private chats, `<ACTION>:<subject>:<arg>` in
team groups, `A<action>:<inspection>:<step>:<arg>` for a correction after submit (`/amend`); ASCII, well
under Telegram's 64-byte limit. The three patterns exclude one another, so no press of one kind is ever
read as another: a draft's action is one lower-case letter, a group's one upper-case letter followed by
two fields, a correction's two letters.

The step is the inspection's cursor counter at the time the question was asked. A press is honoured
only if it names the presser's own open inspection and the current step, so double taps, presses
on old questions and forged data are all refused the same way.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

from bot.events import Button

MAX_BYTES = 64
_PATTERN = re.compile(r"^([a-z]):(\d{1,12}):(\d{1,9}):([a-z0-9]{0,20})$")


class Action(StrEnum):
    VALUE = "v"
    UNIT = "u"
    SKIP = "k"
    DONE = "d"
    BACK = "b"
    SUBMIT = "s"
    CANCEL_ASK = "c"
    CANCEL_YES = "y"
    CANCEL_NO = "n"
    HELP = "h"  # the «❓» under a question: its guidance, the cursor unmoved
    AREA = "a"  # a shared inspection's area menu; tied to no step (see `bot.conversation.sharing`)


class Token(BaseModel):
    action: Action
    inspection_id: int
    step: int
    arg: str = ""

    def encode(self) -> str:
        data = f"{self.action.value}:{self.inspection_id}:{self.step}:{self.arg}"
        assert len(data.encode()) <= MAX_BYTES
        return data


def decode(data: str) -> Token | None:
    match = _PATTERN.match(data)
    if not match:
        return None
    try:
        action = Action(match[1])
    except ValueError:
        return None
    return Token(action=action, inspection_id=int(match[2]), step=int(match[3]), arg=match[4])


_GROUP_PATTERN = re.compile(r"^([A-Z]):(\d{1,12}):([a-z0-9]{0,20})$")


class GroupAction(StrEnum):
    """Buttons in a team's group chat. Upper-case letters keep them apart from inspection buttons."""

    REPORT = "R"  # subject: round id (0 when the team has none); arg: which document
    RECORD = "I"  # subject: inspection id
    END_ROUND = "E"  # subject: round id; arg: yes or no
    FOLLOWUP = "F"  # subject: follow-up id; arg: its version
    FOLLOWUP_DONE = "D"  # subject: follow-up id; arg: its version
    FOLLOWUP_DUE = "U"  # subject: follow-up id; arg: version, then "d<days>" or "t" to type a date
    FOLLOWUP_NO_PHOTO = "X"  # subject: follow-up id; arg: its version
    MEMBER = "M"  # subject: team id; arg: roster version, "r" ask / "y" remove / "n" keep, place in the list
    ROUND_BASIS = "B"  # subject: round id; arg: "ask" to enter the basis, "skip" to go without
    ROUND_CHECKLIST = "C"  # subject: round id; arg: the checklist's place among those in use, and a check of its id
    TITLE = "T"  # in a private chat: subject: the person's id; arg: the salutation chosen for the record
    JOIN = "J"  # subject: the shared inspection's id
    TEAM = "P"  # in a private chat: subject: the team /inspect starts an inspection for


class GroupToken(BaseModel):
    """`<action>:<subject>:<arg>`. Whoever presses it, and in which group, is checked by the engine:
    the data itself is untrusted."""

    action: GroupAction
    subject: int
    arg: str = ""

    def encode(self) -> str:
        data = f"{self.action.value}:{self.subject}:{self.arg}"
        assert len(data.encode()) <= MAX_BYTES
        return data


def group_button(label: str, action: GroupAction, subject: int, arg: str = "") -> Button:
    return Button(label=label, data=GroupToken(action=action, subject=subject, arg=arg).encode())


def decode_group(data: str) -> GroupToken | None:
    match = _GROUP_PATTERN.match(data)
    if not match:
        return None
    try:
        action = GroupAction(match[1])
    except ValueError:
        return None
    return GroupToken(action=action, subject=int(match[2]), arg=match[3])


_AMEND_PATTERN = re.compile(r"^A([a-z]):(\d{1,12}):(\d{1,9}):([a-z0-9]{0,20})$")


class AmendAction(StrEnum):
    """Buttons of a correction. Its step counter is the person's correction cursor, not the draft's."""

    AREA = "a"  # arg: the area's number, from 1
    ITEM = "i"  # arg: the item's position in the checklist
    VALUE = "v"  # arg: the value chosen
    SKIP = "k"  # no note for the shortcoming
    BACK = "b"  # one step back; at the choice of area, no correction after all
    PHOTO = "p"  # arg: a photo's id, marked to be withdrawn or kept again
    DONE = "d"  # the photos are as they should be


class AmendToken(BaseModel):
    action: AmendAction
    inspection_id: int
    step: int
    arg: str = ""

    def encode(self) -> str:
        data = f"A{self.action.value}:{self.inspection_id}:{self.step}:{self.arg}"
        assert len(data.encode()) <= MAX_BYTES
        return data


def decode_amend(data: str) -> AmendToken | None:
    match = _AMEND_PATTERN.match(data)
    if not match:
        return None
    try:
        action = AmendAction(match[1])
    except ValueError:
        return None
    return AmendToken(action=action, inspection_id=int(match[2]), step=int(match[3]), arg=match[4])
