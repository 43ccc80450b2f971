"""`python -m bot demo`: a whole inspection in a terminal, with the real engine, checklist and texts.

For newcomers who want to see the bot before they ask @BotFather for a token, and for scripts: it needs
no token and no network, and it reads answers from a file as readily as from a person
(`python -m bot demo --sample-photos < answers.txt`). The terminal itself is a channel like the others
(`handlers.terminal`); this module wires it to a store and an engine.

Data: the demo never touches DATA_DIR. Without `--data-dir` it makes a fresh `kiemtra-demo-…`
directory under the system's temporary directory and leaves it there, so the database, the photos and
the JSON export can be opened afterwards; the system clears it like any temporary file. A directory
given with `--data-dir` is laid out like DATA_DIR, and running the demo on it again picks up an
unfinished draft (`/resume`).

Exit codes: 0 once the inspection is submitted (its JSON export is then `<data dir>/phien-<id>.json`);
1 when the input ends before that, so that a script notices its answers were incomplete (the draft is
kept); 130 on Ctrl+C.
"""

from __future__ import annotations

import asyncio
import io
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from app.settings import Settings
from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist
from bot.engine import Engine
from bot.reports.export import export_json
from handlers.terminal import (
    DEMO_PERSON,
    EXIT_INTERRUPTED,
    EXIT_UNFINISHED,
    SAMPLE_DIR,
    Reader,
    T,
    TerminalChannel,
    draw_samples,
    show,
    stdin_reader,
)


async def demo(data_dir: Path, *, sample_photos: bool, read: Reader, out: TextIO, interactive: bool) -> int:
    """The whole demo on `data_dir` (an existing directory); the exit code."""
    # The usual DATA_DIR layout, without reading .env: the demo needs no setting at all.
    settings = Settings.model_construct(data_dir=data_dir)
    checklist = load_checklist(BUNDLED_CHECKLIST)
    show(out, T.DEMO_INTRO.format(data_dir=data_dir))
    samples = None
    if sample_photos:
        samples = await asyncio.to_thread(draw_samples, data_dir / SAMPLE_DIR)
        show(out, T.DEMO_SAMPLES_READY.format(count=len(samples), folder=data_dir / SAMPLE_DIR))
    store = await settings.database.open()
    try:
        engine = Engine(
            store,
            checklist,
            admins=frozenset({DEMO_PERSON.id}),
            invite_link=lambda code: f"https://t.me/kiemtra_demo_bot?start={code}",
            photo_dir=settings.photo_dir,
            max_photo_bytes=settings.max_photo_mb * 2**20,
            followup_days=settings.followup_days,
        )
        await engine.start()
        channel = TerminalChannel(engine, store, read, out, interactive=interactive, samples=samples)
        submitted = await channel.play()
    finally:
        await store.close()
    if submitted is None:
        show(out, "\n" + T.DEMO_NOT_FINISHED.format(data_dir=data_dir))
        return EXIT_UNFINISHED
    store = await settings.database.open()
    try:
        document = await export_json(store, submitted)
    finally:
        await store.close()
    assert document is not None, "a submitted inspection has an export"
    target = data_dir / f"phien-{submitted}.json"
    await asyncio.to_thread(target.write_text, document + "\n", encoding="utf-8")
    show(out, "\n" + T.DEMO_EXPORTED.format(id=submitted, path=target))
    show(out, T.DEMO_DATA_KEPT.format(data_dir=data_dir))
    return 0


def run_demo(data_dir: Path | None, *, sample_photos: bool) -> int:
    """`python -m bot demo`: stdin and stdout, a temporary data directory unless one is given."""
    directory = (data_dir or Path(tempfile.mkdtemp(prefix="kiemtra-demo-"))).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")  # a stray byte in an answers file is a typo, not a crash
    try:
        return asyncio.run(
            demo(
                directory,
                sample_photos=sample_photos,
                read=stdin_reader(sys.stdin),
                out=sys.stdout,
                interactive=sys.stdin.isatty(),
            )
        )
    except KeyboardInterrupt:
        show(sys.stdout, "\n" + T.DEMO_NOT_FINISHED.format(data_dir=directory))
        return EXIT_INTERRUPTED
