"""Choices as numbered text: how they are shown and how a typed reply is read back."""

from __future__ import annotations

from pathlib import Path

from bot.events import Abilities, Button, Say
from handlers.menus import choose, render
from tests.engine_harness import INSPECTOR, Harness
from tests.images import jpeg

RATINGS = [
    Button(label=label, data=str(n)) for n, label in enumerate(["Đạt", "Không đạt", "Một phần", "Không áp dụng"])
]
WITH_BACK = [*RATINGS, Button(label="⬅️ Quay lại", data="back")]


def test_a_short_menu_is_one_line_a_long_one_a_line_per_choice() -> None:
    assert render(RATINGS) == "1. Đạt  2. Không đạt  3. Một phần  4. Không áp dụng"
    units = [Button(label=f"UBND xã số {n} của huyện Phú Lương", data=str(n)) for n in range(3)]
    assert render(units).splitlines() == [f"{n + 1}. UBND xã số {n} của huyện Phú Lương" for n in range(3)]


def test_replies_name_a_choice_by_number_label_or_synonym() -> None:
    def label(text: str) -> str | None:
        chosen = choose(text, WITH_BACK)
        return chosen.label if chosen else None

    assert [label(t) for t in ("2", " 4 ", "khong dat", "KHÔNG ÁP DỤNG", "ok", "na", "quay lai")] == [
        "Không đạt",
        "Không áp dụng",
        "Không đạt",
        "Không áp dụng",
        "Đạt",
        "Không áp dụng",
        "⬅️ Quay lại",
    ]
    assert [label(t) for t in ("0", "6", "xin chào", "", "đạt đạt")] == [None] * 5


def test_where_a_number_is_an_answer_a_number_picks_nothing() -> None:
    assert choose("1", WITH_BACK, by_number=False) is None
    chosen = choose("quay lại", WITH_BACK, by_number=False)
    assert chosen is not None and chosen.data == "back"


async def test_questions_that_take_typed_answers_say_so(tmp_path: Path) -> None:
    h = await Harness.open(tmp_path, abilities=NUMBERED_MENUS)
    try:
        await h.start_inspection()
        assert not last_question(h).free_text  # a rating: "1" is its first choice
        await h.tap(INSPECTOR, "Đạt")
        await h.tap(INSPECTOR, "Có")
        await h.tap(INSPECTOR, "Đạt")
        assert not last_question(h).free_text  # photos: the menu offers only «Xong» and «Quay lại»
        await h.photo(INSPECTOR, jpeg())
        await h.tap(INSPECTOR, "Xong")
        number = last_question(h)
        assert "Tỷ lệ hồ sơ" in number.html and number.free_text
        await h.text(INSPECTOR, "1")  # the answer 1 %, not the first choice of the menu
        async with h.store.transaction() as tx:
            answer = await tx.inspections.answer(1, "ty-le")
        assert answer is not None and answer.value == "1"
    finally:
        await h.store.close()


# Zalo's and the demo's: every question goes out as a new message, with its choices numbered.
NUMBERED_MENUS = Abilities(groups=True, buttons=False, albums=False, files=False, edits=False, own_ids=False)


def last_question(h: Harness) -> Say:
    return [r for r in h.last if isinstance(r, Say) and r.buttons][-1]
