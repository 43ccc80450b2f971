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

from app.engine import start_engine
from app.settings import Settings
from bot.checklist.loader import BUNDLED_CHECKLIST, load_checklist
from bot.checklist.versions import ChecklistVersions
from bot.reports.export import export_json
from handlers.identities import Identities
from handlers.outbox import OutboxWorker
from handlers.terminal.channel import NAME, T, TerminalChannel
from handlers.terminal.console import Reader, show, stdin_reader
from handlers.terminal.samples import draw_samples
from storage.port import Store

SAMPLE_DIR = "anh-mau"
EXIT_UNFINISHED = 1
EXIT_INTERRUPTED = 130


async def demo(
    data_dir: Path, *, sample_photos: bool, read: Reader, out: TextIO, interactive: bool, speaker: str | None = None
) -> int:
    """The whole demo on `data_dir` (an existing directory); the exit code."""
    # The usual DATA_DIR layout, without reading .env: the demo needs no setting at all.
    settings = Settings.model_construct(data_dir=data_dir)
    checklists = ChecklistVersions(load_checklist(BUNDLED_CHECKLIST))
    show(out, T.DEMO_INTRO.format(data_dir=data_dir))
    samples = None
    if sample_photos:
        samples = await asyncio.to_thread(draw_samples, data_dir / SAMPLE_DIR)
        show(out, T.DEMO_SAMPLES_READY.format(count=len(samples), folder=data_dir / SAMPLE_DIR))
    store = await settings.database.open()
    try:
        submitted, part_done = await _inspect(
            settings, store, checklists, read, out, interactive=interactive, samples=samples, speaker=speaker
        )
    finally:
        await store.close()
    if part_done:
        show(out, "\n" + T.DEMO_PART_DONE.format(data_dir=data_dir))
        return 0
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


async def _inspect(
    settings: Settings,
    store: Store,
    checklists: ChecklistVersions,
    read: Reader,
    out: TextIO,
    *,
    interactive: bool,
    samples: list[Path] | None,
    speaker: str | None,
) -> tuple[int | None, bool]:
    """The terminal as the one channel, wired like the bot's own (`app.serve`); the submitted id, and
    whether a member of `--as` finished their part."""
    identities = Identities(store)
    terminal = TerminalChannel(store, identities, read, out, interactive=interactive, samples=samples, speaker=speaker)
    await terminal.open()
    engine = await start_engine(
        settings,
        store,
        checklists,
        admins=frozenset({terminal.person.id}),
        invite_link=terminal.invite_link,
        abilities={NAME: terminal.abilities},
    )
    outbox = OutboxWorker(store, {NAME: terminal}, identities)
    outbox.start()
    try:
        await terminal.start(engine, outbox)
        return await terminal.finished(), terminal.part_done
    finally:
        await terminal.stop()
        await outbox.stop()
        await terminal.close()


def run_demo(data_dir: Path | None, *, sample_photos: bool, speaker: str | None = None) -> int:
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
                speaker=speaker,
            )
        )
    except KeyboardInterrupt:
        show(sys.stdout, "\n" + T.DEMO_NOT_FINISHED.format(data_dir=directory))
        return EXIT_INTERRUPTED
