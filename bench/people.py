"""Simulated people: a user of the echo bot, and an inspector tapping through our checklist.

Each person does one thing at a time and waits for its answer, as people do; that also keeps them
inside the bot's per-person flood control (20 updates per 10 s), so no figure measures the bot
deliberately slowing someone down. A round trip is one update queued in the stand-in and the one reply
it is waiting for: for the echo bot its short text, for our bot the next question (on Telegram the
answered question's message rewritten into the next one, an editMessageText with buttons; a new
sendMessage when that message is full or a typed answer came in between).
"""

from __future__ import annotations

import asyncio
import io
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from PIL import Image, ImageDraw

from bench.harness import ReplyClock, ReplyTimeout, Trip
from bot.texts import catalogue as texts
from tests.standin import BotApiStandIn, FakeUser, SentMessage

FIRST_QUESTION = re.compile(r"Mục 1/\d+ · Câu 1/\d+")
PHOTO_SIDE = (4000, 3000)


@dataclass
class Outcome:
    """What a group of people measured: every completed round trip, and what went wrong."""

    trips: list[Trip] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Outcome) -> None:
        self.trips += other.trips
        self.errors.update(other.errors)


def _has_buttons(message: SentMessage) -> bool:
    return bool(message.buttons)


class Person:
    """Someone in a private chat with the bot; `last` is the bot message they will act on next."""

    def __init__(self, standin: BotApiStandIn, clock: ReplyClock, user: FakeUser, timeout: float) -> None:
        self.standin = standin
        self.clock = clock
        self.user = user
        self.timeout = timeout
        self.last: SentMessage | None = None

    async def say(self, text: str, expect: str | None = None, patience: float | None = None) -> Trip:
        def wanted(message: SentMessage) -> bool:
            return expect in message.text if expect else _has_buttons(message)

        trip = await self.clock.round_trip(
            self.user.id, lambda: self.standin.send_text(self.user, text), wanted, patience or self.timeout
        )
        self.last = trip.reply
        return trip

    async def tap(self, label: str, expect: str | None = None, patience: float | None = None) -> Trip:
        """Presses the button labelled exactly `label` on `last` and waits for the next message with buttons."""
        assert self.last is not None
        message = self.last
        data = next((d for row in message.buttons for text, d in row if text == label and d), None)
        if data is None:
            raise LookupError(f"no button {label!r} in {message.describe()}")

        def wanted(reply: SentMessage) -> bool:
            return (expect in reply.text) if expect else _has_buttons(reply)

        trip = await self.clock.round_trip(
            self.user.id,
            lambda: self.standin.tap_data(self.user, message.chat_id, message.message_id, data),
            wanted,
            patience or self.timeout,
        )
        self.last = trip.reply
        return trip

    async def step(self) -> Trip:
        """One action that the bot answers with a message with buttons (each kind of person has its own)."""
        raise NotImplementedError

    async def rounds(self, count: int, think: float = 0.0) -> Outcome:
        """`count` steps, one at a time; stops at the first one without its reply, as its state is then unknown.

        `think` > 0 waits a random 0.5–1.5 × `think` seconds before each step, like a person reading the
        question; 0 is a closed loop where the next tap follows the reply at once.
        """
        return await self._walk(count, lambda _: think * random.uniform(0.5, 1.5) if think > 0 else 0.0)

    async def paced(self, count: int, period: float, offset: float) -> Outcome:
        """`count` steps on a timetable, one every `period` seconds from `offset`: an offered load.

        Unlike `rounds`, a slow reply does not slow the person down: the next tap is due at its time
        (at once, if the reply came later), so a bot that falls behind shows it in its latency
        instead of quietly being asked for less.
        """
        loop = asyncio.get_running_loop()
        start = loop.time() + offset
        return await self._walk(count, lambda index: start + index * period - loop.time())

    async def _walk(self, count: int, pause: Callable[[int], float]) -> Outcome:
        outcome = Outcome()
        for index in range(count):
            await asyncio.sleep(max(0.0, pause(index)))
            try:
                outcome.trips.append(await self.step())
            except ReplyTimeout:
                outcome.errors["timeout"] += 1
                break
            except LookupError:
                outcome.errors["unexpected prompt"] += 1
                break
        return outcome

    async def send_photo(self, image: bytes, expect: str | None) -> Trip:
        def wanted(reply: SentMessage) -> bool:
            return (expect in reply.text) if expect else _has_buttons(reply)

        trip = await self.clock.round_trip(
            self.user.id, lambda: self.standin.send_photo(self.user, image), wanted, self.timeout
        )
        if trip.reply.buttons:
            self.last = trip.reply
        return trip


class EchoUser(Person):
    """Taps the echo bot's only button again and again."""

    async def step(self) -> Trip:
        return await self.tap("Tiếp ▶️")


class Inspector(Person):
    """Walks our checklist by buttons only: forward while a tap can answer, then back to the start.

    Forward it answers Đạt or Có, finishes optional photo steps with Xong and skips optional items (a
    text, several choices); at the first item a tap cannot answer (a number, or photos that are
    required) it turns and
    presses Quay lại back to the first question. Both directions are what inspectors do, both cost one
    engine step, one SQLite transaction and one rewrite of the tapped message, and the walk never ends.
    """

    forward: bool = True

    async def join(self, code: str, unit: str, patience: float) -> None:
        await self.say(f"/start {code}", "tham gia đoàn", patience)
        await self.say("/inspect", "Đơn vị được kiểm tra", patience)
        await self.say(unit, "Gửi vị trí", patience)
        await self.tap(texts.VI.SKIP, "Mục 1/", patience)

    def choice(self) -> str:
        assert self.last is not None
        labels, text = self.last.button_labels, self.last.text
        if not self.forward and FIRST_QUESTION.search(text):
            self.forward = True
        if self.forward:
            if "Đạt" in labels:
                return "Đạt"
            if "Có" in labels:
                return "Có"
            if texts.VI.DONE in labels and "không bắt buộc" in text:
                return texts.VI.DONE
            if texts.VI.SKIP in labels:
                return texts.VI.SKIP
            self.forward = False
        return texts.VI.BACK

    async def step(self) -> Trip:
        return await self.tap(self.choice())

    async def to_photo_step(self, limit: int = 60) -> None:
        """Forward to the first optional evidence-photo question, where a photo is what is asked for."""
        self.forward = True
        for _ in range(limit):
            assert self.last is not None
            if "Ảnh minh chứng" in self.last.text and texts.VI.DONE in self.last.button_labels:
                return
            await self.step()
        raise LookupError("no photo step reached")


@cache
def _photo_texture() -> Image.Image:
    """Gradient plus noise: compresses like a phone photo (about 3.4 MB at quality 85), unlike a flat image."""
    width, height = PHOTO_SIDE
    base = Image.linear_gradient("L").resize((width, height))
    return Image.merge(
        "RGB", [Image.blend(base, Image.effect_noise((width, height), 30 + 5 * i), 0.4) for i in range(3)]
    )


def phone_photo(index: int) -> bytes:
    """A 12-megapixel JPEG, different bytes for every index (the bot stores photos by SHA-256)."""
    image = _photo_texture().copy()
    ImageDraw.Draw(image).rectangle((100 + 40 * index, 100, 900 + 40 * index, 600), fill=(240, 240, 240))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()
