"""Files that appear complete or not at all: written beside their target, synced, then renamed."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def create_temporary(target: Path) -> tuple[int, Path]:
    """An open, new, hidden file next to `target`, to be renamed onto it once complete.

    Unlike `tempfile.mkstemp` (always 0600) the mode follows the umask, like every other file in
    DATA_DIR, so a backup can be read by whoever may read the data, e.g. a container's own user.
    """
    while True:
        path = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), path
        except FileExistsError:
            continue


def fsync_directory(directory: Path) -> None:
    """A rename is durable only once the directory entry itself reaches the disk."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
