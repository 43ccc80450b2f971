"""Random interleavings of the people on one shared inspection, through the engine and a real SQLite file:
whatever order their presses come in, an item has one answer, an area one holder, and an answer given
by one participant is never replaced by another's (only the owner and the lead change someone's answer).
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.buttons import Action, GroupAction, GroupToken, Token
from bot.checklist.kinds import kind_of
from bot.events import Chat, ChatKind, Person, Tap, Text
from bot.texts.catalogue import VI
from storage.models import Stage
from tests.engine_harness import GROUP, INSPECTOR, Harness

BINH = Person(id=201, name="Trần Thị Bình")
CUONG = Person(id=202, name="Lê Văn Cường")
PEOPLE = (INSPECTOR, BINH, CUONG)
# Answers are what the property is about: most presses give one.
VERBS = ("take", "release", "give", "go", *["value"] * 6, "skip", "back", "text", "leave", "rejoin")
Step = tuple[int, str, int]
steps = st.lists(
    st.tuples(st.integers(0, len(PEOPLE) - 1), st.sampled_from(VERBS), st.integers(0, 3)), min_size=5, max_size=40
)


async def prepared(directory: Path) -> Harness:
    h = await Harness.open(directory)
    code = await h.make_team_with_inspector()
    for person in (BINH, CUONG):
        await h.command(person, "start", code)
    await h.command(INSPECTOR, "inspect")
    await h.text(INSPECTOR, "UBND xã Cổ Lũng")
    await h.tap(INSPECTOR, "Bỏ qua")
    await h.command(INSPECTOR, "team")
    join = GroupToken(action=GroupAction.JOIN, subject=1).encode()
    for person, area in ((BINH, 1), (CUONG, 0)):
        await h.send(person, Tap(data=join), Chat(id=GROUP, kind=ChatKind.GROUP), tapped=1)
        for arg in (f"t{area}", "go"):
            await h.send(person, Tap(data=Token(action=Action.AREA, inspection_id=1, step=0, arg=arg).encode()))
    return h


async def press(h: Harness, who: Person, verb: str, arg: int) -> None:
    async with h.store.reading() as tx:
        seat = await tx.inspections.draft_of(who.id)
    if verb in ("leave", "rejoin"):
        if verb == "leave":
            await h.command(who, "leave")
        else:
            await h.command(who, "join", "1")
        return
    if seat is None:
        return
    checklist = h.engine.versions.default
    area = arg % len(checklist.areas)
    if verb in ("take", "release", "give", "go"):
        data = {"take": f"t{area}", "release": f"r{area}", "give": f"a{area}p{arg % 4}", "go": "go"}[verb]
        await h.send(who, Tap(data=Token(action=Action.AREA, inspection_id=1, step=0, arg=data).encode()))
        return
    if verb == "text":
        await h.send(who, Text(text=str(arg * 30)))
        return
    action = {"value": Action.VALUE, "skip": Action.SKIP, "back": Action.BACK}[verb]
    value = ""
    if verb == "value" and seat.stage is Stage.ITEM and seat.pos < checklist.item_count:
        item = checklist.at(seat.pos)[3]
        choices = [press for press, _ in kind_of(item).buttons(VI, item, None)]
        value = choices[arg % len(choices)] if choices else ""
    await h.send(who, Tap(data=Token(action=action, inspection_id=1, step=seat.step, arg=value).encode()))


async def play(directory: Path, script: list[Step]) -> None:
    h = await prepared(directory)
    try:
        authors: dict[str, int] = {}
        for who, verb, arg in script:
            await press(h, PEOPLE[who], verb, arg)
            async with h.store.reading() as tx:
                answers = await tx.inspections.answers(1)
                holds = await tx.sharing.holds(1)
                active = {p.user_id for p in await tx.sharing.participants(1) if p.left_at is None}
            for item, answer in answers.items():
                before = authors.get(item)
                # Only the owner takes over an answer someone else gave.
                assert before in (None, answer.answered_by) or answer.answered_by == INSPECTOR.id, (item, before)
                authors[item] = answer.answered_by
            for item in set(authors) - set(answers):
                del authors[item]  # skipped again by whoever may
            assert all(hold.user_id in active | {INSPECTOR.id} for hold in holds.values()), holds
    finally:
        await h.store.close()


@settings(max_examples=25, deadline=None)
@given(steps)
def test_interleavings_never_give_one_item_two_answers_nor_an_area_two_holders(script: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        asyncio.run(play(Path(directory), script))
