"""The inspection conversation in an inspector's private chat: from `/inspect` to the submitted result.

The cursor (stage, item position, step counter) is stored with every answer in the event's transaction
(`turn.tx`); every step ends by sending the message for wherever the cursor now stands (`prompt`), the
same message `/resume` shows again. Where the cursor goes next is `bot.conversation.flow`'s to say,
what each question looks like is `prompts`', how each type of question is answered is its kind's.
"""

from __future__ import annotations

from bot.answers import Value
from bot.buttons import Action, GroupAction, GroupToken, Token, decode, group_button
from bot.checklist import conditions
from bot.checklist.kinds import kind_of, value_label
from bot.checklist.model import Checklist, PhotoRule
from bot.checklist.versions import ChecklistVersions
from bot.conversation import flow, prompts
from bot.conversation.sharing import GO, Sharing
from bot.events import Location
from bot.findings import trail
from bot.findings.people import representative
from bot.findings.summary import render_review
from bot.team.followups import FollowUps
from bot.team.publishing import Publisher
from bot.texts.catalogue import VI
from bot.texts.html import esc
from bot.turn import Turn, catalogue_of
from storage.models import Inspection, NewInspection, RemarkKind, Stage, Status, Team
from storage.port import Tx

UNIT_MIN, UNIT_MAX = 3, 200
# Whatever is typed into an inspection besides the unit's name (a note after a shortcoming, a text answer,
# a recommendation or another strength): 1,000 characters, the cap follow-up notes already had, is half
# a page of the record and a dozen sentences, where a note asks for a short description. A longer text is
# refused, not cut: cutting would put half a sentence in a signed record, while the inspector still has
# the whole text in the chat to shorten or split.
TEXT_MAX = 1000
TYPED = (Stage.ITEM, Stage.NOTE, Stage.RECOMMENDATIONS, Stage.STRENGTHS, Stage.REPRESENTATIVES, Stage.OPINION)
# The stages after the checklist where each message is one remark of a kind, until Xong or Bỏ qua.
REMARK_KINDS = {
    Stage.RECOMMENDATIONS: RemarkKind.RECOMMENDATION,
    Stage.STRENGTHS: RemarkKind.STRENGTH,
    Stage.REPRESENTATIVES: RemarkKind.REPRESENTATIVE,
    Stage.OPINION: RemarkKind.OPINION,
}
# Recommendations, and other strengths, per inspection: ten of each. A real unit makes two to five
# recommendations; ten of 1,000 characters fill about three pages of the record.
REMARKS_MAX = 10
MAX_ID_DIGITS = 12  # what a row id can be; longer digits in a button are forged and SQLite cannot bind them


class Conversation:
    def __init__(
        self, versions: ChecklistVersions, publisher: Publisher, followups: FollowUps, sharing: Sharing
    ) -> None:
        self.versions = versions
        self.publisher = publisher
        self.followups = followups
        self.sharing = sharing

    # --- starting and steering an inspection ---------------------------------------------------

    async def inspect(self, turn: Turn) -> None:
        """`/inspect`: for the one team of the person, or the team they choose among theirs."""
        teams = await turn.tx.teams.teams_of(turn.msg.person.id)
        if not teams:
            turn.say(turn.t.NOT_MEMBER)
            return
        if await self._refuse_second_draft(turn):
            return
        if len(teams) == 1:
            await self._start(turn, teams[0])
            return
        rows = [[group_button(team.name[:60], GroupAction.TEAM, team.id)] for team in teams]
        turn.say(turn.t.TEAM_PICK.format(count=len(teams)), rows)

    async def pick_team(self, turn: Turn, token: GroupToken) -> None:
        """The team chosen for a new inspection; a button for a team one has left is refused."""
        team = await turn.tx.teams.get(token.subject)
        if team is None or await turn.tx.teams.membership(team.id, turn.msg.person.id) is None:
            turn.toast(turn.t.STALE_BUTTON)
            return
        if await self._refuse_second_draft(turn):
            return
        turn.retire_buttons(turn.t.TEAM_PICKED.format(team=esc(team.name)))
        await self._start(turn, team)

    async def _refuse_second_draft(self, turn: Turn) -> bool:
        draft = await turn.tx.inspections.draft_of(turn.msg.person.id)
        if draft is not None:
            checklist = await self.versions.of(turn.tx, draft)
            done, total = conditions.progress(checklist, await turn.tx.inspections.answers(draft.id))
            turn.say(
                turn.t.HAS_DRAFT.format(id=draft.id, unit=esc(draft.unit or turn.t.NO_UNIT), done=done, total=total)
            )
            return True
        return False

    async def _start(self, turn: Turn, team: Team) -> None:
        person = turn.msg.person
        current = await turn.tx.rounds.open_of(team.id)
        checklist = await self.versions.of_round(turn.tx, current)
        inspection = await turn.tx.inspections.create(
            NewInspection(
                team_id=team.id,
                inspector_id=person.id,
                inspector_name=person.name,
                checklist_id=checklist.id,
                checklist_version=checklist.version,
                round_id=current.id if current else None,
            )
        )
        await self.prompt(turn, inspection)

    async def _move(self, turn: Turn, inspection: Inspection, cursor: flow.Cursor) -> Inspection:
        stage, pos = cursor
        return await turn.tx.inspections.move(inspection, stage, pos)

    async def prompt(self, turn: Turn, inspection: Inspection) -> None:
        """(Re)sends the message for wherever the cursor stands; /resume and every step end here."""
        tx = turn.tx
        checklist = await self.versions.of(tx, inspection)
        stage = inspection.stage
        if stage is Stage.UNIT:
            team = await tx.teams.get(inspection.team_id)
            text = turn.t.ASK_UNIT.format(
                id=inspection.id,
                team=esc(team.name if team else ""),
                checklist=esc(checklist.title_in(turn.t.lang)),
                areas=len(checklist.areas),
                items=checklist.item_count,
                round=await self._round_line(turn, inspection),
            )
            recent = await tx.inspections.recent_units(inspection.team_id)
            rows = [[prompts.button(inspection, unit[:60], Action.UNIT, str(source))] for source, unit in recent]
            turn.say(text + ("\n" + turn.t.ASK_UNIT_RECENT if recent else ""), rows, free_text=True)
        elif stage is Stage.LOCATION:
            turn.say(*prompts.stage_of_location(turn.t, inspection))
        elif stage is Stage.ITEM:
            item = checklist.at(inspection.pos)[3]
            question = prompts.question(
                turn.t, checklist, inspection, await tx.inspections.answer(inspection.id, item.id)
            )
            turn.say(*question, free_text=kind_of(item).typed)
        elif stage is Stage.NOTE:
            item = checklist.at(inspection.pos)[3]
            note = prompts.note_request(
                turn.t, checklist, inspection, await tx.inspections.answer(inspection.id, item.id)
            )
            turn.say(*note, free_text=True)
        elif stage is Stage.PHOTOS:
            item = checklist.at(inspection.pos)[3]
            count = await tx.photos.count(inspection.id, item.id)
            turn.say(*prompts.photo_request(turn.t, checklist, inspection, count))
        elif stage in (Stage.RECOMMENDATIONS, Stage.STRENGTHS):
            _, count = await self._remarks(tx, inspection)
            turn.say(*prompts.remarks_request(turn.t, inspection, count), free_text=True)
        elif stage in (Stage.REPRESENTATIVES, Stage.OPINION):
            _, count = await self._remarks(tx, inspection)
            turn.say(*prompts.unit_voice_request(turn.t, inspection, count), free_text=True)
        elif stage is Stage.AREAS:
            walk = await self.sharing.walk(tx, inspection, checklist)
            done = turn.t.SHARE_MENU_DONE if inspection.pos >= checklist.item_count and walk.areas else ""
            turn.say(*await self.sharing.menu(tx, turn.t, inspection, checklist, done))
        else:
            snapshot = await self.publisher.snapshot(tx, inspection)
            turn.say(render_review(turn.t, snapshot), prompts.review_buttons(turn.t, inspection))

    async def _remarks(self, tx: Tx, inspection: Inspection) -> tuple[RemarkKind, int]:
        """The kind of remark the cursor stands at, and how many of that kind there are."""
        kind = REMARK_KINDS[inspection.stage]
        return kind, sum(1 for remark in await tx.inspections.remarks(inspection.id) if remark.kind is kind)

    async def _round_line(self, turn: Turn, inspection: Inspection) -> str:
        """The round's line of the first message, with its line break, or nothing outside a round."""
        current = await turn.tx.rounds.get(inspection.round_id) if inspection.round_id is not None else None
        return turn.t.ASK_UNIT_ROUND.format(round=esc(current.name)) + "\n" if current else ""

    async def status(self, turn: Turn, inspection: Inspection) -> None:
        checklist = await self.versions.of(turn.tx, inspection)
        done, total = conditions.progress(checklist, await turn.tx.inspections.answers(inspection.id))
        team = await turn.tx.teams.get(inspection.team_id)
        where = turn.t.STAGE_WHERE.get(inspection.stage.value) or prompts.position(turn.t, checklist, inspection.pos)
        text = turn.t.STATUS.format(
            id=inspection.id,
            team=esc(team.name if team else ""),
            unit=esc(inspection.unit or turn.t.NO_UNIT),
            where=where,
            done=done,
            total=total,
            photos=await turn.tx.photos.count(inspection.id),
        )
        if inspection.shared:
            text += "\n\n" + await self.sharing.status_lines(turn.tx, turn.t, inspection, checklist)
        turn.say(text)

    def ask_cancel(self, turn: Turn, inspection: Inspection) -> None:
        turn.say(
            turn.t.CANCEL_CONFIRM.format(id=inspection.id, unit=esc(inspection.unit or turn.t.NO_UNIT)),
            [
                [prompts.button(inspection, turn.t.CANCEL, Action.CANCEL_YES)],
                [prompts.button(inspection, turn.t.KEEP, Action.CANCEL_NO)],
            ],
        )

    # --- button presses ------------------------------------------------------------------------

    async def tap(self, turn: Turn, data: str) -> None:
        person = turn.msg.person
        token = decode(data)
        inspection = await turn.tx.inspections.draft_of(person.id)
        if token is None or inspection is None or inspection.id != token.inspection_id:
            other = await turn.tx.inspections.get(token.inspection_id) if token else None
            finished = other is not None and other.inspector_id == person.id and other.status is not Status.DRAFT
            turn.toast(turn.t.FINISHED_BUTTON if finished else turn.t.FOREIGN_BUTTON)
            return
        if token.action is Action.AREA:
            if not await self._tap_area(turn, inspection, token.arg):
                turn.toast(turn.t.STALE_BUTTON)
            return
        if token.step != inspection.step:
            turn.toast(turn.t.STALE_BUTTON)
            return
        if not await self._apply_tap(turn, inspection, token):
            turn.toast(turn.t.STALE_BUTTON)

    async def _apply_tap(self, turn: Turn, inspection: Inspection, token: Token) -> bool:
        """False when the press does not fit the stage it claims to answer (forged or mangled data)."""
        action, stage = token.action, inspection.stage
        checklist = await self.versions.of(turn.tx, inspection)
        if action in (Action.CANCEL_ASK, Action.CANCEL_YES, Action.CANCEL_NO) and inspection.seat_of is not None:
            return False  # only the owner cancels; a participant leaves
        if action is Action.CANCEL_ASK:
            turn.retire_buttons()
            self.ask_cancel(turn, inspection)
            return True
        if action is Action.CANCEL_YES:
            await trail.finish(turn.tx, inspection, Status.CANCELLED, turn.msg.person)
            turn.retire_buttons()
            turn.say(turn.t.CANCELLED.format(id=inspection.id))
            await self.sharing.closed(turn, inspection, Status.CANCELLED)
            return True
        if action is Action.CANCEL_NO:
            await turn.carry(inspection.id)
            await self.prompt(turn, inspection)
            return True
        if action is Action.BACK:
            target = flow.back(
                checklist, stage, inspection.pos, await self.sharing.walk(turn.tx, inspection, checklist)
            )
            if target is None:
                turn.toast(turn.t.FIRST_STEP, alert=False)
                return True
            await turn.carry(inspection.id)
            await self.prompt(turn, await self._move(turn, inspection, target))
            return True
        handler = {
            Stage.UNIT: self._tap_unit,
            Stage.LOCATION: self._tap_location,
            Stage.ITEM: self._tap_item,
            Stage.NOTE: self._tap_note,
            Stage.PHOTOS: self._tap_photos,
            Stage.RECOMMENDATIONS: self._tap_remarks,
            Stage.STRENGTHS: self._tap_remarks,
            Stage.REVIEW: self._tap_review,
            Stage.REPRESENTATIVES: self._tap_remarks,
            Stage.OPINION: self._tap_remarks,
            Stage.AREAS: self._tap_nothing,
        }[stage]
        return await handler(turn, inspection, checklist, token)

    async def _tap_nothing(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        """The choice of areas has only area buttons."""
        return False

    async def _tap_area(self, turn: Turn, inspection: Inspection, arg: str) -> bool:
        if not inspection.shared:
            return False
        if arg != GO:
            return await self.sharing.tap(turn, inspection, arg)
        # «Bắt đầu» from the choice of areas into the first of one's own; «Tiếp tục»: back to the question.
        checklist = await self.versions.of(turn.tx, inspection)
        if inspection.stage is Stage.AREAS:
            target = flow.entry(checklist, 0, await self.sharing.walk(turn.tx, inspection, checklist))
            if target[0] is Stage.AREAS:
                turn.toast(turn.t.SHARE_PICK_FIRST)
                return True
            inspection = await self._move(turn, inspection, target)
        turn.retire_buttons()
        await self.prompt(turn, inspection)
        return True

    async def _tap_unit(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        if token.action is not Action.UNIT or not token.arg.isdigit() or len(token.arg) > MAX_ID_DIGITS:
            return False
        source = await turn.tx.inspections.get(int(token.arg))
        if source is None or source.team_id != inspection.team_id or not source.unit:
            return False
        await turn.carry(inspection.id, turn.t.SUMMARY_UNIT.format(unit=esc(source.unit)))
        await self._set_unit(turn, inspection, source.unit)
        return True

    async def _tap_location(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        if token.action is not Action.SKIP:
            return False
        await turn.carry(inspection.id)
        walk = await self.sharing.walk(turn.tx, inspection, checklist)
        await self.prompt(turn, await self._move(turn, inspection, flow.entry(checklist, 0, walk)))
        return True

    async def _tap_item(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        _, area, _, item = checklist.at(inspection.pos)
        kind = kind_of(item)
        answer = await turn.tx.inspections.answer(inspection.id, item.id)
        current = answer.value if answer else None
        if token.action is Action.HELP and item.guided:
            await turn.carry(inspection.id)
            turn.say(*prompts.question(turn.t, checklist, inspection, answer, guidance=True), free_text=kind.typed)
            return True
        if token.action is Action.DONE and kind.toggled:
            return await self._chosen(turn, inspection, checklist, current)
        skips = token.action is Action.SKIP and not item.required
        value = kind.pressed(item, token.arg, current) if token.action is Action.VALUE else None
        if not skips and value is None:
            return False
        walk = await self.sharing.walk(turn.tx, inspection, checklist)
        if await self._turned_away(turn, inspection, checklist, walk):
            return True
        if skips or not value:  # skipped, or the last of several choices pressed out again
            await turn.tx.inspections.delete_answer(inspection.id, item.id)
            walk, notice = await self._ruled(turn, inspection, checklist, walk, current, None)
        else:
            first = await self._save(turn, inspection, area.id, item.id, value)
            await self._answered_shared(turn, inspection, checklist, first)
            walk, notice = await self._ruled(turn, inspection, checklist, walk, current, value)
        if kind.toggled and not skips:  # the same question again, its buttons showing what is chosen
            await turn.carry(inspection.id, notice)
            await self.prompt(turn, await self._move(turn, inspection, (Stage.ITEM, inspection.pos)))
            return True
        if skips:
            await turn.carry(inspection.id, self._answered(turn, checklist, inspection, turn.t.SKIPPED, notice))
            await self.prompt(turn, await self._move(turn, inspection, flow.entry(checklist, inspection.pos + 1, walk)))
            return True
        assert value is not None
        target = flow.after_value(checklist, inspection.pos, value, walk)
        # A note asked next shows the question with its answer; its line comes when the note is skipped.
        asks_note = target == (Stage.NOTE, inspection.pos)
        chosen = value_label(turn.t, item, value)
        line = notice if asks_note else self._answered(turn, checklist, inspection, chosen, notice)
        await turn.carry(inspection.id, line)
        await self.prompt(turn, await self._move(turn, inspection, target))
        return True

    async def _chosen(self, turn: Turn, inspection: Inspection, checklist: Checklist, current: str | None) -> bool:
        """«Xong» under a question of several choices: on with what is chosen, which may be nothing only
        where the question may be skipped."""
        _, _, _, item = checklist.at(inspection.pos)
        if not current and item.required:
            turn.toast(turn.t.CHOICES_NONE)
            return True
        walk = await self.sharing.walk(turn.tx, inspection, checklist)
        chosen = value_label(turn.t, item, current) if current else turn.t.SKIPPED
        await turn.carry(inspection.id, self._answered(turn, checklist, inspection, chosen))
        target = flow.after_value(checklist, inspection.pos, current or "", walk)
        await self.prompt(turn, await self._move(turn, inspection, target))
        return True

    async def _ruled(
        self,
        turn: Turn,
        inspection: Inspection,
        checklist: Checklist,
        walk: flow.Walk,
        before: str | None,
        after: str | None,
    ) -> tuple[flow.Walk, str]:
        """The walk once an answer changed, and what to tell the inspector where the change hides answered
        items or brings back items skipped by rule: a first answer only decides what comes next."""
        if not checklist.conditional:
            return walk, ""
        fresh = await self.sharing.walk(turn.tx, inspection, checklist)
        if before is None or before == after:
            return fresh, ""
        answers = await turn.tx.inspections.answers(inspection.id)
        gone = [item for item in fresh.hidden - walk.hidden if item in answers]
        back = list(walk.hidden - fresh.hidden)
        lines = []
        for said, items in ((turn.t.RULE_HIDDEN, gone), (turn.t.RULE_SHOWN, back)):
            if items:
                places = [pos for pos in range(checklist.item_count) if checklist.at(pos)[3].id in items]
                numbers = ", ".join(prompts.number(checklist, pos) for pos in places)
                lines.append(said.format(count=len(items), items=numbers))
        return fresh, "\n".join(lines)

    async def _turned_away(self, turn: Turn, inspection: Inspection, checklist: Checklist, walk: flow.Walk) -> bool:
        """In a shared inspection, an item someone else answered or an area someone else now holds: the
        presser is told and taken on (of two presses at once, the second lands here)."""
        elsewhere = await self.sharing.refusal(turn, inspection, checklist, walk)
        if elsewhere is None:
            return False
        await turn.carry(inspection.id)
        await self.prompt(turn, await self._move(turn, inspection, elsewhere))
        return True

    async def _answered_shared(self, turn: Turn, inspection: Inspection, checklist: Checklist, first: bool) -> None:
        """The owner already waiting at the review gets it again, complete, once the last required
        answer comes from someone else."""
        if not await self.sharing.answered(turn, inspection, checklist, first):
            return
        owner = await turn.tx.inspections.get(inspection.id)
        if owner is None or owner.stage is not Stage.REVIEW:
            return
        t = await catalogue_of(turn.tx, owner.inspector_id)
        review = render_review(t, await self.publisher.snapshot(turn.tx, owner))
        turn.say(review, prompts.review_buttons(t, owner), chat_id=owner.inspector_id)

    async def _save(self, turn: Turn, inspection: Inspection, area_id: str, item_id: str, value: str) -> bool:
        """Saves an answer under the presser's name; True when the item had none before."""
        first = inspection.shared and await turn.tx.inspections.answer(inspection.id, item_id) is None
        await turn.tx.inspections.save_answer(inspection.id, area_id, item_id, value, turn.msg.person.id)
        return first

    def _answered(self, turn: Turn, checklist: Checklist, inspection: Inspection, chosen: str, notice: str = "") -> str:
        """The answered question's line in the message it was answered in, which the next question
        replaces: the chat stays a record of what was answered, and of what the answer hid or brought back."""
        _, _, _, item = checklist.at(inspection.pos)
        where = prompts.number(checklist, inspection.pos)
        line = turn.t.LOG_ANSWER.format(where=where, prompt=esc(item.prompt_in(turn.t.lang)), answer=esc(chosen))
        return f"{line}\n{notice}" if notice else line

    async def _tap_note(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        if token.action is not Action.SKIP:
            return False
        _, _, _, item = checklist.at(inspection.pos)
        answer = await turn.tx.inspections.answer(inspection.id, item.id)
        chosen = value_label(turn.t, item, answer.value) if answer else turn.t.SKIPPED
        await turn.carry(inspection.id, self._answered(turn, checklist, inspection, chosen))
        walk = await self.sharing.walk(turn.tx, inspection, checklist)
        await self.prompt(turn, await self._move(turn, inspection, flow.after_note(checklist, inspection.pos, walk)))
        return True

    async def _tap_photos(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        if token.action is not Action.DONE:
            return False
        _, area, _, item = checklist.at(inspection.pos)
        count = await turn.tx.photos.count(inspection.id, item.id)
        walk = await self.sharing.walk(turn.tx, inspection, checklist)
        if await self._turned_away(turn, inspection, checklist, walk):
            return True
        if count == 0 and item.photo is PhotoRule.REQUIRED:
            turn.toast(turn.t.PHOTO_REQUIRED)
            return True
        if kind_of(item).answered_by_photos:
            if count:
                first = await self._save(turn, inspection, area.id, item.id, str(count))
                await self._answered_shared(turn, inspection, checklist, first)
            else:
                await turn.tx.inspections.delete_answer(inspection.id, item.id)
        line = turn.t.LOG_PHOTOS.format(where=prompts.number(checklist, inspection.pos), count=count) if count else ""
        await turn.carry(inspection.id, line)
        await self.prompt(turn, await self._move(turn, inspection, flow.entry(checklist, inspection.pos + 1, walk)))
        return True

    async def _tap_remarks(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        agreed = inspection.stage is Stage.OPINION and token.action is Action.VALUE and token.arg == prompts.AGREE
        if agreed:  # the usual opinion in one tap, worded for the record, which is in Vietnamese
            await turn.tx.inspections.add_remark(inspection.id, RemarkKind.OPINION, VI.OPINION_AGREED)
        elif token.action not in (Action.DONE, Action.SKIP):
            return False
        following = flow.AFTER_REMARKS[inspection.stage]
        await turn.carry(inspection.id)
        await self.prompt(turn, await turn.tx.inspections.move(inspection, following, checklist.item_count))
        return True

    async def _tap_review(self, turn: Turn, inspection: Inspection, checklist: Checklist, token: Token) -> bool:
        if token.action is not Action.SUBMIT:
            return False
        missing = await self._first_missing(turn.tx, inspection, checklist)
        if missing is not None:
            turn.retire_buttons()
            where = prompts.position(turn.t, checklist, missing)
            holder = await self.sharing.holder_of(turn.tx, inspection, checklist.at(missing)[1].id)
            if holder is not None:  # someone else's area: the owner waits for them, and hears when it is done
                turn.say(turn.t.SHARE_WAITING.format(where=where, name=esc(holder)))
                await self.prompt(turn, await self._move(turn, inspection, (Stage.REVIEW, inspection.pos)))
                return True
            turn.say(turn.t.MISSING_REQUIRED.format(where=where))
            await self.prompt(turn, await self._move(turn, inspection, flow.entry(checklist, missing)))
            return True
        await trail.finish(turn.tx, inspection, Status.SUBMITTED, turn.msg.person)
        submitted = await turn.tx.inspections.get(inspection.id)
        assert submitted is not None
        await self.followups.create_for(turn.tx, submitted)
        snapshot = await self.publisher.snapshot(turn.tx, submitted)
        turn.retire_buttons()
        turn.say(turn.t.SUBMITTED.format(id=submitted.id, unit=esc(submitted.unit or "")))
        await self.publisher.publish(turn, snapshot)
        await self.sharing.closed(turn, submitted, Status.SUBMITTED)
        return True

    async def _first_missing(self, tx: Tx, inspection: Inspection, checklist: Checklist) -> int | None:
        """Back-and-forth navigation could in principle leave a required answer or photo behind."""
        answers = await tx.inspections.answers(inspection.id)
        out = conditions.ruled_out(checklist, answers)
        for pos in range(checklist.item_count):
            _, _, _, item = checklist.at(pos)
            if item.id in out:
                continue
            answer = answers.get(item.id)
            if item.required and answer is None:
                return pos
            needs_photo = item.photo is PhotoRule.REQUIRED and (answer is None or answer.value != Value.NA)
            if needs_photo and (item.required or answer) and await tx.photos.count(inspection.id, item.id) == 0:
                return pos
        return None

    # --- typed answers -------------------------------------------------------------------------

    async def text(self, turn: Turn, text: str) -> None:
        person = turn.msg.person
        inspection = await turn.tx.inspections.draft_of(person.id)
        if inspection is None:
            member = await turn.tx.teams.latest_of(person.id)
            turn.say(turn.t.IDLE_HINT if member else turn.t.STRANGER_HINT)
            return
        checklist = await self.versions.of(turn.tx, inspection)
        stage = inspection.stage
        text = text.strip()
        if not text and stage is not Stage.UNIT:
            # Telegram refuses blank messages, but other channels (and odd keyboards) may not.
            turn.say(turn.t.BLANK_TEXT)
            await self.prompt(turn, inspection)
            return
        if stage in TYPED and len(text) > TEXT_MAX:
            remark = stage in REMARK_KINDS
            refusal = turn.t.REMARK_TOO_LONG if remark else turn.t.TEXT_TOO_LONG
            turn.say(refusal.format(length=len(text), limit=TEXT_MAX))
            await self.prompt(turn, inspection)
            return
        if stage is Stage.UNIT:
            unit = " ".join(text.split())
            if "\n" in text or not UNIT_MIN <= len(unit) <= UNIT_MAX:
                turn.say(turn.t.UNIT_RULE)
                return
            await self._set_unit(turn, inspection, unit)
        elif stage is Stage.ITEM:
            await self._typed_answer(turn, inspection, checklist, text)
        elif stage is Stage.NOTE:
            _, _, _, item = checklist.at(inspection.pos)
            await turn.tx.inspections.save_note(inspection.id, item.id, text)
            walk = await self.sharing.walk(turn.tx, inspection, checklist)
            await self.prompt(
                turn, await self._move(turn, inspection, flow.after_note(checklist, inspection.pos, walk))
            )
        elif stage in REMARK_KINDS:
            await self._remark(turn, inspection, text)
        elif stage is Stage.PHOTOS:
            turn.say(turn.t.NEEDS_TEXT_PHOTO_STAGE)
            await self.prompt(turn, inspection)
        elif stage in (Stage.LOCATION, Stage.AREAS):
            await self.prompt(turn, inspection)
        else:
            turn.say(turn.t.NEEDS_REVIEW_BUTTON)
            await self.prompt(turn, inspection)

    async def _remark(self, turn: Turn, inspection: Inspection, text: str) -> None:
        kind, count = await self._remarks(turn.tx, inspection)
        done = [[prompts.button(inspection, turn.t.DONE, Action.DONE)]]
        if count >= REMARKS_MAX:
            turn.say(turn.t.REMARKS_FULL.format(limit=REMARKS_MAX), done, free_text=True)
            return
        saved = turn.t.REMARK_SAVED.format(count=count + 1)
        if kind is RemarkKind.REPRESENTATIVE:
            person = representative(text)
            if person is None:
                turn.say(turn.t.REPRESENTATIVE_FORMAT.format(text=esc(text[:80])), done, free_text=True)
                return
            text = f"{person.name} – {person.position}"
            saved = turn.t.REPRESENTATIVE_SAVED.format(
                count=count + 1, name=esc(person.name), position=esc(person.position)
            )
        await turn.tx.inspections.add_remark(inspection.id, kind, text)
        turn.say(saved, done, free_text=True)

    async def _typed_answer(self, turn: Turn, inspection: Inspection, checklist: Checklist, text: str) -> None:
        _, area, _, item = checklist.at(inspection.pos)
        reading = kind_of(item).read(turn.t, item, text)
        if reading.reply is not None:
            turn.say(reading.reply)
        value = reading.value
        if value is None:
            await self.prompt(turn, inspection)
            return
        walk = await self.sharing.walk(turn.tx, inspection, checklist)
        if await self._turned_away(turn, inspection, checklist, walk):
            return
        # A typed answer is never tested by a condition (`model.CHOSEN`), so the walk stands.
        first = await self._save(turn, inspection, area.id, item.id, value)
        await self._answered_shared(turn, inspection, checklist, first)
        target = flow.after_value(checklist, inspection.pos, value, walk)
        await self.prompt(turn, await self._move(turn, inspection, target))

    async def _set_unit(self, turn: Turn, inspection: Inspection, unit: str) -> None:
        await turn.tx.inspections.set_unit(inspection.id, unit)
        await self.prompt(turn, await turn.tx.inspections.move(inspection, Stage.LOCATION, 0))

    async def location(self, turn: Turn, location: Location) -> None:
        inspection = await turn.tx.inspections.draft_of(turn.msg.person.id)
        if inspection is None or inspection.stage is not Stage.LOCATION:
            turn.say(turn.t.LOCATION_NOT_NOW)
            return
        checklist = await self.versions.of(turn.tx, inspection)
        await turn.tx.inspections.set_location(inspection.id, location.latitude, location.longitude)
        turn.say(turn.t.LOCATION_SAVED)
        walk = await self.sharing.walk(turn.tx, inspection, checklist)
        await self.prompt(turn, await self._move(turn, inspection, flow.entry(checklist, 0, walk)))
