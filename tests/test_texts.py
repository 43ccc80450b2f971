"""The message catalogues: complete and alike in both languages, valid Telegram HTML, and chosen per
person (English on request or from Telegram's language, Vietnamese in groups and by default)."""

from __future__ import annotations

import re
import string
from collections.abc import AsyncIterator, Iterator
from datetime import time, timedelta
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from bot.checklist.loader import ChecklistError, parse_checklist
from bot.events import Chat, ChatKind, Command, Edit, Person, Say
from bot.team.reminders import Reminders
from bot.texts import catalogue as texts
from bot.texts import formats
from bot.texts.catalogue import LANGUAGES, LOCALES, Messages, catalogue, language_for
from storage.clock import utcnow
from tests.e2e import ADMIN as ADMIN_PHONE
from tests.e2e import GROUP_ID, Phone, create_team, running_bot
from tests.engine_harness import ADMIN, GROUP, INSPECTOR, SMALL_CHECKLIST, Harness
from tests.images import PDF
from tests.standin import BotApiStandIn, FakeUser
from tests.standin.telegram_html import HtmlParseError, parse_html

EN, VI = catalogue("en"), catalogue("vi")
TAG = re.compile(r"<[^>]*>")

# The small checklist with English beside the Vietnamese, as an administrator would add it.
BILINGUAL = (
    SMALL_CHECKLIST.replace("title: Bảng kiểm thử nghiệm", "title: Bảng kiểm thử nghiệm\ntitle_en: Test checklist")
    .replace(
        "    title: Chỉ đạo, điều hành\n", "    title: Chỉ đạo, điều hành\n    title_en: Direction and management\n"
    )
    .replace(
        "        prompt: Đã ban hành kế hoạch KSTTHC năm?\n",
        "        prompt: Đã ban hành kế hoạch KSTTHC năm?\n        prompt_en: Was the annual plan issued?\n",
    )
)
ENGLISH_PHONE = Person(id=400, name="Jane Doe", language_code="en-GB")


def strings(messages: Messages) -> Iterator[tuple[str, str]]:
    """Every text of a catalogue as (key, text); a mapping's texts as (KEY.subkey, text)."""
    for key, value in messages.model_dump().items():
        if isinstance(value, dict):
            yield from ((f"{key}.{sub}", text) for sub, text in value.items())
        else:
            yield key, value


def placeholders(text: str) -> list[str]:
    return sorted(f"{name}:{spec}" for _, name, spec, _ in string.Formatter().parse(text) if name is not None)


def test_every_key_has_a_text_in_every_language() -> None:
    for lang in LANGUAGES:
        for key, text in strings(catalogue(lang)):
            assert text.strip(), f"{lang}: {key} is empty"
            assert text == text.strip(), f"{lang}: {key} starts or ends with blanks; the code adds line breaks"
    assert dict(strings(EN)).keys() == dict(strings(VI)).keys()


def test_translations_keep_the_placeholders_and_the_html_tags() -> None:
    english = dict(strings(EN))
    for key, vietnamese in strings(VI):
        assert placeholders(english[key]) == placeholders(vietnamese), key
        assert TAG.findall(english[key]) == TAG.findall(vietnamese), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_is_html_telegram_accepts(lang: str) -> None:
    for key, text in strings(catalogue(lang)):
        filled = text.format_map({name.partition(":")[0]: 1.5 for name in placeholders(text)})
        try:
            parse_html(filled)
        except HtmlParseError as refused:
            pytest.fail(f"{lang}: {key}: Telegram would refuse it: {refused}")


def test_a_missing_or_misspelled_key_stops_the_catalogue_from_loading() -> None:
    data = yaml.safe_load((LOCALES / "en.yaml").read_text(encoding="utf-8"))
    assert Messages.model_validate(data).BACK == "⬅️ Back"
    missing = {key: value for key, value in data.items() if key != "BACK"}
    with pytest.raises(ValidationError, match="BACK"):
        Messages.model_validate(missing)
    with pytest.raises(ValidationError, match="BAKC"):
        Messages.model_validate({**data, "BAKC": "⬅️ Back"})
    ratings = {**data, "RATING_LABELS": {"pass": "Pass", "fail": "Fail", "partial": "Partial"}}
    with pytest.raises(ValidationError, match="RATING_LABELS must have exactly the keys"):
        Messages.model_validate(ratings)
    assert list(EN.PRIVATE_COMMANDS) == list(VI.PRIVATE_COMMANDS) and "lang" in VI.PRIVATE_COMMANDS
    with pytest.raises(ValueError, match="no message catalogue"):
        catalogue("fr")


def test_language_follows_the_choice_then_telegram_then_vietnamese() -> None:
    assert language_for(None, None) == "vi"
    assert language_for(None, "en") == language_for(None, "en-US") == "en"
    assert language_for(None, "vi") == language_for(None, "fr") == "vi"
    assert language_for("vi", "en") == "vi" and language_for("en", "vi") == "en"
    assert language_for("xx", "en") == "en"  # a value the bot does not speak (any more) is ignored
    assert texts.VI.PRIVATE_COMMANDS["inspect"] == "Bắt đầu phiên kiểm tra"


def test_times_are_worded_in_the_language() -> None:
    moment = utcnow()
    local = moment.astimezone(formats.VIETNAM)
    assert formats.local_time(EN, moment) == f"{local:%H:%M} on {local:%d/%m/%Y}"
    assert formats.local_time(VI, moment) == f"{local:%H:%M} ngày {local:%d/%m/%Y}"


# --- the checklist's English -----------------------------------------------------------------------


def test_checklist_english_is_optional_and_falls_back_to_vietnamese() -> None:
    checklist = parse_checklist(BILINGUAL)
    area, item = checklist.areas[0], checklist.areas[0].items[0]
    assert (checklist.title_in("en"), area.title_in("en"), item.prompt_in("en")) == (
        "Test checklist",
        "Direction and management",
        "Was the annual plan issued?",
    )
    assert item.prompt_in("vi") == "Đã ban hành kế hoạch KSTTHC năm?"
    assert checklist.areas[1].title_in("en") == "Công khai, niêm yết TTHC"  # not translated
    assert checklist.areas[0].items[1].prompt_in("en") == "Có dự thảo văn bản quy định TTHC không?"
    assert type(checklist).model_validate_json(checklist.canonical_json()) == checklist


def test_a_checklist_without_english_is_stored_as_before() -> None:
    """Databases hold the canonical JSON of every version used; it must not change for old files."""
    body = parse_checklist(SMALL_CHECKLIST).canonical_json()
    assert "_en" not in body
    assert body.startswith('{"areas": [{"id": "chi-dao", "items": [{"id": "ke-hoach", "photo": "none",')


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (BILINGUAL.replace("prompt_en: Was", "prompt_eng: Was"), "prompt_eng: trường không được hỗ trợ"),
        (BILINGUAL.replace("prompt_en: Was the annual plan issued?", "prompt_en: ab"), "prompt_en"),
        (BILINGUAL.replace("title_en: Direction and management", "title_en: [a, b]"), "title_en"),
    ],
)
def test_a_wrong_english_field_is_named_with_its_line(broken: str, expected: str) -> None:
    with pytest.raises(ChecklistError) as caught:
        parse_checklist(broken, source="ds.yaml")
    assert expected in str(caught.value) and "dòng" in str(caught.value)


# --- through the engine ----------------------------------------------------------------------------


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness.open(tmp_path, parse_checklist(BILINGUAL))
    await harness.make_team_with_inspector()
    yield harness
    await harness.store.close()


def labels(h: Harness) -> list[str]:
    return [
        button.label for reply in h.last if isinstance(reply, (Say, Edit)) for row in reply.buttons for button in row
    ]


async def test_lang_en_then_a_whole_inspection_in_english_while_the_group_reads_vietnamese(h: Harness) -> None:
    assert "Switched to English" in h.texts(await h.command(INSPECTOR, "lang", "en"))
    assert "Which unit are you inspecting?" in h.texts(await h.command(INSPECTOR, "inspect"))
    assert "Send your current location" in h.texts(await h.text(INSPECTOR, "UBND xã Cổ Lũng"))
    question = h.texts(await h.tap(INSPECTOR, "Skip"))
    assert "<b>Area 1/2 · Question 1/2</b> · Direction and management" in question
    assert "Was the annual plan issued?" in question
    assert labels(h) == ["Pass", "Fail", "Partial", "N/A", "⬅️ Back"]
    await h.tap(INSPECTOR, "Fail")
    (rewritten,) = [reply for reply in h.last if isinstance(reply, Edit)]  # the answered one asks for a note
    assert rewritten.html is not None and "Was the annual plan issued? → <b>Fail</b>" in rewritten.html
    assert "Briefly describe the shortcoming" in h.texts()
    await h.text(INSPECTOR, "Kế hoạch ban hành muộn")
    assert labels(h)[:2] == ["Yes", "No"]
    assert "Có dự thảo văn bản quy định TTHC không?" in h.texts()  # no English for it: the Vietnamese
    await h.tap(INSPECTOR, "Yes")
    await h.tap(INSPECTOR, "N/A")
    # Both taps rewrote one message: it lists what was answered in it, then asks the next question.
    log = "✓ <b>1.2</b> Có dự thảo văn bản quy định TTHC không? → <b>Yes</b>\n✓ <b>2.1</b> Bảng niêm yết TTHC dễ"
    assert h.texts().startswith(log)
    assert "Type a number." in h.texts()
    assert "Saved: <b>95 %</b>" in h.texts(await h.text(INSPECTOR, "95"))
    assert "Photo evidence</b> (optional)" in h.texts()
    await h.tap(INSPECTOR, "Done")
    assert "The unit's recommendations" in h.texts(await h.tap(INSPECTOR, "Skip"))
    await h.tap(INSPECTOR, "Skip")
    assert "Representatives of the inspected unit" in h.texts(await h.tap(INSPECTOR, "Skip"))
    assert "The inspected unit's opinion" in h.texts(await h.tap(INSPECTOR, "Skip"))
    assert labels(h)[:2] == ["👍 Agrees", "Skip ⏭"]
    await h.tap(INSPECTOR, "Skip")
    review = h.texts()
    assert "REVIEW OF INSPECTION" in review and "Was the annual plan issued — <b>Fail</b>" in review
    status = h.texts(await h.command(INSPECTOR, "status"))
    assert "Now at: review before submitting" in status and "Answered 4/6 questions" in status
    assert "REVIEW OF INSPECTION" in h.texts(await h.command(INSPECTOR, "resume"))
    replies = await h.tap(INSPECTOR, "Submit")
    private = h.texts([r for r in replies if isinstance(r, Say) and r.chat_id == INSPECTOR.id])
    group = h.texts([r for r in replies if isinstance(r, Say) and r.chat_id == GROUP])
    assert "Results of inspection #1 (UBND xã Cổ Lũng) sent to the team's group" in private
    assert "KẾT QUẢ KIỂM TRA" in group and "Đã ban hành kế hoạch KSTTHC năm — <b>Không đạt</b>" in group
    assert "Chỉ đạo, điều hành" in group and "Direction" not in group and "Fail" not in group


async def test_telegram_language_english_is_used_without_lang_and_lang_vi_overrides_it(h: Harness) -> None:
    assert "<b>Commands:</b>" in h.texts(await h.command(ENGLISH_PHONE, "help"))
    assert "/lang – choose the language" in h.texts()
    assert "Switched to English" not in h.texts(await h.command(ENGLISH_PHONE, "lang"))
    assert "Current language: English." in h.texts()
    assert "Đã chuyển sang tiếng Việt" in h.texts(await h.command(ENGLISH_PHONE, "lang", "VI"))
    assert "<b>Các lệnh:</b>" in h.texts(await h.command(ENGLISH_PHONE, "help"))
    assert "Ngôn ngữ đang dùng: tiếng Việt." in h.texts(await h.command(ENGLISH_PHONE, "lang"))


async def test_a_wrong_language_explains_usage_and_stores_nothing(h: Harness) -> None:
    usage = h.texts(await h.command(ENGLISH_PHONE, "lang", "fr"))
    assert usage == EN.LANG_USAGE
    assert h.texts(await h.command(INSPECTOR, "lang", "tiếng anh")) == VI.LANG_USAGE
    async with h.store.transaction() as tx:
        assert await tx.people.language_of(ENGLISH_PHONE.id) is None
        assert await tx.people.language_of(INSPECTOR.id) is None


async def test_groups_stay_vietnamese_whoever_speaks(h: Harness) -> None:
    group = Chat(id=GROUP, kind=ChatKind.GROUP)
    await h.command(ADMIN, "lang", "en")
    assert "<b>Các lệnh:</b>" in h.texts(await h.send(ENGLISH_PHONE, Command(name="help"), group))
    assert h.texts(await h.send(ADMIN, Command(name="lang", args="en"), group)) == VI.PRIVATE_ONLY
    assert "Đoàn chưa có phiên kiểm tra nào" in h.texts(await h.send(ADMIN, Command(name="stats"), group))
    code = await h.make_team_with_inspector()  # the team exists: this only reads its invitation again
    replies = await h.command(ENGLISH_PHONE, "start", code)
    assert "You have joined the team" in h.texts([r for r in replies if isinstance(r, Say) and r.chat_id != GROUP])
    # Told with whoever else joins within the minute after the inspector's notice, in Vietnamese.
    assert "đã tham gia đoàn: Jane Doe." in h.texts([r for r in replies if isinstance(r, Say) and r.chat_id == GROUP])


async def test_photo_refusals_and_reminders_speak_the_inspectors_language(h: Harness) -> None:
    assert h.texts(await h.photo(ENGLISH_PHONE, b"\xff\xd8 not really")) == EN.PHOTO_NO_DRAFT
    await h.command(INSPECTOR, "lang", "en")
    await h.command(INSPECTOR, "inspect")
    await h.text(INSPECTOR, "UBND xã Cổ Lũng")
    await h.tap(INSPECTOR, "Skip")
    await h.tap(INSPECTOR, "Pass")
    await h.tap(INSPECTOR, "Yes")
    await h.tap(INSPECTOR, "Pass")  # the item whose evidence photo is required
    assert h.texts(await h.photo(INSPECTOR, PDF, document=True, mime="image/jpeg")) == EN.PHOTO_NOT_IMAGE
    reminders = Reminders(h.store, h.engine.versions, h.engine.followups, time(8, 0))
    owed = await reminders.tick(utcnow() + timedelta(days=2))
    (nudge,) = [r.html for r in owed if isinstance(r, Say) and r.chat_id == INSPECTOR.id]
    assert nudge.startswith("⏰ Inspection #1 (UBND xã Cổ Lũng) is not submitted; last changed at ")


# --- through Telegram ------------------------------------------------------------------------------


async def test_a_telegram_user_with_english_gets_english_and_the_group_vietnamese(
    tg: BotApiStandIn, tmp_path: Path
) -> None:
    phone = Phone(tg, FakeUser(id=5100, first_name="Jane", last_name="Doe", language_code="en"))
    lead = Phone(tg, ADMIN_PHONE, GROUP_ID)
    async with running_bot(tg, tmp_path):
        code = await create_team(tg)
        seen = lead.seen()
        await phone.say(f"/start {code}", "You have joined the team")
        await lead.next("Jane Doe đã tham gia đoàn", seen)
        await phone.say("/inspect", "Which unit are you inspecting?")
        await phone.say("UBND xã Cổ Lũng", "Send your current location")
        question = await phone.tap("Skip ⏭", "Area 1/8 · Question 1/4")
        assert "Has this year's administrative procedure control plan been issued?" in question.text
        assert question.button_labels == ["Pass", "Fail", "Partial", "N/A", "❓ Guidance", "⬅️ Back"]
        guided = await phone.tap("Guidance", "Basis:")  # the checklist's English help, its basis as written
        assert "Look at the plan (number, date issued)" in guided.text and "Nghị định 63/2010/NĐ-CP" in guided.text
