"""Background work through the real database queue and the worker command."""

from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from vicino.core.tasks import mail_send


def test_a_queued_email_is_sent_by_the_worker(transactional_db, settings, smtp_server):
    # The worker closes its database connection after each task, as a long-running process
    # should; that would end a test wrapped in one transaction, so this one commits for real.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = mail_send.enqueue(subject="Benvenuta", body="Ciao Nicolò!", to=["carla@example.com"])
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    assert smtp_server.messages == []

    call_command("worker", batch=True)

    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    [message] = smtp_server.to("carla@example.com")
    assert message["Subject"] == "Benvenuta"
    assert message.get_payload(decode=True).decode() .strip() == "Ciao Nicolò!"


def test_tasks_run_immediately_in_tests(db, smtp_server):
    mail_send.enqueue(subject="Subito", body="Adesso", to=["dario@example.com"])
    assert [m["Subject"] for m in smtp_server.messages] == ["Subito"]


def test_daily_tasks_run_once_a_day_and_refresh_the_planner_statistics(db, carla):
    from django.db import connection

    from vicino.core.models import ScheduledRun
    from vicino.core.schedule import daily_enqueue_due

    enqueued = daily_enqueue_due()
    assert "vicino.core.tasks.database_statistics_refresh" in enqueued
    assert "vicino.people.tasks.consents_expire_all" in enqueued
    assert daily_enqueue_due() == []
    assert ScheduledRun.objects.count() == len(enqueued)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'people_customer'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'people_customer'")
        assert cursor.fetchone()[0] > 0
