"""The Bot API methods the stand-in implements, each checking what Telegram checks in the same order.

The order matters for faithfulness: like the real server, request-level problems (bad markup, missing
text, unparseable JSON) are reported before the chat is looked up, and content limits (length after
clean-up) after. Every refusal uses the description Telegram sends.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import validation
from .args import Args
from .files import (
    MAX_DOCUMENT_UPLOAD,
    MAX_DOWNLOAD,
    MAX_PHOTO_UPLOAD,
    FileStore,
    NotAnImageError,
    StoredFile,
    document_object,
    image_size,
)
from .models import BOT_USER, ApiError, JsonDict, Revision, SentMessage, UploadedFile
from .telegram_html import utf16_len
from .updates import UpdateQueue
from .world import CallbackQuery, Chat, MediaDetails, StoredMessage, World

Handler = Callable[[Args], Awaitable[Any]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same as a "
    "current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_ALBUM_SIZE = 10
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
_SCOPE_TYPES = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators",
     "chat", "chat_administrators", "chat_member"}
)  # fmt: skip


def _to_int(raw: str) -> int:
    match = re.match(r"^\s*([+-]?\d+)", raw)
    return int(match.group(1)) if match else 0


def _inline_part(markup: JsonDict | None) -> JsonDict | None:
    """Only inline keyboards belong to a message; reply keyboards affect the chat, not the message."""
    return markup if markup and "inline_keyboard" in markup else None


class BotApiMethods:
    """Handlers for the implemented methods; ``handlers`` maps canonical method names to them."""

    def __init__(
        self,
        world: World,
        files: FileStore,
        updates: UpdateQueue,
        *,
        strict: bool,
        callback_query_ttl: float | None,
    ) -> None:
        self.world = world
        self.files = files
        self.updates = updates
        self.strict = strict
        self.callback_query_ttl = callback_query_ttl
        self.callback_answers: list[JsonDict] = []
        self.webhook: dict[str, str | None] | None = None
        self.chat_actions: list[tuple[int, str]] = []
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.open_queries: dict[int, CallbackQuery] = {}
        self._next_media_group = 13_500_000_000_000_001
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendPhoto": self.send_photo,
            "sendDocument": self.send_document,
            "sendMediaGroup": self.send_media_group,
            "sendChatAction": self.send_chat_action,
            "getFile": self.get_file,
        }

    # -- shared checks --------------------------------------------------------------------------------

    def _chat(self, args: Args) -> Chat:
        raw = args.text("chat_id").strip()
        if not raw:
            raise ApiError.bad_request("chat_id is empty")
        if raw.startswith("@"):
            chat = next((c for c in self.world.chats.values() if c.data.get("username") == raw[1:]), None)
        else:
            chat = self.world.chats.get(_to_int(raw))
        if chat is None:
            raise ApiError.bad_request("chat not found")
        if chat.is_private and chat.id in self.world.blocked_by:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _markup(self, args: Args, *, inline_only: bool = False) -> JsonDict | None:
        value = args.json("reply_markup", "reply keyboard markup")
        return validation.reply_markup(value, strict=self.strict, inline_only=inline_only)

    def _reply_to(self, args: Args, chat: Chat) -> StoredMessage | None:
        params = args.json_object("reply_parameters", "reply parameters")
        if params is None:
            legacy = args.integer("reply_to_message_id")
            if legacy <= 0:
                return None
            params = {
                "message_id": legacy,
                "allow_sending_without_reply": args.flag("allow_sending_without_reply"),
            }
        target = self.world.get(chat.id, _to_int(str(params.get("message_id", ""))))
        if target is None or target.deleted:
            if params.get("allow_sending_without_reply"):
                return None
            raise ApiError.bad_request("message to be replied not found")
        return target

    def _text(self, args: Args, *, required: bool) -> validation.ParsedText:
        name, entities = ("text", "entities") if required else ("caption", "caption_entities")
        return validation.parse_text(
            args.text(name),
            args.text("parse_mode"),
            args.json(entities, "entities"),
            strict=self.strict,
            required=required,
        )

    def _message_to_edit(self, args: Args) -> StoredMessage:
        if not args.has("chat_id") and not args.has("message_id"):
            if args.has("inline_message_id"):
                raise ApiError.bad_request("inline messages are not implemented by the stand-in")
            raise ApiError.bad_request("Message identifier is not specified")
        chat = self._chat(args)
        stored = self.world.get(chat.id, args.integer("message_id"))
        if stored is None or stored.deleted:
            raise ApiError.bad_request("message to edit not found")
        if stored.sent is None:
            raise ApiError.bad_request("message can't be edited")
        return stored

    def _apply_edit(
        self,
        sent: SentMessage,
        text: str,
        entities: list[JsonDict],
        html: str | None,
        markup: JsonDict | None,
    ) -> JsonDict:
        current = sent.current
        unchanged = (text, entities) == (current.text, current.entities)
        if unchanged and _inline_part(markup) == _inline_part(current.reply_markup):
            raise ApiError.bad_request(NOT_MODIFIED)
        edit_date = max(self.world.unix_now(), int(sent.message["date"]))
        sent.edits.append(Revision(text, html, entities, _inline_part(markup), edit_date))
        message = {key: value for key, value in sent.message.items() if key not in ("reply_markup", "edit_date")}
        text_key, entities_key = ("text", "entities") if sent.kind == "text" else ("caption", "caption_entities")
        message.pop(text_key, None)
        message.pop(entities_key, None)
        message["edit_date"] = edit_date
        if text:
            message[text_key] = text
        if entities:
            message[entities_key] = entities
        if _inline_part(markup):
            message["reply_markup"] = markup
        sent.message = message
        self.world.bot_message_edited(sent)
        return copy.deepcopy(message)

    @staticmethod
    def _text_fields(key: str, text: str, entities: list[JsonDict], markup: JsonDict | None) -> JsonDict:
        fields: JsonDict = {}
        if text:
            fields[key] = text
        if entities:
            fields["entities" if key == "text" else "caption_entities"] = entities
        if _inline_part(markup):
            fields["reply_markup"] = markup
        return fields

    # -- bot, updates and commands ------------------------------------------------------------------

    async def get_me(self, args: Args) -> JsonDict:
        return dict(BOT_USER)

    async def get_updates(self, args: Args) -> list[JsonDict]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        if args.has("allowed_updates"):
            allowed = args.json("allowed_updates", "allowed updates")
            self.updates.set_allowed([str(kind) for kind in allowed] if isinstance(allowed, list) else None)
        return await self.updates.get(
            args.integer("offset"), args.integer("limit", 100, 1, 100), args.integer("timeout", 0, 0)
        )

    async def set_webhook(self, args: Args) -> bool:
        url = args.text("url")
        if not url:
            return await self.delete_webhook(args)
        if not url.startswith("https://"):
            raise ApiError.bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = args.text("secret_token")
        if secret and not SECRET_TOKEN.match(secret):
            raise ApiError.bad_request("secret token contains unallowed characters")
        if args.flag("drop_pending_updates"):
            self.updates.drop_pending()
        if args.has("allowed_updates"):
            allowed = args.json("allowed_updates", "allowed updates")
            self.updates.set_allowed([str(kind) for kind in allowed] if isinstance(allowed, list) else None)
        self.webhook = {"url": url, "secret_token": secret or None}
        return True

    async def delete_webhook(self, args: Args) -> bool:
        self.webhook = None
        if args.flag("drop_pending_updates"):
            self.updates.drop_pending()
        return True

    async def get_webhook_info(self, args: Args) -> JsonDict:
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": self.updates.pending_count(),
        }

    def _scope_key(self, args: Args) -> str:
        scope = args.json("scope", "BotCommandScope") or {"type": "default"}
        if not isinstance(scope, dict):
            raise ApiError.bad_request("Can't parse BotCommandScope: BotCommandScope must be an Object")
        kind = scope.get("type")
        if not isinstance(kind, str):
            raise ApiError.bad_request("Can't parse BotCommandScope: Can't find field \"type\"")
        if kind not in _SCOPE_TYPES:
            raise ApiError.bad_request("Can't parse BotCommandScope: Unsupported type specified")
        if kind.startswith("chat"):
            if not str(scope.get("chat_id", "")):
                raise ApiError.bad_request("Can't parse BotCommandScope: Empty chat_id specified")
            scope = {**scope, "chat_id": _to_int(str(scope["chat_id"]))}
            if scope["chat_id"] not in self.world.chats:
                raise ApiError.bad_request("chat not found")
        return json.dumps(scope, sort_keys=True)

    def _bot_commands(self, args: Args) -> list[JsonDict]:
        commands = args.json("commands", "commands")
        if commands is None:
            return []
        if not isinstance(commands, list):
            raise ApiError.bad_request("Expected an Array of BotCommand")
        result = []
        for command in commands:
            if not isinstance(command, dict):
                raise ApiError.bad_request("Can't parse BotCommand: expected an Object")
            for field in ("command", "description"):
                if not isinstance(command.get(field), str):
                    raise ApiError.bad_request(f"Can't parse BotCommand: Can't find field \"{field}\"")
            if not _COMMAND_NAME_RE.match(command["command"]):
                raise ApiError.bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"].strip()) <= 256:
                raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            result.append({"command": command["command"], "description": command["description"]})
        if len(result) > 100:
            raise ApiError.bad_request("BOT_COMMANDS_TOO_MUCH")
        return result

    async def set_my_commands(self, args: Args) -> bool:
        commands = self._bot_commands(args)
        key = (self._scope_key(args), args.text("language_code"))
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    async def get_my_commands(self, args: Args) -> list[JsonDict]:
        return copy.deepcopy(self.commands.get((self._scope_key(args), args.text("language_code")), []))

    async def delete_my_commands(self, args: Args) -> bool:
        self.commands.pop((self._scope_key(args), args.text("language_code")), None)
        return True

    # -- text messages ------------------------------------------------------------------------------

    async def send_message(self, args: Args) -> JsonDict:
        parsed = self._text(args, required=True)
        args.json_object("link_preview_options", "link preview options")
        markup = self._markup(args)
        chat = self._chat(args)
        reply_to = self._reply_to(args, chat)
        text, entities = validation.finish_text(parsed, is_caption=False)
        entities = self.world.fill_mentions(entities)
        revision = Revision(text, args.text("text"), entities, markup)
        fields = self._text_fields("text", text, entities, markup)
        sent = self.world.add_bot_message(chat, "text", fields, revision, reply_to)
        return copy.deepcopy(sent.message)

    async def edit_message_text(self, args: Args) -> JsonDict:
        parsed = self._text(args, required=True)
        args.json_object("link_preview_options", "link preview options")
        markup = self._markup(args, inline_only=True)
        stored = self._message_to_edit(args)
        assert stored.sent is not None
        if stored.kind != "text":
            raise ApiError.bad_request("there is no text in the message to edit")
        text, entities = validation.finish_text(parsed, is_caption=False)
        return self._apply_edit(stored.sent, text, self.world.fill_mentions(entities), args.text("text"), markup)

    async def edit_message_caption(self, args: Args) -> JsonDict:
        parsed = self._text(args, required=False)
        markup = self._markup(args, inline_only=True)
        stored = self._message_to_edit(args)
        assert stored.sent is not None
        if stored.kind == "text":
            raise ApiError.bad_request("there is no caption in the message to edit")
        text, entities = validation.finish_text(parsed, is_caption=True)
        html = args.text("caption") or None
        return self._apply_edit(stored.sent, text, self.world.fill_mentions(entities), html, markup)

    async def edit_message_reply_markup(self, args: Args) -> JsonDict:
        markup = self._markup(args, inline_only=True)
        stored = self._message_to_edit(args)
        assert stored.sent is not None
        current = stored.sent.current
        return self._apply_edit(stored.sent, current.text, current.entities, current.html, markup)

    async def delete_message(self, args: Args) -> bool:
        chat = self._chat(args)
        stored = self.world.get(chat.id, args.integer("message_id"))
        if stored is None or stored.deleted:
            raise ApiError.bad_request("message to delete not found")
        if not chat.is_private and stored.sent is None and not chat.bot_is_admin:
            raise ApiError.bad_request("message can't be deleted")
        stored.deleted = True
        if stored.sent is not None:
            stored.sent.deleted = True
            stored.sent.changed_at = self.world.tick()
        self.world.notify_changed()
        return True

    # -- callback queries and chat actions ----------------------------------------------------------

    async def answer_callback_query(self, args: Args) -> bool:
        query = self.open_queries.get(_to_int(args.text("callback_query_id")))
        expired = (
            query is not None
            and self.callback_query_ttl is not None
            and time.monotonic() - query.issued_at > self.callback_query_ttl
        )
        if query is None or query.answered or expired:
            raise ApiError.bad_request(QUERY_INVALID)
        if utf16_len(args.text("text")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError.bad_request("MESSAGE_TOO_LONG")
        query.answered = True
        self.callback_answers.append(
            {
                "callback_query_id": args.text("callback_query_id"),
                "text": args.text("text") or None,
                "show_alert": args.flag("show_alert"),
                "url": args.text("url") or None,
                "cache_time": args.integer("cache_time"),
                "data": query.data,
                "chat_id": query.chat_id,
                "message_id": query.message_id,
                "user_id": query.user_id,
            }
        )
        self.world.notify_changed()
        return True

    async def send_chat_action(self, args: Args) -> bool:
        action = args.text("action").strip().lower()
        if action not in CHAT_ACTIONS:
            raise ApiError.bad_request("Wrong parameter action in request")
        chat = self._chat(args)
        self.chat_actions.append((chat.id, action))
        return True

    # -- files --------------------------------------------------------------------------------------

    async def get_file(self, args: Args) -> JsonDict:
        stored = self.files.get(args.text("file_id").strip())
        if stored is None:
            raise ApiError.bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD:
            raise ApiError.bad_request("file is too big")
        return stored.file_object()

    def _photo_sizes(self, photo: UploadedFile | str) -> list[StoredFile]:
        if isinstance(photo, str):
            return self._known_photo(photo)
        if not photo.data:
            raise ApiError.bad_request("File must be non-empty")
        if len(photo.data) > MAX_PHOTO_UPLOAD:
            raise ApiError.bad_request("PHOTO_SAVE_FILE_INVALID")
        try:
            width, height = image_size(photo.data)
        except NotAnImageError as error:
            raise ApiError.bad_request("IMAGE_PROCESS_FAILED") from error
        if width + height > 10_000 or max(width, height) > 20 * min(width, height):
            raise ApiError.bad_request("PHOTO_INVALID_DIMENSIONS")
        return self.files.add_photo(photo.data)

    def _known_photo(self, file_id: str) -> list[StoredFile]:
        if file_id.lower().startswith(("http://", "https://")):
            raise ApiError.bad_request("Failed to get HTTP URL content (the stand-in does not fetch URLs)")
        sizes = self.files.photo_set(file_id)
        if sizes is not None:
            return sizes
        other = self.files.get(file_id)
        if other is not None:
            raise ApiError.bad_request(f"Can't use file of type {other.kind.capitalize()} as Photo")
        raise ApiError.bad_request("Wrong file identifier/HTTP URL specified")

    def _document(self, document: UploadedFile | str) -> tuple[StoredFile, StoredFile | None]:
        if isinstance(document, str):
            stored = self.files.get(document)
            if stored is None or stored.kind == "thumbnail":
                raise ApiError.bad_request("Wrong file identifier/HTTP URL specified")
            if stored.kind != "document":
                raise ApiError.bad_request(f"Can't use file of type {stored.kind.capitalize()} as Document")
            return stored, self.files.thumbnail_of(stored.file_id)
        if not document.data:
            raise ApiError.bad_request("File must be non-empty")
        if len(document.data) > MAX_DOCUMENT_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        return self.files.add_document(document.data, document.filename, None)

    # -- media messages -----------------------------------------------------------------------------

    async def send_photo(self, args: Args) -> JsonDict:
        photo = args.input_file("photo")
        if photo is None:
            raise ApiError.bad_request("There is no photo in the request")
        parsed = self._text(args, required=False)
        markup = self._markup(args)
        chat = self._chat(args)
        reply_to = self._reply_to(args, chat)
        sizes = self._photo_sizes(photo)
        return self._send_photo_message(chat, sizes, parsed, args.text("caption") or None, markup, reply_to, None)

    def _send_photo_message(
        self,
        chat: Chat,
        sizes: list[StoredFile],
        parsed: validation.ParsedText,
        html: str | None,
        markup: JsonDict | None,
        reply_to: StoredMessage | None,
        media_group_id: str | None,
    ) -> JsonDict:
        text, entities = validation.finish_text(parsed, is_caption=True)
        entities = self.world.fill_mentions(entities)
        fields: JsonDict = {"media_group_id": media_group_id} if media_group_id else {}
        fields["photo"] = [size.photo_size() for size in sizes]
        fields.update(self._text_fields("caption", text, entities, markup))
        media = MediaDetails("photo", photo=sizes[-1].data, media_group_id=media_group_id)
        revision = Revision(text, html, entities, markup)
        sent = self.world.add_bot_message(chat, "photo", fields, revision, reply_to, media)
        return copy.deepcopy(sent.message)

    async def send_document(self, args: Args) -> JsonDict:
        document = args.input_file("document")
        if document is None:
            raise ApiError.bad_request("There is no document in the request")
        parsed = self._text(args, required=False)
        markup = self._markup(args)
        chat = self._chat(args)
        reply_to = self._reply_to(args, chat)
        stored, thumbnail = self._document(document)
        html = args.text("caption") or None
        return self._send_document_message(chat, stored, thumbnail, parsed, html, markup, reply_to, None)

    def _send_document_message(
        self,
        chat: Chat,
        stored: StoredFile,
        thumbnail: StoredFile | None,
        parsed: validation.ParsedText,
        html: str | None,
        markup: JsonDict | None,
        reply_to: StoredMessage | None,
        media_group_id: str | None,
    ) -> JsonDict:
        text, entities = validation.finish_text(parsed, is_caption=True)
        entities = self.world.fill_mentions(entities)
        fields: JsonDict = {"media_group_id": media_group_id} if media_group_id else {}
        fields["document"] = document_object(stored, thumbnail)
        fields.update(self._text_fields("caption", text, entities, markup))
        media = MediaDetails(
            "document",
            document=stored.data,
            file_name=stored.file_name,
            mime_type=stored.mime_type,
            media_group_id=media_group_id,
        )
        sent = self.world.add_bot_message(
            chat, "document", fields, Revision(text, html, entities, markup), reply_to, media
        )
        return copy.deepcopy(sent.message)

    def _album_item(self, args: Args, item: Any) -> tuple[str, UploadedFile | str, validation.ParsedText, str | None]:
        """Parse one InputMedia; every problem is reported as "Can't parse InputMedia: ..."."""
        try:
            if not isinstance(item, dict):
                raise ApiError.bad_request("expected an Object")
            raw_caption = str(item.get("caption") or "")
            parsed = validation.parse_text(
                raw_caption,
                str(item.get("parse_mode") or ""),
                item.get("caption_entities"),
                strict=self.strict,
                required=False,
            )
            kind = item.get("type")
            if not isinstance(kind, str):
                raise ApiError.bad_request('Can\'t find field "type"')
            media = args.attached(str(item.get("media") or "")) or None
            if media is None:
                raise ApiError.bad_request("media not found")
            if kind == "animation":
                raise ApiError.bad_request('type "animation" can\'t be used in sendMediaGroup')
            if kind not in ("photo", "document", "video", "audio"):
                raise ApiError.bad_request(f'type "{kind}" is unsupported')
            if kind in ("video", "audio"):
                raise ApiError.bad_request(f'type "{kind}" is not implemented by the stand-in')
        except ApiError as error:
            detail = error.description.removeprefix("Bad Request: ")
            raise ApiError.bad_request(f"Can't parse InputMedia: {detail[:1].upper()}{detail[1:]}") from error
        return kind, media, parsed, raw_caption or None

    async def send_media_group(self, args: Args) -> list[JsonDict]:
        media = args.json("media", "media")
        if media is None:
            raise ApiError.bad_request('Parameter "media" is required')
        if not isinstance(media, list):
            raise ApiError.bad_request("Expected an Array of InputMedia")
        items = [self._album_item(args, item) for item in media]
        chat = self._chat(args)
        reply_to = self._reply_to(args, chat)
        self._check_album(items)
        group_id = self.next_media_group_id() if len(items) > 1 else None
        prepared = [
            (kind, self._photo_sizes(m) if kind == "photo" else self._document(m), p, h) for kind, m, p, h in items
        ]
        for _, _, parsed, _ in prepared:
            validation.finish_text(parsed, is_caption=True)
        messages = []
        for index, (kind, files, parsed, html) in enumerate(prepared):
            replied = reply_to if index == 0 else None
            if kind == "photo":
                assert isinstance(files, list)
                messages.append(self._send_photo_message(chat, files, parsed, html, None, replied, group_id))
            else:
                assert isinstance(files, tuple)
                messages.append(self._send_document_message(chat, *files, parsed, html, None, replied, group_id))
        return messages

    def _check_album(self, items: list[tuple[str, UploadedFile | str, validation.ParsedText, str | None]]) -> None:
        if not items:
            raise ApiError.bad_request("There are no messages to send")
        if len(items) > MAX_ALBUM_SIZE:
            raise ApiError.bad_request("Too many messages to send as an album")
        if len(items) == 1 and self.strict:
            raise ApiError.bad_request(
                f"Not enough media to send as an album: the Bot API requires 2-10 {validation.STRICT_NOTE}"
            )
        kinds = {kind for kind, *_ in items}
        if "document" in kinds and len(kinds) > 1:
            raise ApiError.bad_request("Document can't be mixed with other media types")

    def next_media_group_id(self) -> str:
        """A fresh ``media_group_id`` (shared by the bot's and the simulated users' albums)."""
        self._next_media_group += 7919
        return str(self._next_media_group)
