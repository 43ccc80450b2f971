"""The engine: one incoming event in, the replies it owes out.

Each event is handled inside one database transaction that records the delivery key, the effect
and the new cursor together; the replies are only returned after the commit. So a redelivered
event is a no-op, and a crash before the commit loses nothing the user was told was saved.
Nothing here knows which chat channel is speaking. This module routes each event to the part that
handles it: the inspection conversation in a private chat (`bot.conversation.inspection`), the team's
commands and buttons in its group (`bot.team`), photos (`bot.photos`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from bot.buttons import GroupAction, decode_amend, decode_group
from bot.checklist.versions import ChecklistVersions
from bot.conversation.amend import Amender
from bot.conversation.inspection import Conversation
from bot.conversation.sharing import Sharing
from bot.events import (
    Abilities,
    ChatKind,
    Command,
    Edited,
    GroupMoved,
    Incoming,
    Location,
    PhotoIn,
    Reply,
    Tap,
    Text,
)
from bot.photos.intake import PhotoIntake
from bot.photos.proofs import ProofIntake
from bot.photos.receiving import PhotoReceiver
from bot.team.followups import FollowUps
from bot.team.publishing import Publisher
from bot.team.reporting import Reports
from bot.team.roster import Roster
from bot.team.rounds import Rounds
from bot.team.teams import JOIN_LENGTH, Teams
from bot.team.titles import Titles
from bot.texts import catalogue as texts
from bot.turn import Turn, catalogue_for, owe
from storage.models import PromptStage
from storage.port import Store

TEAM_COMMANDS = frozenset({"summary", "round", "endround", "report", "followups", "stats", "newcode", "members"})
# Said in a private chat about one's own draft; /status in the group tells the team's drafts instead.
DRAFT_COMMANDS = frozenset({"status", "resume", "cancel", "team", "leave"})


class Engine:
    def __init__(
        self,
        store: Store,
        checklists: ChecklistVersions,
        *,
        admins: frozenset[int],
        invite_link: Callable[[str], str],
        abilities: Mapping[str, Abilities],
        photo_dir: Path,
        max_photo_bytes: int,
        followup_days: int = 30,
    ) -> None:
        self.store = store
        self.abilities = abilities
        self.versions = checklists
        self.teams = Teams(admins, invite_link)
        self.publisher = Publisher(self.versions, photo_dir, abilities)
        receiver = PhotoReceiver(store, photo_dir, max_photo_bytes)
        self.sharing = Sharing(self.versions)
        self.intake = PhotoIntake(self.versions, receiver, self.sharing)
        self.rounds = Rounds(self.versions, self.teams)
        self.titles = Titles()
        self.roster = Roster(self.teams)
        self.followups = FollowUps(self.versions, self.teams, followup_days)
        self.proofs = ProofIntake(self.followups, receiver)
        self.reports = Reports(self.versions)
        self.conversation = Conversation(self.versions, self.publisher, self.followups, self.sharing)
        self.amender = Amender(self.versions, self.teams, self.followups)

    async def start(self) -> None:
        """Records the checklists in use, so inspections keep the questions they were asked."""
        async with self.store.transaction() as tx:
            await self.versions.register(tx)

    async def knows(self, person_id: int) -> bool:
        """Someone the bot works for: an administrator or a member of a team. The channels give everyone
        else a slower pace of their own."""
        if person_id in self.teams.admins:
            return True
        async with self.store.reading() as tx:
            return await tx.teams.latest_of(person_id) is not None

    async def handle(self, msg: Incoming) -> list[Reply]:
        if isinstance(msg.event, PhotoIn):
            if msg.chat.kind is ChatKind.GROUP:
                return await self.proofs.receive(msg, msg.event)
            return await self.intake.receive(msg, msg.event)
        async with self.store.transaction() as tx:
            if not await tx.delivery.claim_update(msg.key):
                return []
            turn = Turn(tx, msg, await catalogue_for(tx, msg), edits=self.abilities[msg.channel].edits)
            if msg.chat.kind is ChatKind.GROUP:
                await self._group(turn)
            else:
                await self._private(turn)
            replies = await turn.settled()
            await owe(tx, replies)
            return replies

    # --- routing -------------------------------------------------------------------------------

    async def _group(self, turn: Turn) -> None:
        event = turn.msg.event
        if isinstance(event, GroupMoved):
            await turn.tx.teams.move_group(turn.msg.chat.id, event.new_chat_id)
            return
        if isinstance(event, Tap):
            await self._group_tap(turn, event.data)
            return
        if isinstance(event, Text):
            # In privacy mode the bot sees only replies to itself: the answer to a question it asked.
            prompt = await self.followups.current_prompt(turn.tx, turn.msg.chat.id, turn.msg.person.id)
            if prompt is not None and prompt.stage is PromptStage.BASIS:
                await self.rounds.basis_reply(turn, prompt, event.text)
            else:
                await self.followups.text(turn, event.text)
            return
        if not isinstance(event, Command):
            return  # people talk in the group; the bot answers commands only
        name = event.name
        if name == "newteam":
            await self.teams.create(turn, event.args)
        elif name in ("help", "start"):
            turn.say(turn.t.HELP)
        elif name == "myid":
            turn.say(turn.t.MYID.format(id=turn.msg.person.id))
        elif name in ("inspect", "resume", "cancel", "amend", "lang", "chucvu", "xungho", "team", "leave"):
            turn.say(turn.t.PRIVATE_ONLY)
        elif name in TEAM_COMMANDS or name == "status":
            await self._team_command(turn, name, event.args)

    async def _team_command(self, turn: Turn, name: str, args: str) -> None:
        """Commands about the team's work: only in its group, only for its members."""
        team = await turn.tx.teams.by_group(turn.msg.chat.id)
        if team is None:
            turn.say(turn.t.NOT_TEAM_GROUP)
            return
        if not await self.teams.is_member(turn.tx, team, turn.msg.person.id):
            turn.say(turn.t.MEMBERS_ONLY)
            return
        if name == "summary":
            await self.publisher.on_request(turn, team, args)
        elif name == "round":
            await self.rounds.command(turn, team, args)
        elif name == "endround":
            await self.rounds.ask_end(turn, team)
        elif name == "report":
            await self.reports.command(turn, team, args)
        elif name == "followups":
            await self.followups.command(turn, team, args)
        elif name == "stats":
            await self.reports.stats(turn, team)
        elif name == "newcode":
            await self.teams.renew(turn, team)
        elif name == "members":
            await self.roster.command(turn, team)
        elif name == "status":
            await self.sharing.group_status(turn, team)

    async def _group_tap(self, turn: Turn, data: str) -> None:
        token = decode_group(data)
        team = await turn.tx.teams.by_group(turn.msg.chat.id)
        if token is None or team is None:
            turn.toast(turn.t.STALE_BUTTON if team else turn.t.NOT_TEAM_GROUP)
            return
        if not await self.teams.is_member(turn.tx, team, turn.msg.person.id):
            turn.toast(turn.t.MEMBERS_ONLY)
            return
        if token.action in (GroupAction.REPORT, GroupAction.RECORD):
            await self.reports.tap(turn, team, token)
        elif token.action is GroupAction.END_ROUND:
            await self.rounds.tap_end(turn, team, token)
        elif token.action is GroupAction.ROUND_BASIS:
            await self.rounds.tap_basis(turn, team, token)
        elif token.action is GroupAction.ROUND_CHECKLIST:
            await self.rounds.checklist.tap(turn, team, token)
        elif token.action is GroupAction.MEMBER:
            await self.roster.tap(turn, team, token)
        elif token.action is GroupAction.JOIN:
            await self.sharing.join(turn, team, token.subject)
        else:
            await self.followups.tap(turn, team, token)

    async def _private(self, turn: Turn) -> None:
        event = turn.msg.event
        if isinstance(event, Command):
            await self._command(turn, event)
        elif isinstance(event, Tap):
            token = decode_group(event.data)
            if token is not None and token.action is GroupAction.TITLE:
                await self.titles.tap(turn, token)
            elif token is not None and token.action is GroupAction.TEAM:
                await self.conversation.pick_team(turn, token)
            elif decode_amend(event.data) is not None:
                await self.amender.tap(turn, event.data)
            else:
                await self.conversation.tap(turn, event.data)
        elif isinstance(event, Text):
            # A correction under way takes what is typed (a value, a note, its reason) before the draft does.
            amending = await self.amender.active(turn.tx, turn.msg.person.id)
            if amending is not None:
                await self.amender.text(turn, amending, event.text)
            else:
                await self.conversation.text(turn, event.text)
        elif isinstance(event, Location):
            await self.conversation.location(turn, event)
        elif isinstance(event, Edited):
            turn.say(turn.t.EDITED_IGNORED)
        else:
            turn.say(turn.t.UNSUPPORTED)

    async def _command(self, turn: Turn, command: Command) -> None:
        name, person = command.name, turn.msg.person
        if name == "start" and command.args:
            await self.teams.join(turn, command.args.strip())
        elif name == "join":
            code = command.args.strip().lstrip("#")
            if code.isdigit() and len(code) < JOIN_LENGTH:
                await self._join_inspection(turn, int(code))
            elif code:
                await self.teams.join(turn, code, short=True)
            else:
                turn.say(turn.t.JOIN_USAGE)
        elif name in ("start", "help"):
            turn.say(turn.t.HELP)
        elif name == "myid":
            # Administrators are named by their id; a channel whose ids are the bot's own has none to give.
            own_ids = self.abilities[turn.msg.channel].own_ids
            turn.say(turn.t.MYID.format(id=person.id) if own_ids else turn.t.MYID_ELSEWHERE)
        elif name == "lang":
            await self._language(turn, command.args)
        elif name == "chucvu":
            await self.titles.position(turn, command.args)
        elif name == "xungho":
            await self.titles.salutation(turn, command.args)
        elif name == "inspect":
            await self.conversation.inspect(turn)
        elif name == "amend":
            await self.amender.command(turn, command.args)
        elif name == "newteam":
            turn.say(turn.t.NEWTEAM_IN_PRIVATE)
        elif name in TEAM_COMMANDS:
            turn.say(turn.t.GROUP_ONLY)
        elif name == "resume" and (amending := await self.amender.active(turn.tx, person.id)) is not None:
            await self.amender.resume(turn, amending)
        elif name in DRAFT_COMMANDS:
            inspection = await turn.tx.inspections.draft_of(person.id)
            if inspection is None:
                turn.say(turn.t.NO_DRAFT)
            elif name == "status":
                await self.conversation.status(turn, inspection)
            elif name == "resume":
                await self.conversation.prompt(turn, inspection)
            elif name == "team":
                await self.sharing.invite(turn, inspection)
            elif name == "leave":
                await self.sharing.leave(turn, inspection)
            elif inspection.seat_of is not None:
                turn.say(turn.t.SHARE_CANCEL_PARTICIPANT.format(id=inspection.id))
            else:
                self.conversation.ask_cancel(turn, inspection)
        else:
            turn.say(turn.t.UNKNOWN_COMMAND)

    async def _join_inspection(self, turn: Turn, inspection_id: int) -> None:
        """`/join <id>`: where there are no buttons (Zalo), joining a shared inspection by its number."""
        inspection = await turn.tx.inspections.get(inspection_id)
        team = await turn.tx.teams.get(inspection.team_id) if inspection else None
        if team is None:
            turn.say(turn.t.SHARE_OTHER_TEAM.format(id=inspection_id))
            return
        await self.sharing.join(turn, team, inspection_id)

    async def _language(self, turn: Turn, args: str) -> None:
        """`/lang vi|en`: kept per person, and answered in the language just chosen."""
        lang = args.strip().lower()
        if lang not in texts.LANGUAGES:
            turn.say(turn.t.LANG_USAGE)
            return
        await turn.tx.people.set_language(turn.msg.person.id, lang)
        turn.say(texts.catalogue(lang).LANG_SET)
