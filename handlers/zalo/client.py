"""The few Zalo Bot API calls the bot makes, over one httpx connection pool.

Every method is a POST of a JSON object to `<base>/bot<token>/<method>` answered with
`{ok, result, description?, error_code?}`. A refusal becomes `ZaloError` with Zalo's code, and a
broken connection or a timeout becomes `ZaloUnreachable`, so the outbox can tell "try again later"
from "this will never work". Neither message contains the request URL, which holds the token.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

CALL_TIMEOUT = 30.0
# getUpdates waits up to its own timeout before answering; the connection must outlive that wait.
POLL_GRACE = 15.0
NO_UPDATE = 408  # getUpdates' answer when nothing arrived within its timeout
BAD_GATEWAY = 502

Json = dict[str, Any]


class ZaloError(Exception):
    """Zalo answered, and refused: `error_code` is Zalo's (429 quota, 5xx its trouble, other 4xx ours)."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code = error_code
        self.description = description


class ZaloUnreachable(Exception):
    """No answer at all: the network, a timeout, or something that is not Zalo's JSON."""


class ZaloClient:
    def __init__(self, token: str, base_url: str, *, timeout: float = CALL_TIMEOUT) -> None:
        self._prefix = f"{base_url.rstrip('/')}/bot{token}/"
        self._http = httpx.AsyncClient(timeout=timeout)

    async def close(self) -> None:
        await self._http.aclose()

    async def call(self, method: str, params: Json | None = None, *, wait: float | None = None) -> Any:
        """The `result` of a successful call (None when there is none)."""
        try:
            response = await self._http.post(
                self._prefix + method,
                json=params or {},
                timeout=httpx.USE_CLIENT_DEFAULT if wait is None else wait,
            )
        except httpx.TimeoutException as error:
            raise ZaloUnreachable(f"{method}: no answer in time ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            raise ZaloUnreachable(f"{method}: {type(error).__name__}") from None
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            # A proxy's error page: its HTTP status says as much as Zalo's code would.
            status = response.status_code if response.status_code >= 400 else BAD_GATEWAY
            raise ZaloError(status, f"{method}: HTTP {response.status_code} without a Zalo answer")
        if not body.get("ok"):
            code = body.get("error_code")
            description = str(body.get("description") or "")
            raise ZaloError(code if isinstance(code, int) else response.status_code, f"{method}: {description}")
        return body.get("result")

    async def get_me(self) -> Json:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, seconds: int) -> list[Json]:
        """Zalo hands out one update per call (sometimes as a list) and answers 408 when none came."""
        try:
            result = await self.call("getUpdates", {"timeout": seconds}, wait=seconds + POLL_GRACE)
        except ZaloError as error:
            if error.error_code == NO_UPDATE:
                return []
            raise
        if isinstance(result, dict):
            return [result]
        if isinstance(result, list):
            return [update for update in result if isinstance(update, dict)]
        return []

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def get_webhook_info(self) -> Json:
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> Json:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result if isinstance(result, dict) else {}

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> Json:
        params: Json = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        result = await self.call("sendPhoto", params)
        return result if isinstance(result, dict) else {}

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})
