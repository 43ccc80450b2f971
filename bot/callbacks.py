"""Button data: `<action>:<inspection>:<step>:<arg>`, ASCII, well under Telegram's 64-byte limit.

The step is the inspection's cursor counter at the time the question was asked. A press is honoured
only if it names the presser's own open inspection and the current step, so double taps, presses
on old questions and forged data are all refused the same way.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

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
