"""The Telegram channel (`handlers.channel.Channel`), on a python-telegram-bot Application.

PTB does what it is good at: the Updater polls (or serves the webhook), the Application dispatches to
the handlers in `routes`, AIORateLimiter keeps within Telegram's limits. Around it the bot adds what a
field tool needs: the update queue commits every update before Telegram is told it arrived
(`updates`), each person's updates run in their own lane (`ordering`), and replies leave through the
outbox, which hands them back here as Bot API calls (`delivery`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Hashable, Iterator

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import AIORateLimiter, Application
from telegram.helpers import create_deep_linked_url
from telegram.request import HTTPXRequest

from bot.engine import Engine
from bot.events import Abilities, Owed
from bot.reports.service import ReportService
from bot.texts import catalogue as texts
from handlers.errors import ChannelRefused, ChannelUnreachable
from handlers.identities import Identities
from handlers.lanes import Pacing
from handlers.outbox import Failure, OutboxWorker, Step
from handlers.telegram.config import TelegramConfig
from handlers.telegram.convert import NAME
from handlers.telegram.delivery import TelegramSteps
from handlers.telegram.ordering import PerPersonUpdateProcessor
from handlers.telegram.retry import with_retries
from handlers.telegram.routes import register
from handlers.telegram.updates import DurableBot, InboxQueue
from storage.port import Store

log = logging.getLogger(__name__)

ABILITIES = Abilities(groups=True, buttons=True, albums=True, files=True, edits=True, own_ids=True)
POLL_TIMEOUT_SECONDS = 20
# What python-telegram-bot's builder gives a bot by default: replies to many chats go out side by side.
CONNECTIONS = 256
STOP_GRACE_SECONDS = 10.0


def build_application(config: TelegramConfig, updates: InboxQueue, pacing: Pacing) -> Application:  # type: ignore[type-arg]
    bot = DurableBot(
        updates,
        config.token,
        base_url=config.base_url,
        base_file_url=config.base_file_url,
        request=HTTPXRequest(connection_pool_size=CONNECTIONS),
        get_updates_request=HTTPXRequest(),
        rate_limiter=AIORateLimiter(),
    )

    async def slow_down(user_id: int) -> None:
        await with_retries("sendMessage", bot.send_message, user_id, texts.VI.SLOW_DOWN)

    processor = PerPersonUpdateProcessor(pacing, slow_down, updates.dropped)
    return (
        Application.builder()
        .bot(bot)
        .update_queue(updates)
        .job_queue(None)  # app.schedule is the one scheduler
        .concurrent_updates(processor)
        .build()
    )


@contextlib.contextmanager
def operator_errors() -> Iterator[None]:
    """A refused token or an unreachable Telegram, as one line for the operator."""
    try:
        yield
    except InvalidToken:
        raise ChannelRefused("Telegram không chấp nhận TELEGRAM_BOT_TOKEN; hãy lấy lại token từ @BotFather.") from None
    except NetworkError as error:
        raise ChannelUnreachable(f"không kết nối được tới Telegram ({error.message}).") from None


class TelegramChannel:
    name = NAME
    abilities = ABILITIES

    def __init__(
        self, config: TelegramConfig, inbox_store: Store, identities: Identities, reports: ReportService
    ) -> None:
        self.config = config
        self.identities = identities
        self.updates = InboxQueue(inbox_store)
        self._engine: Engine | None = None
        self.application = build_application(config, self.updates, Pacing(self._knows))
        self.delivery = TelegramSteps(self.application.bot, config.photo_dir, reports)

    def steps(self, reply: Owed) -> list[Step]:
        return self.delivery.steps(reply)

    def failure(self, error: Exception, attempts: int) -> Failure | None:
        return self.delivery.failure(error, attempts)

    async def open(self) -> None:
        with operator_errors():
            await self.application.initialize()

    def invite_link(self, code: str) -> str:
        """The deep link that opens a private chat with the bot and sends `/start <code>`."""
        return create_deep_linked_url(self.application.bot.username, code)

    async def start(self, engine: Engine, outbox: OutboxWorker) -> None:
        application = self.application
        self._engine = engine
        register(application, engine, self.updates, outbox, self.identities)
        with operator_errors():
            await self._set_commands()
            await self.updates.replay(application.bot)
            await application.start()
            updater = application.updater
            assert updater is not None
            webhook = self.config.webhook
            if webhook is None:
                await updater.start_polling(
                    allowed_updates=Update.ALL_TYPES, timeout=POLL_TIMEOUT_SECONDS, poll_interval=0.0
                )
            else:
                await updater.start_webhook(
                    listen=webhook.listen,
                    port=webhook.port,
                    url_path=webhook.path,
                    webhook_url=webhook.url,
                    secret_token=webhook.secret,
                    allowed_updates=Update.ALL_TYPES,
                )
        log.info("@%s is running (%s)", application.bot.username, "polling" if webhook is None else "webhook")

    async def _set_commands(self) -> None:
        """The command menu in each catalogue language; Telegram shows people the one of their app's
        language, and the Vietnamese one (set without a language) to everyone else."""
        bot = self.application.bot
        for lang in texts.LANGUAGES:
            t = texts.catalogue(lang)
            code = None if lang == texts.DEFAULT else lang
            private = [BotCommand(name, text) for name, text in t.PRIVATE_COMMANDS.items()]
            group = [BotCommand(name, text) for name, text in t.GROUP_COMMANDS.items()]
            await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats(), language_code=code)
            await bot.set_my_commands(group, scope=BotCommandScopeAllGroupChats(), language_code=code)
            await bot.set_my_commands(private, language_code=code)

    async def stop(self) -> None:
        application = self.application
        updater = application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
        await self._processor().lanes.drain(STOP_GRACE_SECONDS)

    async def close(self) -> None:
        await self.updates.inbox.close()
        await self.application.shutdown()

    async def _knows(self, person: Hashable) -> bool:
        """Whether the engine works for this person; updates are taken in only once it is there."""
        return self._engine is not None and isinstance(person, int) and await self._engine.knows(person)

    def _processor(self) -> PerPersonUpdateProcessor:
        processor = self.application.update_processor
        assert isinstance(processor, PerPersonUpdateProcessor)
        return processor
