"""Daily and frequent tasks: apps register them; every worker checks now and then and enqueues what is due.

The database decides which worker enqueues a task: the first to insert the
(name, day) row of `ScheduledRun` wins, so several workers never run it twice. A task
that runs every few minutes gets one row per slot of the day ("name@14:35").
"""

import logging
import threading

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)

_DAILY: dict[str, Task] = {}
_FREQUENT: dict[str, tuple[Task, int]] = {}
CHECK_EVERY_SECONDS = 60


def daily_register(task: Task) -> None:
    _DAILY[task.module_path] = task


def every_minutes_register(task: Task, minutes: int) -> None:
    """Run `task` once in every slot of `minutes` minutes (slots start at midnight)."""
    _FREQUENT[task.module_path] = (task, minutes)


def daily_enqueue_due() -> list[str]:
    """Enqueue each daily task not yet enqueued today; returns the names enqueued."""
    now = timezone.localtime()
    due = [(name, name, task) for name, task in _DAILY.items()]
    for name, (task, minutes) in _FREQUENT.items():
        slot = (now.hour * 60 + now.minute) // minutes * minutes
        due.append((name, f"{name}@{slot // 60:02d}:{slot % 60:02d}", task))
    enqueued = []
    for name, run_name, task in due:
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=run_name, day=now.date())
                task.enqueue()
        except IntegrityError:
            continue
        enqueued.append(name)
        logger.info("Enqueued scheduled task %s", run_name)
    return enqueued


def scheduler_start(stop: threading.Event) -> threading.Thread:
    """A daemon thread that enqueues due daily tasks until `stop` is set."""

    def loop() -> None:
        while not stop.is_set():
            try:
                daily_enqueue_due()
            except Exception:
                logger.exception("Daily tasks could not be enqueued")
            stop.wait(CHECK_EVERY_SECONDS)

    thread = threading.Thread(target=loop, name="vicino-daily", daemon=True)
    thread.start()
    return thread
