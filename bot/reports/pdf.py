"""Word to PDF with LibreOffice, for the record a team prints and signs as it is.

LibreOffice (`soffice`) runs headless in a process of its own, with a profile of its own in the build
folder (so conversions never share or lock one, and the bot's user needs no home directory), under a time
limit: a document it chokes on costs the group one message, not a stuck delivery. Without LibreOffice the
bot still makes every Word file; only the PDF is missing, and the message says how to install it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
from pathlib import Path

SOFFICE = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 120.0
INSTALL = "apt-get install -y libreoffice-writer-nogui"
MISSING = (
    "Chưa có bản PDF: máy chủ chưa cài LibreOffice. Quản trị viên cài bằng lệnh "
    f"«{INSTALL}» (image Docker của bot đã có sẵn) rồi gửi lại /report."
)
# One page object of the PDF LibreOffice writes: "/Type/Page", never "/Type/Pages" (the page tree).
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class PdfError(Exception):
    """No PDF could be made; the message is one line for the person who asked."""


def soffice() -> str | None:
    """The LibreOffice executable on PATH, if there is one."""
    return next((found for name in SOFFICE if (found := shutil.which(name))), None)


async def to_pdf(source: Path, folder: Path, seconds: float = TIMEOUT_SECONDS) -> Path:
    """`source` as a PDF in `folder` (which also holds LibreOffice's profile for this one conversion)."""
    executable = soffice()
    if executable is None:
        raise PdfError(MISSING)
    profile = folder / "libreoffice-profile"
    command = [
        executable,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(folder),
        str(source),
    ]
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,  # its own process group, so a timeout ends the helpers it starts too
    )
    try:
        async with asyncio.timeout(seconds):
            _, errors = await process.communicate()
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
        raise PdfError(f"LibreOffice chưa chuyển xong bản PDF sau {seconds:.0f} giây nên bot dừng lại.") from None
    target = folder / f"{source.stem}.pdf"
    if process.returncode != 0 or not target.is_file():
        detail = errors.decode(errors="replace").strip().splitlines()[-1:] or [f"mã thoát {process.returncode}"]
        raise PdfError(f"LibreOffice không tạo được bản PDF ({detail[0][:200]}).")
    shutil.rmtree(profile, ignore_errors=True)
    return target


def page_count(pdf: Path) -> int:
    """Pages of a PDF LibreOffice wrote: it writes each page as a plain object, never in an object stream."""
    return len(_PAGE.findall(pdf.read_bytes()))
