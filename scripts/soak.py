"""Soak test: many inspectors on bad connections while the bot process is SIGKILLed at random moments.

The bot promises that every update Telegram delivered is stored exactly once and that every reply it
owes is eventually delivered, whatever fails. That promise lives in the seams between
python-telegram-bot's Updater, the durable inbox, the engine's transaction and the outbox worker,
and only the real process - killed at arbitrary instructions while real HTTP traffic flows - tests
those seams together. Unit tests cannot kill a process between two awaits.

What runs:

* the Bot API stand-in (``tests.standin``) in this script's event loop, on 127.0.0.1 only;
* ``python -m bot`` as a child process, exactly as deployed, pointed at the stand-in;
* an administrator who creates the team with ``/newteam`` in the group;
* N simulated inspectors (asyncio tasks) who join through the invitation link and each run a whole
  inspection: unit, location skipped, every checklist question answered by buttons, typed numbers
  and texts, notes after Không đạt / Một phần, photos (single, albums, files), recommendations, and
  "Gửi kết quả". They behave like people on a bad connection: after each action they wait a little
  for the bot's next question; when nothing comes they ask where they are (``/status`` then
  ``/resume``) and carry on from the question shown;
* a killer that SIGKILLs the bot ``--kills`` times, spread over the run, and restarts it at once;
* optionally (``--faults SHARE``) 429 / 500 / 502 answers and dropped connections on that share of
  the bot's sends.

Each inspector keeps a ledger of what it sent. At the end the bot is drained and stopped with
SIGTERM and the ledger is compared with the SQLite database (read-only) and with what the stand-in
saw the bot send. Delivery of replies is at least once, so duplicates are counted, not failed.

Run from the repository root::

    .venv/bin/python -m scripts.soak --inspectors 10 --kills 5 --seed 1
    .venv/bin/python -m scripts.soak --inspectors 20 --kills 15 --faults 0.2
    .venv/bin/python -m scripts.soak --short          # 8-question checklist, for CI

Exit code 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from PIL import Image, ImageDraw

from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist
from bot.checklist.model import NUMERIC, Checklist, Item, ItemType, PhotoRule
from handlers.split import split_html
from tests.standin import BotApiStandIn, FakeUser, Revision, SentMessage
from tests.standin.models import Fault

ROOT = Path(__file__).resolve().parent.parent
GROUP_ID = -1001234567890
ADMIN = FakeUser(id=5001, first_name="Trần", last_name="Trưởng Đoàn", username="truongdoan")
FIRST_INSPECTOR_ID = 610_000
TEXT_LIMIT = 4096

# Only the bot's deliveries fail: the promise under test is that replies survive failures.
FAULTY_METHODS = frozenset({"sendmessage", "editmessagetext", "sendmediagroup", "sendphoto"})
# Settings the bot reads from the environment; the parent's must not leak into the child.
BOT_SETTINGS_PREFIXES = ("TELEGRAM_", "ADMIN_", "DATA_", "CHECKLIST_", "BOT_", "WEBHOOK_", "MAX_PHOTO", "BACKUP_")

# Fragments of what the bot says (bot/texts.py), as a person would recognise them.
JOINED = "Bạn đã tham gia đoàn"
ALREADY_MEMBER = "Bạn đã là thành viên đoàn"
TEAM_CREATED = "Đã tạo đoàn"
TEAM_EXISTS = "Nhóm này đã là nhóm của đoàn"
ASK_UNIT = "Đơn vị được kiểm tra"
HAS_DRAFT = "Bạn đang có phiên #"
NO_DRAFT = "Bạn không có phiên kiểm tra nào đang mở"
NOT_MEMBER = "Bạn chưa thuộc đoàn"
ASK_LOCATION = "Gửi vị trí hiện tại"
ASK_NOTE = "Mô tả ngắn tồn tại"
ASK_PHOTOS = "Ảnh minh chứng"
ASK_RECOMMENDATIONS = "Kiến nghị của đơn vị"
ASK_STRENGTHS = "Kết quả đạt được khác"
ASK_REPRESENTATIVES = "Đại diện đơn vị được kiểm tra"
ASK_OPINION = "Ý kiến của đơn vị được kiểm tra"
STATUS = "Đang ở:"
MISSING_REQUIRED = "Còn câu bắt buộc chưa trả lời"
ERROR_REPLY = "Bot gặp lỗi khi xử lý"
SLOW_DOWN = "Bạn đang gửi quá nhanh"
SKIP = "Bỏ qua"
DONE = "Xong"
SUBMIT = "Gửi kết quả"

INVITE_LINK = re.compile(r"https://t\.me/\S+\?start=(\S+)")
INSPECTION_NO = re.compile(r"Phiên kiểm tra #(\d+)")
BUTTON_DATA = re.compile(r"^[a-z]:(\d+):(\d+):")
HEADER = re.compile(r"Mục (\d+)/(\d+) · Câu (\d+)/(\d+)")
STATUS_COUNTS = re.compile(r"Đã trả lời (\d+)/(\d+) câu · 📷 (\d+) ảnh")
PHOTO_TOTAL = re.compile(r"Câu này có (\d+) ảnh")
REMARK_COUNT = re.compile(r"Đã ghi \((\d+)\)")
SUBMITTED = re.compile(r"Đã gửi kết quả phiên #(\d+)")
SUMMARY = re.compile(r"KẾT QUẢ KIỂM TRA #(\d+)\b")

VALUE_LABELS = {
    "pass": "Đạt",
    "fail": "Không đạt",
    "partial": "Một phần",
    "na": "Không áp dụng",
    "yes": "Có",
    "no": "Không",
}
NEEDS_NOTE = frozenset({"fail", "partial"})
# (what the inspector types, what the bot must store): the ways Vietnamese people write numbers.
NUMBER_FORMS = (("95", "95"), ("95%", "95"), ("12,5", "12.5"), ("1.234", "1234"), ("0", "0"), ("1.234,5", "1234.5"))
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
GIVEN_NAMES = ("Văn An", "Thị Bình", "Minh Châu", "Quốc Dũng", "Thu Hà", "Đức Huy", "Ngọc Lan", "Hữu Phúc")
POLL_SECONDS = 0.03

# A short checklist for CI: every kind of question and photo rule, in three areas.
SHORT_CHECKLIST = """\
id: soak-rut-gon
version: 1
title: Bảng kiểm rút gọn cho kiểm thử độ bền
areas:
  - id: chi-dao
    title: Chỉ đạo, điều hành công tác kiểm soát TTHC
    items:
      - id: ke-hoach
        prompt: Đã ban hành kế hoạch kiểm soát TTHC năm nay?
        type: rating
      - id: co-du-thao
        prompt: Trong kỳ, đơn vị có dự thảo văn bản quy định TTHC không?
        type: yesno
      - id: ghi-chu
        prompt: Ghi chú khác (nếu có)
        type: text
        required: false
  - id: cong-khai
    title: Công bố, công khai TTHC
    items:
      - id: niem-yet
        prompt: TTHC niêm yết khớp danh mục đã công bố?
        type: rating
        photo: optional
      - id: anh-niem-yet
        prompt: Chụp ảnh toàn cảnh khu vực niêm yết TTHC
        type: photo
        photo: required
  - id: giai-quyet
    title: Giải quyết TTHC
    items:
      - id: ty-le-dung-han
        prompt: Tỷ lệ hồ sơ giải quyết đúng hạn trong kỳ (%)?
        type: number
      - id: co-so-vat-chat
        prompt: Trang thiết bị của Bộ phận Một cửa đáp ứng yêu cầu?
        type: rating
        photo: optional
      - id: anh-mot-cua
        prompt: Chụp ảnh toàn cảnh Bộ phận Một cửa
        type: photo
        photo: required
"""


class SoakTimeout(Exception):
    """The run's time budget is spent; whatever is still waiting gives up."""


class BotCrashed(Exception):
    """The bot process exited on its own or never started polling."""


# --- configuration --------------------------------------------------------------------------------


@dataclass
class SoakConfig:
    inspectors: int = 10
    kills: int = 5
    seed: int = 1
    faults: float = 0.0
    timeout: float = 600.0
    short: bool = False
    checklist: Path | None = None
    data_dir: Path | None = None
    keep: bool = False
    kill_delay: tuple[float, float] = (0.3, 3.0)
    # Shorter than a restart plus replay now and then, so that some inspectors have to recover.
    patience: tuple[float, float] = (0.8, 4.0)
    think: float = 0.2
    # Share of actions after which the phone loses the connection: the reply is not seen and the
    # inspector re-checks with /status and /resume. Restarts are fast, so without this the recovery
    # path (and its check of the /status counts against the ledger) would rarely run.
    flaky: float = 0.1
    recovery_wait: float = 20.0
    verbose: bool = False


def parse_args(argv: Sequence[str] | None = None) -> SoakConfig:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.soak",
        description="Soak test: inspectors on bad connections while the bot is SIGKILLed at random moments.",
    )
    parser.add_argument("--inspectors", type=int, default=10, help="simulated inspectors (default 10)")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs spread over the run (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--faults", type=float, default=0.0, metavar="SHARE", help="share of sends failing with 429/5xx/drop"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="hard limit for the whole run, seconds")
    parser.add_argument("--short", action="store_true", help="use an 8-question checklist (the CI form)")
    parser.add_argument("--checklist", type=Path, help="checklist YAML passed to the bot as CHECKLIST_FILE")
    parser.add_argument("--data-dir", type=Path, help="DATA_DIR for the bot (default: a new temporary dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary DATA_DIR even on success")
    parser.add_argument("--think", type=float, default=0.2, help="longest pause before each action, seconds")
    parser.add_argument(
        "--flaky", type=float, default=0.1, help="share of actions after which an inspector re-checks (default 0.1)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="narrate kills and recoveries")
    args = parser.parse_args(argv)
    if args.inspectors < 1 or args.kills < 0 or not 0.0 <= args.faults < 1.0 or args.timeout <= 0:
        parser.error("need --inspectors >= 1, --kills >= 0, 0 <= --faults < 1 and --timeout > 0")
    if args.short and args.checklist:
        parser.error("--short and --checklist exclude each other")
    return SoakConfig(
        inspectors=args.inspectors,
        kills=args.kills,
        seed=args.seed,
        faults=args.faults,
        timeout=args.timeout,
        short=args.short,
        checklist=args.checklist,
        data_dir=args.data_dir,
        keep=args.keep,
        think=args.think,
        flaky=args.flaky,
        verbose=args.verbose,
    )


# --- the stand-in with spread-out faults ----------------------------------------------------------


class FaultyStandIn(BotApiStandIn):
    """The Bot API stand-in, failing a share of the bot's sends the way Telegram and its nginx do.

    ``inject_fault`` fails the *next* N calls of a method, which clusters failures in time; a soak
    wants them spread over the whole run, so this subclass decides call by call. Explicitly
    injected faults still come first.
    """

    def __init__(self, share: float, rng: random.Random) -> None:
        super().__init__()
        self.share = 0.0
        self.target_share = share
        self.rng = rng

    def enable_faults(self) -> None:
        """Called once the bot polls: start-up is not what this soak is about."""
        self.share = self.target_share

    def _take_fault(self, name: str) -> Fault | None:
        explicit = super()._take_fault(name)
        if explicit is not None or self.share <= 0 or name.lower() not in FAULTY_METHODS:
            return explicit
        if self.rng.random() >= self.share:
            return None
        kind = self.rng.choice(("429", "500", "502", "drop"))
        if kind == "drop":
            return Fault(drop=True)
        return Fault(status=int(kind), retry_after=1)


# --- the bot process ------------------------------------------------------------------------------


def _read_from(path: Path, offset: int) -> str:
    if not path.exists():
        return ""
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", "replace")


def _file_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(_read_from(path, 0).splitlines()[-lines:])


class BotProcess:
    """``python -m bot`` exactly as deployed, so that SIGKILL lands at an arbitrary instruction."""

    START_SECONDS = 30.0

    def __init__(self, tg: BotApiStandIn, data_dir: Path, checklist_file: Path | None, log_path: Path) -> None:
        self.tg = tg
        self.data_dir = data_dir
        self.checklist_file = checklist_file
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(BOT_SETTINGS_PREFIXES)}
        env.update(
            TELEGRAM_BOT_TOKEN=self.tg.TOKEN,
            TELEGRAM_BASE_URL=self.tg.base_url,
            TELEGRAM_BASE_FILE_URL=self.tg.base_file_url,
            DATA_DIR=str(self.data_dir),
            ADMIN_IDS=str(ADMIN.id),
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        if self.checklist_file is not None:
            env["CHECKLIST_FILE"] = str(self.checklist_file)
        return env

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> float:
        """Starts the bot and returns how long it took until it was polling again."""
        began = time.monotonic()
        log_offset = _file_size(self.log_path)
        calls_before = len(self.tg.calls)
        log_fd = os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            # cwd is DATA_DIR so that a developer's .env in the repository is not read.
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                env=self.environment(),
                cwd=self.data_dir,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_fd,
                stderr=asyncio.subprocess.STDOUT,
            )
        finally:
            os.close(log_fd)
        self.starts += 1
        # "is running" is logged after start_polling; a getUpdates recorded after the spawn could
        # still come from the killed process's last request, so both are required.
        running = False
        while True:
            if self.process.returncode is not None:
                raise BotCrashed(f"the bot exited with {self.process.returncode}:\n{_tail(self.log_path)}")
            running = running or "is running" in _read_from(self.log_path, log_offset)
            if running and any(name == "getUpdates" for name, _ in self.tg.calls[calls_before:]):
                return time.monotonic() - began
            if time.monotonic() - began > self.START_SECONDS:
                raise BotCrashed(
                    f"the bot did not start polling in {self.START_SECONDS:.0f} s:\n{_tail(self.log_path)}"
                )
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
        if self.process is not None:
            await self.process.wait()

    async def stop(self, grace: float = 30.0) -> int | None:
        """SIGTERM, as systemd or Docker would send; returns the exit code (None if it had to be killed)."""
        if self.process is None:
            return None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                await self.kill()
                return None
        return self.process.returncode


# --- photos ---------------------------------------------------------------------------------------


def make_image(label: str, token: int, fmt: Literal["JPEG", "PNG"]) -> bytes:
    """A real picture whose bytes are unique (the label and token are drawn on it), so SHA-256
    identifies every photo an inspector sent through Telegram, the bot's disk and the database."""
    rng = random.Random(token)
    width, height = rng.choice(((480, 360), (640, 480), (600, 800)))
    image = Image.new("RGB", (width, height), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(width - 60), rng.randrange(height - 40)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.rectangle((x, y, x + rng.randrange(20, 60), y + rng.randrange(10, 40)), fill=colour)
    draw.rectangle((8, 8, width - 8, 40), fill=(250, 250, 250))
    draw.text((14, 16), f"{label} #{token:016x}", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return buffer.getvalue()


@dataclass(frozen=True)
class Batch:
    """One thing an inspector sends for a photo question: a photo, an album, or an image file."""

    kind: Literal["photo", "album", "document"]
    count: int
    png: bool = False


@dataclass
class ItemPlan:
    """What this inspector answers for one question - the same every time the question comes back."""

    value: str | None
    typed: str | None = None
    note: str | None = None
    batches: list[Batch] = field(default_factory=list)


@dataclass
class Prompt:
    index: int
    message: SentMessage
    step: int


# --- one inspector --------------------------------------------------------------------------------


class Inspector:
    """A person with a phone on a bad connection, and the ledger of everything they sent."""

    def __init__(self, soak: Soak, index: int) -> None:
        self.soak = soak
        self.tg = soak.tg
        self.cfg = soak.cfg
        self.checklist = soak.checklist
        self.index = index
        rng = random.Random(f"{soak.cfg.seed}:inspector:{index}")
        self.rng = rng
        self.user = FakeUser(
            id=FIRST_INSPECTOR_ID + index,
            first_name=SURNAMES[index % len(SURNAMES)],
            last_name=f"{GIVEN_NAMES[index % len(GIVEN_NAMES)]} {index + 1}",
        )
        self.name = f"{self.user.first_name} {self.user.last_name}"
        self.chat_id = self.user.id
        self.unit = f"UBND xã Thử Nghiệm số {index + 1:02d} <{soak.cfg.seed}> & Co"
        self.patience = rng.uniform(*soak.cfg.patience)
        self.remark_plan = {
            "recommendation": rng.randint(0, 2),
            "strength": rng.randint(0, 1),
            "representative": rng.randint(0, 2),
            "opinion": rng.randint(0, 1),
        }
        # the ledger
        self.inspection_id: int | None = None
        self.answers: dict[str, tuple[str, str | None]] = {}
        self.photos: dict[str, str] = {}
        self.photo_counts: Counter[str] = Counter()
        self.batches_done: Counter[str] = Counter()
        self.remarks: list[tuple[str, str]] = []
        self.update_ids: list[int] = []
        # where the conversation stands
        self.plans: dict[str, ItemPlan] = {}
        self.step_kinds: dict[int, tuple[str, Item | None]] = {}
        self.pending_step: int | None = None
        self.submit_sent = False
        self.submitted = False
        self.progress = 0.0
        self.recoveries = 0
        self.anomalies: list[str] = []

    # -- input -------------------------------------------------------------------------------------

    def _record(self, *update_ids: int) -> None:
        self.update_ids.extend(update_ids)
        self.soak.updates_sent += len(update_ids)

    def send_text(self, text: str) -> None:
        self._record(self.tg.send_text(self.user, text))

    def tap(self, message: SentMessage, wanted: Callable[[str], bool]) -> None:
        matches = [data for row in message.buttons for label, data in row if wanted(label) and data]
        if len(matches) != 1:
            raise AssertionError(f"{self.name}: no single matching button in {message.describe()}")
        self._record(self.tg.tap_data(self.user, self.chat_id, message.message_id, matches[0]))

    def messages(self) -> list[SentMessage]:
        return self.tg.sent(self.chat_id)

    def anomaly(self, text: str) -> None:
        self.anomalies.append(f"{self.name} (#{self.inspection_id}): {text}")
        self.soak.say(f"ANOMALY {self.anomalies[-1]}")

    async def wait_new(
        self, start: int, wanted: Callable[[SentMessage], bool], within: float
    ) -> tuple[int, SentMessage] | None:
        """The first message from position ``start`` on that is wanted, or None after ``within`` s."""
        until = time.monotonic() + within
        while True:
            messages = self.messages()
            for index in range(start, len(messages)):
                if not messages[index].deleted and wanted(messages[index]):
                    return index, messages[index]
            self.soak.check_deadline()
            if time.monotonic() >= until:
                return None
            await asyncio.sleep(POLL_SECONDS)

    # -- reading the chat --------------------------------------------------------------------------

    def step_of(self, message: SentMessage) -> int | None:
        """The cursor step a question was asked at: from its buttons, or 0 for the unit question."""
        for row in message.buttons:
            for _, data in row:
                match = BUTTON_DATA.match(data or "")
                if match:
                    if self.inspection_id is None:
                        self.inspection_id = int(match[1])
                    return int(match[2]) if int(match[1]) == self.inspection_id else None
        if ASK_UNIT in message.text and (match := INSPECTION_NO.search(message.text)):
            if self.inspection_id is None:
                self.inspection_id = int(match[1])
            return 0 if int(match[1]) == self.inspection_id else None
        return None

    def freshest(self) -> Prompt | None:
        """The question with the highest step - the bot's latest cursor, whatever order replies came in."""
        best: Prompt | None = None
        for index, message in enumerate(self.messages()):
            if message.deleted:
                continue
            step = self.step_of(message)
            if step is not None and (best is None or step >= best.step):
                best = Prompt(index, message, step)
        return best

    def classify(self, prompt: Prompt) -> tuple[str, Item | None]:
        text = prompt.message.text
        kind: str | None = None
        item: Item | None = None
        if any(SUBMIT in label for label in prompt.message.button_labels):
            kind = "review"  # a long review is split; only its last part, with the buttons, is the prompt
        elif ASK_UNIT in text:
            kind = "unit"
        elif ASK_LOCATION in text:
            kind = "location"
        elif header := HEADER.search(text):
            area = self.checklist.areas[int(header[1]) - 1]
            item = area.items[int(header[3]) - 1]
            kind = "note" if ASK_NOTE in text else "photos" if ASK_PHOTOS in text else "item"
        elif ASK_RECOMMENDATIONS in text:
            kind = "recommendation"
        elif ASK_STRENGTHS in text:
            kind = "strength"
        elif ASK_REPRESENTATIVES in text:
            kind = "representative"
        elif ASK_OPINION in text:
            kind = "opinion"
        if kind is None:  # an acknowledgement (photos, remarks) carries the step of its question
            return self.step_kinds.get(prompt.step, ("unknown", None))
        self.step_kinds[prompt.step] = (kind, item)
        return kind, item

    # -- the plan ----------------------------------------------------------------------------------

    def plan_for(self, item: Item) -> ItemPlan:
        if item.id in self.plans:
            return self.plans[item.id]
        rng = random.Random(f"{self.cfg.seed}:{self.index}:{item.id}")
        plan = ItemPlan(value=None)
        if item.type is ItemType.RATING:
            plan.value = rng.choices(("pass", "fail", "partial", "na"), weights=(50, 20, 20, 10))[0]
        elif item.type is ItemType.YESNO:
            plan.value = rng.choice(("yes", "no"))
        elif item.type in NUMERIC:
            plan.typed, plan.value = rng.choice([form for form in NUMBER_FORMS if _fits(item, form[1])])
        elif item.type is ItemType.CHOICES and (rng.random() < 0.8 or item.required):
            options = item.options or []
            chosen = set(rng.sample([option.value for option in options], rng.randint(1, len(options))))
            plan.value = " ".join(option.value for option in options if option.value in chosen)
        elif item.type is ItemType.TEXT and (rng.random() < 0.6 or item.required):
            plan.value = plan.typed = f"{self.name} ghi cho «{item.id}»: hồ sơ <mẫu 01> & sổ theo dõi"
        if plan.value in NEEDS_NOTE:
            plan.note = f"{self.name}: tồn tại ở {item.id} – thiếu mẫu đơn <TK-{self.index}> & phiếu hẹn"
        if item.type is ItemType.PHOTO:
            plan.batches = [self._batch(rng) for _ in range(rng.randint(1, 2))]
        elif item.takes_photos and plan.value != "na" and rng.random() < 0.5:
            plan.batches = [self._batch(rng)]
        self.plans[item.id] = plan
        return plan

    @staticmethod
    def _batch(rng: random.Random) -> Batch:
        kind = rng.choices(("photo", "album", "document"), weights=(45, 35, 20))[0]
        if kind == "album":
            return Batch("album", rng.randint(2, 4))
        if kind == "document":
            return Batch("document", 1, png=rng.random() < 0.4)
        return Batch("photo", 1)

    # -- the life of an inspector ------------------------------------------------------------------

    async def run(self, invite_code: str) -> None:
        await self.join(invite_code)
        await self.open()
        while not self.submitted:
            if self.inspection_id is None:
                await self.open()
                continue
            prompt = self.freshest()
            if prompt is None or (self.pending_step is not None and prompt.step <= self.pending_step):
                await self.recover()
                continue
            await asyncio.sleep(self.rng.uniform(0, self.cfg.think))
            if not await self.act(prompt) or (not self.submitted and self.rng.random() < self.cfg.flaky):
                await self.recover()
        self.progress = 1.0

    async def join(self, code: str) -> None:
        within = self.patience
        while True:
            start = len(self.messages())
            self.send_text(f"/start {code}")
            if await self.wait_new(start, lambda m: JOINED in m.text or ALREADY_MEMBER in m.text, within):
                return
            within = self.cfg.recovery_wait  # the bot may be restarting: tap the link again, wait longer

    async def open(self) -> None:
        while self.inspection_id is None:
            start = len(self.messages())
            self.send_text("/inspect")
            found = await self.wait_new(
                start, lambda m: ASK_UNIT in m.text or HAS_DRAFT in m.text or NOT_MEMBER in m.text, self.patience
            )
            if found is not None and NOT_MEMBER in found[1].text:
                self.anomaly("/inspect answered 'not a member' although joining was confirmed")
                return
            if found is None or HAS_DRAFT in found[1].text:
                await self.recover()
            else:
                self.step_of(found[1])

    async def act(self, prompt: Prompt) -> bool:
        """One action on the current question; True when the bot's reaction arrived in time."""
        kind, item = self.classify(prompt)
        message = prompt.message
        if kind == "unit":
            return await self.step_action(prompt, lambda: self.send_text(self.unit))
        if kind == "location":
            return await self.step_action(prompt, lambda: self.tap(message, lambda label: SKIP in label))
        if kind == "review":
            self.submit_sent = True
            return await self.step_action(prompt, lambda: self.tap(message, lambda label: SUBMIT in label))
        if kind in self.remark_plan:
            return await self.remark(prompt, kind)
        if item is None:
            raise AssertionError(f"{self.name}: a question this inspector cannot place: {message.describe()}")
        pos = self.checklist.find(item.id)
        if pos is not None:
            self.progress = max(self.progress, 0.95 * pos[0] / self.checklist.item_count)
        plan = self.plan_for(item)
        if kind == "note":
            value = self.answers.get(item.id, (None, None))[0]
            if value is None:
                self.anomaly(f"asked for a note on {item.id}, which this inspector had not answered")
                value = "?"
            self.answers[item.id] = (value, plan.note)
            note = plan.note or "Ghi chú"
            return await self.step_action(prompt, lambda: self.send_text(note))
        if kind == "photos":
            return await self.photos_step(prompt, item, plan)
        return await self.answer(prompt, item, plan)

    async def answer(self, prompt: Prompt, item: Item, plan: ItemPlan) -> bool:
        message = prompt.message
        if item.type in (ItemType.RATING, ItemType.YESNO):
            assert plan.value is not None
            label = VALUE_LABELS[plan.value]
            self.answers[item.id] = (plan.value, None)
            return await self.step_action(prompt, lambda: self.tap(message, lambda text: text == label))
        if item.type is ItemType.CHOICES and plan.value is not None:
            return await self.choose(prompt, item, plan.value)
        if plan.value is None:  # an optional question this inspector leaves empty
            self.answers.pop(item.id, None)
            return await self.step_action(prompt, lambda: self.tap(message, lambda text: SKIP in text))
        self.answers[item.id] = (plan.value, None)
        typed = plan.typed or plan.value
        return await self.step_action(prompt, lambda: self.send_text(typed))

    async def choose(self, prompt: Prompt, item: Item, wanted: str) -> bool:
        """Several choices: one press per option to put in (or take out, after a recovery), each showing
        the question again with the chosen ones marked ✅ and stored, then «Xong»."""
        message = prompt.message
        options = item.options or []
        chosen = {option.value for option in options if f"✅ {option.label}" in message.button_labels}
        press = next(
            (option for option in options if (option.value in wanted.split()) != (option.value in chosen)), None
        )
        if press is None:
            self.answers[item.id] = (wanted, None)
            return await self.step_action(prompt, lambda: self.tap(message, lambda label: DONE in label))
        after = " ".join(option.value for option in options if (option.value in chosen) != (option is press))
        if after:
            self.answers[item.id] = (after, None)
        else:
            self.answers.pop(item.id, None)
        labels = (press.label, f"✅ {press.label}")
        return await self.step_action(prompt, lambda: self.tap(message, lambda label: label in labels))

    async def photos_step(self, prompt: Prompt, item: Item, plan: ItemPlan) -> bool:
        done = self.batches_done[item.id]
        text = prompt.message.text
        shows_none = ASK_PHOTOS in text and "Đã có" not in text
        if done >= len(plan.batches) and item.photo is PhotoRule.REQUIRED and shows_none and self.photo_counts[item.id]:
            # The bot holds none of the photos sent for this question ("Xong" would be refused):
            # a person sends one more. Any loss is caught by /status and the final checks.
            plan.batches.append(Batch("photo", 1))
        if done >= len(plan.batches):
            count = self.photo_counts[item.id]
            if item.type is ItemType.PHOTO:
                if count:
                    self.answers[item.id] = (str(count), None)
                else:
                    self.answers.pop(item.id, None)
            return await self.step_action(prompt, lambda: self.tap(prompt.message, lambda label: DONE in label))
        batch = plan.batches[done]
        label = f"{self.index}:{item.id}:{done}"
        images = [await self.soak.new_image(f"{label}:{n}", batch.png) for n in range(batch.count)]
        total = self.photo_counts[item.id] + len(images)
        start = len(self.messages())
        for data in images:
            self.photos[hashlib.sha256(data).hexdigest()] = item.id
        self.photo_counts[item.id] = total
        self.batches_done[item.id] += 1
        if batch.kind == "album":
            self._record(*self.tg.send_album(self.user, images))
        elif batch.kind == "document":
            name, mime = ("bang.png", "image/png") if batch.png else ("anh-chup.jpg", "image/jpeg")
            self._record(self.tg.send_document(self.user, images[0], name, mime))
        else:
            self._record(self.tg.send_photo(self.user, images[0]))
        # An album is acknowledged once, when it has been quiet for a moment (bot/turn.py).
        within = self.patience + (2.0 if batch.kind == "album" else 0.0)
        return await self.wait_new(start, lambda m: f"Câu này có {total} ảnh" in m.text, within) is not None

    async def remark(self, prompt: Prompt, kind: str) -> bool:
        written = sum(1 for k, _ in self.remarks if k == kind)
        if written >= self.remark_plan[kind]:
            message = prompt.message
            label = DONE if any(DONE in text for text in message.button_labels) else SKIP
            return await self.step_action(prompt, lambda: self.tap(message, lambda text: label in text))
        text = {
            "recommendation": f"Kiến nghị {written + 1} của {self.name}: máy scan & <tập huấn>",
            "strength": f"Kết quả {written + 1} của {self.name}: máy scan & <tập huấn>",
            "representative": f"Người {written + 1} của {self.name} – Chủ tịch UBND xã",
            "opinion": f"Ý kiến {written + 1} của {self.name}: nhất trí & <sẽ khắc phục>",
        }[kind]
        self.remarks.append((kind, text))
        start = len(self.messages())
        self.send_text(text)
        wanted = f"Đã ghi ({written + 1})"
        return await self.wait_new(start, lambda m: wanted in m.text, self.patience) is not None

    async def step_action(self, prompt: Prompt, do: Callable[[], None]) -> bool:
        """An action that moves the cursor: its reaction is a question with a higher step."""
        start = len(self.messages())
        self.pending_step = prompt.step
        do()

        def moved(message: SentMessage) -> bool:
            if self.submit_sent and (match := SUBMITTED.search(message.text)):
                return int(match[1]) == self.inspection_id
            step = self.step_of(message)
            return step is not None and step > prompt.step

        found = await self.wait_new(start, moved, self.patience)
        if found is not None and SUBMITTED.search(found[1].text):
            self.submitted = True
        return found is not None

    async def recover(self) -> None:
        """What a person does when the bot went quiet: ask where they are, then carry on from there.

        The bot handles one person's updates in order, so the /status answer reflects everything
        sent before it: its counts must match the ledger. /resume then shows the current question.
        Replies can arrive out of order (a retried send), so the /resume answer is recognised by the
        step the database holds once /status has been answered, not by its position in the chat;
        the same read tells whether the action waited for was applied at all.
        """
        self.recoveries += 1
        self.soak.say(f"{self.name}: no answer, asking /status and /resume", verbose=True)
        while True:
            start = len(self.messages())
            answered, photos = len(self.answers), sum(self.photo_counts.values())
            self.send_text("/status")
            self.send_text("/resume")
            found = await self.wait_new(start, lambda m: STATUS in m.text or NO_DRAFT in m.text, self.cfg.recovery_wait)
            if found is None:
                continue
            status = found[1]
            if NO_DRAFT in status.text:
                if self.submit_sent:
                    self.submitted = True  # the bot closed the draft; its confirmation is owed
                else:
                    self.anomaly("the bot says there is no open inspection although /inspect was sent")
                    self.inspection_id = None
                return
            self.compare_status(status.text, answered, photos)
            step = None if self.inspection_id is None else await self.soak.inspection_step(self.inspection_id)
            if step is not None and step == self.pending_step:
                self.anomaly(f"the action at step {step} was not applied although /status came after it")
                self.pending_step = None

            def current(message: SentMessage, step: int | None = step) -> bool:
                shown = self.step_of(message)
                return shown is not None and (step is None or shown >= step)

            if await self.wait_new(start, current, self.cfg.recovery_wait) is None:
                continue
            return

    def compare_status(self, text: str, answered: int, photos: int) -> None:
        match = STATUS_COUNTS.search(text)
        if match is None:
            self.anomaly(f"unreadable /status: {text!r}")
            return
        if int(match[1]) != answered or int(match[3]) != photos:
            self.anomaly(
                f"/status says {match[1]} answers and {match[3]} photos; "
                f"this inspector had sent {answered} answers and {photos} photos before asking"
            )


# --- the run --------------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    data_dir: Path | None = None
    log_path: Path | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append(Check(name, ok, detail))

    def figure(self, name: str, value: object) -> None:
        self.figures.append((name, str(value)))

    def render(self) -> str:
        width = max((len(name) for name, _ in self.figures), default=10)
        lines = ["", "Soak test summary", "-" * (width + 30)]
        lines += [f"{name.ljust(width)}  {value}" for name, value in self.figures]
        lines += ["-" * (width + 30), "Checks:"]
        for check in self.checks:
            detail = f": {check.detail}" if check.detail else ""
            lines.append(f"  {'PASS' if check.ok else 'FAIL'}  {check.name}{detail}")
        if self.data_dir is not None:
            lines.append(f"DATA_DIR: {self.data_dir}" + (f"  (bot log: {self.log_path})" if self.log_path else ""))
        lines.append("RESULT: " + ("OK" if self.ok else "FAILED"))
        return "\n".join(lines)


def _connect_ro(database: Path) -> sqlite3.Connection:
    """Read-only, as an auditor would: the soak must never repair what it is checking."""
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)


def _query(database: Path, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    with contextlib.closing(_connect_ro(database)) as db:
        return [tuple(row) for row in db.execute(sql, tuple(params)).fetchall()]


class Soak:
    """Owns the stand-in, the bot process, the inspectors and the killer for one run."""

    def __init__(self, cfg: SoakConfig, tg: FaultyStandIn, data_dir: Path, checklist: Checklist) -> None:
        self.cfg = cfg
        self.tg = tg
        self.data_dir = data_dir
        self.database = data_dir / "kiemtra.sqlite3"
        self.checklist = checklist
        self.rng = random.Random(f"{cfg.seed}:soak")
        self.began = time.monotonic()
        self.deadline = self.began + cfg.timeout
        self.updates_sent = 0
        self.admin_updates: list[int] = []
        self.inspectors = [Inspector(self, index) for index in range(cfg.inspectors)]
        self.kills_done = 0
        self.restart_seconds: list[float] = []
        self.kill_progress: list[float] = []
        self.image_tokens: set[int] = set()
        self.image_hashes: set[str] = set()
        self.bot: BotProcess | None = None
        self.inspectors_done = asyncio.Event()

    def say(self, text: str, *, verbose: bool = False) -> None:
        if self.cfg.verbose or not verbose:
            print(f"[soak {time.monotonic() - self.began:7.1f}s] {text}", file=sys.stderr, flush=True)

    def check_deadline(self) -> None:
        if time.monotonic() > self.deadline:
            raise SoakTimeout(f"the soak ran out of its {self.cfg.timeout:.0f} s")

    def progress(self) -> float:
        return sum(inspector.progress for inspector in self.inspectors) / len(self.inspectors)

    async def new_image(self, label: str, png: bool) -> bytes:
        while True:
            token = self.rng.getrandbits(64)
            if token in self.image_tokens:
                continue
            self.image_tokens.add(token)
            data = await asyncio.to_thread(make_image, label, token, "PNG" if png else "JPEG")
            digest = hashlib.sha256(data).hexdigest()
            if digest not in self.image_hashes:
                self.image_hashes.add(digest)
                return data

    async def inspection_step(self, inspection_id: int) -> int | None:
        rows = await asyncio.to_thread(
            _query, self.database, "SELECT step FROM inspections WHERE id = ?", (inspection_id,)
        )
        return int(rows[0][0]) if rows else None

    async def create_team(self) -> str:
        """The administrator's /newteam in the group; repeated (idempotently) if the bot is slow."""
        within = 10.0
        while True:
            start = len(self.tg.sent(GROUP_ID))
            self.admin_updates.append(self.tg.send_text(ADMIN, "/newteam Đoàn kiểm tra độ bền", chat_id=GROUP_ID))
            self.updates_sent += 1
            until = time.monotonic() + within
            while time.monotonic() < until:
                for message in self.tg.sent(GROUP_ID)[start:]:
                    if (TEAM_CREATED in message.text or TEAM_EXISTS in message.text) and (
                        link := INVITE_LINK.search(message.text)
                    ):
                        return link[1]
                self.check_deadline()
                await asyncio.sleep(POLL_SECONDS)
            within = self.cfg.recovery_wait

    async def killer(self, bot: BotProcess) -> None:
        """SIGKILLs spread over the run: the k-th one once the inspectors are about k/K of the way."""
        kills = self.cfg.kills
        thresholds = sorted((i + self.rng.uniform(0.2, 0.8)) / kills for i in range(kills))
        for threshold in thresholds:
            while self.progress() < threshold and not self.inspectors_done.is_set():
                self.check_deadline()
                await asyncio.sleep(0.05)
            await asyncio.sleep(self.rng.uniform(*self.cfg.kill_delay))
            self.check_deadline()
            progress = self.progress()
            await bot.kill()
            self.kills_done += 1
            self.kill_progress.append(progress)
            seconds = await bot.start()
            self.restart_seconds.append(seconds)
            self.say(f"kill {self.kills_done}/{kills} at {progress:.0%} progress; polling again after {seconds:.1f} s")

    async def drain(self, bot: BotProcess, within: float) -> str:
        """Waits until every update is processed and every owed reply is out; returns what is left."""
        until = min(time.monotonic() + within, self.deadline)
        left = ""
        while time.monotonic() < until:
            if not bot.alive:
                return "the bot process is not running"
            rows = await asyncio.to_thread(
                _query,
                self.database,
                "SELECT (SELECT COUNT(*) FROM inbox), (SELECT COUNT(*) FROM outbox WHERE status = 'pending')",
            )
            inbox, pending = rows[0]
            unconfirmed = self.tg.pending_update_count()
            left = f"{inbox} inbox rows, {pending} pending replies, {unconfirmed} unconfirmed updates"
            if inbox == 0 and pending == 0 and unconfirmed == 0:
                with contextlib.suppress(AssertionError):
                    await self.tg.wait_idle(quiet=1.0, timeout=5.0)
                    again = await asyncio.to_thread(
                        _query, self.database, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
                    )
                    if again[0][0] == 0:
                        return ""
            await asyncio.sleep(0.5)
        return left


async def _run_inspectors(soak: Soak, code: str, within: float) -> dict[str, str]:
    """Runs every inspector to the end; returns the failures (name -> reason) of those that did not."""
    tasks = {asyncio.create_task(inspector.run(code), name=inspector.name): inspector for inspector in soak.inspectors}
    try:
        done, pending = await asyncio.wait(tasks, timeout=max(within, 1.0))
    finally:
        for task in tasks:
            task.cancel()  # no-op for finished ones; also when this run itself is cancelled
    failures: dict[str, str] = {}
    for task in pending:
        failures[tasks[task].name] = "did not finish in time"
        with contextlib.suppress(BaseException):
            await task
    for task in done:
        error = task.exception()
        if error is not None:
            failures[tasks[task].name] = "".join(traceback.format_exception_only(error)).strip()
    soak.inspectors_done.set()
    return failures


async def run_soak(cfg: SoakConfig) -> Report:
    """The whole soak. Never leaves the bot process running, whatever happens."""
    report = Report()
    temporary = cfg.data_dir is None
    data_dir = (cfg.data_dir or Path(tempfile.mkdtemp(prefix="kiemtra-soak-"))).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    if (data_dir / "kiemtra.sqlite3").exists():
        # The checks compare the ledger with every row: an earlier run's rows would be misread.
        raise ValueError(f"{data_dir} already holds a database; the soak needs an empty DATA_DIR")
    report.data_dir = data_dir
    log_path = data_dir / "bot.log"
    report.log_path = log_path
    checklist_file = cfg.checklist.resolve() if cfg.checklist else None
    if cfg.short:
        checklist_file = data_dir / "soak-checklist.yaml"
        checklist_file.write_text(SHORT_CHECKLIST, encoding="utf-8")
    checklist = load_checklist(checklist_file or BUNDLED_CHECKLIST)

    tg = FaultyStandIn(cfg.faults, random.Random(f"{cfg.seed}:faults"))
    async with tg:
        tg.add_group(GROUP_ID, "Đoàn kiểm tra độ bền")
        soak = Soak(cfg, tg, data_dir, checklist)
        bot = BotProcess(tg, data_dir, checklist_file, log_path)
        soak.bot = bot
        failures: dict[str, str] = {}
        drained = "not reached"
        exit_code: int | None = None
        unconfirmed = -1
        killer: asyncio.Task[None] | None = None
        try:
            await bot.start()
            tg.enable_faults()
            code = await soak.create_team()
            soak.say(
                f"team created; {cfg.inspectors} inspectors, {cfg.kills} kills, faults {cfg.faults:.0%}, "
                f"checklist {checklist.id} ({checklist.item_count} questions)"
            )
            killer = asyncio.create_task(soak.killer(bot), name="killer")
            reserve = max(30.0, cfg.timeout * 0.3)
            failures = await _run_inspectors(soak, code, soak.deadline - reserve - time.monotonic())
            try:
                await killer
            except SoakTimeout as error:
                failures["killer"] = str(error)
            soak.say("inspectors finished; waiting for the outbox to drain")
            drained = await soak.drain(bot, soak.deadline - time.monotonic() - 15)
            unconfirmed = tg.pending_update_count()
            exit_code = await bot.stop()
        except (SoakTimeout, BotCrashed) as error:
            failures["run"] = str(error)
        finally:
            # The killer first: it could otherwise start a new bot after the last kill below.
            if killer is not None and not killer.done():
                killer.cancel()
                with contextlib.suppress(BaseException):
                    await killer
            await bot.kill()
        _evaluate(soak, report, failures, drained, exit_code, unconfirmed)
    # A temporary DATA_DIR is kept when something failed: the database and bot.log are the evidence.
    if temporary and not cfg.keep and report.ok:
        shutil.rmtree(data_dir, ignore_errors=True)
        report.data_dir = None
        report.log_path = None
    return report


# --- the verdict ----------------------------------------------------------------------------------


def _buttons_of(revision: Revision) -> tuple[tuple[tuple[str, str | None], ...], ...]:
    rows = (revision.reply_markup or {}).get("inline_keyboard") or []
    return tuple(tuple((button["text"], button.get("callback_data")) for button in row) for row in rows)


@dataclass
class Delivery:
    """The outbox (what the bot owed and says it sent) against what the stand-in saw arrive."""

    missing: list[str] = field(default_factory=list)
    duplicates: Counter[str] = field(default_factory=Counter)
    unowed: Counter[str] = field(default_factory=Counter)
    out_of_order: list[str] = field(default_factory=list)


def _reconcile(tg: BotApiStandIn, rows: list[tuple[Any, ...]], chats: Sequence[int]) -> Delivery:
    """Matches every 'sent' outbox row with the messages it produced: none may be missing."""
    result = Delivery()
    owed: dict[tuple[Any, ...], list[int]] = {}
    texts: dict[int, str] = {}
    for row_id, chat_id, body_json, status in rows:
        if status != "sent":
            continue
        body = json.loads(body_json)
        texts[row_id] = str(body.get("html") or body["kind"])[:40]
        if body["kind"] == "say":
            parts = split_html(body["html"], TEXT_LIMIT)
            buttons = tuple(tuple((b["label"], b["data"]) for b in row) for row in body.get("buttons") or [])
            for index, part in enumerate(parts):
                key = (chat_id, "text", part, buttons if index == len(parts) - 1 else ())
                owed.setdefault(key, []).append(row_id)
        elif body["kind"] == "photos":
            for photo in body["photos"]:
                owed.setdefault((chat_id, "photo", photo["caption"], Path(photo["path"]).stem), []).append(row_id)
        elif body["kind"] == "edit":
            _check_edit(tg, body, row_id, result)
    received = [(_key_of(chat_id, message), message) for chat_id in chats for message in tg.sent(chat_id)]
    # /resume repeats a question word for word, so identical replies cannot be told apart; order is
    # judged only between replies owed once and received once.
    seen = Counter(key for key, _ in received)
    unique = {key for key, rows in owed.items() if len(rows) == 1 and seen[key] == 1}
    last_row: dict[int, int] = {}
    for key, message in received:  # per chat in the order the chat received them
        chat_id = key[0]
        waiting = owed.get(key)
        if waiting is None:
            result.unowed[message.original.text[:60]] += 1
        elif not waiting:
            result.duplicates[message.original.text[:50]] += 1
        else:
            row_id = waiting.pop(0)
            if key not in unique:
                continue
            latest = last_row.get(chat_id, 0)
            if row_id < latest:
                result.out_of_order.append(
                    f"chat {chat_id}: row {row_id} {texts[row_id]!r} came after row {latest} {texts[latest]!r}"
                )
            last_row[chat_id] = max(latest, row_id)
    for key, waiting in owed.items():
        for row_id in waiting:
            result.missing.append(f"outbox row {row_id} to chat {key[0]}: {str(key[2])[:70]!r}")
    return result


def _key_of(chat_id: int, message: SentMessage) -> tuple[Any, ...]:
    """What identifies a reply: text and buttons as first sent, or a photo's caption and bytes."""
    if message.kind == "photo" and message.photo is not None:
        return (chat_id, "photo", message.original.html, hashlib.sha256(message.photo).hexdigest())
    return (chat_id, message.kind, message.original.html, _buttons_of(message.original))


def _check_edit(tg: BotApiStandIn, body: dict[str, Any], row_id: int, result: Delivery) -> None:
    chat_id, message_id = body["chat_id"], body["message_id"]
    message = next((m for m in tg.sent(chat_id) if m.message_id == message_id), None)
    if message is None:
        result.missing.append(f"outbox row {row_id}: edit of unknown message {message_id} in chat {chat_id}")
        return
    if body.get("html") is None:
        delivered = not message.buttons
    else:
        html = split_html(body["html"], TEXT_LIMIT)[0]
        delivered = any(revision.html == html for revision in message.edits)
    if not delivered:
        result.missing.append(f"outbox row {row_id}: edit of message {message_id} in chat {chat_id}")


def _fits(item: Item, stored: str) -> bool:
    """Whether the item takes this number: a whole one for an integer, within its bounds."""
    number = float(stored)
    return (
        (item.type is not ItemType.INTEGER or number.is_integer())
        and (item.min is None or number >= item.min)
        and (item.max is None or number <= item.max)
    )


def _sample(items: Sequence[str], limit: int = 6) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; … ({len(items) - limit} more)" if len(items) > limit else "")


def _evaluate(
    soak: Soak, report: Report, failures: dict[str, str], drained: str, exit_code: int | None, unconfirmed: int
) -> None:
    """Compares the inspectors' ledgers with the database and with what the stand-in delivered."""
    tg, database, cfg = soak.tg, soak.database, soak.cfg
    unfinished = [f"{name}: {reason}" for name, reason in failures.items()]
    report.check("every inspector finished the inspection", not failures, _sample(unfinished))
    report.check(f"the bot was killed {cfg.kills} times", soak.kills_done == cfg.kills, f"{soak.kills_done} kills")
    report.check("the outbox drained before stopping", drained == "", drained)
    report.check("the bot stopped cleanly on SIGTERM (exit 0)", exit_code == 0, f"exit code {exit_code}")
    report.check("Telegram has no unconfirmed updates", unconfirmed == 0, f"{unconfirmed} unconfirmed")
    if not database.exists():
        report.check("the database exists", False, str(database))
        return

    integrity = _query(database, "PRAGMA integrity_check")
    report.check("database integrity_check", integrity == [("ok",)], str(integrity[:3]))

    processed = {str(key) for (key,) in _query(database, "SELECT key FROM processed_updates")}
    sent_ids = list(soak.admin_updates) + [uid for i in soak.inspectors for uid in i.update_ids]
    lost = [uid for uid in sent_ids if f"tg:{uid}" not in processed]
    report.check(
        "every update delivered was processed", not lost, f"{len(lost)} never processed: {lost[:10]}" if lost else ""
    )
    inbox = _query(database, "SELECT COUNT(*) FROM inbox")[0][0]
    report.check("inbox is empty", inbox == 0, f"{inbox} rows")
    statuses = dict(_query(database, "SELECT status, COUNT(*) FROM outbox GROUP BY status"))
    pending, failed = statuses.get("pending", 0), statuses.get("failed", 0)
    failed_rows = _query(database, "SELECT id, chat_id, last_error FROM outbox WHERE status = 'failed' LIMIT 5")
    report.check(
        "outbox has no pending or failed replies",
        pending == 0 and failed == 0,
        f"pending {pending}, failed {failed} {failed_rows}",
    )

    inspections = _query(database, "SELECT id, inspector_id, status, unit FROM inspections ORDER BY id")
    by_inspector: dict[int, list[tuple[Any, ...]]] = {}
    for row in inspections:
        by_inspector.setdefault(int(row[1]), []).append(row)
    answer_rows = _query(database, "SELECT inspection_id, item_id, value, note FROM answers")
    photo_rows = _query(database, "SELECT inspection_id, item_id, sha256, size, path FROM photos")
    remark_rows = _query(database, "SELECT inspection_id, kind, text FROM remarks")

    not_submitted: list[str] = []
    wrong_answers: list[str] = []
    wrong_photos: list[str] = []
    wrong_remarks: list[str] = []
    no_confirmation: list[str] = []
    confirmation_duplicates = 0
    answers_expected = photos_sent = photos_stored = remarks_sent = 0
    anomalies = [text for inspector in soak.inspectors for text in inspector.anomalies]
    for inspector in soak.inspectors:
        rows = by_inspector.get(inspector.user.id, [])
        answers_expected += len(inspector.answers)
        photos_sent += len(inspector.photos)
        remarks_sent += len(inspector.remarks)
        if len(rows) != 1 or rows[0][2] != "submitted" or rows[0][3] != inspector.unit:
            not_submitted.append(f"{inspector.name}: {rows}")
        if not rows:
            continue
        inspection_id = int(rows[-1][0])
        stored = {str(r[1]): (str(r[2]), r[3]) for r in answer_rows if r[0] == inspection_id}
        for item_id in sorted(set(stored) | set(inspector.answers)):
            if stored.get(item_id) != inspector.answers.get(item_id):
                wrong_answers.append(
                    f"#{inspection_id} {item_id}: stored {stored.get(item_id)}, sent {inspector.answers.get(item_id)}"
                )
        hashes = Counter(str(r[2]) for r in photo_rows if r[0] == inspection_id)
        photos_stored += sum(hashes.values())
        for sha, item_id in inspector.photos.items():
            if hashes[sha] != 1:
                wrong_photos.append(f"#{inspection_id} {item_id} {sha[:12]} stored {hashes[sha]} times")
        for sha in set(hashes) - set(inspector.photos):
            wrong_photos.append(f"#{inspection_id}: photo {sha[:12]} stored but never sent by this inspector")
        for _, item_id, sha, size, path in (r for r in photo_rows if r[0] == inspection_id):
            if inspector.photos.get(sha, item_id) != item_id:
                wrong_photos.append(
                    f"#{inspection_id} {sha[:12]} stored for {item_id}, sent for {inspector.photos[sha]}"
                )
            file = soak.data_dir / "photos" / str(path)
            if not file.exists():
                wrong_photos.append(f"#{inspection_id} {sha[:12]}: file {path} missing")
            else:
                content = file.read_bytes()
                if hashlib.sha256(content).hexdigest() != sha or len(content) != size:
                    wrong_photos.append(f"#{inspection_id} {sha[:12]}: file {path} does not match its hash")
        remarks = Counter((str(r[1]), str(r[2])) for r in remark_rows if r[0] == inspection_id)
        if remarks != Counter(inspector.remarks):
            wrong_remarks.append(f"#{inspection_id}: stored {dict(remarks)}, sent {inspector.remarks}")
        confirmations = sum(
            1
            for m in tg.sent(inspector.chat_id)
            if (match := SUBMITTED.search(m.text)) and int(match[1]) == inspection_id
        )
        if confirmations == 0:
            no_confirmation.append(f"{inspector.name} (#{inspection_id})")
        confirmation_duplicates += max(confirmations - 1, 0)
        for message in tg.sent(inspector.chat_id):
            if MISSING_REQUIRED in message.text or ERROR_REPLY in message.text:
                anomalies.append(f"{inspector.name}: the bot said {message.text[:90]!r}")

    report.check("each inspector's inspection is submitted", not not_submitted, _sample(not_submitted))
    report.check("every answer stored once, as last given", not wrong_answers, _sample(wrong_answers))
    report.check("every photo stored exactly once, file matching its hash", not wrong_photos, _sample(wrong_photos))
    report.check("every remark stored exactly once", not wrong_remarks, _sample(wrong_remarks))
    report.check("every inspector got 'Đã gửi kết quả phiên'", not no_confirmation, _sample(no_confirmation))
    report.check("inspectors saw nothing lost or refused", not anomalies, _sample(anomalies, 10))

    submitted_ids = [int(r[0]) for r in inspections if r[2] == "submitted"]
    summaries = Counter(
        int(match[1]) for m in tg.sent(GROUP_ID) if m.kind == "text" and (match := SUMMARY.search(m.text))
    )
    missing_summaries = [i for i in submitted_ids if summaries[i] == 0]
    summary_duplicates = sum(max(summaries[i] - 1, 0) for i in submitted_ids)
    report.check("the group got a summary of every inspection", not missing_summaries, f"missing {missing_summaries}")
    group_photos = {hashlib.sha256(m.photo).hexdigest() for m in tg.sent(GROUP_ID) if m.kind == "photo" and m.photo}
    stored_hashes = {str(r[2]) for r in photo_rows}
    report.check(
        "every stored photo reached the group",
        stored_hashes <= group_photos,
        f"{len(stored_hashes - group_photos)} missing",
    )

    chats = [GROUP_ID, ADMIN.id, *(i.chat_id for i in soak.inspectors)]
    delivery = _reconcile(tg, _query(database, "SELECT id, chat_id, body, status FROM outbox ORDER BY id"), chats)
    report.check("every reply marked sent reached its chat", not delivery.missing, _sample(delivery.missing))
    errors_in_log = [line for line in _read_from(soak.data_dir / "bot.log", 0).splitlines() if " ERROR " in line]
    tracebacks = _read_from(soak.data_dir / "bot.log", 0).count("Traceback")

    elapsed = time.monotonic() - soak.began
    restarts = soak.restart_seconds
    report.figure("inspectors", cfg.inspectors)
    report.figure("checklist", f"{soak.checklist.id} ({soak.checklist.item_count} questions)")
    report.figure("kills", f"{soak.kills_done} at progress {', '.join(f'{p:.0%}' for p in soak.kill_progress)}")
    if restarts:
        report.figure("restart to polling", f"mean {sum(restarts) / len(restarts):.1f} s, max {max(restarts):.1f} s")
    report.figure("faults injected", f"{len(tg.faults_triggered)} (share {cfg.faults:.0%})")
    report.figure("updates sent", soak.updates_sent)
    report.figure("recoveries (/status + /resume)", sum(i.recoveries for i in soak.inspectors))
    report.figure("answers stored / expected", f"{len(answer_rows)} / {answers_expected}")
    report.figure("photos sent / stored", f"{photos_sent} / {photos_stored}")
    report.figure("remarks sent / stored", f"{remarks_sent} / {len(remark_rows)}")
    report.figure("inspections submitted", f"{len(submitted_ids)} / {cfg.inspectors}")
    report.figure("duplicated replies seen", sum(delivery.duplicates.values()))
    report.figure("  of which confirmations / summaries", f"{confirmation_duplicates} / {summary_duplicates}")
    report.figure("replies out of order", len(delivery.out_of_order))
    report.figure("messages not from the outbox", sum(delivery.unowed.values()) or "0")
    report.figure("outbox pending / failed", f"{pending} / {failed}")
    report.figure("bot log ERROR lines / tracebacks", f"{len(errors_in_log)} / {tracebacks}")
    report.figure("elapsed", f"{elapsed:.1f} s")
    if delivery.duplicates:
        report.figure("  duplicated", dict(delivery.duplicates.most_common(3)))
    if delivery.out_of_order:
        report.figure("  e.g.", _sample(delivery.out_of_order, 2))
    if delivery.unowed:
        report.figure("  not from the outbox", dict(delivery.unowed.most_common(3)))


async def main_async(cfg: SoakConfig) -> Report:
    """The soak under a hard time limit a little above ``cfg.timeout`` (the checks need a moment)."""
    return await asyncio.wait_for(run_soak(cfg), cfg.timeout + 60)


async def _cli(cfg: SoakConfig) -> Report:
    """SIGTERM/SIGINT cancel the run, so its cleanup kills the bot process instead of orphaning it."""
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    return await main_async(cfg)


def main(argv: Sequence[str] | None = None) -> int:
    cfg = parse_args(argv)
    if cfg.data_dir is not None and (cfg.data_dir / "kiemtra.sqlite3").exists():
        print(f"soak: {cfg.data_dir} already holds a database; give an empty --data-dir", file=sys.stderr)
        return 1
    try:
        report = asyncio.run(_cli(cfg))
    except TimeoutError:
        print(f"soak: hard timeout after {cfg.timeout + 60:.0f} s", file=sys.stderr)
        return 1
    except asyncio.CancelledError:
        print("soak: interrupted; the bot process was killed", file=sys.stderr)
        return 1
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
