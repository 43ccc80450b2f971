"""`python -m bot` runs the bot (Telegram, Zalo or both); `python -m bot demo` runs an inspection in the
terminal with no token; `python -m bot export <id> --format json` prints an inspection, `history <id>`
its trail (answers, joins, areas, corrections, submit) in time order;
`report <id> | --round <id> --format docx|pdf|xlsx|zip -o FILE` writes the team lead's documents;
`backup FILE`, `restore FILE` and `check` look after DATA_DIR (see bot/upkeep.py); `checklist check FILE`,
`checklist import FORM.xlsx -o FILE.yaml` and `checklist export FILE -o FORM.xlsx` look at and convert a
checklist, with no settings (see app/checklists.py).

Operator mistakes (no token, a broken checklist, a backup target that exists) end with one line on
stderr and exit code 2. `check` exits 1 when it finds problems, so it can run from cron or CI.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from app import checklists, operator
from app.logs import configure_logging
from app.settings import ConfigError, Settings, load_settings
from bot.checklist.loader import ChecklistError
from bot.upkeep import Health
from handlers.errors import ChannelRefused, ChannelUnreachable
from storage.port import BackupError, StoreError

EXIT_CONFIG = 2
EXIT_UNREACHABLE = 1
EXIT_PROBLEMS = 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Bot kiểm tra công tác kiểm soát TTHC")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="chạy bot (mặc định)")
    export = commands.add_parser("export", help="xuất một phiên kiểm tra")
    export.add_argument("inspection_id", type=int)
    export.add_argument("--format", choices=["json"], default="json")
    export.add_argument("-o", "--output", type=Path, help="ghi ra tệp thay vì in ra màn hình")
    history = commands.add_parser("history", help="in lịch sử của một phiên kiểm tra theo thời gian")
    history.add_argument("inspection_id", type=int)
    report = commands.add_parser("report", help="xuất biên bản, báo cáo đợt, bảng tính hoặc ảnh minh chứng")
    report.add_argument("inspection_id", type=int, nargs="?", help="mã phiên kiểm tra (biên bản của một đơn vị)")
    report.add_argument("--round", type=int, dest="round_id", help="mã đợt kiểm tra (báo cáo của cả đợt)")
    report.add_argument("--format", choices=["docx", "pdf", "xlsx", "zip"], required=True)
    report.add_argument("-o", "--output", type=Path, required=True, help="tệp sẽ ghi ra")
    backup = commands.add_parser("backup", help="sao lưu cơ sở dữ liệu và ảnh vào một tệp .tar")
    backup.add_argument("file", type=Path)
    restore = commands.add_parser("restore", help="khôi phục bản sao lưu vào một DATA_DIR mới (trống)")
    restore.add_argument("file", type=Path)
    restore.add_argument("--data-dir", type=Path, help="thư mục đích thay cho DATA_DIR")
    commands.add_parser("check", help="kiểm tra cơ sở dữ liệu và ảnh (mã thoát 1 nếu có lỗi)")
    checklist = commands.add_parser("checklist", help="kiểm tra, chuyển đổi bảng kiểm (YAML hoặc XLSForm .xlsx)")
    actions = checklist.add_subparsers(dest="action", required=True)
    actions.add_parser("check", help="kiểm tra một bảng kiểm và in dàn ý").add_argument("file", type=Path)
    for action, source, help_text, target in (
        ("import", "FORM.xlsx", "chuyển một XLSForm thành bảng kiểm YAML", "checklist.yaml"),
        ("export", "CHECKLIST", "ghi một bảng kiểm thành XLSForm", "FORM.xlsx"),
    ):
        converting = actions.add_parser(action, help=help_text)
        converting.add_argument("file", type=Path, metavar=source)
        converting.add_argument("-o", "--output", type=Path, required=True, metavar=target, help="tệp sẽ ghi ra")
    demo = commands.add_parser("demo", help="chạy thử một phiên kiểm tra trong cửa sổ dòng lệnh, không cần token")
    demo.add_argument("--data-dir", type=Path, help="giữ dữ liệu thử trong thư mục này (mặc định: một thư mục tạm)")
    demo.add_argument("--sample-photos", action="store_true", help="vẽ vài ảnh mẫu; gõ «mẫu» ở câu hỏi ảnh để gửi")
    demo.add_argument(
        "--as",
        dest="speaker",
        metavar="TÊN",
        help="một thành viên khác cùng làm phiên đã mời đoàn (/team) trong --data-dir",
    )
    return parser


async def _run(settings: Settings) -> None:
    from app.serve import serve

    settings.require_channels()
    checklists = settings.checklists()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await serve(settings, checklists, stop)


def _export(inspection_id: int, output: Path | None) -> int:
    settings = load_settings()
    document = asyncio.run(operator.export(settings, inspection_id))
    if document is None:
        print(f"Không có phiên kiểm tra #{inspection_id} trong {settings.database.name}.", file=sys.stderr)
        return 1
    if output:
        output.write_text(document + "\n", encoding="utf-8")
    else:
        sys.stdout.write(document + "\n")
    return 0


def _history(inspection_id: int) -> int:
    settings = load_settings()
    lines = asyncio.run(operator.history(settings, inspection_id))
    if lines is None:
        print(f"Không có phiên kiểm tra #{inspection_id} trong {settings.database.name}.", file=sys.stderr)
        return 1
    sys.stdout.write(lines + "\n")
    return 0


def _report_file(inspection_id: int | None, round_id: int | None, fmt: str, output: Path) -> int:
    if (inspection_id is None) == (round_id is None):
        print("Lỗi: cho một mã phiên kiểm tra hoặc --round <mã đợt>, không cả hai.", file=sys.stderr)
        return EXIT_CONFIG
    problem = asyncio.run(operator.write_report(load_settings(), inspection_id, round_id, fmt, output))
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    print(f"Đã ghi {output} ({output.stat().st_size / 2**20:.2f} MB).")
    return 0


def _backup(settings: Settings, target: Path) -> int:
    path = asyncio.run(operator.backup(settings, target))
    print(f"Đã sao lưu {settings.data_dir} vào {path} ({path.stat().st_size / 2**20:.1f} MB).")
    return 0


def _restore(archive: Path, data_dir: Path | None) -> int:
    settings = load_settings()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    operator.restore(settings, archive)
    print(f"Đã khôi phục {archive} vào {settings.data_dir}.")
    return _report(asyncio.run(operator.check(settings)), settings)


def _check() -> int:
    settings = load_settings()
    return _report(asyncio.run(operator.check(settings)), settings)


def _report(report: Health, settings: Settings) -> int:
    if not report.database:
        print(f"OK: cơ sở dữ liệu {settings.database.name} toàn vẹn.")
    if report.photo_count is not None and not report.photos:
        print(f"OK: {report.photo_count} ảnh có đủ tệp, đúng kích thước và SHA-256.")
    for problem in report.problems:
        print(f"LỖI: {problem}")
    if report.problems:
        print(f"Phát hiện {len(report.problems)} vấn đề trong {settings.data_dir}.")
        return EXIT_PROBLEMS
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "export":
            return _export(args.inspection_id, args.output)
        if args.command == "history":
            return _history(args.inspection_id)
        if args.command == "check":
            return _check()
        if args.command == "report":
            return _report_file(args.inspection_id, args.round_id, args.format, args.output)
        if args.command == "restore":
            return _restore(args.file, args.data_dir)
        if args.command == "checklist":
            return checklists.run(args.action, args.file, getattr(args, "output", None))
        if args.command == "demo":
            from app.demo import run_demo

            return run_demo(args.data_dir, sample_photos=args.sample_photos, speaker=args.speaker)
        settings = load_settings()
        configure_logging(settings.telegram_bot_token or "", settings.zalo_bot_token or "")
        if args.command == "backup":
            return _backup(settings, args.file)
        asyncio.run(_run(settings))
        return 0
    except (ConfigError, ChecklistError, StoreError, BackupError, ChannelRefused) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except ChannelUnreachable as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
