"""Who was present, as a signed record names them: "Ông Nguyễn Văn Thắng – Phó Giám đốc Sở Nội vụ – Trưởng đoàn".

The chat, the review and every document word people the same way, so what the team lead previews after
/chucvu is what the record prints.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from storage.models import Member, Role, Salutation

UNKNOWN_SALUTATION = "Ông/Bà"
LEAD_ROLE, MEMBER_ROLE = "Trưởng đoàn", "Thành viên"
NAME_MAX, POSITION_MAX = 100, 200
# "Họ tên – Chức vụ": a dash (en, em, or a hyphen between spaces) parts the two; without one, the first comma.
_DASH = re.compile(r"\s*[–—]\s*|\s+-\s+")
_SALUTATION = re.compile(r"^(ông|bà)\s+", re.IGNORECASE)


class Representative(BaseModel):
    """One of the inspected unit's representatives, as the inspector typed them."""

    name: str
    position: str


def representative(text: str) -> Representative | None:
    """'Nguyễn Văn Bình – Chủ tịch UBND xã' (or with a comma); None when either half is missing or too
    long, so the inspector is asked again rather than a half-filled line printed in a signed record."""
    flat = " ".join(text.split())
    parts = _DASH.split(flat, maxsplit=1)
    if len(parts) < 2:
        parts = flat.split(",", 1)
    if len(parts) < 2:
        return None
    name, position = (part.strip(" ,.;–—-") for part in parts)
    if not 2 <= len(name) <= NAME_MAX or not 2 <= len(position) <= POSITION_MAX:
        return None
    return Representative(name=name, position=position)


def stored_representative(text: str) -> Representative:
    """A representative as stored ("Name – Position"); an older or odd row is all name."""
    return representative(text) or Representative(name=text.strip(), position="")


def addressed(name: str, salutation: Salutation | None = None) -> str:
    """'Ông Nguyễn Văn Thắng'; a name typed with its own 'Ông'/'Bà' keeps it, one without gets 'Ông/Bà'."""
    typed = _SALUTATION.match(name)
    if typed:
        return typed[1].capitalize() + " " + name[typed.end() :]
    return f"{salutation.value if salutation else UNKNOWN_SALUTATION} {name}"


def without_salutation(name: str) -> str:
    """The name as signed under a signature block: 'Bà Lê Thị Mai' signs as 'Lê Thị Mai'."""
    return _SALUTATION.sub("", name)


def described(name: str, salutation: Salutation | None, *roles: str | None) -> str:
    """The person addressed, then their position and role, each after a dash where it is known."""
    return " – ".join([addressed(name, salutation), *(role for role in roles if role)])


def member_line(member: Member, *, inspected: bool = False) -> str:
    """'Ông Nguyễn Văn Thắng – Phó Giám đốc Sở Nội vụ – Trưởng đoàn', as the record lists the team."""
    role = LEAD_ROLE if member.role is Role.LEAD else MEMBER_ROLE
    if inspected:
        role += ", người trực tiếp kiểm tra"
    return described(member.name, member.salutation, member.position, role)
