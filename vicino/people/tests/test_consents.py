import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from vicino.people import services
from vicino.people.models import ConsentEvent, Interaction
from vicino.people.queries import consent_states, contactable_customers, may_contact

NOW = timezone.now()


def grant(customer, notice, *, channel="email", purpose="marketing", source="paper", days_ago=0, **extra):
    return services.consent_record(
        by=None, customer=customer, purpose=purpose, channel=channel, action="granted", source=source, notice=notice,
        occurred_at=NOW - datetime.timedelta(days=days_ago), **extra,
    )  # fmt: skip


def test_no_consent_means_no_contact(carla):
    assert not may_contact(customer=carla, purpose="marketing", channel="email")


def test_a_grant_allows_that_purpose_on_that_channel_only(carla, notice):
    grant(carla, notice)
    assert may_contact(customer=carla, purpose="marketing", channel="email")
    assert not may_contact(customer=carla, purpose="marketing", channel="sms")
    assert not may_contact(customer=carla, purpose="profiling", channel="email")


def test_a_withdrawal_wins_and_lands_on_the_timeline(carla, notice, anna):
    grant(carla, notice, days_ago=3)
    services.consent_record(by=anna, customer=carla, purpose="marketing", channel="email", action="withdrawn", source="staff")
    assert not may_contact(customer=carla, purpose="marketing", channel="email")
    assert Interaction.objects.filter(customer=carla, kind="consent.withdrawn", actor=anna).exists()
    [state] = consent_states(customer=carla)
    assert state.event.action == "withdrawn" and not state.allowed


def test_online_marketing_consent_needs_double_opt_in(carla, notice):
    grant(carla, notice, source="web_form", ip_address="203.0.113.7", user_agent="Firefox")
    assert not may_contact(customer=carla, purpose="marketing", channel="email")
    grant(carla, notice, source="web_form", double_opt_in_at=NOW)
    assert may_contact(customer=carla, purpose="marketing", channel="email")


def test_marketing_consent_lapses_after_24_months_even_before_the_task_runs(carla, notice):
    grant(carla, notice, days_ago=740)
    assert not may_contact(customer=carla, purpose="marketing", channel="email")
    grant(carla, notice, purpose="service", days_ago=740)
    assert may_contact(customer=carla, purpose="service", channel="email")


def test_the_daily_task_records_expiry_as_a_ledger_event_once(carla, notice, aurora):
    grant(carla, notice, purpose="profiling", days_ago=400)
    grant(carla, notice, days_ago=30)
    assert services.consents_expire(network=aurora) == 1
    assert services.consents_expire(network=aurora) == 0
    expired = ConsentEvent.objects.get(action="expired")
    assert (expired.purpose, expired.source) == ("profiling", "retention")


def test_a_network_sets_its_own_retention_with_a_reason(carla, notice, aurora, dario):
    with pytest.raises(ValidationError):
        services.retention_policy_set(by=dario, network=aurora, purpose="marketing", months=6, justification=" ")
    services.retention_policy_set(by=dario, network=aurora, purpose="marketing", months=6, justification="Campagne stagionali")
    grant(carla, notice, days_ago=200)
    assert not may_contact(customer=carla, purpose="marketing", channel="email")


def test_a_grant_must_cite_the_notice_and_a_contact_channel(carla, notice):
    with pytest.raises(ValidationError) as error:
        services.consent_record(by=None, customer=carla, purpose="marketing", channel="email", action="granted", source="staff")
    assert "notice" in error.value.message_dict
    with pytest.raises(ValidationError):
        grant(carla, notice, channel="showroom")
    assert not ConsentEvent.objects.exists()


def test_the_database_refuses_to_rewrite_a_consent_event(carla, notice):
    event = grant(carla, notice)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        ConsentEvent.objects.filter(pk=event.pk).update(action="withdrawn")
    event.refresh_from_db()
    assert event.action == "granted"


def test_bulk_contactable_agrees_with_may_contact(aurora, milano, notice):
    people = [services.customer_create(by=None, network=aurora, first_name=f"P{n}") for n in range(5)]
    grant(people[0], notice)
    grant(people[1], notice, source="web_form")
    grant(people[2], notice, source="web_form", double_opt_in_at=NOW)
    grant(people[3], notice, days_ago=800)
    grant(people[4], notice, days_ago=2)
    services.consent_record(by=None, customer=people[4], purpose="marketing", channel="email", action="withdrawn", source="portal")
    bulk = set(contactable_customers(network=aurora, purpose="marketing", channel="email"))
    assert bulk == {p for p in people if may_contact(customer=p, purpose="marketing", channel="email")} == {people[0], people[2]}
