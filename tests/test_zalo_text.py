"""Replies as Zalo text: plain, menus numbered with a hint, pieces within Zalo's 2,000 characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.events import Button, Say
from bot.texts.catalogue import VI
from handlers.split import ZALO_LIMIT as LIMIT
from handlers.split import split_text as split
from handlers.split import units
from handlers.zalo.text import caption, say_text


def test_menu_is_numbered_under_the_plain_text_with_a_hint() -> None:
    rows = [
        [Button(label="Đạt", data="a"), Button(label="Không đạt", data="b")],
        [Button(label="Một phần", data="c"), Button(label="Không áp dụng", data="d")],
    ]
    text = say_text(Say(chat_id=1, html="<b>Câu 1</b> &amp; <i>hỏi</i>", buttons=rows))
    assert text == f"Câu 1 & hỏi\n\n1. Đạt  2. Không đạt  3. Một phần  4. Không áp dụng\n{VI.MENU_HINT}"


def test_no_buttons_no_menu() -> None:
    assert say_text(Say(chat_id=1, html="Xin chào <b>An</b>")) == "Xin chào An"


def test_short_text_is_one_piece() -> None:
    assert split("một\nhai") == ["một\nhai"]


def test_long_text_is_cut_at_line_breaks() -> None:
    lines = [f"Dòng {index}: " + "chữ " * 30 for index in range(100)]
    pieces = split("\n".join(lines))
    assert len(pieces) > 1
    assert all(units(piece) <= LIMIT for piece in pieces)
    assert "\n".join(pieces).split("\n") == [line.strip("\n") for line in lines]


def test_a_line_too_long_is_cut_between_words() -> None:
    words_ = [f"từ{index}" for index in range(1200)]
    pieces = split(" ".join(words_))
    assert len(pieces) > 1
    assert all(units(piece) <= LIMIT for piece in pieces)
    assert " ".join(pieces).split() == words_  # no word was cut


def test_emoji_count_as_two_units() -> None:
    pieces = split("📷" * 1500)
    assert [units(piece) for piece in pieces] == [2000, 1000]
    assert "".join(pieces) == "📷" * 1500  # never half of a surrogate pair


@given(st.text(alphabet=st.sampled_from(["a", "ệ", " ", "\n", "📷", "b"]), max_size=5000))
def test_pieces_fit_and_keep_every_character(text: str) -> None:
    pieces = split(text, limit=50)
    assert all(0 < units(piece) <= 50 for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())


def test_caption_is_cut_at_a_word_with_an_ellipsis() -> None:
    text = caption("<b>Ảnh</b> " + "minh chứng " * 300)
    assert units(text) <= LIMIT and text.endswith("…")
    assert text.startswith("Ảnh minh chứng")
    assert text[:-1].split()[-1] in ("minh", "chứng")
    assert caption("Ngắn &amp; gọn") == "Ngắn & gọn"
