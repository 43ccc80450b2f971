"""What the Zalo side itself says to people (everything else comes from the engine).

Kept together so they can move into the message catalogue in one step.
"""

from __future__ import annotations

MENU_HINT = "↩️ Trả lời bằng số thứ tự hoặc tên lựa chọn, ví dụ: 1"
REPORT_LINK = "⬇️ Tải tệp tại đây (liên kết dùng được trong {hours} giờ):\n{url}"
