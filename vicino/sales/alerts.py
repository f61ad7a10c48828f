"""The first-response alert: a lead waiting past its site's target, in opening hours, is reported once.

Every site manager of the site gets one e-mail per run listing its leads that crossed the
target since the last run, in their own language. The lead remembers it was alerted about
(`alerted_at`), so a lead is reported once, however long it keeps waiting.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from vicino.core.models import Membership
from vicino.core.roles import Role

from .models import Lead, SiteSalesSettings
from .routing import opening_hours_of, opening_minutes_between

DEFAULT_TARGET_MINUTES = SiteSalesSettings._meta.get_field("response_target_minutes").default


def lead_waiting_minutes(lead: Lead, *, now: datetime.datetime | None = None, hours: list | None = None) -> int:
    """How long a lead has waited for its first answer, in its site's opening minutes."""
    end = lead.first_response_at or now or timezone.now()
    if hours is None:
        hours = opening_hours_of([lead.site_id]).get(lead.site_id, [])
    return opening_minutes_between(hours, lead.created_at, end)


def lead_response_alerts(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    targets = dict(SiteSalesSettings.objects.values_list("site_id", "response_target_minutes"))
    # Opening minutes never exceed the wall-clock ones: a lead younger than the smallest
    # target cannot be late, and the partial index finds the waiting ones.
    shortest = min([*targets.values(), DEFAULT_TARGET_MINUTES])
    waiting = list(
        Lead.objects.filter(first_response_at__isnull=True, alerted_at__isnull=True, stage=Lead.Stage.NEW)
        .filter(created_at__lte=now - datetime.timedelta(minutes=shortest))
        .select_related("customer", "site", "assigned_to")
    )
    hours = opening_hours_of(sorted({lead.site_id for lead in waiting}))
    late: dict[int, list[tuple[Lead, int]]] = defaultdict(list)
    for lead in waiting:
        minutes = lead_waiting_minutes(lead, now=now, hours=hours.get(lead.site_id, []))
        if minutes >= targets.get(lead.site_id, DEFAULT_TARGET_MINUTES):
            late[lead.site_id].append((lead, minutes))
    if not late:
        return 0
    managers = defaultdict(list)
    for membership in Membership.objects.filter(site_id__in=late, role=Role.SITE_MANAGER, user__is_active=True).select_related("user"):
        managers[membership.site_id].append(membership.user)
    alerted = 0
    for site_id, leads in late.items():
        with transaction.atomic():
            Lead.objects.filter(pk__in=[lead.pk for lead, _m in leads]).update(alerted_at=now)
            alerted += len(leads)
            for manager in managers.get(site_id, []):
                message = _alert_message(manager, leads, targets.get(site_id, DEFAULT_TARGET_MINUTES))
                transaction.on_commit(message.send)
    return alerted


def _alert_message(manager, leads: list[tuple[Lead, int]], target: int) -> EmailMessage:
    site = leads[0][0].site
    base = settings.VICINO_BASE_URL.rstrip("/")
    with translation.override(manager.language):
        rows = [
            {"lead": lead, "minutes": minutes, "url": base + reverse("sales:lead-detail", args=[lead.pk])} for lead, minutes in leads
        ]
        subject = _("%(count)s enquiries at %(site)s waiting for an answer") % {"count": len(leads), "site": site.name}
        body = render_to_string("sales/email/response_alert.txt", {"site": site, "rows": rows, "target": target, "manager": manager})
    return EmailMessage(subject=subject, body=body, to=[manager.email])
