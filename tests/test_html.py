"""Splitting long Telegram HTML without breaking tags or entities."""

from __future__ import annotations

import html
import re

from bot.texts.html import esc
from handlers.split import split_html, visible_length


def balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in re.findall(r"<(/?)([a-z]+)[^>]*>", part):
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def test_short_text_is_one_part() -> None:
    assert split_html("<b>Mục 1</b>\nĐạt") == ["<b>Mục 1</b>\nĐạt"]


def test_lines_are_kept_whole_and_parts_fit() -> None:
    lines = [f"• <b>Câu {i}</b>: {esc('Thiếu mẫu đơn <tờ khai> & phí')} " + "ả" * 50 for i in range(200)]
    parts = split_html("\n".join(lines), 4096)
    assert len(parts) > 1
    assert all(visible_length(p) <= 4096 and balanced(p) for p in parts)
    assert sum(p.count("• ") for p in parts) == 200
    assert "\n".join(parts).count("&lt;tờ khai&gt; &amp; phí") == 200


def test_a_single_huge_line_is_cut_and_tags_reopened() -> None:
    text = "<b>" + esc("đ&" * 3000) + "</b>"
    parts = split_html(text, 4096)
    assert len(parts) == 2 and all(balanced(p) for p in parts)
    assert all(p.startswith("<b>") and p.endswith("</b>") for p in parts)
    assert "".join(html.unescape(re.sub("<[^>]+>", "", p)) for p in parts) == "đ&" * 3000
    assert all("&am\n" not in p for p in parts)


def test_length_counts_utf16_units_like_telegram() -> None:
    assert visible_length("<i>🙂</i>&amp;") == 3
