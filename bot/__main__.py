"""`python -m bot` runs the bot; `python -m bot export <id> --format json` prints an inspection.

Operator mistakes (no token, a broken checklist) end with one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot.checklist import ChecklistError, load_checklist
from bot.config import ConfigError, load_settings
from storage.repository import StoreError

EXIT_CONFIG = 2
EXIT_UNREACHABLE = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Bot kiểm tra công tác kiểm soát TTHC")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="chạy bot (mặc định)")
    export = commands.add_parser("export", help="xuất một phiên kiểm tra")
    export.add_argument("inspection_id", type=int)
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("-o", "--output", type=Path, help="ghi ra tệp thay vì in ra màn hình")
    return parser


def _configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL, and the Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


async def _run() -> None:
    from bot.app import serve

    settings = load_settings()
    settings.require_token()
    checklist = load_checklist(settings.checklist_path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, checklist, stop)


def _export(inspection_id: int, output: Path | None) -> int:
    from bot.export import export_json

    settings = load_settings()
    document = None
    if settings.database_path.exists():
        document = asyncio.run(export_json(settings.database_path, inspection_id))
    if document is None:
        print(f"Không có phiên kiểm tra #{inspection_id} trong {settings.database_path}.", file=sys.stderr)
        return 1
    if output:
        output.write_text(document + "\n", encoding="utf-8")
    else:
        sys.stdout.write(document + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "export":
            return _export(args.inspection_id, args.output)
        _configure_logging()
        asyncio.run(_run())
        return 0
    except (ConfigError, ChecklistError, StoreError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except InvalidToken:
        print("Lỗi: Telegram không chấp nhận TELEGRAM_BOT_TOKEN; hãy lấy lại token từ @BotFather.", file=sys.stderr)
        return EXIT_CONFIG
    except NetworkError as error:
        print(f"Lỗi: không kết nối được tới Telegram ({error.message}).", file=sys.stderr)
        return EXIT_UNREACHABLE


if __name__ == "__main__":
    sys.exit(main())
