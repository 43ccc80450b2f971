"""The engine as every entry point builds it: the bot (`app.serve`) and the demo (`app.demo`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.settings import Settings
from bot.checklist.versions import ChecklistVersions
from bot.engine import Engine
from bot.events import Abilities
from storage.files import private_folder
from storage.port import Store


async def start_engine(
    settings: Settings,
    store: Store,
    checklists: ChecklistVersions,
    *,
    admins: frozenset[int],
    invite_link: Callable[[str], str],
    abilities: Mapping[str, Abilities],
) -> Engine:
    """An engine on `store`, with the checklists in use recorded so inspections keep their questions.

    The photo folder is made private first: the photos are evidence (faces, ID cards, papers on a
    counter), and the code that writes them leaves each file's own mode to the umask.
    """
    private_folder(settings.photo_dir)
    engine = Engine(
        store,
        checklists,
        admins=admins,
        invite_link=invite_link,
        abilities=abilities,
        photo_dir=settings.photo_dir,
        max_photo_bytes=settings.max_photo_mb * 2**20,
        followup_days=settings.followup_days,
    )
    await engine.start()
    return engine
