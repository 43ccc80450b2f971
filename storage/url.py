"""DATABASE_URL: which database to use, read in one place.

Only `sqlite:///<path>` is served today (`sqlite:////abs/path` for an absolute one, as SQLAlchemy
writes it); another scheme is refused with one line, so a store added later is one more branch here
and one more package beside `storage.sqlite`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from storage.port import Database, StoreError
from storage.sqlite.database import SqliteDatabase

SQLITE = "sqlite"


def sqlite_url(path: Path) -> str:
    return f"{SQLITE}:///{path}"


def database_at(url: str) -> Database:
    parsed = urlparse(url)
    if parsed.scheme != SQLITE:
        raise StoreError(f"DATABASE_URL không được hỗ trợ: {parsed.scheme or url!r}; hãy dùng sqlite:///<đường dẫn>.")
    if parsed.netloc:
        raise StoreError("DATABASE_URL dạng sqlite:///<đường dẫn> (ba dấu /), ví dụ sqlite:///data/kiemtra.sqlite3.")
    path = unquote(parsed.path)[1:]
    if not path:
        raise StoreError("DATABASE_URL thiếu đường dẫn tệp: sqlite:///<đường dẫn>.")
    return SqliteDatabase(Path(path))
