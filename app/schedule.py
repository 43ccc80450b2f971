"""The one scheduler: reminders every minute, old delivery records forgotten every hour, the backup every night.

It runs whichever channels are on (python-telegram-bot's JobQueue exists only inside a Telegram
Application, and the bot may run Zalo alone), so it is APScheduler itself, the library JobQueue is built
on. Every job reads what is due from the database, so a job missed while the bot was down is simply
done at the next run: nothing here needs to remember anything.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, time, timedelta
from typing import Any

from apscheduler.job import Job as ScheduledJob
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from app.settings import Settings
from bot.upkeep import BACKUP_TIME, nightly_backup
from storage.clock import utcnow
from storage.port import Store

REMINDERS = "reminders"
NIGHTLY_BACKUP = "daily-backup"
FORGET_DELIVERED = "forget-delivered"
# Telegram keeps an update at most a day; a week of memory is plenty to recognise a redelivery.
PROCESSED_UPDATE_RETENTION = timedelta(days=7)
FORGET_EVERY = timedelta(hours=1)
Job = Callable[[], Coroutine[Any, Any, None]]
"""An `async def` without arguments: APScheduler runs a coroutine function on the loop, anything else in a thread."""
FIRST_RUN_AFTER = timedelta(seconds=0.5)


class Schedule:
    def __init__(self) -> None:
        self._scheduler = AsyncIOScheduler(timezone=UTC)

    def every(self, seconds: float, job: Job, name: str) -> None:
        """`job` right after start, then every `seconds`; a run still going when the next is due is not doubled."""
        self._scheduler.add_job(
            job,
            IntervalTrigger(seconds=seconds),
            id=name,
            next_run_time=datetime.now(UTC) + FIRST_RUN_AFTER,
            max_instances=1,
            coalesce=True,
        )

    def daily(self, at: time, job: Job, name: str) -> None:
        """`job` every day at `at`, a time of day with its time zone (the team's is Vietnam's)."""
        trigger = CronTrigger(hour=at.hour, minute=at.minute, timezone=at.tzinfo)
        # A machine asleep at that moment still backs up when it wakes, within the hour.
        self._scheduler.add_job(job, trigger, id=name, max_instances=1, coalesce=True, misfire_grace_time=3600)

    def job(self, name: str) -> ScheduledJob:
        """The job called `name`, with its trigger and its function."""
        job = self._scheduler.get_job(name)
        if job is None:
            raise KeyError(name)
        return job

    def start(self) -> None:
        self._scheduler.start()

    async def stop(self) -> None:
        """Jobs in progress are cancelled; what they did is either committed or will be done again."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the shutdown itself runs on the next turn of the loop


def plan(settings: Settings, store: Store, send_reminders: Job, every: float) -> Schedule:
    """Reminders every `every` seconds (and right after start); processed updates and finished replies
    older than PROCESSED_UPDATE_RETENTION forgotten right after start and then every hour, so a bot that
    runs for months does not keep all it ever handled; the backup every night at BACKUP_TIME into
    DATA_DIR/backups, keeping BACKUP_KEEP of them."""
    jobs = Schedule()

    async def back_up() -> None:
        await nightly_backup(settings.database, settings.photo_dir, settings.backup_dir, settings.backup_keep)

    async def forget() -> None:
        # One short transaction on the engine's store; should it fail, the scheduler logs it and the
        # next run catches up.
        async with store.transaction() as tx:
            await tx.delivery.forget_before(utcnow() - PROCESSED_UPDATE_RETENTION)

    jobs.every(every, send_reminders, REMINDERS)
    jobs.every(FORGET_EVERY.total_seconds(), forget, FORGET_DELIVERED)
    jobs.daily(BACKUP_TIME, back_up, NIGHTLY_BACKUP)
    return jobs
