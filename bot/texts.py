"""Every fixed sentence a user reads, in Vietnamese, in one place.

Kept apart from the logic so that wording can be reviewed by the team and a second language added
later without touching the engine. Texts are Telegram HTML; anything a user typed is escaped by the
caller with `bot.html.esc`.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

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
    "Trong nhóm của đoàn: /summary [tên đơn vị] – xem kết quả gửi gần nhất."
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
    "newteam": "Tạo đoàn kiểm tra cho nhóm này (quản trị viên)",
    "help": "Hướng dẫn sử dụng",
    "myid": "Xem mã người dùng của bạn",
}

MYID = "Mã người dùng Telegram của bạn là <code>{id}</code>.\nQuản trị viên cần mã này để cấp quyền."
NOT_MEMBER = (
    "Bạn chưa thuộc đoàn kiểm tra nào nên chưa thể bắt đầu phiên kiểm tra.\n"
    "Hãy mở liên kết mời do trưởng đoàn gửi trong nhóm của đoàn."
)
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
    "Thành viên mở liên kết sau để tham gia, rồi nhắn /inspect cho bot:\n{link}"
)
TEAM_EXISTS = "Nhóm này đã là nhóm của đoàn <b>{team}</b>.\nLiên kết mời thành viên:\n{link}"

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
    "📋 {checklist} ({areas} mục, {items} câu)\n\n"
    "Đơn vị được kiểm tra là đơn vị nào? Nhập tên, ví dụ: <i>UBND xã Cổ Lũng</i>"
)
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
