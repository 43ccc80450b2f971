"""`/members` on the engine: a team alone, a team too large for one keyboard, and a person in two teams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.events import Chat, ChatKind, Command, Person, Reply, Say, Tap
from bot.team.roster import MAX_BUTTONS
from bot.texts.catalogue import VI
from storage.models import Status
from tests.e2e import rows
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, Harness

OTHER_GROUP = Chat(id=-2002, kind=ChatKind.GROUP)


async def lead_taps(h: Harness, label: str) -> list[Reply]:
    return await h.send(ADMIN, Tap(data=h.button(label)), Chat(id=GROUP, kind=ChatKind.GROUP))


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.open(tmp_path)
    yield harness
    await harness.store.close()


def buttons(replies: list[Reply]) -> list[str]:
    return [b.label for r in replies if isinstance(r, Say) for row in r.buttons for b in row]


async def test_a_lead_alone_is_told_how_to_invite(h: Harness) -> None:
    await h.command(ADMIN, "newteam", "Đoàn kiểm tra số 1", group=True)
    replies = await h.command(ADMIN, "members", group=True)
    assert VI.MEMBERS_ALONE in h.texts(replies) and "Trần Quản Trị – trưởng đoàn" in h.texts(replies)
    assert buttons(replies) == []


async def test_a_large_team_gets_buttons_for_those_who_joined_last(h: Harness) -> None:
    code = await h.make_team_with_inspector()
    people = [Person(id=1000 + n, name=f"Thành viên {n}") for n in range(MAX_BUTTONS)]
    for person in people:
        await h.command(person, "start", code)
    replies = await h.command(ADMIN, "members", group=True)
    assert VI.MEMBERS_MORE.format(shown=MAX_BUTTONS) in h.texts(replies)
    assert "1. Trần Quản Trị" in h.texts(replies) and f"{MAX_BUTTONS + 2}. Thành viên" in h.texts(replies)
    assert buttons(replies) == [f"❌ {person.name}" for person in people]  # not the first inspector's


async def test_removal_closes_only_the_draft_for_that_team(h: Harness, tmp_path: Path) -> None:
    """Someone in two teams inspects for the one they choose; removing them from the other leaves that
    inspection alone."""
    await h.make_team_with_inspector()
    created = await h.send(ADMIN, Command(name="newteam", args="Đoàn kiểm tra số 2"), OTHER_GROUP)
    second_code = h.texts(created).split("start=")[1].split()[0]
    await h.command(INSPECTOR, "start", second_code)
    await h.command(INSPECTOR, "inspect")
    await h.tap(INSPECTOR, "Đoàn kiểm tra số 2")
    assert "Đoàn kiểm tra số 2" in h.texts()

    await h.command(ADMIN, "members", group=True)
    await lead_taps(h, "Nguyễn Văn An")
    assert VI.REMOVE_DRAFT.split("#")[0] not in h.texts()  # no draft of the first team to close
    replies = await lead_taps(h, "Đưa ra khỏi đoàn")
    told = [r.html for r in replies if isinstance(r, Say) and r.chat_id == INSPECTOR.id]
    assert told == [VI.REMOVED_YOU.format(team="Đoàn kiểm tra số 1")]
    assert await rows(tmp_path, "SELECT team_id, status FROM inspections") == [(2, Status.DRAFT.value)]
    assert "Phiên #1" in h.texts(await h.command(INSPECTOR, "status"))
