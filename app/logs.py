"""Logging for the running bot: one line per event, and never a token."""

from __future__ import annotations

import logging


class RedactToken(logging.Filter):
    """API URLs contain the tokens (Telegram's and Zalo's), and libraries put URLs in messages and exceptions."""

    def __init__(self, *tokens: str) -> None:
        super().__init__()
        self.tokens = [token for token in tokens if token]

    def filter(self, record: logging.LogRecord) -> bool:
        for token in self.tokens:
            message = record.getMessage()
            if token in message:
                record.msg, record.args = message.replace(token, "<TOKEN>"), None
            if record.exc_info and token in logging.Formatter().formatException(record.exc_info):
                text = logging.Formatter().formatException(record.exc_info).replace(token, "<TOKEN>")
                record.msg, record.args = f"{record.getMessage()}\n{text}", None
                record.exc_info, record.exc_text = None, None
        return True


def configure_logging(*tokens: str) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(*tokens))
    # httpx logs every request URL at INFO, and the Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
