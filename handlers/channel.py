"""The one shape every channel has: `handlers/telegram`, `handlers/zalo` and `handlers/terminal` each
hold a `channel.py` whose class is a `Channel`.

The composition root opens every channel (credentials checked, nothing taken in yet), builds the
engine, starts the outbox and then the channels; at the end it stops them, stops the outbox and closes
them. Between start and stop a channel turns what people send into `bot.events.Incoming` for the
engine and wakes the outbox; the outbox hands each owed reply back to the channel of its chat as steps.
"""

from __future__ import annotations

from typing import Protocol

from bot.engine import Engine
from bot.events import Abilities
from handlers.outbox import Delivery, OutboxWorker


class Channel(Delivery, Protocol):
    @property
    def name(self) -> str:
        """How identities record the channel ("telegram", "zalo", "terminal")."""
        ...

    @property
    def abilities(self) -> Abilities: ...

    async def open(self) -> None:
        """Connects and checks the credentials; raises `handlers.errors.ChannelRefused` or
        `ChannelUnreachable` for the operator. Takes in nothing yet."""
        ...

    async def start(self, engine: Engine, outbox: OutboxWorker) -> None:
        """Takes in updates, first whatever the previous run committed but did not finish."""
        ...

    async def stop(self) -> None:
        """Takes in nothing more; what is being handled may finish, the rest waits in the inbox."""
        ...

    async def close(self) -> None:
        """Releases connections and servers, once the outbox no longer sends through them."""
        ...
