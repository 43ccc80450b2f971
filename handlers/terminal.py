"""The terminal as a channel, for `python -m bot demo` (`app.demo` wires it to a store and an engine).

The terminal is a channel like Telegram or Zalo:
each line becomes one engine event, each reply is printed as plain text with its buttons as a numbered
menu (`bot.menus`). A line starting with `/` is a command, unless it is the path of a file; otherwise
it is a choice from the menu shown last, by number, label or synonym (but at a number question a
number is the answer); otherwise the path of a file, sent as a photo; otherwise `mẫu`, the next drawn
sample photo (`--sample-photos`); otherwise text. A line that looks like a path but names no file is
refused here, so a typo is not taken for an answer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import mimetypes
import secrets
import textwrap
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TextIO

from PIL import Image, ImageDraw, ImageFont

from bot.checklist.model import Checklist, ItemType
from bot.conversation import flow
from bot.engine import Engine
from bot.events import (
    Button,
    Chat,
    ChatKind,
    Command,
    Edit,
    Event,
    Incoming,
    Person,
    PhotoIn,
    Photos,
    Reply,
    Say,
    Tap,
    Text,
    Toast,
)
from bot.texts import catalogue as texts
from bot.texts.menus import choose, flatten, fold, render
from bot.texts.plain import html_to_text
from storage.clock import utcnow
from storage.models import Inspection, OutboxStatus, Stage, Status
from storage.port import Store

# What the demo says comes from the message catalogue (DEMO_* keys); the demo speaks Vietnamese.
T = texts.VI
PROMPT = "› "

# ------------------------------------------------------------------------------------------------------

DEMO_PERSON = Person(id=1, name=T.DEMO_PERSON, language_code=T.lang)
PRIVATE = Chat(id=DEMO_PERSON.id, kind=ChatKind.PRIVATE)
GROUP = Chat(id=-1, kind=ChatKind.GROUP)
SAMPLE_DIR = "anh-mau"
SAMPLE_WORDS = frozenset({"mau", "sample"})
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
WIDTH = 79
EXIT_UNFINISHED = 1
EXIT_INTERRUPTED = 130

Reader = Callable[[], Awaitable[str]]
"""The next line with its newline, or "" at the end of input, as `readline` has it."""


def show(out: TextIO, text: str) -> None:
    """Wrapped for an 80-column terminal, a list item under its own text; paths and links are never
    broken, so that they can be copied."""
    print("\n".join(_wrap(line) for line in text.split("\n")), file=out, flush=True)


def _wrap(line: str) -> str:
    if len(line) <= WIDTH:
        return line
    body = line.lstrip()
    indent = " " * (len(line) - len(body) + (2 if body.startswith("• ") else 0))
    return textwrap.fill(line, WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def stdin_reader(stream: TextIO) -> Reader:
    """Reads each line in a daemon thread: a thread blocked in `readline` must not keep the process alive
    after Ctrl+C, as a worker of asyncio's default executor would until the next Enter."""

    def read() -> Awaitable[str]:
        line: concurrent.futures.Future[str] = concurrent.futures.Future()

        def work() -> None:
            try:
                line.set_result(stream.readline())
            except Exception as error:
                line.set_exception(error)

        threading.Thread(target=work, daemon=True).start()
        return asyncio.wrap_future(line)

    return read


def typed_path(line: str) -> Path:
    """A path as typed, or as a terminal pastes a dropped file (quoted, spaces escaped). Only `~/` is
    expanded: a note may well start with `~50%`, which names no user's home."""
    path = line.strip("'\"").replace("\\ ", " ")
    return Path.home() / path[2:] if path.startswith("~/") else Path(path)


def existing_file(line: str) -> Path | None:
    candidate = typed_path(line)
    try:
        return candidate if candidate.is_file() else None
    except (OSError, ValueError):  # a long note is no file name, however the file system words it
        return None


def looks_like_path(line: str) -> bool:
    """A mistyped photo path is better told apart than passed on as a command or an answer."""
    rooted = line.startswith(("/", "~/", "./", "../")) and "/" in line[1:]
    return rooted or typed_path(line).suffix.lower() in IMAGE_SUFFIXES


class TerminalChannel:
    """One person at the terminal, in their private chat with the bot, through the real engine."""

    def __init__(
        self, engine: Engine, store: Store, read: Reader, out: TextIO, *, interactive: bool, samples: list[Path] | None
    ) -> None:
        self.engine = engine
        self.store = store
        self.read = read
        self.out = out
        self.interactive = interactive
        self.samples: Iterator[Path] | None = itertools.cycle(samples) if samples else None
        # A kept data directory remembers the keys of earlier runs, and the engine ignores a key it has seen.
        self.run = secrets.token_hex(4)
        self.numbers = itertools.count(1)
        self.menu: list[Button] = []
        self.menu_id = 0
        self.draft: Inspection | None = None
        self.checklist: Checklist | None = None

    async def play(self) -> int | None:
        """The id of the inspection once it is submitted; None when the input ends first."""
        await self._form_team()
        submitted = await self._turn(Command(name="inspect"))
        while submitted is None:
            line = await self._ask()
            if line is None:
                return None
            event = self._event(line)
            if event is not None:
                submitted = await self._turn(event)
        return submitted

    async def _form_team(self) -> None:
        """As on Telegram: an administrator sends /newteam in the team's group, the inspector opens the
        invitation. One line says so; the group's own chatter would only distract."""
        await self._send(GROUP, Command(name="newteam", args=T.DEMO_TEAM))
        async with self.store.reading() as tx:
            team = await tx.teams.by_group(GROUP.id)
        assert team is not None, "the engine made no team of the demo group"
        await self._send(PRIVATE, Command(name="start", args=team.invite_code))
        show(self.out, T.DEMO_TEAM_READY.format(team=team.name))

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
        choice = None if self._number_expected(line) else choose(line, self.menu)
        if choice is not None:
            return Tap(data=choice.data)
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

    def _number_expected(self, line: str) -> bool:
        """At a number question "1" is the count asked for, not the menu's first choice (⬅️ Quay lại)."""
        if self.draft is None or self.checklist is None or self.draft.stage is not Stage.ITEM:
            return False
        item = self.checklist.at(self.draft.pos)[3]
        return item.type is ItemType.NUMBER and flow.parse_number(line) is not None

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

    async def _turn(self, event: Event) -> int | None:
        """Sends one event from the private chat and shows what came back; the id of the inspection this
        event submitted, if it did."""
        replies = await self._send(PRIVATE, event)
        to_group = self._show(replies)
        before = self.draft
        ended = await self._look()
        if ended is not None and ended.status is Status.SUBMITTED:
            self._show_group(to_group)
            return ended.id
        now = self.draft
        if now is not None and (before is None or (before.stage, before.pos) != (now.stage, now.pos)):
            self._hint(now.stage)
        return None

    async def _send(self, chat: Chat, event: Event) -> list[Reply]:
        tapped = self.menu_id if isinstance(event, Tap) else None
        key = f"demo:{self.run}:{next(self.numbers)}"
        msg = Incoming(key=key, person=DEMO_PERSON, chat=chat, event=event, tapped_message_id=tapped)
        replies = await self.engine.handle(msg)
        await self._mark_delivered()
        return replies

    async def _mark_delivered(self) -> None:
        """The replies are printed as soon as they come back, so their outbox rows are marked sent, as a
        channel's outbox worker would: a kept data directory holds nothing that looks undelivered."""
        now = utcnow()
        async with self.store.transaction() as tx:
            for chat_id in await tx.delivery.outbox_due_chats(now):
                while (row := await tx.delivery.outbox_next(chat_id, now)) is not None:
                    await tx.delivery.outbox_finish(row.id, OutboxStatus.SENT)

    async def _look(self) -> Inspection | None:
        """Reads the person's draft and its checklist, and returns the inspection that just stopped being a
        draft, if one did: hints, the meaning of a typed number and the end of the demo follow what is
        stored, not the wording of the replies."""
        before, left = self.draft, None
        async with self.store.reading() as tx:
            draft = await tx.inspections.draft_of(DEMO_PERSON.id)
            body = await tx.inspections.checklist_body(draft.checklist_id, draft.checklist_version) if draft else None
            if before is not None and (draft is None or draft.id != before.id):
                left = await tx.inspections.get(before.id)
        self.draft = draft
        self.checklist = Checklist.model_validate_json(body) if body else None
        return left

    def _show(self, replies: list[Reply]) -> list[Say | Photos]:
        """Prints what the private chat gets and returns what the group gets."""
        if any(isinstance(r, Edit) and r.chat_id == PRIVATE.id and r.message_id == self.menu_id for r in replies):
            self.menu = []  # the engine retired the buttons just used; what is printed stays printed
        to_group: list[Say | Photos] = []
        for reply in replies:
            if isinstance(reply, Toast):  # a terminal has no pop-ups
                show(self.out, "\n" + T.DEMO_TOAST.format(text=reply.text))
            elif isinstance(reply, Say) and reply.chat_id == PRIVATE.id:
                show(self.out, "\n" + html_to_text(reply.html))
                if reply.buttons:
                    self.menu, self.menu_id = flatten(reply.buttons), self.menu_id + 1
                    show(self.out, render(self.menu))
            elif isinstance(reply, Say | Photos) and reply.chat_id == GROUP.id:
                to_group.append(reply)
        return to_group

    def _show_group(self, replies: list[Say | Photos]) -> None:
        show(self.out, "\n" + T.DEMO_GROUP_HEADER)
        for reply in replies:
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


# --- sample photos: what an inspector photographs at a one-stop counter ---------------------------------

SIZE = (1600, 1200)
INK = (40, 40, 40)
GREY = (150, 150, 150)
BLUE = (25, 80, 160)
RED = (180, 30, 30)
YELLOW = (250, 215, 60)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans comes with matplotlib (a dependency) and, unlike Pillow's own font, has every
    Vietnamese diacritic; imported here so the demo starts fast without --sample-photos."""
    from matplotlib import get_data_path

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(get_data_path()) / "fonts" / "ttf" / name), size)


def _text_lines(draw: ImageDraw.ImageDraw, left: int, top: int, width: int, count: int, gap: int = 34) -> None:
    """Grey bars standing for printed lines, of varying length like real text."""
    for line in range(count):
        length = width if line % 4 != 3 else width * 3 // 5
        draw.rectangle((left, top + line * gap, left + length - (line * 37) % 90, top + line * gap + 12), fill=GREY)


def _notice_board(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(232, 224, 205))
    draw.rectangle((120, 100, 1480, 1020), fill=(250, 250, 245), outline=BLUE, width=18)
    draw.rectangle((138, 118, 1462, 230), fill=BLUE)
    draw.text((800, 174), "NIÊM YẾT THỦ TỤC HÀNH CHÍNH", font=_font(64, bold=True), fill="white", anchor="mm")
    for column, row in itertools.product(range(4), range(2)):
        left, top = 175 + column * 325, 265 + row * 375
        draw.rectangle((left, top, left + 280, top + 345), fill="white", outline=GREY, width=3)
        draw.rectangle((left + 25, top + 25, left + 255, top + 45), fill=INK)
        _text_lines(draw, left + 25, top + 75, 230, 8)
    draw.rectangle((0, 1100, SIZE[0], SIZE[1]), fill=(170, 150, 120))


def _counter(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(222, 232, 240))
    draw.rectangle((0, 60, SIZE[0], 230), fill=RED)
    draw.text((800, 145), "BỘ PHẬN MỘT CỬA", font=_font(96, bold=True), fill=YELLOW, anchor="mm")
    draw.rectangle((80, 690, 1520, 760), fill=(200, 170, 120))
    draw.rectangle((100, 760, 1500, 1200), fill=(150, 105, 60))
    for desk in range(3):
        left = 170 + desk * 450
        draw.rectangle((left + 60, 420, left + 320, 600), fill=(35, 35, 40))
        draw.rectangle((left + 170, 600, left + 210, 690), fill=(80, 80, 80))
        draw.rectangle((left, 830, left + 380, 910), fill="white", outline=BLUE, width=5)
        draw.text((left + 190, 870), f"Quầy số {desk + 1}", font=_font(44, bold=True), fill=BLUE, anchor="mm")


def _name_badge(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(120, 85, 55))
    draw.line((640, 0, 760, 200), fill=BLUE, width=40)
    draw.line((960, 0, 840, 200), fill=BLUE, width=40)
    draw.rounded_rectangle((520, 190, 1080, 1110), radius=40, fill="white", outline=GREY, width=4)
    draw.rounded_rectangle((520, 190, 1080, 330), radius=40, fill=RED)
    draw.rectangle((520, 290, 1080, 330), fill=RED)
    draw.text((800, 262), "UBND XÃ CỔ LŨNG", font=_font(48, bold=True), fill="white", anchor="mm")
    draw.rectangle((660, 380, 940, 720), fill=(205, 215, 230))
    draw.ellipse((740, 430, 860, 560), fill=(110, 120, 140))
    draw.pieslice((680, 580, 920, 820), 180, 360, fill=(110, 120, 140))
    draw.text((800, 800), "NGUYỄN THỊ HOA", font=_font(50, bold=True), fill=INK, anchor="mm")
    draw.text((800, 880), "Công chức Bộ phận Một cửa", font=_font(38), fill=INK, anchor="mm")
    draw.text((800, 1000), "Số thẻ: 0127", font=_font(34), fill=GREY, anchor="mm")


def _mailbox(draw: ImageDraw.ImageDraw) -> None:
    draw.rectangle((0, 0, *SIZE), fill=(236, 236, 228))
    draw.rectangle((1130, 160, 1500, 600), fill="white", outline=GREY, width=3)
    draw.text((1315, 215), "Đường dây nóng", font=_font(34, bold=True), fill=INK, anchor="mm")
    _text_lines(draw, 1170, 280, 290, 8)
    draw.rectangle((340, 330, 1060, 960), fill=BLUE, outline=(15, 50, 110), width=10)
    draw.rectangle((520, 400, 880, 430), fill=(10, 20, 40))
    draw.text((700, 560), "HỘP THƯ GÓP Ý", font=_font(64, bold=True), fill="white", anchor="mm")
    draw.text((700, 660), "Tiếp nhận phản ánh, kiến nghị", font=_font(38), fill="white", anchor="mm")
    draw.text((700, 710), "về thủ tục hành chính", font=_font(38), fill="white", anchor="mm")
    draw.rectangle((660, 960, 740, 1200), fill=(90, 90, 90))


SAMPLES: dict[str, Callable[[ImageDraw.ImageDraw], None]] = {
    "1-bang-niem-yet.jpg": _notice_board,
    "2-quay-mot-cua.jpg": _counter,
    "3-the-ten.jpg": _name_badge,
    "4-hop-thu-gop-y.jpg": _mailbox,
}


def draw_samples(folder: Path) -> list[Path]:
    """Phone-sized JPEGs of what an inspector photographs, each marked as a sample so that nobody
    takes it for evidence."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, scene in SAMPLES.items():
        image = Image.new("RGB", SIZE)
        draw = ImageDraw.Draw(image)
        scene(draw)
        draw.rectangle((1120, 1130, 1590, 1190), fill=(255, 255, 255))
        draw.text((1355, 1160), "ẢNH MẪU · CHẠY THỬ", font=_font(34, bold=True), fill=RED, anchor="mm")
        path = folder / name
        image.save(path, "JPEG", quality=85)
        paths.append(path)
    return paths
