"""A shared inspection: the owner invites the team, members join from the group, each takes areas.

One answer per item, one holder per area. The owner walks every area nobody else holds; a participant
walks only the areas they took, with a cursor of their own (`Participant`), stored with each of their
answers exactly like the owner's. The invitation in the group shows who holds what and is rewritten in
place at most once a minute: a group takes 20 messages a minute, and a team of five answering would
otherwise spend them all on it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from bot.buttons import Action, GroupAction, group_button
from bot.checklist import conditions
from bot.checklist.kinds import value_label
from bot.checklist.model import Area, Checklist
from bot.checklist.versions import ChecklistVersions
from bot.conversation import flow, prompts
from bot.events import Button
from bot.texts.catalogue import VI, Messages
from bot.texts.html import esc
from bot.turn import Turn, catalogue_of
from storage.clock import utcnow
from storage.models import Answer, AreaHold, Inspection, Participant, Stage, Status, Team, TrailKind
from storage.port import Tx

POST_EVERY = timedelta(minutes=1)
TITLE_SHOWN = 40  # an area's title on a button: a phone shows about this much of it
# Area buttons are not tied to a step: they say what they do to which area ("t3" take area 3, "r3" give
# it back, "o3" someone else's, "a3p2" give it to the second person of the list), and the press is
# checked against who holds it now.
GO = "go"


@dataclass(frozen=True)
class Crew:
    """Who is on one inspection: its owner, the team's lead, those who joined, who holds which area."""

    owner_id: int
    owner_name: str
    lead_id: int
    participants: list[Participant]
    holds: dict[str, AreaHold]

    @property
    def people(self) -> list[tuple[int, str]]:
        """The owner first, then those who joined and did not leave: whom an area can be given to."""
        active = [(p.user_id, p.name) for p in self.participants if p.left_at is None]
        return [(self.owner_id, self.owner_name), *active]

    def name_of(self, person_id: int) -> str:
        names = {p.user_id: p.name for p in self.participants}
        return self.owner_name if person_id == self.owner_id else names.get(person_id, self.owner_name)

    def steers(self, person_id: int) -> bool:
        """The owner and the team's lead may reassign areas and change anyone's answer before submit."""
        return person_id in (self.owner_id, self.lead_id)


class Sharing:
    def __init__(self, versions: ChecklistVersions) -> None:
        self.versions = versions

    # --- reading -------------------------------------------------------------------------------

    async def crew(self, tx: Tx, inspection: Inspection) -> Crew:
        team = await tx.teams.get(inspection.team_id)
        return Crew(
            owner_id=inspection.inspector_id,
            owner_name=inspection.inspector_name,
            lead_id=team.lead_id if team else inspection.inspector_id,
            participants=await tx.sharing.participants(inspection.id),
            holds=await tx.sharing.holds(inspection.id),
        )

    async def walk(self, tx: Tx, inspection: Inspection, checklist: Checklist) -> flow.Walk:
        """The items the person at the inspection's cursor is asked: those of their areas, less the ones
        the answers so far rule out (read only where the checklist has conditions)."""
        walk = await self._areas(tx, inspection, checklist)
        if not checklist.conditional:
            return walk
        answers = await tx.inspections.answers(inspection.id)
        return replace(walk, hidden=conditions.ruled_out(checklist, answers))

    async def _areas(self, tx: Tx, inspection: Inspection, checklist: Checklist) -> flow.Walk:
        if not inspection.shared:
            return flow.EVERYTHING
        holds = await tx.sharing.holds(inspection.id)
        if inspection.seat_of is None:
            others = {area for area, hold in holds.items() if hold.user_id != inspection.inspector_id}
            return flow.Walk(areas=frozenset(a.id for a in checklist.areas) - others)
        own = frozenset(area for area, hold in holds.items() if hold.user_id == inspection.seat_of)
        return flow.Walk(areas=own, start=(Stage.AREAS, 0), end=Stage.AREAS)

    async def refusal(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, walk: flow.Walk
    ) -> flow.Cursor | None:
        """Where the presser goes instead of answering the item their cursor stands at, having been told
        why: its area is someone else's now, or someone else answered it (only the owner and the lead
        change another person's answer). None: they may answer it."""
        if not inspection.shared:
            return None
        pos, person = inspection.pos, turn.msg.person.id
        _, area, _, item = checklist.at(pos)
        view = await self.crew(turn.tx, inspection)
        if not walk.takes(checklist, pos):
            hold = view.holds.get(area.id)
            holder = hold.name if hold else view.owner_name
            turn.say(turn.t.SHARE_NOT_YOURS.format(number=_number(checklist, area), name=esc(holder)))
            return flow.entry(checklist, pos, walk)
        answer = await turn.tx.inspections.answer(inspection.id, item.id)
        if answer is None or answer.answered_by == person or view.steers(person):
            return None
        where = prompts.number(checklist, pos)
        value = esc(value_label(turn.t, item, answer.value))
        name = esc(view.name_of(answer.answered_by))
        turn.say(turn.t.SHARE_LOCKED.format(where=where, name=name, value=value))
        return flow.entry(checklist, pos + 1, walk)

    # --- inviting and joining ------------------------------------------------------------------

    async def invite(self, turn: Turn, inspection: Inspection) -> None:
        """`/team`: the owner's first one posts the invitation in the team's group; after that, and for
        everyone on the inspection, it shows the areas and who holds them, to take, give back or give."""
        checklist = await self.versions.of(turn.tx, inspection)
        if inspection.shared:
            turn.say(*await self.menu(turn.tx, turn.t, inspection, checklist))
            return
        if inspection.seat_of is not None:
            turn.say(turn.t.SHARE_NOT_OWNER.format(id=inspection.id))
            return
        if not inspection.unit:
            turn.say(turn.t.SHARE_NEEDS_UNIT)
            return
        team = await turn.tx.teams.get(inspection.team_id)
        assert team is not None
        await turn.tx.sharing.post(inspection.id, team.group_chat_id)
        shared = inspection.model_copy(update={"shared": True})
        text, buttons = await self._post(turn.tx, shared)
        turn.say(text, buttons, chat_id=team.group_chat_id)
        turn.say(turn.t.SHARE_INVITED.format(id=inspection.id, team=esc(team.name)))
        turn.say(*await self.menu(turn.tx, turn.t, shared, checklist))

    async def join(self, turn: Turn, team: Team, inspection_id: int) -> None:
        """A member joins from the group's button or with `/join <id>`; every refusal changes nothing."""
        tx, person = turn.tx, turn.msg.person
        in_group = turn.msg.chat.id == team.group_chat_id
        inspection = await tx.inspections.get(inspection_id)
        member = await tx.teams.membership(team.id, person.id) is not None
        if inspection is None or inspection.team_id != team.id or not inspection.shared or not member:
            self._refuse(turn, in_group, turn.t.SHARE_OTHER_TEAM.format(id=inspection_id))
            return
        post = await tx.sharing.post_of(inspection.id)
        if in_group and post and post.message_id is None and turn.msg.tapped_message_id is not None:
            await tx.sharing.seen_post(inspection.id, turn.msg.chat.id, turn.msg.tapped_message_id)
        if inspection.status is not Status.DRAFT:
            self._refuse(turn, in_group, turn.t.SHARE_CLOSED)
            return
        if inspection.inspector_id == person.id:
            self._refuse(turn, in_group, turn.t.SHARE_OWN)
            return
        current = await tx.inspections.draft_of(person.id)
        if current is not None and current.id == inspection.id:
            self._refuse(turn, in_group, turn.t.SHARE_ALREADY)
            return
        if current is not None:
            self._refuse(turn, in_group, turn.t.SHARE_BUSY.format(id=current.id))
            return
        await tx.sharing.join(inspection.id, person.id, person.name)
        await tx.trail.add(inspection.id, person.id, person.name, TrailKind.JOIN)
        # The joiner's catalogue: a tap in the group is answered in Vietnamese, the private chat is theirs.
        own = await catalogue_of(tx, person.id, person.language_code)
        seat = await tx.inspections.draft_of(person.id)
        assert seat is not None
        checklist = await self.versions.of(tx, seat)
        heading = own.SHARE_WELCOME.format(
            id=inspection.id, owner=esc(inspection.inspector_name), unit=esc(inspection.unit or "")
        )
        turn.say(*await self.menu(tx, own, seat, checklist, heading), chat_id=person.id)
        owner_t = await catalogue_of(tx, inspection.inspector_id)
        turn.say(
            owner_t.SHARE_MEMBER_JOINED.format(name=esc(person.name), id=inspection.id),
            chat_id=inspection.inspector_id,
        )
        if in_group:
            turn.toast(turn.t.SHARE_JOINED_TOAST.format(id=inspection.id), alert=False)
        await self.refresh(turn, inspection)

    def _refuse(self, turn: Turn, in_group: bool, text: str) -> None:
        if in_group:
            turn.toast(text)
        else:
            turn.say(text)

    # --- the areas -----------------------------------------------------------------------------

    async def menu(
        self, tx: Tx, t: Messages, inspection: Inspection, checklist: Checklist, heading: str = ""
    ) -> tuple[str, list[list[Button]]]:
        """One button per area, saying whose it is; the walk starts (or goes on) from the last one."""
        view = await self.crew(tx, inspection)
        me = inspection.seat_of if inspection.seat_of is not None else inspection.inspector_id
        answers = await tx.inspections.answers(inspection.id)
        rows: list[list[Button]] = []
        for index, area in enumerate(checklist.areas):
            number, title = index + 1, _short(area.title_in(t.lang))
            hold = view.holds.get(area.id)
            if hold is None:
                label, arg = t.SHARE_TAKE_LABEL.format(number=number, title=title), f"t{index}"
            elif hold.user_id == me:
                label, arg = t.SHARE_MINE_LABEL.format(number=number, title=title), f"r{index}"
            else:
                label = t.SHARE_HELD_LABEL.format(number=number, title=title, name=hold.name)
                arg = f"o{index}"
            rows.append([prompts.button(inspection, label, Action.AREA, arg)])
        walking = inspection.stage is not Stage.AREAS
        rows.append([prompts.button(inspection, t.SHARE_CONTINUE if walking else t.SHARE_START, Action.AREA, GO)])
        lines = _area_lines(t, checklist, view, answers)
        text = t.SHARE_MENU.format(heading=heading or t.SHARE_MENU_HEADING.format(id=inspection.id), areas=lines)
        return text, rows

    async def tap(self, turn: Turn, inspection: Inspection, arg: str) -> bool:
        """False for data no area button carries."""
        checklist = await self.versions.of(turn.tx, inspection)
        parsed = _parse_area_arg(arg, len(checklist.areas))
        if parsed is None:
            return False
        verb, index, whom = parsed
        area = checklist.areas[index]
        view = await self.crew(turn.tx, inspection)
        me = turn.msg.person.id
        hold = view.holds.get(area.id)
        number = index + 1
        if verb == "t":
            if hold is not None and hold.user_id != me:
                turn.toast(turn.t.SHARE_HELD_BY.format(number=number, name=hold.name))
            elif hold is None:
                await turn.tx.sharing.take(inspection.id, area.id, me, view.name_of(me))
                await self._trail(turn, inspection, view, TrailKind.AREA_TAKE, _area_words(checklist, index))
                turn.toast(turn.t.SHARE_TAKEN.format(number=number), alert=False)
        elif verb == "r":
            if hold is not None and hold.user_id == me:
                await turn.tx.sharing.release(inspection.id, area.id)
                await self._trail(turn, inspection, view, TrailKind.AREA_RELEASE, _area_words(checklist, index))
                turn.toast(turn.t.SHARE_RELEASED.format(number=number), alert=False)
        elif verb == "o":
            if hold is None or hold.user_id == me:
                pass  # the menu was old: shown again as things stand
            elif not view.steers(me):
                turn.toast(turn.t.SHARE_HELD_BY.format(number=number, name=hold.name))
            else:
                self._ask_assign(turn, inspection, checklist, index, view)
                return True
        else:
            await self._assign(turn, inspection, checklist, index, view, whom)
        await self._show_menu(turn, inspection, checklist)
        await self.refresh(turn, inspection)
        return True

    def _ask_assign(self, turn: Turn, inspection: Inspection, checklist: Checklist, index: int, view: Crew) -> None:
        area = checklist.areas[index]
        rows = [
            [prompts.button(inspection, name, Action.AREA, f"a{index}p{place}")]
            for place, (_, name) in enumerate(view.people, start=1)
        ]
        rows.append([prompts.button(inspection, turn.t.SHARE_ASSIGN_FREE, Action.AREA, f"a{index}p0")])
        title = esc(area.title_in(turn.t.lang))
        turn.say(turn.t.SHARE_ASSIGN_ASK.format(number=index + 1, title=title), rows)

    async def _assign(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, index: int, view: Crew, whom: int
    ) -> None:
        """The owner or the lead gives an area to someone on the inspection (0: to nobody)."""
        me = turn.msg.person.id
        if not view.steers(me) or whom > len(view.people):
            turn.toast(turn.t.STALE_BUTTON)
            return
        area, number = checklist.areas[index], index + 1
        before = view.holds.get(area.id)
        target = view.people[whom - 1] if whom else None
        if before is not None and target is not None and before.user_id == target[0]:
            return
        await turn.tx.sharing.release(inspection.id, area.id)
        title = area.title_in(VI.lang)
        by = esc(view.name_of(me))
        if target is not None:
            await turn.tx.sharing.take(inspection.id, area.id, target[0], target[1])
            if target[0] != me:
                their = await catalogue_of(turn.tx, target[0])
                text = their.SHARE_ASSIGNED_TO_YOU.format(by=by, number=number, title=esc(title), id=inspection.id)
                turn.say(text, chat_id=target[0])
        if before is not None and before.user_id != me:
            their = await catalogue_of(turn.tx, before.user_id)
            turn.say(their.SHARE_TAKEN_FROM_YOU.format(by=by, number=number, title=esc(title)), chat_id=before.user_id)
        name = target[1] if target else turn.t.SHARE_AREA_FREE
        detail = f"{_area_words(checklist, index)} → {target[1] if target else VI.SHARE_AREA_FREE}"
        await self._trail(turn, inspection, view, TrailKind.AREA_ASSIGN, detail)
        turn.toast(turn.t.SHARE_ASSIGNED.format(number=number, name=name), alert=False)

    async def _trail(self, turn: Turn, inspection: Inspection, view: Crew, kind: TrailKind, detail: str) -> None:
        me = turn.msg.person.id
        await turn.tx.trail.add(inspection.id, me, view.name_of(me), kind, detail)

    async def _show_menu(self, turn: Turn, inspection: Inspection, checklist: Checklist) -> None:
        text, rows = await self.menu(turn.tx, turn.t, inspection, checklist)
        turn.rewrite(text, rows)

    # --- leaving, finishing --------------------------------------------------------------------

    async def leave(self, turn: Turn, inspection: Inspection) -> None:
        if inspection.seat_of is None:
            turn.say(turn.t.SHARE_LEAVE_OWNER.format(id=inspection.id))
            return
        checklist = await self.versions.of(turn.tx, inspection)
        released = await turn.tx.sharing.leave(inspection.id, inspection.seat_of)
        numbers = ", ".join(str(_index_of(checklist, area) + 1) for area in released)
        person = turn.msg.person
        await turn.tx.trail.add(inspection.id, person.id, person.name, TrailKind.LEAVE, numbers or None)
        turn.say(turn.t.SHARE_LEFT.format(id=inspection.id, areas=numbers or "—"))
        owner_t = await catalogue_of(turn.tx, inspection.inspector_id)
        text = owner_t.SHARE_MEMBER_LEFT.format(name=esc(turn.msg.person.name), id=inspection.id, areas=numbers or "—")
        turn.say(text, chat_id=inspection.inspector_id)
        await self.refresh(turn, inspection)

    async def answered(self, turn: Turn, inspection: Inspection, checklist: Checklist, first: bool) -> bool:
        """After an answer in a shared inspection: the invitation shows it, and the owner hears when the
        last required answer came from someone else (`first`: the item had no answer before); True then."""
        if not inspection.shared:
            return False
        await self.refresh(turn, inspection)
        if not first or inspection.seat_of is None:
            return False
        answers = await turn.tx.inspections.answers(inspection.id)
        out = conditions.ruled_out(checklist, answers)
        items = (checklist.at(pos)[3] for pos in range(checklist.item_count))
        if not all(item.id in answers for item in items if item.required and item.id not in out):
            return False
        owner_t = await catalogue_of(turn.tx, inspection.inspector_id)
        text = owner_t.SHARE_READY.format(id=inspection.id, unit=esc(inspection.unit or ""))
        turn.say(text, chat_id=inspection.inspector_id)
        return True

    async def holder_of(self, tx: Tx, inspection: Inspection, area_id: str) -> str | None:
        """Someone other than the owner holding an area: the owner waits for them rather than walk it."""
        hold = (await tx.sharing.holds(inspection.id)).get(area_id) if inspection.shared else None
        return hold.name if hold is not None and hold.user_id != inspection.inspector_id else None

    async def closed(self, turn: Turn, inspection: Inspection, status: Status) -> None:
        """Submitted or cancelled: everyone on it is told, and the invitation shows how it ended."""
        if not inspection.shared:
            return
        for participant in await turn.tx.sharing.participants(inspection.id):
            if participant.left_at is not None:
                continue
            their = await catalogue_of(turn.tx, participant.user_id)
            told = their.SHARE_SUBMITTED if status is Status.SUBMITTED else their.SHARE_CANCELLED
            text = told.format(owner=esc(inspection.inspector_name), id=inspection.id, unit=esc(inspection.unit or ""))
            turn.say(text, chat_id=participant.user_id)
        await self.refresh(turn, inspection)

    # --- progress ------------------------------------------------------------------------------

    async def status_lines(self, tx: Tx, t: Messages, inspection: Inspection, checklist: Checklist) -> str:
        view = await self.crew(tx, inspection)
        return _area_lines(t, checklist, view, await tx.inspections.answers(inspection.id))

    async def group_status(self, turn: Turn, team: Team) -> None:
        """`/status` in the group: every draft of the team, and per area of a shared one who holds it."""
        drafts = await turn.tx.inspections.drafts_of_team(team.id)
        if not drafts:
            turn.say(turn.t.SHARE_STATUS_NONE.format(team=esc(team.name)))
            return
        parts = [turn.t.SHARE_STATUS_TITLE.format(team=esc(team.name))]
        for draft in drafts:
            checklist = await self.versions.of(turn.tx, draft)
            done, total = conditions.progress(checklist, await turn.tx.inspections.answers(draft.id))
            parts.append(
                turn.t.SHARE_STATUS_ONE.format(
                    id=draft.id,
                    unit=esc(draft.unit or turn.t.NO_UNIT),
                    owner=esc(draft.inspector_name),
                    done=done,
                    total=total,
                )
            )
            if draft.shared:
                parts.append(await self.status_lines(turn.tx, turn.t, draft, checklist))
        turn.say("\n\n".join(parts))

    async def refresh(self, turn: Turn, inspection: Inspection) -> None:
        """Rewrites the group's invitation as things now stand, at most once a minute: a later change in
        that minute replaces the rewrite still waiting, which goes out at the minute's end."""
        post = await turn.tx.sharing.post_of(inspection.id)
        if post is None or post.message_id is None:
            return
        now = utcnow()
        current = await turn.tx.inspections.get(inspection.id)
        assert current is not None
        text, buttons = await self._post(turn.tx, current)
        if post.next_edit_at is not None and post.next_edit_at > now:
            due = post.next_edit_at  # one is waiting: it shows this instead
        elif post.next_edit_at is not None and now < post.next_edit_at + POST_EVERY:
            due = post.next_edit_at + POST_EVERY
        else:
            due = now
        await turn.tx.sharing.post_edited(inspection.id, due)
        turn.rewrite_later(
            post.chat_id, post.message_id, text, buttons, key=f"post:{inspection.id}", at=due if due > now else None
        )

    async def _post(self, tx: Tx, inspection: Inspection) -> tuple[str, list[list[Button]]]:
        """The invitation as the group sees it, in the team's working language."""
        checklist = await self.versions.of(tx, inspection)
        view = await self.crew(tx, inspection)
        lines = _area_lines(VI, checklist, view, await tx.inspections.answers(inspection.id))
        owner, unit = esc(inspection.inspector_name), esc(inspection.unit or "")
        if inspection.status is Status.SUBMITTED:
            return VI.SHARE_POST_SUBMITTED.format(owner=owner, unit=unit, id=inspection.id, areas=lines), []
        if inspection.status is Status.CANCELLED:
            return VI.SHARE_POST_CANCELLED.format(owner=owner, unit=unit, id=inspection.id), []
        text = VI.SHARE_POST.format(owner=owner, unit=unit, id=inspection.id, areas=lines)
        joined = [name for _, name in view.people[1:]]
        if joined:
            text += "\n\n" + VI.SHARE_POST_PEOPLE.format(names=esc(", ".join(joined)))
        return text, [[group_button(VI.SHARE_JOIN, GroupAction.JOIN, inspection.id)]]


def _area_lines(t: Messages, checklist: Checklist, view: Crew, answers: dict[str, Answer]) -> str:
    lines = []
    by_area = conditions.progress_by_area(checklist, answers)
    for index, (area, (done, total)) in enumerate(zip(checklist.areas, by_area, strict=True)):
        hold = view.holds.get(area.id)
        holder = esc(hold.name) if hold else t.SHARE_AREA_FREE
        title = esc(_short(area.title_in(t.lang)))
        lines.append(t.SHARE_AREA_LINE.format(number=index + 1, title=title, holder=holder, done=done, total=total))
    return "\n".join(lines)


def _parse_area_arg(arg: str, areas: int) -> tuple[str, int, int] | None:
    """("t"|"r"|"o"|"a", area index, person's place in the list for "a")."""
    verb, rest = arg[:1], arg[1:]
    whom = 0
    if verb == "a":
        index_text, sep, whom_text = rest.partition("p")
        if not sep or not whom_text.isdigit() or len(whom_text) > 3:
            return None
        rest, whom = index_text, int(whom_text)
    if verb not in ("t", "r", "o", "a") or not rest.isdigit() or len(rest) > 3 or int(rest) >= areas:
        return None
    return verb, int(rest), whom


def _area_words(checklist: Checklist, index: int) -> str:
    """'3. Công bố, công khai TTHC': how the trail names an area, in the team's language."""
    return f"{index + 1}. {checklist.areas[index].title_in(VI.lang)}"


def _short(title: str) -> str:
    """Cut at a word: a button or a line of the invitation that ends mid-word reads as a typo."""
    if len(title) <= TITLE_SHOWN:
        return title
    return title[:TITLE_SHOWN].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _number(checklist: Checklist, area: Area) -> int:
    return _index_of(checklist, area.id) + 1


def _index_of(checklist: Checklist, area_id: str) -> int:
    return next(index for index, area in enumerate(checklist.areas) if area.id == area_id)
