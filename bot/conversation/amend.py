"""Corrections after submit (`/amend <id>`): an area, an item, the new answer the usual way, the reason.

A submitted inspection is what the unit signed, so nothing of it is overwritten: each correction is a row
of its own beside the answer as given (who, when, before, after, why), and the documents show the latest
one marked "(đã sửa)". Where the person stands (inspection, area, item, the new value and note so far) is
stored in `amend_states` in the transaction of each step, with a step counter of its own that the buttons
carry (`bot.buttons.AmendToken`), so a kill at any moment loses nothing and an old button changes nothing.
Who may correct is checked again at every step: a round can close, a member can be removed, meanwhile.
"""

from __future__ import annotations

from bot.answers import SHORTCOMINGS, Value
from bot.buttons import AmendAction, AmendToken, decode_amend
from bot.checklist import conditions
from bot.checklist.kinds import kind_of, value_label
from bot.checklist.model import Checklist, Item, PhotoRule, criterion
from bot.checklist.versions import ChecklistVersions
from bot.conversation import prompts
from bot.conversation.inspection import MAX_ID_DIGITS, TEXT_MAX
from bot.events import Button
from bot.findings.trail import item_words, photo_change
from bot.team.followups import FollowUps
from bot.team.teams import Teams
from bot.texts import catalogue as texts
from bot.texts.catalogue import Messages
from bot.texts.formats import VIETNAM, cut
from bot.texts.html import esc
from bot.turn import Turn
from storage.models import (
    Amendment,
    AmendStage,
    AmendState,
    Answer,
    Inspection,
    NewAmendment,
    Photo,
    Status,
    TrailKind,
)
from storage.port import Tx

PROMPT_IN_BUTTON = 48  # an item's wording on its button, cut: the message above lists it whole


async def may_amend(tx: Tx, inspection: Inspection, person_id: int) -> bool:
    """A participant of the inspection: its owner, someone who joined it and did not leave, or anyone
    who answered one of its items (who left, or was removed from the team since, still answers for it)."""
    if person_id == inspection.inspector_id:
        return True
    joined = await tx.sharing.participant(inspection.id, person_id)
    if joined is not None and joined.left_at is None:
        return True
    return any(answer.answered_by == person_id for answer in await tx.inspections.given_answers(inspection.id))


def _button(state: AmendState, label: str, action: AmendAction, arg: str = "") -> Button:
    token = AmendToken(action=action, inspection_id=state.inspection_id, step=state.step, arg=arg)
    return Button(label=label, data=token.encode())


def _photos_said(t: Messages, added: int, withdrawn: int) -> str:
    change = photo_change(added, withdrawn, t)
    return f" ({change})" if change else ""


def _said(t: Messages, item: Item, value: str, note: str | None) -> str:
    """A value with its note, as the person correcting it reads it."""
    label = value_label(t, item, value)
    return f"{label}: {note}" if note else label


def photo_step(
    t: Messages, state: AmendState, checklist: Checklist, kept: list[Photo], pending: int
) -> tuple[str, list[list[Button]]]:
    """The item's photos, each a button that marks it to be withdrawn (or kept again), and what was sent
    so far: the step where evidence is added or withdrawn. Photo intake shows it too, after each photo."""
    assert state.pos is not None
    area_index, _, item_index, item = checklist.at(state.pos)
    marked = sum(1 for photo in kept if photo.id in state.withdraw)
    text = t.AMEND_ASK_PHOTOS.format(
        id=state.inspection_id,
        where=f"{area_index + 1}.{item_index + 1}",
        prompt=esc(item.prompt_in(t.lang)),
        kept=len(kept) - marked,
        added=pending,
        withdrawn=marked,
    )
    rows = []
    for number, photo in enumerate(kept, start=1):
        label = t.AMEND_PHOTO_KEEP if photo.id in state.withdraw else t.AMEND_PHOTO_WITHDRAW
        when = f"{photo.received_at.astimezone(VIETNAM):%H:%M %d/%m}"
        rows.append([_button(state, label.format(number=number, when=when), AmendAction.PHOTO, str(photo.id))])
    rows.append([_button(state, t.DONE, AmendAction.DONE)])
    rows.append([_button(state, t.BACK, AmendAction.BACK)])
    return text, rows


def _new_answer(state: AmendState, answer: Answer | None) -> str | None:
    """The new answer as the correction stands: what was pressed so far, else the one recorded."""
    return state.new_value if state.new_value is not None else answer.value if answer else None


def _worded(t: Messages, item: Item, answer: Answer | None) -> str:
    return _said(t, item, answer.value, answer.note) if answer is not None else "—"


class Amender:
    def __init__(self, versions: ChecklistVersions, teams: Teams, followups: FollowUps) -> None:
        self.versions = versions
        self.teams = teams
        self.followups = followups

    # --- who may correct what ------------------------------------------------------------------

    async def refusal(self, turn: Turn, inspection: Inspection | None, inspection_id: int) -> str | None:
        """Why this person may not correct this inspection now, or None. Another team's inspection reads
        as one that does not exist: its number tells an outsider nothing."""
        tx, t, person_id = turn.tx, turn.t, turn.msg.person.id
        team = await tx.teams.get(inspection.team_id) if inspection is not None else None
        if inspection is None or team is None or not await self.teams.is_member(tx, team, person_id):
            return t.AMEND_NOT_FOUND.format(id=inspection_id)
        if inspection.status is Status.DRAFT:
            return t.AMEND_DRAFT.format(id=inspection_id)
        if inspection.status is Status.CANCELLED:
            return t.AMEND_CANCELLED.format(id=inspection_id)
        lead = await self.teams.may_lead(tx, team, person_id)
        if not lead and not await may_amend(tx, inspection, person_id):
            return t.AMEND_NOT_PARTICIPANT.format(id=inspection_id)
        current = await tx.rounds.get(inspection.round_id) if inspection.round_id is not None else None
        if current is not None and not current.is_open and not lead:
            return t.AMEND_ROUND_CLOSED.format(round=esc(current.name), id=inspection_id)
        return None

    async def active(self, tx: Tx, person_id: int) -> AmendState | None:
        """The correction this person is in the middle of, which their typed messages answer."""
        state = await tx.amendments.state_of(person_id)
        return state if state is not None and state.stage is not AmendStage.DONE else None

    # --- /amend --------------------------------------------------------------------------------

    async def resume(self, turn: Turn, state: AmendState) -> None:
        """`/resume` during a correction shows its pending step again."""
        inspection = await self._allowed(turn, state)
        if inspection is not None:
            await self.prompt(turn, inspection, state)

    async def command(self, turn: Turn, args: str) -> None:
        number = args.strip().removeprefix("#")
        if not number.isdigit() or len(number) > MAX_ID_DIGITS:
            turn.say(turn.t.AMEND_USAGE)
            return
        inspection = await turn.tx.inspections.get(int(number))
        refusal = await self.refusal(turn, inspection, int(number))
        if refusal is not None or inspection is None:
            turn.say(refusal or "")
            return
        state = await turn.tx.amendments.move(turn.msg.person.id, inspection.id, AmendStage.AREA)
        await self.prompt(turn, inspection, state)

    async def prompt(self, turn: Turn, inspection: Inspection, state: AmendState) -> None:
        """The message for wherever the correction stands; every step and /resume end here."""
        t, checklist = turn.t, await self.versions.of(turn.tx, inspection)
        back = _button(state, t.BACK, AmendAction.BACK)
        if state.stage is AmendStage.AREA:
            rows = [
                [_button(state, f"{number}. {area.title_in(t.lang)}", AmendAction.AREA, str(number))]
                for number, area in enumerate(checklist.areas, start=1)
            ]
            rows.append([_button(state, t.AMEND_STOP, AmendAction.BACK)])
            unit = esc(inspection.unit or t.NO_UNIT)
            turn.say(t.AMEND_CHOOSE_AREA.format(id=inspection.id, unit=unit), rows)
        elif state.stage is AmendStage.ITEM:
            await self._items(turn, inspection, checklist, state)
        elif state.stage is AmendStage.VALUE:
            item = self._item(checklist, state)
            answer = await turn.tx.inspections.answer(inspection.id, item.id)
            kind = kind_of(item)
            where, prompt = self._where(checklist, state), esc(item.prompt_in(t.lang))
            text = t.AMEND_ASK_VALUE.format(
                id=inspection.id, where=where, prompt=prompt, current=esc(_worded(t, item, answer))
            )
            hint = kind.hint(t, item)
            chosen = _new_answer(state, answer)
            pressed = kind.buttons(t, item, chosen)
            rows = prompts.choice_rows([_button(state, label, AmendAction.VALUE, arg) for arg, label in pressed])
            if kind.toggled:
                rows.append([_button(state, t.DONE, AmendAction.DONE)])
            rows.append([back])
            turn.say(f"{text}\n{hint}" if hint else text, rows, free_text=kind.typed)
        elif state.stage is AmendStage.NOTE:
            turn.say(t.ASK_NOTE, [[_button(state, t.SKIP, AmendAction.SKIP)], [back]], free_text=True)
        elif state.stage is AmendStage.PHOTOS:
            kept, pending = await self._photos(turn.tx, inspection, checklist, state)
            turn.say(*photo_step(t, state, checklist, kept, len(pending)))
        else:
            item = self._item(checklist, state)
            before = await turn.tx.inspections.answer(inspection.id, item.id)
            added, withdrawn = await self._photo_counts(turn.tx, inspection, checklist, state)
            change = _photos_said(t, added, withdrawn)
            text = t.AMEND_ASK_REASON.format(
                id=inspection.id,
                where=self._where(checklist, state),
                old=esc(_worded(t, item, before)),
                new=esc(_said(t, item, state.new_value or "", state.new_note)) + change,
            )
            turn.say(text, [[back]], free_text=True)

    async def _photos(
        self, tx: Tx, inspection: Inspection, checklist: Checklist, state: AmendState
    ) -> tuple[list[Photo], list[Photo]]:
        """The item's photos as they count now, and those sent during this correction."""
        item = self._item(checklist, state)
        kept = [photo for photo in await tx.photos.of(inspection.id) if photo.item_id == item.id]
        return kept, await tx.photos.pending(inspection.id, state.person_id)

    async def _photo_counts(
        self, tx: Tx, inspection: Inspection, checklist: Checklist, state: AmendState
    ) -> tuple[int, int]:
        """(added, withdrawn) by this correction so far."""
        kept, pending = await self._photos(tx, inspection, checklist, state)
        return len(pending), sum(1 for photo in kept if photo.id in state.withdraw)

    async def _items(self, turn: Turn, inspection: Inspection, checklist: Checklist, state: AmendState) -> None:
        """The area's items with their current answers, one button each, the way back last. An item the
        answers rule out has no button: what decides it is the answer to correct."""
        t = turn.t
        assert state.area_index is not None
        area = checklist.areas[state.area_index]
        answers = await turn.tx.inspections.answers(inspection.id)
        out = conditions.ruled_out(checklist, answers)
        first = sum(len(earlier.items) for earlier in checklist.areas[: state.area_index])
        lines = [t.AMEND_CHOOSE_ITEM.format(id=inspection.id, area=esc(area.title_in(t.lang)))]
        rows = []
        for index, item in enumerate(area.items):
            number = f"{state.area_index + 1}.{index + 1}"
            answer = answers.get(item.id)
            mark = f" {t.AMENDED_MARK}" if answer is not None and answer.amended else ""
            prompt = criterion(item.prompt_in(t.lang))
            if item.id in out:
                lines.append(f"<b>{number}</b> {esc(prompt)} → <i>{t.SKIPPED_BY_RULE}</i>")
                continue
            lines.append(f"<b>{number}</b> {esc(prompt)} → <b>{esc(_worded(t, item, answer))}</b>{mark}")
            rows.append(
                [_button(state, f"{number} {cut(prompt, PROMPT_IN_BUTTON)}", AmendAction.ITEM, str(first + index))]
            )
        rows.append([_button(state, t.BACK, AmendAction.BACK)])
        turn.say("\n".join(lines), rows)

    @staticmethod
    def _item(checklist: Checklist, state: AmendState) -> Item:
        assert state.pos is not None
        return checklist.at(state.pos)[3]

    @staticmethod
    def _where(checklist: Checklist, state: AmendState) -> str:
        assert state.pos is not None
        area_index, _, item_index, _ = checklist.at(state.pos)
        return f"{area_index + 1}.{item_index + 1}"

    # --- buttons -------------------------------------------------------------------------------

    async def tap(self, turn: Turn, data: str) -> None:
        token = decode_amend(data)
        state = await turn.tx.amendments.state_of(turn.msg.person.id)
        if token is None or state is None or token.inspection_id != state.inspection_id:
            turn.toast(turn.t.AMEND_OTHER_BUTTON)
            return
        if state.stage is AmendStage.DONE:
            turn.toast(turn.t.AMEND_FINISHED_BUTTON)
            return
        if token.step != state.step:
            turn.toast(turn.t.STALE_BUTTON)
            return
        inspection = await self._allowed(turn, state)
        if inspection is None:
            return
        checklist = await self.versions.of(turn.tx, inspection)
        moved = await self._apply_tap(turn, inspection, checklist, state, token)
        if moved is None:
            turn.toast(turn.t.STALE_BUTTON)
        elif moved is not state and moved.stage is not AmendStage.DONE:
            turn.retire_buttons()
            await self.prompt(turn, inspection, moved)

    async def _allowed(self, turn: Turn, state: AmendState) -> Inspection | None:
        """The inspection, while this person may still correct it; otherwise the correction ends, saying why."""
        inspection = await turn.tx.inspections.get(state.inspection_id)
        refusal = await self.refusal(turn, inspection, state.inspection_id)
        if refusal is None and inspection is not None:
            return inspection
        await self._end(turn, state)
        turn.say(refusal or "")
        return None

    async def _end(self, turn: Turn, state: AmendState) -> AmendState:
        """Photos sent for a correction that is not saved never count."""
        turn.retire_buttons()
        await turn.tx.photos.drop_pending(state.inspection_id, state.person_id)
        return await turn.tx.amendments.move(state.person_id, state.inspection_id, AmendStage.DONE)

    async def _apply_tap(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, state: AmendState, token: AmendToken
    ) -> AmendState | None:
        """Where the press leaves the correction; None when it does not fit the step (forged data)."""
        tx, person_id, action, arg = turn.tx, turn.msg.person.id, token.action, token.arg
        stage = state.stage
        if action is AmendAction.BACK:
            return await self._back(turn, state)
        if stage is AmendStage.AREA and action is AmendAction.AREA and arg.isdigit():
            if not 1 <= int(arg) <= len(checklist.areas):
                return None
            return await tx.amendments.move(person_id, inspection.id, AmendStage.ITEM, int(arg) - 1)
        if stage is AmendStage.ITEM and action is AmendAction.ITEM and arg.isdigit() and len(arg) <= MAX_ID_DIGITS:
            pos = int(arg)
            if pos >= checklist.item_count or checklist.at(pos)[0] != state.area_index:
                return None
            if checklist.at(pos)[3].id in conditions.ruled_out(checklist, await tx.inspections.answers(inspection.id)):
                return None
            following = AmendStage.PHOTOS if kind_of(checklist.at(pos)[3]).answered_by_photos else AmendStage.VALUE
            return await tx.amendments.move(person_id, inspection.id, following, state.area_index, pos)
        if stage is AmendStage.VALUE and action in (AmendAction.VALUE, AmendAction.DONE):
            return await self._press(turn, inspection, checklist, state, action, arg)
        if stage is AmendStage.NOTE and action is AmendAction.SKIP:
            return await self._note(turn, inspection, checklist, state, None)
        if stage is AmendStage.PHOTOS and action is AmendAction.PHOTO and arg.isdigit() and len(arg) <= MAX_ID_DIGITS:
            kept, _ = await self._photos(tx, inspection, checklist, state)
            if int(arg) not in {photo.id for photo in kept}:
                return None
            marked = set(state.withdraw) ^ {int(arg)}
            return await self._stay(turn, state, withdraw=marked)
        if stage is AmendStage.PHOTOS and action is AmendAction.DONE:
            return await self._photos_done(turn, inspection, checklist, state)
        return None

    async def _stay(self, turn: Turn, state: AmendState, **changes: object) -> AmendState:
        """The same step again, with `changes`: new buttons, the old ones stale."""
        moved = state.model_copy(update=changes)
        return await turn.tx.amendments.move(
            moved.person_id,
            moved.inspection_id,
            moved.stage,
            moved.area_index,
            moved.pos,
            moved.new_value,
            moved.new_note,
            moved.withdraw,
        )

    async def _photos_done(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, state: AmendState
    ) -> AmendState:
        """Evidence as it should be; an item whose answer is its photos, or whose evidence is required,
        keeps at least one."""
        item = self._item(checklist, state)
        kept, pending = await self._photos(turn.tx, inspection, checklist, state)
        left = len(kept) - sum(1 for photo in kept if photo.id in state.withdraw) + len(pending)
        photo_answer = kind_of(item).answered_by_photos
        needs = photo_answer or (item.photo is PhotoRule.REQUIRED and state.new_value != Value.NA)
        if left == 0 and needs:
            turn.toast(turn.t.AMEND_PHOTO_KEEP_ONE)
            return state
        value = str(left) if photo_answer else state.new_value
        return await self._complete(turn, inspection, checklist, state.model_copy(update={"new_value": value}))

    async def _back(self, turn: Turn, state: AmendState) -> AmendState:
        tx, person_id, inspection_id = turn.tx, state.person_id, state.inspection_id
        if state.stage is AmendStage.AREA:
            done = await self._end(turn, state)
            turn.say(turn.t.AMEND_STOPPED.format(id=inspection_id))
            return done
        if state.stage is AmendStage.ITEM:
            return await tx.amendments.move(person_id, inspection_id, AmendStage.AREA)
        inspection = await tx.inspections.get(inspection_id)
        assert inspection is not None
        item = self._item(await self.versions.of(tx, inspection), state)
        if state.stage is AmendStage.VALUE or (state.stage is AmendStage.PHOTOS and kind_of(item).answered_by_photos):
            await tx.photos.drop_pending(inspection_id, person_id)  # another item may be chosen next
            return await tx.amendments.move(person_id, inspection_id, AmendStage.ITEM, state.area_index)
        if state.stage is AmendStage.REASON and item.takes_photos:
            return await self._stay(turn, state, stage=AmendStage.PHOTOS)
        if state.stage in (AmendStage.REASON, AmendStage.PHOTOS) and state.new_value in SHORTCOMINGS:
            return await tx.amendments.move(
                person_id, inspection_id, AmendStage.NOTE, state.area_index, state.pos, state.new_value
            )
        return await tx.amendments.move(person_id, inspection_id, AmendStage.VALUE, state.area_index, state.pos)

    async def _press(
        self,
        turn: Turn,
        inspection: Inspection,
        checklist: Checklist,
        state: AmendState,
        action: AmendAction,
        arg: str,
    ) -> AmendState | None:
        """A new answer pressed; for several choices, one in or out of the new answer until «Xong»."""
        item = self._item(checklist, state)
        kind = kind_of(item)
        answer = await turn.tx.inspections.answer(inspection.id, item.id)
        chosen = _new_answer(state, answer)
        if action is AmendAction.DONE:
            if not kind.toggled:
                return None
            if not chosen:
                turn.toast(turn.t.CHOICES_NONE)
                return state
            return await self._value(turn, inspection, checklist, state, chosen)
        value = kind.pressed(item, arg, chosen)
        if value is None:
            return None
        if kind.toggled:
            return await self._stay(turn, state, new_value=value)
        return await self._value(turn, inspection, checklist, state, value)

    async def _value(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, state: AmendState, value: str
    ) -> AmendState:
        """A shortcoming asks for its note next, as when inspecting; anything else goes to the reason."""
        item = self._item(checklist, state)
        if kind_of(item).rated and value in SHORTCOMINGS:
            return await turn.tx.amendments.move(
                state.person_id, inspection.id, AmendStage.NOTE, state.area_index, state.pos, value
            )
        chosen = state.model_copy(update={"new_value": value})
        return await self._note(turn, inspection, checklist, chosen, None)

    async def _note(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, state: AmendState, note: str | None
    ) -> AmendState:
        """The new value and note given: its evidence next, where the item takes photos."""
        noted = state.model_copy(update={"new_note": note})
        if self._item(checklist, state).takes_photos:
            return await self._stay(turn, noted, stage=AmendStage.PHOTOS)
        return await self._complete(turn, inspection, checklist, noted)

    async def _complete(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, state: AmendState
    ) -> AmendState:
        """The new answer complete: unless it is what is recorded already, the reason is asked for."""
        item = self._item(checklist, state)
        before = await turn.tx.inspections.answer(inspection.id, item.id)
        added, withdrawn = await self._photo_counts(turn.tx, inspection, checklist, state)
        same = before is not None and (before.value, before.note) == (state.new_value, state.new_note)
        if same and not added and not withdrawn:
            done = await self._end(turn, state)
            turn.say(turn.t.AMEND_NOTHING)
            return done
        return await self._stay(turn, state, stage=AmendStage.REASON)

    # --- typed answers -------------------------------------------------------------------------

    async def text(self, turn: Turn, state: AmendState, text: str) -> None:
        inspection = await self._allowed(turn, state)
        if inspection is None:
            return
        checklist = await self.versions.of(turn.tx, inspection)
        text = text.strip()
        if not text and state.stage is AmendStage.REASON:
            turn.say(turn.t.AMEND_REASON_EMPTY)
        elif not text:
            turn.say(turn.t.BLANK_TEXT)
        elif len(text) > TEXT_MAX:
            turn.say(turn.t.TEXT_TOO_LONG.format(length=len(text), limit=TEXT_MAX))
        elif state.stage is AmendStage.VALUE and kind_of(self._item(checklist, state)).typed:
            item = self._item(checklist, state)
            reading = kind_of(item).read(turn.t, item, text)
            if reading.reply is not None:
                turn.say(reading.reply)
            if reading.value is not None:
                state = await self._value(turn, inspection, checklist, state, reading.value)
        elif state.stage is AmendStage.NOTE:
            state = await self._note(turn, inspection, checklist, state, text)
        elif state.stage is AmendStage.REASON:
            await self._save(turn, inspection, checklist, state, text)
            return
        else:
            turn.say(turn.t.AMEND_USE_BUTTONS)
        if state.stage is not AmendStage.DONE:
            await self.prompt(turn, inspection, state)

    # --- the correction itself -----------------------------------------------------------------

    async def _save(
        self, turn: Turn, inspection: Inspection, checklist: Checklist, state: AmendState, reason: str
    ) -> None:
        """The correction, its line in the trail, its effect on follow-ups and the group's message: one
        transaction, so the group is told exactly what was stored."""
        tx, person = turn.tx, turn.msg.person
        item = self._item(checklist, state)
        before = await tx.inspections.answer(inspection.id, item.id)
        area = checklist.at(state.pos or 0)[1]
        assert state.new_value is not None
        kept, _ = await self._photos(tx, inspection, checklist, state)
        marked = [photo.id for photo in kept if photo.id in state.withdraw]
        added = await tx.photos.settle(inspection.id, person.id)
        withdrawn = await tx.photos.withdraw(inspection.id, marked, person.id) if marked else 0
        amendment = await tx.amendments.add(
            NewAmendment(
                inspection_id=inspection.id,
                area_id=area.id,
                item_id=item.id,
                old_value=before.value if before is not None else None,
                new_value=state.new_value,
                old_note=before.note if before is not None else None,
                new_note=state.new_note,
                reason=reason,
                person_id=person.id,
                person_name=person.name,
                photos_added=added,
                photos_withdrawn=withdrawn,
            )
        )
        after = await tx.inspections.answer(inspection.id, item.id)
        assert after is not None
        old, new = (
            _worded(texts.VI, item, before),
            _worded(texts.VI, item, after) + _photos_said(texts.VI, added, withdrawn),
        )
        detail = f"{item_words(checklist, item.id)}: {old} → {new}. Lý do: {reason}"
        await tx.trail.add(inspection.id, person.id, person.name, TrailKind.CORRECTION, detail)
        followup = await self.followups.after_correction(tx, inspection, before, after, person, reason)
        await self._end(turn, state)
        where = self._where(checklist, state)
        turn.say(
            turn.t.AMEND_DONE.format(
                id=inspection.id,
                where=where,
                old=esc(_worded(turn.t, item, before)),
                new=esc(_worded(turn.t, item, after) + _photos_said(turn.t, added, withdrawn)),
            )
        )
        await self._tell_group(turn, inspection, item, where, amendment, old, new, followup)

    async def _tell_group(
        self,
        turn: Turn,
        inspection: Inspection,
        item: Item,
        where: str,
        amendment: Amendment,
        old: str,
        new: str,
        followup: str,
    ) -> None:
        """One short message to the team's group, in Vietnamese like everything the group reads."""
        team = await turn.tx.teams.get(inspection.team_id)
        assert team is not None
        text = texts.VI.AMEND_GROUP.format(
            id=inspection.id,
            unit=esc(inspection.unit or texts.VI.NO_UNIT),
            who=esc(amendment.person_name),
            where=where,
            prompt=esc(criterion(item.prompt)),
            old=esc(old),
            new=esc(new),
            reason=esc(amendment.reason),
        )
        turn.say(f"{text}\n{followup}" if followup else text, chat_id=team.group_chat_id)
