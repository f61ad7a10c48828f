"""The first-response alert: a new lead left waiting past the site's target, in opening hours, is reported once."""

import datetime

import pytest
from django.utils import timezone

from vicino.core.schedule import daily_enqueue_due
from vicino.sales import services
from vicino.sales.alerts import lead_response_alerts
from vicino.sales.models import Lead, SiteSalesSettings

from .conftest import enquiry

pytestmark = pytest.mark.django_db

ZONE = timezone.get_current_timezone()
# A Tuesday: the cast's sites open Monday–Saturday 9–19.
TUESDAY_10 = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=ZONE)


def _lead_at(site, when, email="marco@example.it") -> Lead:
    return services.lead_create(by=None, network=site.network, enquiry=enquiry(email=email, chosen_site=site, received_at=when))


def test_the_site_manager_is_told_once_about_a_lead_waiting_past_the_target(milano, giulia, anna, smtp_server, django_capture_on_commit_callbacks):
    lead = _lead_at(milano, TUESDAY_10)
    with django_capture_on_commit_callbacks(execute=True):
        assert lead_response_alerts(now=TUESDAY_10 + datetime.timedelta(minutes=29)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert lead_response_alerts(now=TUESDAY_10 + datetime.timedelta(minutes=45)) == 1
    (message,) = smtp_server.to("giulia@aurora.example")
    body = message.get_payload(decode=True).decode()
    assert "Marco Bellini" in body and "45" in body and f"/leads/{lead.pk}/" in body and "Anna Colombo" in body
    with django_capture_on_commit_callbacks(execute=True):
        assert lead_response_alerts(now=TUESDAY_10 + datetime.timedelta(hours=3)) == 0
    assert len(smtp_server.messages) == 1


def test_the_night_does_not_count_towards_the_wait(milano, giulia, smtp_server):
    _lead_at(milano, TUESDAY_10.replace(hour=18, minute=50))  # 10 open minutes that evening
    assert lead_response_alerts(now=TUESDAY_10.replace(day=2, hour=9, minute=15)) == 0  # 25 by 9:15 next morning
    assert lead_response_alerts(now=TUESDAY_10.replace(day=2, hour=9, minute=25)) == 1


def test_an_answered_lead_and_a_site_with_a_longer_target_raise_no_alert(milano, treviso, anna, smtp_server):
    answered = _lead_at(milano, TUESDAY_10)
    services.activity_add(by=anna, lead=answered, kind="call", text="Richiamato")
    SiteSalesSettings.objects.create(site=treviso, response_target_minutes=120)
    _lead_at(treviso, TUESDAY_10, email="t@example.it")
    assert lead_response_alerts(now=TUESDAY_10 + datetime.timedelta(minutes=90)) == 0


def test_the_alert_task_is_scheduled_every_few_minutes(db):
    assert "vicino.sales.tasks.lead_response_alerts_send" in daily_enqueue_due()
