"""The terminal as a channel (`handlers.channel.Channel`), for `python -m bot demo`.

One person at the terminal, in their private chat with the bot, through the real engine and the real
outbox. Each line becomes one engine event; each reply the outbox delivers is printed as plain text
with its buttons as a numbered menu (`handlers.menus`). A line starting with `/` is a command, unless
it is the path of a file; otherwise it is a choice from the menu shown last, by number, label or
synonym (but where a typed answer is expected a number is that answer); otherwise the path of a file,
sent as a photo; otherwise `mẫu`, the next drawn sample photo (`--sample-photos`); otherwise text. A
line that looks like a path but names no file is refused here, so a typo is not taken for an answer.
The team's group chat is simulated: what it receives is printed once the inspection is submitted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import mimetypes
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.checklist.model import Checklist
from bot.conversation import flow
from bot.engine import Engine
from bot.events import (
    Abilities,
    Chat,
    ChatKind,
    Command,
    Edit,
    Event,
    Incoming,
    Owed,
    Person,
    PhotoIn,
    Photos,
    Say,
    Tap,
    Text,
    Toast,
)
from bot.texts import catalogue as texts
from bot.texts.plain import html_to_text
from handlers.identities import Identities
from handlers.menus import Menu, fold, render
from handlers.outbox import Failure, OutboxWorker, Step
from handlers.terminal.console import PROMPT, Reader, existing_file, looks_like_path, show, typed_path
from storage.models import Inspection, Stage, Status, Team
from storage.port import Store

# What the demo says comes from the message catalogue (DEMO_* keys); the demo speaks Vietnamese.
T = texts.VI
NAME = "terminal"
ABILITIES = Abilities(groups=True, buttons=False, albums=False, files=False, edits=False, own_ids=False)
# The ids the terminal's person and simulated group have on this channel; a kept data directory keeps
# the bot's ids for them, so a later run continues the same draft.
PERSON, GROUP = "person", "group"
SAMPLE_WORDS = frozenset({"mau", "sample"})
INVITE_LINK = "https://t.me/kiemtra_demo_bot?start={code}"


class TerminalChannel:
    name = NAME
    abilities = ABILITIES

    def __init__(
        self,
        store: Store,
        identities: Identities,
        read: Reader,
        out: TextIO,
        *,
        interactive: bool,
        samples: list[Path] | None,
        speaker: str | None = None,
    ) -> None:
        self.store = store
        # `--as NAME`: a second member at the same terminal, who joins the shared draft of an earlier run.
        self.speaker = speaker
        self.identities = identities
        self.read = read
        self.out = out
        self.interactive = interactive
        self.samples: Iterator[Path] | None = itertools.cycle(samples) if samples else None
        # A kept data directory remembers the keys of earlier runs, and the engine ignores a key it has seen.
        self.run = secrets.token_hex(4)
        self.numbers = itertools.count(1)
        self.person = Person(id=0, name=speaker or T.DEMO_PERSON, language_code=T.lang)
        self.private = Chat(id=0, kind=ChatKind.PRIVATE)
        self.group = Chat(id=0, kind=ChatKind.GROUP)
        self.menu: Menu | None = None
        self.menu_id = 0
        self.to_group: list[Say | Photos] = []
        self.printing = True
        self.draft: Inspection | None = None
        self.checklist: Checklist | None = None
        self._play: asyncio.Task[int | None] | None = None

    # --- the Channel ---------------------------------------------------------------------------

    async def open(self) -> None:
        me = PERSON if self.speaker is None else f"{PERSON}:{fold(self.speaker)}"
        person, group = await self.identities.ids(NAME, [me, GROUP])
        self.person = self.person.model_copy(update={"id": person})
        self.private = Chat(id=person, kind=ChatKind.PRIVATE)
        self.group = Chat(id=group, kind=ChatKind.GROUP)

    def invite_link(self, code: str) -> str:
        return INVITE_LINK.format(code=code)

    async def start(self, engine: Engine, outbox: OutboxWorker) -> None:
        self._play = asyncio.create_task(self._inspect(engine, outbox), name="terminal")

    async def finished(self) -> int | None:
        """The id of the inspection once it is submitted; None when the input ends first."""
        assert self._play is not None, "the channel was not started"
        return await self._play

    @property
    def part_done(self) -> bool:
        """A member of `--as` who answered every area they took: the rest is the owner's to submit."""
        draft, checklist = self.draft, self.checklist
        if draft is None or checklist is None or draft.seat_of is None:
            return False
        return draft.stage is Stage.AREAS and draft.pos >= checklist.item_count

    async def stop(self) -> None:
        if self._play is not None and not self._play.done():
            self._play.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._play

    async def close(self) -> None:
        """Nothing to release: the terminal stays the process's own."""

    def steps(self, reply: Owed) -> list[Step]:
        async def deliver() -> None:
            self._deliver(reply)

        return [deliver]

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        """Printing does not fail in ways worth retrying."""
        return None

    def _deliver(self, reply: Owed) -> None:
        if isinstance(reply, Say | Photos) and reply.chat_id == self.group.id:
            self.to_group.append(reply)
        elif isinstance(reply, Say) and self.printing and reply.chat_id == self.private.id:
            show(self.out, "\n" + html_to_text(reply.html))
            # Replaced by every message, so a reply is read against what the person saw last.
            self.menu, self.menu_id = Menu.of(reply), self.menu_id + 1
            if self.menu.items:
                show(self.out, render(self.menu.items))
        elif isinstance(reply, Edit) and reply.message_id == self.menu_id:
            self.menu = None  # the engine retired the buttons just used; what is printed stays printed

    # --- the inspection --------------------------------------------------------------------------

    async def _inspect(self, engine: Engine, outbox: OutboxWorker) -> int | None:
        team = await self._form_team(engine, outbox)
        if self.speaker is None:
            submitted = await self._turn(engine, outbox, Command(name="inspect"))
        else:
            async with self.store.reading() as tx:
                shared = [draft.id for draft in await tx.inspections.drafts_of_team(team.id) if draft.shared]
            if not shared:
                show(self.out, T.DEMO_NOTHING_SHARED)
                return None
            submitted = await self._turn(engine, outbox, Command(name="join", args=str(shared[-1])))
        while submitted is None:
            line = await self._ask()
            if line is None:
                return None
            event = self._event(line)
            if event is not None:
                submitted = await self._turn(engine, outbox, event)
        return submitted

    async def _form_team(self, engine: Engine, outbox: OutboxWorker) -> Team:
        """As on Telegram: an administrator sends /newteam in the team's group, the inspector opens the
        invitation. One line says so; what the bot says to them meanwhile would only distract."""
        self.printing = False
        await self._send(engine, outbox, self.group, Command(name="newteam", args=T.DEMO_TEAM))
        async with self.store.reading() as tx:
            team = await tx.teams.by_group(self.group.id)
        assert team is not None, "the engine made no team of the demo group"
        await self._send(engine, outbox, self.private, Command(name="start", args=team.invite_code))
        self.printing = True
        ready = T.DEMO_TEAM_READY if self.speaker is None else T.DEMO_MEMBER_READY
        show(self.out, ready.format(team=team.name, name=self.person.name))
        return team

    async def _ask(self) -> str | None:
        """The next line that says something; None at the end of input. A piped line is echoed after the
        prompt, so that the output reads as a conversation."""
        while True:
            if self.interactive:
                self.out.write(PROMPT)
                self.out.flush()
            raw = await self.read()
            if not raw:
                if self.interactive:
                    self.out.write("\n")
                return None
            line = raw.strip()
            if line and not self.interactive:
                show(self.out, PROMPT + line)
            if line:  # chat apps send no empty messages, and an answers file may use blank lines freely
                return line

    def _event(self, line: str) -> Event | None:
        """What a line means; None when the demo answers it itself (a missing file, a sample asked for
        without samples)."""
        path = existing_file(line)
        if path is None and looks_like_path(line):
            show(self.out, T.DEMO_NO_SUCH_FILE.format(path=typed_path(line)))
            return None
        if line.startswith("/"):
            if path is not None:  # an absolute path, not a command
                return self._photo(path)
            name, _, args = line[1:].partition(" ")
            return Command(name=name.lower(), args=args.strip())
        choice = self.menu.read(line) if self.menu is not None else None
        if isinstance(choice, Tap):
            return choice
        if path is not None:
            return self._photo(path)
        if fold(line) in SAMPLE_WORDS and self._taking_photos():
            if self.samples is None:
                show(self.out, T.DEMO_NO_SAMPLES)
                return None
            sample = next(self.samples)
            show(self.out, T.DEMO_SAMPLE_SENT.format(name=sample.name))
            return self._photo(sample)
        return Text(text=line)

    def _taking_photos(self) -> bool:
        if self.draft is None or self.checklist is None:
            return False
        return flow.accepts_photos(self.checklist, self.draft.stage, self.draft.pos)

    def _photo(self, path: Path) -> PhotoIn:
        """Sent as a file is on Telegram: the engine checks its type and size before it reads a byte."""

        async def fetch() -> bytes:
            return await asyncio.to_thread(path.read_bytes)

        mime, _ = mimetypes.guess_type(path.name)
        return PhotoIn(fetch=fetch, declared_size=path.stat().st_size, as_document=True, mime_type=mime)

    async def _turn(self, engine: Engine, outbox: OutboxWorker, event: Event) -> int | None:
        """Sends one event from the private chat and shows what came back; the id of the inspection this
        event submitted, if it did."""
        self.to_group.clear()
        await self._send(engine, outbox, self.private, event)
        before = self.draft
        ended = await self._look(engine)
        if ended is not None and ended.status is Status.SUBMITTED:
            self._show_group()
            return ended.id
        now = self.draft
        if now is not None and (before is None or (before.stage, before.pos) != (now.stage, now.pos)):
            self._hint(now.stage)
        return None

    async def _send(self, engine: Engine, outbox: OutboxWorker, chat: Chat, event: Event) -> None:
        """One event through the engine; its notices at once (a terminal has no pop-ups), then whatever the
        outbox delivers for it."""
        tapped = self.menu_id if isinstance(event, Tap) else None
        key = f"demo:{self.run}:{next(self.numbers)}"
        msg = Incoming(key=key, channel=NAME, person=self.person, chat=chat, event=event, tapped_message_id=tapped)
        for reply in await engine.handle(msg):
            if isinstance(reply, Toast):
                show(self.out, "\n" + T.DEMO_TOAST.format(text=reply.text))
        await outbox.idle()

    async def _look(self, engine: Engine) -> Inspection | None:
        """Reads the person's draft and its checklist, and returns the inspection that just stopped being a
        draft, if one did: hints, photos and the end of the demo follow what is stored, not the wording of
        the replies."""
        before, left = self.draft, None
        async with self.store.reading() as tx:
            draft = await tx.inspections.draft_of(self.person.id)
            self.checklist = await engine.versions.of(tx, draft) if draft is not None else None
            if before is not None and (draft is None or draft.id != before.id):
                left = await tx.inspections.get(before.id)
        self.draft = draft
        return left

    def _show_group(self) -> None:
        show(self.out, "\n" + T.DEMO_GROUP_HEADER)
        for reply in self.to_group:
            text = (
                html_to_text(reply.html)
                if isinstance(reply, Say)
                else T.DEMO_GROUP_PHOTOS.format(count=len(reply.photos))
            )
            show(self.out, text)

    def _hint(self, stage: Stage) -> None:
        """What a terminal does differently, said once where it matters."""
        if stage is Stage.LOCATION:
            show(self.out, T.DEMO_LOCATION_HINT)
        elif stage is Stage.PHOTOS:
            show(self.out, T.DEMO_PHOTO_HINT if self.samples is None else T.DEMO_PHOTO_HINT_SAMPLES)
