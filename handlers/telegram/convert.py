"""Telegram updates into engine events. The only place that reads python-telegram-bot's Update."""

from __future__ import annotations

from functools import partial

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.events import (
    Chat,
    ChatKind,
    Command,
    Edited,
    Event,
    GroupMoved,
    Incoming,
    Location,
    Person,
    PhotoIn,
    Tap,
    Text,
    Unsupported,
)
from handlers.telegram.ordering import PerPersonUpdateProcessor
from handlers.telegram.retry import retried

NAME = "telegram"
TELEGRAM_KEY_PREFIX = "tg:"


def update_key(update: Update) -> str:
    """The delivery key the engine deduplicates on; the inbox uses the same one."""
    return f"{TELEGRAM_KEY_PREFIX}{update.update_id}"


def to_incoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Incoming | None:
    user, chat = update.effective_user, update.effective_chat
    if chat is None:
        return None
    event = _event(update, context)
    if event is None:
        return None
    if isinstance(event, GroupMoved):
        person = Person(id=user.id if user else 0, name=user.full_name if user else "")
    elif user is None or user.is_bot:
        return None
    else:
        person = Person(id=user.id, name=user.full_name, username=user.username, language_code=user.language_code)
    kind = ChatKind.PRIVATE if chat.type == chat.PRIVATE else ChatKind.GROUP
    query = update.callback_query
    return Incoming(
        key=update_key(update),
        channel=NAME,
        tapped_message_id=query.message.message_id if query and query.message else None,
        person=person,
        chat=Chat(id=chat.id, kind=kind),
        event=event,
    )


def _event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Event | None:
    if update.callback_query is not None:
        return Tap(data=update.callback_query.data or "")
    if update.edited_message is not None:
        return Edited()
    message = update.message
    if message is None:
        return None
    if message.text is not None:
        if _is_command(message):
            return _command(message, context.bot.username)
        return Text(text=message.text)
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        return _photo(context, largest.file_id, largest.file_size, message, as_document=False, mime="image/jpeg")
    if message.document is not None:
        document = message.document
        return _photo(context, document.file_id, document.file_size, message, as_document=True, mime=document.mime_type)
    if message.location is not None:
        return Location(latitude=message.location.latitude, longitude=message.location.longitude)
    if message.migrate_to_chat_id is not None:
        return GroupMoved(new_chat_id=message.migrate_to_chat_id)
    if message.new_chat_members or message.left_chat_member or message.group_chat_created:
        return None
    return Unsupported()


def _is_command(message: Message) -> bool:
    """Commands are recognised by their `bot_command` entity, as Telegram marks them, not by a leading '/'."""
    return any(e.type == e.BOT_COMMAND and e.offset == 0 for e in message.entities or ())


def _command(message: Message, bot_username: str) -> Command | None:
    """None for `/cmd@otherbot`: in a group, commands addressed to other bots are not ours."""
    text = message.text or ""
    entity = next(e for e in message.entities if e.type == e.BOT_COMMAND and e.offset == 0)
    word = message.parse_entity(entity)[1:]
    name, _, target = word.partition("@")
    if target and target.lower() != bot_username.lower():
        return None
    return Command(name=name.lower(), args=text[len(message.parse_entity(entity)) :].strip())


def _photo(
    context: ContextTypes.DEFAULT_TYPE,
    file_id: str,
    size: int | None,
    message: Message,
    *,
    as_document: bool,
    mime: str | None,
) -> PhotoIn:
    async def fetch() -> bytes:
        """Retried like the replies are: Telegram's flood control and its hiccups are not the person's
        fault, and asking them to send the photo again is the last resort."""
        file = await retried(context.bot.get_file, file_id)
        return bytes(await retried(file.download_as_bytearray))

    album = message.media_group_id
    processor = context.application.update_processor
    more_in_album = None
    if album is not None and isinstance(processor, PerPersonUpdateProcessor):
        more_in_album = partial(processor.more_in_album, album)
    return PhotoIn(
        fetch=fetch,
        declared_size=size,
        media_group_id=album,
        as_document=as_document,
        mime_type=mime,
        more_in_album=more_in_album,
    )
