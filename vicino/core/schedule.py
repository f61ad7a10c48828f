"""Daily tasks: apps register them; every worker checks now and then and enqueues what is due today.

The database decides which worker enqueues a task: the first to insert the
(name, day) row of `ScheduledRun` wins, so several workers never run it twice.
"""

import logging
import threading

from django.db import IntegrityError, transaction
from django.tasks import Task
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)

_DAILY: dict[str, Task] = {}
CHECK_EVERY_SECONDS = 600


def daily_register(task: Task) -> None:
    _DAILY[task.module_path] = task


def daily_enqueue_due() -> list[str]:
    """Enqueue each daily task not yet enqueued today; returns the names enqueued."""
    today = timezone.localdate()
    enqueued = []
    for name, task in _DAILY.items():
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=name, day=today)
                task.enqueue()
        except IntegrityError:
            continue
        enqueued.append(name)
        logger.info("Enqueued daily task %s", name)
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
