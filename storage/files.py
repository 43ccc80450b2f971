"""Files that appear complete or not at all (written beside their target, synced, then renamed), and the
one check every reader of the photo folder makes before it opens a file there.

The bot itself only ever writes regular files into DATA_DIR/photos, named by their SHA-256. Anything
else found there was put by someone else: a link `photos/1/<sha>.jpg -> ../../kiemtra.sqlite3` (left by
a crafted backup, or planted by hand) would make the evidence ZIP, the record, the Telegram upload and
the Zalo file server hand out the whole database as a "photo". So the record, the archive, both
channels, the backup and `check` all read a stored file only through `stored_file`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

# What the bot keeps (answers, names, chat ids, photo evidence) is for the bot's own user alone, whatever
# the umask of whoever started it; root and that user can still read it, e.g. to copy a backup off.
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def create_temporary(target: Path) -> tuple[int, Path]:
    """An open, new, hidden file next to `target` (0600, like everything the bot keeps), to be renamed
    onto it once complete. A backup holds the whole database and every photo."""
    while True:
        path = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE), path
        except FileExistsError:
            continue


def tighten(path: Path, private: int = PRIVATE_FILE) -> None:
    """Takes away what an older version (or a careless copy) let other users do with `path`, if it exists."""
    with contextlib.suppress(FileNotFoundError):
        if stat.S_IMODE(path.stat().st_mode) & ~private:
            path.chmod(private)


def private_folder(folder: Path) -> None:
    """`folder` for the bot's own user only, created (with its parents) when missing. Files inside are
    then out of other users' reach whatever their own mode, including photos written by code that
    leaves their mode to the umask."""
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    tighten(folder, PRIVATE_FOLDER)


def fsync_directory(directory: Path) -> None:
    """A rename is durable only once the directory entry itself reaches the disk."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def stored_file(folder: Path, path: Path) -> Path | None:
    """`path` as it is on disk when it is a regular file inside `folder`, reached through no link below
    `folder`; None when it is missing, a link, a folder, a device or pipe, or outside `folder`.

    `folder` itself may be a link (DATA_DIR on a mounted disk): only what lies below it is the bot's own.
    A link swapped in after this check would need write access to the photo folder, which only the
    bot's own user has.
    """
    try:
        relative = path.relative_to(folder)  # by the names alone: `..` and absolute paths stay visible
    except ValueError:
        return None
    if not relative.parts or ".." in relative.parts:
        return None
    try:
        real = path.resolve(strict=True)
        expected = folder.resolve(strict=True).joinpath(relative)
        mode = real.lstat().st_mode
    except (OSError, RuntimeError):  # RuntimeError: a loop of links
        return None
    return real if real == expected and stat.S_ISREG(mode) else None
