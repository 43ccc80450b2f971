"""Every fixed sentence a user reads, in Vietnamese, in one place.

Kept apart from the logic so that wording can be reviewed by the team and a second language added
later without touching the engine. Texts are Telegram HTML; anything a user typed is escaped by the
caller with `bot.html.esc`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")

RATING_LABELS = {"pass": "Đạt", "fail": "Không đạt", "partial": "Một phần", "na": "Không áp dụng"}
RATING_ICONS = {"pass": "✅", "fail": "❌", "partial": "🟡", "na": "➖"}
YESNO_LABELS = {"yes": "Có", "no": "Không"}

BACK = "⬅️ Quay lại"
SKIP = "Bỏ qua ⏭"
DONE = "✅ Xong"
SUBMIT = "📤 Gửi kết quả"
CANCEL = "🗑 Hủy phiên"
KEEP = "↩️ Tiếp tục kiểm tra"

HELP = (
    "<b>Bot kiểm tra công tác kiểm soát TTHC</b>\n"
    "Giúp đoàn kiểm tra ghi kết quả theo bảng kiểm, từng mục, kèm ảnh minh chứng tại Bộ phận Một cửa; "
    "kết quả được gửi về nhóm của đoàn.\n\n"
    "<b>Tham gia đoàn:</b> mở liên kết mời mà trưởng đoàn gửi trong nhóm.\n"
    "<b>Các lệnh:</b>\n"
    "/inspect – bắt đầu một phiên kiểm tra\n"
    "/status – xem tiến độ\n"
    "/resume – hiện lại câu đang chờ trả lời\n"
    "/cancel – hủy phiên đang làm\n"
    "/myid – xem mã người dùng Telegram của bạn\n"
    "\n<b>Trong nhóm của đoàn:</b>\n"
    "/summary [tên đơn vị] – xem kết quả gửi gần nhất\n"
    "/round &lt;tên đợt&gt; – mở đợt kiểm tra; /round – xem đợt đang mở; /endround – kết thúc đợt\n"
    "/report – biên bản, báo cáo đợt, bảng tính Excel, ảnh minh chứng\n"
    "/followups – các đề nghị khắc phục đang mở\n"
    "/stats – tỷ lệ đạt theo lĩnh vực, đơn vị, tháng"
)

PRIVATE_COMMANDS = {
    "inspect": "Bắt đầu phiên kiểm tra",
    "status": "Xem tiến độ phiên đang làm",
    "resume": "Hiện lại câu đang chờ trả lời",
    "cancel": "Hủy phiên đang làm",
    "help": "Hướng dẫn sử dụng",
    "myid": "Xem mã người dùng của bạn",
}
GROUP_COMMANDS = {
    "summary": "Kết quả kiểm tra gần nhất (có thể kèm tên đơn vị)",
    "report": "Biên bản, báo cáo đợt, bảng tính, ảnh minh chứng",
    "round": "Mở đợt kiểm tra hoặc xem đợt đang mở",
    "endround": "Kết thúc đợt kiểm tra đang mở",
    "followups": "Các đề nghị khắc phục đang mở",
    "stats": "Tỷ lệ đạt theo lĩnh vực, đơn vị, tháng",
    "newteam": "Tạo đoàn kiểm tra cho nhóm này (quản trị viên)",
    "help": "Hướng dẫn sử dụng",
    "myid": "Xem mã người dùng của bạn",
}

MYID = "Mã người dùng Telegram của bạn là <code>{id}</code>.\nQuản trị viên cần mã này để cấp quyền."
NOT_MEMBER = (
    "Bạn chưa thuộc đoàn kiểm tra nào nên chưa thể bắt đầu phiên kiểm tra.\n"
    "Hãy mở liên kết mời do trưởng đoàn gửi trong nhóm của đoàn."
)
BAD_JOIN_CODE = "Mã tham gia không đúng. Hãy xin trưởng đoàn mã 6 ký tự, rồi gửi: /join MÃ"
JOIN_USAGE = "Cách dùng: /join &lt;mã 6 ký tự do trưởng đoàn gửi&gt;, ví dụ: /join K7M2QX"
BAD_INVITE = "Liên kết mời không đúng hoặc đã bị thu hồi. Hãy xin trưởng đoàn liên kết mới."
JOINED = "Chào {name}! Bạn đã tham gia đoàn <b>{team}</b>.\nGửi /inspect để bắt đầu một phiên kiểm tra."
ALREADY_MEMBER = "Bạn đã là thành viên đoàn <b>{team}</b>. Gửi /inspect để bắt đầu kiểm tra."
JOINED_GROUP = "👋 {name} đã tham gia đoàn."

NEWTEAM_IN_PRIVATE = "Hãy thêm bot vào nhóm chat của đoàn rồi gửi /newteam &lt;tên đoàn&gt; trong nhóm đó."
NEWTEAM_NOT_ADMIN = "Chỉ quản trị viên của bot mới tạo được đoàn. Gửi /myid để biết mã của bạn."
NEWTEAM_USAGE = "Cách dùng: /newteam &lt;tên đoàn&gt;, ví dụ: /newteam Đoàn kiểm tra KSTTHC số 1"
NEWTEAM_NAME_RULE = "Tên đoàn cần từ 3 đến 100 ký tự."
TEAM_CREATED = (
    "✅ Đã tạo đoàn <b>{team}</b>. Trưởng đoàn: {lead}.\n"
    "Thành viên mở liên kết sau để tham gia, rồi nhắn /inspect cho bot:\n{link}\n"
    "Trên Zalo, nhắn cho bot: <code>/join {code}</code>"
)
TEAM_EXISTS = (
    "Nhóm này đã là nhóm của đoàn <b>{team}</b>.\nLiên kết mời thành viên:\n{link}\n"
    "Trên Zalo, nhắn cho bot: <code>/join {code}</code>"
)

GROUP_ONLY = "Lệnh này dùng trong nhóm của đoàn."
PRIVATE_ONLY = "Hãy nhắn riêng cho bot để dùng lệnh này."
NOT_TEAM_GROUP = "Nhóm này chưa là nhóm của đoàn kiểm tra nào."
NO_SUBMITTED = "Đoàn chưa có phiên kiểm tra nào đã gửi."
NO_MATCH = "Không tìm thấy phiên kiểm tra đã gửi nào của đơn vị «{words}»."
UNKNOWN_COMMAND = "Bot không có lệnh này. Gửi /help để xem các lệnh."

NO_DRAFT = "Bạn không có phiên kiểm tra nào đang mở. Gửi /inspect để bắt đầu."
HAS_DRAFT = (
    "Bạn đang có phiên #{id} ({unit}) chưa gửi, đã trả lời {done}/{total} câu.\n"
    "Gửi /resume để làm tiếp hoặc /cancel để hủy."
)
ASK_UNIT = (
    "🆕 <b>Phiên kiểm tra #{id}</b>\n"
    "👥 {team}\n"
    "{round}"
    "📋 {checklist} ({areas} mục, {items} câu)\n\n"
    "Đơn vị được kiểm tra là đơn vị nào? Nhập tên, ví dụ: <i>UBND xã Cổ Lũng</i>"
)
ASK_UNIT_ROUND = "🗂 Thuộc đợt: <b>{round}</b>\n"
ASK_UNIT_RECENT = "\nHoặc chọn đơn vị gần đây:"
UNIT_RULE = "Tên đơn vị cần từ 3 đến 200 ký tự, viết trên một dòng. Hãy nhập lại."
ASK_LOCATION = "📍 Đơn vị: <b>{unit}</b>\nGửi vị trí hiện tại (bấm 📎 → Vị trí) để ghi nơi kiểm tra, hoặc bấm Bỏ qua."
LOCATION_SAVED = "📍 Đã ghi vị trí."
LOCATION_NOT_NOW = "Vị trí chỉ được hỏi ở đầu phiên; bot không lưu vị trí này."

NEEDS_BUTTON = "Hãy chọn một trong các nút bên dưới câu hỏi."
BLANK_TEXT = "Tin nhắn trống nên bot chưa ghi gì. Hãy nhập nội dung."
NEEDS_NUMBER = "«{text}» không phải là một số. Hãy nhập số, ví dụ: 95 hoặc 12,5."
NEEDS_TEXT_PHOTO_STAGE = "Bot đang chờ ảnh. Gửi ảnh hoặc bấm «Xong» để đi tiếp."
NOTED_NUMBER = "Đã ghi: <b>{value}</b>"
ASK_NOTE = "✍️ Mô tả ngắn tồn tại, hạn chế của câu này (ví dụ: thiếu mẫu đơn, tờ khai), hoặc bấm Bỏ qua."
NEEDS_REVIEW_BUTTON = "Hãy xem lại kết quả rồi bấm «Gửi kết quả», hoặc «Quay lại» để sửa."

PHOTO_REQUIRED = "Câu này bắt buộc có ảnh minh chứng. Hãy gửi ít nhất một ảnh."
PHOTO_NOT_NOW = "Câu hiện tại không cần ảnh nên ảnh chưa được lưu. Gửi /resume để xem câu đang chờ."
PHOTO_NO_DRAFT = "Ảnh chưa được lưu vì bạn không có phiên kiểm tra nào đang mở. Gửi /inspect để bắt đầu."
PHOTO_TOO_BIG = "Tệp lớn hơn {limit} MB nên không nhận. Hãy gửi ảnh dạng nén hoặc nhỏ hơn."
PHOTO_NOT_IMAGE = "Tệp này không phải là ảnh. Hãy gửi ảnh chụp (JPEG, PNG)."
PHOTO_FETCH_FAILED = "Không tải được ảnh do mạng chập chờn. Hãy gửi lại ảnh."
PHOTO_RECEIVED = "📷 Đã nhận ảnh. Câu này có {total} ảnh."
ALBUM_RECEIVED = "📷 Đã nhận {count} ảnh. Câu này có {total} ảnh."
PHOTO_MORE = "Gửi thêm ảnh hoặc bấm «Xong»."
PHOTO_EARLY = "Hãy chọn câu trả lời ở câu hỏi phía trên."

ASK_RECOMMENDATIONS = (
    "📝 <b>Kiến nghị của đơn vị</b> với tỉnh (ví dụ: bổ sung trang thiết bị, tập huấn phần mềm).\n"
    "Gửi một hoặc nhiều tin nhắn, xong thì bấm «Xong». Không có thì bấm Bỏ qua."
)
ASK_STRENGTHS = (
    "🌟 <b>Kết quả đạt được khác</b> đáng ghi nhận (nếu có).\n"
    "Gửi một hoặc nhiều tin nhắn, xong thì bấm «Xong». Không có thì bấm Bỏ qua."
)
REMARK_SAVED = "Đã ghi ({count}). Gửi thêm hoặc bấm «Xong»."

CANCEL_CONFIRM = "Hủy phiên #{id} ({unit})? Các câu trả lời và ảnh của phiên này sẽ không được gửi."
CANCELLED = "🗑 Đã hủy phiên #{id}. Gửi /inspect để bắt đầu phiên mới."
SUBMITTED = "✅ Đã gửi kết quả phiên #{id} ({unit}) tới nhóm của đoàn. Cảm ơn bạn!"
MISSING_REQUIRED = "Còn câu bắt buộc chưa trả lời: {where}. Bot chuyển tới câu đó."

STALE_BUTTON = "Nút này đã cũ. Câu đang chờ là tin nhắn mới nhất; gửi /resume để hiện lại."
FOREIGN_BUTTON = "Nút này không thuộc phiên kiểm tra đang mở của bạn."
FINISHED_BUTTON = "Phiên kiểm tra này đã kết thúc, không thể thay đổi."
FIRST_STEP = "Đây là bước đầu tiên."
EDITED_IGNORED = "Bot không ghi nhận tin nhắn đã sửa. Muốn sửa câu trả lời, hãy bấm «Quay lại» rồi trả lời lại."
SLOW_DOWN = "Bạn đang gửi quá nhanh. Bot vẫn ghi nhận lần lượt từng tin, xin chờ một chút."
UNSUPPORTED = "Bot chỉ nhận chữ, ảnh và vị trí. Gửi /resume để xem câu đang chờ."
IDLE_HINT = "Gửi /inspect để bắt đầu phiên kiểm tra, hoặc /help để xem hướng dẫn."
STRANGER_HINT = "Bot dành cho các đoàn kiểm tra công tác kiểm soát TTHC. Gửi /help để xem cách tham gia."


# --- the team lead's side: rounds, reports, follow-ups, reminders, statistics ----------------------

LEAD_ONLY = "Chỉ trưởng đoàn hoặc quản trị viên mới làm được việc này."
MEMBERS_ONLY = "Chỉ thành viên của đoàn mới xem được báo cáo. Mở liên kết mời của đoàn để tham gia."
OTHER_TEAM_BUTTON = "Nút này thuộc đoàn khác, không dùng được trong nhóm này."
GROUP_STALE = "Nút này đã cũ, thông tin đã thay đổi. Hãy gửi lại lệnh để xem bản mới."

ROUND_NAME_RULE = "Tên đợt cần từ 3 đến 200 ký tự, viết trên một dòng, ví dụ: /round Kiểm tra KSTTHC huyện Phú Lương"
ROUND_NONE_OPEN = (
    "Chưa có đợt kiểm tra nào đang mở.\n"
    "Mở đợt: /round &lt;tên đợt&gt;, ví dụ: /round Kiểm tra KSTTHC huyện Phú Lương 2026"
)
ROUND_SHOW = (
    "🗂 <b>Đợt đang mở:</b> {name} (#{id})\n"
    "Mở lúc {opened} bởi {by}\n"
    "Đã gửi {submitted} phiên · đang làm {drafts} phiên\n"
    "Kết thúc đợt: /endround"
)
ROUND_ALREADY_OPEN = "Đợt <b>{name}</b> (#{id}) đang mở. Hãy /endround trước khi mở đợt mới."
ROUND_OPENED = (
    "🗂 Đã mở đợt kiểm tra <b>{name}</b> (#{id}).\n"
    "Các phiên /inspect bắt đầu từ bây giờ thuộc đợt này. Kết thúc đợt: /endround"
)
ENDROUND_NONE = "Không có đợt kiểm tra nào đang mở để kết thúc."
ENDROUND_CONFIRM = "Kết thúc đợt <b>{name}</b> (#{id})?\nĐã gửi {submitted} phiên."
ENDROUND_DRAFTS = (
    "\n⚠️ Còn {drafts} phiên chưa gửi ({who}). Khi kết thúc đợt, các phiên này sẽ đóng lại, không sửa tiếp "
    "được và không vào báo cáo."
)
END_ROUND = "✅ Kết thúc đợt"
KEEP_ROUND = "↩️ Chưa kết thúc"
ROUND_KEPT = "Đợt <b>{name}</b> vẫn đang mở."
ROUND_ENDED = (
    "🏁 Đã kết thúc đợt <b>{name}</b> (#{id}) · {submitted} phiên đã gửi.\n"
    "Gửi /report để lấy biên bản, báo cáo đợt, bảng tính và ảnh minh chứng."
)
DRAFT_CLOSED_BY_ROUND = (
    "Đợt <b>{round}</b> đã kết thúc nên phiên #{id} ({unit}) chưa gửi đã được đóng lại. "
    "Dữ liệu vẫn được lưu. Gửi /inspect nếu cần kiểm tra lại."
)

REPORT_MENU = "📑 <b>Báo cáo</b> · đợt <b>{name}</b> (#{id}, {state}) · {submitted} phiên đã gửi\nChọn tài liệu:"
REPORT_MENU_NO_ROUND = (
    "📑 <b>Báo cáo</b> · đoàn chưa có đợt kiểm tra nào (mở đợt bằng /round &lt;tên&gt;).\nChọn phiên để lấy biên bản:"
)
REPORT_NO_ROUND = "Không có đợt #{id} của đoàn này."
ROUND_OPEN_STATE = "đang mở"
ROUND_CLOSED_STATE = "đã kết thúc"
REPORT_RECORD = "📄 Biên bản một đơn vị"
REPORT_ROUND = "📑 Báo cáo đợt"
REPORT_WORKBOOK = "📊 Bảng tính Excel"
REPORT_ARCHIVE = "🗂 Ảnh minh chứng (ZIP)"
REPORT_CHOOSE_UNIT = "📄 Chọn đơn vị để lấy biên bản:"
REPORT_NOTHING = "Chưa có phiên kiểm tra nào đã gửi để lập báo cáo."
REPORT_COMING = "⏳ Đang tạo {what}, tệp sẽ gửi vào nhóm trong giây lát."
REPORT_WHAT = {
    "record": "biên bản",
    "round": "báo cáo đợt",
    "chart": "biểu đồ",
    "workbook": "bảng tính",
    "archive": "tệp ảnh minh chứng",
    "stats": "biểu đồ thống kê",
}
REPORT_TOO_BIG = (
    "⚠️ {name} nặng {size:.1f} MB, vượt giới hạn 50 MB mà Telegram cho phép bot gửi. "
    "Quản trị viên có thể lấy tệp trên máy chủ bằng lệnh: <code>{command}</code>"
)
REPORT_FAILED = "⚠️ Không tạo được {what}. Quản trị viên xem nhật ký (log) của bot để biết lý do."
CAPTION_RECORD = "📄 Biên bản kiểm tra phiên #{id} · {unit}"
CAPTION_ROUND = "📑 Báo cáo kết quả kiểm tra · {name}"
CAPTION_CHART = "📊 Kết quả theo lĩnh vực · {name}"
CAPTION_WORKBOOK = "📊 Bảng tính kết quả · {name}"
CAPTION_ARCHIVE = "🗂 Ảnh minh chứng gốc kèm mã SHA-256 · {name}"
CAPTION_PART = " (phần {part}/{parts})"
CAPTION_STATS = "📈 Tỷ lệ đạt theo lĩnh vực · {team}"

FOLLOWUPS_NONE = "✅ Không có đề nghị khắc phục nào đang mở."
FOLLOWUPS_TITLE = "📌 <b>Đề nghị khắc phục đang mở</b> ({count})"
FOLLOWUPS_MORE = "\nNút chỉ hiện {shown} đề nghị đầu; gõ /followups &lt;tên đơn vị&gt; để lọc."
FOLLOWUPS_HINT = "\nBấm số của đề nghị để đánh dấu đã khắc phục hoặc đổi hạn."
FOLLOWUP_DONE = "✔️ Đã khắc phục"
FOLLOWUP_NO_PHOTO = "✅ Xong, không kèm ảnh"
FOLLOWUP_TYPE_DATE = "📅 Nhập ngày khác"
FOLLOWUP_ASK_NOTE = (
    "✍️ {who}, trả lời tin nhắn này bằng ghi chú khắc phục cho đề nghị #{id} (ví dụ: đã niêm yết bổ sung ngày 05/12)."
)
FOLLOWUP_ASK_PHOTO = "📷 {who}, trả lời tin nhắn này bằng ảnh minh chứng nếu có, hoặc bấm «Xong»."
FOLLOWUP_ASK_DATE = (
    "📅 {who}, trả lời tin nhắn này bằng hạn mới cho đề nghị #{id}, dạng ngày/tháng/năm (ví dụ 31/12/2026)."
)
FOLLOWUP_BAD_DATE = "«{text}» không phải là một ngày từ hôm nay trở đi. Hãy nhập dạng ngày/tháng/năm, ví dụ 31/12/2026."
FOLLOWUP_NEW_DUE = "📅 Đề nghị #{id} ({unit}) có hạn mới: <b>{due}</b> (đổi bởi {who})."
FOLLOWUP_CLOSED = "✔️ Đề nghị #{id} ({unit}) đã khắc phục. Ghi chú của {who}: {note}"
FOLLOWUP_PROOF_SAVED = "📷 Đã lưu {count} ảnh minh chứng khắc phục cho đề nghị #{id}. Gửi thêm hoặc bấm «Xong»."
FOLLOWUP_NOT_OPEN = "Đề nghị này đã được đánh dấu khắc phục trước đó."
FOLLOWUP_WAITING_PHOTO = (
    "Bot đang chờ ảnh minh chứng cho đề nghị #{id}: trả lời tin nhắn của bot bằng ảnh, hoặc bấm «Xong»."
)
FOLLOWUP_WAITING_DATE = "Bot đang chờ hạn mới cho đề nghị #{id}, dạng ngày/tháng/năm (ví dụ 31/12/2026)."
FOLLOWUP_WAITING_TEXT = "Bot đang chờ ghi chú bằng chữ cho đề nghị #{id}."
PROOF_NOT_NOW = "Bot chỉ nhận ảnh trong nhóm khi bạn đang gửi minh chứng khắc phục."

DIGEST_TITLE = "⏰ <b>Đề nghị khắc phục đến hạn</b> (trong 3 ngày tới hoặc đã quá hạn): {count}"
DIGEST_FOOTER = "\nGửi /followups để cập nhật."
DRAFT_REMINDER = (
    "⏰ Phiên #{id} ({unit}) chưa gửi, lần sửa cuối {when}. Đã trả lời {done}/{total} câu.\n"
    "Gửi /resume để làm tiếp hoặc /cancel để hủy."
)

STATS_NONE = "Đoàn chưa có phiên kiểm tra nào đã gửi để thống kê."
STATS_TITLE = "📈 <b>Thống kê của đoàn</b> · {count} phiên đã gửi"
STATS_AREAS = "<b>Tỷ lệ đạt theo lĩnh vực</b> (Đạt / số tiêu chí áp dụng):"
STATS_UNITS = "<b>Theo đơn vị:</b>"
STATS_MONTHS = "<b>Theo tháng:</b>"


def local_time(moment: datetime) -> str:
    """Stored in UTC; people read Vietnam time."""
    return moment.astimezone(VIETNAM).strftime("%H:%M ngày %d/%m/%Y")


def time_range(start: datetime, end: datetime | None) -> str:
    """'08:15 – 10:40 ngày 25/11/2026' when both fall on one day, as inspections usually do."""
    if end is None:
        return local_time(start)
    first, last = start.astimezone(VIETNAM), end.astimezone(VIETNAM)
    if first.date() == last.date():
        return f"{first:%H:%M} – {last:%H:%M} ngày {last:%d/%m/%Y}"
    return f"{local_time(start)} – {local_time(end)}"


def short_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m")


def local_date(moment: datetime) -> date:
    """The Vietnam calendar day of a stored UTC moment: due dates and digests follow it."""
    return moment.astimezone(VIETNAM).date()


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)} %"
