"""Run the background worker: the django-tasks-db worker, plus the daily-task scheduler."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from vicino.core.schedule import daily_enqueue_due, scheduler_start


class Command(BaseCommand):
    help = "Run background tasks from the database queue (add --batch to run what is queued and exit)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", action="store_true", help="Enqueue today's daily tasks, process every queued task, then exit.")
        parser.add_argument("--interval", type=float, default=1, help="Seconds between polls when idle.")

    def handle(self, *args, batch: bool = False, interval: float = 1, **options) -> None:
        stop = threading.Event()
        if batch:
            daily_enqueue_due()
        else:
            scheduler_start(stop)
        try:
            call_command("db_worker", batch=batch, interval=interval, reload=False, startup_delay=False)
        finally:
            stop.set()
